"""scikit-learn's estimator checks, plus their string-input versions, on every estimator.

scikit-learn 1.9 runs its checks only on estimators that take 2-D numeric
arrays; for the DNA estimators here ``parametrize_with_checks`` yields
``check_estimator_cloneable`` alone (and warns). So this file runs, on every
estimator and against the one expected-failure table in
``sklearn_attngen.utils._test_common``:

1. ``parametrize_with_checks`` itself, so that the day scikit-learn starts
   checking string-input estimators its checks run here;
2. the scikit-learn checks that need no data;
3. string-input versions of the scikit-learn data checks, written below with
   the same ``check_*(name, estimator_orig)`` signature, and a check that a
   ``SequenceMemmap`` of the same sequences gives the same outputs.
"""

import pickle
import tempfile
import warnings
from functools import partial
from inspect import signature

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, SkipTestWarning
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks as sk_checks
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import estimator_checks_generator, parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier
from sklearn_attngen.datasets import encode_to_memmap
from sklearn_attngen.preprocessing import (
    KmerEncoder,
    SequenceEncoder,
    codes_to_one_hot,
    encode_sequences,
)
from sklearn_attngen.utils._test_common import expected_failed_checks

ESTIMATORS = [
    KmerEncoder(k=3),
    KmerEncoder(k=2, canonical=True, normalize="l2"),
    KmerEncoder(k=2, sparse_output=False),
    SequenceEncoder(),
    SequenceEncoder(layout="flat"),
    AttnGenClassifier(
        n_filters=4, n_blocks=1, attention_size=4, max_epochs=2, mask_fraction=0.2, mask_warmup=0
    ),
    CNNBaselineClassifier(embedding_dim=4, max_epochs=1),
]
OUTPUT_METHODS = ("transform", "predict", "predict_proba", "decision_function", "score_samples")


def _estimator_id(estimator):
    params = estimator.get_params(deep=False)
    changed = {k: v for k, v in params.items() if v != type(estimator)().get_params()[k]}
    return type(estimator).__name__ + "".join(f"-{k}={v}" for k, v in changed.items())


# ------------------------------------------------------- 1. parametrize_with_checks

with warnings.catch_warnings(record=True) as _sklearn_skips:
    warnings.simplefilter("always", SkipTestWarning)
    _sklearn_checks = parametrize_with_checks(
        ESTIMATORS, expected_failed_checks=expected_failed_checks, xfail_strict=True
    )


@_sklearn_checks
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_sklearn_skips_string_input_estimators():
    # The reason for sections 2 and 3. If this fails, scikit-learn now checks
    # string-input estimators itself: drop what it covers below and rebuild
    # the expected-failure table from what its checks report.
    assert len(_sklearn_skips) == len(ESTIMATORS)
    for estimator in ESTIMATORS:
        with pytest.warns(SkipTestWarning, match="Can't test estimator"):
            checks = [check for _, check in estimator_checks_generator(estimator)]
        assert [check.func.__name__ for check in checks] == ["check_estimator_cloneable"]
        tags = get_tags(estimator)
        assert tags.input_tags.string and tags.input_tags.three_d_array
        assert not tags.input_tags.two_d_array


# ------------------------------------------ 2 and 3: checks run with the xfail table


def _dna_data(n_samples=24, seed=0):
    """Variable-length sequences with N and lower case, and binary labels."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ACGTACGTACGTNacgt"))
    X = ["".join(rng.choice(letters, size=n)) for n in rng.integers(8, 20, size=n_samples)]
    return X, np.arange(n_samples) % 2


def _outputs(estimator, X):
    """Every output method's result on X, sparse matrices made dense."""
    out = {}
    for method in OUTPUT_METHODS:
        if hasattr(estimator, method):
            result = getattr(estimator, method)(X)
            out[method] = result.toarray() if sp.issparse(result) else np.asarray(result)
    assert out, "estimator has no output method"
    return out


def _assert_outputs_equal(a, b, err_msg=""):
    assert a.keys() == b.keys()
    for method in a:
        assert_allclose(a[method], b[method], rtol=1e-6, atol=1e-9, err_msg=f"{method} {err_msg}")


