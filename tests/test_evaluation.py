"""Tests for sklearn_attngen.evaluation."""

import math

import numpy as np
import pytest
import torch
from _saliency_models import TINY_X, TINY_Y, motif_model, tiny_attngen
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    matthews_corrcoef,
    roc_auc_score,
)
from sklearn.pipeline import make_pipeline

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.evaluation import (
    EstimatorComparison,
    compare_estimators,
    deletion_curve,
    insertion_curve,
    mcnemar_test,
    motif_overlap,
    paired_bootstrap_test,
    randomization_sanity_check,
    remove_and_retrain,
)
from sklearn_attngen.evaluation._compare import _seed_pvalues
from sklearn_attngen.evaluation._paired_tests import _stratified_counts
from sklearn_attngen.interpret import attribute
from sklearn_attngen.preprocessing import KmerEncoder
from sklearn_attngen.utils import check_sequences


@pytest.fixture(scope="module")
def motif():
    data = motif_model()
    data.saliency = data.clf.saliency(data.X_test)  # magnitude: either sign counts
    return data


# ---------------------------------------------------------- motif overlap
def test_saliency_finds_the_planted_motifs(motif):
    result = motif_overlap(motif.saliency, motif.mask_test)
    # measured on this model: 0.847 pooled (attention 0.928, |ixg| 0.805, |ig| 0.872)
    assert result.auroc >= 0.8
    assert result.mean_auroc >= 0.8
    assert result.auprc > 2 * result.positive_rate
    assert result.n_evaluated == len(motif.X_test)
    gradient = np.abs(attribute(motif.clf, motif.X_test, "input_x_gradient").scores)
    assert result.auroc > motif_overlap(gradient, motif.mask_test).auroc


def test_motif_overlap_matches_sklearn_with_ties():
    rng = np.random.RandomState(0)
    scores = rng.randint(0, 4, size=(30, 12)).astype(float)  # many ties
    truth = rng.rand(30, 12) < 0.3
    truth[0] = False  # no motif: left out of the means
    truth[1] = True  # nothing but motif: left out too
    result = motif_overlap(scores, truth)
    for i in range(2, 30):
        assert result.auroc_per_sequence[i] == pytest.approx(roc_auc_score(truth[i], scores[i]))
        assert result.auprc_per_sequence[i] == pytest.approx(
            average_precision_score(truth[i], scores[i])
        )
        k = truth[i].sum()
        top = np.argsort(-scores[i], kind="stable")[:k]
        assert result.precision_at_k_per_sequence[i] == pytest.approx(truth[i][top].mean())
    assert np.isnan(result.auroc_per_sequence[:2]).all()
    assert result.n_evaluated == 28
    assert result.mean_auroc == pytest.approx(np.mean(result.auroc_per_sequence[2:]))
    assert result.auroc == pytest.approx(roc_auc_score(truth.ravel(), scores.ravel()))
    assert result.auprc == pytest.approx(average_precision_score(truth.ravel(), scores.ravel()))
    assert result.positive_rate == pytest.approx(truth.mean())


def test_motif_overlap_leaves_out_padding():
    scores = np.array([[0.9, 0.1, 0.5, 0.0], [0.2, 0.8, 0.0, 0.0]])
    truth = np.array([[True, False, False, False], [False, True, False, False]])
    result = motif_overlap(scores, truth, lengths=[3, 2])
    np.testing.assert_allclose(result.auroc_per_sequence, [1.0, 1.0])
    assert result.auroc == pytest.approx(roc_auc_score([1, 0, 0, 0, 1], [0.9, 0.1, 0.5, 0.2, 0.8]))
    # a Bunch from attribute() brings its own lengths
    clf = tiny_attngen()
    bunch = attribute(clf, TINY_X[:4])
    truth = np.zeros(bunch.scores.shape, dtype=bool)
    truth[:, 1] = True
    assert motif_overlap(bunch, truth).n_evaluated == 4


