"""
===========
Quick start
===========

Fit :class:`~sklearn_attngen.AttnGenClassifier` on DNA strings, compare it
with a k-mer baseline, and read its per-nucleotide saliency. The data are the
bundled human core promoters (GUE ``prom_core_all``): 8,000 training and
5,920 test sequences of 70 nt, promoter (1) or not (0).
"""

# %%
# Load the data
# -------------
# Sequences are plain Python strings; no encoding step is needed.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_attngen import AttnGenClassifier, KmerEncoder
from sklearn_attngen.datasets import load_promoter
from sklearn_attngen.plotting import plot_saliency, plot_saliency_heatmap, plot_saliency_profile

X_train, y_train = load_promoter(split="train", return_X_y=True)
X_test, y_test = load_promoter(split="test", return_X_y=True)
print(f"{len(X_train)} training, {len(X_test)} test sequences; first one: {X_train[0]}")

# %%
# Fit
# ---
# Three epochs keep the example short (on these strand-specific promoters the
# default is eight: :ref:`strand-test`). With ``verbose=1`` (the default) skorch
# prints one line per epoch.
clf = AttnGenClassifier(max_epochs=3, random_state=0)
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")
print("predictions:", clf.predict(X_test[:5]), "true:", y_test[:5])

# %%
# A k-mer baseline
# ----------------
# 6-mer counts and a logistic regression, as one scikit-learn pipeline.
baseline = make_pipeline(KmerEncoder(k=6), LogisticRegression(max_iter=2000))
baseline.fit(X_train, y_train)
print(f"6-mer + logistic regression test accuracy: {baseline.score(X_test, y_test):.3f}")

# %%
# The saliency of single sequences
# --------------------------------
# ``saliency(X)`` returns the attention weights: one non-negative score per
# nucleotide, summing to 1 over each sequence. Drawn as a logo, each base's
# height is its score.
pick = [int(np.flatnonzero(y_test == label)[0]) for label in (1, 0)]  # one of each class
saliency = clf.saliency([X_test[i] for i in pick])
print("shape:", saliency.shape, "row sums:", saliency.sum(axis=1))

fig, axes = plt.subplots(2, 1, figsize=(9, 3.6), sharex=True)
for ax, i, row in zip(axes, pick, saliency, strict=True):
    plot_saliency(X_test[i], row, ax=ax)
    kind = "promoter" if y_test[i] == 1 else "non-promoter"
    ax.set_title(f"test sequence {i} ({kind})", fontsize=9)
axes[0].set_xlabel("")
fig.tight_layout()

# %%
# Promoter signals (GC-rich stretches, binding sites of general transcription
# factors) are spread over the window, and so is the attention: no single
# position decides. Compare with the splice-junction data in
# :ref:`sphx_glr_auto_examples_interpretation_plot_saliency_logo.py`, where one
# site does.
#
# The saliency over the training set
# ----------------------------------
# ``saliency_`` is the mean saliency of each position over the training
# sequences; the dashed line is the level of a uniform attention, 1/70.
plot_saliency_profile(clf)

# %%
# And per sequence, for the first 100 test sequences of each class (rows),
# sorted by the position of their peak:
first = np.r_[np.flatnonzero(y_test == 1)[:100], np.flatnonzero(y_test == 0)[:100]]
classes = np.where(y_test[first] == 1, "promoter", "non-promoter")
ax = plot_saliency_heatmap(clf.saliency([X_test[i] for i in first]), groups=classes, order="peak")
plt.show()

# %%
# The same few positions are hot in both classes: the attention is
# class-independent and says where this model pools its evidence, not which
# class that evidence favours (see :ref:`saliency`).
