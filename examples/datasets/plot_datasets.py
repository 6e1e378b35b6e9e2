"""
======================================
The data sets shipped with the package
======================================

sklearn-attngen ships two small real DNA classification data sets, a handful
of real JASPAR motifs, and a generator of synthetic sequences with planted
motifs and a ground-truth saliency mask. This example loads each of them and
prints its size and class balance. Nothing here needs the network.
"""

# %%
# Splice junctions (UCI, 3 classes, 60 nt)
# ----------------------------------------
# Every loader returns a :class:`~sklearn.utils.Bunch` whose ``data`` is a list
# of DNA strings and whose ``target`` indexes ``target_names``.
import numpy as np

from sklearn_attngen.datasets import (
    load_jaspar_motifs,
    load_promoter,
    load_splice_junction,
    make_motif_sequences,
)


def describe(title, X, y, names):
    counts = ", ".join(f"{n}: {c}" for n, c in zip(names, np.bincount(y), strict=True))
    lengths = sorted({len(s) for s in X})
    print(f"{title:<22} n={len(X):>5}  length={lengths[0]}-{lengths[-1]}  {counts}")


for split in ("train", "test"):
    bunch = load_splice_junction(split=split)
    describe(f"splice junction {split}", bunch.data, bunch.target, bunch.target_names)
print(bunch.data[0])

# %%
# Core promoters (GUE ``prom_core_all``, 2 classes, 70 nt)
# --------------------------------------------------------
# The training split is a balanced 8,000-sequence subsample, the test split is
# the complete official one. ``as_frame=True`` gives pandas objects.
for split in ("train", "test"):
    X, y = load_promoter(split=split, return_X_y=True)
    describe(f"promoter {split}", X, y, ["non-promoter", "promoter"])
print(load_promoter(as_frame=True).frame.head(3))

# %%
# Real motifs and synthetic sequences with a known answer
# -------------------------------------------------------
# Class 0 carries a CTCF site, class 1 an SPI1 site; both carry two distractor
# sites of other motifs. ``mask`` marks the class-determining positions: the
# ground truth a saliency map should recover.
for motif in load_jaspar_motifs().values():
    print(f"{motif.matrix_id:<9} {motif.name:<6} width {motif.width:>2}  {motif.consensus}")

X, y, mask = make_motif_sequences(n_samples=1000, length=200, random_state=0)
describe("planted motifs", X, y, ["CTCF", "SPI1"])
print(
    f"class-determining positions per sequence: {mask.sum(axis=1).min()}-{mask.sum(axis=1).max()}"
)

# %%
# The Genomic Benchmarks (``load_genomic_benchmark``) are downloaded on first
# use into ``~/.genomic_benchmarks``; see :func:`~sklearn_attngen.datasets.list_genomic_benchmarks`.
