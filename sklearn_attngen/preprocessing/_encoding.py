"""Vectorised DNA encodings: strings <-> uint8 codes <-> one-hot, reverse complement."""

import numpy as np

from ..utils import N_CODE, as_string_list, check_lengths, check_sequences
from ..utils._param_validation import StrOptions, validate_params

__all__ = [
    "codes_to_one_hot",
    "decode_sequences",
    "encode_sequences",
    "one_hot_to_codes",
    "reverse_complement",
]

_LAYOUTS = ("NLC", "NCL")
_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)
_COMPLEMENT_CODES = np.array([3, 2, 1, 0, N_CODE], dtype=np.uint8)
_COMPLEMENT_STR = str.maketrans("ACGTNRYSWKMBDHVacgtnryswkmbdhv", "TGCANYRSWMKVHDBtgcanyrswmkvhdb")


def encode_sequences(X):
    """Encode DNA sequences as ``uint8`` codes padded with N.

    Parameters
    ----------
    X : list, ndarray or pandas Series of str
        DNA sequences. Lower case is accepted; IUPAC ambiguity codes become N.
        One-hot or code arrays are accepted too (see
        :func:`sklearn_attngen.utils.check_sequences`).

    Returns
    -------
    codes : ndarray of shape (n_samples, max_length), dtype uint8
        A, C, G, T = 0, 1, 2, 3; N and padding = 4.
    lengths : ndarray of shape (n_samples,), dtype int64
        Real length of each sequence.

    Raises
    ------
    ValueError
        On a character that is not a nucleotide, naming the sequence index,
        position and character; on empty sequences.

    See Also
    --------
    decode_sequences : The inverse.
    codes_to_one_hot : Expand codes to a one-hot array.

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import encode_sequences
    >>> codes, lengths = encode_sequences(["ACGTN", "acR"])
    >>> codes
    array([[0, 1, 2, 3, 4],
           [0, 1, 4, 4, 4]], dtype=uint8)
    >>> lengths
    array([5, 3])
    """
    return check_sequences(X)


def decode_sequences(codes, lengths=None):
    """Turn ``uint8`` codes back into upper-case strings.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, n_positions), dtype uint8
        Codes 0..4 (A, C, G, T, N).
    lengths : array-like of shape (n_samples,), default=None
        Real lengths; padding beyond them is dropped. None keeps every position.

    Returns
    -------
    sequences : list of str

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.preprocessing import decode_sequences
    >>> decode_sequences(np.array([[0, 1, 2, 3], [3, 4, 4, 4]], dtype=np.uint8), [4, 2])
    ['ACGT', 'TN']
    """
    codes, _ = check_sequences(codes, name="codes")
    if lengths is not None:
        lengths = check_lengths(lengths, *codes.shape)
    else:
        lengths = np.full(codes.shape[0], codes.shape[1])
    letters = _LETTERS[codes]
    return [row[:n].tobytes().decode("ascii") for row, n in zip(letters, lengths, strict=True)]


@validate_params(
    {"codes": "no_validation", "layout": [StrOptions(set(_LAYOUTS))], "dtype": "no_validation"},
    prefer_skip_nested_validation=True,
)
def codes_to_one_hot(codes, *, layout="NLC", dtype=np.float32):
    """Expand ``uint8`` codes to a one-hot array; N becomes an all-zero row.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, n_positions), dtype uint8
    layout : {"NLC", "NCL"}, default="NLC"
        ``"NLC"`` gives (n_samples, n_positions, 4); ``"NCL"`` gives
        (n_samples, 4, n_positions), the layout of ``torch.nn.Conv1d``.
    dtype : numpy dtype, default=np.float32

    Returns
    -------
    one_hot : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.preprocessing import codes_to_one_hot
    >>> codes_to_one_hot(np.array([[0, 4]], dtype=np.uint8))
    array([[[1., 0., 0., 0.],
            [0., 0., 0., 0.]]], dtype=float32)
    """
    if np.dtype(dtype).kind not in "biuf":
        raise TypeError(f"dtype must be a numeric dtype, got {np.dtype(dtype)}.")
    codes, _ = check_sequences(codes, name="codes")
    one_hot = np.eye(5, 4, dtype=dtype)[codes]
    return np.ascontiguousarray(one_hot.transpose(0, 2, 1)) if layout == "NCL" else one_hot