@pytest.mark.parametrize(
    ("scores", "truth", "kwargs", "error", "message"),
    [
        (np.zeros((2, 3)), np.zeros((2, 3)), {}, TypeError, "must be a boolean"),
        (np.zeros((2, 3)), np.zeros((2, 4), bool), {}, ValueError, "must match"),
        (np.zeros(3), np.zeros(3, bool), {}, ValueError, r"\(n_samples, n_positions\)"),
        (np.full((2, 3), np.nan), np.zeros((2, 3), bool), {}, ValueError, "NaN"),
        (np.array([["a"]]), np.zeros((1, 1), bool), {}, TypeError, "numeric"),
        (np.zeros((2, 3)), np.zeros((2, 3), bool), {"lengths": [1, 4]}, ValueError, "lie in"),
        (np.zeros((2, 3)), np.zeros((2, 3), bool), {"lengths": [1]}, ValueError, "2 integers"),
        (np.zeros((1, 3)), np.ones((1, 3), bool), {"lengths": [2]}, ValueError, "beyond"),
    ],
)
def test_motif_overlap_rejects_bad_input(scores, truth, kwargs, error, message):
    with pytest.raises(error, match=message):
        motif_overlap(scores, truth, **kwargs)


# ------------------------------------------------------ deletion/insertion
def test_deletion_falls_faster_than_random(motif):
    result = deletion_curve(
        motif.clf, motif.X_test, motif.y_test, motif.saliency, n_random=3, random_state=0
    )
    clean = motif.clf.score(motif.X_test, motif.y_test)
    assert result.accuracy[0] == pytest.approx(clean)
    np.testing.assert_allclose(result.random_accuracy[:, 0], clean)
    assert result.auc < result.random_auc - 3 * result.random_auc_std
    assert (result.accuracy[2:] < result.random_accuracy_mean[2:]).all()
    assert result.random_accuracy.shape == (3, 6)
    assert result.kind == "deletion" and result.baseline == "N"
    from scipy.integrate import trapezoid

    assert result.auc == pytest.approx(trapezoid(result.accuracy, result.fractions))


def test_insertion_rises_faster_than_random(motif):
    result = insertion_curve(
        motif.clf, motif.X_test, motif.y_test, motif.saliency, n_random=2, random_state=0
    )
    assert result.auc > result.random_auc
    assert result.accuracy[-1] > result.random_accuracy_mean[-1]


@pytest.mark.parametrize("baseline", ["N", "shuffle", "uniform"])
def test_perturbation_baselines(baseline):
    clf = tiny_attngen()
    X, y = TINY_X, TINY_Y
    scores = attribute(clf, X).scores
    for curve in (deletion_curve, insertion_curve):
        result = curve(clf, X, y, scores, baseline=baseline, n_random=2, random_state=0)
        again = curve(clf, X, y, scores, baseline=baseline, n_random=2, random_state=0)
        np.testing.assert_array_equal(result.random_accuracy, again.random_accuracy)
        assert result.random_accuracy_std.shape == result.fractions.shape
        assert ((result.accuracy >= 0) & (result.accuracy <= 1)).all()


