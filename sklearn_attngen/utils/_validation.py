"""Input validation shared by every public entry point.

All DNA input is turned into one representation, ``(codes, lengths)``: a
``uint8`` array of shape ``(n_samples, max_length)`` with A, C, G, T = 0..3 and
N (or padding) = 4, plus the real length of each sequence. Nothing downstream
validates or encodes again. :func:`encode_flat` is the one string encoder (the
file readers and the memory-mapped writer use it too), :func:`real_positions`
and :func:`pad_codes` the one definition of padding.
"""

import math
import numbers

import numpy as np
from sklearn.utils.validation import column_or_1d

ALPHABET = "ACGT"
ALPHABETS = ("DNA", "RNA")
N_CODE = 4
_INVALID = 255
_CHUNK = 1 << 16  # sequences encoded per chunk: bounds temporary memory
_EXPECTED = {
    "DNA": "A, C, G, T, N or an IUPAC ambiguity code (any case)",
    "RNA": "A, C, G, U, N or an IUPAC ambiguity code (any case)",
}


def _lookup_table(alphabet):
    """Byte -> code table: IUPAC ambiguity codes (and N) map to N, anything else is invalid."""
    lut = np.full(256, _INVALID, dtype=np.uint8)
    for code, base in enumerate(ALPHABET if alphabet == "DNA" else "ACGU"):
        lut[ord(base)] = lut[ord(base.lower())] = code
    for base in "NRYSWKMBDHV":
        lut[ord(base)] = lut[ord(base.lower())] = N_CODE
    return lut.tobytes()  # for bytes.translate, about twice as fast as lut[array]


_LUT_BYTES = {alphabet: _lookup_table(alphabet) for alphabet in ALPHABETS}


def _check_alphabet(alphabet):
    if not isinstance(alphabet, str) or alphabet not in ALPHABETS:
        raise ValueError(f"alphabet must be one of {ALPHABETS}, got {alphabet!r}.")


def _is_pandas(X):
    return type(X).__module__.split(".")[0] == "pandas"


def _pandas_column(X, name, what):
    """``(values, missing indices)`` of a Series or one-column DataFrame of ``what``."""
    if X.ndim == 2:
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} is a DataFrame with {X.shape[1]} columns; pass the one column "
                f"that holds the {what}."
            )
        X = X.iloc[:, 0]
    return X.to_numpy(), np.flatnonzero(X.isna().to_numpy())


def as_string_list(X, *, name="X"):
    """Return string input as a list of str, or None when ``X`` is not string data.

    Parameters
    ----------
    X : object
        A list or tuple of str, a 1-D array or pandas Series of str, or a
        one-column DataFrame; anything else (numbers, arrays of codes or one-hot)
        gives None.
    name : str, default="X"
        Name used in error messages.

    Returns
    -------
    sequences : list of str or None

    Raises
    ------
    ValueError
        On missing values in pandas input, several DataFrame columns or an
        array of str that is not 1-D.
    TypeError
        On bytes, or a non-str item in a list of str.

    Examples
    --------
    >>> from sklearn_attngen.utils import as_string_list
    >>> as_string_list(("ACGT", "GG"))
    ['ACGT', 'GG']
    >>> as_string_list([[0, 1], [2, 3]]) is None
    True
    """
    if _is_pandas(X):
        X, missing = _pandas_column(X, name, "sequences")
        if missing.size:
            raise ValueError(
                f"{name} has a missing value at index {missing[0]} "
                f"({missing.size} missing in total); drop or fill them first."
            )
    if isinstance(X, np.ndarray):
        if X.dtype.kind == "S":
            raise TypeError(f"{name} holds bytes; decode it to str first (X.astype(str)).")
        if X.dtype.kind not in "UO":
            return None
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        if X.ndim != 1:
            raise ValueError(
                f"{name} holds strings but has shape {X.shape}; expected a 1-D array of sequences."
            )
        X = X.tolist()
    elif isinstance(X, (list, tuple)):
        if len(X) and not isinstance(X[0], str) and not _is_scalar_junk(X[0]):
            return None  # e.g. a nested list of numbers: treated as an array below
    else:
        return None
    for i, seq in enumerate(X):
        if not isinstance(seq, str):
            raise TypeError(
                f"{name}[{i}] is {type(seq).__name__} ({seq!r:.40}), not str; every "
                "sequence must be a string of nucleotides."
            )
    return list(X)


