"""Behaviour of AttnGenClassifier and CNNBaselineClassifier on tiny data.

Every model here is tiny (8 filters, one residual block, a few dozen sequences
of 20-40 nt, 1-8 epochs). Most of the run time is torch importing its compiler on
the first optimizer and the two GridSearchCV worker processes doing the same.
"""

import io
import pickle
import random
import re
from functools import partial

import _planted
import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier, SequenceEncoder
from sklearn_attngen._modules import Exp
from sklearn_attngen.callbacks import mask_fraction_at
from sklearn_attngen.exceptions import TrainingDivergedError
from sklearn_attngen.preprocessing import codes_to_one_hot, encode_sequences
from sklearn_attngen.utils import check_sequences, pad_codes

TINY = {"n_filters": 8, "n_blocks": 1, "attention_size": 8, "n_heads": 2, "batch_size": 16}
N_CODE = 4
# GATAAG ("gata") in the even sequences here, CCCGGG ("ccg") in the odd ones
planted = partial(_planted.planted, motifs=("gata", "ccg"))


def tiny(**params):
    return AttnGenClassifier(**{**TINY, "max_epochs": 2, "random_state": 0, **params})


# enough to learn the planted motifs of `planted` (the motif position is random, so
# a positional embedding only slows learning on 60 sequences)
LEARN = {"max_epochs": 8, "lr": 2e-2, "positional": False}


@pytest.fixture(scope="module")
def data():
    return planted(48, seed=0)


@pytest.fixture(scope="module")
def fitted(data):
    """A binary model with string labels, trained well enough to be right."""
    X, y = data
    return tiny(**LEARN).fit(X, y)


@pytest.fixture(scope="module")
def ragged():
    """Variable-length training data (20-40 nt) and a model fitted on it."""
    X, y = planted(48, length=40, min_length=20, seed=3)
    return X, y, tiny(max_epochs=2).fit(X, y)


# ------------------------------------------------------------------ labels
@pytest.mark.parametrize(
    ("motifs", "labels"),
    [
        (("gata", "ccg"), ("yes", "no")),
        (("gata", "ccg"), (7, -3)),
        (("gata", "ccg", "tata"), ("gata", "ccg", "tata")),
        (("gata", "ccg", "tata"), (30, 10, 20)),
    ],
    ids=["binary-str", "binary-int", "multi-str", "multi-int"],
)
def test_labels_proba_score_and_learning(motifs, labels):
    X, y = planted(60, motifs=motifs, labels=labels, seed=1)
    X_test, y_test = planted(60, motifs=motifs, labels=labels, seed=2)
    clf = tiny(**LEARN).fit(X, y)

    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    assert clf.classes_.dtype.kind == y.dtype.kind
    y_pred = clf.predict(X_test)
    assert y_pred.dtype.kind == y.dtype.kind
    assert set(y_pred) <= set(labels)

    proba = clf.predict_proba(X_test)
    assert proba.shape == (60, len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    # columns follow classes_: the argmax column is the predicted label
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], y_pred)
    assert clf.score(X_test, y_test) == accuracy_score(y_test, y_pred)
    for k, label in enumerate(clf.classes_):  # column k belongs to classes_[k]
        assert proba[y_test == label, k].mean() > proba[y_test != label, k].mean()

    # the planted motif is learnable: held-out accuracy clearly above chance
    chance = 1 / len(labels)
    assert clf.score(X_test, y_test) > chance + 0.25


def test_proba_columns_follow_classes_order(fitted):
    """Column k of predict_proba is the probability of classes_[k]."""
    X, y = planted(40, seed=7)
    proba = fitted.predict_proba(X)
    for k, label in enumerate(fitted.classes_):
        assert proba[y == label, k].mean() > 0.7
        assert proba[y != label, k].mean() < 0.3


# ------------------------------------------------------------ input forms
def test_input_forms_give_identical_predictions(fitted, data):
    X, _ = data
    codes, _ = encode_sequences(X)
    forms = {
        "list": X,
        "ndarray": np.array(X),
        "object ndarray": np.array(X, dtype=object),
        "Series": pd.Series(X, index=np.arange(100, 100 + len(X))),
        "lower case": [s.lower() for s in X],
        "one-hot": codes_to_one_hot(codes),
        "one-hot (n, 4, L)": codes_to_one_hot(codes, layout="NCL"),
        "codes": codes,
    }
    reference = fitted.predict_proba(X)
    reference_saliency = fitted.saliency(X)
    for name, X_form in forms.items():
        np.testing.assert_array_equal(fitted.predict_proba(X_form), reference, err_msg=name)
        np.testing.assert_array_equal(fitted.saliency(X_form), reference_saliency, err_msg=name)
        np.testing.assert_array_equal(fitted.predict(X_form), fitted.predict(X), err_msg=name)