def set_random_state(estimator, random_state=0):
    """Fix every ``random_state`` parameter, nested ones included."""
    params = estimator.get_params()
    estimator.set_params(**{k: random_state for k in params if k.endswith("random_state")})


def _fitted(estimator_orig, X, y):
    estimator = clone(estimator_orig)
    set_random_state(estimator)
    return estimator.fit(X, y)


def check_fit_returns_self_strings(name, estimator_orig):
    """String-input version of ``check_estimators_fit_returns_self``."""
    X, y = _dna_data()
    estimator = clone(estimator_orig)
    assert estimator.fit(X, y) is estimator


def check_not_fitted_strings(name, estimator_orig):
    """Before fit, ``check_is_fitted`` and every output method raise NotFittedError."""
    X, y = _dna_data()
    estimator = clone(estimator_orig)
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)
    for method in (*OUTPUT_METHODS, "get_feature_names_out"):
        if hasattr(estimator, method):
            args = () if method == "get_feature_names_out" else (X,)
            with pytest.raises(NotFittedError):
                getattr(estimator, method)(*args)
    check_is_fitted(estimator.fit(X, y))
    with pytest.raises(NotFittedError):
        check_is_fitted(clone(estimator))  # a clone drops what fit learnt


def check_no_attributes_set_in_init_strict(name, estimator_orig):
    """``__init__`` stores its parameters and nothing else, private ones included."""
    estimator = type(estimator_orig)(**estimator_orig.get_params(deep=False))
    assert set(vars(estimator)) == set(signature(type(estimator)).parameters)


def check_get_params_clone_round_trip(name, estimator_orig):
    """get_params / set_params / clone give back the same parameters.

    Shallow parameters: the deep ones of a skorch estimator include default
    callback objects that skorch builds anew on every call, equal in value only.
    """
    params = estimator_orig.get_params(deep=False)
    assert clone(estimator_orig).get_params(deep=False) == params
    estimator = clone(estimator_orig)
    assert estimator.set_params(**params) is estimator
    assert estimator.get_params(deep=False) == params
    assert type(estimator_orig)(**params).get_params(deep=False) == params


def check_dont_overwrite_parameters_strings(name, estimator_orig):
    """String-input version of ``check_dont_overwrite_parameters``."""
    X, y = _dna_data()
    estimator = clone(estimator_orig)
    params = estimator.get_params(deep=False)  # see check_get_params_clone_round_trip
    before = set(vars(estimator))
    estimator.fit(X, y)
    assert estimator.get_params(deep=False) == params
    added = {a for a in set(vars(estimator)) - before if not a.startswith("_")}
    assert all(a.endswith("_") for a in added), f"public attributes without '_': {added}"
    assert added, "fit sets no fitted attribute ending in '_'"


def check_pickle_strings(name, estimator_orig):
    """String-input version of ``check_estimators_pickle``, unfitted and fitted."""
    X, y = _dna_data()
    unfitted = pickle.loads(pickle.dumps(clone(estimator_orig)))
    assert unfitted.get_params(deep=False) == estimator_orig.get_params(deep=False)
    estimator = _fitted(estimator_orig, X, y)
    restored = pickle.loads(pickle.dumps(estimator))
    _assert_outputs_equal(_outputs(estimator, X), _outputs(restored, X))


def check_fit_idempotent_strings(name, estimator_orig):
    """String-input version of ``check_fit_idempotent``."""
    X, y = _dna_data()
    X_other, y_other = _dna_data(n_samples=10, seed=1)
    estimator = _fitted(estimator_orig, X, y)
    expected = _outputs(estimator, X)
    estimator.fit(X_other, y_other).fit(X, y)
    _assert_outputs_equal(expected, _outputs(estimator, X))


def check_fit_transform_strings(name, estimator_orig):
    """``fit_transform(X)`` equals ``fit(X).transform(X)``."""
    if not hasattr(estimator_orig, "transform"):
        return
    X, y = _dna_data()
    expected = _fitted(estimator_orig, X, y).transform(X)
    estimator = clone(estimator_orig)
    set_random_state(estimator)
    result = estimator.fit_transform(X, y)
    assert type(result) is type(expected)
    if sp.issparse(result):
        result, expected = result.toarray(), expected.toarray()
    assert_allclose(result, expected)


