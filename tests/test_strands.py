"""Strands: reverse-complement augmentation and averaging over both strands."""

import numpy as np
import pytest
import torch

from sklearn_attngen import AttnGenClassifier, AttnGenRegressor, CNNBaselineClassifier
from sklearn_attngen._modules import reverse_complement_codes
from sklearn_attngen.preprocessing import encode_sequences, reverse_complement

TINY = {"n_filters": 8, "n_blocks": 1, "attention_size": 8, "n_heads": 2, "batch_size": 16}


def planted(n, *, seed=0):
    """Variable lengths (30-50 nt); GATAAG (class 1) or CCCGGG (class 0) on either strand."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for i in range(n):
        seq = rng.choice(list("ACGT"), int(rng.integers(30, 51)))
        motif = "GATAAG" if i % 2 else "CCCGGG"
        motif = motif if rng.random() < 0.5 else reverse_complement(motif)
        start = int(rng.integers(0, len(seq) - 5))
        seq[start : start + 6] = list(motif)
        X.append("".join(seq))
        y.append(i % 2)
    return X, np.array(y)


@pytest.fixture(scope="module")
def data():
    return planted(96)


ESTIMATORS = {
    "attngen": lambda **p: AttnGenClassifier(
        **{**TINY, "max_epochs": 3, "verbose": 0, "random_state": 0, **p}
    ),
    "cnn": lambda **p: CNNBaselineClassifier(
        **{"max_epochs": 2, "verbose": 0, "random_state": 0, **p}
    ),
    "regressor": lambda **p: AttnGenRegressor(
        **{**TINY, "max_epochs": 3, "verbose": 0, "random_state": 0, **p}
    ),
}


def _outputs(estimator, X):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    return estimator.predict(X)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_averaging_makes_both_strands_give_the_same_outputs(data, name):
    X, y = data
    X_rc = reverse_complement(X)
    estimator = ESTIMATORS[name]().fit(X, y)
    assert not np.array_equal(_outputs(estimator, X), _outputs(estimator, X_rc))
    estimator.set_params(strand_average=True)
    np.testing.assert_array_equal(_outputs(estimator, X), _outputs(estimator, X_rc))
    np.testing.assert_array_equal(estimator.predict(X), estimator.predict(X_rc))


@pytest.mark.parametrize("name", ["attngen", "regressor"])
def test_averaged_saliency_maps_the_reverse_strand_back(data, name):
    X, y = data
    estimator = ESTIMATORS[name](strand_average=True).fit(X, y)
    for method in ("saliency", "attention"):
        kwargs = {"signed": True} if method == "saliency" else {}
        maps = getattr(estimator, method)(X, **kwargs)
        maps_rc = getattr(estimator, method)(reverse_complement(X), **kwargs)
        for i, seq in enumerate(X):
            n = len(seq)
            np.testing.assert_array_equal(maps[i, :n], maps_rc[i, :n][::-1])
            assert (maps[i, n:] == 0).all()


def test_averaging_is_the_mean_of_the_two_strands(data):
    X, y = data
    plain = ESTIMATORS["attngen"]().fit(X, y)
    expected = (plain.predict_proba(X) + plain.predict_proba(reverse_complement(X))) / 2
    plain.set_params(strand_average=True)
    np.testing.assert_allclose(plain.predict_proba(X), expected, rtol=1e-6)


def test_augmentation_trains_on_half_reverse_strands(data, monkeypatch):
    X, y = data
    seen = []
    original = AttnGenClassifier.infer

    def spy(self, x, **fit_params):
        if self.module_.training:
            seen.append(x["codes"].clone())
        return original(self, x, **fit_params)

    monkeypatch.setattr(AttnGenClassifier, "infer", spy)
    ESTIMATORS["attngen"](strand_augment=True, iterator_train__shuffle=False, max_epochs=1).fit(
        X, y
    )
    codes, lengths = encode_sequences(X)
    codes = torch.from_numpy(codes)
    reverse = reverse_complement_codes(codes, torch.from_numpy(lengths))
    trained = torch.cat(seen)
    flipped = (trained == reverse).all(dim=1) & ~(trained == codes).all(dim=1)
    kept = (trained == codes).all(dim=1)
    assert bool((flipped | kept).all())  # each sequence is one strand or the other, whole
    assert 0.3 < float(flipped.float().mean()) < 0.7


def test_augmentation_is_seeded(data):
    X, y = data
    a = ESTIMATORS["attngen"](strand_augment=True).fit(X, y).predict_proba(X)
    b = ESTIMATORS["attngen"](strand_augment=True).fit(X, y).predict_proba(X)
    c = ESTIMATORS["attngen"]().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_reverse_complement_codes_matches_the_numpy_one(data):
    X, _ = data
    codes, lengths = encode_sequences(X)
    expected = reverse_complement(codes, lengths=lengths)
    result = reverse_complement_codes(torch.from_numpy(codes), torch.from_numpy(lengths))
    np.testing.assert_array_equal(result.numpy(), expected)


def _held_out_rows(y, seed):
    """The rows ``early_stopping`` holds out (a stratified tenth drawn with ``seed``)."""
    from sklearn.model_selection import StratifiedShuffleSplit

    split = StratifiedShuffleSplit(n_splits=1, test_size=0.1, random_state=seed)
    return next(split.split(np.arange(len(y)), y))[1]


def _log_loss(proba, y):
    return -np.mean(np.log(proba[np.arange(len(y)), y]))


@pytest.mark.parametrize("seed", [0, 1])
def test_auto_strands_keep_whichever_has_the_lower_held_out_loss(data, seed):
    X, y = data
    clf = ESTIMATORS["attngen"](
        strand_average="auto", early_stopping=True, max_epochs=4, random_state=seed
    ).fit(X, y)
    rows = _held_out_rows(y, seed)
    losses = {}
    for average in (False, True):
        clf.set_params(strand_average=average)
        losses[average] = _log_loss(clf.predict_proba([X[i] for i in rows]), y[rows])
    assert losses[False] != losses[True]
    assert clf.strand_average_ == (losses[True] < losses[False])
    clf.set_params(strand_average="auto")  # predictions follow the choice
    clf_fixed = clone_with(clf, strand_average=clf.strand_average_)
    np.testing.assert_array_equal(clf.predict_proba(X), clf_fixed.predict_proba(X))


def clone_with(fitted, **params):
    """``fitted`` (a fitted estimator) with ``params`` changed, weights shared."""
    import copy

    other = copy.deepcopy(fitted)
    return other.set_params(**params)


def test_auto_strands_refuse_averaging_on_a_strand_specific_signal():
    # class 1 carries GATAAG, class 0 its reverse complement CTTATC: averaging over
    # the strands makes the two classes look alike
    rng = np.random.default_rng(0)
    X, y = [], np.arange(200) % 2
    for label in y:
        seq = rng.choice(list("ACGT"), 40)
        seq[15:21] = list("GATAAG" if label else "CTTATC")
        X.append("".join(seq))
    clf = ESTIMATORS["attngen"](
        strand_average="auto", early_stopping=True, max_epochs=6, lr=2e-2
    ).fit(X, y)
    assert clf.strand_average_ is False
    assert clf.score(X, y) > 0.9


def test_auto_strands_without_held_out_data_keep_the_forward_strand(data):
    X, y = data
    clf = ESTIMATORS["regressor"](strand_average="auto").fit(X, y.astype(float))
    assert clf.strand_average_ is False
    np.testing.assert_array_equal(clf.predict(X), clone_with(clf, strand_average=False).predict(X))


@pytest.mark.parametrize("name", ["attngen", "cnn"])
def test_auto_strands_use_train_split_held_out_data(data, name):
    from skorch.dataset import ValidSplit

    X, y = data
    clf = ESTIMATORS[name](
        strand_average="auto", train_split=ValidSplit(0.25, stratified=True, random_state=0)
    ).fit(X, y)
    assert isinstance(clf.strand_average_, bool)
    assert "valid_loss" in clf.history[-1]
    # save_params / load_params carry the choice to a new estimator
    import io

    weights, attributes = io.BytesIO(), io.StringIO()
    clf.save_params(f_params=weights, f_attributes=attributes)
    for f in (weights, attributes):
        f.seek(0)
    new = ESTIMATORS[name](strand_average="auto")
    new.load_params(f_params=weights, f_attributes=attributes)
    assert new.strand_average_ == clf.strand_average_
    np.testing.assert_array_equal(new.predict_proba(X), clf.predict_proba(X))


# ------------------------------------------------------------ the strand test
def strand_specific(n, *, seed=0):
    """Class 1 carries GATAAG, class 0 its reverse complement CTTATC, at a fixed offset."""
    rng = np.random.default_rng(seed)
    X, y = [], np.arange(n) % 2
    for label in y:
        seq = rng.choice(list("ACGT"), 40)
        seq[15:21] = list("GATAAG" if label else "CTTATC")
        X.append("".join(seq))
    return X, y


@pytest.fixture
def small_strand_test(monkeypatch):
    from sklearn_attngen import _base

    monkeypatch.setattr(_base, "STRAND_TEST_MIN", 100)
    monkeypatch.setattr(_base, "AUTO_MIN_STEPS", 250)  # 240 rows in batches of 16: 17 epochs


AUTO = {"positional": "auto", "max_epochs": "auto", "strand_augment": "auto"}
AUTO_ALL = {**AUTO, "strand_average": "auto"}
SYMMETRIC = {"positional": "zeros", "strand_augment": True, "strand_average": True}
SPECIFIC = {"positional": True, "max_epochs": 8, "strand_augment": False, "strand_average": False}


@pytest.mark.parametrize(
    ("make", "symmetric", "explicit"),
    [(planted, True, {**SYMMETRIC, "max_epochs": 17}), (strand_specific, False, SPECIFIC)],
)
def test_auto_settings_follow_the_strand_test(small_strand_test, make, symmetric, explicit):
    X, y = make(240, seed=1)
    clf = ESTIMATORS["attngen"](**AUTO_ALL, lr=1e-2).fit(X, y)
    assert clf.strand_symmetric_ is symmetric
    assert clf.strand_average_ is symmetric
    assert len(clf.history) == explicit["max_epochs"]
    # the test runs apart from the fit: the same fit as with the answer's settings
    fixed = ESTIMATORS["attngen"](**explicit, lr=1e-2).fit(X, y)
    assert fixed.strand_symmetric_ is None  # nothing "auto": not tested
    np.testing.assert_array_equal(clf.predict_proba(X), fixed.predict_proba(X))
    np.testing.assert_array_equal(clf.saliency_, fixed.saliency_)


def test_strand_test_answer_is_the_held_out_loss_of_its_short_fit(small_strand_test):
    from skorch.dataset import ValidSplit

    from sklearn_attngen import _base

    X, y = planted(240, seed=2)
    clf = ESTIMATORS["attngen"](**AUTO, lr=1e-2).fit(X, y)
    # the short fit, by hand: a seeded sample (here all 240 rows), a fifth held out
    seed = 0
    rows = np.sort(np.random.default_rng(seed).permutation(len(y))[: _base.STRAND_TEST_SEQUENCES])
    split = ValidSplit(_base.STRAND_TEST_FRACTION, stratified=False, random_state=seed)
    probe = ESTIMATORS["attngen"](lr=1e-2, max_epochs=_base.STRAND_TEST_EPOCHS, train_split=split)
    probe.fit([X[i] for i in rows], y[rows])
    held = next(iter(split.check_cv(y[rows]).split(rows, y[rows])))[1]
    X_held, y_held = [X[rows[i]] for i in held], y[rows[held]]
    losses = {}
    for average in (False, True):
        probe.set_params(strand_average=average)
        losses[average] = _log_loss(probe.predict_proba(X_held), y_held)
    assert losses[False] != losses[True]
    tolerance = 1 + _base.STRAND_TEST_TOLERANCE  # what averaging may cost
    assert clf.strand_symmetric_ == (losses[True] < losses[False] * tolerance)


def test_strand_test_skipped_on_small_data_and_without_auto(monkeypatch, data):
    from sklearn_attngen._base import BaseDNANet

    X, y = data
    clf = ESTIMATORS["attngen"](**AUTO_ALL).fit(X, y)  # 96 sequences: too few to test
    assert clf.strand_symmetric_ is None
    assert clf.strand_average_ is False and len(clf.history) == 8
    assert clf._module_param("positional") is True

    def refuse(*args):
        raise AssertionError("the strand test ran")

    monkeypatch.setattr(BaseDNANet, "_test_strands", refuse)
    ESTIMATORS["attngen"](**SPECIFIC).fit(X, y)
    ESTIMATORS["cnn"]().fit(X, y)  # the baseline's defaults are not "auto"
    ESTIMATORS["attngen"](**{**SPECIFIC, "strand_average": "auto"}, early_stopping=True).fit(X, y)
    with pytest.raises(AssertionError, match="strand test ran"):
        ESTIMATORS["cnn"](strand_augment="auto").fit(X, y)


def test_strand_test_answer_is_kept_by_save_and_load(small_strand_test, tmp_path):
    import io

    X, y = planted(240, seed=1)
    clf = ESTIMATORS["regressor"](**AUTO_ALL, lr=1e-2).fit(X, y.astype(float))
    assert isinstance(clf.strand_symmetric_, bool)
    weights, attributes = io.BytesIO(), io.StringIO()
    clf.save_params(f_params=weights, f_attributes=attributes)
    for f in (weights, attributes):
        f.seek(0)
    new = ESTIMATORS["regressor"](**AUTO_ALL)
    new.load_params(f_params=weights, f_attributes=attributes)
    assert new.strand_symmetric_ == clf.strand_symmetric_
    assert new._augments_strands() == clf._augments_strands()
    np.testing.assert_array_equal(new.predict(X), clf.predict(X))


def test_strand_test_ignores_class_weights_and_callbacks(small_strand_test):
    from skorch.callbacks import Callback

    class Count(Callback):
        def initialize(self):
            self.epochs = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    X, y = strand_specific(240, seed=1)
    labels = np.where(y == 1, "bound", "unbound")
    count = Count()
    clf = ESTIMATORS["attngen"](
        **AUTO, class_weight={"bound": 2.0}, callbacks=[count], lr=1e-2
    ).fit(X, labels)
    assert clf.strand_symmetric_ is False
    assert count.epochs == 8  # the main fit's epochs only


@pytest.mark.parametrize(("max_epochs", "test_epochs"), [(3, 3), (12, 4), ("auto", 4)])
def test_strand_test_trains_no_longer_than_the_fit(
    small_strand_test, monkeypatch, max_epochs, test_epochs
):
    from sklearn_attngen import _base

    seen = []
    choose = _base.BaseDNANet._choose_strands

    def spy(self, held_out):
        if self._averaging_tolerance == _base.STRAND_TEST_TOLERANCE:  # the test's fit
            seen.append(len(self.history))
        return choose(self, held_out)

    monkeypatch.setattr(_base.BaseDNANet, "_choose_strands", spy)
    X, y = strand_specific(240, seed=1)
    clf = ESTIMATORS["attngen"](**{**AUTO, "max_epochs": max_epochs}, lr=1e-2).fit(X, y)
    assert seen == [test_epochs]
    assert clf.strand_symmetric_ is False
