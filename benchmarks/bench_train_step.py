"""A training step's speed and its share of the CPU's float32 peak.

In one process, on random sequences (batch 128, 101 and 200 nt, the default
network), it times the training step (forward, backward, AdamW step) of

- ``0.1``: the network as in version 0.1: element-wise dropout in the residual
  blocks, the padding multiplies on every batch, float32;
- ``0.2 float32``: channel dropout (``nn.Dropout1d``), no padding multiplies on
  batches without padding, float32 (``mixed_precision=None``);
- ``0.2 default``: the same under bfloat16 autocast, what ``mixed_precision="auto"``
  does on a CPU with bfloat16 instructions;

and prints sequences per second, the ratio to ``0.1``, and the step's
convolution and matrix-multiply FLOPs (counted by
:class:`torch.utils.flop_counter.FlopCounterMode`, forward and backward) per
second as a percent of the float32 peak. The peak is ``threads x clock x 64``:
two AVX-512 FMA units per core, each 16 float32 multiply-adds (32 FLOPs) per
cycle; the clock is read from ``/proc/cpuinfo`` (``--ghz`` overrides it). A
float32 matrix product (2048 x 2048) is timed beside it, as the peak a
well-fed kernel reaches on this machine.

Each variant is timed in ``--repeats`` rounds of ``--steps`` steps; the median
round is reported.

``--fit`` times whole ``fit`` calls instead, on ``--n-samples`` random 101-nt
sequences for ``--epochs`` epochs, each model in turn in ``--repeats`` rounds:
``AttnGenClassifier()`` against the same estimator with 0.1's network and
settings (``mixed_precision=None``, element-wise dropout and the padding
multiplies, ``saliency_`` over every training sequence). Both include
everything ``fit`` does: encoding, the epochs and the ``saliency_`` pass.

Run it on a quiet machine (``uptime`` load under 1):

    OMP_NUM_THREADS=1 python benchmarks/bench_train_step.py
    OMP_NUM_THREADS=1 python benchmarks/bench_train_step.py --fit
"""

import argparse
import os
import re
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from sklearn_attngen import AttnGenClassifier, _attngen
from sklearn_attngen._modules import AttnGenNet, padding_mask


