"""Validation helpers shared by the package.

Also importable from here: ``ALPHABET`` ("ACGT", the order of the codes 0..3
and of one-hot channels) and ``N_CODE`` (4, the code of N and of padding).
"""

from ._validation import (
    ALPHABET,
    N_CODE,
    as_string_list,
    check_lengths,
    check_sequences,
    check_targets,
    encode_flat,
    pad_codes,
    real_positions,
)

__all__ = [
    "as_string_list",
    "check_lengths",
    "check_sequences",
    "check_targets",
    "encode_flat",
    "pad_codes",
    "real_positions",
]