@validate_params(
    {"one_hot": "no_validation", "layout": [StrOptions(set(_LAYOUTS))]},
    prefer_skip_nested_validation=True,
)
def one_hot_to_codes(one_hot, *, layout="NLC"):
    """Collapse a one-hot array to ``uint8`` codes; all-zero rows become N.

    Parameters
    ----------
    one_hot : ndarray
        Shape (n_samples, n_positions, 4) for ``"NLC"`` or (n_samples, 4,
        n_positions) for ``"NCL"``; every row exactly one 1, or all zeros.
    layout : {"NLC", "NCL"}, default="NLC"

    Returns
    -------
    codes : ndarray of shape (n_samples, n_positions), dtype uint8

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.preprocessing import one_hot_to_codes
    >>> one_hot_to_codes(np.array([[[0, 0, 0, 1], [0, 0, 0, 0]]]))
    array([[3, 4]], dtype=uint8)
    """
    one_hot = np.asarray(one_hot)
    if one_hot.ndim != 3:
        raise ValueError(f"one_hot must be 3-D, got shape {one_hot.shape}.")
    return check_sequences(one_hot, name="one_hot", layout=layout)[0]


@validate_params(
    {"X": "no_validation", "lengths": ["array-like", None], "layout": [StrOptions(set(_LAYOUTS))]},
    prefer_skip_nested_validation=True,
)
def reverse_complement(X, *, lengths=None, layout="NLC"):
    """Reverse complement of strings, ``uint8`` codes or one-hot arrays.

    Parameters
    ----------
    X : str, list, tuple, ndarray or pandas Series of str, or ndarray
        Strings keep their case and IUPAC letters (R <-> Y, K <-> M, B <-> V,
        D <-> H); a list or tuple gives a list, an array of str an array of
        the same dtype and shape, a Series a Series with the same index. A
        2-D ``uint8`` array is read as codes, a 3-D array as one-hot.
    lengths : array-like of shape (n_samples,), default=None
        For padded codes or one-hot arrays only: real lengths, so that padding
        stays at the end (as N codes or all-zero rows). None reverses every
        position.
    layout : {"NLC", "NCL"}, default="NLC"
        Layout of a one-hot array.

    Returns
    -------
    X_rc : same type and shape as ``X``

    Raises
    ------
    ValueError
        On a character that is not a nucleotide, or ``lengths`` given with
        strings.

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import reverse_complement
    >>> reverse_complement("AACGn")
    'nCGTT'
    >>> reverse_complement(["AC", "GGT"])
    ['GT', 'ACC']
    """
    if isinstance(X, str):
        check_sequences([X])  # report a bad character, as for a list
        strings = [X]
    elif X is None or isinstance(X, (bytes, dict, set)) or not hasattr(X, "__len__"):
        check_sequences(X)  # raises the TypeError that names what X is
    else:
        strings = as_string_list(X)
    if strings is not None:
        if lengths is not None:
            raise ValueError("lengths is for padded codes or one-hot arrays; strings have none.")
        check_sequences(strings)
        rc = [s.translate(_COMPLEMENT_STR)[::-1] for s in strings]
        if isinstance(X, str):
            return rc[0]
        if isinstance(X, np.ndarray):
            return np.asarray(rc, dtype=X.dtype).reshape(X.shape)
        if type(X).__module__.startswith("pandas"):
            if X.ndim == 2:
                return type(X)({X.columns[0]: rc}, index=X.index)
            return type(X)(rc, index=X.index, name=X.name)
        return rc

    arr = np.asarray(X)
    if arr.ndim == 3:
        nlc = arr if layout == "NLC" else arr.transpose(0, 2, 1)
        check_sequences(nlc, layout="NLC")
        # Channels are A, C, G, T (ALPHABET): complementing reverses the channel axis.
        out = _reverse_positions(nlc, lengths, fill=0)[:, :, ::-1]
        return np.ascontiguousarray(out if layout == "NLC" else out.transpose(0, 2, 1))
    codes, _ = check_sequences(arr, name="X")
    return _COMPLEMENT_CODES[_reverse_positions(codes, lengths, fill=N_CODE)]


def _reverse_positions(X, lengths, fill):
    """Reverse the first ``lengths[i]`` positions (axis 1) of each row; ``fill`` the rest."""
    if lengths is None:
        return X[:, ::-1]
    lengths = check_lengths(lengths, X.shape[0], X.shape[1])
    positions = np.arange(X.shape[1])
    source = np.clip(lengths[:, None] - 1 - positions, 0, None)
    out = X[np.arange(X.shape[0])[:, None], source]
    out[positions >= lengths[:, None]] = fill
    return out