def test_perturbed_sequences_keep_length_and_composition():
    """What the estimator sees: right positions replaced, padding and lengths kept."""
    seen = []

    class Recorder(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            return self

        def __sklearn_is_fitted__(self):
            return True

        def predict(self, X):
            seen.append(X)
            return np.zeros(len(X), dtype=int)

    X = ["ACGTACGTAC", "GGGGCCCCAA", "ACG"]
    scores = np.tile(np.arange(10, 0, -1, dtype=float), (3, 1))  # earlier = more important
    scores[2, 3:] = 0
    deletion_curve(Recorder(), X, [0, 0, 0], scores, fractions=[0, 0.3], n_random=1)
    assert seen[0] == X  # variable lengths: passed back as strings
    assert seen[1] == ["NNNTACGTAC", "NNNGCCCCAA", "ACG"]  # floor(0.3 * 3) = 0
    seen.clear()
    deletion_curve(Recorder(), X[:2], [0, 0], scores[:2], fractions=[0.5], baseline="shuffle")
    for perturbed, original in zip(seen[0], X[:2], strict=True):  # uint8 codes, same length
        assert perturbed.dtype == np.uint8 and perturbed.shape == (10,)
        assert (perturbed[5:] == check_sequences([original])[0][0, 5:]).all()
    seen.clear()
    insertion_curve(Recorder(), X, [0, 0, 0], scores, fractions=[0, 0.5], n_random=1)
    assert seen[0] == ["NNNNNNNNNN", "NNNNNNNNNN", "NNN"]
    assert seen[1] == ["ACGTANNNNN", "GGGGCNNNNN", "ANN"]


def test_deletion_accepts_attribute_bunch_and_pipelines():
    X, y = TINY_X, TINY_Y
    pipe = make_pipeline(KmerEncoder(k=2), LogisticRegression()).fit(X, y)
    bunch = attribute(tiny_attngen(), X, "gradient")
    result = deletion_curve(pipe, X, y, bunch, fractions=[0, 0.5], n_random=1)
    assert result.accuracy.shape == (2,)
    # equal lengths: the pipeline gets uint8 codes
    equal = [x for x in X if len(x) == 16]
    y_equal = [label for x, label in zip(X, y, strict=True) if len(x) == 16]
    result = deletion_curve(pipe, equal, y_equal, np.zeros((12, 16)), fractions=[0])
    assert result.accuracy[0] == pipe.score(equal, y_equal)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fractions": [0, 1.0]}, ValueError, r"lie in \[0, 1\)"),
        ({"fractions": [-0.1, 0.2]}, ValueError, r"lie in \[0, 1\)"),
        ({"fractions": [0.2, 0.1]}, ValueError, "strictly increasing"),
        ({"fractions": [[0, 0.1]]}, ValueError, "1-D"),
        ({"fractions": []}, ValueError, "non-empty"),
        ({"fractions": ["a"]}, TypeError, "sequence of numbers"),
        ({"baseline": "zero"}, ValueError, "'baseline' parameter of .* must be a str among"),
        (
            {"n_random": 0},
            ValueError,
            r"'n_random' parameter of .* must be an int in the range \[1, inf\)",
        ),
        ({"scores": np.zeros((24, 15))}, ValueError, r"expected \(24, 16\)"),
        ({"scores": np.full((24, 16), np.nan)}, ValueError, "NaN"),
        ({"y": [0, 1]}, ValueError, "X has 24 sequences but y has 2"),
        ({"X": ["ACGZ"] * 24}, ValueError, "invalid character"),
    ],
)
def test_perturbation_curves_reject_bad_input(kwargs, error, message):
    clf = tiny_attngen()
    args = {"X": TINY_X, "y": TINY_Y, "scores": np.zeros((24, 16))}
    args.update({k: kwargs.pop(k) for k in list(kwargs) if k in args})
    for curve in (deletion_curve, insertion_curve):
        with pytest.raises(error, match=message):
            curve(clf, args["X"], args["y"], args["scores"], **kwargs)


def test_deletion_rejects_unfitted_or_non_predictors():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        deletion_curve(LogisticRegression(), TINY_X, TINY_Y, np.zeros((24, 16)))
    with pytest.raises(TypeError, match="must be an object implementing 'predict'"):
        deletion_curve(object(), TINY_X, TINY_Y, np.zeros((24, 16)))


def test_curves_do_not_modify_inputs(motif):
    X = np.array(motif.X_test[:50])
    y = motif.y_test[:50].copy()
    scores = motif.saliency[:50].copy()
    X_before, y_before, scores_before = X.copy(), y.copy(), scores.copy()
    params = {k: v.clone() for k, v in motif.clf.module_.state_dict().items()}
    deletion_curve(motif.clf, X, y, scores, n_random=1, baseline="shuffle", random_state=0)
    insertion_curve(motif.clf, X, y, scores, n_random=1, random_state=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(scores, scores_before)
    for key, value in motif.clf.module_.state_dict().items():
        assert torch.equal(value, params[key])


# --------------------------------------------------------------------- ROAR
def test_remove_and_retrain():
    X, y = TINY_X, TINY_Y
    clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=2, random_state=0)
    scores = attribute(tiny_attngen(), X).scores
    result = remove_and_retrain(
        clf, X, y, X, y, scores, scores, fractions=[0, 0.5], n_random=1, random_state=0
    )
    assert result.kind == "remove_and_retrain"
    assert result.random_accuracy.shape == (1, 2)
    assert result.accuracy[0] == result.random_accuracy[0, 0]  # one fit at fraction 0
    assert not hasattr(clf, "module_")  # the estimator passed in is cloned, never fitted
    with pytest.raises(ValueError, match="test_scores has shape"):
        remove_and_retrain(clf, X, y, X, y, scores, scores[:, :3])
    with pytest.raises(ValueError, match="y_train has 2 labels"):
        remove_and_retrain(clf, X, y[:2], X, y, scores, scores)
    with pytest.raises(ValueError, match="strictly increasing"):
        remove_and_retrain(clf, X, y, X, y, scores, scores, fractions=[0.5, 0.1])
    with pytest.raises(TypeError, match="must be an object implementing 'fit' and 'predict'"):
        remove_and_retrain(object(), X, y, X, y, scores, scores)