def _is_sequence_source(X):
    """A SequenceMemmap, or any object offering its rows as ``codes`` and ``lengths``."""
    return hasattr(X, "codes") and hasattr(X, "lengths") and not isinstance(X, np.ndarray)


def _is_scalar_junk(value):
    return value is None or isinstance(value, (bytes, numbers.Number))


def encode_flat(sequences, *, where=None, alphabet="DNA"):
    """Encode DNA strings into one concatenated ``uint8`` code array, without padding.

    The one string encoder of the package: :func:`check_sequences`, the file
    readers and :func:`~sklearn_attngen.datasets.encode_to_memmap` all use it, so
    they accept and reject the same characters with the same message.

    Parameters
    ----------
    sequences : list of str
        At least one sequence; none may be empty.
    where : callable, default=None
        ``where(i, pos)`` returns the text that locates position ``pos`` of
        sequence ``i`` for the user (``pos`` is None for a whole sequence),
        e.g. a file and line. None gives ``"sequences[i]"``.
    alphabet : {"DNA", "RNA"}, default="DNA"
        ``"RNA"`` reads U (any case) as the fourth base, code 3, and rejects T.

    Returns
    -------
    flat : ndarray of shape (sum of lengths,), dtype uint8
        The codes of all sequences, one after the other (A, C, G, T = 0..3,
        N and IUPAC ambiguity codes = 4).
    lengths : ndarray of shape (n_sequences,), dtype int64

    Raises
    ------
    ValueError
        On an empty sequence or a character that is not a nucleotide, naming
        it through ``where``.

    Examples
    --------
    >>> from sklearn_attngen.utils import encode_flat
    >>> flat, lengths = encode_flat(["ACg", "tR"])
    >>> flat, lengths
    (array([0, 1, 2, 3, 4], dtype=uint8), array([3, 2]))
    >>> encode_flat(["ACGU"], alphabet="RNA")[0]
    array([0, 1, 2, 3], dtype=uint8)
    """
    _check_alphabet(alphabet)
    if where is None:

        def where(i, pos):
            return f"sequences[{i}]"

    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    if lengths.min() == 0:
        raise ValueError(f"{where(int(np.argmin(lengths)), None)}: empty sequence.")
    # 'replace' keeps one byte per character, so offsets stay aligned.
    text = "".join(sequences).encode("ascii", "replace").translate(_LUT_BYTES[alphabet])
    flat = np.frombuffer(text, dtype=np.uint8)
    if flat.max() == _INVALID:
        bad = int(np.argmax(flat == _INVALID))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        row = int(np.searchsorted(offsets, bad, side="right")) - 1
        pos = bad - int(offsets[row])
        raise ValueError(
            f"{where(row, pos)}: invalid character {sequences[row][pos]!r} at position {pos} of "
            f"the sequence; expected {_EXPECTED[alphabet]}."
        )
    return flat, lengths


def real_positions(lengths, n_positions):
    """Boolean mask of the real (non-padding) positions of padded sequences.

    Parameters
    ----------
    lengths : ndarray of shape (n_samples,)
        Real length of each sequence.
    n_positions : int
        Padded width.

    Returns
    -------
    mask : ndarray of shape (n_samples, n_positions), dtype bool
        ``mask[i, j]`` is True when ``j < lengths[i]``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.utils import real_positions
    >>> real_positions(np.array([2, 3]), 3)
    array([[ True,  True, False],
           [ True,  True,  True]])
    """
    return np.arange(n_positions)[None, :] < np.asarray(lengths)[:, None]


