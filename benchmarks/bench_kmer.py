"""KmerEncoder vs scikit-learn's CountVectorizer: same counts, how much faster.

Counts the k-mers (default k=6) of random and real DNA sequences with
``KmerEncoder(k=k).fit_transform`` and with
``CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False).fit_transform``,
checks that both give identical counts (columns matched by k-mer), and prints
one Markdown table row per dataset: the best wall-clock time of ``--repeat``
runs of each, their ratio, KmerEncoder's nucleotides per second, and the ratio
of the best CPU (process) times, which a busy machine disturbs less.

Run from the repository root::

    python benchmarks/bench_kmer.py
    python benchmarks/bench_kmer.py --shared-data /path/to/shared/data
"""

import argparse
import csv
import gzip
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_attngen.preprocessing import KmerEncoder

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_SETS = {
    "gue/prom/prom_core_all (train)": "gue/prom/prom_core_all/train.csv.gz",
    "janggu_oct4_vs_mafk (train)": "janggu_oct4_vs_mafk/train.csv.gz",
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


def best_time(func, repeat):
    """Smallest wall-clock and CPU (process) time over ``repeat`` calls, and the result."""
    wall, cpu = [], []
    for _ in range(repeat):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu), result


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
    """Time both encoders on ``sequences``, check their counts, return a table row."""
    if any(set(seq) - set("ACGT") for seq in sequences):
        raise ValueError(
            f"{name}: only upper-case ACGT sequences compare 1:1 with CountVectorizer."
        )
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
    encoder = KmerEncoder(k=k)
    cv_seconds, cv_cpu, X_cv = best_time(lambda: vectorizer.fit_transform(sequences), repeat)
    kmer_seconds, kmer_cpu, X_kmer = best_time(lambda: encoder.fit_transform(sequences), repeat)
    check_same_counts(
        X_kmer, encoder.get_feature_names_out(), X_cv, vectorizer.get_feature_names_out()
    )
    n_nucleotides = sum(map(len, sequences))
    return (
        f"| {name} | {len(sequences):,} | {cv_seconds:.2f} | {kmer_seconds:.3f} "
        f"| {cv_seconds / kmer_seconds:.1f}x | {n_nucleotides / kmer_seconds / 1e6:.1f} M "
        f"| {cv_cpu / kmer_cpu:.1f}x |"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared-data",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="folder holding gue/ and janggu_oct4_vs_mafk/ (default: ../shared/data "
        "relative to the repository root)",
    )
    parser.add_argument("--k", type=int, default=6, help="k-mer length (default: 6)")
    parser.add_argument("--n-random", type=int, default=75_000, help="random sequences")
    parser.add_argument("--length", type=int, default=200, help="random sequence length")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random sequences")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing; best is kept")
    args = parser.parse_args(argv)

    paths = {name: args.shared_data / rel for name, rel in REAL_SETS.items()}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        sys.exit(
            f"error: shared data not found: {', '.join(missing)}.\n"
            "Pass the folder that holds gue/ and janggu_oct4_vs_mafk/ with --shared-data PATH."
        )

    datasets = {
        f"random ACGT, {args.length} nt, seed {args.seed}": random_sequences(
            args.n_random, args.length, args.seed
        )
    }
    datasets.update({name: read_sequences(path) for name, path in paths.items()})

    print(
        f"k = {args.k}; fit_transform, best of {args.repeat} wall-clock runs each; identical "
        f"counts asserted; {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    print()
    print(
        "| dataset | n_seqs | CountVectorizer (s) | KmerEncoder (s) | speed ratio "
        "| KmerEncoder nt/s | speed ratio, CPU time |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, sequences in datasets.items():
        print(run(name, sequences, args.k, args.repeat), flush=True)
    print()
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
