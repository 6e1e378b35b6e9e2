"""
=================================================
Faithfulness controls for a saliency map
=================================================

A saliency map is only useful if the model really relies on the positions it
marks. Three controls, each against a random baseline, on the bundled UCI
splice-junction data (the donor and acceptor signals sit at fixed positions):

1. insertion: start from all-N sequences and put back the most salient
   positions first (:func:`~sklearn_attngen.evaluation.insertion_curve`);
2. remove and retrain (ROAR): delete the top positions from training and test
   data and fit a fresh model (:func:`~sklearn_attngen.evaluation.remove_and_retrain`);
3. the randomisation sanity check: re-initialise the layers from the output
   down and watch the saliency decorrelate
   (:func:`~sklearn_attngen.evaluation.randomization_sanity_check`).

The deletion test itself is in
:ref:`sphx_glr_auto_examples_evaluation_plot_perturbation_test.py`, and how
masking during training changes these measures in
:ref:`sphx_glr_auto_examples_evaluation_plot_masking_sweep.py`.
"""

# %%
import matplotlib.pyplot as plt

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_splice_junction
from sklearn_attngen.evaluation import (
    insertion_curve,
    randomization_sanity_check,
    remove_and_retrain,
)
from sklearn_attngen.plotting import plot_deletion_curve

X_train, y_train = load_splice_junction(split="train", return_X_y=True)
X_test, y_test = load_splice_junction(split="test", return_X_y=True)
params = dict(n_filters=32, n_blocks=1, max_epochs=4, verbose=0, random_state=0)
clf = AttnGenClassifier(**params).fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")
test_saliency = clf.saliency(X_test)

# %%
# Insertion curve
# ---------------
insertion = insertion_curve(clf, X_test, y_test, test_saliency, n_random=3, random_state=0)
print(f"area: attention {insertion.auc:.3f}, random {insertion.random_auc:.3f}")
ax = plot_deletion_curve(insertion, label="top attention first")
ax.set_title("Insertion: most salient positions put back first")
plt.show()

# %%
# Remove and retrain
# ------------------
roar = remove_and_retrain(
    clf,
    X_train,
    y_train,
    X_test,
    y_test,
    clf.saliency(X_train),
    test_saliency,
    fractions=(0.0, 0.1, 0.3),
    random_state=0,
)
ax = plot_deletion_curve(roar, label="top attention removed")
ax.set_title("Remove and retrain")
plt.show()

# %%
# Randomisation sanity check
# --------------------------
# Spearman correlation between the saliency of the trained model and of models
# whose layers were re-initialised from the output down.
check = randomization_sanity_check(clf, X_test[:200], random_state=0)
for layer, rho in zip(check.layers, check.spearman, strict=True):
    print(f"re-initialised down to {layer:<30} Spearman {rho:+.2f}")