# ----------------------------------------------------------- sanity check
def test_full_randomisation_decorrelates_attention(motif):
    X = motif.X_test[:40]
    params = {k: v.clone() for k, v in motif.clf.module_.state_dict().items()}
    rng_state = torch.get_rng_state()
    result = randomization_sanity_check(motif.clf, X, "attention", random_state=0)
    assert result.layers[0] == "head" and result.layers[-1] == "stem.0"
    assert len(result.layers) == len(result.spearman) == 11
    # the attention does not read the output layer: randomising it alone changes nothing
    assert result.spearman[0] == pytest.approx(1.0)
    assert abs(result.spearman[-1]) < 0.3
    assert result.spearman_per_sequence.shape == (40, 11)
    np.testing.assert_array_equal(result.original_scores, motif.clf.attention(X))
    for key, value in motif.clf.module_.state_dict().items():
        assert torch.equal(value, params[key])
    assert torch.equal(torch.get_rng_state(), rng_state)
    again = randomization_sanity_check(motif.clf, X, "attention", random_state=0)
    np.testing.assert_array_equal(result.spearman, again.spearman)
    # the default map explains the output: randomising the output layer already moves it
    default = randomization_sanity_check(motif.clf, X, random_state=0)
    assert default.method == "saliency" and default.spearman[0] < 0.9


def test_randomisation_with_gradients_and_validation():
    clf = tiny_attngen()
    result = randomization_sanity_check(clf, TINY_X[:6], "input_x_gradient", random_state=0)
    assert result.spearman[0] < 1.0 or result.layers[0] == "head"
    assert result.method == "input_x_gradient"
    with pytest.raises(
        ValueError, match="'method' parameter of randomization_sanity_check must be a str"
    ):
        randomization_sanity_check(clf, TINY_X, "lime")
    with pytest.raises(
        ValueError, match=r"'batch_size' parameter .* must be an int in the range \[1, inf\)"
    ):
        randomization_sanity_check(clf, TINY_X, batch_size=0)
    with pytest.raises(TypeError, match="network estimator"):
        randomization_sanity_check(LogisticRegression(), TINY_X)


# -------------------------------------------------------- compare_estimators
def test_compare_estimators():
    X, y = TINY_X, TINY_Y
    estimators = {
        "attngen": AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=2),
        "kmer": make_pipeline(KmerEncoder(k=2), LogisticRegression()),
        "dummy": DummyClassifier(strategy="stratified"),
    }
    result = compare_estimators(estimators, X, y, X, y, n_seeds=3, n_bootstrap=200)
    assert isinstance(result, EstimatorComparison)
    assert result.seeds == [0, 1, 2] and result.names == ["attngen", "kmer", "dummy"]
    pairs = {("attngen", "kmer"), ("attngen", "dummy"), ("kmer", "dummy")}
    assert set(result.seed_pvalues) == set(result.bootstrap) == set(result.mcnemar) == pairs
    assert result.scores["kmer"]["accuracy"].shape == (3,)
    assert result.mean["kmer"]["roc_auc"] == pytest.approx(1.0)
    assert result.std["kmer"]["accuracy"] == 0  # no random_state: the same every seed
    assert result.std["dummy"]["accuracy"] > 0  # random_state set per seed
    assert (result.fit_time["attngen"] > 0).all()
    assert not hasattr(estimators["attngen"], "module_")  # cloned
    # the per-sequence predictions and scores behind every score are kept
    assert result.y_pred["attngen"].shape == (3, len(X))
    assert result.y_score["attngen"].shape == (3, len(X), 2)
    for name in result.names:
        for i in range(3):
            assert accuracy_score(y, result.y_pred[name][i]) == result.scores[name]["accuracy"][i]
    text = str(result)
    assert "attngen" in text and "kmer vs dummy" in text and "±" in text
    assert "p bootstrap" in text and "p McNemar" in text and "p seeds (t / W)" in text
    summary = result.to_frame()
    assert list(summary.index) == ["attngen", "kmer", "dummy"]
    assert "accuracy_mean" in summary.columns and "mcc_std" in summary.columns
    tests = result.to_frame("tests")
    assert tests.shape == (9, 7)
    assert tests.loc[("kmer vs dummy", "accuracy"), "pvalue_bootstrap"] == (
        result.bootstrap["kmer", "dummy"].accuracy.pvalue
    )
    assert np.isnan(tests.loc[("kmer vs dummy", "mcc"), "pvalue_mcnemar_midp_max"])
    assert result.to_frame("scores").shape == (9, 6)
    with pytest.raises(ValueError, match="kind must be"):
        result.to_frame("pvalues")


