"""Plots of saliency, faithfulness curves and training (``pip install sklearn-attngen[plot]``).

Every function takes ``ax=`` and returns the Axes it drew on; matplotlib and
logomaker are imported only when a function is called.
"""

from ._plots import plot_deletion_curve, plot_mask_sweep, plot_training_curves
from ._saliency import plot_saliency, plot_saliency_heatmap, plot_saliency_profile

__all__ = [
    "plot_deletion_curve",
    "plot_mask_sweep",
    "plot_saliency",
    "plot_saliency_heatmap",
    "plot_saliency_profile",
    "plot_training_curves",
]
