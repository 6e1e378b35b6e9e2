"""SequenceEncoder: DNA strings to a fixed-shape one-hot array, as a Pipeline step."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import check_sequences
from ._encoding import codes_to_one_hot

__all__ = ["SequenceEncoder"]


class SequenceEncoder(TransformerMixin, BaseEstimator):
    """One-hot encode DNA sequences to a fixed-shape float array.

    Sequences shorter than the fitted length are padded with N (all-zero
    rows); longer ones are an error, so that train and test arrays always
    share one shape.

    Parameters
    ----------
    layout : {"NLC", "NCL"}, default="NLC"
        ``"NLC"`` gives (n_samples, n_positions, 4), the layout
        :class:`~sklearn_attngen.AttnGenClassifier` accepts; ``"NCL"`` gives
        (n_samples, 4, n_positions) for ``torch.nn.Conv1d`` models.
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

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import SequenceEncoder
    >>> SequenceEncoder().fit_transform(["ACG", "T"]).shape
    (2, 3, 4)
    """

    _parameter_constraints = {
        "layout": [StrOptions({"NLC", "NCL"})],
        "n_positions": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, layout="NLC", n_positions=None):
        self.layout = layout
        self.n_positions = n_positions

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the output length.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            DNA sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceEncoder
        """
        _, lengths = check_sequences(X)
        if self.n_positions is not None and lengths.max() > self.n_positions:
            i = int(np.argmax(lengths))
            raise ValueError(
                f"X[{i}] has length {lengths[i]}, longer than n_positions={self.n_positions}; "
                "transform would reject it. Set n_positions to the longest length you expect "
                "(or None for the longest sequence in X)."
            )
        self.n_positions_ = self.n_positions or int(lengths.max())
        return self

    def transform(self, X):
        """One-hot encode ``X``.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            DNA sequences no longer than ``n_positions_``.

        Returns
        -------
        X_one_hot : ndarray of float32
            Shape ``(n_samples, n_positions_, 4)`` or ``(n_samples, 4, n_positions_)``.
        """
        check_is_fitted(self)
        codes, lengths = check_sequences(X)
        if lengths.max() > self.n_positions_:
            i = int(np.argmax(lengths))
            raise ValueError(
                f"X[{i}] has length {lengths[i]}, longer than n_positions_={self.n_positions_} "
                "seen in fit; set n_positions to the longest length you expect."
            )
        padded = np.full((codes.shape[0], self.n_positions_), 4, dtype=np.uint8)
        padded[:, : codes.shape[1]] = codes
        return codes_to_one_hot(padded, layout=self.layout)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # no tabular numeric input
        tags.input_tags.three_d_array = True  # one-hot (n_samples, n_positions, 4)
        tags.input_tags.string = True
        return tags