def _kmer():
    return make_pipeline(KmerEncoder(k=2), LogisticRegression())


def _separable(n, seed=0):
    """Sequences whose class is the base they are made of, with 15 % label noise."""
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 2, n)
    X = ["".join(rng.choice(list("AT" if c else "GC"), 12)) for c in y]
    noise = rng.rand(n) < 0.15
    return X, np.where(noise, 1 - y, y)


def test_compare_identical_models_give_no_evidence():
    X, y = _separable(60)
    result = compare_estimators({"a": _kmer(), "b": _kmer()}, X, y, X, y, n_seeds=3)
    for m in result.metrics:
        test = result.bootstrap["a", "b"][m]
        assert test.difference == 0 and test.ci_low == 0 and test.ci_high == 0
        assert test.pvalue == 1.0
        # the same difference (0) on every seed: the t-test is undefined, not p = 0 or 1
        assert np.isnan(result.seed_pvalues["a", "b"][m]["ttest"])
        assert np.isnan(result.seed_pvalues["a", "b"][m]["wilcoxon"])
    assert (result.mcnemar["a", "b"].pvalue_exact == 1).all()
    assert (result.mcnemar["a", "b"].pvalue_midp == 1).all()
    assert "n/a / n/a" in str(result) and "no evidence either way" in str(result)


def test_compare_better_model_on_many_sequences_gives_small_p():
    X_train, y_train = _separable(200, seed=0)
    X_test, y_test = _separable(300, seed=1)
    result = compare_estimators(
        {"kmer": _kmer(), "dummy": DummyClassifier(strategy="stratified")},
        X_train,
        y_train,
        X_test,
        y_test,
        n_seeds=2,
        n_bootstrap=500,
    )
    for m in result.metrics:
        test = result.bootstrap["kmer", "dummy"][m]
        assert test.ci_low > 0 and test.pvalue < 0.01
        assert test.ci_low <= test.difference <= test.ci_high
        assert test.difference == pytest.approx(result.mean["kmer"][m] - result.mean["dummy"][m])
    assert result.mcnemar["kmer", "dummy"].pvalue_midp.max() < 1e-6
    assert "< 0.004" in str(result)  # every resample agreed: p at its floor 2 / 501
    assert (result.mcnemar["kmer", "dummy"].n_only_a_correct > 100).all()


def test_compare_bootstrap_is_the_public_test_on_the_stored_predictions():
    X, y = _separable(80)
    models = {"kmer": _kmer(), "dummy": DummyClassifier(strategy="stratified")}
    result = compare_estimators(models, X, y, X, y, n_seeds=2, n_bootstrap=300, random_state=3)
    again = paired_bootstrap_test(
        result.y_test,
        result.y_pred["kmer"],
        result.y_pred["dummy"],
        y_score_a=result.y_score["kmer"],
        y_score_b=result.y_score["dummy"],
        classes=result.classes,
        n_bootstrap=300,
        random_state=3,
    )
    for m in result.metrics:
        np.testing.assert_array_equal(
            result.bootstrap["kmer", "dummy"][m].distribution, again[m].distribution
        )
    other = compare_estimators(models, X, y, X, y, n_seeds=2, n_bootstrap=300, random_state=4)
    assert not np.array_equal(
        other.bootstrap["kmer", "dummy"].mcc.distribution,
        result.bootstrap["kmer", "dummy"].mcc.distribution,
    )


def test_compare_decision_function_scores_are_tested_too():
    from sklearn.svm import LinearSVC

    X, y = _separable(80)
    result = compare_estimators(
        {"svm": make_pipeline(KmerEncoder(k=2), LinearSVC()), "kmer": _kmer()},
        X,
        y,
        X,
        y,
        n_seeds=2,
        n_bootstrap=100,
    )
    assert result.y_score["svm"].shape == (2, 80)  # decision_function: one column
    assert result.y_score["kmer"].shape == (2, 80, 2)  # predict_proba
    test = result.bootstrap["svm", "kmer"].roc_auc
    assert test.difference == pytest.approx(
        result.mean["svm"]["roc_auc"] - result.mean["kmer"]["roc_auc"]
    )


