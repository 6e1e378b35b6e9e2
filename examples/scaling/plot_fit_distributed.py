"""
==========================================================
Training one model on several processes (data-parallel)
==========================================================

:func:`~sklearn_attngen.fit_distributed` trains one
:class:`~sklearn_attngen.AttnGenClassifier` data-parallel with PyTorch's
:class:`~torch.nn.parallel.DistributedDataParallel`: every process trains on
its share of each batch and the gradients are averaged. This file is such a
training script. Started as ``python plot_fit_distributed.py`` (as the
documentation build does), it trains in one process, where ``fit_distributed``
is a plain ``fit``. Started with PyTorch's launcher, it trains on two processes
(CPU cores, or GPUs with ``device="cuda"``)::

    torchrun --standalone --nproc-per-node 2 examples/scaling/plot_fit_distributed.py

Both give the same kind of model, a plain ``AttnGenClassifier``; only the first
process prints, plots and saves it. See the "Scaling out" user guide for what
each process does and how closely the result matches a one-process fit.
"""

# %%
# The data and the estimator
# --------------------------
# Every process loads the same data and builds the same estimator. The
# ``batch_size`` is the global batch: with two processes, each trains on 32
# of every 64 sequences. The validation split must be the same in every
# process, hence the fixed ``random_state`` of ``ValidSplit``.
import pickle

import matplotlib.pyplot as plt
import numpy as np
import torch.distributed as dist
from skorch.dataset import ValidSplit

from sklearn_attngen import AttnGenClassifier, fit_distributed
from sklearn_attngen.datasets import load_splice_junction

X, y = load_splice_junction(split="train", return_X_y=True)
X_test, y_test = load_splice_junction(split="test", return_X_y=True)

clf = AttnGenClassifier(
    n_filters=32,
    n_blocks=1,
    max_epochs=4,
    batch_size=64,
    lr=5e-3,
    train_split=ValidSplit(0.2, stratified=True, random_state=0),
    verbose=0,
    random_state=0,
)

# %%
# Training
# --------
# Under ``torchrun`` the first call sets up the process group (gloo on the CPU),
# wraps the network in ``DistributedDataParallel`` for the fit and unwraps it
# afterwards. Every process ends with the same fitted estimator.
fit_distributed(clf, X, y)

main = not dist.is_initialized() or dist.get_rank() == 0
n_processes = dist.get_world_size() if dist.is_initialized() else 1

# %%
# The result, from the first process
# ----------------------------------
# ``history_`` reads as for one process: each batch's loss averaged over the
# processes, the global batch size, and the validation accuracy that every
# process computed on the whole validation split with the same network.
if main:
    print(f"trained on {n_processes} process(es); test accuracy {clf.score(X_test, y_test):.3f}")
    epochs = clf.history_[:, "epoch"]
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(epochs, clf.history_[:, "train_loss"], "o-", label="training loss")
    ax.plot(epochs, clf.history_[:, "valid_loss"], "s-", label="validation loss")
    ax.plot(epochs, clf.history_[:, "valid_acc"], "^-", label="validation accuracy")
    ax.set_xticks(epochs)
    ax.set_xlabel("epoch")
    ax.set_title(f"AttnGenClassifier on {n_processes} process(es)")
    ax.legend()
    fig.tight_layout()

# %%
# A fitted estimator like any other
# ---------------------------------
# No DistributedDataParallel wrapper is left on it: it pickles, loads and
# predicts in a process that knows nothing of the launch.
if main:
    restored = pickle.loads(pickle.dumps(clf))
    print(type(restored).__name__, type(restored.module_).__name__)
    same = np.array_equal(restored.predict_proba(X_test), clf.predict_proba(X_test))
    print("same probabilities after pickling:", same)
    plt.show()
