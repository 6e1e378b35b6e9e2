"""KmerEncoder: bag-of-k-mers features, the CountVectorizer of DNA."""

from functools import lru_cache
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import normalize as _normalize
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import ALPHABET, N_CODE, check_sequences
from ._batches import (
    _check_memmap,
    _code_batches,
    _DNAInputMixin,
    _fill_batch_doc,
    _is_memmap,
)

__all__ = ["KmerEncoder"]

# k-mer names spelt per block when building a vocabulary
_NAMES_PER_BLOCK = 1 << 16
# k-mer windows counted per chunk: bounds the temporaries (about 20 bytes a
# window) and keeps each chunk inside the CPU caches.
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
    """Reduce every k-long window of the 1-D array ``values`` with ``combine``.

    ``combine(left, right, n_right)`` merges the value of a window's first
    ``k - n_right`` positions with that of its last ``n_right`` positions.
    Windows are built by halving k, so it takes about log2(k) passes, not k.

    Returns
    -------
    windows : ndarray of shape (values.size - k + 1,)
    """
    if k == 1:
        return values
    n_right = k // 2
    left = _windows(values, k - n_right, combine)
    right = left if n_right == k - n_right else _windows(values, n_right, combine)
    n_windows = values.size - k + 1
    return combine(left[:n_windows], right[k - n_right : k - n_right + n_windows], n_right)


def _index_dtype(k):
    """Smallest unsigned dtype holding a k-mer index plus the N flag (bit 2k)."""
    return np.uint8 if k <= 3 else np.uint16 if k <= 7 else np.uint32


