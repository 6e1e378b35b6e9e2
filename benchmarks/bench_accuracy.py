"""Test accuracy of AttnGen vs GB CNN vs 6-mer + logistic regression, and the masking sweep.

On the real tasks in ../shared/data, every model is trained on the same
training data (GUE tasks: a seeded subsample of ``--n-train`` rows, the same
for every model and seed) and scored on the official test split. Neural
models run once per seed; AttnGen also once per extra ``--mask-fractions``
value, paired with the unmasked run of the same seed. For every AttnGen run
the script also measures how compact its saliency is: test accuracy after
replacing each sequence's top-10 % attention positions with N, beside the
same number of random positions.

Each finished run is appended to ``--results`` (JSON lines), so an
interrupted run resumes where it stopped; the tables are printed from that file.

    python benchmarks/bench_accuracy.py                                  # everything
    python benchmarks/bench_accuracy.py --tasks uci_splice_junction --seeds 0
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from _shared_data import load_shared
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, matthews_corrcoef
from sklearn.pipeline import make_pipeline

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier, KmerEncoder
from sklearn_attngen.preprocessing import decode_sequences, encode_sequences

TASKS = ("uci_splice_junction", "janggu_oct4_vs_mafk", "gue/tf/0", "gue/prom/prom_core_all")


def load_task(task, n_train):
    X_train, y_train = load_shared(task, "train")
    X_test, y_test = load_shared(task, "test")
    if n_train and len(X_train) > n_train:
        keep = np.sort(np.random.default_rng(0).choice(len(X_train), n_train, replace=False))
        X_train, y_train = [X_train[i] for i in keep], np.asarray(y_train)[keep]
    return X_train, np.asarray(y_train), X_test, np.asarray(y_test)


def delete_positions(X, order, fraction):
    """Replace the first ``floor(fraction * length)`` positions of ``order`` by N."""
    codes, lengths = encode_sequences(X)
    n_deleted = np.floor(fraction * lengths).astype(int)
    rank = np.argsort(order, axis=1)  # rank of each position in the deletion order
    codes[rank < n_deleted[:, None]] = 4
    return decode_sequences(codes, lengths)


def deletion_scores(clf, X_test, y_test, fraction=0.1, seed=0):
    saliency = clf.saliency(X_test)
    codes, lengths = encode_sequences(X_test)
    real = np.arange(codes.shape[1])[None] < lengths[:, None]
    top_first = np.argsort(np.where(real, -saliency, np.inf), axis=1, kind="stable")
    rng = np.random.default_rng(seed)
    random_first = np.argsort(np.where(real, rng.random(codes.shape), np.inf), axis=1)
    return {
        "acc_top10_deleted": clf.score(delete_positions(X_test, top_first, fraction), y_test),
        "acc_random10_deleted": clf.score(delete_positions(X_test, random_first, fraction), y_test),
    }


def make_model(name, seed, mask_fraction):
    if name == "kmer":
        return make_pipeline(KmerEncoder(k=6), LogisticRegression(max_iter=2000))
    if name == "cnn":
        return CNNBaselineClassifier(random_state=seed)
    return AttnGenClassifier(mask_fraction=mask_fraction, random_state=seed)


def run(args):
    path = Path(args.results)
    path.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if path.exists():
        for line in path.read_text().splitlines():
            r = json.loads(line)
            done.add((r["task"], r["model"], r["seed"], r["mask_fraction"]))
    for task in args.tasks:
        data = None
        jobs = [("kmer", 0, 0.0)]
        jobs += [(m, s, 0.0) for s in args.seeds for m in ("cnn", "attngen")]
        jobs += [("attngen", s, p) for p in args.mask_fractions for s in args.seeds]
        for model, seed, p in jobs:
            if model not in args.models or (task, model, seed, p) in done:
                continue
            if data is None:
                data = load_task(task, args.n_train)
            X_train, y_train, X_test, y_test = data
            clf = make_model(model, seed, p)
            start = time.perf_counter()
            clf.fit(X_train, y_train)
            fit_seconds = time.perf_counter() - start
            y_pred = clf.predict(X_test)
            record = {
                "task": task,
                "model": model,
                "seed": seed,
                "mask_fraction": p,
                "n_train": len(X_train),
                "n_test": len(X_test),
                "accuracy": accuracy_score(y_test, y_pred),
                "mcc": matthews_corrcoef(y_test, y_pred),
                "fit_seconds": fit_seconds,
            }
            if model == "attngen":
                record.update(deletion_scores(clf, X_test, y_test))
            with path.open("a") as f:
                f.write(json.dumps(record) + "\n")
            print(
                f"  {task} {model} seed={seed} mask={p}: acc {100 * record['accuracy']:.2f} "
                f"mcc {100 * record['mcc']:.2f} ({fit_seconds:.0f} s)",
                flush=True,
            )


def _mean_std(values):
    values = 100 * np.asarray(values)
    return f"{values.mean():.2f} ± {values.std():.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def report(args):
    records = [json.loads(line) for line in Path(args.results).read_text().splitlines()]
    tasks = [t for t in TASKS if any(r["task"] == t for r in records)]

    def select(task, model, p=0.0):
        rows = [r for r in records if r["task"] == task and r["model"] == model]
        return sorted((r for r in rows if r["mask_fraction"] == p), key=lambda r: r["seed"])

    print("\nTest accuracy % (MCC x 100), mean ± std over seeds; n_train as trained")
    print("| task | n_train | 6-mer + LR | GB CNN | AttnGen (default) | AttnGen fit s |")
    print("|---|---|---|---|---|---|")
    for task in tasks:
        kmer, cnn, attn = select(task, "kmer"), select(task, "cnn"), select(task, "attngen")
        cells = []
        for rows in (kmer, cnn, attn):
            if rows:
                acc = _mean_std([r["accuracy"] for r in rows])
                mcc = np.mean([r["mcc"] for r in rows]) * 100
                cells.append(f"{acc} ({mcc:.1f}, n={len(rows)})")
            else:
                cells.append("-")
        n_train = (kmer or cnn or attn)[0]["n_train"]
        fit = f"{np.mean([r['fit_seconds'] for r in attn]):.0f}" if attn else "-"
        print(f"| {task} | {n_train} | " + " | ".join(cells) + f" | {fit} |")

    print("\nMasking sweep: AttnGen test accuracy %, paired with mask_fraction=0 of the same seed;")
    print("compactness: accuracy after deleting the top-10 % attention positions vs 10 % random")
    print(
        "| task | mask_fraction | accuracy | Δ vs 0 (paired) | p (paired t) | top-10 % deleted "
        "| random 10 % deleted | fit s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for task in tasks:
        base = {r["seed"]: r for r in select(task, "attngen")}
        fractions = sorted(
            {r["mask_fraction"] for r in records if r["task"] == task and r["model"] == "attngen"}
        )
        for p in fractions:
            rows = select(task, "attngen", p)
            paired = [(r, base[r["seed"]]) for r in rows if r["seed"] in base]
            delta, pval = "-", "-"
            if p > 0 and paired:
                diffs = [a["accuracy"] - b["accuracy"] for a, b in paired]
                delta = f"{100 * np.mean(diffs):+.2f}"
                if len(diffs) > 1 and np.std(diffs) > 0:
                    a_acc = [a["accuracy"] for a, _ in paired]
                    b_acc = [b["accuracy"] for _, b in paired]
                    pval = f"{stats.ttest_rel(a_acc, b_acc).pvalue:.3f}"
            print(
                f"| {task} | {p} | {_mean_std([r['accuracy'] for r in rows])} | {delta} | {pval} "
                f"| {_mean_std([r['acc_top10_deleted'] for r in rows])} "
                f"| {_mean_std([r['acc_random10_deleted'] for r in rows])} "
                f"| {np.mean([r['fit_seconds'] for r in rows]):.0f} |"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=lambda s: s.split(","), default=list(TASKS))
    parser.add_argument("--models", type=lambda s: s.split(","), default=["kmer", "cnn", "attngen"])
    parser.add_argument("--seeds", type=lambda s: [int(x) for x in s.split(",")], default=[0, 1, 2])
    parser.add_argument(
        "--mask-fractions", type=lambda s: [float(x) for x in s.split(",") if x], default=[0.1, 0.2]
    )
    parser.add_argument("--n-train", type=int, default=10_000, help="GUE train subsample size")
    parser.add_argument("--results", default="benchmarks/results/accuracy.jsonl")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if not args.report_only:
        run(args)
    report(args)
