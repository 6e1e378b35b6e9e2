"""Shared test set-up."""

import pytest
import torch

from sklearn_attngen.datasets._memmap import _MemmapRows


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    """Run every test with one intra-op torch thread.

    The machines are shared: one thread is faster than two contended ones (with the
    tiny models here, synchronising two threads cost up to 25x the work itself,
    measured on predict). It also fixes the summation order, so the dask test's
    workers (started by the nanny with OMP_NUM_THREADS=1) and the sequential
    search here add up the same way.
    """
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


@pytest.fixture
def read_rows(monkeypatch):
    """Record the number of rows of every read of a memmap's codes."""
    sizes = []
    original = _MemmapRows.__getitem__

    def recording(self, key):
        rows = original(self, key)
        sizes.append(len(rows))
        return rows

    monkeypatch.setattr(_MemmapRows, "__getitem__", recording)
    return sizes