def test_rna_alphabet(fitted, data):
    X, y = data
    rna = [s.replace("T", "U") for s in X]
    as_rna = clone(fitted).set_params(alphabet="RNA")
    np.testing.assert_array_equal(
        as_rna.fit(rna, y).predict_proba(rna), clone(fitted).fit(X, y).predict_proba(X)
    )
    with pytest.raises(ValueError, match=r"X\[0\]: invalid character 'T'.*A, C, G, U"):
        as_rna.predict(X)


def test_predict_log_proba(fitted, data):
    X, _ = data
    np.testing.assert_allclose(
        np.exp(fitted.predict_log_proba(X)), fitted.predict_proba(X), rtol=1e-6
    )


def test_fit_on_one_hot_equals_fit_on_strings(data):
    X, y = data
    one_hot = codes_to_one_hot(encode_sequences(X)[0])
    a = tiny().fit(X, y)
    b = tiny().fit(one_hot, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(one_hot))


def test_padding_does_not_change_predictions(ragged):
    """A sequence gives the same output alone as beside longer (padded) ones."""
    X, _, clf = ragged
    short = int(np.argmin([len(s) for s in X]))
    alone_proba = clf.predict_proba([X[short]])
    alone_saliency = clf.saliency([X[short]])
    np.testing.assert_allclose(clf.predict_proba(X)[short], alone_proba[0], atol=1e-5)
    np.testing.assert_allclose(
        clf.saliency(X)[short, : len(X[short])], alone_saliency[0], atol=1e-6
    )


# --------------------------------------------------------------- saliency
def test_saliency_on_variable_length_input(ragged):
    X, _, clf = ragged
    assert clf.n_positions_ == max(len(s) for s in X)
    X_sub = [s for s in X if len(s) < clf.n_positions_][:10]
    lengths = np.array([len(s) for s in X_sub])
    assert lengths.max() < clf.n_positions_ and lengths.min() < lengths.max()

    saliency = clf.saliency(X_sub)
    assert saliency.shape == (len(X_sub), lengths.max())
    real = np.arange(lengths.max())[None, :] < lengths[:, None]
    assert np.all(saliency[~real] == 0)
    assert np.all(saliency[real] >= 0)
    signed = clf.saliency(X_sub, signed=True)
    np.testing.assert_array_equal(np.abs(signed), saliency)
    assert (signed[real] < 0).any() and (signed[real] > 0).any()
    attention = clf.attention(X_sub)
    assert np.all(attention[~real] == 0)
    np.testing.assert_allclose(attention.sum(axis=1), 1, rtol=1e-5)


def test_saliency_is_input_x_gradient_through_the_value_path(fitted, data):
    """The map equals autograd's input x gradient of the centred logit, attention detached."""
    X, _ = data
    codes, lengths = encode_sequences(X[:6])
    module = fitted.module_.eval()
    x = torch.from_numpy(codes_to_one_hot(codes, layout="NCL")).requires_grad_(True)
    logits, _ = module.forward_one_hot(x, torch.from_numpy(lengths), fixed_attention=True)
    centred = logits - logits.mean(dim=1, keepdim=True)
    explained = centred.gather(1, logits.argmax(dim=1, keepdim=True)).sum()
    (gradient,) = torch.autograd.grad(explained, x)
    expected = (gradient * x).sum(dim=1).detach().numpy()
    np.testing.assert_allclose(fitted.saliency(X[:6], signed=True), expected, rtol=1e-5, atol=1e-7)
    # another target explains the other class: for two classes, the opposite sign
    other = fitted.classes_[1 - logits.argmax(dim=1).numpy()]
    np.testing.assert_allclose(
        fitted.saliency(X[:6], target=other, signed=True), -expected, rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    ("batch_size", "epochs"),
    [(16, 4), (8, 3), (4, 2)],  # 3, 6, 12 steps an epoch: capped, for 15 steps, the floor
)
def test_max_epochs_auto_trains_small_data_for_enough_steps(monkeypatch, batch_size, epochs):
    from sklearn_attngen import _base

    monkeypatch.setattr(_base, "AUTO_EPOCHS", 2)
    monkeypatch.setattr(_base, "AUTO_MIN_STEPS", 15)
    monkeypatch.setattr(_base, "AUTO_MAX_EPOCHS", 4)
    X, y = planted(48, seed=0)
    # on strand-symmetric data (the strand test's answer, set here)
    monkeypatch.setattr(_base.BaseDNANet, "_test_strands", lambda self, *data: True)
    clf = tiny(max_epochs="auto", batch_size=batch_size).fit(X, y)
    assert len(clf.history) == epochs
    assert dict(clf.callbacks_)["lr_schedule"].lr_scheduler_.T_max == epochs  # cosine spans them
    clf.partial_fit(X, y)  # a chunk says nothing of the data's size: the base count
    assert len(clf.history) == epochs + 2
    # on strand-specific data, or where the test did not run: the base count
    for answer in (False, None):
        monkeypatch.setattr(
            _base.BaseDNANet, "_test_strands", lambda self, *data, answer=answer: answer
        )
        assert len(tiny(max_epochs="auto", batch_size=batch_size).fit(X, y).history) == 2


