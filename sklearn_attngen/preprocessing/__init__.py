"""DNA encodings and feature transformers."""

from ._encoding import (
    codes_to_one_hot,
    decode_sequences,
    encode_sequences,
    one_hot_to_codes,
    reverse_complement,
)
from ._kmer import KmerEncoder
from ._sequence_encoder import SequenceEncoder

__all__ = [
    "KmerEncoder",
    "SequenceEncoder",
    "codes_to_one_hot",
    "decode_sequences",
    "encode_sequences",
    "one_hot_to_codes",
    "reverse_complement",
]
