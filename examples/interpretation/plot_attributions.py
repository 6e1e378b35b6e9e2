"""
=================================================
Attention against post-hoc attributions
=================================================

The built-in saliency is one forward pass. Post-hoc attribution methods
explain the same fitted network after the fact, at a higher price: a
backward pass (gradient, input x gradient), 50 of them (integrated
gradients), or ``3 x length`` forward passes (in-silico mutagenesis, ISM).
:func:`~sklearn_attngen.interpret.attribute` computes all of them on the same
model, so they can be compared on sequences where the answer is known:
synthetic sequences whose class is set by a planted CTCF or SPI1 motif
(:func:`~sklearn_attngen.datasets.make_motif_sequences`), scored with
:func:`~sklearn_attngen.evaluation.motif_overlap`.

Integrated gradients need captum (``pip install sklearn-attngen[interpret]``).
"""

# %%
# Data and model
# --------------
import time

import matplotlib.pyplot as plt
import numpy as np

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import make_motif_sequences
from sklearn_attngen.evaluation import motif_overlap
from sklearn_attngen.interpret import METHODS, attribute
from sklearn_attngen.plotting import plot_saliency

X_train, y_train, _ = make_motif_sequences(1000, 80, n_distractors=1, random_state=0)
X_test, y_test, mask_test = make_motif_sequences(200, 80, n_distractors=1, random_state=1)

clf = AttnGenClassifier(
    n_filters=16,
    n_blocks=3,
    attention_size=16,
    positional=False,
    dropout=0.0,
    lr=1e-2,
    batch_size=32,
    max_epochs=5,
    verbose=0,
    random_state=0,
)
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# All attributions of the same model
# ----------------------------------
# Signed methods (the built-in saliency, input x gradient, integrated gradients,
# DeepLIFT/SHAP) give negative scores
# to evidence against the predicted class; a planted motif can show up with
# either sign, so their overlap is scored on absolute values too.
methods = METHODS  # every method attribute offers, from the built-in saliency to ISM
results, seconds = {}, {}
for method in methods:
    start = time.perf_counter()
    results[method] = attribute(clf, X_test, method)
    seconds[method] = time.perf_counter() - start

rows = []
for method in methods:
    scores = results[method].scores
    signed = motif_overlap(scores, mask_test).auroc
    absolute = motif_overlap(np.abs(scores), mask_test).auroc
    rows.append((method, seconds[method], signed, absolute))
    print(
        f"{method:<21} {seconds[method]:6.2f} s   AUROC {signed:.3f}   "
        f"AUROC of |scores| {absolute:.3f}"
    )

# %%
# Finding the planted motif, and what it costs
# --------------------------------------------
# AUROC of 0.5 is chance; 1 would rank every motif position above every other
# position. The time axis is logarithmic.
fig, (ax_auc, ax_time) = plt.subplots(1, 2, figsize=(9, 3), sharey=True)
y = np.arange(len(rows))
ax_auc.barh(y - 0.2, [r[2] for r in rows], height=0.4, label="scores")
ax_auc.barh(y + 0.2, [r[3] for r in rows], height=0.4, label="|scores|")
ax_auc.axvline(0.5, color="0.4", ls="--", lw=0.8)
ax_auc.set(yticks=y, yticklabels=[r[0] for r in rows], xlabel="motif AUROC", xlim=(0.4, 1))
ax_auc.invert_yaxis()
ax_auc.legend(ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False)
ax_time.barh(y, [r[1] for r in rows], color="C2")
ax_time.set(xscale="log", xlabel=f"seconds for {len(X_test)} sequences")
fig.tight_layout()

# %%
# One sequence, seven explanations
# --------------------------------
# :func:`~sklearn_attngen.plotting.plot_saliency` draws each result as what it
# is: the built-in saliency as a signed logo; the attention as a logo of
# non-negative heights; the gradient as a full
# logo of all four bases (what each base would contribute); input x gradient,
# integrated gradients and DeepLIFT/SHAP as signed logos (below the zero line: evidence
# against the predicted class); ISM as a heat map of the change in the logit
# for each substitution, the base in place lettered. The shaded span is the
# planted class motif; the tracks share their positions.
i = int(np.flatnonzero(y_test == 0)[0])
fig, axes = plt.subplots(len(methods), 1, figsize=(11, 12), sharex=True)
for ax, method in zip(axes, methods, strict=True):
    plot_saliency(X_test[i], results[method], ax=ax, index=i, regions=mask_test[i])
    ax.set_xlabel("")
    ax.yaxis.label.set_fontsize(8)
axes[-1].set_xlabel("position")
axes[0].set_title(f"test sequence {i} (CTCF class)", fontsize=9, loc="left")
fig.tight_layout()
plt.show()

# %%
# On this small model, which methods rank the planted positions best varies
# with training (``benchmarks/bench_saliency.py`` found attention behind
# integrated gradients on a larger model, and ahead on a smaller run): always
# measure, on data with a known answer, before trusting one method.
