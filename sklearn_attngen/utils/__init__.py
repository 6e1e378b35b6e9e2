"""Validation helpers shared by the package."""

from ._validation import check_sequences

__all__ = ["check_sequences"]