def test_positional_start_drawn_or_zero():
    from sklearn_attngen._modules import AttnGenNet

    torch.manual_seed(0)
    drawn = AttnGenNet(2, 200, n_filters=16, positional=True).position.weight
    assert abs(drawn.std().item() - 1) < 0.05  # N(0, 1), as in 0.1
    assert not AttnGenNet(2, 200, n_filters=16, positional="zeros").position.weight.any()
    assert AttnGenNet(2, 200, n_filters=16, positional=False).position is None
    X, y = planted(16, seed=0)
    with pytest.raises(ValueError, match="positional"):
        tiny(positional="ones").fit(X, y)


def test_saliency_attribute(ragged):
    X, _, clf = ragged
    clf.saliency(X[:3])  # computes input gradients only, and leaves the parameters trainable
    assert all(p.requires_grad for p in clf.module_.parameters())
    assert clf.saliency_.shape == (clf.n_positions_,)
    assert np.all(np.isfinite(clf.saliency_))
    assert np.all(clf.saliency_ >= 0)
    # the mean saliency of each position over the training sequences that reach it
    lengths = np.array([len(s) for s in X])
    saliency = clf.saliency(X)
    reach = np.arange(clf.n_positions_)[None, :] < lengths[:, None]
    expected = saliency.sum(axis=0) / reach.sum(axis=0)
    np.testing.assert_allclose(clf.saliency_, expected, rtol=1e-4, atol=1e-7)


def test_saliency_attribute_on_many_sequences_averages_evenly_spaced_rows(monkeypatch):
    from sklearn_attngen import _attngen

    monkeypatch.setattr(_attngen, "SALIENCY_PROFILE_SEQUENCES", 7)
    X, y = planted(48, length=40, min_length=20, seed=3)
    clf = tiny(max_epochs=1).fit(X, y)
    rows = [0, 8, 16, 24, 31, 39, 47]  # 7 evenly spaced of 48, rounded
    subset = [X[i] for i in rows]
    lengths = np.array([len(s) for s in subset])
    reach = np.arange(clf.n_positions_)[None, :] < lengths[:, None]
    saliency = clf.saliency(subset)  # as wide as the longest of the subset
    total = np.zeros(clf.n_positions_)
    total[: saliency.shape[1]] = saliency.sum(axis=0)
    expected = total / np.maximum(reach.sum(axis=0), 1)
    np.testing.assert_allclose(clf.saliency_, expected, rtol=1e-4, atol=1e-7)


def test_saliency_points_at_the_planted_motif(fitted):
    X, _ = planted(40, seed=11)
    saliency = fitted.saliency(X)
    mass, hits = [], []
    for seq, row in zip(X, saliency, strict=True):
        start = max(seq.find("GATAAG"), seq.find("CCCGGG"))
        mass.append(row[start : start + 6].sum())
        hits.append(start - 2 <= row.argmax() < start + 8)
    share = np.array(mass) / saliency.sum(axis=1)
    assert np.mean(share) > 1.25 * 6 / 30  # above the motif's share of a uniform map
    assert np.mean(hits) > 0.5  # the peak is on the motif (+-2 nt): chance is 10/30


def test_exponential_stem_learns_and_explains():
    """stem_activation="exp" builds the exponential first layer, learns and gives finite maps."""
    X, y = planted(60, seed=3)
    clf = tiny(stem_activation="exp", **LEARN).fit(X, y)
    assert isinstance(clf.module_.stem[2], Exp)
    assert clf.score(X, y) > 0.9
    assert np.all(np.isfinite(clf.saliency(X)))


