"""AttnGenRegressor against a tuned k-mer ridge regression on real regression data.

Two measured data sets (MIT-licensed copies, see each SOURCE.txt in ../shared/data):

- yeast promoter expression (Vaishnav et al. 2022), the split bundled with the
  package (``load_yeast_promoters``: 4,232 train / 1,057 test, 110 nt);
- human enhancer activity by lentiMPRA in WTC11 cells (Agarwal et al. 2025),
  the authors' valid fold as training data and their test fold as test
  (4,617 / 4,620, 230 nt).

The peer, ``KmerEncoder(k) + Ridge(alpha)``, has k in {4, 5, 6} and alpha in
10^-2..10^4 chosen on a dev split (a random 20 % of the training data, seed 0),
then is refitted on all training data; the test split is read once. AttnGen runs
with every default (``normalize_y=True``) and, on yeast, with
``normalize_y=False``, over seeds. Prints R², Pearson r and Spearman rho.

Run from the repository root (results resume from benchmarks/results/regression.jsonl)::

    python benchmarks/bench_regression.py
"""

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _runs import Runs, machine
from _shared_data import shared_data_dir
from _table import metric_cells

from sklearn_attngen import AttnGenRegressor, KmerEncoder
from sklearn_attngen.datasets import load_yeast_promoters, read_sequences

ALPHAS = np.logspace(-2, 4, 7)


def load(name):
    if name == "yeast":
        return (
            *load_yeast_promoters(return_X_y=True),
            *load_yeast_promoters(split="test", return_X_y=True),
        )
    folder = shared_data_dir() / "mpra_agarwal_wtc11"
    read = partial(read_sequences, label_column="activity", return_X_y=True)
    return (*read(folder / "train.csv.gz"), *read(folder / "test.csv.gz"))


def scores(y_test, y_pred):
    return {
        "r2": r2_score(y_test, y_pred),
        "pearson": pearsonr(y_test, y_pred)[0],
        "spearman": spearmanr(y_test, y_pred)[0],
    }


def tuned_kmer_ridge(X, y, X_test, y_test):
    start = time.perf_counter()
    perm = np.random.default_rng(0).permutation(len(X))
    dev, fit = perm[: len(X) // 5], perm[len(X) // 5 :]
    best = max(
        ((k, alpha) for k in (4, 5, 6) for alpha in ALPHAS),
        key=lambda p: (
            make_pipeline(KmerEncoder(k=p[0]), Ridge(alpha=p[1]))
            .fit([X[i] for i in fit], y[fit])
            .score([X[i] for i in dev], y[dev])
        ),
    )
    model = make_pipeline(KmerEncoder(k=best[0]), Ridge(alpha=best[1])).fit(X, y)
    return {
        **scores(y_test, model.predict(X_test)),
        "k": best[0],
        "alpha": float(best[1]),
        "fit_s": time.perf_counter() - start,
    }


def attngen(X, y, X_test, y_test, **params):
    start = time.perf_counter()
    model = AttnGenRegressor(verbose=0, **params).fit(X, y)
    return {**scores(y_test, model.predict(X_test)), "fit_s": time.perf_counter() - start}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="yeast,mpra")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    runs = Runs("regression")
    rows = []
    for name in args.data.split(","):
        X, y, X_test, y_test = load(name)
        data = (X, y, X_test, y_test)
        record = runs.run(partial(tuned_kmer_ridge, *data), data=name, model="kmer_ridge")
        rows.append(
            (
                name,
                len(y),
                len(y_test),
                f"k-mer ridge (k={record['k']}, alpha={record['alpha']:g})",
                [record],
            )
        )
        for normalize_y in (True, False) if name == "yeast" else (True,):
            records = [
                runs.run(
                    partial(attngen, *data, random_state=seed, normalize_y=normalize_y),
                    data=name,
                    model="attngen",
                    normalize_y=normalize_y,
                    seed=seed,
                )
                for seed in range(args.seeds)
            ]
            rows.append(
                (name, len(y), len(y_test), f"AttnGenRegressor(normalize_y={normalize_y})", records)
            )
    print(f"\n{machine()}\n")
    print("| data | train / test | model | R² | Pearson r | Spearman rho | fit s |")
    print("|---|---|---|---:|---:|---:|---:|")
    for name, n, n_test, model, records in rows:
        print(
            f"| {name} | {n:,} / {n_test:,} | {model} (n={len(records)}) | "
            + metric_cells(records, ("r2", "pearson", "spearman"), digits=3)
        )


if __name__ == "__main__":
    main()
