"""Multi-seed comparison of estimators with paired tests."""

import time
from itertools import combinations

import numpy as np
from scipy.stats import ttest_rel, wilcoxon
from sklearn.base import clone
from sklearn.metrics import accuracy_score, matthews_corrcoef, roc_auc_score

from ._checks import check_int, check_labels, sample_std

__all__ = ["EstimatorComparison", "compare_estimators"]

METRICS = ("accuracy", "mcc", "roc_auc")


class EstimatorComparison:
    """Result of :func:`compare_estimators`: per-seed scores, summaries, paired tests.

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
    pvalues : dict of (str, str) to dict of str to dict of str to float
        ``pvalues[(a, b)][metric]["ttest"]`` and ``[...]["wilcoxon"]``:
        two-sided paired t-test and Wilcoxon signed-rank p-values of the
        per-seed scores of ``a`` and ``b`` (NaN with fewer than 2 seeds).

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_attngen.evaluation import compare_estimators
    >>> X, y = ["ACGT" * 5, "TTGA" * 5, "ACGA" * 5] * 4, [0, 1, 0] * 4
    >>> result = compare_estimators(
    ...     {"majority": DummyClassifier(), "uniform": DummyClassifier(strategy="uniform")},
    ...     X, y, X, y, n_seeds=2)
    >>> result.names, result.seeds, result.metrics
    (['majority', 'uniform'], [0, 1], ('accuracy', 'mcc', 'roc_auc'))
    >>> result.scores["majority"]["accuracy"]
    array([0.666..., 0.666...])
    >>> sorted(result.pvalues)
    [('majority', 'uniform')]
    """

    def __init__(self, names, seeds, scores, fit_time, pvalues):
        self.names = list(names)
        self.seeds = list(seeds)
        self.metrics = METRICS
        self.scores = scores
        self.fit_time = fit_time
        self.pvalues = pvalues
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

    def to_frame(self, kind="summary"):
        """The results as a pandas DataFrame.

        Parameters
        ----------
        kind : {"summary", "pvalues", "scores"}, default="summary"
            ``"summary"``: one row per estimator, ``<metric>_mean`` and
            ``<metric>_std`` columns (and fit time). ``"pvalues"``: one row
            per pair, ``<metric>_ttest`` and ``<metric>_wilcoxon`` columns.
            ``"scores"``: one row per estimator and seed.

        Returns
        -------
        frame : pandas.DataFrame
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
        if kind == "pvalues":
            rows = {
                f"{a} vs {b}": {
                    f"{m}_{test}": tests[m][test] for m in METRICS for test in ("ttest", "wilcoxon")
                }
                for (a, b), tests in self.pvalues.items()
            }
            columns = [f"{m}_{t}" for m in METRICS for t in ("ttest", "wilcoxon")]
            return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("pair")
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
        raise ValueError(f"kind must be 'summary', 'pvalues' or 'scores', got {kind!r}.")

    def __str__(self):
        width = max(len("estimator"), *(len(n) for n in self.names))
        header = f"{'estimator':<{width}}  " + "  ".join(
            f"{m:>17}" for m in (*METRICS, "fit time (s)")
        )
        lines = [f"{len(self.seeds)} seeds: {self.seeds}", header]
        for name in self.names:
            cells = [
                f"{self.mean[name][key]:.4f} ± {self.std[name][key]:.4f}".rjust(17)
                for key in (*METRICS, "fit_time")
            ]
            lines.append(f"{name:<{width}}  " + "  ".join(cells))
        if self.pvalues:
            pairs = [f"{a} vs {b}" for a, b in self.pvalues]
            pair_width = max(len("pair"), *(len(p) for p in pairs))
            lines += ["", "paired tests, p-values (t-test / Wilcoxon)"]
            lines.append(f"{'pair':<{pair_width}}  " + "  ".join(f"{m:>17}" for m in METRICS))
            for pair, tests in zip(pairs, self.pvalues.values(), strict=True):
                cells = [
                    f"{tests[m]['ttest']:.3g} / {tests[m]['wilcoxon']:.3g}".rjust(17)
                    for m in METRICS
                ]
                lines.append(f"{pair:<{pair_width}}  " + "  ".join(cells))
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


def _roc_auc(estimator, X, y):
    classes = np.asarray(estimator.classes_)
    if hasattr(estimator, "predict_proba"):
        scores = estimator.predict_proba(X)
    elif hasattr(estimator, "decision_function"):
        scores = estimator.decision_function(X)
    else:
        return float("nan")
    scores = np.asarray(scores)
    if len(classes) == 2:
        column = scores[:, 1] if scores.ndim == 2 else scores
        return float(roc_auc_score(y == classes[1], column))
    present = np.isin(classes, y)
    if present.sum() < 2:
        return float("nan")
    if hasattr(estimator, "predict_proba"):
        return float(roc_auc_score(y, scores, multi_class="ovr", average="macro", labels=classes))
    # decision functions need not be probabilities: one-vs-rest AUCs averaged by hand
    return float(
        np.mean([roc_auc_score(y == c, scores[:, k]) for k, c in enumerate(classes) if present[k]])
    )


def _paired_pvalues(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) < 2 or np.isnan(a).any() or np.isnan(b).any():
        return {"ttest": float("nan"), "wilcoxon": float("nan")}
    difference = a - b
    if (difference == 0).all():
        return {"ttest": 1.0, "wilcoxon": 1.0}
    if (difference == difference[0]).all():  # zero variance: t is infinite
        ttest = 0.0
    else:
        ttest = float(ttest_rel(a, b).pvalue)
    return {"ttest": ttest, "wilcoxon": float(wilcoxon(a, b).pvalue)}


def compare_estimators(estimators, X_train, y_train, X_test, y_test, *, n_seeds=5):
    """Fit each estimator with several seeds; scores, spread and paired tests.

    For each seed ``0 .. n_seeds - 1``, every estimator is cloned, every
    ``random_state`` parameter it has (nested ones too, e.g. in a pipeline)
    is set to the seed, it is fitted on the training data and scored on the
    test data: accuracy, Matthews correlation coefficient and ROC-AUC
    (binary; macro-averaged one-vs-rest for more classes; from
    ``predict_proba`` or ``decision_function``, NaN if it has neither). Runs
    with the same seed are paired, and each pair of estimators gets a paired
    t-test and a Wilcoxon signed-rank test per metric (two-sided). An
    estimator without ``random_state`` gives the same scores for every seed.
    With 5 seeds the smallest two-sided Wilcoxon p-value is 0.0625.

    Parameters
    ----------
    estimators : dict of str to estimator
        Names and (unfitted or fitted: they are cloned) classifiers.
    X_train, X_test : list, ndarray or pandas Series of str, or ndarray
        DNA sequences, in any form the estimators accept.
    y_train, y_test : array-like of shape (n_samples,)
    n_seeds : int, default=5

    Returns
    -------
    result : EstimatorComparison
        Per-seed scores, mean and std, fit times and pairwise p-values;
        ``print(result)`` shows a table, ``result.to_frame()`` a DataFrame.

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
    ...      "dummy": DummyClassifier()}, X, y, X, y, n_seeds=2)
    >>> result.mean["kmer"]["accuracy"], result.mean["dummy"]["accuracy"]
    (1.0, 0.666...)
    """
    if not isinstance(estimators, dict) or not estimators:
        raise TypeError("estimators must be a non-empty dict of name -> estimator.")
    for name, estimator in estimators.items():
        if not isinstance(name, str):
            raise TypeError(f"estimator names must be str, got {name!r}.")
        if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
            raise TypeError(f"estimators[{name!r}] has no fit/predict methods.")
    n_seeds = check_int(n_seeds, "n_seeds", 1)
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
    for i, seed in enumerate(seeds):
        for name, estimator in estimators.items():
            model = _set_seed(clone(estimator), seed)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_time[name][i] = time.perf_counter() - start
            predicted = model.predict(X_test)
            scores[name]["accuracy"][i] = accuracy_score(y_test, predicted)
            scores[name]["mcc"][i] = matthews_corrcoef(y_test, predicted)
            scores[name]["roc_auc"][i] = _roc_auc(model, X_test, y_test)
    pvalues = {
        (a, b): {m: _paired_pvalues(scores[a][m], scores[b][m]) for m in METRICS}
        for a, b in combinations(estimators, 2)
    }
    return EstimatorComparison(list(estimators), seeds, scores, fit_time, pvalues)