# ------------------------------------------------------- reproducibility
def test_same_seed_same_model_different_seed_different_model(data):
    X, y = data
    a, b = tiny(random_state=1).fit(X, y), tiny(random_state=1).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.saliency(X), b.saliency(X))
    np.testing.assert_array_equal(a.saliency_, b.saliency_)
    c = tiny(random_state=2).fit(X, y)
    assert not np.allclose(a.predict_proba(X), c.predict_proba(X))
    assert not np.allclose(a.saliency(X), c.saliency(X))


def test_random_state_instance_is_accepted(data):
    X, y = data
    a = tiny(random_state=np.random.RandomState(5)).fit(X, y)
    b = tiny(random_state=np.random.RandomState(5)).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize("random_state", [0, None, "instance"])
def test_fit_leaves_global_rng_state_alone(data, random_state):
    X, y = data
    if random_state == "instance":
        random_state = np.random.RandomState(0)
    # the legacy global numpy RNG is what callers' code still seeds
    torch.manual_seed(123)
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()  # noqa: NPY002
    py_state = random.getstate()

    clf = tiny(max_epochs=1, random_state=random_state, dropout=0.5).fit(X, y)
    clf.partial_fit(X, y)
    clf.predict_proba(X)

    assert torch.equal(torch.get_rng_state(), torch_state)
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == np_state[0]
    np.testing.assert_array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]
    assert random.getstate() == py_state


