"""Strand handling on the eight real tasks of the reproduction.

For each task and seed, two AttnGenClassifier fits on the same training rows
(at most ``--n-train``, drawn with seed 0): the default, and
``strand_augment=True``; each is scored on the official test split as it is
and with ``strand_average=True`` (no refit: averaging is a prediction-time
setting). Also reports how often a prediction flips when the test sequences are
reverse-complemented, and the correlation of a sequence's saliency with that of
its reverse complement mapped back, without averaging (runs recorded before
version 0.2's saliency, which correlated the attention, show "-") (with averaging both are
exact: 0 flips, correlation 1). Accuracy % and MCC x 100, mean ± sd over seeds,
differences paired by seed against the default.

Run from the repository root (results resume from benchmarks/results/strands.jsonl)::

    python benchmarks/bench_strands.py
    python benchmarks/bench_strands.py --tasks gue/tf/0 --seeds 1 --n-train 2000
    python benchmarks/bench_strands.py --worker 0 --of 2 &  # fits only, on two cores
    python benchmarks/bench_strands.py --worker 1 --of 2
"""

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.metrics import matthews_corrcoef

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _runs import Runs, machine
from _shared_data import load_shared

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.preprocessing import reverse_complement

TASKS = (
    "gue/tf/0",
    "gue/tf/1",
    "gue/tf/2",
    "gue/mouse/0",
    "janggu_oct4_vs_mafk",
    "gue/prom/prom_core_all",
    "gue/prom/prom_300_tata",
    "uci_splice_junction",
)


def _row_correlation(a, b):
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


def run(task, seed, augment, n_train):
    X, y = load_shared(task, "train")
    keep = np.sort(np.random.default_rng(0).permutation(len(X))[:n_train])
    X, y = [X[i] for i in keep], np.asarray(y)[keep]
    X_test, y_test = load_shared(task, "test")
    X_rc = reverse_complement(X_test)
    start = time.perf_counter()
    clf = AttnGenClassifier(strand_augment=augment, random_state=seed, verbose=0).fit(X, y)
    fit_s = time.perf_counter() - start
    record = {"fit_s": fit_s, "n_fit": len(y)}
    predicted = clf.predict(X_test)
    record["flips"] = float(np.mean(predicted != clf.predict(X_rc)))
    lengths = np.array([len(s) for s in X_test])
    saliency, saliency_rc = clf.saliency(X_test), clf.saliency(X_rc)
    mapped = np.array(
        [np.r_[row[:n][::-1], row[n:]] for row, n in zip(saliency_rc, lengths, strict=True)]
    )
    record["saliency_r"] = float(np.nanmean(_row_correlation(saliency, mapped)))
    record["map"] = "value_path"  # runs without it correlated 0.1's map, the attention
    for average in (False, True):
        predicted = clf.set_params(strand_average=average).predict(X_test)
        suffix = "_avg" if average else ""
        record["accuracy" + suffix] = float(np.mean(predicted == y_test))
        record["mcc" + suffix] = float(matthews_corrcoef(y_test, predicted))
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--of", type=int, default=1, help="workers sharing the fits (no table)")
    args = parser.parse_args()
    runs = Runs("strands")

    def record(task, augment, seed):
        return runs.run(
            partial(run, task, seed, augment, args.n_train),
            task=task,
            seed=seed,
            augment=augment,
            n_train=args.n_train,
        )

    if args.of > 1:
        jobs = [
            (task, augment, seed)
            for task in args.tasks.split(",")
            for augment in (False, True)
            for seed in range(args.seeds)
        ]
        for task, augment, seed in jobs[args.worker :: args.of]:
            record(task, augment, seed)
        return
    table = []
    for task in args.tasks.split(","):
        by = {}
        for augment in (False, True):
            by[augment] = [record(task, augment, seed) for seed in range(args.seeds)]
        table.append((task, by))
    print(f"\n{machine()}\n")
    print(
        "| task | n train | setting | accuracy % | MCC x 100 | Δ MCC vs default (paired) | "
        "flips % | saliency r (rc) |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for task, by in table:
        reference = np.array([100 * r["mcc"] for r in by[False]])
        for augment in (False, True):
            for average in (False, True):
                suffix = "_avg" if average else ""
                acc = np.array([100 * r["accuracy" + suffix] for r in by[augment]])
                mcc = np.array([100 * r["mcc" + suffix] for r in by[augment]])
                delta = mcc - reference
                name = ["default", "augment"][augment] + (" + average" if average else "")
                flips = (
                    "0" if average else f"{100 * np.mean([r['flips'] for r in by[augment]]):.1f}"
                )
                current = [r["saliency_r"] for r in by[augment] if r.get("map") == "value_path"]
                corr = "1" if average else (f"{np.mean(current):.2f}" if current else "-")
                change = (
                    "-"
                    if not (augment or average)
                    else (
                        f"{delta.mean():+.1f} ± {delta.std(ddof=1):.1f}"
                        if len(delta) > 1
                        else f"{delta.mean():+.1f}"
                    )
                )
                print(
                    f"| {task} | {by[augment][0]['n_fit']:,} | {name} | "
                    f"{acc.mean():.1f} ± {acc.std(ddof=1) if len(acc) > 1 else 0:.1f} | "
                    f"{mcc.mean():.1f} | {change} | {flips} | {corr} |"
                )


if __name__ == "__main__":
    main()
