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
   the same ``check_*(name, estimator_orig)`` signature.
"""

import warnings

import pytest
from sklearn.exceptions import SkipTestWarning
from sklearn.utils import estimator_checks as sk_checks
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import estimator_checks_generator
from sklearn.utils.estimator_checks import parametrize_with_checks as sk_parametrize_with_checks

from sklearn_attngen import AttnGenClassifier, AttnGenRegressor, CNNBaselineClassifier
from sklearn_attngen.preprocessing import (
    KmerEncoder,
    SequenceEncoder,
)
from sklearn_attngen.utils._test_common import expected_failed_checks
from sklearn_attngen.utils.estimator_checks import (
    SKLEARN_DATA_FREE_CHECKS,
    STRING_INPUT_CHECKS,
    parametrize_with_checks,
)

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
    AttnGenRegressor(n_filters=4, n_blocks=1, attention_size=4, max_epochs=2),
]
OUTPUT_METHODS = ("transform", "predict", "predict_proba", "decision_function", "score_samples")


# ------------------------------------------------------- 1. parametrize_with_checks

with warnings.catch_warnings(record=True) as _sklearn_skips:
    warnings.simplefilter("always", SkipTestWarning)
    _sklearn_checks = sk_parametrize_with_checks(
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


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_estimator_contract(estimator, check):
    check(estimator)


def test_expected_failure_table_names_real_checks():
    from sklearn_attngen.utils._test_common import EXPECTED_FAILED_CHECKS

    known = {c.__name__ for c in SKLEARN_DATA_FREE_CHECKS + STRING_INPUT_CHECKS}
    known |= {n for n in dir(sk_checks) if n.startswith("check_")}
    for name, checks in EXPECTED_FAILED_CHECKS.items():
        assert set(checks) <= known, f"{name}: unknown checks {set(checks) - known}"
        assert all(isinstance(reason, str) and reason for reason in checks.values())
