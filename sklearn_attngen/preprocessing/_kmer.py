"""KmerEncoder: bag-of-k-mers features, the CountVectorizer of DNA."""

from itertools import product
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import normalize as _normalize
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import ALPHABET, N_CODE, check_sequences

__all__ = ["KmerEncoder"]

# k-mer windows counted per chunk: bounds the temporaries (about 8 bytes a window)
# and keeps each chunk's sort inside the CPU caches.
_WINDOWS_PER_CHUNK = 1 << 17


def _reverse_complement_index(k):
    """Index of the reverse complement of every k-mer index in 0..4**k - 1."""
    index = np.arange(4**k, dtype=np.int64)
    rc = np.zeros_like(index)
    for _ in range(k):
        rc = (rc << 2) | (3 - (index & 3))
        index >>= 2
    return rc


def _windows(values, k, combine):
    """Reduce every k-long window of the rows of ``values`` with ``combine``.

    ``combine(left, right, n_right)`` merges the value of a window's first
    ``k - n_right`` positions with that of its last ``n_right`` positions.
    Windows are built by halving k, so it takes about log2(k) passes, not k.

    Returns
    -------
    windows : ndarray of shape (n_rows, n_positions - k + 1)
    """
    if k == 1:
        return values
    n_right = k // 2
    left = _windows(values, k - n_right, combine)
    right = left if n_right == k - n_right else _windows(values, n_right, combine)
    n_windows = values.shape[1] - k + 1
    return combine(left[:, :n_windows], right[:, k - n_right : k - n_right + n_windows], n_right)


