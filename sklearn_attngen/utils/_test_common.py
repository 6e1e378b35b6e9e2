"""The one table of estimator checks that are expected to fail, with the reason why.

``tests/test_common.py`` runs scikit-learn's estimator checks and this
package's own string-input checks on every estimator, marking the checks
listed here as expected failures (``xfail``). Entries are keyed by class name,
then by check name (as ``_check_name`` in ``sklearn.utils.estimator_checks``
reports it), imbalanced-learn style. An entry needs a real reason: a check
that fails without one is a bug to fix, not a line to add here.

Why the table is short: scikit-learn 1.9 runs its own checks only on
estimators whose ``input_tags.two_d_array`` is True. The estimators here take
DNA (``input_tags.string`` and ``three_d_array`` True, ``two_d_array`` False),
so ``parametrize_with_checks`` yields ``check_estimator_cloneable`` alone for
them. ``tests/test_common.py`` therefore also runs the scikit-learn checks that
need no data, plus string-input versions of the data checks.
"""

__all__ = ["EXPECTED_FAILED_CHECKS", "expected_failed_checks"]

_SKORCH_INIT = (
    "skorch's NeuralNet.__init__ sets history_, initialized_ and virtual_params_, and "
    "stores routed parameters such as iterator_train__shuffle as attributes."
)
_SKORCH_ESTIMATOR = {
    "check_no_attributes_set_in_init": _SKORCH_INIT,
    "check_no_attributes_set_in_init_strict": _SKORCH_INIT,
    "check_do_not_raise_errors_in_init_or_set_params": (
        "skorch's set_params re-initialises callbacks at once, so set_params(callbacks=1) "
        "raises instead of failing later in fit."
    ),
    "check_set_params": (
        "deep get_params lists skorch's default callbacks (callbacks__print_log, ...), "
        "objects built anew on every call that compare unequal."
    ),
    "check_param_validation": (
        "skorch's own parameters (module, criterion, optimizer, iterator_*, callbacks, ...) "
        "carry no _parameter_constraints; the package's own are validated in fit."
    ),
}

EXPECTED_FAILED_CHECKS = {
    "KmerEncoder": {},
    "SequenceEncoder": {},
    "AttnGenClassifier": _SKORCH_ESTIMATOR,
    "AttnGenRegressor": _SKORCH_ESTIMATOR,
    "CNNBaselineClassifier": _SKORCH_ESTIMATOR,
}


def expected_failed_checks(estimator):
    """Checks expected to fail for ``estimator``, mapped to the reason.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    expected_failed_checks : dict of str to str
        ``{check_name: reason}``; empty for an estimator without entries. Pass
        this function as ``expected_failed_checks`` to
        :func:`sklearn.utils.estimator_checks.parametrize_with_checks`.

    Examples
    --------
    >>> from sklearn_attngen.preprocessing import KmerEncoder
    >>> from sklearn_attngen.utils._test_common import expected_failed_checks
    >>> expected_failed_checks(KmerEncoder())
    {}
    """
    return dict(EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {}))
