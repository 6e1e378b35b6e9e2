"""Class imbalance: ``class_weight`` and ``sample_weight`` on the network estimators."""

import numpy as np
import pytest
import sklearn
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, cross_validate

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier
from sklearn_attngen.datasets import make_motif_sequences

TINY = {"n_filters": 8, "n_blocks": 1, "attention_size": 8, "n_heads": 2, "batch_size": 16}


def tiny(**params):
    return AttnGenClassifier(**{**TINY, "max_epochs": 2, "random_state": 0, "verbose": 0, **params})


@pytest.fixture(scope="module")
def data():
    X, y, _ = make_motif_sequences(96, length=60, n_distractors=0, random_state=0)
    return np.array(X), y


@pytest.fixture(scope="module")
def imbalanced():
    """380 : 20 training sequences (planted motifs) and a balanced test set."""
    X, y, _ = make_motif_sequences(1000, length=60, n_distractors=0, random_state=0)
    keep = np.r_[np.flatnonzero(y == 0)[:380], np.flatnonzero(y == 1)[:20]]
    X_test, y_test, _ = make_motif_sequences(400, length=60, n_distractors=0, random_state=1)
    return np.array(X)[keep], y[keep], X_test, y_test


def test_balanced_class_weight_finds_the_minority_class(imbalanced):
    X, y, X_test, y_test = imbalanced
    params = {"n_filters": 16, "n_blocks": 1, "max_epochs": 4, "verbose": 0, "random_state": 0}
    plain = AttnGenClassifier(**params).fit(X, y)
    balanced = AttnGenClassifier(**params, class_weight="balanced").fit(X, y)
    assert recall_score(y_test, plain.predict(X_test)) < 0.2  # only the majority class
    assert recall_score(y_test, balanced.predict(X_test)) > 0.6


def test_constant_sample_weight_changes_nothing(data):
    X, y = data
    plain = tiny().fit(X, y).predict_proba(X)
    doubled = tiny().fit(X, y, sample_weight=np.full(len(y), 2.0)).predict_proba(X)
    np.testing.assert_array_equal(plain, doubled)


def test_class_weight_dict_is_the_same_as_sample_weight(data):
    X, y = data
    weights = np.where(y == 1, 3.0, 1.0)
    by_sample = tiny().fit(X, y, sample_weight=weights).predict_proba(X)
    by_class = tiny(class_weight={1: 3.0}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(by_sample, by_class)
    assert not np.array_equal(by_sample, tiny().fit(X, y).predict_proba(X))


def test_class_weight_uses_the_original_labels(data):
    X, y = data
    labels = np.array(["minor", "major"])[y]
    by_class = tiny(class_weight={"minor": 3.0}).fit(X, labels).predict_proba(X)
    by_sample = tiny().fit(X, labels, sample_weight=np.where(y == 0, 3.0, 1.0)).predict_proba(X)
    np.testing.assert_array_equal(by_sample, by_class)


@pytest.mark.parametrize("routing", [False, True])
def test_sample_weight_is_routed_by_cross_validate_and_grid_search(data, monkeypatch, routing):
    X, y = data
    seen = []
    original = AttnGenClassifier._sample_weights

    def spy(self, sample_weight, *args):
        seen.append(None if sample_weight is None else np.asarray(sample_weight).copy())
        return original(self, sample_weight, *args)

    monkeypatch.setattr(AttnGenClassifier, "_sample_weights", spy)
    weights = np.arange(1.0, len(y) + 1)
    with sklearn.config_context(enable_metadata_routing=routing):
        estimator = tiny(max_epochs=1)
        if routing:
            estimator.set_fit_request(sample_weight=True).set_score_request(sample_weight=False)
        cross_validate(estimator, X, y, cv=2, params={"sample_weight": weights})
        GridSearchCV(estimator, {"lr": [1e-3]}, cv=2, refit=False).fit(X, y, sample_weight=weights)
    assert len(seen) == 4
    for fold in seen:  # each fold got the weights of its own training rows
        assert fold is not None and len(fold) == len(y) // 2
        assert np.isin(fold, weights).all()


def test_cnn_baseline_takes_class_weight(data):
    X, y = data
    params = {"max_epochs": 1, "verbose": 0, "random_state": 0}
    plain = CNNBaselineClassifier(**params).fit(X, y).predict_proba(X)
    weighted = CNNBaselineClassifier(**params, class_weight={0: 5.0}).fit(X, y).predict_proba(X)
    assert not np.array_equal(plain, weighted)


@pytest.mark.parametrize(
    "params, fit_kwargs, error, match",
    [
        ({}, {"sample_weight": -np.ones(96)}, ValueError, "non-negative"),
        ({}, {"sample_weight": np.zeros(96)}, ValueError, "at least one non-zero"),
        ({}, {"sample_weight": np.r_[np.nan, np.ones(95)]}, ValueError, "NaN"),
        ({}, {"sample_weight": np.ones(5)}, ValueError, r"sample_weight.shape == \(5,\)"),
        ({"class_weight": {7: 2.0}}, {}, ValueError, "key 7 that is not a class"),
        ({"class_weight": "balance"}, {}, ValueError, "class_weight"),
    ],
)
def test_bad_weights(data, params, fit_kwargs, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        tiny(**params).fit(X, y, **fit_kwargs)


def test_partial_fit_refuses_balanced(data):
    X, y = data
    with pytest.raises(ValueError, match="not supported for partial_fit"):
        tiny(class_weight="balanced").partial_fit(X, y)