def _count_chunk(chunk, k, lookup, n_features, data, indices):
    """Count the k-mers of the rows of one chunk of codes, in CSR order.

    Every window of ``k`` positions becomes its k-mer index (2 bits a base); a
    window holding an N (or padding) also gets bit ``2k``, which puts it past
    every valid index. Each row's indices are then sorted on their own (rows
    of a few hundred small integers sort fast), so equal k-mers of a row sit
    side by side, in increasing column order, and windows with an N last: the
    run lengths are the counts, and the runs at ``n_features`` or more are
    dropped.

    Parameters
    ----------
    chunk : ndarray of shape (n_rows, n_positions), dtype uint8
        Codes 0..4; ``n_positions >= k``.
    k, lookup, n_features
        As in :func:`_count_kmers`.
    data, indices : ndarray of int64 and int32
        Where the counts and their columns are written, from the start; room
        for ``n_rows * min(n_windows, n_features)`` values, the most there can be.

    Returns
    -------
    nnz : int
        Number of counts written.
    row_ends : ndarray of shape (n_rows,), dtype int64
        End of each row in the counts written.
    """
    n_rows, n_positions = chunk.shape
    n_windows = n_positions - k + 1
    index_dtype = _index_dtype(k)
    size = n_rows * n_positions
    codes = chunk.reshape(-1)
    has_n = codes.max() == N_CODE
    # The chunk's codes row after row, then k - 1 more: window i * n_positions + j
    # is position j of row i, whole for j < n_windows (the others are never read).
    values = np.empty(size + k - 1, dtype=np.uint8)
    values[size:] = 0
    if has_n:
        np.bitwise_and(codes, 3, out=values[:size])
    else:
        values[:size] = codes

    def append_bases(left, right, n_right):
        out = np.left_shift(left, 2 * n_right, dtype=index_dtype)
        out |= right
        return out

    index = _windows(values, k, append_bases).astype(index_dtype, copy=False)
    if has_n:
        # N (4) is the only code with bit 2 set: OR it over each window and
        # move it to bit 2k, past every valid k-mer index.
        flag = _windows(codes, k, lambda left, right, _: left | right) & N_CODE
        index[: flag.size] |= flag.astype(index_dtype) << index_dtype(2 * k - 2)
    index = index.reshape(n_rows, n_positions)[:, :n_windows]
    if lookup is not None:
        index = lookup[index]
        index.sort(axis=1)
    else:
        index = np.sort(index, axis=1)  # a sorted copy: values is never modified
    keys = index.reshape(-1)
    first = np.empty(keys.size, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    first[::n_windows] = True  # a row's first window starts a run
    starts = np.flatnonzero(first)
    nnz = starts.size
    counts = np.empty(nnz, dtype=np.int64) if has_n else data[:nnz]
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = keys.size - starts[-1]
    columns = keys[starts]
    if has_n:
        valid = columns < n_features
        starts, columns = starts[valid], columns[valid]
        nnz = starts.size
        data[:nnz] = counts[valid]
    indices[:nnz] = columns
    row_ends = np.searchsorted(starts, np.arange(1, n_rows + 1) * n_windows)
    return nnz, row_ends


def _count_kmers(batches, n_samples, k, lookup, n_features):
    """Count the k-mers of every row of every batch of codes into CSR arrays.

    Parameters
    ----------
    batches : iterable of ndarray of shape (n_rows, n_positions), dtype uint8
        Codes 0..4 (A, C, G, T, N or padding), rows in output order, every
        batch as wide. Narrower than ``k``: every row is empty.
    n_samples : int
        Number of rows in all batches together.
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
    indptr = np.zeros(n_samples + 1, dtype=np.int64)
    data = indices = None
    row, nnz = 0, 0
    for codes in batches:
        n_rows, n_positions = codes.shape
        n_windows = n_positions - k + 1
        if data is None:
            # The most counts there can be; written in place (no concatenation
            # of per-chunk arrays) and shrunk at the end.
            capacity = n_samples * min(max(n_windows, 0), n_features)
            data = np.empty(capacity, dtype=np.int64)
            indices = np.empty(capacity, dtype=np.int32)
        if n_windows <= 0:
            indptr[row + 1 : row + n_rows + 1] = nnz
            row += n_rows
            continue
        rows_per_chunk = max(1, _WINDOWS_PER_CHUNK // n_windows)
        for start in range(0, n_rows, rows_per_chunk):
            chunk = codes[start : start + rows_per_chunk]
            chunk_nnz, row_ends = _count_chunk(
                chunk, k, lookup, n_features, data[nnz:], indices[nnz:]
            )
            indptr[row + 1 : row + len(chunk) + 1] = nnz + row_ends
            row += len(chunk)
            nnz += chunk_nnz
    data.resize(nnz)  # in place: gives back the unused room
    indices.resize(nnz)
    return data, indices, indptr


def _build_vocabulary(k, canonical):
    """``({k-mer: column}, lookup)`` for k-mers in lexicographic order.

    ``lookup`` maps every k-mer index (and, past ``4**k``, every index with
    the N bit set) to its column when ``canonical``; None otherwise.
    """
    all_kmers = np.arange(4**k, dtype=np.int64)
    if canonical:
        rc = _reverse_complement_index(k)
        kept = all_kmers[all_kmers <= rc]
        # Column of each k-mer index; indices with the N bit (2k) set map
        # past the last column and are dropped by _count_kmers.
        lookup = np.full(2 * 4**k, kept.size, dtype=np.int64)
        lookup[: 4**k] = np.searchsorted(kept, np.minimum(all_kmers, rc))
        lookup = lookup.astype(np.uint16 if k < 8 else np.uint32)
        lookup.setflags(write=False)  # shared by every encoder with these parameters
    else:
        kept, lookup = all_kmers, None
    # names spelt with numpy, a block of k-mers at a time (bounded temporaries),
    # instead of a Python loop over the 4**k k-mers
    alphabet = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    vocabulary = {}
    for start in range(0, kept.size, _NAMES_PER_BLOCK):
        block = kept[start : start + _NAMES_PER_BLOCK]
        letters = np.empty((block.size, k), dtype=np.uint8)
        for j in range(k):
            letters[:, j] = alphabet[(block >> (2 * (k - 1 - j))) & 3]
        names = letters.view(f"S{k}").ravel().astype(f"U{k}").tolist()
        vocabulary.update(zip(names, range(start, start + block.size), strict=True))
    return vocabulary, lookup


# Vocabularies up to k=8 (65,536 k-mers) are kept once built: refitting, as in
# cross-validation, then costs a dict copy. Larger ones are rebuilt each time.
_cached_vocabulary = lru_cache(maxsize=16)(_build_vocabulary)


def _vocabulary(k, canonical):
    return (_cached_vocabulary if k <= 8 else _build_vocabulary)(k, canonical)


@_fill_batch_doc
class KmerEncoder(_DNAInputMixin, TransformerMixin, BaseEstimator):
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
    sparse_output : bool, default=True
        Return a CSR sparse matrix; False returns a dense ndarray (as
        :class:`~sklearn.preprocessing.OneHotEncoder` does), which is what
        ``set_output(transform="pandas")`` needs. Dense output holds
        ``n_samples * n_features`` values: 4096 columns for k=6.

    Attributes
    ----------
    vocabulary_ : dict
        Mapping of k-mer to column index.

    See Also
    --------
    SequenceEncoder : One-hot encoding for convolutional models.

    {memmap_notes}

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

    Dense output, e.g. for pandas DataFrames:

    >>> enc = KmerEncoder(k=1, sparse_output=False).set_output(transform="pandas")
    >>> enc.fit_transform(["ACGT", "AAAN"])
       A  C  G  T
    0  1  1  1  1
    1  3  0  0  0
    """

    _parameter_constraints = {
        "k": [Interval(Integral, 1, 12, closed="both")],
        "canonical": ["boolean"],
        "normalize": [StrOptions({"l1", "l2"}), None],
        "sparse_output": ["boolean"],
    }

    def __init__(self, k=6, canonical=False, normalize=None, sparse_output=True):
        self.k = k
        self.canonical = canonical
        self.normalize = normalize
        self.sparse_output = sparse_output

    def _fit_vocabulary(self):
        vocabulary, self._lookup = _vocabulary(self.k, self.canonical)
        self.vocabulary_ = vocabulary.copy()

    def _check_output_container(self):
        """Refuse sparse output where a DataFrame is asked for, before any work."""
        container = _get_output_config("transform", estimator=self)["dense"]
        if container != "default" and self.sparse_output:
            raise ValueError(
                f"{container.capitalize()} output does not support sparse data. Set "
                f"sparse_output=False to output {container} DataFrames (dense: one column per "
                f"k-mer, 4**k = {4**self.k} for k={self.k}, fewer with canonical=True), or "
                f"disable {container.capitalize()} output with "
                'set_output(transform="default").'
            )

    def _count(self, batches, n_samples):
        n_features = len(self.vocabulary_)
        arrays = _count_kmers(
            (codes for _, codes in batches), n_samples, self.k, self._lookup, n_features
        )
        X_counts = sp.csr_matrix(arrays, shape=(n_samples, n_features))
        if self.normalize is not None:
            X_counts = _normalize(X_counts.astype(np.float64), norm=self.normalize)
        return X_counts if self.sparse_output else X_counts.toarray()

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate ``X`` and build the fixed k-mer vocabulary.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, or SequenceMemmap
            DNA sequences (or one-hot / uint8 code arrays). A
            :class:`~sklearn_attngen.datasets.SequenceMemmap` is not read:
            the vocabulary does not depend on the data.
        y : None
            Ignored.

        Returns
        -------
        self : KmerEncoder
        """
        if _is_memmap(X):
            _check_memmap(X)
        else:
            check_sequences(X)
        self._fit_vocabulary()
        return self

    @_fill_batch_doc
    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Build the vocabulary and count k-mers, encoding ``X`` once.

        {fit_transform_parameters}

        Returns
        -------
        X_counts : sparse matrix or ndarray of shape (n_samples, n_features)
            Same as ``fit(X).transform(X)``.
        """
        self._check_output_container()
        batches, lengths = _code_batches(X)  # validates X before anything is learnt
        self._fit_vocabulary()
        return self._count(batches, len(lengths))

    @_fill_batch_doc
    def transform(self, X):
        """Count k-mers.

        {transform_parameters}

        Returns
        -------
        X_counts : sparse matrix or ndarray of shape (n_samples, n_features)
            int64 counts, or float64 when ``normalize`` is set; a CSR matrix,
            or a dense ndarray when ``sparse_output=False``.
        """
        check_is_fitted(self)
        self._check_output_container()
        batches, lengths = _code_batches(X)
        return self._count(batches, len(lengths))

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
