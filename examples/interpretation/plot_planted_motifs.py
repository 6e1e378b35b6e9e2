"""
==========================================
Saliency against planted motifs
==========================================

Sequences whose class is set by a planted transcription-factor motif (CTCF or
SPI1, with a shared distractor motif in every sequence) have a known answer to
"which nucleotides matter". We fit a small :class:`~sklearn_attngen.AttnGenClassifier`,
read its attention saliency, and check it three ways:

1. against the planted positions (:func:`~sklearn_attngen.evaluation.motif_overlap`),
   beside input x gradient on the same model;
2. by deleting the most salient positions and comparing with deleting as many
   random ones (:func:`~sklearn_attngen.evaluation.deletion_curve`);
3. by looking at single sequences (:func:`~sklearn_attngen.plotting.plot_saliency`) and
   many at once (:func:`~sklearn_attngen.plotting.plot_saliency_heatmap`).
"""

# %%
# Data and model
# --------------
# 800 training and 300 test sequences of 60 nt. Three residual blocks give the
# attention a receptive field wider than the motifs (13-15 nt).
import matplotlib.pyplot as plt
import numpy as np

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import make_motif_sequences
from sklearn_attngen.evaluation import deletion_curve, motif_overlap
from sklearn_attngen.interpret import attribute
from sklearn_attngen.plotting import plot_deletion_curve, plot_saliency, plot_saliency_heatmap

X_train, y_train, _ = make_motif_sequences(800, 60, n_distractors=1, random_state=0)
X_test, y_test, mask_test = make_motif_sequences(300, 60, n_distractors=1, random_state=1)

clf = AttnGenClassifier(
    n_filters=16,
    n_blocks=3,
    attention_size=16,
    positional=False,
    dropout=0.0,
    lr=1e-2,
    batch_size=32,
    max_epochs=5,
    random_state=0,
)
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Overlap with the planted motifs
# -------------------------------
# The attention is class-independent and sums to 1 over each sequence. Input x
# gradient is signed (positive: evidence for the predicted class).
attention = attribute(clf, X_test, "attention")
gradient = attribute(clf, X_test, "input_x_gradient")
for name, result in (("attention", attention), ("input x gradient", gradient)):
    overlap = motif_overlap(result, mask_test)
    print(
        f"{name:<17} AUROC {overlap.auroc:.3f}  mean AUPRC {overlap.mean_auprc:.3f}  "
        f"precision at k {overlap.mean_precision_at_k:.3f}  (chance AUPRC "
        f"{overlap.positive_rate:.3f})"
    )

# %%
# Deletion curve with a random control
# ------------------------------------
# Replace the top 5-50 % attention positions of each sequence by N and measure
# accuracy; the grey band is the mean ± std of five random deletions of the same
# size. A faithful saliency makes accuracy fall much faster than the band.
deletion = deletion_curve(clf, X_test, y_test, attention, n_random=5, random_state=0)
print(f"area under the curve: attention {deletion.auc:.3f}, random {deletion.random_auc:.3f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
plot_deletion_curve(deletion, ax=ax, label="top attention first")
ax.set_title("Deleting salient vs random positions")
fig.tight_layout()

# %%
# Single sequences
# ----------------
# One test sequence of each class, each nucleotide drawn with height equal to
# its attention. ``regions`` takes the row of the planted-motif mask and shades
# the planted class motif.
fig, axes = plt.subplots(2, 1, figsize=(9, 4), sharex=True)
first_of_class = [int(np.flatnonzero(y_test == c)[0]) for c in (0, 1)]
for ax, i in zip(axes, first_of_class, strict=True):
    plot_saliency(X_test[i], attention, ax=ax, index=i, regions=mask_test[i])
    ax.set_title(f"test sequence {i}: {('CTCF', 'SPI1')[y_test[i]]} class", fontsize=9)
axes[0].set_xlabel("")
fig.tight_layout()

# %%
# Many sequences
# --------------
# The attention of 60 test sequences, one row each, sorted by where their
# motif was planted: a model that finds the motif draws a diagonal.
# ``order`` lists the rows to draw, top to bottom; the y axis keeps their
# numbers in the test set.
motif_start = mask_test[:60].argmax(axis=1)
ax = plot_saliency_heatmap(attention, order=np.argsort(motif_start, kind="stable"))
ax.set_title("attention, sequences sorted by the start of their planted motif", fontsize=9)
plt.show()