def check_input_containers_strings(name, estimator_orig):
    """A list, tuple, str or object array, Series and 1-column DataFrame all work alike."""
    X, y = _dna_data()
    estimator = _fitted(estimator_orig, X, y)
    expected = _outputs(estimator, X)
    for container in (
        tuple(X),
        np.array(X),
        np.array(X, dtype=object),
        pd.Series(X, index=np.arange(len(X)) * 3),
        pd.DataFrame({"sequence": X}),
    ):
        _assert_outputs_equal(expected, _outputs(estimator, container), type(container).__name__)
        _assert_outputs_equal(expected, _outputs(_fitted(estimator_orig, container, y), X))


def check_input_not_modified_strings(name, estimator_orig):
    """fit and every output method leave the caller's data as it was."""
    X, y = _dna_data()
    codes, _ = encode_sequences(X)
    for data in (list(X), np.array(X), pd.Series(X, name="seq"), codes, codes_to_one_hot(codes)):
        before = data.copy()
        estimator = clone(estimator_orig).fit(data, y)
        _outputs(estimator, data)
        if isinstance(data, pd.Series):
            pd.testing.assert_series_equal(data, before)
        elif isinstance(data, list):
            assert data == before
        else:
            assert_array_equal(data, before)


def check_readonly_input_strings(name, estimator_orig):
    """String-input version of ``check_readonly_memmap_input``: read-only arrays work."""
    X, y = _dna_data()
    codes, _ = encode_sequences(X)
    one_hot = codes_to_one_hot(codes)
    expected = _outputs(_fitted(estimator_orig, codes, y), codes)
    for data in (codes, one_hot):
        data.setflags(write=False)
        _assert_outputs_equal(expected, _outputs(_fitted(estimator_orig, data, y), data))


# float32 networks: a batch of another size may take another multi-threaded summation
# order, which changes the last bit (sklearn's own check allows atol=1e-7 on float64).
_FLOAT32 = dict(rtol=1e-6, atol=1e-6)


def check_methods_subset_invariance_strings(name, estimator_orig):
    """String-input version of ``check_methods_subset_invariance``: batches change nothing."""
    X, y = _dna_data()
    estimator = _fitted(estimator_orig, X, y)
    whole = _outputs(estimator, X)
    batches = [_outputs(estimator, X[i : i + 5]) for i in range(0, len(X), 5)]
    for method in whole:
        batched = [b[method] for b in batches]
        # padded outputs of a batch may be shorter: compare within the batch's length
        for i, part in zip(range(0, len(X), 5), batched, strict=True):
            assert_allclose(
                part, whole[method][i : i + len(part)][tuple(map(slice, part.shape))], **_FLOAT32
            )


def check_methods_sample_order_invariance_strings(name, estimator_orig):
    """String-input version of ``check_methods_sample_order_invariance``."""
    X, y = _dna_data()
    estimator = _fitted(estimator_orig, X, y)
    order = np.random.default_rng(0).permutation(len(X))
    whole = _outputs(estimator, X)
    shuffled = _outputs(estimator, [X[i] for i in order])
    for method in whole:
        assert_allclose(shuffled[method], whole[method][order], **_FLOAT32)


def check_pipeline_consistency_strings(name, estimator_orig):
    """String-input version of ``check_pipeline_consistency``."""
    X, y = _dna_data()
    estimator = _fitted(estimator_orig, X, y)
    pipeline = make_pipeline(clone(estimator_orig))
    set_random_state(pipeline)
    pipeline.fit(X, y)
    _assert_outputs_equal(_outputs(estimator, X), _outputs(pipeline, X))


