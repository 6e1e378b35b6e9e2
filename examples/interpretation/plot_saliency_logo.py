"""
=====================================
Saliency logos of a few sequences
=====================================

A saliency logo draws every nucleotide of a sequence with height equal to its
score, so the positions the model uses and the bases sitting there read
together. Here: the UCI primate splice-junction data (60 nt windows centred
on an exon/intron boundary, ``EI``, an intron/exon boundary, ``IE``, or
neither, ``N``). Donor sites carry ``GT`` just after the boundary and acceptor
sites ``AG`` just before it, so we know roughly where a good model should
look.
"""

# %%
# Fit
# ---
import matplotlib.pyplot as plt
import numpy as np

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_splice_junction
from sklearn_attngen.interpret import attribute
from sklearn_attngen.plotting import plot_saliency, plot_saliency_heatmap, plot_saliency_profile

X_train, y_train = load_splice_junction(split="train", return_X_y=True)
bunch = load_splice_junction(split="test")
X_test, y_test, names = bunch.data, bunch.target, bunch.target_names
clf = AttnGenClassifier(max_epochs=5, verbose=0, random_state=0).fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Attention logos
# ---------------
# Two donor (``EI``) and two acceptor (``IE``) test sequences that the model
# classifies correctly. The exon/intron boundary lies between positions 29 and
# 30 (0-based); ``regions`` shades the consensus dinucleotide of each class,
# ``GT`` at positions 30-31 of a donor and ``AG`` at 28-29 of an acceptor
# (a region is ``(start, end, label)``, end exclusive, like a Python slice).
predicted = clf.predict(X_test)
chosen = [
    int(i)
    for label in ("EI", "IE")
    for i in np.flatnonzero((names[y_test] == label) & (predicted == y_test))[:2]
]
saliency = clf.saliency([X_test[i] for i in chosen])
consensus = {"EI": (30, 32, "GT"), "IE": (28, 30, "AG")}

fig, axes = plt.subplots(len(chosen), 1, figsize=(9, 1.7 * len(chosen)), sharex=True)
for ax, i, row in zip(axes, chosen, saliency, strict=True):
    plot_saliency(X_test[i], row, ax=ax, regions=[consensus[names[y_test[i]]]])
    ax.set_title(f"test sequence {i}: {names[y_test[i]]}", fontsize=9, loc="left")
for ax in axes[:-1]:
    ax.set_xlabel("")
fig.tight_layout()

# %%
# In these sequences the attention concentrates a few positions before the
# boundary, on whatever base sits there, rather than on the ``GT`` or ``AG``
# itself. That is no contradiction: the feature vector the attention weighs at
# a position is computed from a window of 21 nt around it (the receptive field
# of the default network), so a position near the boundary can carry the
# evidence of the consensus next to it. The attention says where the model
# *pools* its evidence; to see which bases the evidence comes from, ask the
# model what the bases do.
#
# Across the test set
# -------------------
# :func:`~sklearn_attngen.plotting.plot_saliency_heatmap` draws the attention
# of many sequences at once, one row each, here grouped by predicted class and
# sorted by the position of each sequence's peak.
ax = plot_saliency_heatmap(clf.saliency(X_test), groups=names[predicted], order="peak")
ax.set_title("attention of every test sequence", fontsize=9)

# %%
# Donors and acceptors pool their evidence at a fixed offset from the
# boundary; the sequences with neither (``N``) spread it out. The mean over
# the training set, ``saliency_``, shows the same peak:
plot_saliency_profile(clf, regions=[(28, 32, "boundary")])

# %%
# What the bases do: signed attributions and in-silico mutagenesis
# ----------------------------------------------------------------
# Input x gradient is a signed, class-specific attribution: letters above the
# zero line are evidence for the predicted class, letters below it evidence
# against. In-silico mutagenesis (ISM) scores every single-base substitution
# by its effect on the predicted class's logit; it is drawn as a heat map of
# the four bases by position (blue: the substitution lowers the logit), with
# the base in place lettered in its cell. Passing the result of
# :func:`~sklearn_attngen.interpret.attribute` draws and labels each for what
# it is. The two share the positions, so the tracks line up.
i = chosen[0]
gradient = attribute(clf, [X_test[i]], method="input_x_gradient")
ism = attribute(clf, [X_test[i]], method="ism")
fig, (ax_top, ax_bottom) = plt.subplots(2, 1, figsize=(9, 3.6), sharex=True)
plot_saliency(X_test[i], gradient, ax=ax_top, regions=[consensus["EI"]])
plot_saliency(X_test[i], ism, ax=ax_bottom, regions=[consensus["EI"]])
ax_top.set_xlabel("")
ax_top.set_title(f"test sequence {i} ({names[ism.target[0]]})", fontsize=9, loc="left")
fig.tight_layout()
plt.show()
