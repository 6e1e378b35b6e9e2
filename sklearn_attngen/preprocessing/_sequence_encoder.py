"""SequenceEncoder: DNA strings to a fixed-shape one-hot array, as a Pipeline step."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import ALPHABET
from ._batches import _code_batches, _DNAInputMixin, _fill_batch_doc

__all__ = ["SequenceEncoder"]

_ONE_HOT = np.eye(5, 4, dtype=np.float32)  # row of each code; N (4) is all zeros


def _flat_layout(estimator):
    if estimator.layout != "flat":
        raise AttributeError(
            f"get_feature_names_out needs layout='flat': layout={estimator.layout!r} gives a "
            "3-D array, which has no columns to name."
        )
    return True


@_fill_batch_doc
class SequenceEncoder(_DNAInputMixin, TransformerMixin, BaseEstimator):
    """One-hot encode DNA sequences to a fixed-shape float array.

    Sequences shorter than the fitted length are padded with N (all-zero
    rows); longer ones are an error, so that train and test arrays always
    share one shape.

    Parameters
    ----------
    layout : {"NLC", "NCL", "flat"}, default="NLC"
        ``"NLC"`` gives (n_samples, n_positions, 4), the layout
        :class:`~sklearn_attngen.AttnGenClassifier` accepts; ``"NCL"`` gives
        (n_samples, 4, n_positions) for ``torch.nn.Conv1d`` models;
        ``"flat"`` gives the ``"NLC"`` array as a table of shape
        (n_samples, n_positions * 4), columns ``pos0_A, pos0_C, pos0_G,
        pos0_T, pos1_A, ...``, for scikit-learn models and pandas output
        (``set_output(transform="pandas")``). Only ``"flat"`` has
        ``get_feature_names_out`` and DataFrame output: 3-D arrays have no
        columns, so they are returned as they are under a global
        ``set_config(transform_output="pandas")``.
    n_positions : int, default=None
        Output length. None uses the longest sequence seen in ``fit``.

    Attributes
    ----------
    n_positions_ : int
        Output length used by ``transform``.

    See Also
    --------
    KmerEncoder : Bag-of-k-mers features for linear models.
    encode_sequences : The function behind this transformer.

    {memmap_notes}

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import SequenceEncoder
    >>> SequenceEncoder().fit_transform(["ACG", "T"]).shape
    (2, 3, 4)

    A flat table, which any scikit-learn model takes:

    >>> encoder = SequenceEncoder(layout="flat")
    >>> encoder.fit_transform(["ACG", "T"]).shape
    (2, 12)
    >>> encoder.get_feature_names_out()[:5]
    array(['pos0_A', 'pos0_C', 'pos0_G', 'pos0_T', 'pos1_A'], dtype=object)
    >>> encoder.set_output(transform="pandas").transform(["GT"]).iloc[:, :8]
       pos0_A  pos0_C  pos0_G  pos0_T  pos1_A  pos1_C  pos1_G  pos1_T
    0     0.0     0.0     1.0     0.0     0.0     0.0     0.0     1.0
    """

    _parameter_constraints = {
        "layout": [StrOptions({"NLC", "NCL", "flat"})],
        "n_positions": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, layout="NLC", n_positions=None):
        self.layout = layout
        self.n_positions = n_positions

    def _fit_length(self, lengths):
        if self.n_positions is not None and lengths.max() > self.n_positions:
            i = int(np.argmax(lengths))
            raise ValueError(
                f"X[{i}] has length {lengths[i]}, longer than n_positions={self.n_positions}; "
                "transform would reject it. Set n_positions to the longest length you expect "
                "(or None for the longest sequence in X)."
            )
        self.n_positions_ = self.n_positions or int(lengths.max())

    def _one_hot(self, batches, lengths):
        if lengths.max() > self.n_positions_:
            i = int(np.argmax(lengths))
            raise ValueError(
                f"X[{i}] has length {lengths[i]}, longer than n_positions_={self.n_positions_} "
                "seen in fit; set n_positions to the longest length you expect."
            )
        n_samples, n_positions = len(lengths), self.n_positions_
        shape = {
            "NLC": (n_samples, n_positions, 4),
            "NCL": (n_samples, 4, n_positions),
            "flat": (n_samples, n_positions * 4),
        }[self.layout]
        out = np.empty(shape, dtype=np.float32)
        for start, codes in batches:
            # codes may be wider than n_positions_ (padding of a memmap's longest
            # sequence) or narrower (padded here): lengths were checked above.
            width = min(codes.shape[1], n_positions)
            block = np.zeros((len(codes), n_positions, 4), dtype=np.float32)
            block[:, :width] = _ONE_HOT[codes[:, :width]]
            stop = start + len(codes)
            if self.layout == "NCL":
                out[start:stop] = block.transpose(0, 2, 1)
            else:
                out[start:stop] = block.reshape(out[start:stop].shape)
        return out

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the output length.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, or SequenceMemmap
            DNA sequences (or one-hot / uint8 code arrays). Of a
            :class:`~sklearn_attngen.datasets.SequenceMemmap` only the
            lengths are read.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceEncoder
        """
        _, lengths = _code_batches(X)
        self._fit_length(lengths)
        return self

    @_fill_batch_doc
    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the output length and one-hot encode ``X``, encoding it once.

        {fit_transform_parameters}

        Returns
        -------
        X_one_hot : ndarray of float32
            Same as ``fit(X).transform(X)``.
        """
        batches, lengths = _code_batches(X)
        self._fit_length(lengths)
        return self._one_hot(batches, lengths)

    def transform(self, X):
        """One-hot encode ``X``.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, or SequenceMemmap
            DNA sequences no longer than ``n_positions_`` (or one-hot / uint8
            code arrays); a :class:`~sklearn_attngen.datasets.SequenceMemmap`
            is read a batch of rows at a time.

        Returns
        -------
        X_one_hot : ndarray of float32
            Shape ``(n_samples, n_positions_, 4)`` (``"NLC"``),
            ``(n_samples, 4, n_positions_)`` (``"NCL"``) or
            ``(n_samples, n_positions_ * 4)`` (``"flat"``).
        """
        check_is_fitted(self)
        batches, lengths = _code_batches(X)
        return self._one_hot(batches, lengths)

    @available_if(_flat_layout)
    def get_feature_names_out(self, input_features=None):
        """Names of the output columns with ``layout="flat"``: ``pos{i}_{base}``.

        Only ``layout="flat"`` has this method (and so ``set_output``): the
        other layouts give 3-D arrays, which have no columns.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``n_positions_ * 4`` names: position, then base in A, C, G, T order.

        Examples
        --------
        >>> from sklearn_attngen.preprocessing import SequenceEncoder
        >>> SequenceEncoder(layout="flat").fit(["AC"]).get_feature_names_out()
        array(['pos0_A', 'pos0_C', 'pos0_G', 'pos0_T', 'pos1_A', 'pos1_C', 'pos1_G',
               'pos1_T'], dtype=object)
        """
        check_is_fitted(self)
        return np.asarray(
            [f"pos{i}_{base}" for i in range(self.n_positions_) for base in ALPHABET],
            dtype=object,
        )

    def set_output(self, *, transform=None):
        """Set the output container of ``transform`` and ``fit_transform``.

        DataFrames need ``layout="flat"``: the other layouts give 3-D arrays,
        which are always returned as numpy arrays.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"}, default=None
            As in :meth:`sklearn.preprocessing.OneHotEncoder.set_output`; None
            leaves the configuration unchanged.

        Returns
        -------
        self : SequenceEncoder

        Raises
        ------
        ValueError
            When a DataFrame is asked for and ``layout`` is not ``"flat"``.
        """
        if transform is None or (transform == "default" and self.layout != "flat"):
            return self
        if self.layout != "flat":
            raise ValueError(
                f"set_output(transform={transform!r}) needs SequenceEncoder(layout='flat'): "
                f"layout={self.layout!r} gives a 3-D array, which a DataFrame cannot hold."
            )
        return super().set_output(transform=transform)
