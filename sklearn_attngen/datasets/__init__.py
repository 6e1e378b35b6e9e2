"""Data sets: Genomic Benchmarks, bundled real data, file readers, generators.

Loaders return a :class:`~sklearn.utils.Bunch` (or ``(X, y)`` with
``return_X_y=True``) whose ``data`` is a list of DNA strings, as every
estimator of the package accepts.

- :func:`load_genomic_benchmark`, :func:`list_genomic_benchmarks`: the Genomic
  Benchmarks, downloaded and cached by the genomic-benchmarks package.
- :func:`load_splice_junction`, :func:`load_promoter`,
  :func:`load_yeast_promoters`: small real data sets shipped with the package
  (no download); the last is a regression task.
- :func:`read_fasta`, :func:`read_sequences`: your own FASTA, CSV or TSV files.
- :func:`encode_to_memmap`, :class:`SequenceMemmap`: files larger than memory,
  encoded once into memory-mapped codes that the estimators read batch by batch.
- :func:`make_motif_sequences`, :func:`load_jaspar_motifs`: synthetic sequences
  with planted real JASPAR motifs and a ground-truth saliency mask; the JASPAR
  2024 CORE vertebrates collection; :func:`read_meme` for your own motif files.
- :func:`dinucleotide_shuffle`: controls with the same dinucleotide counts.
"""

from ._bundled import load_promoter, load_splice_junction, load_yeast_promoters
from ._genomic_benchmarks import list_genomic_benchmarks, load_genomic_benchmark
from ._memmap import SequenceMemmap, encode_to_memmap
from ._motifs import (
    Motif,
    dinucleotide_shuffle,
    load_jaspar_motifs,
    make_motif_sequences,
    read_meme,
)
from ._readers import read_fasta, read_sequences

__all__ = [
    "Motif",
    "SequenceMemmap",
    "dinucleotide_shuffle",
    "encode_to_memmap",
    "list_genomic_benchmarks",
    "load_genomic_benchmark",
    "load_jaspar_motifs",
    "load_promoter",
    "load_splice_junction",
    "load_yeast_promoters",
    "make_motif_sequences",
    "read_fasta",
    "read_meme",
    "read_sequences",
]
