"""DNA input as batches of codes; a SequenceMemmap is read a few rows at a time, never whole."""

from ..datasets import SequenceMemmap
from ..utils._docstring import fill_doc
from ..utils._validation import check_sequences

# Bytes of codes per batch (rows = this / n_positions): bounds what a SequenceMemmap
# has in memory at once, and the temporaries of each batch, whatever the input size.
_BATCH_BYTES = 1 << 22

_X_DOC = """\
X : list, ndarray or pandas Series of str, or SequenceMemmap
    DNA sequences (or one-hot / uint8 code arrays); a
    :class:`~sklearn_attngen.datasets.SequenceMemmap` is read a batch
    of rows at a time."""

# Docstring sections of the encoders, which read X through _code_batches, put in
# place of a ``{transform_parameters}``, ``{fit_transform_parameters}`` or
# ``{memmap_notes}`` line.
_fill_batch_doc = fill_doc(
    transform_parameters=f"Parameters\n----------\n{_X_DOC}",
    fit_transform_parameters=f"Parameters\n----------\n{_X_DOC}\ny : None\n    Ignored.",
    memmap_notes="""\
        Notes
        -----
        ``X`` may also be a :class:`~sklearn_attngen.datasets.SequenceMemmap`
        (data larger than memory): it is then read a batch of rows at a time,
        never whole, and the output is the same as for the sequences in memory.""",
)


class _DNAInputMixin:
    """Input tags of an encoder of DNA: sequences (str) or one-hot 3-D arrays, no table."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # no tabular numeric input
        tags.input_tags.three_d_array = True  # one-hot (n_samples, n_positions, 4)
        tags.input_tags.string = True
        return tags


def _is_memmap(X):
    return isinstance(X, SequenceMemmap)


def _check_memmap(X, name="X"):
    """The number of sequences of a SequenceMemmap; an empty one is refused."""
    n_samples = len(X)
    if n_samples == 0:
        raise ValueError(f"{name} is an empty SequenceMemmap: at least one sequence is required.")
    return n_samples


def _code_batches(X, name="X"):
    """Validate ``X``; return its code batches and the length of every sequence.

    Parameters
    ----------
    X : DNA input accepted by ``check_sequences``, or SequenceMemmap
        A :class:`~sklearn_attngen.datasets.SequenceMemmap` is read through
        ``X.codes[start:stop]`` when its batch is used, never whole; other
        input is validated and encoded at once, as ``check_sequences`` does.
    name : str, default="X"
        Name used in error messages.

    Returns
    -------
    batches : iterator of (int, ndarray of shape (n_rows, width), dtype uint8)
        First row of each batch and its codes (A, C, G, T = 0..3, N and
        padding = 4), rows in order, every batch as wide. Read-only: callers
        never write to them.
    lengths : ndarray of shape (n_samples,), dtype int64
        Real length of each sequence.
    """
    if _is_memmap(X):
        n_samples = _check_memmap(X, name)
        codes, lengths, width = X.codes, X.lengths, X.n_positions
    else:
        codes, lengths = check_sequences(X, name=name)
        n_samples, width = codes.shape
    rows = max(1, _BATCH_BYTES // max(1, width))

    def batches():
        for start in range(0, n_samples, rows):
            yield start, codes[start : start + rows]

    return batches(), lengths
