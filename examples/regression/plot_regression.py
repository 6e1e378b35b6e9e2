"""
=================================================
Predicting promoter activity
=================================================

:class:`~sklearn_attngen.AttnGenRegressor` is the AttnGen network with a
regression head: same inputs, saliency and scikit-learn behaviour as the
classifier, for continuous targets such as expression, enhancer activity or
binding strength. Here it predicts the expression that Vaishnav et al. (Nature
2022) measured for random 80-nt promoters in yeast (bundled with the package,
``load_yeast_promoters``), beside a k-mer ridge regression.
"""

# %%
# Data and two models
# -------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline

from sklearn_attngen import AttnGenRegressor, KmerEncoder
from sklearn_attngen.datasets import load_yeast_promoters

X, y = load_yeast_promoters(return_X_y=True)
X_test, y_test = load_yeast_promoters(split="test", return_X_y=True)
print(f"{len(X)} training promoters of {len(X[0])} nt; expression {y.mean():.1f} ± {y.std():.1f}")

kmer = make_pipeline(KmerEncoder(k=5), RidgeCV(alphas=np.logspace(-2, 4, 7))).fit(X, y)
reg = AttnGenRegressor(max_epochs=6, verbose=0, random_state=0).fit(X, y)
for name, model in (("5-mer ridge", kmer), ("AttnGenRegressor", reg)):
    print(f"{name:17} test R² {model.score(X_test, y_test):.3f}")

# %%
# Predicted against measured expression
# -------------------------------------
fig, ax = plt.subplots(figsize=(4.5, 4.2), layout="constrained")
predicted = reg.predict(X_test)
ax.scatter(y_test, predicted, s=4, alpha=0.4)
low, high = y_test.min(), y_test.max()
ax.plot([low, high], [low, high], color="black", linewidth=0.8)
ax.set(xlabel="measured expression", ylabel="predicted expression", title="AttnGenRegressor")
plt.show()

# %%
# Where the model looks
# ---------------------
# ``saliency_`` is the mean saliency (magnitude) of each position over the
# training promoters: how much the base there moves the predicted expression.
# The fixed flanks (the first 17 and the last 13 positions, shaded) are the same
# in every promoter, so they cannot explain differences between promoters; the
# map can still give them weight, because it measures the model's sensitivity
# at the base in place, not a difference from a reference sequence.
fig, ax = plt.subplots(figsize=(7, 2.6), layout="constrained")
ax.plot(np.arange(1, len(reg.saliency_) + 1), reg.saliency_)
for start, end in ((0, 17), (97, 110)):
    ax.axvspan(start + 0.5, end + 0.5, color="0.85", zorder=0)
ax.set(xlabel="position", ylabel="mean saliency", title="fixed flanks shaded")
plt.show()
