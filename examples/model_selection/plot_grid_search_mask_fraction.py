"""
=================================================
Choosing ``mask_fraction`` with ``GridSearchCV``
=================================================

:class:`~sklearn_attngen.AttnGenClassifier` is a scikit-learn estimator, so
its hyper-parameters, the AttnGen masking fraction among them, can be chosen
by cross-validation like any other. Here: a 3-fold grid search over
``mask_fraction`` on the bundled splice-junction training data, then the
refitted best model on the test split.
"""

# %%
# The search
# ----------
# ``verbose=0`` silences the per-epoch table of each of the fits, and a fixed
# ``random_state`` gives every candidate the same initialisation and batch
# order, so the candidates differ only in the masking.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_splice_junction
from sklearn_attngen.plotting import plot_mask_sweep

X_train, y_train = load_splice_junction(split="train", return_X_y=True)
X_test, y_test = load_splice_junction(split="test", return_X_y=True)

model = AttnGenClassifier(
    n_filters=32, n_blocks=1, max_epochs=4, batch_size=64, verbose=0, random_state=0
)
grid = {"mask_fraction": [0.0, 0.15, 0.3]}
search = GridSearchCV(model, grid, cv=StratifiedKFold(3, shuffle=True, random_state=0))
search.fit(X_train, y_train)

results = search.cv_results_
for fraction, mean, std in zip(
    grid["mask_fraction"], results["mean_test_score"], results["std_test_score"], strict=True
):
    print(f"mask_fraction={fraction:.2f}: cross-validated accuracy {mean:.4f} ± {std:.4f}")
print("best:", search.best_params_)

# %%
# Cross-validated accuracy per fraction
# -------------------------------------
# Grey lines are the three folds; the blue line and band their mean ± std.
fractions = np.array(grid["mask_fraction"])
folds = np.array([results[f"split{k}_test_score"] for k in range(3)])
fig, ax = plt.subplots(figsize=(5, 3.2))
for fold in folds:
    ax.plot(fractions, fold, color="0.7", lw=1)
plot_mask_sweep(fractions, folds.mean(axis=0), folds.std(axis=0), ax=ax)
ax.set(ylabel="cross-validated accuracy", title="GridSearchCV over mask_fraction")
fig.tight_layout()
plt.show()

# %%
# The refitted best model
# -----------------------
# ``best_estimator_`` was refitted on the whole training split; it is a
# fitted :class:`~sklearn_attngen.AttnGenClassifier` with its saliency.
best = search.best_estimator_
print(f"test accuracy of the best candidate: {best.score(X_test, y_test):.3f}")
print("saliency of two test sequences:", best.saliency(X_test[:2]).shape)

# %%
# With this small model and four epochs, accuracy falls as the masking
# fraction grows, by more than the spread between folds: the masked batches
# are harder and few epochs are left to adapt after the ramp. The search picks
# no masking. With the full-size model and eight epochs, the benchmark
# (``benchmarks/bench_accuracy.py``) found no significant difference on these
# data, so the answer depends on the model and the training budget: search
# with the settings you will use. Before reading much into a close winner, use
# several seeds (:func:`~sklearn_attngen.evaluation.compare_estimators`), and
# look at what masking does to the saliency as well
# (:ref:`sphx_glr_auto_examples_evaluation_plot_masking_sweep.py`).
