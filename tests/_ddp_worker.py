"""What every process of the 2-process test runs (``torchrun -m _ddp_worker OUT MEMMAP``).

Also imported by ``test_fit_distributed.py`` for the one-process references,
so that both sides build the same data, network and parameters. Each process
writes its results to ``OUT/rank<r>.pkl``.
"""

import faulthandler
import os
import pickle
import sys
from functools import partial

import _planted
import numpy as np
import torch
from skorch.dataset import ValidSplit
from torch import nn

from sklearn_attngen import AttnGenClassifier, fit_distributed
from sklearn_attngen._modules import AttnGenNet
from sklearn_attngen.datasets import SequenceMemmap


class NoBatchNormNet(AttnGenNet):
    """AttnGenNet with every BatchNorm1d replaced by the identity.

    Batch norm normalises each process's share of a batch with that share's
    statistics, so with it a 2-process fit cannot match a 1-process fit
    with the same global batch; without it (and without dropout) the two
    compute the same gradients, up to the order of float additions.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for module in list(self.modules()):
            for name, child in list(module.named_children()):
                if isinstance(child, nn.BatchNorm1d):
                    setattr(module, name, nn.Identity())


# 24-nt sequences, each with GATAAG (class 1) or CCCGGG (class 0) at a random offset
planted = partial(_planted.planted, length=24, labels=(0, 1))


# 101 rows in global batches of 16: 6 full batches and one of 5, shared 3 + 2, so the
# weighting of unequal shares is exercised. Masking from the second epoch on.
TIGHT_N = 101
TIGHT_PARAMS = dict(
    module=NoBatchNormNet,
    module__n_filters=8,
    module__n_blocks=1,
    module__attention_size=8,
    module__n_heads=2,
    module__dropout=0.0,
    batch_size=16,
    max_epochs=4,
    lr=1e-2,
    mask_fraction=0.2,
    mask_warmup=1,
    mask_ramp=1,
    verbose=0,
    random_state=0,
    # float32: half batches in bfloat16 (mixed_precision="auto" on a CPU with bfloat16
    # instructions) round differently from whole ones, by more than this test allows
    mixed_precision=None,
)
# The default recipe (batch norm, dropout, shuffling, cosine schedule), smaller,
# with a fixed validation split; trained from a SequenceMemmap.
DEFAULT_N, DEFAULT_LENGTH = 400, 40
DEFAULT_PARAMS = dict(
    n_filters=16,
    n_blocks=1,
    attention_size=16,
    batch_size=32,
    max_epochs=4,
    verbose=0,
    random_state=0,
)


def default_split():
    return ValidSplit(0.25, stratified=True, random_state=0)


def _result(clf, X):
    batches = [b for epoch in clf.history_ for b in epoch["batches"] if "train_loss" in b]
    return {
        "state": {name: t.detach().numpy().copy() for name, t in clf.module_.state_dict().items()},
        "proba": clf.predict_proba(X),
        "saliency": clf.saliency_,
        "batch_loss": np.array([batch["train_loss"] for batch in batches]),
        "batch_size": np.array([batch["train_batch_size"] for batch in batches]),
        "epoch_loss": np.array(clf.history_[:, "train_loss"]),
        "class": type(clf),
        "attributes": sorted(vars(clf)),
    }


def main(out, memmap):
    # a deadlock (one process waiting in a collective) shows where, instead of hanging
    faulthandler.dump_traceback_later(240, exit=True)
    torch.set_num_threads(1)
    rank = int(os.environ["RANK"])
    results = {}

    X, y = planted(TIGHT_N)
    clf = fit_distributed(AttnGenClassifier(**TIGHT_PARAMS), X, y)
    results["tight"] = _result(clf, X)

    data = SequenceMemmap(memmap)
    clf = fit_distributed(AttnGenClassifier(train_split=default_split(), **DEFAULT_PARAMS), data)
    results["default"] = _result(clf, data)
    results["default"]["valid_acc"] = np.array(clf.history_[:, "valid_acc"])
    if rank == 0:
        results["default_pickle"] = pickle.dumps(clf)

    # the strand test: unseeded, each process draws its own sample; the first one's answer
    # holds for all
    from sklearn_attngen import _base

    _base.STRAND_TEST_MIN = 100
    clf = fit_distributed(AttnGenClassifier(**{**DEFAULT_PARAMS, "random_state": None}), data)
    results["strand_symmetric"] = clf.strand_symmetric_
    results["strand_proba"] = clf.predict_proba(data)
    _base.STRAND_TEST_MIN = 1000

    # a split that differs between processes (no random_state) must stop every process
    unseeded = AttnGenClassifier(train_split=ValidSplit(0.25), **DEFAULT_PARAMS)
    try:
        fit_distributed(unseeded, data)
    except ValueError as error:
        results["unseeded_split_error"] = str(error)

    with open(os.path.join(out, f"rank{rank}.pkl"), "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    import _ddp_worker  # the classes pickled as _ddp_worker.*, not __main__.*

    _ddp_worker.main(*sys.argv[1:])