def pad_codes(codes, n_positions):
    """``uint8`` codes padded with N on the right to ``n_positions`` columns.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, width), dtype uint8
        ``width <= n_positions``.
    n_positions : int

    Returns
    -------
    padded : ndarray of shape (n_samples, n_positions), dtype uint8
        ``codes`` itself when it is already that wide, else a new array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.utils import pad_codes
    >>> pad_codes(np.array([[0, 1]], dtype=np.uint8), 4)
    array([[0, 1, 4, 4]], dtype=uint8)
    """
    if codes.shape[1] == n_positions:
        return codes
    padded = np.full((codes.shape[0], n_positions), N_CODE, dtype=np.uint8)
    padded[:, : codes.shape[1]] = codes
    return padded


def _encode_strings(seqs, name, alphabet):
    """Padded codes and lengths of str sequences, encoded chunk by chunk."""
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    codes = np.full((len(seqs), max(int(lengths.max()), 1)), N_CODE, dtype=np.uint8)
    for start in range(0, len(seqs), _CHUNK):
        chunk = seqs[start : start + _CHUNK]
        flat, chunk_lengths = encode_flat(
            chunk, where=lambda i, pos, start=start: f"{name}[{start + i}]", alphabet=alphabet
        )
        rows = codes[start : start + len(chunk)]
        if chunk_lengths.min() == codes.shape[1]:  # no padding: a plain reshape
            rows[:] = flat.reshape(len(chunk), -1)
        else:
            rows[real_positions(chunk_lengths, codes.shape[1])] = flat
    return codes, lengths


_ONE_HOT_SHAPES = {
    "NLC": "(n_samples, n_positions, 4)",
    "NCL": "(n_samples, 4, n_positions)",
    "auto": "(n_samples, n_positions, 4) or (n_samples, 4, n_positions)",
}


def _check_one_hot(X, name, layout):
    read_as = layout
    if layout == "auto":
        read_as = "NCL" if X.shape[2] != 4 and X.shape[1] == 4 else "NLC"
    if read_as == "NCL":  # (n, 4, L), the layout of torch's Conv1d
        X = X.transpose(0, 2, 1)
        if layout == "auto":
            name = f"{name} (read as (n_samples, 4, n_positions))"
    if X.shape[2] != 4:
        raise ValueError(
            f"{name} is a 3-D array with {X.shape[2]} channels; one-hot DNA must have shape "
            f"{_ONE_HOT_SHAPES[layout]} with channels in A, C, G, T order."
        )
    if X.shape[1] == 0:
        raise ValueError(f"{name} has sequences of length 0.")
    finite = np.isfinite(X)
    if not finite.all():
        i, j, _ = np.argwhere(~finite)[0]
        raise ValueError(
            f"{name}[{i}, {j}] = {X[i, j].tolist()} contains NaN or infinity; one-hot rows "
            "hold 0 and 1 only."
        )
    sums = X.sum(axis=2)
    bad = ~(((X == 0) | (X == 1)).all(axis=2) & ((sums == 0) | (sums == 1)))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name}[{i}, {j}] = {X[i, j].tolist()} is not a one-hot row (exactly one 1, or "
            "all zeros for N)."
        )
    codes = X.argmax(axis=2).astype(np.uint8)
    codes[sums == 0] = N_CODE
    return codes, np.full(X.shape[0], X.shape[1], dtype=np.int64)


