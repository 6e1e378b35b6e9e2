"""
=================================================
Comparing AttnGen with baselines over seeds
=================================================

:func:`~sklearn_attngen.evaluation.compare_estimators` fits every model once per
seed on the same data and reports accuracy, MCC and ROC-AUC with their spread.
Each pair of models is compared over the test sequences (a paired bootstrap of
the test set, with a confidence interval of each difference, and McNemar's test
of each seed's predictions) and over the seeds (paired t-test and Wilcoxon). A
difference is worth believing when both agree. Here: the
bundled UCI splice-junction data (3 classes, 60 nt), a 6-mer logistic
regression, the Genomic Benchmarks CNN and a small AttnGen, three seeds each
(small models and few epochs, so the example runs in seconds).
"""

# %%
import matplotlib.pyplot as plt
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier, KmerEncoder
from sklearn_attngen.datasets import load_splice_junction
from sklearn_attngen.evaluation import compare_estimators
from sklearn_attngen.plotting import plot_training_curves

X_train, y_train = load_splice_junction(split="train", return_X_y=True)
X_test, y_test = load_splice_junction(split="test", return_X_y=True)

models = {
    "6-mer + LR": make_pipeline(KmerEncoder(k=6), LogisticRegression(max_iter=1000)),
    "GB CNN": CNNBaselineClassifier(max_epochs=4, verbose=0),
    "AttnGen": AttnGenClassifier(n_filters=32, n_blocks=1, max_epochs=4, verbose=0),
}
result = compare_estimators(models, X_train, y_train, X_test, y_test, n_seeds=3)
print(result)

# %%
# Training curves
# ---------------
# Every skorch-based estimator keeps its per-epoch history in ``history_``.
clf = AttnGenClassifier(n_filters=32, n_blocks=1, max_epochs=4, verbose=0, random_state=0)
clf.fit(X_train, y_train)
ax = plot_training_curves(clf, keys=("train_loss",))
ax.set_title("AttnGen on splice junctions")
plt.show()
