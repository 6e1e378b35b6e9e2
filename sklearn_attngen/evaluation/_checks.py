"""Input checks shared by the evaluation functions."""

import numpy as np

from ..utils import check_targets

__all__ = []


def check_fractions(fractions):
    """1-D, strictly increasing, every value in [0, 1)."""
    try:
        values = np.asarray(fractions, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"fractions must be a sequence of numbers, got {fractions!r}.") from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"fractions must be a non-empty 1-D sequence, got shape {values.shape}.")
    outside = ~((values >= 0) & (values < 1))
    if outside.any():
        raise ValueError(
            f"fractions must lie in [0, 1), got {values[outside][0]!r} (fractions of each "
            "sequence's real positions)."
        )
    if (np.diff(values) <= 0).any():
        raise ValueError(f"fractions must be strictly increasing, got {values.tolist()}.")
    return values


def check_labels(y, n, name="y", classes=None):
    """True labels: one per sequence, none missing, each in ``classes`` when given."""
    return check_targets(y, n, name=name, classes=classes)


def check_scores(scores, shape, name="scores", chunk=4096):
    """Per-position scores of shape ``shape``; a Bunch from ``attribute`` is unpacked.

    A memory-mapped array (e.g. ``saliency(X, out=np.lib.format.open_memmap(...))``)
    stays on disk: it is checked ``chunk`` rows at a time.
    """
    if hasattr(scores, "scores") and not isinstance(scores, np.ndarray):
        scores = scores.scores
    scores = np.asarray(scores)
    if scores.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {scores.dtype}.")
    if scores.shape != tuple(shape):
        raise ValueError(
            f"{name} has shape {scores.shape} but X has {shape[0]} sequences of up to "
            f"{shape[1]} positions: expected {tuple(shape)} (one score per position)."
        )
    for start in range(0, len(scores), chunk):
        if not np.isfinite(scores[start : start + chunk]).all():
            raise ValueError(f"{name} contains NaN or infinity.")
    return scores


def check_fitted_predictor(estimator):
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(estimator, "predict"):
        raise TypeError(f"{type(estimator).__name__} has no predict method.")
    check_is_fitted(estimator)
    return estimator


def sample_std(values, axis=0):
    """Standard deviation with ddof=1; 0 where there is a single value."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape[axis] < 2:
        return np.zeros(np.delete(values.shape, axis)) if values.ndim > 1 else 0.0
    return values.std(axis=axis, ddof=1)