def check_sequences(
    X, *, name="X", alphabet="DNA", layout="auto", allow_memmap=False, max_length=None
):
    """Validate DNA input and return it as ``(codes, lengths)``.

    Parameters
    ----------
    X : list, tuple, ndarray or pandas Series of str, ndarray, or SequenceMemmap
        One of: DNA strings (A, C, G, T, any case; IUPAC ambiguity codes
        become N); a one-hot array of shape ``(n_samples, n_positions, 4)`` or
        ``(n_samples, 4, n_positions)`` (all-zero rows are N; a shape
        ``(n, 4, 4)`` is read as the first); or a ``uint8`` code array of
        shape ``(n_samples, n_positions)`` with values 0..4.
    name : str, default="X"
        Name used in error messages.
    alphabet : {"DNA", "RNA"}, default="DNA"
        For strings: ``"RNA"`` reads U as the fourth base (code 3, as T) and
        rejects T.
    layout : {"auto", "NLC", "NCL"}, default="auto"
        For one-hot arrays: ``"NLC"`` is (n_samples, n_positions, 4),
        ``"NCL"`` is (n_samples, 4, n_positions); ``"auto"`` reads a 3-D array
        whose last axis is not 4 and whose second is as ``"NCL"``.
    allow_memmap : bool, default=False
        Accept a :class:`~sklearn_attngen.datasets.SequenceMemmap` (any object
        with ``codes`` and ``lengths`` attributes): its ``codes`` are then
        returned as they are, rows to be read batch by batch, never whole.
    max_length : int, default=None
        Longest sequence accepted (e.g. the ``n_positions_`` a model was
        fitted on); a longer one is an error naming it. None accepts any.

    Returns
    -------
    codes : ndarray of shape (n_samples, max_length), dtype uint8
        A, C, G, T = 0, 1, 2, 3; N and padding = 4. A new array: the
        caller's data is never modified.
    lengths : ndarray of shape (n_samples,), dtype int64
        Number of real positions of each sequence.

    Examples
    --------
    >>> from sklearn_attngen.utils import check_sequences
    >>> codes, lengths = check_sequences(["ACGT", "gtn"])
    >>> codes
    array([[0, 1, 2, 3],
           [2, 3, 4, 4]], dtype=uint8)
    >>> lengths
    array([4, 3])
    >>> check_sequences(["ACGU"], alphabet="RNA")[0]
    array([[0, 1, 2, 3]], dtype=uint8)
    """
    if layout not in _ONE_HOT_SHAPES:
        raise ValueError(f"layout must be one of {tuple(_ONE_HOT_SHAPES)}, got {layout!r}.")
    codes, lengths = _check_sequences(X, name, alphabet, layout, allow_memmap)
    if max_length is not None and codes.shape[1] > max_length:
        i = int(np.argmax(lengths))
        raise ValueError(
            f"{name}[{i}] has length {lengths[i]}, longer than the {max_length} positions "
            "the model was fitted on."
        )
    return codes, lengths


def _check_sequences(X, name, alphabet, layout, allow_memmap):
    _check_alphabet(alphabet)
    if _is_sequence_source(X):
        if not allow_memmap:
            raise TypeError(
                f"{name} is a {type(X).__name__}, which this function does not read; pass "
                "sequences in memory (e.g. a slice of it as strings)."
            )
        return X.codes, np.asarray(X.lengths)
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} is a single {type(X).__name__}; pass a list of sequences, e.g. [{name}]."
        )
    if X is None:
        raise TypeError(f"{name} is None; expected DNA sequences.")
    try:
        n = len(X)
    except TypeError:
        raise TypeError(
            f"{name} of type {type(X).__name__} is not a collection of sequences."
        ) from None
    if n == 0:
        raise ValueError(f"{name} is empty: at least one sequence is required.")
    seqs = as_string_list(X, name=name)
    if seqs is not None:
        return _encode_strings(seqs, name, alphabet)

    type_name = type(X).__name__
    X = np.asarray(X)
    if X.dtype.kind in "US":
        # e.g. a nested list of single characters
        raise ValueError(
            f"{name} holds strings but has shape {X.shape}; expected a 1-D list or array of "
            "sequences, one str per sequence."
        )
    if X.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} ({type_name}) has dtype {X.dtype}; expected DNA strings or a numeric "
            "array (one-hot or uint8 codes)."
        )
    if X.ndim == 3:
        return _check_one_hot(X, name, layout)
    if X.ndim == 2 and X.dtype == np.uint8:
        if X.shape[1] == 0:
            raise ValueError(f"{name} has sequences of length 0.")
        if X.max() > N_CODE:
            i, j = np.argwhere(X > N_CODE)[0]
            raise ValueError(
                f"{name} is a uint8 code array with value {int(X[i, j])}; codes are 0..4 "
                f"(A, C, G, T, N). First at {name}[{i}, {j}]."
            )
        return X.copy(), np.full(X.shape[0], X.shape[1], dtype=np.int64)
    raise ValueError(
        f"{name} is a {X.ndim}-D {X.dtype} array of shape {X.shape}; expected DNA strings, a "
        "one-hot array (n_samples, n_positions, 4) or uint8 codes (n_samples, n_positions). "
        "Tabular numeric features are not DNA: use a k-mer or one-hot encoding first."
    )


