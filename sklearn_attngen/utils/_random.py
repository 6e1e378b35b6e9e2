"""Torch random state that never leaks into the caller's."""

from contextlib import contextmanager

import torch

__all__ = ["private_torch_rng"]


@contextmanager
def private_torch_rng(device="cpu", seed=None):
    """Run a block under a forked torch RNG (CPU and ``device``), optionally seeded.

    The caller's global torch RNG state is restored on exit.
    """
    if device is None:  # placement left to someone else (e.g. Accelerate): every GPU
        devices = list(range(torch.cuda.device_count()))
    else:
        device = torch.device(device)
        if device.type != "cuda":
            devices = []
        else:  # "cuda" is the current device (torch.cuda.set_device, as under torchrun)
            devices = [torch.cuda.current_device() if device.index is None else device.index]
    with torch.random.fork_rng(devices=devices):
        if seed is not None:
            torch.manual_seed(seed)
        yield
