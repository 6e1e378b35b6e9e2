"""Reproduce the analyses of the AttnGen paper, with the referee's controls.

Every analysis runs on every data set it is given, with the same training data
for every model and seed:

- accuracy, MCC and ROC-AUC of AttnGenClassifier vs the Genomic Benchmarks CNN
  vs 6-mer counts + logistic regression, over seeds; each run records its
  per-sequence test predictions, so the report tests the differences over test
  sequences (paired bootstrap, McNemar) beside the t-tests over seeds;
- the masking sweep: AttnGen at each ``--mask-fractions`` value, accuracy and
  deletion AUC, paired with the unmasked run of the same seed;
- convergence: accuracy on a validation split after every epoch, AttnGen vs CNN;
- perturbation: on a hold-out of up to 3,000 test sequences, accuracy after
  replacing the top 10 % / 20 % saliency positions of each sequence by N,
  beside the same number of random positions (``deletion_curve``);
- motif overlap on planted-motif data (``make_motif_sequences``): AttnGen's
  built-in saliency and raw attention vs integrated gradients, and integrated
  gradients on the CNN.

Data: the paper's Genomic Benchmarks ``demo_human_or_worm`` whenever
``load_genomic_benchmark`` finds or downloads it; otherwise the real data sets
in ../shared/data (GUE tf/0-2, prom_core_all, prom_300_tata, mouse/0, janggu
Oct4 vs MafK, UCI splice). ``--quick`` uses the bundled UCI splice data, so it
runs from a fresh clone anywhere (CI runs it).

Each finished run is appended to ``<results>/<mode>.jsonl`` with the commit that
produced it, so an interrupted run resumes where it stopped; a cached accuracy run
without per-sequence predictions (recorded by an older version) is run again, and
the newest record of a run is the one reported. ``--report PATH`` writes the
markdown report and its figures from that file.

    python benchmarks/reproduce.py --quick                   # < 3 min on 2 cores
    python benchmarks/reproduce.py --n-jobs 2 --report docs/benchmarks.md
    python benchmarks/reproduce.py --datasets gue/tf/0,planted --seeds 3
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SHARED_DATASETS = (
    "gue/tf/0",
    "gue/tf/1",
    "gue/tf/2",
    "gue/prom/prom_core_all",
    "gue/prom/prom_300_tata",
    "gue/mouse/0",
    "janggu_oct4_vs_mafk",
    "uci_splice_junction",
)
PAPER_DATASET = "demo_human_or_worm"

MODES = {
    "quick": dict(
        datasets=("bundled_splice", "planted"),
        seeds=2,
        sweep_seeds=2,
        mask_fractions=(0.0, 0.2),
        n_train=2000,
        max_epochs=5,
        max_holdout=500,
        planted_samples=1200,
        planted_length=100,
        ig_steps=16,
    ),
    "full": dict(
        datasets=None,  # demo_human_or_worm if found, else SHARED_DATASETS; then planted
        seeds=5,
        sweep_seeds=3,
        mask_fractions=(0.0, 0.05, 0.1, 0.2, 0.3, 0.5),
        n_train=2000,
        max_epochs=8,
        max_holdout=3000,
        planted_samples=2000,
        planted_length=200,
        ig_steps=32,
    ),
}
DELETION_FRACTIONS = (0.0, 0.1, 0.2, 0.3, 0.5)
N_VALIDATION = 1000


# --------------------------------------------------------------------------- data
def _split_sizes(n_rows, n_train):
    """(training rows, validation rows) taken from a training file of ``n_rows`` rows."""
    n_val = min(N_VALIDATION, n_rows // 10)
    return min(n_train, n_rows - n_val), n_val


def _split_train(X, y, n_train):
    """A seeded (train, validation) split of a training file, the same for every model."""
    n_tr, n_val = _split_sizes(len(X), n_train)
    perm = np.random.default_rng(0).permutation(len(X))
    tr, va = np.sort(perm[:n_tr]), np.sort(perm[n_tr : n_tr + n_val])
    y = np.asarray(y)
    return [X[i] for i in tr], y[tr], [X[i] for i in va], y[va]


def _source(name):
    """(train X, train y, test X, test y, description) of a real data set."""
    if name == PAPER_DATASET:
        from sklearn_attngen.datasets import load_genomic_benchmark

        X, y = load_genomic_benchmark(name, split="train", return_X_y=True)
        X_test, y_test = load_genomic_benchmark(name, split="test", return_X_y=True)
        return X, y, X_test, y_test, "Genomic Benchmarks (load_genomic_benchmark)"
    if name in ("bundled_splice", "bundled_promoter"):
        from sklearn_attngen.datasets import load_promoter, load_splice_junction

        load = load_splice_junction if name == "bundled_splice" else load_promoter
        X, y = load(split="train", return_X_y=True)
        X_test, y_test = load(split="test", return_X_y=True)
        return list(X), y, list(X_test), y_test, f"bundled ({load.__name__})"
    from _shared_data import load_shared

    X, y = load_shared(name, "train")
    X_test, y_test = load_shared(name, "test")
    return X, y, X_test, y_test, "../shared/data"


def load_dataset(name, cfg):
    """Train / validation / test / hold-out splits of one data set, as a dict."""
    if name == "planted":
        from sklearn_attngen.datasets import make_motif_sequences

        X, y, mask = make_motif_sequences(
            cfg["planted_samples"], cfg["planted_length"], random_state=0
        )
        n = int(0.75 * len(X))
        return dict(
            X_train=X[:n],
            y_train=y[:n],
            X_test=X[n:],
            y_test=y[n:],
            mask_test=mask[n:],
            source=f"make_motif_sequences({cfg['planted_samples']}, {cfg['planted_length']}, "
            "random_state=0), first 75 % train",
        )
    X, y, X_test, y_test, origin = _source(name)
    X_train, y_train, X_val, y_val = _split_train(list(X), y, cfg["n_train"])
    y_test = np.asarray(y_test)
    keep = np.arange(len(X_test))
    if len(keep) > cfg["max_holdout"]:
        keep = np.sort(np.random.default_rng(0).choice(len(keep), cfg["max_holdout"], False))
    return dict(
        X_train=X_train,
        y_train=y_train,
        X_val=X_val,
        y_val=y_val,
        X_test=list(X_test),
        y_test=y_test,
        X_hold=[X_test[i] for i in keep],
        y_hold=y_test[keep],
        source=f"{origin}: {len(X)} train rows, {len(X_test)} test rows",
    )


# --------------------------------------------------------------------------- models
def _validation_callback(X_val, y_val):
    from skorch.callbacks import Callback

    class ValidationAccuracy(Callback):
        """Record accuracy on a fixed validation split after every epoch."""

        def on_epoch_end(self, net, **kwargs):
            net.history.record("val_acc", float(net.score(X_val, y_val)))

    return ValidationAccuracy()


def make_model(model, seed, mask_fraction, max_epochs, validation=None):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier, KmerEncoder

    if model == "kmer":
        return make_pipeline(KmerEncoder(k=6), LogisticRegression(max_iter=2000))
    callbacks = [("val_acc", _validation_callback(*validation))] if validation else None
    common = dict(random_state=seed, max_epochs=max_epochs, verbose=0, callbacks=callbacks)
    if model == "cnn":
        return CNNBaselineClassifier(**common)
    return AttnGenClassifier(mask_fraction=mask_fraction, **common)


def _test_scores(clf, X, y, per_sequence=False):
    """Test accuracy, MCC and ROC-AUC; with ``per_sequence``, the packed predictions too."""
    from sklearn.metrics import accuracy_score, matthews_corrcoef, roc_auc_score

    proba = clf.predict_proba(X)
    y_pred = clf.classes_[proba.argmax(axis=1)]
    if proba.shape[1] == 2:
        auc = roc_auc_score(y == clf.classes_[1], proba[:, 1])
    else:
        auc = roc_auc_score(y, proba, multi_class="ovr", labels=clf.classes_)
    scores = dict(
        accuracy=accuracy_score(y, y_pred), mcc=matthews_corrcoef(y, y_pred), roc_auc=float(auc)
    )
    if per_sequence:
        from _reproduce_report import pack_predictions

        scores["per_sequence"] = pack_predictions(clf.classes_, y, proba)
    return scores


# --------------------------------------------------------------------------- runs
DELETION_MAP = "value_path"  # what clf.saliency is since 0.2; 0.1's deletion curves used attention


def run_key(job):
    return "|".join(f"{k}={job[k]}" for k in sorted(job))


def jobs_for(dataset, cfg):
    """The runs of one data set, main comparison first, then the masking sweep."""
    seeds = range(cfg["seeds"])
    base = dict(dataset=dataset, n_train=cfg["n_train"], max_epochs=cfg["max_epochs"])
    if dataset == "planted":
        base = dict(
            dataset=dataset,
            n_samples=cfg["planted_samples"],
            length=cfg["planted_length"],
            max_epochs=cfg["max_epochs"],
            ig_steps=cfg["ig_steps"],
        )
        return [
            dict(base, analysis="motif_overlap", model=m, seed=s)
            for s in seeds
            for m in ("attngen", "cnn")
        ]
    jobs = [dict(base, analysis="accuracy", model="kmer", seed=0, mask_fraction=0.0)]
    for s in seeds:
        jobs += [
            dict(base, analysis="accuracy", model=m, seed=s, mask_fraction=0.0)
            for m in ("cnn", "attngen")
        ]
    sweep = [p for p in cfg["mask_fractions"] if p > 0]
    jobs += [
        dict(base, analysis="accuracy", model="attngen", seed=s, mask_fraction=p)
        for s in range(cfg["sweep_seeds"])
        for p in sweep
    ]
    return jobs


def run_job(job, data):
    """Fit one model and measure everything the report needs from it; return a record."""
    import torch

    torch.set_num_threads(1)
    start = time.perf_counter()
    if job["analysis"] == "motif_overlap":
        record = _motif_overlap_run(job, data)
    else:
        record = _accuracy_run(job, data)
    record.update(job, wall_seconds=time.perf_counter() - start)
    return record


def _accuracy_run(job, data):
    from sklearn_attngen.evaluation import deletion_curve

    neural = job["model"] != "kmer"
    validation = (data["X_val"], data["y_val"]) if neural and job["mask_fraction"] == 0 else None
    clf = make_model(job["model"], job["seed"], job["mask_fraction"], job["max_epochs"], validation)
    start = time.perf_counter()
    clf.fit(data["X_train"], data["y_train"])
    record = dict(
        fit_seconds=time.perf_counter() - start,
        n_fit=len(data["X_train"]),
        n_test=len(data["X_test"]),
    )
    record.update(_test_scores(clf, data["X_test"], data["y_test"], per_sequence=True))
    if validation:
        record["val_acc"] = [float(v) for v in clf.history_[:, "val_acc"]]
    if job["model"] == "attngen":
        curve = deletion_curve(
            clf,
            data["X_hold"],
            data["y_hold"],
            clf.saliency(data["X_hold"]),
            fractions=DELETION_FRACTIONS,
            n_random=1,
            random_state=job["seed"],
        )
        _, counts = np.unique(data["y_hold"], return_counts=True)
        record.update(
            n_holdout=len(data["X_hold"]),
            majority_rate=float(counts.max() / counts.sum()),
            deletion_fractions=list(DELETION_FRACTIONS),
            deletion_accuracy=curve.accuracy.tolist(),
            random_deletion_accuracy=curve.random_accuracy_mean.tolist(),
            deletion_auc=curve.auc,
            random_deletion_auc=curve.random_auc,
            deletion_map=DELETION_MAP,
        )
    return record


def _motif_overlap_run(job, data):
    from sklearn_attngen.evaluation import motif_overlap
    from sklearn_attngen.interpret import attribute

    clf = make_model(job["model"], job["seed"], 0.0, job["max_epochs"])
    clf.fit(data["X_train"], data["y_train"])
    record = _test_scores(clf, data["X_test"], data["y_test"])
    methods = (
        ["saliency", "attention", "integrated_gradients"]
        if job["model"] == "attngen"
        else ["integrated_gradients"]
    )
    for method in methods:
        kwargs = {"n_steps": job["ig_steps"]} if method == "integrated_gradients" else {}
        scores = attribute(clf, data["X_test"], method=method, **kwargs).scores
        for name, s in ((method, scores), (f"abs {method}", np.abs(scores))):
            if name == "abs attention":
                continue  # attention is non-negative already
            result = motif_overlap(s, data["mask_test"])
            record[f"auroc {name}"] = result.auroc
            record[f"auprc {name}"] = result.auprc
    return record


def read_records(path):
    """Every record in the cache, oldest first; see :func:`latest_records`."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def record_key(record):
    return run_key({k: v for k, v in record.items() if k in record["job_keys"]})


