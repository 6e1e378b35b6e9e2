"""sklearn-attngen: DNA sequence classification with built-in, faithful saliency."""

from ._version import __version__

__all__ = ["__version__"]
