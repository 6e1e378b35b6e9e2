"""Validation helpers shared by the package.

Also importable from here: ``ALPHABET`` ("ACGT", the order of the codes 0..3
and of one-hot channels) and ``N_CODE`` (4, the code of N and of padding).
"""

from ._validation import ALPHABET as ALPHABET  # re-exported constants, see above
from ._validation import N_CODE as N_CODE
from ._validation import (
    as_string_list,
    check_lengths,
    check_sequences,
    check_targets,
    class_indices,
    encode_flat,
    pad_codes,
    real_positions,
)

__all__ = [
    "as_string_list",
    "check_lengths",
    "check_sequences",
    "check_targets",
    "class_indices",
    "encode_flat",
    "pad_codes",
    "real_positions",
]
