"""Attributions over ``(estimator, X)``: attention, gradients, IG, DeepLIFT/SHAP, ISM.

:func:`attribute` returns per-position (and, where the method has them,
per-base) scores for every sequence, from the estimator's built-in attention
or from a post-hoc attribution of the same fitted network.
Integrated gradients and DeepLIFT/SHAP need captum
(``pip install sklearn-attngen[interpret]``).
"""

from ._attribute import BASELINES, METHODS, attribute

__all__ = ["BASELINES", "METHODS", "attribute"]
