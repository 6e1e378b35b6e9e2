"""Data-loader throughput against the training and inference steps it has to feed.

In one process, on the same generated 200-nt sequences, this times:

- loading alone: iterating a shuffled DataLoader over the codes, for
  - the previous pipeline, skorch's ``Dataset`` over a dict of arrays, which the
    DataLoader indexes one sample at a time and stacks with ``default_collate``;
  - ``CodesDataset`` with ``BatchIndices``, which the classifiers now use: the
    DataLoader hands it each batch of indices at once (``__getitems__``) and it
    answers with one fancy index;
  each in memory and over a memory-mapped file (``encode_to_memmap``);
- the steps being fed, on batches already loaded: a training step
  (``net.train_step``: forward, backward, AdamW) and an inference step
  (``net.evaluation_step``) of the default ``AttnGenClassifier``, on every
  ``--devices`` entry and ``--mixed-precision`` setting.

It prints batches/s and sequences/s per row and, for each loader, the headroom:
loader batches/s divided by training-step batches/s on each device (below 1,
the loader is the bottleneck).

    OMP_NUM_THREADS=1 python benchmarks/bench_loader.py
    python benchmarks/bench_loader.py --devices cpu cuda --mixed-precision none bfloat16 float16
"""

import argparse
import platform
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from skorch.dataset import Dataset
from torch.utils.data import DataLoader

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen._data import BatchIndices, CodesDataset, collate_batch
from sklearn_attngen.datasets import encode_to_memmap


def random_codes(n_samples, length, seed=0):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, (n_samples, length), dtype=np.uint8)
    return codes, np.full(n_samples, length, dtype=np.int64), rng.integers(0, 2, n_samples)


def loader_rate(make_loader, min_seconds):
    """Batches per second of full shuffled passes over the loader (at least min_seconds)."""
    torch.manual_seed(0)
    n_batches, start = 0, time.perf_counter()
    while True:
        for _ in make_loader():
            n_batches += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return n_batches / elapsed


def step_rate(step, batch, device, min_seconds, min_steps=3):
    step(batch)  # warm-up: allocations, cuDNN autotuning
    sync = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)
    sync()
    n, start = 0, time.perf_counter()
    while n < min_steps or time.perf_counter() - start < min_seconds:
        step(batch)
        n += 1
    sync()
    return n / (time.perf_counter() - start)


def main(args):
    # the per-sample peer over a read-only np.memmap makes default_collate warn once
    warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
    codes, lengths, y = random_codes(args.n_samples, args.length)
    folder = Path(tempfile.mkdtemp(prefix="bench_loader_"))
    strings = (np.frombuffer(b"ACGT", np.uint8)[codes].view(f"S{args.length}")[:, 0]).astype(str)
    data = encode_to_memmap(zip(strings, y, strict=True), folder / "codes")
    mm_codes = np.load(folder / "codes" / "codes.npy", mmap_mode="r")
    mm_lengths = np.load(folder / "codes" / "lengths.npy", mmap_mode="r")
    y_index = y.astype(np.int64)

    loaders = {
        "per-sample (skorch Dataset + default_collate), in memory": lambda bs: DataLoader(
            Dataset({"codes": codes, "lengths": lengths}, y_index), batch_size=bs, shuffle=True
        ),
        "batched (CodesDataset.__getitems__), in memory": lambda bs: DataLoader(
            CodesDataset(codes, lengths, y_index),
            batch_sampler=BatchIndices(len(y_index), bs, shuffle=True),
            collate_fn=collate_batch,
        ),
        "per-sample (skorch Dataset + default_collate), np.memmap": lambda bs: DataLoader(
            Dataset({"codes": mm_codes, "lengths": mm_lengths}, y_index),
            batch_size=bs,
            shuffle=True,
        ),
        "batched (CodesDataset.__getitems__), SequenceMemmap": lambda bs: DataLoader(
            CodesDataset(data.codes, data.lengths, y_index),
            batch_sampler=BatchIndices(len(y_index), bs, shuffle=True),
            collate_fn=collate_batch,
        ),
    }
    rows = []
    for batch_size in args.batch_sizes:
        for name, make in loaders.items():
            rate = loader_rate(lambda make=make, bs=batch_size: make(bs), args.min_seconds)
            rows.append(("load", name, "-", batch_size, rate))
            print(f"  {name}, batch {batch_size}: {rate:,.1f} batches/s", flush=True)

        for device in args.devices:
            for precision in args.mixed_precision:
                precision = None if precision == "none" else precision
                net = AttnGenClassifier(
                    max_epochs=1,
                    batch_size=batch_size,
                    device=device,
                    mixed_precision=precision,
                    verbose=0,
                    random_state=0,
                )
                net.fit(codes[: 2 * batch_size], y[: 2 * batch_size])
                dataset = net._as_dataset(codes, lengths, y_index)
                batch = next(iter(net.get_iterator(dataset, training=True)))
                label = f"{device}" + (f", {precision}" if precision else "")
                train = step_rate(net.train_step, batch, device, args.min_seconds)
                infer = step_rate(
                    lambda b, net=net: net.evaluation_step(b), batch, device, args.min_seconds
                )
                rows.append(
                    ("train step", "AttnGenClassifier() defaults", label, batch_size, train)
                )
                rows.append(
                    ("inference step", "AttnGenClassifier() defaults", label, batch_size, infer)
                )
                print(
                    f"  steps on {label}, batch {batch_size}: train {train:,.2f}/s, "
                    f"inference {infer:,.2f}/s",
                    flush=True,
                )

    print(
        f"\n{args.n_samples:,} random {args.length}-nt sequences; torch {torch.__version__}, "
        f"{torch.get_num_threads()} thread(s), {platform.machine()}"
        + (f", {torch.cuda.get_device_name()}" if "cuda" in args.devices else "")
    )
    train_rates = {(r[2], r[3]): r[4] for r in rows if r[0] == "train step"}
    step_labels = sorted({label for label, _ in train_rates})
    heads = [f"loader / train step ({label})" for label in step_labels]
    print(
        "| what | pipeline | device | batch | batches/s | sequences/s | " + " | ".join(heads) + " |"
    )
    print("|---|---|---|---:|---:|---:|" + "---:|" * len(heads))
    for kind, name, device, batch_size, rate in rows:
        ratios = [
            f"{rate / train_rates[label, batch_size]:,.0f}x" if kind == "load" else ""
            for label in step_labels
        ]
        print(
            f"| {kind} | {name} | {device} | {batch_size} | {rate:,.1f} | "
            f"{rate * batch_size:,.0f} | " + " | ".join(ratios) + " |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[128, 1024])
    parser.add_argument("--devices", nargs="+", default=["cpu"])
    parser.add_argument(
        "--mixed-precision", nargs="+", default=["none"], choices=["none", "bfloat16", "float16"]
    )
    parser.add_argument("--min-seconds", type=float, default=2.0)
    main(parser.parse_args())