def test_compare_estimators_multiclass_roc_auc():
    X = ["AAAAAAAA", "CCCCCCCC", "GGGGGGGG"] * 6
    y = ["a", "c", "g"] * 6
    result = compare_estimators(
        {"kmer": make_pipeline(KmerEncoder(k=1), LogisticRegression())}, X, y, X, y, n_seeds=1
    )
    assert result.mean["kmer"]["roc_auc"] == pytest.approx(1.0)
    assert result.seed_pvalues == {} and result.bootstrap == {}
    assert "1 seeds" in str(result)


def test_compare_multiclass_test_set_missing_a_class():
    X = ["AAAAAAAA", "CCCCCCCC", "GGGGGGGG"] * 6
    y = np.array(["a", "c", "g"] * 6)
    result = compare_estimators(
        {"kmer": make_pipeline(KmerEncoder(k=1), LogisticRegression()), "d": DummyClassifier()},
        X,
        y,
        [x for x, c in zip(X, y, strict=True) if c != "g"],
        y[y != "g"],
        n_seeds=2,
        n_bootstrap=100,
    )
    # ROC-AUC over the classes present in y_test, the same in the scores and the bootstrap
    assert result.mean["kmer"]["roc_auc"] == pytest.approx(1.0)
    assert result.y_score["kmer"].shape == (2, 12, 3)
    test = result.bootstrap["kmer", "d"].roc_auc
    assert test.difference == pytest.approx(0.5) and test.pvalue < 0.05


def test_seed_pvalues_edge_cases():
    nan = {"ttest", "wilcoxon"}
    # no difference, or the same difference on every seed: undefined, never evidence
    for a, b in (([1, 2, 3], [1, 2, 3]), ([2, 3, 4, 5, 6], [1, 2, 3, 4, 5]), ([1], [2])):
        p = _seed_pvalues(a, b)
        assert set(p) == nan and all(np.isnan(v) for v in p.values())
    assert np.isnan(_seed_pvalues([0.9, np.nan], [0.8, 0.7])["ttest"])
    p = _seed_pvalues([0.9, 0.91, 0.95, 0.93, 0.92], [0.8, 0.85, 0.83, 0.86, 0.82])
    assert p["ttest"] < 0.01 and p["wilcoxon"] == pytest.approx(0.0625)
    p = _seed_pvalues([0.9, 0.9, 0.95, 0.93, 0.92], [0.9, 0.85, 0.83, 0.86, 0.82])  # one tie
    assert 0 < p["ttest"] < 0.05 and 0 < p["wilcoxon"] <= 1


# ------------------------------------------------------------ McNemar's test
def _binomial_two_sided(k, n):
    """Exact and mid-p McNemar p-values from binomial coefficients, by hand."""
    k = min(k, n - k)
    pmf = [math.comb(n, i) / 2**n for i in range(n + 1)]
    tail = sum(pmf[: k + 1])
    return min(1.0, 2 * tail), min(1.0, 2 * tail - pmf[k])


def test_mcnemar_on_a_hand_computed_table():
    y = np.zeros(10, dtype=int)
    a = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])  # right on 6
    b = np.array([0, 1, 1, 1, 1, 1, 0, 1, 1, 1])  # right on 2
    # both right 1, only a 5, only b 1, both wrong 3: P(X <= 1 | 6, 1/2) = 7/64
    result = mcnemar_test(y, a, b)
    assert (result.n_only_a_correct, result.n_only_b_correct) == (5, 1)
    assert result.pvalue_exact == pytest.approx(14 / 64)
    assert result.pvalue_midp == pytest.approx(8 / 64)
    swapped = mcnemar_test(y, b, a)
    assert (swapped.n_only_a_correct, swapped.n_only_b_correct) == (1, 5)
    assert swapped.pvalue_exact == pytest.approx(14 / 64)


@pytest.mark.parametrize(("only_a", "only_b"), [(0, 7), (3, 3), (12, 2), (20, 9), (1, 0)])
def test_mcnemar_matches_binomial_coefficients(only_a, only_b):
    n_both = 4
    y = np.array(["x"] * (only_a + only_b + n_both))
    a = np.array(["x"] * only_a + ["o"] * only_b + ["x"] * n_both)
    b = np.array(["o"] * only_a + ["x"] * only_b + ["x"] * n_both)
    result = mcnemar_test(list(y), a, b)
    exact, midp = _binomial_two_sided(only_a, only_a + only_b)
    assert result.pvalue_exact == pytest.approx(exact)
    assert result.pvalue_midp == pytest.approx(midp)
    assert result.pvalue_midp <= result.pvalue_exact


