"""KmerEncoder vs scikit-learn's CountVectorizer: same counts, how much faster.

Counts the k-mers (default k=6) of random and real DNA sequences with
``KmerEncoder(k=k).fit_transform`` and with
``CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False).fit_transform``
in the same process, the two alternating run by run so that other jobs on the
machine slow both alike. Checks that both give identical counts (columns
matched by k-mer) and prints one Markdown table row per dataset: the median
wall-clock time of ``--repeat`` runs of each (validation and vocabulary
included), their ratio, the ratio of the median CPU (process) times, which a
busy machine disturbs less, KmerEncoder's nucleotides per second, and the
1-minute load average after the row's runs. Speed figures are only worth
publishing from a quiet machine (1-minute load average under 1): the script
says so when it was not.

Run from the repository root::

    python benchmarks/bench_kmer.py
    python benchmarks/bench_kmer.py --shared-data /path/to/shared/data --repeat 5
"""

import argparse
import csv
import gzip
import os
import platform
import time
from functools import partial
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_attngen.preprocessing import KmerEncoder

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_SETS = {
    "gue/tf/0 (train, 101 nt)": "gue/tf/0/train.csv.gz",
    "gue/prom/prom_core_all (train, 70 nt)": "gue/prom/prom_core_all/train.csv.gz",
    "janggu_oct4_vs_mafk (train, 200 nt)": "janggu_oct4_vs_mafk/train.csv.gz",
}


def random_sequences(n_seqs, length, seed):
    """``n_seqs`` uniform random ACGT strings of ``length`` nucleotides."""
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    rows = letters[np.random.default_rng(seed).integers(0, 4, size=(n_seqs, length))]
    return [row.tobytes().decode("ascii") for row in rows]


def read_sequences(path):
    """The ``sequence`` column of a gzipped CSV file."""
    with gzip.open(path, "rt", newline="") as f:
        return [row["sequence"] for row in csv.DictReader(f)]


def load_average():
    return os.getloadavg()[0]


def timed(func):
    """Wall-clock and CPU (process) seconds of one call, and its result."""
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - start_wall, time.process_time() - start_cpu, result


def check_same_counts(X_kmer, kmer_names, X_cv, cv_names):
    """Assert both matrices hold the same counts once columns are matched by k-mer."""
    column = {name: i for i, name in enumerate(kmer_names)}
    missing = [name for name in cv_names if name not in column]
    if missing:
        raise AssertionError(
            f"CountVectorizer found k-mers KmerEncoder has no column for: {missing[:5]}"
        )
    X_kmer = X_kmer.tocsc()[:, [column[name] for name in cv_names]].tocsr()
    if X_kmer.shape != X_cv.shape or (X_kmer != X_cv).nnz:
        raise AssertionError("KmerEncoder and CountVectorizer counts differ.")
    # Every column CountVectorizer lacks must be all zero in KmerEncoder's output.
    if X_kmer.sum() != X_cv.sum():
        raise AssertionError("KmerEncoder counts k-mers that CountVectorizer never saw.")


def run(name, sequences, k, repeat):
    """Time both encoders on ``sequences``, alternating, check counts, return a table row."""
    if any(set(seq) - set("ACGT") for seq in sequences):
        raise ValueError(
            f"{name}: only upper-case ACGT sequences compare 1:1 with CountVectorizer."
        )
    times = {"cv": [], "kmer": []}
    for _ in range(repeat):
        vectorizer = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
        encoder = KmerEncoder(k=k)
        *cv_times, X_cv = timed(partial(vectorizer.fit_transform, sequences))
        *kmer_times, X_kmer = timed(partial(encoder.fit_transform, sequences))
        times["cv"].append(cv_times)
        times["kmer"].append(kmer_times)
    check_same_counts(
        X_kmer, encoder.get_feature_names_out(), X_cv, vectorizer.get_feature_names_out()
    )
    cv_wall, cv_cpu = np.median(times["cv"], axis=0)
    kmer_wall, kmer_cpu = np.median(times["kmer"], axis=0)
    n_nucleotides = sum(map(len, sequences))
    return (
        f"| {name} | {len(sequences):,} | {cv_wall:.3f} | {kmer_wall:.4f} "
        f"| {cv_wall / kmer_wall:.1f}x | {cv_cpu / kmer_cpu:.1f}x "
        f"| {n_nucleotides / kmer_wall / 1e6:.0f} M | {load_average():.2f} |"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared-data",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="folder holding gue/ and janggu_oct4_vs_mafk/ (default: ../shared/data "
        "relative to the repository root); real sets missing there are skipped",
    )
    parser.add_argument("--k", type=int, default=6, help="k-mer length (default: 6)")
    parser.add_argument("--n-random", type=int, default=75_000, help="random sequences")
    parser.add_argument("--length", type=int, default=200, help="random sequence length")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random sequences")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each encoder; the median is kept (>= 3)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 3:
        parser.error("--repeat must be at least 3: the table reports medians.")

    datasets = {
        f"random ACGT ({args.length} nt, seed {args.seed})": random_sequences(
            args.n_random, args.length, args.seed
        )
    }
    skipped = []
    for name, relative in REAL_SETS.items():
        path = args.shared_data / relative
        if path.is_file():
            datasets[name] = read_sequences(path)
        else:
            skipped.append(str(path))

    start_load = os.getloadavg()
    print(
        f"k = {args.k}; fit_transform, median of {args.repeat} runs of each, CountVectorizer "
        f"and KmerEncoder alternating; identical counts asserted; {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}"
    )
    print(f"load average (1, 5, 15 min) at start: {', '.join(f'{x:.2f}' for x in start_load)}")
    for path in skipped:
        print(f"skipped (not found): {path}")
    print()
    print(
        "| dataset | n_seqs | CountVectorizer (s) | KmerEncoder (s) | speed ratio "
        "| speed ratio, CPU time | KmerEncoder nt/s | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, sequences in datasets.items():
        print(run(name, sequences, args.k, args.repeat), flush=True)
    print()
    end_load = os.getloadavg()
    print(f"load average (1, 5, 15 min) at end: {', '.join(f'{x:.2f}' for x in end_load)}")
    if max(start_load[0], end_load[0]) >= 1:
        print(
            "note: the machine was busy (1-minute load average >= 1): other jobs slow both "
            "encoders by different amounts, so these ratios are not for publication."
        )


if __name__ == "__main__":
    main()