# ------------------------------------------------------ sklearn integration
@pytest.mark.slow  # two worker processes: about 5 s of start-up
def test_grid_search_in_parallel_on_strings(data):
    X, y = data
    grid = {"mask_fraction": [0.0, 0.1]}
    params = {"cv": 2, "error_score": "raise"}
    estimator = tiny(max_epochs=1, mask_warmup=0)
    parallel = GridSearchCV(estimator, grid, n_jobs=2, **params).fit(X, y)
    sequential = GridSearchCV(estimator, grid, **params).fit(X, y)
    # worker processes fit the same models as this one (random_state is fixed)
    np.testing.assert_array_equal(
        parallel.cv_results_["mean_test_score"], sequential.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(parallel.predict_proba(X), sequential.predict_proba(X))


def test_grid_search_over_routed_and_network_params(data):
    X, y = data
    search = GridSearchCV(
        tiny(max_epochs=1),
        {"optimizer__weight_decay": [0.0, 0.3], "n_filters": [4, 8], "dropout": [0.5]},
        cv=2,
        error_score="raise",
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    # the routed and plain parameters reach the optimizer and the network
    assert best.optimizer_.param_groups[0]["weight_decay"] == best.optimizer__weight_decay
    assert best.module_.stem[0].out_channels == search.best_params_["n_filters"]
    assert best.module_.dropout.p == 0.5


def test_routed_module_parameter_may_not_shadow_its_estimator_parameter(data):
    X, y = data
    with pytest.raises(ValueError, match=r"module__dropout and dropout both set"):
        tiny(module__dropout=0.5).fit(X, y)


def test_pipeline_with_sequence_encoder(data):
    X, y = data
    pipe = Pipeline([("enc", SequenceEncoder()), ("clf", tiny())]).fit(X, y)
    assert pipe.predict(X).dtype.kind == "U"
    assert set(pipe.predict(X)) <= set(y)
    # one-hot through the encoder is the same model as strings given directly
    direct = tiny().fit(X, y)
    np.testing.assert_array_equal(pipe.predict_proba(X), direct.predict_proba(X))


def test_cross_val_score(data):
    X, y = data
    scores = cross_val_score(tiny(**LEARN), X, y, cv=3, error_score="raise")
    assert scores.shape == (3,)
    assert np.all((scores >= 0) & (scores <= 1))
    assert scores.mean() > 0.6


def test_clone_round_trip(fitted):
    params = fitted.get_params(deep=False)
    cloned = clone(fitted)
    assert cloned.get_params(deep=False).keys() == params.keys()
    for name, value in cloned.get_params(deep=False).items():
        assert value is params[name] or value == params[name], name
    with pytest.raises(NotFittedError):
        cloned.predict(["ACGT" * 5])
    assert not hasattr(cloned, "module_") or not cloned.initialized_

    routed = clone(tiny(optimizer__weight_decay=0.25, n_filters=4))
    assert routed.get_params()["optimizer__weight_decay"] == 0.25
    assert routed.get_params()["n_filters"] == 4
    routed.set_params(n_filters=6)
    X, y = planted(20)
    assert routed.fit(X, y).module_.stem[0].out_channels == 6
    assert routed.optimizer_.param_groups[0]["weight_decay"] == 0.25


def _same_outputs(a, b, X):
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.saliency(X), b.saliency(X))
    np.testing.assert_array_equal(a.saliency_, b.saliency_)
    np.testing.assert_array_equal(a.classes_, b.classes_)
    assert a.n_positions_ == b.n_positions_


def test_pickle_round_trip(ragged):
    X, _, clf = ragged
    _same_outputs(clf, pickle.loads(pickle.dumps(clf)), X)


def test_joblib_round_trip(ragged):
    X, _, clf = ragged
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    buffer.seek(0)
    _same_outputs(clf, joblib.load(buffer), X)


# --------------------------------------------------- warm start, partial_fit
def test_warm_start_continues_training(data):
    X, y = data
    clf = tiny(max_epochs=1, warm_start=True).fit(X, y)
    first = {k: v.clone() for k, v in clf.module_.state_dict().items()}
    module = clf.module_
    clf.fit(X, y)
    assert len(clf.history_) == 2
    assert clf.module_ is module  # same network, trained further
    # each fit starts its learning-rate schedule at the peak again
    assert clf.history_[:, "event_lr"] == [clf.lr, clf.lr]
    assert not torch.equal(first["head.weight"], clf.module_.state_dict()["head.weight"])

    cold = tiny(max_epochs=1).fit(X, y)
    cold.fit(X, y)
    assert len(cold.history_) == 1


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_set_params_reaches_the_next_training_call(data, how):
    # regression: the masking schedule and the cosine's T_max were frozen into the
    # callbacks when the network was first initialised
    X, y = data
    clf = tiny(max_epochs=1, warm_start=how == "warm_start").fit(X, y)
    assert clf.history_[-1, "mask_fraction"] == 0
    clf.set_params(mask_fraction=0.5, mask_warmup=0, mask_ramp=0, max_epochs=4)
    clf.fit(X, y) if how == "warm_start" else clf.partial_fit(X, y)
    assert clf.history_[1:, "mask_fraction"] == [0.5] * 4
    # one cosine over the 4 epochs of this call, from the peak
    expected = [clf.lr * (1 + np.cos(np.pi * e / 4)) / 2 for e in range(4)]
    np.testing.assert_allclose(clf.history_[1:, "event_lr"], expected, rtol=1e-6)


def test_set_params_lr_reaches_the_next_training_call(data):
    X, y = data
    clf = tiny(max_epochs=2, warm_start=True).fit(X, y)
    clf.set_params(lr=0.5e-3)
    clf.fit(X, y)
    assert clf.history_[2, "event_lr"] == pytest.approx(0.5e-3)


def test_partial_fit_with_classes_on_first_call():
    X, y = planted(30, motifs=("gata", "ccg", "tata"), labels=("a", "b", "c"))
    first = y != "c"
    clf = tiny(max_epochs=1)
    clf.partial_fit(
        [s for s, keep in zip(X, first, strict=True) if keep], y[first], classes=["c", "a", "b"]
    )
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.predict_proba(X).shape == (30, 3)
    clf.partial_fit(X, y)
    assert len(clf.history_) == 2
    assert set(clf.predict(X)) <= {"a", "b", "c"}

    with pytest.raises(ValueError, match=r"'z' is not one of the classes"):
        clf.partial_fit(X[:2], ["a", "z"])


def test_partial_fit_without_classes_needs_two_classes():
    X, _ = planted(10)
    with pytest.raises(ValueError, match="single class"):
        tiny().partial_fit(X, ["a"] * 10)


# ----------------------------------------------------------------- masking
def _record_masking(monkeypatch):
    calls = []
    original = AttnGenClassifier._mask_lowest_attention

    def spy(self, Xi, p):
        masked = original(self, Xi, p)
        calls.append((p, Xi["codes"].numpy().copy(), Xi["lengths"].numpy().copy(), masked.numpy()))
        return masked

    monkeypatch.setattr(AttnGenClassifier, "_mask_lowest_attention", spy)
    return calls


def _record_training_inputs(monkeypatch):
    """Codes the network is trained on (forward passes in training mode)."""
    inputs = []
    original = AttnGenClassifier.infer

    def spy(self, x, **fit_params):
        if self.module_.training:
            inputs.append(x["codes"].numpy().copy())
        return original(self, x, **fit_params)

    monkeypatch.setattr(AttnGenClassifier, "infer", spy)
    return inputs


def test_masking_schedule_is_recorded_and_applied(monkeypatch):
    X, y = planted(40, length=40, min_length=20, seed=5)  # 3 batches of <= 16
    calls = _record_masking(monkeypatch)
    inputs = _record_training_inputs(monkeypatch)
    clf = tiny(mask_fraction=0.2, mask_warmup=0, mask_ramp=1, max_epochs=2).fit(X, y)

    schedule = [
        [mask_fraction_at(e, b, 3, mask_fraction=0.2, mask_warmup=0, mask_ramp=1) for b in range(3)]
        for e in range(2)
    ]
    np.testing.assert_allclose(clf.history_[:, "mask_fraction"], np.mean(schedule, axis=1))
    assert clf.history_[-1, "mask_fraction"] == pytest.approx(0.2)

    # the training step masked every batch with p > 0, with that p
    assert [c[0] for c in calls] == [p for row in schedule for p in row if p > 0]
    for p, codes, lengths, masked in calls:
        n_masked = (masked == N_CODE).sum(axis=1) - (codes == N_CODE).sum(axis=1)
        expected = np.floor(np.float32(p) * lengths.astype(np.float32))
        np.testing.assert_array_equal(n_masked, expected)
        real = np.arange(codes.shape[1])[None, :] < lengths[:, None]
        # only real positions are touched, and only by setting them to N
        changed = masked != codes
        assert not changed[~real].any()
        assert np.all(masked[changed] == N_CODE)

    # the network was trained on the masked batches (and only on them once p > 0)
    assert len(inputs) == 6
    masked_batches = iter(c[3] for c in calls)
    for p, codes in zip((p for row in schedule for p in row), inputs, strict=True):
        if p > 0:
            np.testing.assert_array_equal(codes, next(masked_batches))


def test_masking_replaces_the_lowest_attention_positions(ragged):
    X, _, clf = ragged
    codes, lengths = encode_sequences(X[:12])
    codes = pad_codes(codes, clf.n_positions_)
    assert not (codes[np.arange(codes.shape[1])[None, :] < lengths[:, None]] == N_CODE).any()
    masked = clf._mask_lowest_attention(
        {"codes": torch.from_numpy(codes), "lengths": torch.from_numpy(lengths)}, 0.25
    ).numpy()
    clf.module_.eval()
    with torch.no_grad():
        attention = clf.module_(torch.from_numpy(codes), torch.from_numpy(lengths))[1].numpy()
    for row, length in enumerate(lengths):
        hit = masked[row, :length] == N_CODE
        assert hit.sum() == length // 4
        assert attention[row, :length][hit].max() <= attention[row, :length][~hit].min()


def test_masking_changes_the_model(data):
    X, y = data
    params = {"mask_warmup": 0, "mask_ramp": 0, "max_epochs": 2}
    plain = tiny(**params).fit(X, y).predict_proba(X)
    masked = tiny(mask_fraction=0.3, **params).fit(X, y)
    consistent = tiny(mask_fraction=0.3, mask_consistency=1.0, **params).fit(X, y)
    assert np.all(np.isfinite(consistent.history_[:, "train_loss"]))
    assert not np.allclose(plain, masked.predict_proba(X))
    assert not np.allclose(masked.predict_proba(X), consistent.predict_proba(X))


def test_mask_fraction_at_warmup_ramp_and_batches():
    schedule = {"mask_fraction": 0.2, "mask_warmup": 2, "mask_ramp": 2}
    # warm-up: nothing masked, to the last batch
    assert mask_fraction_at(0, 0, 10, **schedule) == 0
    assert mask_fraction_at(1, 9, 10, **schedule) == 0
    # linear ramp, batch by batch
    assert mask_fraction_at(2, 0, 10, **schedule) == 0
    assert mask_fraction_at(2, 5, 10, **schedule) == pytest.approx(0.2 * 0.5 / 2)
    assert mask_fraction_at(3, 0, 10, **schedule) == pytest.approx(0.1)
    within = [mask_fraction_at(3, b, 10, **schedule) for b in range(10)]
    assert np.all(np.diff(within) > 0)
    # then constant
    assert mask_fraction_at(4, 0, 10, **schedule) == pytest.approx(0.2)
    assert mask_fraction_at(40, 7, 10, **schedule) == pytest.approx(0.2)
    # no ramp: full fraction as soon as the warm-up ends
    no_ramp = {**schedule, "mask_ramp": 0}
    assert mask_fraction_at(1, 9, 10, **no_ramp) == 0
    assert mask_fraction_at(2, 0, 10, **no_ramp) == 0.2
    # no masking, and a degenerate batch count
    assert mask_fraction_at(9, 3, 10, **{**schedule, "mask_fraction": 0.0}) == 0
    assert mask_fraction_at(5, 0, 0, **schedule) == pytest.approx(0.2)


def test_no_masking_during_warmup(monkeypatch, data):
    X, y = data
    calls = _record_masking(monkeypatch)
    clf = tiny(mask_fraction=0.2, mask_warmup=2, max_epochs=2).fit(X, y)
    assert calls == []
    assert list(clf.history_[:, "mask_fraction"]) == [0.0, 0.0]


# ------------------------------------------------------------------ errors
def test_fit_errors(data):
    X, y = data
    with pytest.raises(ValueError, match=r"single class \('gata'\)"):
        tiny().fit(X, ["gata"] * len(X))
    with pytest.raises(ValueError, match=f"X has {len(X)} sequences but y has {len(X) - 1}"):
        tiny().fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"2-D float64 array.*not DNA"):
        tiny().fit(np.random.default_rng(0).random((10, 30)), [0, 1] * 5)
    with pytest.raises(ValueError, match=r"X\[1\]: invalid character 'X' at position 2"):
        tiny().fit(["ACGT", "ACXT"], [0, 1])
    with pytest.raises(ValueError, match="X is empty"):
        tiny().fit([], [])