def test_mcnemar_identical_predictions_and_strictly_better():
    y = np.arange(40) % 2
    same = mcnemar_test(y, 1 - y, 1 - y)  # no discordant sequence at all
    assert same.pvalue_exact == same.pvalue_midp == 1.0
    better = mcnemar_test(y, y, np.where(np.arange(40) < 20, 1 - y, y))  # a right on 20 more
    assert better.n_only_a_correct == 20 and better.pvalue_exact == pytest.approx(2 / 2**20)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (([0, 1], [0, 1, 1], [0, 1]), ValueError, r"y_pred_a has shape \(3,\)"),
        (([0, 1], [0, 1], [[0, 1], [1, 0]]), ValueError, "one prediction vector"),
        ((["a", "b"], ["a", "b"], [0, 1]), TypeError, "y_pred_b holds numbers but y_true"),
        (([0, 1], [0, None], [0, 1]), ValueError, "y_pred_a"),
        (("01", [0, 1], [0, 1]), ValueError, "y_true"),
    ],
)
def test_mcnemar_rejects_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        mcnemar_test(*args)


# ------------------------------------------------------- paired bootstrap
def _noisy(y, rate, rng, shape=None):
    """Predictions that are right with probability ``rate``."""
    shape = shape or y.shape
    return np.where(rng.rand(*shape) < rate, y, 1 - y)


def test_paired_bootstrap_identical_models():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 100)
    pred = _noisy(y, 0.8, rng, (3, 100))
    score = rng.rand(3, 100)
    result = paired_bootstrap_test(y, pred, pred, y_score_a=score, y_score_b=score)
    assert result.metrics == ("accuracy", "mcc", "roc_auc")
    for m in result.metrics:
        assert result[m].pvalue == 1.0
        assert result[m].ci_low <= 0 <= result[m].ci_high
        assert result[m].difference == 0 and (result[m].distribution == 0).all()


def test_paired_bootstrap_better_model_gives_small_p_and_a_covering_interval():
    rng = np.random.RandomState(1)
    y = np.repeat([0, 1], 200)
    a, b = _noisy(y, 0.9, rng, (2, 400)), _noisy(y, 0.7, rng, (5, 400))
    result = paired_bootstrap_test(y, a, b, n_bootstrap=1000)
    assert result.accuracy.pvalue < 0.01 and result.accuracy.ci_low > 0.1
    assert result.accuracy.pvalue >= 2 / 1001  # never below the resolution
    expected = np.mean([accuracy_score(y, p) for p in a]) - np.mean(
        [accuracy_score(y, p) for p in b]
    )
    assert result.accuracy.difference == pytest.approx(expected)
    assert result.accuracy.ci_low < expected < result.accuracy.ci_high
    reverse = paired_bootstrap_test(y, b, a, n_bootstrap=1000)
    assert reverse.accuracy.difference == pytest.approx(-expected)
    assert reverse.accuracy.pvalue == result.accuracy.pvalue


@pytest.mark.parametrize("n_classes", [2, 3])
def test_paired_bootstrap_resamples_match_sklearn_with_weights(n_classes):
    """Each resampled difference is sklearn's metric with the resample's multiplicities."""
    rng = np.random.RandomState(n_classes)
    n = 60
    y = rng.randint(0, n_classes, n)
    proba = [rng.dirichlet(np.ones(n_classes), size=(runs, n)).round(1) for runs in (2, 1)]
    proba = [p / p.sum(-1, keepdims=True) for p in proba]  # rounded: many ties
    preds = [p.argmax(-1) for p in proba]
    result = paired_bootstrap_test(
        y,
        preds[0],
        preds[1][0],
        y_score_a=proba[0],
        y_score_b=proba[1][0],
        n_bootstrap=20,
        random_state=7,
    )
    weights = _stratified_counts(y, 20, np.random.RandomState(7))
    # within each class the multiplicities add up to the class size
    for c in range(n_classes):
        assert (weights[:, y == c].sum(1) == np.sum(y == c)).all()

    def auc(w, p):
        if n_classes == 2:
            return roc_auc_score(y, p[:, 1], sample_weight=w)
        return roc_auc_score(y, p, sample_weight=w, multi_class="ovr")

    metrics = {
        "accuracy": lambda w, p, s: accuracy_score(y, p, sample_weight=w),
        "mcc": lambda w, p, s: matthews_corrcoef(y, p, sample_weight=w),
        "roc_auc": lambda w, p, s: auc(w, s),
    }
    for m, metric in metrics.items():
        for i, w in enumerate(weights):
            a = np.mean([metric(w, p, s) for p, s in zip(preds[0], proba[0], strict=True)])
            b = metric(w, preds[1][0], proba[1][0])
            assert result[m].distribution[i] == pytest.approx(a - b, abs=1e-12)


