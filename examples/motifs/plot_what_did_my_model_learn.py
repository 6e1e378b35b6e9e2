"""
==========================
What did my model learn?
==========================

A classifier that tells two kinds of DNA apart has learned *something*; a
biologist wants it as named motifs and as the effect of a mutation. Here the
answer is known: each sequence carries a site of CTCF (class 0) or SPI1
(class 1), drawn from their JASPAR 2024 matrices, plus a distractor site of
another factor. We fit a small :class:`~sklearn_attngen.AttnGenClassifier` and
ask :mod:`sklearn_attngen.motifs` (``pip install "sklearn-attngen[motifs]"``):

1. which motifs each class relies on (:func:`~sklearn_attngen.motifs.discover_motifs`:
   seqlets at an estimated false-discovery rate, clustered into motifs, named by
   calibrated TOMTOM matches against the 879 JASPAR vertebrate matrices);
2. whether a "match" would also be found for a meaningless motif;
3. what mutating a site does (:func:`~sklearn_attngen.motifs.score_variants`);
4. what a motif does on its own (:func:`~sklearn_attngen.motifs.marginalize`).
"""

# %%
# Data and model
# --------------
# 1,200 training sequences of 60 nt; a small network trains in seconds.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_jaspar_motifs, make_motif_sequences
from sklearn_attngen.motifs import (
    discover_motifs,
    marginalize,
    match_motifs,
    scan_motifs,
    score_variants,
)

X, y, _ = make_motif_sequences(1200, 60, n_distractors=1, random_state=0)
X_test, y_test, _ = make_motif_sequences(300, 60, n_distractors=1, random_state=1)
clf = AttnGenClassifier(n_filters=32, n_blocks=1, max_epochs=6, lr=4e-3, verbose=0, random_state=0)
clf.fit(X, y)
print(f"test accuracy {clf.score(X_test, y_test):.3f}")

# %%
# Motifs per class, named by JASPAR
# ---------------------------------
# ``discover_motifs`` attributes every sequence to its class (input x gradient
# of the class log-odds), calls seqlets where the attribution is higher than in
# dinucleotide-shuffled controls, clusters them, and matches each cluster
# against JASPAR. With this small model the SPI1 class does not reach the
# default 5 % seqlet false-discovery rate (its estimate stays near 0.3), so
# we allow 50 %; the report states the estimate reached for each class, and
# the clustering keeps only alignments that beat shuffled seqlets.
report = discover_motifs(clf, X, y, fdr=0.5, max_motifs=3)
print(report)
print("seqlets per class:", report.seqlet_counts)
print(
    "estimated seqlet FDR:",
    {k: round(v["estimated_fdr"], 3) for k, v in report.calibration.items()},
)

# %%
# The largest motif of each class, as logos (letter height: information):
# CTCF's and SPI1's JASPAR matrices are the best matches, with q-values.
axes = report.plot(n_per_class=1)
plt.gcf().suptitle("Discovered motifs\nclass 0 = CTCF, class 1 = SPI1", fontsize=10)
plt.show()

# %%
# A match must mean something
# ---------------------------
# memelite's TOMTOM p-values are far too small for weak queries: an all-uniform
# motif "matches" CTCF at p = 5e-14. ``match_motifs`` trims low-information
# flanks, flags low-information queries, and calibrates each query against
# copies of itself with shuffled columns. A column-shuffled CTCF matrix then
# finds no match at q < 0.05, while CTCF itself does.
ctcf = load_jaspar_motifs()["MA0139.2"]
rng = np.random.default_rng(0)
queries = {
    "CTCF": ctcf.pfm,
    "CTCF, columns shuffled": ctcf.pfm[rng.permutation(ctcf.width)],
    "uniform": np.full((15, 4), 0.25),
}
matches = match_motifs(queries, n_matches=1)
columns = ["query", "target_name", "q_value", "tomtom_p_value", "low_information"]
print(matches[columns].to_string())

# %%
# Mutating a site
# ---------------
# For 40 test sequences of class 0, the CTCF site found by FIMO
# (:func:`~sklearn_attngen.motifs.scan_motifs`) has its five most conserved
# bases changed; as a control, one base far from every site is changed.
hits = scan_motifs(X_test, motifs=["CTCF"])
hits = hits[np.asarray(y_test)[hits["sample"]] == 0].drop_duplicates("sample").head(40)
key = np.argsort(-ctcf.pfm.max(axis=1))[:5]
variants = []
for row in hits.itertuples():
    seq = X_test[row.sample]
    site = seq[row.start : row.end]
    cols = key if row.strand == "+" else ctcf.width - 1 - key
    alt = "".join(("A" if b != "A" else "C") if j in cols else b for j, b in enumerate(site))
    far = 0 if row.start > 30 else len(seq) - 1
    variants += [
        (row.sample, row.start, site, alt),
        (row.sample, far, seq[far], "T" if seq[far] != "T" else "G"),
    ]
effects = score_variants(clf, list(X_test), variants)
effects["target"] = ["site: 5 key bases", "background base"] * len(hits)
print(effects.groupby("target")["delta_log_odds[0]"].describe()[["count", "mean", "50%"]])

fig, ax = plt.subplots(figsize=(5, 3))
for k, (_, group) in enumerate(effects.groupby("target")):
    ax.scatter(
        np.full(len(group), k) + rng.uniform(-0.15, 0.15, len(group)),
        group["delta_log_odds[0]"],
        s=12,
    )
ax.set_xticks([0, 1], sorted(effects.target.unique()))
ax.axhline(0, color="0.5", linewidth=0.5)
ax.set_ylabel("change in log-odds of class 0 (CTCF)")
ax.set_title("score_variants on planted CTCF sites")
plt.tight_layout()
plt.show()

# %%
# A motif on its own
# ------------------
# In-silico marginalization: each consensus written into the middle of 200
# dinucleotide-shuffled test sequences; the mean change of each class
# probability is the motif's effect with its context averaged out.
shifts = {
    name: marginalize(clf, name, X_test[:200], random_state=0).mean_shift
    for name in ("CTCF", "SPI1", "GATA1")
}
fig, ax = plt.subplots(figsize=(5, 3))
names = list(shifts)
ax.bar(np.arange(3) - 0.2, [shifts[n][0] for n in names], width=0.4, label="P(class 0, CTCF)")
ax.bar(np.arange(3) + 0.2, [shifts[n][1] for n in names], width=0.4, label="P(class 1, SPI1)")
ax.set_xticks(range(3), [f"{n} consensus" for n in names])
ax.axhline(0, color="0.5", linewidth=0.5)
ax.set_ylabel("mean change in probability")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