def test_predict_errors(fitted, data):
    X, _ = data
    before = fitted.predict_proba(X)
    longer = ["A" * (fitted.n_positions_ + 1)]
    for method in (fitted.predict, fitted.predict_proba, fitted.saliency):
        with pytest.raises(ValueError, match=r"length 31, longer than the 30 positions"):
            method(longer)
        with pytest.raises(ValueError, match="invalid character 'U'"):
            method(["ACGU"])
        with pytest.raises(ValueError, match="X is empty"):
            method([])
        with pytest.raises(ValueError, match="2-D float64"):
            method(np.zeros((2, 30)))
    # the failed calls changed nothing
    np.testing.assert_array_equal(fitted.predict_proba(X), before)


def test_cuda_without_cuda_is_a_clear_error(data):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ValueError, match=r"device='cuda', but torch sees no CUDA device"):
        tiny(device="cuda").fit(*data)


def test_exploding_finite_loss_stops_the_fit(data):
    X, y = data
    clf = tiny(lr=1e3, max_epochs=3)
    with pytest.raises(TrainingDivergedError, match="exploded") as info:
        clf.fit(X, y)
    assert np.isfinite(clf.history_[-1, "train_loss"])  # finite, yet no model
    assert info.value.epoch == len(clf.history_)
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_warm_start_and_partial_fit_reject_longer_sequences(data):
    X, y = data
    longer = ["A" * 31, "C" * 31]
    clf = tiny(max_epochs=1, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="longer than the 30 positions"):
        clf.fit(longer, ["gata", "ccg"])
    with pytest.raises(ValueError, match="longer than the 30 positions"):
        clf.partial_fit(longer, ["gata", "ccg"])


