"""Built-in saliency and attention vs post-hoc attributions: speed and motif recovery, at scale.

The many-setting comparison is ``bench_saliency_study.py``; this script times the
read-outs on many sequences. It fits one AttnGenClassifier on sequences with planted
JASPAR motifs (:func:`~sklearn_attngen.datasets.make_motif_sequences`, CTCF vs SPI1 with
two shared distractor sites), then scores ``--n-samples`` fresh sequences of the same
kind with four methods on that same model: the estimator's own ``saliency(X,
signed=True)`` (the built-in map of the predicted class, one forward and one backward
pass) and ``attention(X)`` (the raw attention weights), and
:func:`~sklearn_attngen.interpret.attribute`'s ``input_x_gradient`` and captum's
``integrated_gradients`` (``--n-steps`` steps, all-N baseline).
(``attribute(method="saliency")`` gives the same map but first predicts the class of
every sequence, an extra forward pass.) For each it reports wall-clock and CPU (process)
time, sequences per second, the speed ratio against integrated gradients, and how well
the scores find the planted class-determining motif positions
(:func:`~sklearn_attngen.evaluation.motif_overlap`: pooled AUROC, mean per-sequence
AUROC and AUPRC). The signed attributions are ranked as returned (positive = evidence
for the predicted class); the AUROC of their absolute values is given too. Prints a
Markdown table.

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_saliency.py                 # 25,000 x 200 nt
    PYTHONPATH=. python benchmarks/bench_saliency.py --n-samples 2500
"""

import argparse
import os
import platform
import time

import numpy as np
import torch

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import make_motif_sequences
from sklearn_attngen.evaluation import motif_overlap
from sklearn_attngen.interpret import attribute

METHODS = ("saliency", "attention", "input_x_gradient", "integrated_gradients")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=25_000, help="sequences scored")
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--n-train", type=int, default=4000, help="training sequences")
    parser.add_argument("--max-epochs", type=int, default=6)
    parser.add_argument("--n-filters", type=int, default=32)
    parser.add_argument("--n-steps", type=int, default=50, help="integrated gradients steps")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def timed(func):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - start_wall, time.process_time() - start_cpu, result


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = dict(length=args.length, n_distractors=2)
    X_train, y_train, _ = make_motif_sequences(args.n_train, **data, random_state=args.seed)
    X, y, mask = make_motif_sequences(args.n_samples, **data, random_state=args.seed + 1)
    clf = AttnGenClassifier(
        n_filters=args.n_filters,
        n_blocks=3,
        attention_size=32,
        n_heads=4,
        positional=False,
        dropout=0.1,
        max_epochs=args.max_epochs,
        lr=5e-3,
        batch_size=64,
        random_state=args.seed,
    )
    fit_wall, _, _ = timed(lambda: clf.fit(X_train, y_train))
    clf.set_params(batch_size=args.batch_size)  # attention infers in batches of this size too
    accuracy = clf.score(X, y)
    n_params = sum(p.numel() for p in clf.module_.parameters())

    built_in = {  # what a user calls: the estimator's own read-outs, one pass over X
        "saliency": lambda: clf.saliency(X, signed=True),  # the predicted class's map
        "attention": lambda: clf.attention(X),
    }
    rows = {}
    for method in METHODS:
        wall, cpu, scores = timed(
            built_in.get(
                method,
                lambda method=method: (
                    attribute(
                        clf, X, method, batch_size=args.batch_size, n_steps=args.n_steps
                    ).scores
                ),
            )
        )
        overlap = motif_overlap(scores, mask)
        overlap.abs_auroc = motif_overlap(np.abs(scores), mask).auroc
        rows[method] = (wall, cpu, overlap)
    ig_wall, ig_cpu, _ = rows["integrated_gradients"]

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{args.n_samples:,} x {args.length}-nt planted-motif sequences (CTCF vs SPI1, 2 "
        f"distractor sites, seed {args.seed + 1}); AttnGenClassifier n_filters={args.n_filters}, "
        f"n_blocks=3, {n_params:,} parameters, fitted on {args.n_train:,} sequences in "
        f"{fit_wall:.0f} s, test accuracy {accuracy:.3f}; batch {args.batch_size}, "
        f"IG {args.n_steps} steps; torch {torch.__version__}, {torch.get_num_threads()} "
        f"thread(s), {os.cpu_count()} CPUs ({platform.machine()}), load average {load:.1f} "
        "at end\n"
    )
    print(
        "| method | time (s) | CPU time (s) | sequences/s | speed vs IG | speed vs IG, CPU | "
        "AUROC (pooled) | AUROC, abs. scores | AUROC (mean per seq.) | AUPRC (mean per seq.) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for method, (wall, cpu, overlap) in rows.items():
        print(
            f"| {method} | {wall:.2f} | {cpu:.2f} | {args.n_samples / wall:,.0f} | "
            f"{ig_wall / wall:.0f}x | {ig_cpu / cpu:.0f}x | {overlap.auroc:.3f} | "
            f"{overlap.abs_auroc:.3f} | "
            f"{overlap.mean_auroc:.3f} | {overlap.mean_auprc:.3f} |"
        )
    print(f"\nchance: AUROC 0.5, AUPRC {rows['attention'][2].positive_rate:.3f}")


if __name__ == "__main__":
    main()
