"""String-input estimator checks, for any scikit-learn estimator that takes DNA.

scikit-learn's own checks (``sklearn.utils.estimator_checks``) run only on
estimators that take 2-D numeric arrays: for an estimator whose
``__sklearn_tags__`` declare string input and no 2-D array input,
``parametrize_with_checks`` yields ``check_estimator_cloneable`` alone. This
module holds the scikit-learn checks that need no data and string-input
versions of its data checks, each with the usual ``check_*(name,
estimator_orig)`` signature, run on variable-length DNA strings with N and
lower case. sklearn-attngen runs them on its own estimators
(``tests/test_common.py``); another package's DNA estimators can use them
the same way, with a table of the checks expected to fail and why::

    from sklearn_attngen.utils.estimator_checks import parametrize_with_checks

    @parametrize_with_checks([MyDNAClassifier()], expected_failed_checks=lambda est: {})
    def test_my_estimators(estimator, check):
        check(estimator)

Classifiers are checked on binary labels, regressors on float targets.
pandas, where installed, adds Series and DataFrame inputs. The lists
``SKLEARN_DATA_FREE_CHECKS`` and ``STRING_INPUT_CHECKS`` hold the checks run.
"""

import contextlib
import pickle
import re
import tempfile
from functools import partial
from inspect import signature

import numpy as np
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks as sk_checks
from sklearn.utils.validation import check_is_fitted

from ..preprocessing import codes_to_one_hot, encode_sequences

__all__ = ["estimator_checks_generator", "parametrize_with_checks"]

OUTPUT_METHODS = ("transform", "predict", "predict_proba", "decision_function", "score_samples")


@contextlib.contextmanager
def _raises(error, match=None):
    """``pytest.raises`` without pytest: the block must raise ``error`` matching ``match``."""
    try:
        yield
    except error as exc:
        if match is not None and not re.search(match, str(exc)):
            raise AssertionError(f"{exc!r} does not match {match!r}") from exc
    else:
        raise AssertionError(f"did not raise {error.__name__}")


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in the test extra
        return None
    return pd


def _dna_data(n_samples=24, seed=0, estimator=None):
    """Variable-length sequences with N and lower case; binary labels or float targets."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ACGTACGTACGTNacgt"))
    X = ["".join(rng.choice(letters, size=n)) for n in rng.integers(8, 20, size=n_samples)]
    y = np.arange(n_samples) % 2
    return X, (y + rng.normal(0, 0.1, n_samples) if is_regressor(estimator) else y)


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
    X, y = _dna_data(estimator=estimator_orig)
    estimator = clone(estimator_orig)
    assert estimator.fit(X, y) is estimator


def check_not_fitted_strings(name, estimator_orig):
    """Before fit, ``check_is_fitted`` and every output method raise NotFittedError."""
    X, y = _dna_data(estimator=estimator_orig)
    estimator = clone(estimator_orig)
    with _raises(NotFittedError):
        check_is_fitted(estimator)
    for method in (*OUTPUT_METHODS, "get_feature_names_out"):
        if hasattr(estimator, method):
            args = () if method == "get_feature_names_out" else (X,)
            with _raises(NotFittedError):
                getattr(estimator, method)(*args)
    check_is_fitted(estimator.fit(X, y))
    with _raises(NotFittedError):
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
    X, y = _dna_data(estimator=estimator_orig)
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
    X, y = _dna_data(estimator=estimator_orig)
    unfitted = pickle.loads(pickle.dumps(clone(estimator_orig)))
    assert unfitted.get_params(deep=False) == estimator_orig.get_params(deep=False)
    estimator = _fitted(estimator_orig, X, y)
    restored = pickle.loads(pickle.dumps(estimator))
    _assert_outputs_equal(_outputs(estimator, X), _outputs(restored, X))


def check_fit_idempotent_strings(name, estimator_orig):
    """String-input version of ``check_fit_idempotent``."""
    X, y = _dna_data(estimator=estimator_orig)
    X_other, y_other = _dna_data(n_samples=10, seed=1, estimator=estimator_orig)
    estimator = _fitted(estimator_orig, X, y)
    expected = _outputs(estimator, X)
    estimator.fit(X_other, y_other).fit(X, y)
    _assert_outputs_equal(expected, _outputs(estimator, X))


def check_fit_transform_strings(name, estimator_orig):
    """``fit_transform(X)`` equals ``fit(X).transform(X)``."""
    if not hasattr(estimator_orig, "transform"):
        return
    X, y = _dna_data(estimator=estimator_orig)
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
    X, y = _dna_data(estimator=estimator_orig)
    estimator = _fitted(estimator_orig, X, y)
    expected = _outputs(estimator, X)
    containers = [tuple(X), np.array(X), np.array(X, dtype=object)]
    pd = _pandas()
    if pd is not None:
        containers += [pd.Series(X, index=np.arange(len(X)) * 3), pd.DataFrame({"sequence": X})]
    for container in containers:
        _assert_outputs_equal(expected, _outputs(estimator, container), type(container).__name__)
        _assert_outputs_equal(expected, _outputs(_fitted(estimator_orig, container, y), X))


def check_input_not_modified_strings(name, estimator_orig):
    """fit and every output method leave the caller's data as it was."""
    X, y = _dna_data(estimator=estimator_orig)
    codes, _ = encode_sequences(X)
    pd = _pandas()
    inputs = [list(X), np.array(X), codes, codes_to_one_hot(codes)]
    if pd is not None:
        inputs.append(pd.Series(X, name="seq"))
    for data in inputs:
        before = data.copy()
        estimator = clone(estimator_orig).fit(data, y)
        _outputs(estimator, data)
        if pd is not None and isinstance(data, pd.Series):
            pd.testing.assert_series_equal(data, before)
        elif isinstance(data, list):
            assert data == before
        else:
            assert_array_equal(data, before)