def latest_records(records):
    """One record per run: the newest, so a rerun replaces what it redoes."""
    return list({record_key(r): r for r in records}.values())


def _is_complete(record):
    """A run recorded by an older version that lacks what the report now shows is redone.

    Accuracy runs need per-sequence predictions; AttnGen's deletion curves and
    motif overlap need the saliency of version 0.2 (0.1's was the attention).
    """
    if record["analysis"] == "motif_overlap":
        return record["model"] != "attngen" or "auroc abs saliency" in record
    if "per_sequence" not in record:
        return False
    return record["model"] != "attngen" or record.get("deletion_map") == DELETION_MAP


def fill_n_fit(records):
    """Training rows of runs recorded before ``n_fit`` was, from the training file's size."""
    sizes = {}
    for r in records:
        if r["analysis"] != "accuracy" or "n_fit" in r:
            continue
        name = r["dataset"]
        if name not in sizes:
            try:
                sizes[name] = len(_source(name)[0])
            except (FileNotFoundError, OSError, ValueError) as exc:
                print(f"rows of {name} unknown ({str(exc)[:100]}); n train shows the cap")
                sizes[name] = None
        if sizes[name] is not None:
            r["n_fit"] = _split_sizes(sizes[name], r["n_train"])[0]
    return records


def resolve_datasets(requested):
    """The data sets to run: the paper's when it can be had, else the shared real sets."""
    if requested is not None:
        return list(requested)
    try:
        from sklearn_attngen.datasets import load_genomic_benchmark

        load_genomic_benchmark(PAPER_DATASET, split="test", return_X_y=True)
        return [PAPER_DATASET, "planted"]
    except (FileNotFoundError, OSError) as exc:
        print(f"{PAPER_DATASET} not available ({str(exc)[:160]}...);")
        print("running on the real data sets in ../shared/data instead.", flush=True)
        return [*SHARED_DATASETS, "planted"]