# ---------------------------------------------------------------- verbose
def test_verbose_levels(data, capsys):
    X, y = data
    tiny(max_epochs=1, verbose=0).fit(X, y).predict(X)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""

    tiny(max_epochs=2, verbose=1).fit(X, y)
    captured = capsys.readouterr()
    assert "train_loss" in captured.out and "mask_fraction" in captured.out
    assert "it/s" not in captured.err + captured.out

    tiny(max_epochs=2, verbose=2).fit(X, y)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert re.search(r"\d/3 \[", output)  # a per-batch bar: 48 sequences in batches of 16
    assert "train_loss" in output


# ------------------------------------------------------------ CNN baseline
def test_cnn_baseline(data):
    X, y = data  # 30 nt: shorter than the 57 positions the GB CNN layers need
    clf = CNNBaselineClassifier(embedding_dim=8, max_epochs=2, batch_size=16, random_state=0)
    clf.fit(X, y)
    assert clf.n_positions_ == 30
    y_pred = clf.predict(X)
    assert y_pred.dtype.kind == "U" and set(y_pred) <= set(y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], y_pred)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), proba)
    again = CNNBaselineClassifier(embedding_dim=8, max_epochs=2, batch_size=16, random_state=0)
    np.testing.assert_array_equal(again.fit(X, y).predict_proba(X), proba)
    with pytest.raises(ValueError, match="longer than the 30 positions"):
        clf.predict(["A" * 31])


def test_cnn_baseline_int_labels_and_long_sequences():
    X, _ = planted(24, length=80, seed=4)
    y = np.array([5, 9] * 12)
    clf = CNNBaselineClassifier(embedding_dim=4, max_epochs=1, batch_size=8, random_state=0)
    assert set(clf.fit(X, y).predict(X)) <= {5, 9}
    assert clf.predict(X[:3]).dtype.kind == "i"


