"""Comparison of estimators over training seeds and over test sequences."""

import time
from itertools import combinations
from numbers import Integral

import numpy as np
from scipy.stats import ttest_rel, wilcoxon
from sklearn.base import clone
from sklearn.metrics import accuracy_score, matthews_corrcoef, roc_auc_score
from sklearn.utils import Bunch

from ..utils._param_validation import Interval, validate_params
from ._checks import check_labels, sample_std
from ._paired_tests import BOOTSTRAP_PARAMS, mcnemar_test, paired_bootstrap_test

__all__ = ["EstimatorComparison", "compare_estimators"]

METRICS = ("accuracy", "mcc", "roc_auc")
_NA_NOTE = (
    "n/a: the test over seeds is undefined (fewer than 2 seeds, or the same difference on "
    "every seed, e.g. two models that ignore random_state); it is no evidence either way."
)


class EstimatorComparison:
    """Result of :func:`compare_estimators`: scores, predictions and paired tests.

    Two sources of variation are measured separately. Over **seeds**: each
    estimator is refitted with every seed, and the per-seed scores give the
    mean, the spread and paired t- and Wilcoxon tests of the training
    variation. Over **test sequences**: a paired bootstrap of the test set
    (each estimator's score averaged over its seeds) and McNemar's test on
    each seed's pair of prediction vectors give the variation from sampling
    the test sequences. The per-sequence predictions and scores are kept, so
    other tests can be run on them.

    ``str(result)`` is a plain-text table; :meth:`to_frame` gives pandas
    DataFrames.

    Attributes
    ----------
    names : list of str
        Estimator names, in the order given.
    seeds : list of int
        The ``random_state`` used in each run.
    metrics : tuple of str
        ``("accuracy", "mcc", "roc_auc")``.
    scores : dict of str to dict of str to ndarray of shape (n_seeds,)
        ``scores[name][metric]``: test score of each seed's fit.
    fit_time : dict of str to ndarray of shape (n_seeds,)
        Seconds spent in ``fit``.
    mean, std : dict of str to dict of str to float
        Mean and sample standard deviation (ddof=1) over seeds of each score,
        and of ``"fit_time"``.
    y_test : ndarray of shape (n_test,)
        The true test labels.
    classes : ndarray of shape (n_classes,)
        The class labels, sorted (the estimators' ``classes_``).
    y_pred : dict of str to ndarray of shape (n_seeds, n_test)
        Predicted label of every test sequence, one row per seed.
    y_score : dict of str to ndarray or None
        ``predict_proba`` of every seed, shape (n_seeds, n_test, n_classes),
        else ``decision_function`` (shape (n_seeds, n_test) for two
        classes), else None.
    bootstrap : dict of (str, str) to Bunch
        ``bootstrap[(a, b)]``: the result of
        :func:`~sklearn_attngen.evaluation.paired_bootstrap_test` on the two
        estimators' per-seed predictions and scores. For each metric
        (``bootstrap[(a, b)].accuracy`` ...): ``difference`` (mean over
        seeds of ``a``'s score minus ``b``'s), ``ci_low``, ``ci_high``,
        ``pvalue`` and the resampled ``distribution``. ROC-AUC is tested
        only where both estimators give scores.
    mcnemar : dict of (str, str) to Bunch
        ``mcnemar[(a, b)]``: McNemar's test
        (:func:`~sklearn_attngen.evaluation.mcnemar_test`) of the accuracy
        of ``a`` and ``b`` fitted with the same seed, one entry per seed in
        each of ``n_only_a_correct``, ``n_only_b_correct``, ``pvalue_exact``
        and ``pvalue_midp`` (arrays of shape (n_seeds,)).
    seed_pvalues : dict of (str, str) to dict of str to dict of str to float
        ``seed_pvalues[(a, b)][metric]["ttest"]`` and ``[...]["wilcoxon"]``:
        two-sided paired t-test and Wilcoxon signed-rank p-values of the
        per-seed scores of ``a`` and ``b``. NaN where the test is undefined:
        fewer than 2 seeds, a NaN score, or the same difference on every
        seed (zero variance, e.g. two estimators without ``random_state``:
        the t statistic is then infinite or 0/0, and seeds that all agree
        carry no information on how the difference varies). A NaN is no
        test, not evidence; the sequence-level tests are defined there.
    n_bootstrap : int
    confidence_level : float

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_attngen.evaluation import compare_estimators
    >>> X, y = ["ACGT" * 5, "TTGA" * 5, "ACGA" * 5] * 4, [0, 1, 0] * 4
    >>> result = compare_estimators(
    ...     {"majority": DummyClassifier(), "uniform": DummyClassifier(strategy="uniform")},
    ...     X, y, X, y, n_seeds=2, n_bootstrap=200)
    >>> result.names, result.seeds, result.metrics
    (['majority', 'uniform'], [0, 1], ('accuracy', 'mcc', 'roc_auc'))
    >>> result.scores["majority"]["accuracy"]
    array([0.666..., 0.666...])
    >>> result.y_pred["majority"].shape
    (2, 12)
    >>> sorted(result.bootstrap)
    [('majority', 'uniform')]
    >>> result.mcnemar["majority", "uniform"].n_only_a_correct  # per seed
    array([5, 5])
    >>> tests = result.to_frame("tests")  # one row per pair and metric
    >>> tests.shape
    (3, 7)
    >>> round(tests.loc[("majority vs uniform", "accuracy"), "difference"], 3)
    np.float64(0.125)
    """

    def __init__(
        self,
        names,
        seeds,
        scores,
        fit_time,
        *,
        y_test,
        classes,
        y_pred,
        y_score,
        bootstrap,
        mcnemar,
        seed_pvalues,
        n_bootstrap,
        confidence_level,
    ):
        self.names = list(names)
        self.seeds = list(seeds)
        self.metrics = METRICS
        self.scores = scores
        self.fit_time = fit_time
        self.y_test = y_test
        self.classes = classes
        self.y_pred = y_pred
        self.y_score = y_score
        self.bootstrap = bootstrap
        self.mcnemar = mcnemar
        self.seed_pvalues = seed_pvalues
        self.n_bootstrap = n_bootstrap
        self.confidence_level = confidence_level
        self.mean = {
            name: {
                **{m: float(np.mean(scores[name][m])) for m in METRICS},
                "fit_time": float(np.mean(fit_time[name])),
            }
            for name in self.names
        }
        self.std = {
            name: {
                **{m: float(sample_std(scores[name][m])) for m in METRICS},
                "fit_time": float(sample_std(fit_time[name])),
            }
            for name in self.names
        }

    def _test_rows(self):
        """One dict per (pair, metric): difference, interval and every p-value."""
        nan = float("nan")
        rows = []
        for a, b in combinations(self.names, 2):
            boot = self.bootstrap[a, b]
            for m in METRICS:
                test = boot.get(m)
                rows.append(
                    {
                        "pair": f"{a} vs {b}",
                        "metric": m,
                        "difference": test.difference if test else nan,
                        "ci_low": test.ci_low if test else nan,
                        "ci_high": test.ci_high if test else nan,
                        "pvalue_bootstrap": test.pvalue if test else nan,
                        "pvalue_mcnemar_midp_max": (
                            float(np.max(self.mcnemar[a, b].pvalue_midp))
                            if m == "accuracy"
                            else nan
                        ),
                        "pvalue_seed_ttest": self.seed_pvalues[a, b][m]["ttest"],
                        "pvalue_seed_wilcoxon": self.seed_pvalues[a, b][m]["wilcoxon"],
                    }
                )
        return rows

    def to_frame(self, kind="summary"):
        """The results as a pandas DataFrame.

        Parameters
        ----------
        kind : {"summary", "tests", "scores"}, default="summary"
            ``"summary"``: one row per estimator, ``<metric>_mean`` and
            ``<metric>_std`` columns (and fit time). ``"tests"``: one row per
            pair and metric: ``difference`` (mean over seeds, first minus
            second), the bootstrap interval ``ci_low`` / ``ci_high``, and
            the p-values ``pvalue_bootstrap`` (over test sequences),
            ``pvalue_mcnemar_midp_max`` (accuracy only: the largest
            per-seed McNemar mid-p), ``pvalue_seed_ttest`` and
            ``pvalue_seed_wilcoxon`` (over seeds). ``"scores"``: one row per
            estimator and seed.

        Returns
        -------
        frame : pandas.DataFrame

        See Also
        --------
        EstimatorComparison : Its example ends with a ``"tests"`` frame.
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_frame needs pandas: pip install pandas") from exc
        if kind == "summary":
            rows = {
                name: {
                    f"{key}_{stat}": getattr(self, stat)[name][key]
                    for key in (*METRICS, "fit_time")
                    for stat in ("mean", "std")
                }
                for name in self.names
            }
            return pd.DataFrame.from_dict(rows, orient="index").rename_axis("estimator")
        if kind == "tests":
            columns = [
                "pair",
                "metric",
                "difference",
                "ci_low",
                "ci_high",
                "pvalue_bootstrap",
                "pvalue_mcnemar_midp_max",
                "pvalue_seed_ttest",
                "pvalue_seed_wilcoxon",
            ]
            frame = pd.DataFrame.from_records(self._test_rows(), columns=columns)
            return frame.set_index(["pair", "metric"])
        if kind == "scores":
            records = [
                {
                    "estimator": name,
                    "seed": seed,
                    **{m: float(self.scores[name][m][i]) for m in METRICS},
                    "fit_time": float(self.fit_time[name][i]),
                }
                for name in self.names
                for i, seed in enumerate(self.seeds)
            ]
            return pd.DataFrame.from_records(records)
        raise ValueError(f"kind must be 'summary', 'tests' or 'scores', got {kind!r}.")

    def __str__(self):
        width = max(len("estimator"), *(len(n) for n in self.names))
        header = f"{'estimator':<{width}}  " + "  ".join(
            f"{m:>17}" for m in (*METRICS, "fit time (s)")
        )
        lines = [
            f"{len(self.seeds)} seeds: {self.seeds}; {len(self.y_test)} test sequences",
            "mean ± std over seeds",
            header,
        ]
        for name in self.names:
            cells = [
                f"{self.mean[name][key]:.4f} ± {self.std[name][key]:.4f}".rjust(17)
                for key in (*METRICS, "fit_time")
            ]
            lines.append(f"{name:<{width}}  " + "  ".join(cells))
        rows = self._test_rows()
        if not rows:
            return "\n".join(lines)

        def p(value):
            return "n/a" if np.isnan(value) else f"{value:.3g}"

        def p_boot(value):  # at the floor 2 / (1 + n_bootstrap) every resample agreed
            floor = 2 / (1 + self.n_bootstrap)
            return f"< {2 / self.n_bootstrap:.2g}" if value <= floor else p(value)

        level = f"{100 * self.confidence_level:g} %"
        lines += [
            "",
            "paired differences (first minus second, mean over seeds) and two-sided p-values",
            f"- over test sequences: {level} interval and p of a paired bootstrap "
            f"({self.n_bootstrap} resamples of the test sequences within each class); "
            "McNemar: mid-p on each seed's pair of predictions, the largest over seeds",
            "- over seeds: paired t-test / Wilcoxon signed-rank test of the per-seed scores",
        ]
        pair_width = max(len("pair"), *(len(r["pair"]) for r in rows))
        lines.append(
            f"{'pair':<{pair_width}}  {'metric':<8}  {'difference':>10}  "
            f"{level + ' interval':>20}  {'p bootstrap':>11}  {'p McNemar':>9}  "
            f"{'p seeds (t / W)':>15}"
        )
        any_na = False
        for r in rows:
            interval = (
                "n/a" if np.isnan(r["ci_low"]) else f"[{r['ci_low']:+.4f}, {r['ci_high']:+.4f}]"
            )
            difference = "n/a" if np.isnan(r["difference"]) else f"{r['difference']:+.4f}"
            seeds = f"{p(r['pvalue_seed_ttest'])} / {p(r['pvalue_seed_wilcoxon'])}"
            any_na |= "n/a" in seeds
            mcnemar = p(r["pvalue_mcnemar_midp_max"]) if r["metric"] == "accuracy" else ""
            lines.append(
                f"{r['pair']:<{pair_width}}  {r['metric']:<8}  {difference:>10}  "
                f"{interval:>20}  {p_boot(r['pvalue_bootstrap']):>11}  {mcnemar:>9}  {seeds:>15}"
            )
        if any_na:
            lines.append(_NA_NOTE)
        return "\n".join(lines)

    def __repr__(self):
        return f"<EstimatorComparison of {self.names} over {len(self.seeds)} seeds>"


def _set_seed(estimator, seed):
    """Set every ``random_state`` parameter (also nested ones) to ``seed``."""
    keys = [
        key
        for key in estimator.get_params(deep=True)
        if key == "random_state" or key.endswith("__random_state")
    ]
    if keys:
        estimator.set_params(**dict.fromkeys(keys, seed))
    return estimator


def _test_scores(estimator, X):
    """``predict_proba``, else ``decision_function``, as floats; None with neither."""
    for method in ("predict_proba", "decision_function"):
        if hasattr(estimator, method):
            return np.asarray(getattr(estimator, method)(X), dtype=np.float64)
    return None


def _roc_auc(y, scores, classes):
    """Binary ROC-AUC, or the one-vs-rest mean over the classes present in ``y``."""
    present = [k for k, c in enumerate(classes) if np.any(y == c)]
    if scores is None or len(present) < 2:
        return float("nan")
    if len(classes) == 2:
        column = scores[:, 1] if scores.ndim == 2 else scores
        return float(roc_auc_score(y == classes[1], column))
    # the classes absent from y have no positives: left out, as sklearn's ovr needs all
    return float(np.mean([roc_auc_score(y == classes[k], scores[:, k]) for k in present]))


def _seed_pvalues(a, b):
    """Paired t-test and Wilcoxon p-values over seeds; NaN where undefined."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    nan = {"ttest": float("nan"), "wilcoxon": float("nan")}
    if len(a) < 2 or np.isnan(a).any() or np.isnan(b).any():
        return nan
    difference = a - b
    if np.allclose(difference, difference[0], rtol=0, atol=1e-12):
        return nan  # zero variance: t is infinite or 0/0, and no spread was observed
    return {
        "ttest": float(ttest_rel(a, b).pvalue),
        "wilcoxon": float(wilcoxon(a, b).pvalue),
    }


