"""Planted-motif toy data shared by the test modules and by ``_ddp_worker.py``.

``_ddp_worker.py`` runs under ``torchrun`` with this folder first on
``PYTHONPATH``, so this module must import nothing from the other test modules.
"""

import numpy as np

MOTIFS = {"ccg": "CCCGGG", "gata": "GATAAG", "tata": "TATATA"}


def planted(n, *, length=30, min_length=None, motifs=("ccg", "gata"), labels=None, seed=0):
    """Random ACGT background with one class motif planted at a random position.

    Sequence ``i`` carries ``MOTIFS[motifs[i % len(motifs)]]`` and is labelled
    ``labels[i % len(motifs)]`` (the motif's name when ``labels`` is None); by
    default CCCGGG ("ccg") in the even sequences, GATAAG ("gata") in the odd
    ones. Every sequence is ``length`` long, or of a length drawn from
    ``min_length`` to ``length`` when ``min_length`` is given.
    """
    rng = np.random.default_rng(seed)
    labels = list(motifs) if labels is None else list(labels)
    X, y = [], []
    for i in range(n):
        k = i % len(motifs)
        size = length if min_length is None else int(rng.integers(min_length, length + 1))
        seq = rng.choice(list("ACGT"), size)
        start = int(rng.integers(0, size - 6 + 1))
        seq[start : start + 6] = list(MOTIFS[motifs[k]])
        X.append("".join(seq))
        y.append(labels[k])
    return X, np.array(y)