def check_lengths(lengths, n_samples, n_positions, *, name="lengths"):
    """Validate the real lengths of padded sequences.

    Parameters
    ----------
    lengths : array-like of shape (n_samples,)
        Integers in ``[1, n_positions]``. Floats are rejected rather than
        cast, so that 4.5 is never silently read as 4.
    n_samples, n_positions : int
        Shape of the padded code (or one-hot) array.
    name : str, default="lengths"
        Name used in error messages.

    Returns
    -------
    lengths : ndarray of shape (n_samples,), dtype int64
        A new array.

    Examples
    --------
    >>> from sklearn_attngen.utils import check_lengths
    >>> check_lengths([3, 1], 2, 4)
    array([3, 1])
    """
    values = np.asarray(lengths)
    if values.ndim != 1 or len(values) != n_samples:
        raise ValueError(
            f"{name} must be {n_samples} integers, one per sequence, each in "
            f"[1, {n_positions}]; got shape {values.shape}."
        )
    if values.dtype.kind not in "iu":
        example = f" ({name}[0] = {values[:1].tolist()[0]!r})" if values.size else ""
        raise ValueError(
            f"{name} must be {n_samples} integers, one per sequence; got dtype "
            f"{values.dtype}{example}. Lengths are not rounded: pass integers."
        )
    outside = (values < 1) | (values > n_positions)
    if outside.any():
        i = int(np.argmax(outside))
        raise ValueError(
            f"{name}[{i}] = {int(values[i])}: lengths must lie in [1, {n_positions}], the "
            "number of real positions of each sequence."
        )
    return values.astype(np.int64)


def _is_missing(label):
    if label is None or type(label).__name__ in ("NAType", "NaTType"):
        return True
    return (
        isinstance(label, numbers.Real)
        and not isinstance(label, numbers.Integral)
        and (not math.isfinite(label))
    )


