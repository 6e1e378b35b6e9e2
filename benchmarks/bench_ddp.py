"""Data-parallel training: 1 process against N, sequences/s and time to a validation accuracy.

The parent process writes planted-motif sequences (``make_motif_sequences``,
two classes) once to a ``SequenceMemmap``, then, for each repeat and each
``--nproc`` entry, fits the same ``AttnGenClassifier`` on it in fresh processes:

- ``--nproc 1``: one plain Python process (``fit_distributed`` without a
  launcher is ``fit``): what a user runs without this feature;
- ``--nproc N > 1``: ``torchrun --standalone --nproc-per-node N`` (gloo on the
  CPU, NCCL with ``--device cuda``, one GPU per process).

Every run has the same global batch (``--batch-size``), seed and validation
split (``ValidSplit``, fixed seed), so the runs follow the same optimisation
problem and differ in who computes it. The CPU cores are shared out:
``OMP_NUM_THREADS = --cores // N`` per process, so 1 process gets all cores and
N processes one N-th each (``--threads`` sets another count, e.g. 1 for a
one-process, one-thread control). A callback in the first process times each
epoch's training phase and records the validation accuracy after each epoch.

Per configuration the table gives the median over ``--repeats`` runs (the
configurations alternate within a repeat) of:

- train seq/s: training rows per second of the training phases (no validation,
  no start-up);
- s to target: seconds from the start of training to the end of the first
  epoch whose validation accuracy reached ``--target-accuracy`` (validation
  included, start-up not); "-" if no epoch did;
- epochs to target, and the final validation accuracy;
- wall s: the whole run, process start-up and data loading included;
- speed-up: train seq/s and s to target against ``--nproc 1``.

It prints the load average (``os.getloadavg``) before and after: numbers from
a loaded machine are upper bounds on time. No test asserts on them.

CPU (2 cores), then N GPUs::

    python benchmarks/bench_ddp.py --nproc 1 2 --cores 2
    python benchmarks/bench_ddp.py --device cuda --nproc 1 2 4 8 --cores 16 \\
        --n-train 200000 --length 200 --batch-size 512 --max-epochs 4
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--nproc", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="CPU cores to share")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads per process (default: cores // N)"
    )
    parser.add_argument("--n-train", type=int, default=6000, help="sequences, validation included")
    parser.add_argument("--valid-fraction", type=float, default=0.2)
    parser.add_argument("--length", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=128, help="the global batch")
    parser.add_argument("--max-epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--target-accuracy", type=float, default=0.9)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--worker", nargs=2, metavar=("MEMMAP", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --------------------------------------------------------------------- worker
def worker(args):
    """One process of one run: fit, and (first process) write the timings as JSON."""
    import torch
    from skorch.callbacks import Callback
    from skorch.dataset import ValidSplit

    from sklearn_attngen import AttnGenClassifier, fit_distributed
    from sklearn_attngen.datasets import SequenceMemmap

    class EpochTimer(Callback):
        def on_train_begin(self, net, **kwargs):
            self.start_, self.epochs_ = time.perf_counter(), []

        def on_epoch_begin(self, net, **kwargs):
            self.epoch_start_ = time.perf_counter()

        def on_batch_end(self, net, training=False, **kwargs):
            if training:
                self.train_end_ = time.perf_counter()

        def on_epoch_end(self, net, **kwargs):
            self.epochs_.append(
                {
                    "train_seconds": self.train_end_ - self.epoch_start_,
                    "elapsed": time.perf_counter() - self.start_,
                    "valid_acc": float(net.history_[-1, "valid_acc"]),
                    "train_rows": int(
                        sum(
                            b["train_batch_size"]
                            for b in net.history_[-1, "batches"]
                            if "train_batch_size" in b
                        )
                    ),
                }
            )

    memmap, out = args.worker
    data = SequenceMemmap(memmap)
    timer = EpochTimer()
    clf = AttnGenClassifier(
        batch_size=args.batch_size,
        max_epochs=args.max_epochs,
        lr=args.lr,
        device=args.device,
        train_split=ValidSplit(args.valid_fraction, stratified=True, random_state=0),
        callbacks=[("timer", timer)],
        verbose=0,
        random_state=0,
    )
    fit_distributed(clf, data)
    if not torch.distributed.is_initialized() or torch.distributed.get_rank() == 0:
        world = torch.distributed.get_world_size() if torch.distributed.is_initialized() else 1
        result = {"world_size": world, "threads": torch.get_num_threads(), "epochs": timer.epochs_}
        Path(out).write_text(json.dumps(result))


# --------------------------------------------------------------------- parent
def make_data(args, folder):
    from sklearn_attngen.datasets import encode_to_memmap, make_motif_sequences

    X, y, _ = make_motif_sequences(args.n_train, length=args.length, random_state=0)
    return encode_to_memmap(zip(X, y.tolist(), strict=True), folder / "train")


def threads_per_process(args, nproc):
    return args.threads if args.threads is not None else max(1, args.cores // nproc)


def run_once(args, nproc, memmap, out):
    threads = threads_per_process(args, nproc)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    script = [str(Path(__file__).resolve())]
    options = [
        "--worker", str(memmap), str(out),
        "--device", args.device,
        "--batch-size", str(args.batch_size),
        "--max-epochs", str(args.max_epochs),
        "--lr", str(args.lr),
        "--valid-fraction", str(args.valid_fraction),
    ]  # fmt: skip
    if nproc == 1:
        command = [sys.executable, *script, *options]
    else:
        launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
        command = [*launcher, "--nproc-per-node", str(nproc), *script, *options]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.timeout)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    result = json.loads(Path(out).read_text())
    result["wall"] = wall
    return result


def summarise(result, target):
    epochs = result["epochs"]
    rows = sum(e["train_rows"] for e in epochs)
    seconds = sum(e["train_seconds"] for e in epochs)
    reached = [i for i, e in enumerate(epochs) if e["valid_acc"] >= target]
    return {
        "seq_per_s": rows / seconds,
        "to_target": epochs[reached[0]]["elapsed"] if reached else float("nan"),
        "epochs_to_target": reached[0] + 1 if reached else float("nan"),
        "final_acc": epochs[-1]["valid_acc"],
        "wall": result["wall"],
    }


def _median(values):
    values = [v for v in values if not np.isnan(v)]
    return statistics.median(values) if values else float("nan")


def _fmt(value, spec):
    return "-" if np.isnan(value) else format(value, spec)


def main(args):
    print(f"platform: {platform.platform()}, python {platform.python_version()}")
    print(f"device={args.device}, cores shared out: {args.cores}, nproc: {args.nproc}")
    print(
        f"data: {args.n_train} planted-motif sequences of {args.length} nt "
        f"({args.valid_fraction:.0%} validation), global batch {args.batch_size}, "
        f"{args.max_epochs} epochs, target validation accuracy {args.target_accuracy}"
    )
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    folder = Path(tempfile.mkdtemp(prefix="bench_ddp_"))
    memmap = make_data(args, folder)
    runs = {nproc: [] for nproc in args.nproc}
    for repeat in range(args.repeats):
        order = args.nproc if repeat % 2 == 0 else args.nproc[::-1]
        for nproc in order:
            result = run_once(args, nproc, memmap.directory, folder / f"r{repeat}_n{nproc}.json")
            summary = summarise(result, args.target_accuracy)
            runs[nproc].append(summary)
            print(
                f"  repeat {repeat}, {nproc} process(es) x {result['threads']} thread(s): "
                f"{summary['seq_per_s']:.0f} seq/s, "
                f"to target {_fmt(summary['to_target'], '.1f')} s, "
                f"final valid acc {summary['final_acc']:.3f}, wall {summary['wall']:.1f} s",
                flush=True,
            )
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")

    medians = {
        nproc: {key: _median([run[key] for run in results]) for key in results[0]}
        for nproc, results in runs.items()
    }
    base = medians[args.nproc[0]]
    print(f"\nmedian of {args.repeats} runs; speed-up against {args.nproc[0]} process(es)")
    print(
        "| processes | threads each | train seq/s | s to target | epochs to target "
        "| final valid acc | wall s | speed-up seq/s | speed-up to target |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for nproc, m in medians.items():
        threads = threads_per_process(args, nproc)
        print(
            f"| {nproc} | {threads} | {m['seq_per_s']:,.0f} | {_fmt(m['to_target'], '.1f')} "
            f"| {_fmt(m['epochs_to_target'], '.0f')} | {m['final_acc']:.3f} | {m['wall']:.1f} "
            f"| {m['seq_per_s'] / base['seq_per_s']:.2f}x "
            f"| {_fmt(base['to_target'] / m['to_target'], '.2f')}x |"
        )


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.worker:
        worker(arguments)
    else:
        main(arguments)
