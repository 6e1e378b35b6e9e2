"""AttnGenRegressor: continuous targets, one or several per sequence."""

import io
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score

from sklearn_attngen import AttnGenRegressor
from sklearn_attngen.datasets import encode_to_memmap, load_yeast_promoters

TINY = {"n_filters": 8, "n_blocks": 1, "attention_size": 8, "n_heads": 2, "batch_size": 16}
MOTIF = "GATAAG"


def tiny(**params):
    return AttnGenRegressor(**{**TINY, "max_epochs": 2, "random_state": 0, "verbose": 0, **params})


def planted(n, *, length=40, seed=0):
    """Activity = 10 + 5 x (copies of GATAAG), 0 to 2 copies per sequence."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in range(n):
        seq = rng.choice(list("ACGT"), length)
        copies = int(rng.integers(0, 3))
        for start in rng.choice(np.arange(0, length - 6, 8), copies, replace=False):
            seq[start : start + 6] = list(MOTIF)
        X.append("".join(seq))
        y.append(10.0 + 5.0 * "".join(seq).count(MOTIF))
    return X, np.array(y)


@pytest.fixture(scope="module")
def data():
    return planted(240)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return tiny(max_epochs=10, lr=5e-3).fit(X, y)


def test_learns_the_planted_activity(fitted):
    X_test, y_test = planted(120, seed=1)
    assert fitted.score(X_test, y_test) > 0.8
    assert fitted.predict(X_test).shape == (120,)
    assert fitted.n_outputs_ == 1


def test_predictions_are_in_the_original_units(fitted, data):
    X, y = data
    assert fitted.y_mean_[0] == pytest.approx(y.mean())
    assert fitted.y_scale_[0] == pytest.approx(y.std())
    assert abs(fitted.predict(X).mean() - y.mean()) < 1.0


def test_normalize_y_false_trains_on_raw_targets(data):
    X, y = data
    raw = tiny(normalize_y=False).fit(X, y)
    assert (raw.y_mean_, raw.y_scale_) == ([0.0], [1.0])
    assert not np.allclose(raw.predict(X), tiny().fit(X, y).predict(X))


def test_multi_output(data):
    X, y = data
    Y = np.c_[y, -2 * y, np.ones_like(y)]  # a constant output has scale 1
    # float32 training on every machine: the 0.25 bound on the constant output is
    # tight for 6 epochs, and bfloat16 training (mixed_precision="auto" on a CPU
    # with bfloat16 instructions) took one of 240 predictions to 1.2501
    reg = tiny(max_epochs=6, lr=5e-3, mixed_precision=None).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == (len(X), 3) and reg.n_outputs_ == 3
    assert np.corrcoef(pred[:, 0], -pred[:, 1])[0, 1] > 0.9
    np.testing.assert_allclose(pred[:, 2], 1.0, atol=0.25)
    with pytest.raises(ValueError, match="y has 1 outputs; AttnGenRegressor was fitted on 3"):
        reg.partial_fit(X, y[:, None])


def test_one_column_y_is_kept_two_dimensional(data):
    X, y = data
    reg = tiny().fit(X, y[:, None])
    assert reg.predict(X[:4]).shape == (4, 1)


def test_regressor_in_sklearn_tools(data):
    X, y = data
    assert np.isfinite(cross_val_score(tiny(max_epochs=1), X, y, cv=2)).all()
    search = GridSearchCV(tiny(max_epochs=1), {"lr": [1e-3, 5e-3]}, cv=2).fit(X, y)
    assert search.best_estimator_.predict(X[:3]).shape == (3,)
    assert not hasattr(tiny(), "predict_proba")


def test_saliency_and_profile(fitted, data):
    X, _ = data
    saliency = fitted.saliency(X[:5])
    assert saliency.shape == (5, 40)
    assert fitted.saliency_.shape == (40,)


def test_sample_weight_changes_the_fit(data):
    X, y = data
    weights = np.where(y > 10, 5.0, 1.0)
    assert not np.array_equal(
        tiny().fit(X, y, sample_weight=weights).predict(X), tiny().fit(X, y).predict(X)
    )


def test_memmap_input(tmp_path, data):
    X, y = data
    memmap = encode_to_memmap(X, tmp_path / "codes")
    np.testing.assert_array_equal(
        tiny().fit(memmap, y).predict(memmap), tiny().fit(X, y).predict(X)
    )


def test_persistence(fitted, data):
    X, _ = data
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    weights, attributes = io.BytesIO(), io.StringIO()
    fitted.save_params(f_params=weights, f_attributes=attributes)
    weights.seek(0), attributes.seek(0)
    new = clone(fitted)
    new.load_params(f_params=weights, f_attributes=attributes)
    np.testing.assert_array_equal(new.predict(X), fitted.predict(X))
    np.testing.assert_array_equal(new.y_mean_, fitted.y_mean_)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (lambda y: np.r_[y[:-1], np.nan], r"y\[239\] is nan; targets must be finite"),
        (lambda y: y[:-1], "X has 240 sequences but y has 239 targets"),
        (lambda y: np.array(["a"] * len(y)), "regression targets must be numbers"),
        (lambda y: y.reshape(len(y), 1, 1), "y must be 1-D"),
        (lambda y: None, "y is None"),
    ],
)
def test_bad_targets(data, y, match):
    X, targets = data
    with pytest.raises(ValueError, match=match):
        tiny().fit(X, y(targets))


def test_bundled_yeast_promoters():
    X, y = load_yeast_promoters(return_X_y=True)
    X_test, _ = load_yeast_promoters(split="test", return_X_y=True)
    assert (len(X), len(X_test)) == (4232, 1057)
    assert {len(s) for s in X} == {110} and y.dtype == np.float64
    assert not set(X) & set(X_test)
    assert 9 < y.mean() < 10