def check_targets(y, n_samples=None, *, name="y", classes=None):
    """Validate class labels and return them as a 1-D numpy array.

    One validator for every function that takes labels (fit, partial_fit,
    score, the evaluation functions), so that they all reject the same things
    with the same messages, naming the first offending index.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels: str or numbers, a list, numpy array or pandas Series
        (or one-column DataFrame).
    n_samples : int, default=None
        Number of sequences the labels belong to; None skips the check.
    name : str, default="y"
        Name used in error messages.
    classes : array-like, default=None
        Known classes (e.g. a fitted ``classes_``); a label outside them is
        an error. None accepts any label.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels; the caller's object is not modified.

    Raises
    ------
    ValueError
        On None, a missing label (None, NaN, ``pd.NA``) or an infinite one,
        labels that mix str and numbers, a shape other than 1-D, a length
        other than ``n_samples``, or a label not in ``classes``.
    TypeError
        On a label that is neither str nor a number (e.g. bytes or a list).

    Examples
    --------
    >>> from sklearn_attngen.utils import check_targets
    >>> check_targets(["a", "b"], 2)
    array(['a', 'b'], dtype='<U1')
    """
    if y is None:
        raise ValueError(f"{name} is None; the class labels are required.")
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} is a single {type(y).__name__}; pass one label per sequence.")
    if _is_pandas(y):
        y, missing = _pandas_column(y, name, "labels")
        if missing.size:
            raise ValueError(
                f"{name}[{missing[0]}] is missing ({missing.size} missing labels in total); "
                "every sequence needs a label: drop or fill them first."
            )
    # a list is checked element by element before numpy turns [1, "a"] or ["a", nan]
    # into strings ("1", "nan") without a word
    # (and before numpy fails on a ragged list)
    checked = False
    if isinstance(y, (list, tuple)):
        objects = np.asarray(y, dtype=object)
        if objects.ndim == 1:
            _check_label_objects(objects, name)
            checked = True
    y = column_or_1d(np.asarray(y), warn=True)
    if n_samples is not None and len(y) != n_samples:
        raise ValueError(f"X has {n_samples} sequences but {name} has {len(y)} labels.")
    if y.dtype.kind == "O" and not checked:
        _check_label_objects(y, name)
    if y.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(y))
        if bad.size:
            raise ValueError(
                f"{name}[{bad[0]}] is {y[bad[0]]}; labels must be finite (a NaN label is a "
                "missing label: drop or fill it first)."
            )
    elif y.dtype.kind not in "biuUO":
        raise TypeError(f"{name} has dtype {y.dtype}; labels must be str or numbers.")
    if classes is not None:
        classes = np.asarray(classes)
        unseen = ~np.isin(y, classes)
        if unseen.any():
            i = int(np.argmax(unseen))
            raise ValueError(
                f"{name}[{i}] = {y[i : i + 1].tolist()[0]!r} is not one of the classes seen "
                f"in fit, {classes.tolist()}."
            )
    return y


def class_indices(target, classes, n_samples, *, name="target"):
    """Indices into ``classes`` of one label per sequence, or of one label for all.

    What the attribution functions explain: ``target`` is None (the caller
    then explains the predicted class), one class label, or one label per
    sequence.

    Parameters
    ----------
    target : None, label or array-like of shape (n_samples,)
        Class labels, each one of ``classes``.
    classes : ndarray
        The fitted ``classes_``, sorted.
    n_samples : int
        Number of sequences.
    name : str, default="target"
        Name used in error messages.

    Returns
    -------
    index : ndarray of shape (n_samples,) of int, or None
        None where ``target`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.utils import class_indices
    >>> class_indices("b", np.array(["a", "b"]), 3)
    array([1, 1, 1])
    >>> class_indices(None, np.array(["a", "b"]), 3) is None
    True
    """
    if target is None:
        return None
    classes = np.asarray(classes)
    labels = np.asarray(target)
    if labels.ndim == 0:
        labels = np.full(n_samples, labels.item(), dtype=classes.dtype)
    if labels.shape != (n_samples,):
        raise ValueError(
            f"{name} must be one class label or one per sequence ({n_samples}), got shape "
            f"{labels.shape}."
        )
    labels = check_targets(labels, n_samples, name=name, classes=classes)
    return np.searchsorted(classes, labels)


def _check_label_objects(labels, name):
    """Every label str, or every label a finite number; names the first that is not."""
    first_kind = None
    for i, label in enumerate(labels):
        if _is_missing(label):
            raise ValueError(
                f"{name}[{i}] is missing ({label!r}); every sequence needs a label: drop or "
                "fill it first."
            )
        if isinstance(label, str):
            kind = "str"
        elif isinstance(label, numbers.Number):
            kind = "number"
        else:
            raise TypeError(
                f"{name}[{i}] is {type(label).__name__} ({label!r:.40}); labels must be str "
                "or numbers."
            )
        if first_kind is None:
            first_kind = kind
        elif kind != first_kind:
            raise ValueError(
                f"{name} mixes {first_kind} and {kind} labels ({name}[{i}] = {label!r}); use "
                "one type for all labels."
            )