def _commit():
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(HERE), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run(cfg, datasets, path, n_jobs):
    from joblib import Parallel, delayed
    from tqdm import tqdm

    cached = latest_records(read_records(path))
    done = {record_key(r) for r in cached if _is_complete(r)}
    stale = {record_key(r) for r in cached if not _is_complete(r)}
    todo, data = [], {}
    for name in datasets:
        jobs = [j for j in jobs_for(name, cfg) if run_key(j) not in done]
        if jobs:
            print(f"loading {name} ...", flush=True)
            data[name] = load_dataset(name, cfg)
            todo += jobs
    n_stale = sum(run_key(j) in stale for j in todo)
    if n_stale:
        print(
            f"{n_stale} cached runs have no per-sequence test predictions (recorded by an "
            "older version): running them again",
            flush=True,
        )
    if not todo:
        print(f"all runs already in {path}")
        return
    # Planted motifs first, then the main comparison, then the sweep seed by seed, so that
    # a run cut short still has every analysis.
    todo.sort(
        key=lambda j: (
            (j["analysis"] == "accuracy") + (j.get("mask_fraction", 0) > 0) * (1 + j["seed"])
        )
    )
    print(f"{len(todo)} runs to do ({len(done)} done in {path}), n_jobs={n_jobs}", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    commit = _commit()
    results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(run_job)(job, data[job["dataset"]]) for job in todo
    )
    with tqdm(total=len(todo), unit="run", file=sys.stdout, dynamic_ncols=True) as bar:
        for record in results:
            record.update(commit=commit, job_keys=sorted(k for k in record if k in _JOB_KEYS))
            with path.open("a") as f:
                f.write(json.dumps(record) + "\n")
            bar.write(_summary_line(record))
            bar.update()


