"""One-seed screening of candidate settings on a dev split, before the full study.

Fits ``AttnGenClassifier(random_state=seed, **spec)`` on a task's training split
(as ``bench_tf_accuracy.py`` splits it) and prints the dev MCC of each spec; each
result is appended to ``benchmarks/results/tf_screen.jsonl``. A spec is the text
of keyword arguments; ``module=`` may name one of the network variants here:

- ``RandomPosNet``: the positional embedding drawn from N(0, 1), as in 0.1 (and
  the default again; the study's candidate default, ``positional="zeros"``,
  started it at zero when these runs were made);
- ``ElementDropoutNet``: element-wise dropout in the residual blocks, as in 0.1
  (0.2 drops whole channels);
- ``Net01``: both, the network of 0.1;
- ``MeanPoolNet``: a mean-pooling branch beside the attention pooling (a
  composition read-out, the "k-mer branch" idea);
- ``ScaledPosNet`` / ``ScaledPos01Net``: a random positional embedding times a
  learned scale that starts at 0 / 0.1.

``mutate=`` and ``shift=`` train an :class:`AugmentedClassifier` (evoaug-style
augmentation, Lee et al., Genome Biology 2023): each training sequence has that
fraction of its positions redrawn from the four bases and is rotated by a random
offset of at most ``shift`` positions, drawn anew every step.

``pretrain="gue/tf/1,gue/tf/2"`` first fits the spec on those tasks' training
splits pooled (bound or not, whatever the factor: the same two classes) and starts
the task's fit from that network's weights (a stem pretrained on the other TF
tasks); ``fit_s`` counts both fits, ``pretrain_s`` the first, and
``pretrain_in_dev_test`` counts pretraining sequences found in the task's dev or
test split.

    python benchmarks/bench_tf_screen.py gue/mouse/0 'positional="zeros"' \\
        "positional=False" "" "seed=1"

The screening ran under changing defaults (for a while the study's candidate,
``positional="zeros", max_epochs="auto"``); the recorded specs are written in
today's terms (the text as run is kept as ``spec_as_run`` or ``spec_then``), so
each reruns as it ran.
"""

import json
import sys
import time
from pathlib import Path

import torch
from sklearn.metrics import matthews_corrcoef
from skorch.callbacks import EarlyStopping, LRScheduler
from skorch.dataset import ValidSplit, unpack_data
from torch import nn
from torch.optim.lr_scheduler import ReduceLROnPlateau

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _runs import RESULTS
from bench_tf_accuracy import splits

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen._modules import AttnGenNet, padding_mask


class RandomPosNet(AttnGenNet):
    """The positional embedding drawn from N(0, 1), as in 0.1."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.position is not None:
            nn.init.normal_(self.position.weight)


class ElementDropoutNet(AttnGenNet):
    """Element-wise dropout in the residual blocks, as in 0.1."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for block in self.blocks:
            block.dropout = nn.Dropout(block.dropout.p)


class Net01(RandomPosNet, ElementDropoutNet):
    """0.1's network: random positional start and element-wise dropout."""


class MeanPoolNet(AttnGenNet):
    """Attention pooling plus the mean of the features over the real positions."""

    def __init__(self, n_outputs, max_length, **kwargs):
        super().__init__(n_outputs, max_length, **kwargs)
        n_filters = self.head.in_features // self.score[-1].out_features
        self.head = nn.Linear(self.head.in_features + n_filters, n_outputs)

    def forward_one_hot(self, x, lengths, *, fixed_attention=False):
        h, logits, mask = self.attention_logits_one_hot(x, lengths)
        weights = torch.softmax(logits, dim=1, dtype=torch.float32)
        if fixed_attention:
            weights = weights.detach()
        pooled = torch.einsum("blh,blf->bhf", weights, h).flatten(1)
        mean = h.sum(dim=1) / mask.sum(dim=1, keepdim=True).to(h.dtype)
        return self.head(self.dropout(torch.cat([pooled, mean], dim=1))), weights.mean(dim=2)


class _ScaledEmbedding(nn.Module):
    """An embedding whose ``weight`` reads as a learned scale times the table."""

    def __init__(self, embedding, start):
        super().__init__()
        self.embedding = embedding
        self.scale = nn.Parameter(torch.tensor(float(start)))

    @property
    def weight(self):
        return self.scale * self.embedding.weight


class ScaledPosNet(RandomPosNet):
    """A random positional embedding times a learned scale that starts at ``start``."""

    start = 0.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.position is not None:
            self.position = _ScaledEmbedding(self.position, self.start)