def _count_kmers(codes, k, lookup, n_features):
    """Count the k-mers of every row of ``codes`` into CSR arrays.

    In each chunk of rows, every k-mer window becomes one integer key
    ``row << (2k + 1) | column``; one sort of the keys puts equal keys side by
    side, and the run lengths are the counts. A window holding an N (or
    padding) gets bit ``2k`` set, which puts it past the last column, and is
    dropped.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, n_positions), dtype uint8
        Codes 0..4, as returned by ``check_sequences``; ``n_positions >= k``.
    k : int
        k-mer length.
    lookup : ndarray of shape (2 * 4**k,) or None
        Column of each k-mer index (bit ``2k`` set: a window with an N, which
        must map to ``n_features`` or more). None: the k-mer index is the column.
    n_features : int
        Number of output columns.

    Returns
    -------
    data : ndarray of int64
        Counts, row by row, columns increasing within a row.
    indices : ndarray of int32
        Column of each count.
    indptr : ndarray of int64
        Row boundaries, as in a CSR matrix.
    """
    n_samples, n_positions = codes.shape
    n_windows = n_positions - k + 1
    shift = 2 * k + 1
    rows_per_chunk = max(1, _WINDOWS_PER_CHUNK // n_windows)
    index_dtype = np.uint8 if shift <= 8 else np.uint16 if shift <= 16 else np.uint32
    key_dtype = np.uint32 if (rows_per_chunk + 1) << shift <= 1 << 32 else np.uint64
    column_mask = key_dtype((1 << shift) - 1)
    row_keys = np.arange(rows_per_chunk + 1, dtype=key_dtype) << key_dtype(shift)

    def append_bases(left, right, n_right):
        out = np.left_shift(left, 2 * n_right, dtype=index_dtype)
        out |= right
        return out

    data, indices, indptr = [], [], [np.zeros(1, dtype=np.int64)]
    nnz = 0
    for start in range(0, n_samples, rows_per_chunk):
        chunk = codes[start : start + rows_per_chunk]
        n_rows = chunk.shape[0]
        has_n = chunk.max() == N_CODE
        index = _windows(chunk & 3 if has_n else chunk, k, append_bases)
        index = index.astype(index_dtype, copy=k == 1)
        if has_n:
            # N (4) is the only code with bit 2 set: OR it over each window and
            # move it to bit 2k, past every valid k-mer index.
            flag = _windows(chunk, k, lambda left, right, _: left | right) & N_CODE
            index |= flag.astype(index_dtype) << index_dtype(2 * k - 2)
        if lookup is not None:
            index = lookup[index]
        keys = np.empty((n_rows, n_windows), dtype=key_dtype)
        np.bitwise_or(index, row_keys[:n_rows, None], out=keys)
        keys = keys.ravel()
        keys.sort()
        first = np.empty(keys.size, dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.empty(starts.size, dtype=np.int64)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1] = keys.size - starts[-1]
        unique = keys[starts]
        columns = np.empty(unique.size, dtype=np.int32)
        np.bitwise_and(unique, column_mask, out=columns, casting="unsafe")
        if has_n:
            valid = columns < n_features
            unique, counts, columns = unique[valid], counts[valid], columns[valid]
        row_ends = np.searchsorted(unique, row_keys[1 : n_rows + 1])
        data.append(counts)
        indices.append(columns)
        indptr.append(nnz + row_ends)
        nnz += unique.size
    return np.concatenate(data), np.concatenate(indices), np.concatenate(indptr)


class KmerEncoder(TransformerMixin, BaseEstimator):
    """Count the k-mers of DNA sequences into a sparse matrix.

    The DNA counterpart of :class:`~sklearn.feature_extraction.text.CountVectorizer`
    with ``analyzer="char"``: the vocabulary is every one of the 4**k k-mers
    over A, C, G, T in lexicographic order (fixed, so columns mean the same
    across datasets), k-mers overlapping an N are skipped, lower case counts
    as upper case. Counting is vectorised numpy over ``uint8`` codes.

    Parameters
    ----------
    k : int, default=6
        k-mer length.
    canonical : bool, default=False
        Count each k-mer together with its reverse complement, under the
        lexicographically smaller of the two (strand-agnostic features).
    normalize : {"l1", "l2"}, default=None
        Normalise each row of counts; None keeps raw integer counts.

    Attributes
    ----------
    vocabulary_ : dict
        Mapping of k-mer to column index.

    See Also
    --------
    SequenceEncoder : One-hot encoding for convolutional models.

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import KmerEncoder
    >>> enc = KmerEncoder(k=2)
    >>> X = enc.fit_transform(["ACGT", "AAAN"])
    >>> X.shape
    (2, 16)
    >>> enc.get_feature_names_out()[:3]
    array(['AA', 'AC', 'AG'], dtype=object)
    >>> X.toarray()[:, :2]
    array([[0, 1],
           [2, 0]])
    """

    _parameter_constraints = {
        "k": [Interval(Integral, 1, 12, closed="both")],
        "canonical": ["boolean"],
        "normalize": [StrOptions({"l1", "l2"}), None],
    }

    def __init__(self, k=6, canonical=False, normalize=None):
        self.k = k
        self.canonical = canonical
        self.normalize = normalize

    def _fit_vocabulary(self):
        all_kmers = np.arange(4**self.k)
        if self.canonical:
            rc = _reverse_complement_index(self.k)
            kept = all_kmers[all_kmers <= rc]
            # Column of each k-mer index; indices with the N bit (2k) set map
            # past the last column and are dropped by _count_kmers.
            lookup = np.full(2 * 4**self.k, kept.size, dtype=np.int64)
            lookup[: 4**self.k] = np.searchsorted(kept, np.minimum(all_kmers, rc))
            self._lookup = lookup.astype(np.uint16 if self.k < 8 else np.uint32)
        else:
            kept = all_kmers
            self._lookup = None
        names = ["".join(p) for p in product(ALPHABET, repeat=self.k)]
        self.vocabulary_ = {names[i]: col for col, i in enumerate(kept)}

    def _count(self, codes):
        n_samples, n_features = codes.shape[0], len(self.vocabulary_)
        if codes.shape[1] < self.k:
            X_counts = sp.csr_matrix((n_samples, n_features), dtype=np.int64)
        else:
            arrays = _count_kmers(codes, self.k, self._lookup, n_features)
            X_counts = sp.csr_matrix(arrays, shape=(n_samples, n_features))
        if self.normalize is not None:
            X_counts = _normalize(X_counts.astype(np.float64), norm=self.normalize)
        return X_counts

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate ``X`` and build the fixed k-mer vocabulary.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            DNA sequences.
        y : None
            Ignored.

        Returns
        -------
        self : KmerEncoder
        """
        check_sequences(X)
        self._fit_vocabulary()
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Build the vocabulary and count k-mers, encoding ``X`` once.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            DNA sequences.
        y : None
            Ignored.

        Returns
        -------
        X_counts : sparse matrix of shape (n_samples, n_features), CSR
            Same as ``fit(X).transform(X)``.
        """
        codes, _ = check_sequences(X)
        self._fit_vocabulary()
        return self._count(codes)

    def transform(self, X):
        """Count k-mers.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            DNA sequences (or one-hot / uint8 code arrays).

        Returns
        -------
        X_counts : sparse matrix of shape (n_samples, n_features), CSR
            int64 counts, or float64 when ``normalize`` is set.
        """
        check_is_fitted(self)
        codes, _ = check_sequences(X)
        return self._count(codes)

    def get_feature_names_out(self, input_features=None):
        """The k-mer of each output column.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        return np.asarray(list(self.vocabulary_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # no tabular numeric input
        tags.input_tags.three_d_array = True  # one-hot (n_samples, n_positions, 4)
        tags.input_tags.string = True
        return tags
