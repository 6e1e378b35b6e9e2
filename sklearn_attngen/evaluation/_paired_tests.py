"""Paired tests of two classifiers over the same test sequences.

Training several seeds measures how much a score moves when the model is
retrained; it says nothing about how much it moves with the test sample. The
two tests here resample or condition on the test sequences instead:

- :func:`paired_bootstrap_test`: the difference in accuracy, MCC and ROC-AUC
  under a stratified bootstrap of the test sequences, each model's metric
  averaged over its runs (seeds);
- :func:`mcnemar_test`: McNemar's exact and mid-p tests on the sequences that
  exactly one of two prediction vectors gets right.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.stats import binom, binomtest
from sklearn.utils import Bunch, check_random_state

from ..utils._param_validation import Interval, validate_params
from ._checks import check_labels

__all__ = ["mcnemar_test", "paired_bootstrap_test"]

BOOTSTRAP_METRICS = ("accuracy", "mcc", "roc_auc")
# the bootstrap's settings, constrained alike here and in compare_estimators, which passes them on
BOOTSTRAP_PARAMS = {
    "n_bootstrap": [Interval(Integral, 1, None, closed="left")],
    "confidence_level": [Interval(Real, 0, 1, closed="neither")],
    "random_state": ["random_state"],
}
# resamples per chunk are chosen so that one chunk's weights hold about this many floats
_CHUNK_FLOATS = 2_000_000


# --------------------------------------------------------------------------- input checks
def _check_predictions(y_pred, n, name):
    """Predicted labels as (n_runs, n) from (n,) or (n_runs, n)."""
    if y_pred is None:
        raise ValueError(f"{name} is None; predicted labels are required.")
    y_pred = np.asarray(y_pred)
    if y_pred.ndim not in (1, 2) or y_pred.shape[-1] != n:
        raise ValueError(
            f"{name} has shape {y_pred.shape}; expected ({n},) or (n_runs, {n}): one predicted "
            f"label per test sequence ({n} in y_true), one row per run."
        )
    if y_pred.shape[0] == 0:
        raise ValueError(f"{name} holds no runs.")
    flat = check_labels(y_pred.reshape(-1), None, name=name)
    return flat.reshape(-1, n)


def _check_scores(y_score, y_pred, n_classes, name):
    """Scores as (n_runs, n, n_classes), or (n_runs, n) for the second of two classes.

    A single run (``y_pred`` of one row) may also come as (n,) or (n, n_classes).
    """
    y_score = np.asarray(y_score)
    if y_score.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {y_score.dtype}.")
    n_runs, n = y_pred.shape
    shape = y_score.shape
    if n_runs == 1 and shape in ((n,), (n, n_classes)):
        y_score = y_score[np.newaxis]
    if y_score.shape not in ((n_runs, n), (n_runs, n, n_classes)):
        raise ValueError(
            f"{name} has shape {shape} but the predictions are {n_runs} run(s) of {n} "
            f"sequences and there are {n_classes} classes: expected ({n_runs}, {n}, "
            f"{n_classes}) (predict_proba of each run), or ({n_runs}, {n}) for two classes "
            "(the score of the second class)."
        )
    if y_score.ndim == 2 and n_classes != 2:
        raise ValueError(
            f"{name} holds one score per sequence but there are {n_classes} classes: give "
            "one column per class."
        )
    if not np.isfinite(y_score).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    y_score = y_score.astype(np.float64)
    return y_score[:, :, 1] if y_score.ndim == 3 and n_classes == 2 else y_score


def _codes(labels, classes, name):
    """Index of each label in ``classes``; a label outside them is an error."""
    codes = np.searchsorted(classes, labels)
    codes = np.minimum(codes, len(classes) - 1)
    bad = classes[codes] != labels
    if bad.any():
        label = labels[bad][0]
        raise ValueError(
            f"{name} holds the label {getattr(label, 'item', lambda: label)()!r}, which is not "
            f"in classes {classes.tolist()}."
        )
    return codes


def _check_classes(classes, labels):
    if classes is None:
        return np.unique(np.concatenate([np.ravel(x) for x in labels]))
    classes = np.asarray(classes)
    if classes.ndim != 1 or len(classes) < 2 or len(np.unique(classes)) != len(classes):
        raise ValueError(f"classes must hold at least 2 distinct labels, got {classes.tolist()}.")
    if _kind(classes) != _kind(labels[0]):
        raise TypeError(
            f"classes holds {_kind(classes)} but y_true holds {_kind(labels[0])}: compare labels "
            "of one kind."
        )
    order = np.argsort(classes, kind="stable")
    if (order != np.arange(len(classes))).any():
        raise ValueError(
            f"classes must be sorted, as an estimator's classes_ is, got {classes.tolist()}."
        )
    return classes


def _kind(labels):
    return "str" if labels.size and isinstance(labels.flat[0], str) else "numbers"


def _same_kind(y_pred, y_true, name):
    if y_true.size and y_pred.size and _kind(y_pred) != _kind(y_true):
        raise TypeError(
            f"{name} holds {_kind(y_pred)} but y_true holds {_kind(y_true)}: compare labels "
            "of one kind."
        )


# --------------------------------------------------------------------------- McNemar
@validate_params(
    {"y_true": ["array-like"], "y_pred_a": ["array-like"], "y_pred_b": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def mcnemar_test(y_true, y_pred_a, y_pred_b):
    """McNemar's test of two classifiers' accuracy on the same test sequences.

    Only the discordant sequences count: ``b`` that ``a`` gets right and
    ``b`` wrong, ``c`` the other way round. Under the null hypothesis that
    both classifiers have the same error rate on the population the test
    sequences were drawn from, ``b`` given ``b + c`` is Binomial(b + c, 1/2).
    The exact p-value is :func:`scipy.stats.binomtest`'s two-sided one; the
    mid-p value subtracts the probability of the observed count once, which
    keeps the test close to its nominal level while the exact test is
    conservative (Fagerland, Lydersen and Laake, *BMC Med. Res. Methodol.*
    13, 91, 2013). With no discordant sequence both are 1: nothing in the
    data speaks for a difference.

    The test conditions on the two fitted models: it measures the variation
    from sampling test sequences, not from retraining (seeds).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred_a, y_pred_b : array-like of shape (n_samples,)
        Labels predicted by the two classifiers.

    Returns
    -------
    result : sklearn.utils.Bunch
        ``n_only_a_correct`` (b), ``n_only_b_correct`` (c), ``pvalue_exact``
        and ``pvalue_midp`` (two-sided).

    See Also
    --------
    paired_bootstrap_test : Differences in accuracy, MCC and ROC-AUC with a
        confidence interval, over several runs of each model.

    Examples
    --------
    >>> from sklearn_attngen.evaluation import mcnemar_test
    >>> y_true = [0] * 10
    >>> a = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]  # right on 6
    >>> b = [0, 1, 1, 1, 1, 1, 0, 1, 1, 1]  # right on 2
    >>> result = mcnemar_test(y_true, a, b)
    >>> result.n_only_a_correct, result.n_only_b_correct
    (5, 1)
    >>> round(result.pvalue_exact, 5), round(result.pvalue_midp, 5)  # 14/64, 8/64
    (0.21875, 0.125)
    """
    y_true = check_labels(y_true, None, name="y_true")
    n = len(y_true)
    correct = []
    for y_pred, name in ((y_pred_a, "y_pred_a"), (y_pred_b, "y_pred_b")):
        y_pred = _check_predictions(y_pred, n, name)
        if y_pred.shape[0] != 1:
            raise ValueError(
                f"{name} has shape {np.shape(y_pred)}; McNemar's test pairs one prediction "
                f"vector with another: expected ({n},)."
            )
        _same_kind(y_pred, y_true, name)
        correct.append(y_pred[0] == y_true)
    only_a = int(np.sum(correct[0] & ~correct[1]))
    only_b = int(np.sum(~correct[0] & correct[1]))
    n_discordant = only_a + only_b
    if n_discordant == 0:
        exact = midp = 1.0
    else:
        k = min(only_a, only_b)
        exact = float(binomtest(only_a, n_discordant, 0.5).pvalue)
        midp = min(
            1.0, float(2 * binom.cdf(k, n_discordant, 0.5) - binom.pmf(k, n_discordant, 0.5))
        )
    return Bunch(
        n_only_a_correct=only_a,
        n_only_b_correct=only_b,
        pvalue_exact=exact,
        pvalue_midp=midp,
    )


# --------------------------------------------------------------------------- bootstrap
def _stratified_counts(y_codes, n_resamples, rng):
    """(n_resamples, n) multiplicities: each class resampled with replacement on its own."""
    counts = np.zeros((n_resamples, len(y_codes)))
    for c in np.unique(y_codes):
        members = np.flatnonzero(y_codes == c)
        counts[:, members] = rng.multinomial(
            len(members), np.full(len(members), 1 / len(members)), size=n_resamples
        )
    return counts


class _RunMetrics:
    """Accuracy, MCC and ROC-AUC of one model's runs under sequence weights.

    With weights equal to a bootstrap resample's multiplicities, each value is
    the metric on that resample; with unit weights, the metric on the test set.
    """

    def __init__(self, y_codes, pred_codes, scores, n_classes):
        n = len(y_codes)
        self.n_classes = n_classes
        # one sparse (n, K*K) indicator per run: weights @ it = weighted confusion matrix
        self.joint = [
            sparse.csr_matrix(
                (np.ones(n), (np.arange(n), y_codes * n_classes + p)),
                shape=(n, n_classes * n_classes),
            )
            for p in pred_codes
        ]
        self.auc = []  # per run: a list of per-class (order, positive positions, tie bounds)
        present = np.unique(y_codes)
        if scores is not None and len(present) >= 2:
            columns = [1] if scores.ndim == 2 else present
            for run in scores:
                per_class = []
                for k in columns:
                    s = run if scores.ndim == 2 else run[:, k]
                    order = np.argsort(s, kind="stable")
                    s_sorted = s[order]
                    new = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
                    starts = np.flatnonzero(new)
                    group = np.cumsum(new) - 1
                    ends = np.r_[starts[1:], n]
                    positive = np.flatnonzero(y_codes[order] == k)
                    negative = y_codes[order] != k
                    per_class.append(
                        (order, positive, negative, starts[group[positive]], ends[group[positive]])
                    )
                self.auc.append(per_class)

    def __call__(self, weights):
        """Dict metric -> (n_resamples,) mean over runs of the weighted metric."""
        out = {}
        acc, mcc = [], []
        for joint in self.joint:
            confusion = (joint.T @ weights.T).T.reshape(-1, self.n_classes, self.n_classes)
            t_sum, p_sum = confusion.sum(2), confusion.sum(1)
            correct = np.trace(confusion, axis1=1, axis2=2)
            total = p_sum.sum(1)
            acc.append(correct / total)
            cov_tp = correct * total - (t_sum * p_sum).sum(1)
            cov_pp = total**2 - (p_sum * p_sum).sum(1)
            cov_tt = total**2 - (t_sum * t_sum).sum(1)
            denominator = cov_pp * cov_tt
            with np.errstate(invalid="ignore", divide="ignore"):
                mcc.append(np.where(denominator == 0, 0.0, cov_tp / np.sqrt(denominator)))
        out["accuracy"] = np.mean(acc, axis=0)
        out["mcc"] = np.mean(mcc, axis=0)
        if self.auc:
            auc = []
            for per_class in self.auc:
                values = []
                for order, positive, negative, start, end in per_class:
                    w = weights[:, order]
                    negative_w = w * negative
                    cumulative = np.concatenate(
                        [np.zeros((len(w), 1)), np.cumsum(negative_w, axis=1)], axis=1
                    )
                    # each positive beats the negatives below its tie group, ties count half
                    wins = w[:, positive] * (cumulative[:, start] + cumulative[:, end])
                    values.append(wins.sum(1) / 2 / (w[:, positive].sum(1) * negative_w.sum(1)))
                auc.append(np.mean(values, axis=0))
            out["roc_auc"] = np.mean(auc, axis=0)
        return out


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred_a": ["array-like"],
        "y_pred_b": ["array-like"],
        "y_score_a": ["array-like", None],
        "y_score_b": ["array-like", None],
        "classes": ["array-like", None],
        **BOOTSTRAP_PARAMS,
    },
    prefer_skip_nested_validation=True,
)
def paired_bootstrap_test(
    y_true,
    y_pred_a,
    y_pred_b,
    *,
    y_score_a=None,
    y_score_b=None,
    classes=None,
    n_bootstrap=2000,
    confidence_level=0.95,
    random_state=0,
):
    """Paired bootstrap over test sequences of the difference between two models.

    What is resampled: the test sequences, with replacement, within each true
    class (so every resample keeps the test set's class counts and every
    metric is defined; pROC resamples ROC curves the same way). Both models
    are scored on the same resample, so the test is paired. Each model may
    come with several runs (e.g. one per training seed): its metric on a
    resample is the mean over its runs, so the result is the test-sampling
    variation of the seed-averaged score. The seed-to-seed spread is not
    resampled; report it beside this test (as
    :func:`~sklearn_attngen.evaluation.compare_estimators` does).

    For each metric (accuracy, Matthews correlation, and ROC-AUC when scores
    are given: binary, or macro-averaged one-vs-rest over the classes present
    in ``y_true``) the result holds the observed difference ``a - b`` on the
    whole test set, the percentile confidence interval of the resampled
    differences and a two-sided p-value: the smallest level at which that
    interval excludes 0, ``min(1, 2 * min(1 + #{d <= 0}, 1 + #{d >= 0}) /
    (1 + n_bootstrap))``, so it is never below ``2 / (1 + n_bootstrap)``. Two
    models whose predictions agree on every sequence get differences of 0 in
    every resample and p = 1.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of the test sequences.
    y_pred_a, y_pred_b : array-like of shape (n_samples,) or (n_runs, n_samples)
        Predicted labels of each model, one row per run; the two models may
        have different numbers of runs.
    y_score_a, y_score_b : array-like, default=None
        Scores for ROC-AUC, one per run as the predictions: shape
        ``(n_runs, n_samples, n_classes)`` (``predict_proba``, columns in
        the order of ``classes``), or without the last axis for two classes
        (the score of ``classes[1]``). Give both or neither; without them
        ROC-AUC is not tested.
    classes : array-like of shape (n_classes,), default=None
        Sorted class labels that the score columns refer to (an estimator's
        ``classes_``). None: the sorted labels found in ``y_true`` and the
        predictions.
    n_bootstrap : int, default=2000
        Number of resamples.
    confidence_level : float, default=0.95
        Coverage of the percentile interval.
    random_state : int, RandomState instance or None, default=0
        Seeds the resampling; the same seed and ``y_true`` give the same
        resamples, so tests of several pairs on one test set stay paired.

    Returns
    -------
    result : sklearn.utils.Bunch
        One Bunch per metric (``result.accuracy``, ``result.mcc`` and, with
        scores, ``result.roc_auc``), each with ``difference``, ``ci_low``,
        ``ci_high``, ``pvalue`` and ``distribution`` (the ``n_bootstrap``
        resampled differences); also ``metrics``, ``n_bootstrap`` and
        ``confidence_level``.

    See Also
    --------
    mcnemar_test : Exact test of two prediction vectors' accuracy.
    compare_estimators : Fits the models over seeds and runs both tests.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.evaluation import paired_bootstrap_test
    >>> rng = np.random.default_rng(0)
    >>> y_true = np.repeat([0, 1], 100)
    >>> good = np.where(rng.random(200) < 0.9, y_true, 1 - y_true)  # ~90 % right
    >>> poor = np.where(rng.random((3, 200)) < 0.7, y_true, 1 - y_true)  # 3 runs, ~70 %
    >>> result = paired_bootstrap_test(y_true, good, poor, n_bootstrap=500)
    >>> result.metrics
    ('accuracy', 'mcc')
    >>> acc = result.accuracy
    >>> bool(acc.ci_low > 0), bool(acc.pvalue < 0.01), acc.distribution.shape
    (True, True, (500,))
    >>> paired_bootstrap_test(y_true, good, good, n_bootstrap=500).accuracy.pvalue
    1.0
    """
    y_true = check_labels(y_true, None, name="y_true")
    n = len(y_true)
    if n == 0:
        raise ValueError("y_true is empty: at least one test sequence is required.")
    preds = []
    for y_pred, name in ((y_pred_a, "y_pred_a"), (y_pred_b, "y_pred_b")):
        y_pred = _check_predictions(y_pred, n, name)
        _same_kind(y_pred, y_true, name)
        preds.append(y_pred)
    if (y_score_a is None) != (y_score_b is None):
        raise ValueError("Give y_score_a and y_score_b both (to test ROC-AUC) or neither.")
    classes = _check_classes(classes, [y_true, *preds])
    y_codes = _codes(y_true, classes, "y_true")
    pred_codes = [
        _codes(p, classes, name) for p, name in zip(preds, ("y_pred_a", "y_pred_b"), strict=True)
    ]
    scores = [None, None]
    if y_score_a is not None:
        scores = [
            _check_scores(s, p, len(classes), name)
            for s, p, name in zip(
                (y_score_a, y_score_b), preds, ("y_score_a", "y_score_b"), strict=True
            )
        ]
    models = [
        _RunMetrics(y_codes, p, s, len(classes)) for p, s in zip(pred_codes, scores, strict=True)
    ]

    observed = [m(np.ones((1, n))) for m in models]
    metrics = tuple(k for k in BOOTSTRAP_METRICS if k in observed[0] and k in observed[1])
    distribution = {k: np.empty(n_bootstrap) for k in metrics}
    rng = check_random_state(random_state)
    chunk = max(1, _CHUNK_FLOATS // n)
    for start in range(0, n_bootstrap, chunk):
        weights = _stratified_counts(y_codes, min(chunk, n_bootstrap - start), rng)
        a, b = (m(weights) for m in models)
        for k in metrics:
            distribution[k][start : start + len(weights)] = a[k] - b[k]

    tail = (1 - confidence_level) / 2
    result = Bunch(metrics=metrics, n_bootstrap=n_bootstrap, confidence_level=confidence_level)
    for k in metrics:
        d = distribution[k]
        below, above = np.sum(d <= 0), np.sum(d >= 0)
        low, high = np.quantile(d, [tail, 1 - tail])
        result[k] = Bunch(
            difference=float(observed[0][k][0] - observed[1][k][0]),
            ci_low=float(low),
            ci_high=float(high),
            pvalue=float(min(1.0, 2 * (1 + min(below, above)) / (1 + n_bootstrap))),
            distribution=d,
        )
    return result
