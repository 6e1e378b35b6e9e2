"""Class imbalance: AttnGenClassifier with and without class_weight="balanced".

Real GUE tasks made imbalanced: every negative training sequence is kept and the
positive class is subsampled (seed 0) to 5 % of the training set; the official
test split is scored as it is. Reports balanced accuracy, minority (positive)
recall, MCC and ROC-AUC, mean and sd over seeds, beside a 5-mer logistic
regression with and without class_weight="balanced" (deterministic: one run).

Run from the repository root (results resume from benchmarks/results/imbalance.jsonl)::

    python benchmarks/bench_imbalance.py                      # tf/0 and prom_core_all
    python benchmarks/bench_imbalance.py --tasks gue/tf/0 --seeds 1
"""

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    balanced_accuracy_score,
    matthews_corrcoef,
    recall_score,
    roc_auc_score,
)
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _runs import Runs, machine
from _shared_data import load_shared
from _table import metric_cells

from sklearn_attngen import AttnGenClassifier, KmerEncoder


def imbalanced_train(task, fraction):
    X, y = load_shared(task, "train")
    rng = np.random.default_rng(0)
    negatives, positives = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    n_pos = round(fraction * len(negatives) / (1 - fraction))
    keep = np.sort(np.r_[negatives, rng.choice(positives, n_pos, replace=False)])
    return [X[i] for i in keep], y[keep]


def scores(y_test, proba):
    predicted = proba.argmax(axis=1)
    return {
        "balanced_accuracy": balanced_accuracy_score(y_test, predicted),
        "minority_recall": recall_score(y_test, predicted),
        "mcc": matthews_corrcoef(y_test, predicted),
        "roc_auc": roc_auc_score(y_test, proba[:, 1]),
    }


def make_model(name, class_weight, seed):
    if name == "5-mer LR":
        classifier = LogisticRegression(max_iter=2000, class_weight=class_weight)
        return make_pipeline(KmerEncoder(k=5), classifier)
    return AttnGenClassifier(class_weight=class_weight, random_state=seed, verbose=0)


def fit_and_score(model, X, y, X_test, y_test):
    start = time.perf_counter()
    model.fit(X, y)
    return {**scores(y_test, model.predict_proba(X_test)), "fit_s": time.perf_counter() - start}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", default="gue/tf/0,gue/prom/prom_core_all")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--fraction", type=float, default=0.05)
    args = parser.parse_args()
    runs = Runs("imbalance")
    rows = []
    for task in args.tasks.split(","):
        X, y = imbalanced_train(task, args.fraction)
        X_test, y_test = load_shared(task, "test")
        for name in ("5-mer LR", "AttnGen"):
            seeds = range(args.seeds) if name == "AttnGen" else [0]  # LR is deterministic
            for class_weight in (None, "balanced"):
                records = [
                    runs.run(
                        partial(
                            fit_and_score,
                            make_model(name, class_weight, seed),
                            X,
                            y,
                            X_test,
                            y_test,
                        ),
                        task=task,
                        model=name,
                        class_weight=class_weight,
                        seed=seed,
                        fraction=args.fraction,
                        n_train=len(y),
                        n_pos=int(y.sum()),
                    )
                    for seed in seeds
                ]
                rows.append((task, len(y), int(y.sum()), name, class_weight, records))
    print(f"\n{machine()}\n")
    metrics = ("balanced_accuracy", "minority_recall", "mcc", "roc_auc")
    print(
        "| task | train (positives) | model | class_weight | balanced acc. % | minority "
        "recall % | MCC x 100 | ROC-AUC % | fit s |"
    )
    print("|---|---|---|---|---:|---:|---:|---:|---:|")
    for task, n, n_pos, name, class_weight, records in rows:
        print(
            f"| {task} | {n:,} ({n_pos:,}) | {name} (n={len(records)}) | {class_weight} | "
            + metric_cells(records, metrics, scale=100, digits=1)
        )


if __name__ == "__main__":
    main()
