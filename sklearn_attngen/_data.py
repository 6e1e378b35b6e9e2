"""The torch Dataset the classifiers train and predict on: one fancy index per batch.

A map-style dataset makes torch's DataLoader fetch samples one by one and stack
them (``default_collate``): 5-8 us per sequence here, and more for rows of
a memory-mapped file. :class:`CodesDataset` also implements ``__getitems__``,
so the loader hands it the whole batch of indices at once; it answers with
ready batch arrays, which :func:`collate_batch` turns into tensors without
copying.

:class:`BatchIndices` draws the batches: the same permutation, from the same
random draws, as ``DataLoader(shuffle=True)``'s ``RandomSampler``, but kept as
one int64 array instead of torch's list of Python ints (about 56 bytes per
sequence, 280 MB for 5M sequences). Batches are identical to per-sample
loading, so fits are bit-identical.
"""

import math

import numpy as np
import torch
from torch.utils.data import Dataset
from torch.utils.data._utils.collate import default_collate

from .utils import pad_codes

__all__ = ["BatchIndices", "CodesDataset", "collate_batch"]


class CodesDataset(Dataset):
    """``({"codes", "lengths"}, y)`` samples over in-memory or memory-mapped codes.

    Parameters
    ----------
    codes : ndarray or array-like of shape (n_samples, width)
        ``uint8`` codes; anything whose ``codes[index_array]`` returns an array
        (e.g. the rows of a :class:`~sklearn_attngen.datasets.SequenceMemmap`).
    lengths : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs), or None
        Class indices or regression targets; None (prediction) yields zeros.
    n_positions : int or None
        Width of the batches; narrower codes are padded with N per batch.
    sample_weight : ndarray of shape (n_samples,) or None
        Per-sequence loss weights, handed to the loss as
        ``X["sample_weight"]`` (the estimators keep it away from the module).
    """

    def __init__(self, codes, lengths, y=None, n_positions=None, sample_weight=None):
        self.codes, self.lengths, self.y = codes, np.asarray(lengths), y
        self.n_positions = codes.shape[1] if n_positions is None else n_positions
        self.sample_weight = sample_weight

    def __len__(self):
        return len(self.lengths)

    def __getitems__(self, indices):
        index = np.asarray(indices, dtype=np.int64)
        X = {
            "codes": pad_codes(self.codes[index], self.n_positions),
            "lengths": self.lengths[index],
        }
        if self.sample_weight is not None:
            X["sample_weight"] = self.sample_weight[index]
        y = np.zeros(len(index), dtype=np.int64) if self.y is None else self.y[index]
        return _Batch((X, y))

    def __getitem__(self, i):
        X, y = self.__getitems__([i])
        return {key: value[0] for key, value in X.items()}, y[0]


class _Batch(tuple):
    """A batch already assembled by ``CodesDataset.__getitems__``."""

    __slots__ = ()


def collate_batch(batch):
    """Tensors of a ``CodesDataset`` batch (zero copy); ``default_collate`` otherwise."""
    if isinstance(batch, _Batch):
        X, y = batch
        return {key: torch.from_numpy(value) for key, value in X.items()}, torch.from_numpy(y)
    return default_collate(batch)


class BatchIndices(torch.utils.data.Sampler):
    """Index arrays of consecutive batches, in order or shuffled, for ``batch_sampler=``.

    Shuffling draws its seed from the global torch RNG when iteration starts, and
    permutes with ``torch.randperm``, exactly as ``RandomSampler`` does.
    """

    def __init__(self, n_samples, batch_size, *, shuffle=False, drop_last=False):
        self.n_samples, self.batch_size = n_samples, batch_size
        self.shuffle, self.drop_last = shuffle, drop_last

    def __len__(self):
        if self.drop_last:
            return self.n_samples // self.batch_size
        return math.ceil(self.n_samples / self.batch_size)

    def __iter__(self):
        order = None
        if self.shuffle:
            seed = int(torch.empty((), dtype=torch.int64).random_().item())
            generator = torch.Generator()
            generator.manual_seed(seed)
            order = torch.randperm(self.n_samples, generator=generator).numpy()
        for i in range(len(self)):
            start, stop = i * self.batch_size, min((i + 1) * self.batch_size, self.n_samples)
            yield np.arange(start, stop) if order is None else order[start:stop]
