"""
=================================================
Rare positives: class weights
=================================================

Bound sites against background, rare cell types, rare variants: in genomics the
class one cares about is usually the small one. A classifier trained on 95 %
negatives learns that predicting "negative" is nearly always right.
``class_weight="balanced"`` weighs each class in the loss inversely to its
frequency, as in scikit-learn's linear models, and ``fit(X, y,
sample_weight=...)`` weighs single sequences.

Here the bundled GUE core-promoter task is made imbalanced: all 4,000
non-promoters of the training split are kept and the promoters are cut to 5 %
of the training data. The test split stays as published (half promoters), so
balanced accuracy and the recall of the rare class show what each model found.
"""

# %%
# An imbalanced training set
# --------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, balanced_accuracy_score, recall_score

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_promoter

X, y = load_promoter(split="train", return_X_y=True)
X_test, y_test = load_promoter(split="test", return_X_y=True)
rng = np.random.default_rng(0)
negatives, positives = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
keep = np.sort(np.r_[negatives, rng.choice(positives, len(negatives) // 19, replace=False)])
X_rare, y_rare = [X[i] for i in keep], y[keep]
print(f"{len(y_rare)} training sequences, {y_rare.mean():.1%} promoters")

# %%
# The same model, with and without class weights
# ----------------------------------------------
# A small network (32 filters, one residual block) keeps the example short.
models = {}
for class_weight in (None, "balanced"):
    clf = AttnGenClassifier(
        n_filters=32, n_blocks=1, max_epochs=5, class_weight=class_weight, verbose=0, random_state=0
    )
    models[str(class_weight)] = clf.fit(X_rare, y_rare)
    predicted = clf.predict(X_test)
    print(
        f"class_weight={class_weight!s:8}  balanced accuracy "
        f"{balanced_accuracy_score(y_test, predicted):.3f}  promoter recall "
        f"{recall_score(y_test, predicted):.3f}"
    )

# %%
# Without weights the model calls almost everything a non-promoter; with
# balanced weights it finds most promoters, at the cost of more false alarms.
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
for ax, (name, clf) in zip(axes, models.items(), strict=True):
    ConfusionMatrixDisplay.from_predictions(
        y_test,
        clf.predict(X_test),
        display_labels=["non-promoter", "promoter"],
        colorbar=False,
        ax=ax,
    )
    ax.set_title(f"class_weight={name}")
plt.show()

# %%
# The weights travel through model selection: ``GridSearchCV(...).fit(X, y,
# sample_weight=w)`` and ``cross_validate(..., params={"sample_weight": w})``
# hand each fold its own rows' weights (with scikit-learn's metadata routing
# enabled, request them with ``clf.set_fit_request(sample_weight=True)``).
# ``benchmarks/bench_imbalance.py`` measures the same on GUE tasks at full size.
