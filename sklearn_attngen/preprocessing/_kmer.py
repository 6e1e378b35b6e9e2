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

_ROWS_PER_CHUNK = 1 << 14  # bounds the int64 temporaries to ~chunk x length x 8 bytes


def _kmer_index(codes, k):
    """Base-4 index of every k-mer window; -1 where the window holds N or padding."""
    n_windows = codes.shape[1] - k + 1
    index = np.zeros((codes.shape[0], n_windows), dtype=np.int64)
    has_n = np.zeros(index.shape, dtype=bool)
    for offset in range(k):
        window = codes[:, offset : offset + n_windows]
        index = (index << 2) | (window & 3)
        has_n |= window == N_CODE
    index[has_n] = -1
    return index


def _reverse_complement_index(k):
    """Index of the reverse complement of every k-mer index in 0..4**k - 1."""
    index = np.arange(4**k, dtype=np.int64)
    rc = np.zeros_like(index)
    for _ in range(k):
        rc = (rc << 2) | (3 - (index & 3))
        index >>= 2
    return rc


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
        all_kmers = np.arange(4**self.k)
        if self.canonical:
            rc = _reverse_complement_index(self.k)
            kept = all_kmers[all_kmers <= rc]
            self._column = np.searchsorted(kept, np.minimum(all_kmers, rc))
        else:
            kept = all_kmers
            self._column = all_kmers
        names = ["".join(p) for p in product(ALPHABET, repeat=self.k)]
        self.vocabulary_ = {names[i]: col for col, i in enumerate(kept)}
        return self

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
        n_samples, n_features = codes.shape[0], len(self.vocabulary_)
        blocks = []
        for start in range(0, n_samples, _ROWS_PER_CHUNK):
            chunk = codes[start : start + _ROWS_PER_CHUNK]
            if chunk.shape[1] < self.k:
                blocks.append(sp.csr_matrix((chunk.shape[0], n_features), dtype=np.int64))
                continue
            index = _kmer_index(chunk, self.k)
            rows = np.broadcast_to(np.arange(chunk.shape[0])[:, None], index.shape)
            valid = index >= 0
            keys = rows[valid] * n_features + self._column[index[valid]]
            keys.sort()
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            counts = np.diff(np.r_[starts, keys.size])
            unique = keys[starts]
            row_of = unique // n_features
            indptr = np.searchsorted(row_of, np.arange(chunk.shape[0] + 1))
            blocks.append(
                sp.csr_matrix(
                    (counts.astype(np.int64), unique % n_features, indptr),
                    shape=(chunk.shape[0], n_features),
                )
            )
        X_counts = blocks[0] if len(blocks) == 1 else sp.vstack(blocks, format="csr")
        if self.normalize is not None:
            X_counts = _normalize(X_counts.astype(np.float64), norm=self.normalize)
        return X_counts

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
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