class ScaledPos01Net(ScaledPosNet):
    start = 0.1


class AugmentedClassifier(AttnGenClassifier):
    """Random substitutions and a random rotation of every training sequence, every step."""

    mutate = 0.0  # fraction of real positions replaced by a random base
    shift = 0  # largest rotation, in positions, either way

    def train_step_single(self, batch, **fit_params):
        Xi, yi = unpack_data(batch)
        codes, lengths = Xi["codes"], Xi["lengths"].to(Xi["codes"].device)
        real = padding_mask(codes, lengths)
        if self.mutate:
            hit = (torch.rand(codes.shape, device=codes.device) < self.mutate) & real
            bases = torch.randint(0, 4, codes.shape, dtype=codes.dtype, device=codes.device)
            codes = torch.where(hit, bases, codes)
        if self.shift:
            size = (len(codes), 1)
            offset = torch.randint(-self.shift, self.shift + 1, size, device=codes.device)
            positions = torch.arange(codes.shape[1], device=codes.device)[None]
            length = lengths[:, None]
            source = torch.where(real, (positions - offset) % length, positions)
            codes = torch.gather(codes, 1, source)
        return super().train_step_single(({**Xi, "codes": codes}, yi), **fit_params)

    def _plain_class(self):
        return AttnGenClassifier  # the strand test trains without the augmentation


class PretrainedClassifier(AttnGenClassifier):
    """Training starts from the weights of a network fitted on other tasks."""

    start_state = None  # the other network's ``module_.state_dict()``

    def initialize_module(self):
        super().initialize_module()
        self.module_.load_state_dict(self.start_state)
        return self

    def _plain_class(self):
        return AttnGenClassifier  # the strand test starts from random weights


def pretrained(tasks, target_X, seed, params):
    """A class whose fits start from a network fitted on the training splits of
    ``tasks`` pooled (bound or not, whatever the factor), and the number of those
    sequences that are also in ``target_X``'s task's dev or test split."""
    X, y = [], []
    for task in tasks:
        X_task, y_task, _ = splits(task)
        X += list(X_task)
        y += list(y_task)
    stem = AttnGenClassifier(random_state=seed, verbose=0, **params).fit(X, y)
    state = {key: value.clone() for key, value in stem.module_.state_dict().items()}
    shared = len(set(X) & set(target_X))
    return type("PretrainedClassifier", (PretrainedClassifier,), {"start_state": state}), shared


def main():
    task, specs = sys.argv[1], sys.argv[2:]
    X, y, evaluation = splits(task)
    X_dev, y_dev = evaluation["dev"]
    networks = (RandomPosNet, ElementDropoutNet, Net01, MeanPoolNet, ScaledPosNet, ScaledPos01Net)
    variants = {cls.__name__: cls for cls in networks}
    for spec in specs:
        names = {
            **variants,
            "nn": nn,
            "ValidSplit": ValidSplit,
            "EarlyStopping": EarlyStopping,
            "LRScheduler": LRScheduler,
            "ReduceLROnPlateau": ReduceLROnPlateau,
        }
        params = eval(f"dict({spec})", names)
        seed = params.pop("seed", 0)
        augment = {key: params.pop(key) for key in ("mutate", "shift") if key in params}
        others = params.pop("pretrain", None)
        estimator, extra = AttnGenClassifier, {}
        if augment:
            estimator = type("AugmentedClassifier", (AugmentedClassifier,), augment)
        start = time.perf_counter()
        if others and augment:
            raise ValueError("pretrain= does not combine with mutate= or shift=")
        if others:
            held_out = list(X_dev) + list(evaluation["test"][0])
            estimator, extra["pretrain_in_dev_test"] = pretrained(
                others.split(","), held_out, seed, params
            )
            extra["pretrain_s"] = round(time.perf_counter() - start, 1)
        model = estimator(random_state=seed, verbose=0, **params).fit(X, y)
        fit_s = time.perf_counter() - start
        record = {
            "task": task,
            "spec": spec,
            "seed": seed,
            "dev_mcc": round(100 * matthews_corrcoef(y_dev, model.predict(X_dev)), 2),
            # the first 5,000 training sequences: how far the fit is from its data
            "train_mcc": round(100 * matthews_corrcoef(y[:5000], model.predict(X[:5000])), 2),
            "fit_s": round(fit_s, 1),
            **extra,
        }
        print(json.dumps(record), flush=True)
        with (RESULTS / "tf_screen.jsonl").open("a") as handle:
            handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
