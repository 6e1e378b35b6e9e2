"""Faithfulness and accuracy analyses, each with its control.

- :func:`deletion_curve`, :func:`insertion_curve`: accuracy as the
  top-scoring positions are removed (inserted), beside random orders of the
  same size; :func:`remove_and_retrain` (ROAR) retrains after removal.
- :func:`randomization_sanity_check`: cascading parameter randomisation
  (Adebayo et al. 2018).
- :func:`motif_overlap`: scores against planted motif positions.
- :func:`compare_estimators`: multi-seed accuracy, MCC and ROC-AUC, compared
  over seeds and over test sequences; :func:`paired_bootstrap_test` and
  :func:`mcnemar_test`: the sequence-level tests, for any predictions.
"""

from ._compare import EstimatorComparison, compare_estimators
from ._overlap import motif_overlap
from ._paired_tests import mcnemar_test, paired_bootstrap_test
from ._perturbation import deletion_curve, insertion_curve, remove_and_retrain
from ._sanity import randomization_sanity_check

__all__ = [
    "EstimatorComparison",
    "compare_estimators",
    "deletion_curve",
    "insertion_curve",
    "mcnemar_test",
    "motif_overlap",
    "paired_bootstrap_test",
    "randomization_sanity_check",
    "remove_and_retrain",
]
