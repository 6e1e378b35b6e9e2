"""Overlap of per-position scores with planted (ground-truth) motif positions."""

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.utils import Bunch

from ..utils._validation import check_lengths

__all__ = ["motif_overlap"]


def _check_overlap_input(scores, truth_mask, lengths):
    if hasattr(scores, "scores") and not isinstance(scores, np.ndarray):
        if lengths is None:
            lengths = getattr(scores, "lengths", None)
        scores = scores.scores
    scores = np.asarray(scores)
    truth_mask = np.asarray(truth_mask)
    if scores.dtype.kind not in "biuf":
        raise TypeError(f"scores must be numeric, got dtype {scores.dtype}.")
    if truth_mask.dtype != bool:
        raise TypeError(
            f"truth_mask must be a boolean array (True at motif positions), got dtype "
            f"{truth_mask.dtype}; e.g. the mask of make_motif_sequences."
        )
    if scores.ndim != 2 or scores.shape[1] == 0 or len(scores) == 0:
        raise ValueError(
            f"scores must have shape (n_samples, n_positions), got shape {scores.shape}."
        )
    if truth_mask.shape != scores.shape:
        raise ValueError(
            f"scores has shape {scores.shape} but truth_mask has shape {truth_mask.shape}; "
            "they must match position for position."
        )
    if not np.isfinite(scores).all():
        raise ValueError("scores contains NaN or infinity.")
    n, width = scores.shape
    if lengths is None:
        lengths = np.full(n, width, dtype=np.int64)
    else:
        lengths = check_lengths(lengths, n, width)
    real = np.arange(width)[None, :] < lengths[:, None]
    if (truth_mask & ~real).any():
        raise ValueError("truth_mask marks positions beyond a sequence's length.")
    return scores, truth_mask, lengths, real


def _per_sequence(scores, truth):
    """AUROC, average precision and precision at k of each row (rows of equal length)."""
    width = scores.shape[1]
    n_true = truth.sum(axis=1)
    n_false = width - n_true
    ranks = rankdata(scores, axis=1)  # ascending, ties get their average rank
    with np.errstate(invalid="ignore", divide="ignore"):
        auroc = ((ranks * truth).sum(axis=1) - n_true * (n_true + 1) / 2) / (n_true * n_false)
        order = np.argsort(-scores, axis=1, kind="stable")
        sorted_scores = np.take_along_axis(scores, order, axis=1)
        sorted_truth = np.take_along_axis(truth, order, axis=1)
        hits = np.cumsum(sorted_truth, axis=1)
        # precision is read at the end of each group of tied scores, as sklearn does
        group_last = np.ones_like(sorted_truth)
        group_last[:, :-1] = sorted_scores[:, :-1] != sorted_scores[:, 1:]
        index = np.where(group_last, np.arange(width)[None, :], width)
        group_end = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1]
        precision = np.take_along_axis(hits, group_end, axis=1) / (group_end + 1)
        auprc = (precision * sorted_truth).sum(axis=1) / n_true
        top_k = np.arange(width)[None, :] < n_true[:, None]
        precision_at_k = (sorted_truth & top_k).sum(axis=1) / n_true
    undefined = (n_true == 0) | (n_false == 0)
    for values in (auroc, auprc, precision_at_k):
        values[undefined] = np.nan
    return auroc, auprc, precision_at_k


def motif_overlap(scores, truth_mask, *, lengths=None):
    """How well per-position scores find the planted motif positions.

    Treats the scores as a ranking of positions and the ground-truth mask
    (e.g. from :func:`~sklearn_attngen.datasets.make_motif_sequences`) as
    labels, and reports the area under the ROC curve, the average precision
    (area under the precision-recall curve) and the precision at ``k``, where
    ``k`` is the number of true positions: the fraction of the ``k``
    top-scoring positions that are true motif positions (ties broken by
    position). Each is computed per sequence, then averaged over the
    sequences that have both motif and non-motif positions, and pooled over
    all real positions of all sequences (where sequences with larger scores
    weigh more; rescale the scores first if their scales differ).

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_positions) or Bunch
        Per-position scores, higher meaning more important. A Bunch from
        :func:`~sklearn_attngen.interpret.attribute` is accepted (its
        ``lengths`` are then used). Use absolute values of signed
        attributions if either sign counts as important.
    truth_mask : ndarray of shape (n_samples, n_positions), dtype bool
        True at motif positions.
    lengths : array-like of int of shape (n_samples,), default=None
        Real length of each sequence; positions beyond it (padding) are left
        out. None uses every position.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        auroc, auprc, precision_at_k : float
            Pooled over all real positions (``k`` = all true positions).
        mean_auroc, mean_auprc, mean_precision_at_k : float
            Means over the evaluated sequences (NaN if there are none).
        auroc_per_sequence, auprc_per_sequence, precision_at_k_per_sequence : ndarray
            Shape (n_samples,); NaN for sequences with no motif position or
            nothing but motif positions.
        n_evaluated : int
            Sequences that enter the means.
        positive_rate : float
            Fraction of real positions that are motif positions: the average
            precision and precision at ``k`` of random scores.

    See Also
    --------
    sklearn_attngen.interpret.attribute : Scores to compare.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.evaluation import motif_overlap
    >>> truth = np.array([[False, True, True, False], [True, False, False, False]])
    >>> scores = np.array([[0.1, 0.9, 0.5, 0.2], [0.3, 0.4, 0.1, 0.2]])
    >>> result = motif_overlap(scores, truth)
    >>> result.auroc_per_sequence
    array([1.        , 0.66666667])
    >>> float(result.mean_precision_at_k)
    0.5
    """
    scores, truth_mask, lengths, real = _check_overlap_input(scores, truth_mask, lengths)
    n = len(scores)
    auroc, auprc, precision_at_k = (np.full(n, np.nan) for _ in range(3))
    for length in np.unique(lengths):
        rows = np.flatnonzero(lengths == length)
        values = _per_sequence(scores[rows, :length], truth_mask[rows, :length])
        for out, value in zip((auroc, auprc, precision_at_k), values, strict=True):
            out[rows] = value

    pooled_scores, pooled_truth = scores[real], truth_mask[real]
    n_true = int(pooled_truth.sum())
    if 0 < n_true < pooled_truth.size:
        pooled_auroc = float(roc_auc_score(pooled_truth, pooled_scores))
        pooled_auprc = float(average_precision_score(pooled_truth, pooled_scores))
        top = np.argsort(-pooled_scores, kind="stable")[:n_true]
        pooled_precision = float(pooled_truth[top].mean())
    else:
        pooled_auroc = pooled_auprc = pooled_precision = float("nan")
    evaluated = ~np.isnan(auroc)
    n_evaluated = int(evaluated.sum())

    def mean(values):
        return float(values[evaluated].mean()) if n_evaluated else float("nan")

    return Bunch(
        auroc=pooled_auroc,
        auprc=pooled_auprc,
        precision_at_k=pooled_precision,
        mean_auroc=mean(auroc),
        mean_auprc=mean(auprc),
        mean_precision_at_k=mean(precision_at_k),
        auroc_per_sequence=auroc,
        auprc_per_sequence=auprc,
        precision_at_k_per_sequence=precision_at_k,
        n_evaluated=n_evaluated,
        positive_rate=float(pooled_truth.mean()),
    )
