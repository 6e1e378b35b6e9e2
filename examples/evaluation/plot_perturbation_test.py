"""
=================================================
Perturbation test with a random control
=================================================

The AttnGen paper's faithfulness test: delete the most salient nucleotides of
every test sequence and measure accuracy, beside deleting as many positions
chosen at random. If the model relies on what its saliency marks, accuracy
falls much faster under the first than under the second.
:func:`~sklearn_attngen.evaluation.deletion_curve` runs both on the same
sequences with the same replacement bases, so the two curves differ only in
which positions are removed.

Data: the bundled UCI splice-junction set (3 classes, 60 nt; 2,420 training
and 770 test sequences).
"""

# %%
# Fit
# ---
import matplotlib.pyplot as plt
import numpy as np

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_splice_junction
from sklearn_attngen.evaluation import deletion_curve
from sklearn_attngen.plotting import plot_deletion_curve

X_train, y_train = load_splice_junction(split="train", return_X_y=True)
X_test, y_test = load_splice_junction(split="test", return_X_y=True)
clf = AttnGenClassifier(max_epochs=5, verbose=0, random_state=0).fit(X_train, y_train)
saliency = clf.saliency(X_test)
majority = np.bincount(y_test).max() / len(y_test)
print(f"test accuracy {clf.score(X_test, y_test):.3f}; majority class {majority:.3f}")

# %%
# Delete the top positions, and random ones
# -----------------------------------------
# Deleted positions become N (``baseline="N"``). N hardly occurs in the
# training data, so a second replacement keeps the sequence's own bases:
# ``baseline="shuffle"`` puts there the bases of a random permutation of the
# same sequence. Each random control is five random orders.
fractions = (0, 0.02, 0.05, 0.1, 0.2, 0.3)
curves = {
    baseline: deletion_curve(
        clf,
        X_test,
        y_test,
        saliency,
        fractions=fractions,
        baseline=baseline,
        n_random=5,
        random_state=0,
    )
    for baseline in ("N", "shuffle")
}

print("fraction deleted      " + "  ".join(f"{f:>5.2f}" for f in fractions))
for baseline, curve in curves.items():
    print(f"top attention ({baseline:>7})  " + "  ".join(f"{a:5.3f}" for a in curve.accuracy))
    random_mean = curve.random_accuracy.mean(axis=0)
    print(f"random        ({baseline:>7})  " + "  ".join(f"{a:5.3f}" for a in random_mean))

# %%
# The curves
# ----------
# The band is the mean ± one standard deviation of the random orders; the
# dotted line is the accuracy of always predicting the majority class.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
for ax, (baseline, curve) in zip(axes, curves.items(), strict=True):
    plot_deletion_curve(curve, ax=ax, label="top attention first")
    ax.axhline(majority, color="0.4", ls=":", lw=1)
    ax.set_title(f"deleted positions become {'N' if baseline == 'N' else 'shuffled bases'}")
axes[1].set_ylabel("")
fig.tight_layout()
plt.show()

# %%
# Deleting the 5 % most salient positions (3 of 60) costs far more accuracy
# than deleting 5 % at random, whichever replacement is used: the model
# relies on the few positions its attention marks. The paired comparison is
# per fraction; ``curve.auc`` and ``curve.random_auc`` sum each curve up.
for baseline, curve in curves.items():
    print(
        f"{baseline:>7}: area under the curve {curve.auc:.3f} for the attention order, "
        f"{curve.random_auc:.3f} ± {curve.random_auc_std:.3f} for random orders"
    )