@validate_params(
    {
        "estimators": [dict],
        **{name: "no_validation" for name in ("X_train", "y_train", "X_test", "y_test")},
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        **BOOTSTRAP_PARAMS,
    },
    prefer_skip_nested_validation=True,
)
def compare_estimators(
    estimators,
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    n_seeds=5,
    n_bootstrap=2000,
    confidence_level=0.95,
    random_state=0,
):
    """Fit each estimator with several seeds; compare over seeds and test sequences.

    For each seed ``0 .. n_seeds - 1``, every estimator is cloned, every
    ``random_state`` parameter it has (nested ones too, e.g. in a pipeline)
    is set to the seed, it is fitted on the training data and scored on the
    test data: accuracy, Matthews correlation coefficient and ROC-AUC
    (binary; for more classes the mean of the one-vs-rest AUCs of the classes
    present in ``y_test``; from ``predict_proba`` or ``decision_function``,
    NaN if it has neither). An estimator without ``random_state`` gives the
    same scores for every seed.

    Each pair of estimators is then compared in two ways, because a score
    moves both when the model is retrained and when other test sequences are
    drawn:

    - **over test sequences**: a paired bootstrap of the test set
      (:func:`~sklearn_attngen.evaluation.paired_bootstrap_test`: sequences
      resampled with replacement within each class, ``n_bootstrap`` times;
      each estimator's score on a resample is the mean over its seeds), with
      a confidence interval of the difference and a p-value for each metric;
      and McNemar's test (:func:`~sklearn_attngen.evaluation.mcnemar_test`)
      of the accuracy of the two estimators fitted with the same seed, once
      per seed;
    - **over seeds**: a paired t-test and a Wilcoxon signed-rank test of the
      per-seed scores (both two-sided; with 5 seeds the smallest Wilcoxon
      p-value is 0.0625; NaN where undefined, see
      :class:`EstimatorComparison`).

    A difference that holds in both is robust to retraining and to the
    choice of test sequences; a small p over seeds alone says only that the
    ranking survives retraining on this one test set.

    Parameters
    ----------
    estimators : dict of str to estimator
        Names and (unfitted or fitted: they are cloned) classifiers.
    X_train, X_test : list, ndarray or pandas Series of str, or ndarray
        DNA sequences, in any form the estimators accept.
    y_train, y_test : array-like of shape (n_samples,)
    n_seeds : int, default=5
    n_bootstrap : int, default=2000
        Resamples of the test sequences in the paired bootstrap.
    confidence_level : float, default=0.95
        Coverage of the bootstrap interval of each difference.
    random_state : int, RandomState instance or None, default=0
        Seeds the bootstrap (the fits use the seeds ``0 .. n_seeds - 1``
        whatever this is). With an int every pair is tested on the same
        resamples.

    Returns
    -------
    result : EstimatorComparison
        Per-seed scores, mean and std, fit times, per-sequence predictions
        and scores, and the pairwise tests; ``print(result)`` shows a
        table, ``result.to_frame()`` a DataFrame.

    See Also
    --------
    paired_bootstrap_test, mcnemar_test : The sequence-level tests, for
        predictions you already have.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_attngen.preprocessing import KmerEncoder
    >>> from sklearn_attngen.evaluation import compare_estimators
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3, "ACGTAAAA" * 3] * 10, [0, 1, 0] * 10
    >>> result = compare_estimators(
    ...     {"kmer": make_pipeline(KmerEncoder(k=2), LogisticRegression()),
    ...      "dummy": DummyClassifier()}, X, y, X, y, n_seeds=2, n_bootstrap=500)
    >>> result.mean["kmer"]["accuracy"], result.mean["dummy"]["accuracy"]
    (1.0, 0.666...)
    >>> test = result.bootstrap["kmer", "dummy"].accuracy
    >>> round(test.difference, 3), test.pvalue < 0.01
    (0.333, True)
    >>> result.mcnemar["kmer", "dummy"].pvalue_exact  # 10 to 0 discordant, each seed
    array([0.00195..., 0.00195...])
    >>> result.seed_pvalues["kmer", "dummy"]["accuracy"]  # same difference every seed
    {'ttest': nan, 'wilcoxon': nan}
    """
    if not isinstance(estimators, dict) or not estimators:
        raise TypeError("estimators must be a non-empty dict of name -> estimator.")
    for name, estimator in estimators.items():
        if not isinstance(name, str):
            raise TypeError(f"estimator names must be str, got {name!r}.")
        if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
            raise TypeError(f"estimators[{name!r}] has no fit/predict methods.")
    for X, y, split in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        if X is None:
            raise TypeError(f"X_{split} is None; expected DNA sequences.")
        if y is None:
            raise ValueError(f"y_{split} is None; the class labels are required.")
        if not hasattr(X, "__len__"):
            raise TypeError(
                f"X_{split} of type {type(X).__name__} is not a collection of sequences."
            )
        if len(X) == 0:
            raise ValueError(f"X_{split} is empty: at least one sequence is required.")
        if len(X) != len(y):
            raise ValueError(f"X_{split} has {len(X)} sequences but y_{split} has {len(y)} labels.")
    train_labels = np.unique(check_labels(y_train, len(y_train), name="y_train"))
    # a test label absent from training is a miss for every estimator, and breaks ROC-AUC
    y_test = check_labels(y_test, len(y_test), name="y_test", classes=train_labels)

    seeds = list(range(n_seeds))
    scores = {name: {m: np.empty(n_seeds) for m in METRICS} for name in estimators}
    fit_time = {name: np.empty(n_seeds) for name in estimators}
    y_pred = {name: [] for name in estimators}
    y_score = {name: [] for name in estimators}
    classes = None
    for i, seed in enumerate(seeds):
        for name, estimator in estimators.items():
            model = _set_seed(clone(estimator), seed)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_time[name][i] = time.perf_counter() - start
            if classes is None:
                classes = np.asarray(model.classes_)
            elif not np.array_equal(classes, model.classes_):
                raise ValueError(
                    f"estimators[{name!r}] has classes {list(model.classes_)} but another "
                    f"has {list(classes)}; all must be fitted on the same labels."
                )
            predicted = np.asarray(model.predict(X_test))
            test_scores = _test_scores(model, X_test)
            y_pred[name].append(predicted)
            y_score[name].append(test_scores)
            scores[name]["accuracy"][i] = accuracy_score(y_test, predicted)
            scores[name]["mcc"][i] = matthews_corrcoef(y_test, predicted)
            scores[name]["roc_auc"][i] = _roc_auc(y_test, test_scores, classes)
    y_pred = {name: np.stack(runs) for name, runs in y_pred.items()}
    y_score = {name: None if runs[0] is None else np.stack(runs) for name, runs in y_score.items()}

    bootstrap, mcnemar, seed_pvalues = {}, {}, {}
    for a, b in combinations(estimators, 2):
        two_classes = len(classes) >= 2  # one class (a dummy fit): no ROC-AUC to test
        with_scores = two_classes and y_score[a] is not None and y_score[b] is not None
        bootstrap[a, b] = paired_bootstrap_test(
            y_test,
            y_pred[a],
            y_pred[b],
            y_score_a=y_score[a] if with_scores else None,
            y_score_b=y_score[b] if with_scores else None,
            classes=classes if two_classes else None,
            n_bootstrap=n_bootstrap,
            confidence_level=confidence_level,
            random_state=random_state,
        )
        per_seed = [mcnemar_test(y_test, y_pred[a][i], y_pred[b][i]) for i in range(n_seeds)]
        mcnemar[a, b] = Bunch(**{key: np.array([r[key] for r in per_seed]) for key in per_seed[0]})
        seed_pvalues[a, b] = {m: _seed_pvalues(scores[a][m], scores[b][m]) for m in METRICS}
    return EstimatorComparison(
        list(estimators),
        seeds,
        scores,
        fit_time,
        y_test=y_test,
        classes=classes,
        y_pred=y_pred,
        y_score=y_score,
        bootstrap=bootstrap,
        mcnemar=mcnemar,
        seed_pvalues=seed_pvalues,
        n_bootstrap=n_bootstrap,
        confidence_level=confidence_level,
    )