class Net01(AttnGenNet):
    """AttnGenNet as in 0.1: element-wise dropout and the padding multiplies on
    every batch."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for block in self.blocks:
            block.dropout = nn.Dropout(block.dropout.p)

    def attention_logits_one_hot(self, x, lengths):
        mask = padding_mask(x[:, 0], lengths)
        h = self.stem(x)
        if self.position is not None:
            h = h + self.position.weight[: x.shape[2]].T[None]
        keep = mask[:, None, :].to(h.dtype)
        for block in self.blocks:
            h = block(h * keep)
        h = (h * keep).transpose(1, 2)
        return h, self.score(h).masked_fill(~mask[..., None], float("-inf")), mask


def clock_ghz():
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    found = re.search(r"cpu MHz\s*:\s*([\d.]+)", text)
    return float(found.group(1)) / 1000 if found else None


def step_function(variant, size, length):
    torch.manual_seed(0)
    net = (Net01 if variant == "0.1" else AttnGenNet)(2, length)
    if variant.endswith("torch.compile"):
        net = torch.compile(net)
    optimizer = torch.optim.AdamW(net.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(0)
    codes = torch.randint(0, 4, (size, length), dtype=torch.uint8, generator=generator)
    lengths = torch.full((size,), length)
    y = torch.randint(0, 2, (size,), generator=generator)
    bfloat16 = variant.startswith("0.2 default")

    def step():
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
            logits, _ = net(codes, lengths)
        nn.functional.cross_entropy(logits.float(), y).backward()
        optimizer.step()

    return step


def flops_per_step(step):
    counter = FlopCounterMode(display=False)
    with counter:
        step()
    return counter.get_total_flops()


def seconds_per_step(step, steps, repeats):
    for _ in range(3):
        step()
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        rounds.append((time.perf_counter() - start) / steps)
    return statistics.median(rounds), rounds


def matmul_flops(repeats):
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * 2048**3 / statistics.median(times)


def fit_speeds(args):
    rng = np.random.default_rng(0)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    X = [row.tobytes().decode() for row in letters[rng.integers(0, 4, (args.n_samples, 101))]]
    y = rng.integers(0, 2, args.n_samples)
    models = {
        "0.1": dict(module=Net01, mixed_precision=None),
        "0.2 default": {},
    }
    speeds = {name: [] for name in models}
    # the first fit in a process pays one-off imports and set-up (seconds): not timed
    AttnGenClassifier(max_epochs=1, verbose=0).fit(X[:256], y[:256])
    for _ in range(args.repeats):
        for name, params in models.items():
            clf = AttnGenClassifier(max_epochs=args.epochs, verbose=0, random_state=0, **params)
            profile = _attngen.SALIENCY_PROFILE_SEQUENCES
            if name == "0.1":  # 0.1 averaged saliency_ over every training sequence
                _attngen.SALIENCY_PROFILE_SEQUENCES = args.n_samples
            start = time.perf_counter()
            try:
                clf.fit(X, y)
            finally:
                _attngen.SALIENCY_PROFILE_SEQUENCES = profile
            speeds[name].append(args.n_samples * args.epochs / (time.perf_counter() - start))
            print(f"  {name}: {speeds[name][-1]:.0f} seq/s", flush=True)
    ratios = [new / old for new, old in zip(speeds["0.2 default"], speeds["0.1"], strict=True)]
    print(
        f"\nfit on {args.n_samples:,} x 101 nt, {args.epochs} epochs, {torch.get_num_threads()} "
        "thread(s)\n\n| model | seq/s (median) | rounds |\n|---|---:|---|"
    )
    for name, values in speeds.items():
        print(
            f"| {name} | {statistics.median(values):.0f} "
            f"| {', '.join(f'{v:.0f}' for v in values)} |"
        )
    print(
        f"\n0.2 default / 0.1: median {statistics.median(ratios):.2f}x "
        f"(rounds {', '.join(f'{r:.2f}' for r in ratios)}); "
        f"load average {os.getloadavg()[0]:.2f} at end"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lengths", default="101,200")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ghz", type=float, default=None)
    parser.add_argument(
        "--more-batch-sizes",
        type=lambda text: [int(v) for v in text.split(",")] if text else [],
        default=[256],
        help="the default step at these batch sizes too (comma-separated)",
    )
    parser.add_argument("--compile", action="store_true", help="add a torch.compile variant")
    parser.add_argument("--fit", action="store_true", help="time whole fit calls")
    parser.add_argument("--n-samples", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    if args.fit:
        return fit_speeds(args)
    threads = torch.get_num_threads()
    ghz = args.ghz or clock_ghz()
    peak = threads * ghz * 1e9 * 64 if ghz else None
    print(
        f"torch {torch.__version__}, {threads} thread(s), clock {ghz} GHz, "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    if peak:
        sgemm = matmul_flops(args.repeats)
        print(
            f"float32 peak {peak / 1e9:.0f} GFLOP/s ({threads} x {ghz} GHz x 64); "
            f"a 2048 x 2048 float32 matmul reaches {sgemm / 1e9:.0f} GFLOP/s "
            f"({100 * sgemm / peak:.0f} %)"
        )
    print(
        "\n| length | variant | seq/s | vs 0.1 | GFLOP per step | GFLOP/s | % of fp32 peak "
        "| rounds (seq/s) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    variants = [("0.1", args.batch_size), ("0.2 float32", args.batch_size)]
    variants += [("0.2 default", size) for size in (args.batch_size, *args.more_batch_sizes)]
    if args.compile:
        variants.append(("0.2 default, torch.compile", args.batch_size))
    for length in (int(v) for v in args.lengths.split(",")):
        reference = None
        # the same convolutions and products in every variant: counted once, eagerly
        flops_per_sequence = flops_per_step(step_function("0.1", 8, length)) / 8
        for variant, size in variants:
            step = step_function(variant, size, length)
            flops = flops_per_sequence * size
            if variant.endswith("torch.compile"):
                start = time.perf_counter()
                step()
                print(f"(torch.compile: first step {time.perf_counter() - start:.0f} s)")
            seconds, rounds = seconds_per_step(step, args.steps, args.repeats)
            speed = size / seconds
            reference = reference or speed
            variant = variant if size == args.batch_size else f"{variant}, batch {size}"
            share = f"{100 * flops / seconds / peak:.1f}" if peak else "-"
            print(
                f"| {length} | {variant} | {speed:.0f} | {speed / reference:.2f}x "
                f"| {flops / 1e9:.2f} | {flops / seconds / 1e9:.1f} | {share} "
                f"| {', '.join(f'{size / r:.0f}' for r in rounds)} |",
                flush=True,
            )
    print(f"\nload average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
