"""
=====================================================
Model search on a dask cluster, on data in a file
=====================================================

A grid search over :class:`~sklearn_attngen.AttnGenClassifier` runs on a
`dask.distributed <https://distributed.dask.org>`_ cluster through joblib's dask
backend: scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` is
unchanged, ``joblib.parallel_config(backend="dask")`` sends each
(candidate, fold) fit to a worker. The training data is first encoded once into
memory-mapped files with :func:`~sklearn_attngen.datasets.encode_to_memmap`, so
that each task ships a file path and an index, not the sequences.

Here the cluster is a :class:`~distributed.LocalCluster` of two workers with one
thread each, on the bundled UCI splice-junction data, with small models for a
short run. On a real cluster only the ``Client`` line changes (see the end of
this example and the "Scaling out" user guide).
Needs the ``distributed`` extra: ``pip install "sklearn-attngen[distributed]"``.
"""

# %%
# Encode the training data once
# -----------------------------
# A CSV file of sequences and labels (here written from the bundled data) is
# streamed into ``codes.npy``, ``lengths.npy`` and label files; the result,
# a :class:`~sklearn_attngen.datasets.SequenceMemmap`, is accepted as ``X``
# and indexes like an array, so cross-validation splits it without copying.
import tempfile
import time
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import encode_to_memmap, load_splice_junction

X, y = load_splice_junction(split="train", return_X_y=True)
folder = Path(tempfile.mkdtemp())
csv = folder / "splice_train.csv"
csv.write_text(
    "sequence,label\n" + "".join(f"{s},{label}\n" for s, label in zip(X, y, strict=True))
)
data = encode_to_memmap(csv, folder / "splice_train")
print(data)

# %%
# The search, on two workers
# --------------------------
# Every fit is seeded (``random_state=0``), so the scores are the ones a
# sequential ``search.fit`` would give; the cluster only runs the fits side
# by side. The local workers are threads of this process (``processes=False``),
# so this script needs no ``if __name__ == "__main__":`` guard; worker
# processes (``processes=True``, the default, and every real cluster) receive
# each task pickled, which ``tests/test_distributed.py`` checks gives the
# same scores.
search = GridSearchCV(
    AttnGenClassifier(n_filters=16, n_blocks=1, max_epochs=3, verbose=0, random_state=0),
    {"mask_fraction": [0.0, 0.1], "lr": [2e-3, 1e-2]},
    cv=2,
    n_jobs=-1,
)
with (
    LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster,
    Client(cluster) as client,
    joblib.parallel_config(backend="dask"),
):
    start = time.perf_counter()
    search.fit(data, data.target)
    print(f"{len(search.cv_results_['params']) * 2} fits in {time.perf_counter() - start:.0f} s")

print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

# %%
# Cross-validated accuracy of each candidate
# ------------------------------------------
results = search.cv_results_
fig, ax = plt.subplots(figsize=(5, 3))
for lr in (2e-3, 1e-2):
    rows = np.flatnonzero(results["param_lr"] == lr)
    ax.errorbar(
        results["param_mask_fraction"][rows].astype(float),
        results["mean_test_score"][rows],
        yerr=results["std_test_score"][rows],
        marker="o",
        capsize=3,
        label=f"lr = {lr:g}",
    )
ax.set(xlabel="mask_fraction", ylabel="2-fold CV accuracy", xticks=[0.0, 0.1])
ax.legend()
fig.tight_layout()

# %%
# On a real cluster
# -----------------
# Start a scheduler and one worker per GPU, each seeing only its own GPU and
# running one task at a time (this is how skorch documents multi-GPU search)::
#
#     dask scheduler
#     CUDA_VISIBLE_DEVICES=0 dask worker tcp://scheduler:8786 --nthreads 1
#     CUDA_VISIBLE_DEVICES=1 dask worker tcp://scheduler:8786 --nthreads 1
#
# then connect to it and give the estimator ``device="cuda"``; the workers
# must see the encoded files at the same path (a shared file system)::
#
#     client = Client("tcp://scheduler:8786")
#     search = GridSearchCV(AttnGenClassifier(device="cuda", random_state=0), grid, cv=5)
#     with joblib.parallel_config(backend="dask"):
#         search.fit(data, data.target)
