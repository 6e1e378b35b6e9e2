"""Tests for sklearn_attngen.evaluation."""

import numpy as np
import pytest
import torch
from _saliency_models import TINY_X, TINY_Y, motif_model, single_thread, tiny_attngen
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.evaluation import (
    EstimatorComparison,
    compare_estimators,
    deletion_curve,
    insertion_curve,
    motif_overlap,
    randomization_sanity_check,
    remove_and_retrain,
)
from sklearn_attngen.evaluation._compare import _paired_pvalues
from sklearn_attngen.interpret import attribute
from sklearn_attngen.preprocessing import KmerEncoder
from sklearn_attngen.utils import check_sequences


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    with single_thread():
        yield


@pytest.fixture(scope="module")
def motif():
    data = motif_model()
    data.saliency = attribute(data.clf, data.X_test).scores
    return data


# ---------------------------------------------------------- motif overlap
def test_attention_finds_the_planted_motifs(motif):
    result = motif_overlap(motif.saliency, motif.mask_test)
    assert result.auroc >= 0.9
    assert result.mean_auroc >= 0.9
    assert result.auprc > 2 * result.positive_rate
    assert result.n_evaluated == len(motif.X_test)


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
        ({"baseline": "zero"}, ValueError, "baseline must be one of"),
        ({"n_random": 0}, ValueError, "n_random must be an int >= 1"),
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
    with pytest.raises(TypeError, match="no predict"):
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
    with pytest.raises(TypeError, match="no fit method"):
        remove_and_retrain(object(), X, y, X, y, scores, scores)


# ----------------------------------------------------------- sanity check
def test_full_randomisation_decorrelates_attention(motif):
    X = motif.X_test[:40]
    params = {k: v.clone() for k, v in motif.clf.module_.state_dict().items()}
    rng_state = torch.get_rng_state()
    result = randomization_sanity_check(motif.clf, X, random_state=0)
    assert result.layers[0] == "head" and result.layers[-1] == "stem.0"
    assert len(result.layers) == len(result.spearman) == 11
    # the attention does not read the output layer: randomising it alone changes nothing
    assert result.spearman[0] == pytest.approx(1.0)
    assert abs(result.spearman[-1]) < 0.3
    assert result.spearman_per_sequence.shape == (40, 11)
    np.testing.assert_array_equal(result.original_scores, motif.saliency[:40])
    for key, value in motif.clf.module_.state_dict().items():
        assert torch.equal(value, params[key])
    assert torch.equal(torch.get_rng_state(), rng_state)
    again = randomization_sanity_check(motif.clf, X, random_state=0)
    np.testing.assert_array_equal(result.spearman, again.spearman)


def test_randomisation_with_gradients_and_validation():
    clf = tiny_attngen()
    result = randomization_sanity_check(clf, TINY_X[:6], "input_x_gradient", random_state=0)
    assert result.spearman[0] < 1.0 or result.layers[0] == "head"
    assert result.method == "input_x_gradient"
    with pytest.raises(ValueError, match="method must be one of"):
        randomization_sanity_check(clf, TINY_X, "lime")
    with pytest.raises(ValueError, match="batch_size must be"):
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
    result = compare_estimators(estimators, X, y, X, y, n_seeds=3)
    assert isinstance(result, EstimatorComparison)
    assert result.seeds == [0, 1, 2] and result.names == ["attngen", "kmer", "dummy"]
    assert set(result.pvalues) == {("attngen", "kmer"), ("attngen", "dummy"), ("kmer", "dummy")}
    assert result.scores["kmer"]["accuracy"].shape == (3,)
    assert result.mean["kmer"]["roc_auc"] == pytest.approx(1.0)
    assert result.std["kmer"]["accuracy"] == 0  # no random_state: the same every seed
    assert result.std["dummy"]["accuracy"] > 0  # random_state set per seed
    assert (result.fit_time["attngen"] > 0).all()
    assert not hasattr(estimators["attngen"], "module_")  # cloned
    text = str(result)
    assert "attngen" in text and "kmer vs dummy" in text and "±" in text
    summary = result.to_frame()
    assert list(summary.index) == ["attngen", "kmer", "dummy"]
    assert "accuracy_mean" in summary.columns and "mcc_std" in summary.columns
    assert result.to_frame("pvalues").shape == (3, 6)
    assert result.to_frame("scores").shape == (9, 6)
    with pytest.raises(ValueError, match="kind must be"):
        result.to_frame("everything")


def test_compare_estimators_multiclass_roc_auc():
    X = ["AAAAAAAA", "CCCCCCCC", "GGGGGGGG"] * 6
    y = ["a", "c", "g"] * 6
    result = compare_estimators(
        {"kmer": make_pipeline(KmerEncoder(k=1), LogisticRegression())}, X, y, X, y, n_seeds=1
    )
    assert result.mean["kmer"]["roc_auc"] == pytest.approx(1.0)
    assert result.pvalues == {}
    assert "1 seeds" in str(result)


def test_paired_pvalues_edge_cases():
    assert _paired_pvalues([1, 2, 3], [1, 2, 3]) == {"ttest": 1.0, "wilcoxon": 1.0}
    assert _paired_pvalues([2, 3, 4, 5, 6], [1, 2, 3, 4, 5])["ttest"] == 0.0
    assert np.isnan(_paired_pvalues([1], [2])["ttest"])
    p = _paired_pvalues([0.9, 0.91, 0.95, 0.93, 0.92], [0.8, 0.85, 0.83, 0.86, 0.82])
    assert p["ttest"] < 0.01 and p["wilcoxon"] == pytest.approx(0.0625)


@pytest.mark.parametrize(
    ("estimators", "kwargs", "error", "message"),
    [
        ({}, {}, TypeError, "non-empty dict"),
        ([DummyClassifier()], {}, TypeError, "non-empty dict"),
        ({1: DummyClassifier()}, {}, TypeError, "names must be str"),
        ({"x": object()}, {}, TypeError, "no fit/predict"),
        ({"d": DummyClassifier()}, {"n_seeds": 0}, ValueError, "n_seeds must be"),
        ({"d": DummyClassifier()}, {"y_test": [0]}, ValueError, "y_test has 1 labels"),
    ],
)
def test_compare_estimators_rejects_bad_input(estimators, kwargs, error, message):
    args = {"X_train": TINY_X, "y_train": TINY_Y, "X_test": TINY_X, "y_test": TINY_Y}
    args.update({k: kwargs.pop(k) for k in list(kwargs) if k in args})
    with pytest.raises(error, match=message):
        compare_estimators(estimators, **args, **kwargs)