def check_readonly_input_strings(name, estimator_orig):
    """String-input version of ``check_readonly_memmap_input``: read-only arrays work."""
    X, y = _dna_data(estimator=estimator_orig)
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
    X, y = _dna_data(estimator=estimator_orig)
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
    X, y = _dna_data(estimator=estimator_orig)
    estimator = _fitted(estimator_orig, X, y)
    order = np.random.default_rng(0).permutation(len(X))
    whole = _outputs(estimator, X)
    shuffled = _outputs(estimator, [X[i] for i in order])
    for method in whole:
        assert_allclose(shuffled[method], whole[method][order], **_FLOAT32)


def check_pipeline_consistency_strings(name, estimator_orig):
    """String-input version of ``check_pipeline_consistency``."""
    X, y = _dna_data(estimator=estimator_orig)
    estimator = _fitted(estimator_orig, X, y)
    pipeline = make_pipeline(clone(estimator_orig))
    set_random_state(pipeline)
    pipeline.fit(X, y)
    _assert_outputs_equal(_outputs(estimator, X), _outputs(pipeline, X))


def check_sequence_memmap_input(name, estimator_orig):
    """A SequenceMemmap of the sequences fits and transforms / predicts as they do."""
    from ..datasets import encode_to_memmap  # utils sits below datasets: import late

    X, y = _dna_data(estimator=estimator_orig)
    expected = _outputs(_fitted(estimator_orig, X, y), X)
    with tempfile.TemporaryDirectory() as folder:
        data = encode_to_memmap(X, folder)
        _assert_outputs_equal(expected, _outputs(_fitted(estimator_orig, data, y), data))
        del data  # close the memory-mapped files before the folder goes


def check_invalid_input_errors_strings(name, estimator_orig):
    """Tabular, empty, missing and non-DNA input fail with a message that says why."""
    X, y = _dna_data(estimator=estimator_orig)
    cases = [
        (np.random.default_rng(0).random((len(X), 5)), "Tabular numeric features are not DNA"),
        ([], "X is empty"),
        ([*X[:-1], "ACGU"], rf"X\[{len(X) - 1}\]: invalid character 'U'"),
        ([*X[:-1], ""], rf"X\[{len(X) - 1}\]: empty sequence"),
    ]
    pd = _pandas()
    if pd is not None:
        cases.append((pd.Series([*X[:-1], None]), f"missing value at index {len(X) - 1}"))
    for data, match in cases:
        with _raises(ValueError, match=match):
            clone(estimator_orig).fit(data, y[: len(data)])
    estimator = _fitted(estimator_orig, X, y)
    for method in _outputs(estimator, X):
        for data, match in cases:
            with _raises(ValueError, match=match):
                getattr(estimator, method)(data)
        with _raises(TypeError, match="single str"):
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