# ------------------------------------------------------------ batch shuffling
def test_class_sorted_data_still_learns():
    # skorch does not shuffle training batches by default: on a file sorted by
    # class (UCI splice is) every batch held one class and the model predicted
    # the majority class (52 % on splice). The package shuffles by default.
    X, y = planted(96, seed=3)
    order = np.argsort(y, kind="stable")
    X_sorted, y_sorted = [X[i] for i in order], y[order]
    clf = tiny(**LEARN, batch_size=16).fit(X_sorted, y_sorted)
    X_test, y_test = planted(60, seed=4)
    assert clf.score(X_test, y_test) >= 0.8
    assert clf.get_params()["iterator_train__shuffle"] is True


class _MeanPoolNet(torch.nn.Module):
    """A custom module with only forward(codes, lengths): no one-hot entry point."""

    def __init__(self, n_outputs, max_length):
        super().__init__()
        self.max_length = max_length
        self.embed = torch.nn.Embedding(5, 4)
        self.head = torch.nn.Linear(4, n_outputs)

    def forward(self, codes, lengths):
        real = (torch.arange(codes.shape[1]) < lengths[:, None]).float()
        pooled = (self.embed(codes.long()) * real[..., None]).sum(1) / lengths[:, None]
        return self.head(pooled), real / real.sum(dim=1, keepdim=True)


def test_custom_module_without_forward_one_hot(data):
    """It fits and predicts; saliency says what the module lacks; the attention still works."""
    X, y = data
    clf = AttnGenClassifier(module=_MeanPoolNet, max_epochs=1, verbose=0, random_state=0).fit(X, y)
    assert clf.predict(X).shape == (len(X),)
    assert not hasattr(clf, "saliency_")
    assert clf.attention(X[:2]).shape[0] == 2
    with pytest.raises(TypeError, match="saliency needs the module to define forward_one_hot"):
        clf.saliency(X[:2])


def test_folded_network_is_the_same_function(fitted):
    """saliency runs on a copy with batch norm folded into the convolutions: same outputs."""
    X, _ = planted(20, seed=5)
    codes, lengths = (torch.as_tensor(a) for a in check_sequences(X))
    module = fitted.module_.eval()
    folded = module.folded()
    with torch.no_grad():
        expected, attention = module(codes, lengths)
        got, got_attention = folded(codes, lengths)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got_attention, attention, rtol=1e-5, atol=1e-6)
    assert isinstance(module.stem[1], torch.nn.BatchNorm1d)  # the fitted network is untouched
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in folded.modules())
    # a network without batch norm (e.g. a subclass that removed it) folds to itself
    again = folded.folded()
    with torch.no_grad():
        torch.testing.assert_close(again(codes, lengths)[0], got)


def test_early_stopping_stops_and_keeps_the_best_epoch():
    from sklearn.model_selection import StratifiedShuffleSplit

    rng = np.random.default_rng(0)
    X = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(200)]
    y = rng.integers(0, 2, 200)  # no signal: the validation loss soon stops falling
    clf = tiny(
        early_stopping=True,
        n_iter_no_change=2,
        max_epochs=40,
        mixed_precision=None,
        lr=1e-2,
        strand_average=False,  # the validation loss is the forward strand's
    ).fit(X, y)
    valid_loss = clf.history[:, "valid_loss"]
    assert len(valid_loss) < 40
    best = int(np.argmin(valid_loss))
    assert len(valid_loss) == best + 1 + 2  # stopped after 2 epochs without a new best
    # the weights are the best epoch's: its validation loss, on the held-out tenth
    split = StratifiedShuffleSplit(n_splits=1, test_size=0.1, random_state=0)
    rows = next(split.split(np.arange(200), y))[1]
    proba = clf.predict_proba([X[i] for i in rows])
    loss = -np.mean(np.log(proba[np.arange(len(rows)), y[rows]]))
    assert loss == pytest.approx(valid_loss[best], rel=1e-5)
    # the callback's copy of the best weights is not kept (pickles stay one model large)
    assert dict(clf.callbacks_)["early_stopping"].best_model_weights_ is None
    # seeded: the same random_state holds out the same rows and trains alike
    again = clone(clf).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_early_stopping_errors_name_the_problem():
    X, y = planted(16, seed=0)
    from skorch.dataset import ValidSplit

    with pytest.raises(ValueError, match="leave train_split None"):
        tiny(early_stopping=True, train_split=ValidSplit(0.2)).fit(X, y)
    with pytest.raises(ValueError, match=r"validation_fraction=0\.1 of the 6 training sequences"):
        tiny(early_stopping=True).fit(X[:6], y[:6])
    with pytest.raises(ValueError, match="validation_fraction"):
        tiny(early_stopping=True, validation_fraction=1.5).fit(X, y)
