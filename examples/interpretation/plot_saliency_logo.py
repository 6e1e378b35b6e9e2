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
from sklearn_attngen.plotting import plot_saliency

X_train, y_train = load_splice_junction(split="train", return_X_y=True)
bunch = load_splice_junction(split="test")
X_test, y_test, names = bunch.data, bunch.target, bunch.target_names
clf = AttnGenClassifier(max_epochs=5, verbose=0, random_state=0).fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Attention logos
# ---------------
# Two donor (``EI``) and two acceptor (``IE``) test sequences that the model
# classifies correctly. The dashed line is the exon/intron boundary, between
# positions 29 and 30 (0-based).
predicted = clf.predict(X_test)
chosen = [
    int(i)
    for label in ("EI", "IE")
    for i in np.flatnonzero((names[y_test] == label) & (predicted == y_test))[:2]
]
saliency = clf.saliency([X_test[i] for i in chosen])

fig, axes = plt.subplots(len(chosen), 1, figsize=(10, 1.6 * len(chosen)), sharex=True)
for ax, i, row in zip(axes, chosen, saliency, strict=True):
    plot_saliency(X_test[i], row, ax=ax)
    ax.axvline(29.5, color="0.3", ls="--", lw=0.8)
    ax.set_title(f"test sequence {i}: {names[y_test[i]]}", fontsize=9)
    ax.set_ylabel("")
for ax in axes[:-1]:
    ax.set_xlabel("")
fig.supylabel("attention")
fig.tight_layout()

# %%
# In these sequences the attention concentrates a few positions before the
# boundary, on whatever base sits there, rather than on the ``GT`` or ``AG``
# itself. That is no contradiction: the feature vector the attention weighs at
# a position is computed from a window of 21 nt around it (the receptive field
# of the default network), so a position near the boundary can carry the
# evidence of the consensus next to it. The attention says where the model
# *pools* its evidence; to see which bases the evidence comes from, ask the
# model what a change of each base would do.
#
# In-silico mutagenesis
# ---------------------
# In-silico mutagenesis (ISM) of the same model scores every single-base
# substitution by its effect on the predicted class's logit: below the axis,
# substitutions that lower it. Drawn as a full logo, each position shows the
# effect of the three bases that are not there.
ism = attribute(clf, [X_test[chosen[0]]], method="ism")
fig, ax = plt.subplots(figsize=(10, 2.2))
plot_saliency(X_test[chosen[0]], ism.base_scores[0], ax=ax)
ax.axvline(29.5, color="0.3", ls="--", lw=0.8)
ax.set_ylabel("change in logit")
ax.set_title(
    f"in-silico mutagenesis of test sequence {chosen[0]} ({names[ism.target[0]]})", fontsize=9
)
fig.tight_layout()
plt.show()