_JOB_KEYS = {
    "analysis",
    "dataset",
    "model",
    "seed",
    "mask_fraction",
    "n_train",
    "max_epochs",
    "n_samples",
    "length",
    "ig_steps",
}


def _summary_line(r):
    what = f"{r['dataset']} {r['model']} seed={r['seed']}"
    if "mask_fraction" in r and r["model"] == "attngen":
        what += f" mask={r['mask_fraction']}"
    line = f"  {what}: acc {100 * r['accuracy']:.2f} mcc {100 * r['mcc']:.1f}"
    if "deletion_accuracy" in r:
        i = r["deletion_fractions"].index(0.1)
        line += (
            f" | top-10% deleted {100 * r['deletion_accuracy'][i]:.1f}"
            f" vs random {100 * r['random_deletion_accuracy'][i]:.1f}"
        )
    if r["analysis"] == "motif_overlap":
        line += " | motif AUROC " + ", ".join(
            f"{k[6:]} {v:.3f}" for k, v in r.items() if k.startswith("auroc ")
        )
    return line + f" ({r['wall_seconds']:.0f} s)"


def _relative(path):
    try:
        return path.resolve().relative_to(HERE.parent)
    except ValueError:
        return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small CI-sized run (< 3 min)")
    parser.add_argument("--datasets", type=lambda s: [d for d in s.split(",") if d])
    parser.add_argument("--seeds", type=int, help="seeds of the main comparison")
    parser.add_argument("--sweep-seeds", type=int, help="seeds of each masking-sweep point")
    parser.add_argument("--mask-fractions", type=lambda s: tuple(float(x) for x in s.split(",")))
    parser.add_argument("--n-train", type=int, help="training rows per data set (subsample)")
    parser.add_argument("--n-jobs", type=int, default=1, help="runs in parallel (1 thread each)")
    parser.add_argument("--results", default=str(HERE / "results"), help="cache folder")
    parser.add_argument("--report", help="write the markdown report (figures beside it)")
    parser.add_argument("--report-only", action="store_true", help="no runs; report the cache")
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    cfg = dict(MODES[mode])
    for key in ("seeds", "sweep_seeds", "mask_fractions", "n_train"):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    path = Path(args.results) / f"{mode}.jsonl"
    datasets = resolve_datasets(args.datasets or cfg["datasets"])
    start = time.perf_counter()
    if not args.report_only:
        run(cfg, datasets, path, args.n_jobs)
    from _reproduce_report import print_tables, write_report

    records = fill_n_fit(
        [r for r in latest_records(read_records(path)) if r["dataset"] in datasets]
    )
    print_tables(records, datasets, show=True)
    if args.report:
        command = "python benchmarks/reproduce.py " + " ".join(argv or sys.argv[1:])
        write_report(
            records, datasets, cfg, Path(args.report), command=command, results=_relative(path)
        )
        print(f"report written to {args.report}")
    print(f"done in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