def test_paired_bootstrap_p_values_are_not_anti_conservative():
    """Two equally accurate, independent models: p < 0.05 in about 5 % of test sets."""
    rng = np.random.RandomState(2)
    y = np.repeat([0, 1], 100)
    pvalues = [
        paired_bootstrap_test(
            y, _noisy(y, 0.75, rng), _noisy(y, 0.75, rng), n_bootstrap=200, random_state=i
        ).accuracy.pvalue
        for i in range(100)
    ]
    assert 0.0 <= np.mean(np.array(pvalues) < 0.05) <= 0.12
    assert 0.35 < np.median(pvalues) < 0.65


def test_paired_bootstrap_is_seeded_and_leaves_the_input_alone():
    rng = np.random.RandomState(3)
    y = rng.randint(0, 2, 50)
    a, b = _noisy(y, 0.8, rng), _noisy(y, 0.6, rng)
    copies = y.copy(), a.copy(), b.copy()
    first = paired_bootstrap_test(y, a, b, n_bootstrap=50, random_state=0)
    again = paired_bootstrap_test(y, a, b, n_bootstrap=50, random_state=0)
    other = paired_bootstrap_test(y, a, b, n_bootstrap=50, random_state=1)
    np.testing.assert_array_equal(first.mcc.distribution, again.mcc.distribution)
    assert not np.array_equal(first.mcc.distribution, other.mcc.distribution)
    for original, copy in zip((y, a, b), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"y_pred_a": [0, 1, 1]}, ValueError, r"y_pred_a has shape \(3,\)"),
        ({"y_score_a": [0.1, 0.2, 0.3, 0.4]}, ValueError, "both"),
        (
            {"y_score_a": np.zeros((4, 3)), "y_score_b": np.zeros((4, 3))},
            ValueError,
            r"y_score_a has shape \(4, 3\)",
        ),
        (
            {"y_score_a": [0.1, np.nan, 0.3, 0.4], "y_score_b": [0.1, 0.2, 0.3, 0.4]},
            ValueError,
            "NaN",
        ),
        ({"classes": [1, 0]}, ValueError, "must be sorted"),
        ({"classes": ["0", "1"]}, TypeError, "classes holds str"),
        ({"classes": [0, 2]}, ValueError, "label 1, which is not in classes"),
        ({"y_pred_b": ["0", "1", "1", "0"]}, TypeError, "y_pred_b holds str"),
        ({"n_bootstrap": 0}, ValueError, "n_bootstrap"),
        ({"confidence_level": 1.0}, ValueError, "confidence_level"),
    ],
)
def test_paired_bootstrap_rejects_bad_input(kwargs, error, message):
    args = {"y_true": [0, 1, 1, 0], "y_pred_a": [0, 1, 0, 0], "y_pred_b": [1, 1, 0, 0]}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        paired_bootstrap_test(**args)


@pytest.mark.parametrize(
    ("estimators", "kwargs", "error", "message"),
    [
        ({}, {}, TypeError, "non-empty dict"),
        ([DummyClassifier()], {}, TypeError, "must be an instance of 'dict'"),
        ({1: DummyClassifier()}, {}, TypeError, "names must be str"),
        ({"x": object()}, {}, TypeError, "no fit/predict"),
        (
            {"d": DummyClassifier()},
            {"n_seeds": 0},
            ValueError,
            "'n_seeds' parameter of compare_estimators must be an int",
        ),
        ({"d": DummyClassifier()}, {"y_test": [0]}, ValueError, "y_test has 1 labels"),
    ],
)
def test_compare_estimators_rejects_bad_input(estimators, kwargs, error, message):
    args = {"X_train": TINY_X, "y_train": TINY_Y, "X_test": TINY_X, "y_test": TINY_Y}
    args.update({k: kwargs.pop(k) for k in list(kwargs) if k in args})
    with pytest.raises(error, match=message):
        compare_estimators(estimators, **args, **kwargs)
