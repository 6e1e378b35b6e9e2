"""sklearn-attngen: DNA sequence classification with built-in, faithful saliency."""

from ._classifier import AttnGenClassifier, CNNBaselineClassifier
from ._distributed import fit_distributed
from ._regressor import AttnGenRegressor
from ._version import __version__
from .preprocessing import KmerEncoder, SequenceEncoder

__all__ = [
    "AttnGenClassifier",
    "AttnGenRegressor",
    "CNNBaselineClassifier",
    "KmerEncoder",
    "SequenceEncoder",
    "__version__",
    "fit_distributed",
]
