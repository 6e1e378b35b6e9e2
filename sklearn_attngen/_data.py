"""The torch Dataset the classifiers train and predict on: one fancy index per batch.

A map-style dataset makes torch's DataLoader fetch samples one by one and stack
them (``default_collate``): about 5 us per sequence here, and far more for
rows of a memory-mapped file. :class:`CodesDataset` also implements
``__getitems__``, so the loader hands it the whole batch of indices at once; it
answers with ready batch arrays, which :func:`collate_batch` turns into tensors
without copying. Shuffling and batch composition are the DataLoader's, exactly
as with per-sample fetching.
"""

import numpy as np
import torch
from torch.utils.data import Dataset
from torch.utils.data._utils.collate import default_collate

from ._modules import N_CODE

__all__ = ["CodesDataset", "collate_batch"]


class CodesDataset(Dataset):
    """``({"codes", "lengths"}, y)`` samples over in-memory or memory-mapped codes.

    Parameters
    ----------
    codes : ndarray or array-like of shape (n_samples, width)
        ``uint8`` codes; anything whose ``codes[index_array]`` returns an array
        (e.g. the rows of a :class:`~sklearn_attngen.datasets.SequenceMemmap`).
    lengths : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,) or None
        Class indices; None (prediction) yields zeros.
    n_positions : int or None
        Width of the batches; narrower codes are padded with N per batch.
    """

    def __init__(self, codes, lengths, y=None, n_positions=None):
        self.codes, self.lengths, self.y = codes, np.asarray(lengths), y
        self.n_positions = codes.shape[1] if n_positions is None else n_positions

    def __len__(self):
        return len(self.lengths)

    def __getitems__(self, indices):
        index = np.asarray(indices, dtype=np.int64)
        codes = self.codes[index]
        if codes.shape[1] < self.n_positions:
            padded = np.full((len(index), self.n_positions), N_CODE, dtype=np.uint8)
            padded[:, : codes.shape[1]] = codes
            codes = padded
        y = np.zeros(len(index), dtype=np.int64) if self.y is None else self.y[index]
        return _Batch(({"codes": codes, "lengths": self.lengths[index]}, y))

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
