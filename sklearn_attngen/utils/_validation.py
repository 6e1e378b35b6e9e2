"""Input validation shared by every public entry point.

All DNA input is turned into one representation, ``(codes, lengths)``: a
``uint8`` array of shape ``(n_samples, max_length)`` with A, C, G, T = 0..3 and
N (or padding) = 4, plus the real length of each sequence. Nothing downstream
validates or encodes again.
"""

import math
import numbers

import numpy as np
from sklearn.utils.validation import column_or_1d

__all__ = ["ALPHABET", "N_CODE", "check_lengths", "check_sequences", "check_targets"]

ALPHABET = "ACGT"
N_CODE = 4
_INVALID = 255
_CHUNK = 1 << 16  # sequences encoded per chunk: bounds temporary memory

# IUPAC ambiguity codes (and N itself) map to N; anything else is an error.
_AMBIGUOUS = "NRYSWKMBDHV"
_LUT = np.full(256, _INVALID, dtype=np.uint8)
for _code, _base in enumerate(ALPHABET):
    _LUT[ord(_base)] = _LUT[ord(_base.lower())] = _code
for _base in _AMBIGUOUS:
    _LUT[ord(_base)] = _LUT[ord(_base.lower())] = N_CODE
_LUT_BYTES = _LUT.tobytes()  # for bytes.translate, about twice as fast as _LUT[array]


def _is_pandas(X):
    return type(X).__module__.split(".")[0] == "pandas"


def _as_string_list(X, name):
    """Return X as a list of str, or None when X is not string data."""
    if _is_pandas(X):
        if X.ndim == 2:
            if X.shape[1] != 1:
                raise ValueError(
                    f"{name} is a DataFrame with {X.shape[1]} columns; pass the one column "
                    "that holds the sequences."
                )
            X = X.iloc[:, 0]
        missing = np.flatnonzero(X.isna().to_numpy())
        if missing.size:
            raise ValueError(
                f"{name} has a missing value at index {missing[0]} "
                f"({missing.size} missing in total); drop or fill them first."
            )
        X = X.to_numpy()
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


def _is_scalar_junk(value):
    return value is None or isinstance(value, (bytes, numbers.Number))


def _encode_strings(seqs, name):
    n = len(seqs)
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=n)
    if lengths.min() == 0:
        raise ValueError(f"{name}[{int(np.argmin(lengths))}] is an empty sequence.")
    codes = np.full((n, int(lengths.max())), N_CODE, dtype=np.uint8)
    positions = np.arange(codes.shape[1])
    for start in range(0, n, _CHUNK):
        chunk = seqs[start : start + _CHUNK]
        # 'replace' keeps one byte per character, so offsets stay aligned.
        text = "".join(chunk).encode("ascii", "replace")
        flat = np.frombuffer(text.translate(_LUT_BYTES), dtype=np.uint8)
        chunk_lengths = lengths[start : start + len(chunk)]
        if flat.max() == _INVALID:
            bad = np.flatnonzero(flat == _INVALID)
            offsets = np.concatenate([[0], np.cumsum(chunk_lengths)])
            row = int(np.searchsorted(offsets, bad[0], side="right")) - 1
            pos = int(bad[0] - offsets[row])
            raise ValueError(
                f"{name}[{start + row}] has invalid character {chunk[row][pos]!r} at position "
                f"{pos}; expected A, C, G, T, N or an IUPAC ambiguity code (any case)."
            )
        if chunk_lengths.min() == codes.shape[1]:  # no padding: a plain reshape
            codes[start : start + len(chunk)] = flat.reshape(len(chunk), -1)
        else:
            codes[start : start + len(chunk)][positions < chunk_lengths[:, None]] = flat
    return codes, lengths


def _check_one_hot(X, name):
    if X.shape[2] != 4:
        raise ValueError(
            f"{name} is a 3-D array with {X.shape[2]} channels; one-hot DNA must have shape "
            "(n_samples, n_positions, 4) with channels in A, C, G, T order."
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


def check_sequences(X, *, name="X"):
    """Validate DNA input and return it as ``(codes, lengths)``.

    Parameters
    ----------
    X : list, tuple, ndarray or pandas Series of str, or ndarray
        One of: DNA strings (A, C, G, T, any case; IUPAC ambiguity codes
        become N); a one-hot array of shape ``(n_samples, n_positions, 4)``
        (all-zero rows are N); or a ``uint8`` code array of shape
        ``(n_samples, n_positions)`` with values 0..4.
    name : str, default="X"
        Name used in error messages.

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
    """
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
    seqs = _as_string_list(X, name)
    if seqs is not None:
        return _encode_strings(seqs, name)

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
        return _check_one_hot(X, name)
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
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(
                    f"{name} is a DataFrame with {y.shape[1]} columns; pass the one column "
                    "that holds the labels."
                )
            y = y.iloc[:, 0]
        missing = np.flatnonzero(y.isna().to_numpy())
        if missing.size:
            raise ValueError(
                f"{name}[{missing[0]}] is missing ({missing.size} missing labels in total); "
                "every sequence needs a label: drop or fill them first."
            )
        y = y.to_numpy()
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