def check_sequence_memmap_input(name, estimator_orig):
    """A SequenceMemmap of the sequences fits and transforms / predicts as they do."""
    X, y = _dna_data()
    expected = _outputs(_fitted(estimator_orig, X, y), X)
    with tempfile.TemporaryDirectory() as folder:
        data = encode_to_memmap(X, folder)
        _assert_outputs_equal(expected, _outputs(_fitted(estimator_orig, data, y), data))
        del data  # close the memory-mapped files before the folder goes


def check_invalid_input_errors_strings(name, estimator_orig):
    """Tabular, empty, missing and non-DNA input fail with a message that says why."""
    X, y = _dna_data()
    cases = [
        (np.random.default_rng(0).random((len(X), 5)), "Tabular numeric features are not DNA"),
        ([], "X is empty"),
        (pd.Series([*X[:-1], None]), f"missing value at index {len(X) - 1}"),
        ([*X[:-1], "ACGU"], rf"X\[{len(X) - 1}\] has invalid character 'U'"),
        ([*X[:-1], ""], rf"X\[{len(X) - 1}\] is an empty sequence"),
    ]
    for data, match in cases:
        with pytest.raises(ValueError, match=match):
            clone(estimator_orig).fit(data, y[: len(data)])
    estimator = _fitted(estimator_orig, X, y)
    for method in _outputs(estimator, X):
        for data, match in cases:
            with pytest.raises(ValueError, match=match):
                getattr(estimator, method)(data)
        with pytest.raises(TypeError, match="single str"):
            getattr(estimator, method)(X[0])


SKLEARN_DATA_FREE_CHECKS = [
    sk_checks.check_estimator_tags_renamed,
    sk_checks.check_valid_tag_types,
    sk_checks.check_estimator_repr,
    sk_checks.check_no_attributes_set_in_init,
    sk_checks.check_do_not_raise_errors_in_init_or_set_params,
    sk_checks.check_mixin_order,
    sk_checks.check_get_params_invariance,
    sk_checks.check_set_params,
    sk_checks.check_parameters_default_constructible,
    sk_checks.check_param_validation,  # parameters are validated before X is looked at
    sk_checks.check_estimators_unfitted,
    sk_checks.check_get_feature_names_out_error,
]
STRING_INPUT_CHECKS = [
    check_fit_returns_self_strings,
    check_not_fitted_strings,
    check_no_attributes_set_in_init_strict,
    check_get_params_clone_round_trip,
    check_dont_overwrite_parameters_strings,
    check_pickle_strings,
    check_fit_idempotent_strings,
    check_fit_transform_strings,
    check_input_containers_strings,
    check_input_not_modified_strings,
    check_readonly_input_strings,
    check_methods_subset_invariance_strings,
    check_methods_sample_order_invariance_strings,
    check_pipeline_consistency_strings,
    check_sequence_memmap_input,
    check_invalid_input_errors_strings,
]


def _checks_with_expected_failures():
    for estimator in ESTIMATORS:
        expected = expected_failed_checks(estimator)
        for check in SKLEARN_DATA_FREE_CHECKS + STRING_INPUT_CHECKS:
            if check is sk_checks.check_get_feature_names_out_error and not hasattr(
                estimator, "get_feature_names_out"
            ):
                continue  # scikit-learn runs it only where the method exists
            reason = expected.get(check.__name__)
            yield pytest.param(
                estimator,
                partial(check, type(estimator).__name__),
                id=f"{_estimator_id(estimator)}-{check.__name__}",
                marks=[pytest.mark.xfail(reason=reason, strict=True)] if reason else [],
            )


@pytest.mark.parametrize("estimator, check", list(_checks_with_expected_failures()))
def test_estimator_contract(estimator, check):
    check(estimator)


def test_expected_failure_table_names_real_checks():
    from sklearn_attngen.utils._test_common import EXPECTED_FAILED_CHECKS

    known = {c.__name__ for c in SKLEARN_DATA_FREE_CHECKS + STRING_INPUT_CHECKS}
    known |= {n for n in dir(sk_checks) if n.startswith("check_")}
    for name, checks in EXPECTED_FAILED_CHECKS.items():
        assert set(checks) <= known, f"{name}: unknown checks {set(checks) - known}"
        assert all(isinstance(reason, str) and reason for reason in checks.values())