def estimator_checks_generator(estimator, *, expected_failed_checks=None, mark=None):
    """Yield ``(estimator, check)`` for every check, with expected failures marked.

    Parameters
    ----------
    estimator : estimator instance
        An estimator that takes DNA strings (``input_tags.string``).
    expected_failed_checks : dict of str to str, default=None
        ``{check_name: reason}`` for the checks expected to fail.
    mark : {None, "xfail", "skip"}, default=None
        What to do with an expected failure: None yields it unmarked, "skip"
        leaves it out, "xfail" yields a ``pytest.param`` marked
        ``xfail(strict=True)`` with its reason (needs pytest).

    Yields
    ------
    estimator : estimator instance
    check : callable
        ``check(estimator)`` runs one check (the estimator's class name is
        bound as the check's ``name``).

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import KmerEncoder
    >>> from sklearn_attngen.utils.estimator_checks import estimator_checks_generator
    >>> for estimator, check in estimator_checks_generator(KmerEncoder(k=2)):
    ...     check(estimator)
    """
    expected = expected_failed_checks or {}
    for check in SKLEARN_DATA_FREE_CHECKS + STRING_INPUT_CHECKS:
        if check is sk_checks.check_get_feature_names_out_error and not hasattr(
            estimator, "get_feature_names_out"
        ):
            continue  # scikit-learn runs it only where the method exists
        bound = partial(check, type(estimator).__name__)
        reason = expected.get(check.__name__)
        if reason is None or mark is None:
            yield estimator, bound
        elif mark == "xfail":
            import pytest

            yield pytest.param(
                estimator, bound, marks=pytest.mark.xfail(reason=reason, strict=True)
            )
        elif mark != "skip":
            raise ValueError(f"mark must be None, 'xfail' or 'skip', got {mark!r}.")


def _check_id(estimator, check):
    """Class name, the parameters that differ from the defaults, and the check's name."""
    defaults = type(estimator)().get_params(deep=False)
    changed = {
        name: value
        for name, value in estimator.get_params(deep=False).items()
        if name in defaults and value != defaults[name]
    }
    parameters = "".join(f"-{name}={value}" for name, value in changed.items())
    return f"{type(estimator).__name__}{parameters}-{check.func.__name__}"


def parametrize_with_checks(estimators, *, expected_failed_checks=None):
    """A ``pytest.mark.parametrize`` decorator running every check on every estimator.

    The string-input counterpart of
    :func:`sklearn.utils.estimator_checks.parametrize_with_checks`.

    Parameters
    ----------
    estimators : list of estimator instances
    expected_failed_checks : callable, default=None
        ``expected_failed_checks(estimator)`` returns ``{check_name: reason}``;
        those checks are marked ``xfail(strict=True)``.

    Returns
    -------
    decorator : ``pytest.mark.parametrize``
        Parametrises the test over ``("estimator", "check")``.

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import KmerEncoder
    >>> from sklearn_attngen.utils.estimator_checks import parametrize_with_checks
    >>> @parametrize_with_checks([KmerEncoder(k=2)])
    ... def test_estimator(estimator, check):
    ...     check(estimator)
    """
    import pytest

    params = []
    for estimator in estimators:
        expected = expected_failed_checks(estimator) if expected_failed_checks else None
        for param in estimator_checks_generator(
            estimator, expected_failed_checks=expected, mark="xfail"
        ):
            values = param.values if hasattr(param, "values") else param
            marks = param.marks if hasattr(param, "marks") else ()
            params.append(pytest.param(*values, marks=marks, id=_check_id(*values)))
    return pytest.mark.parametrize(("estimator", "check"), params)
