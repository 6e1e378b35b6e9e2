"""scikit-learn's parameter validation, imported in one place.

``validate_params``, the constraint classes and ``validate_parameter_constraints``
live in scikit-learn's private ``sklearn.utils._param_validation``. Like
imbalanced-learn (``imblearn/utils/_param_validation.py``), this package keeps
that dependency in one module: imbalanced-learn carries a copy of the file for
scikit-learn versions that lack it and re-exports scikit-learn's own otherwise.
Every version this package supports (``scikit-learn>=1.6``) has it, so this is
the re-export; if scikit-learn ever moves or changes it, the copy goes here and
nothing else changes. The estimators' ``_parameter_constraints`` must use these
very classes: scikit-learn's estimator checks (``check_param_validation``) read
them with scikit-learn's ``make_constraint``.
"""

from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "validate_parameter_constraints",
    "validate_params",
]
