"""From a fitted model to named motifs and variant effects (optional ``motifs`` extra).

Needs ``pip install "sklearn-attngen[motifs]"`` (memelite, tangermeme,
logomaker); every function raises an ImportError naming the extra when a
library is missing, and this module imports without them.

- :func:`scan_motifs`, :func:`motif_site_mask`: sites of known motifs (FIMO).
- :func:`find_seqlets`: spans of high attribution at an estimated false-discovery
  rate, calibrated on dinucleotide-shuffled controls.
- :func:`discover_motifs` -> :class:`MotifReport`: de-novo motifs of each class
  (greedy alignment, or TF-MoDISco with the ``modisco`` extra), named by JASPAR.
- :func:`match_motifs`, :func:`trim_motif`: TOMTOM matches with calibrated
  p-, E- and q-values.
- :func:`score_variants`, :func:`marginalize`: variant effects and in-silico
  marginalization.
"""

from ._discover import MotifReport, discover_motifs
from ._match import match_motifs, trim_motif
from ._scan import motif_site_mask, scan_motifs
from ._seqlets import SeqletCalibrationWarning, find_seqlets
from ._variants import marginalize, score_variants

__all__ = [
    "MotifReport",
    "SeqletCalibrationWarning",
    "discover_motifs",
    "find_seqlets",
    "marginalize",
    "match_motifs",
    "motif_site_mask",
    "scan_motifs",
    "score_variants",
    "trim_motif",
]
