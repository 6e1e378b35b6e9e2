"""Validation helpers shared by the package."""

from ._validation import check_lengths, check_sequences, check_targets

__all__ = ["check_lengths", "check_sequences", "check_targets"]
