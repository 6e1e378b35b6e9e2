"""The saliency study: the built-in map against post-hoc attributions of the same models.

Settings (``make_motif_sequences``; train and test drawn with different seeds):

- ``A``: CTCF vs SPI1, 200 nt, iid background, 2 shared distractor sites;
- ``B``: a class defined by a motif pair: CTCF and GATA1 together vs CTCF alone
  vs GATA1 alone, 200 nt, 2 distractors;
- ``C``: CTCF vs SPI1, 300 nt on the dinucleotide-shuffled real background, 3
  distractors;
- ``janggu``: the Oct4 vs MafK ChIP-seq peaks of ``../shared/data`` (GPL-3.0,
  read in place): fitted on 6,000 training peaks, scored on held-out peaks
  against the JASPAR 2024 hits (FIMO, p < 1e-4, either strand) of the factor of
  each peak's own class (POU5F1 for Oct4, MAFK for MafK); peaks without such a
  hit are left out.

For each setting, seed and epoch count the default ``AttnGenClassifier``
(``random_state=seed``, ``max_epochs`` as given) is fitted once, and every
method scores the same ``--n-score`` held-out sequences on that model:
``saliency`` (the built-in map, magnitude), ``attention`` (raw weights),
``|ixg|`` and ``|ixg| corrected`` (input x gradient without and with the
gradient correction of Majdandzic et al. 2023), ``|ig|`` (captum, 50 steps,
all-N baseline), ``|deeplift_shap|`` (10 dinucleotide-shuffled references) and
``ism`` (at the default epochs only: 3 x length forward passes per sequence).

Columns: pooled AUROC of the map against the class-determining sites, raw and
after each method's own best smoothing kernel (box or triangle, 5 to 21 nt: a
site-mask AUROC rewards blurring, so every method gets the same help); mean
per-sequence AUPRC (raw); base resolution (planted settings: mean over sites of
the Spearman correlation of the raw map with the log-odds of the planted
base); CPU seconds per sequence and the ratio of IG's CPU time to the method's.

Runs are recorded in ``benchmarks/results/saliency_study.jsonl`` (resumable) and
``--report`` writes the Markdown report. Both cores: start two workers::

    OMP_NUM_THREADS=1 python benchmarks/bench_saliency_study.py --worker 0 --of 2 &
    OMP_NUM_THREADS=1 python benchmarks/bench_saliency_study.py --worker 1 --of 2
    python benchmarks/bench_saliency_study.py --report docs/saliency_study.md
"""

import argparse
import csv
import gzip
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
from scipy.ndimage import convolve1d
from scipy.stats import spearmanr

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import make_motif_sequences
from sklearn_attngen.evaluation import motif_overlap
from sklearn_attngen.interpret import attribute

try:
    from _runs import Runs
except ImportError:  # run as a module from the repository root
    from benchmarks._runs import Runs

SETTINGS = {
    "A": dict(length=200),
    "B": dict(length=200, motifs=[("CTCF", "GATA1"), ("CTCF",), ("GATA1",)]),
    "C": dict(length=300, background="shuffled", n_distractors=3),
}
JANGGU = Path(__file__).resolve().parents[2] / "shared" / "data" / "janggu_oct4_vs_mafk"
JANGGU_FACTORS = {1: "MA1115.2", 0: "MA0496.4"}  # label 1 = Oct4 (POU5F1), 0 = MafK (MAFK)
METHODS = {
    "saliency": None,
    "attention": None,
    "|ixg|": dict(method="input_x_gradient"),
    "|ixg| corrected": dict(method="input_x_gradient", gradient_correction=True),
    "|ig|": dict(method="integrated_gradients", n_steps=50),
    "|deeplift_shap|": dict(method="deeplift_shap", n_references=10, random_state=0),
    "ism": dict(method="ism"),
}
DEFAULT_EPOCHS = AttnGenClassifier().max_epochs
_BACKGROUND = np.array([0.295, 0.205, 0.205, 0.295])  # make_motif_sequences' iid background


def _kernels():
    kernels = {}
    for width in (5, 9, 15, 21):
        half = (width + 1) / 2
        kernels[f"box{width}"] = np.ones(width) / width
        tri = half - np.abs(np.arange(width) - (width - 1) / 2)
        kernels[f"tri{width}"] = tri / tri.sum()
    return kernels


KERNELS = _kernels()


# ------------------------------------------------------------------------ data
def planted(setting, seed, n_train, n_score):
    kw = SETTINGS[setting]
    X, y, _ = make_motif_sequences(n_train, **kw, random_state=100 + seed)
    Xt, yt, mask, table = make_motif_sequences(
        n_score, **kw, return_motifs=True, random_state=200 + seed
    )
    return X, y, Xt, yt, mask, _site_log_odds(table)


def _site_log_odds(table):
    """(sample, start, end, log-odds of each planted base) per class-determining site."""
    sites, out = table.sites, []
    for k in np.flatnonzero(sites.class_determining):
        pfm = np.asarray(table.motifs[sites.motif_id[k]].pfm, float)
        seq = np.array(["ACGT".index(c) for c in sites.sequence[k]])
        if sites.strand[k] == "-":  # read along X: motif reversed, bases complemented
            pfm = pfm[::-1, ::-1]
        p = np.clip(pfm[np.arange(len(seq)), seq], 1e-4, 1)
        out.append(
            (
                int(sites.sample[k]),
                int(sites.start[k]),
                int(sites.end[k]),
                np.log2(p / _BACKGROUND[seq]),
            )
        )
    return out


def _read(path):
    with gzip.open(path, "rt") as handle:
        rows = list(csv.DictReader(handle))
    return [r["sequence"] for r in rows], np.array([int(r["label"]) for r in rows])


def janggu(n_score):
    from sklearn_attngen.motifs import motif_site_mask, scan_motifs

    X, y = _read(JANGGU / "train.csv.gz")
    X_test, y_test = _read(JANGGU / "test.csv.gz")
    order = np.random.RandomState(0).permutation(len(X))
    fit, rest = order[:6000], order[6000:]
    X_eval = [X[i] for i in rest] + X_test
    y_eval = np.concatenate([y[rest], y_test])
    hits = scan_motifs(X_eval, list(JANGGU_FACTORS.values()), threshold=1e-4)
    factor = np.array([JANGGU_FACTORS[label] for label in y_eval])
    own = hits[factor[hits["sample"].to_numpy()] == hits["motif_id"].to_numpy()]
    mask = motif_site_mask(X_eval, hits=own)
    keep = np.flatnonzero(mask.any(axis=1))[:n_score]
    return [X[i] for i in fit], y[fit], [X_eval[i] for i in keep], y_eval[keep], mask[keep], None


# --------------------------------------------------------------------- metrics
def evaluate(scores, mask, sites):
    scores = np.asarray(scores, dtype=np.float64)
    raw = motif_overlap(scores, mask)
    best = max(
        motif_overlap(convolve1d(scores, k, axis=1, mode="constant"), mask).auroc
        for k in KERNELS.values()
    )
    out = {"auroc": raw.auroc, "auroc_smoothed": max(best, raw.auroc), "auprc": raw.mean_auprc}
    if sites:
        rho = [
            spearmanr(scores[s, a:b], lo).statistic
            for s, a, b, lo in sites
            if np.ptp(scores[s, a:b])
        ]
        out["rho_log_odds"] = float(np.mean(rho))
    return out


def cpu_timed(func):
    start = time.process_time()
    result = func()
    return result, time.process_time() - start


def one_run(setting, seed, epochs, n_train, n_score, ism_epochs=DEFAULT_EPOCHS):
    if setting == "janggu":
        X, y, Xt, yt, mask, sites = janggu(n_score)
    else:
        X, y, Xt, yt, mask, sites = planted(setting, seed, n_train, n_score)
    clf = AttnGenClassifier(max_epochs=epochs, random_state=seed, verbose=0)
    _, fit_cpu = cpu_timed(lambda: clf.fit(X, y))
    record = {"accuracy": float(clf.score(Xt, yt)), "fit_cpu_s": fit_cpu, "n_scored": len(Xt)}
    methods = {}
    for name, options in METHODS.items():
        if name == "ism" and epochs != ism_epochs:
            continue
        if name == "saliency":
            scores, cpu = cpu_timed(lambda: clf.saliency(Xt))
        elif name == "attention":
            scores, cpu = cpu_timed(lambda: clf.attention(Xt))
        else:
            result, cpu = cpu_timed(lambda options=options: attribute(clf, Xt, **options))
            scores = np.abs(result.scores)
        methods[name] = {**evaluate(scores, mask, sites), "cpu_s_per_seq": cpu / len(Xt)}
        print(
            f"  {setting} s{seed} e{epochs} {name}: "
            f"AUROC {methods[name]['auroc']:.3f}, {cpu:.1f} s",
            flush=True,
        )
    record["methods"] = methods
    return record


# ---------------------------------------------------------------------- report
def report(runs, path):
    records = runs.records
    lines = [
        "(saliency-study)=",
        "",
        "# Saliency study",
        "",
        "Generated by",
        "`python benchmarks/bench_saliency_study.py --report docs/saliency_study.md` from the runs",
        "in `benchmarks/results/saliency_study.jsonl` (the script's docstring gives the settings,",
        "methods and metrics). The default `AttnGenClassifier` is fitted once per setting, seed",
        "and epoch count; every method scores the same held-out sequences on that model.",
        "Means over seeds, with the standard deviation over seeds in brackets.",
        "",
    ]
    if records:
        first = records[0]
        loads = [r["load"] for r in records]
        lines += [
            f"Machine: {first['machine']}; torch {first['torch']}, {first['threads']} thread per "
            "worker, two workers side by side; load average during the runs "
            f"{min(loads):.1f} to {max(loads):.1f}.",
            "",
        ]
    keys = sorted(
        {(r["setting"], r["epochs"]) for r in records}, key=lambda k: (k[0] == "janggu", k)
    )
    lines += [
        "## Summary: the built-in saliency against \\|integrated gradients\\|",
        "",
        "Pooled AUROC of the raw maps on the same models; the difference is paired by seed",
        "(mean, and standard deviation over seeds); CPU time ratio = IG's CPU time per sequence",
        "divided by the saliency's.",
        "",
        "| setting | epochs | seeds | test accuracy | saliency | \\|IG\\| | difference "
        "| saliency >= \\|IG\\| | IG time / saliency time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for setting, epochs in keys:
        group = [r for r in records if r["setting"] == setting and r["epochs"] == epochs]
        sal = np.array([r["methods"]["saliency"]["auroc"] for r in group])
        ig = np.array([r["methods"]["|ig|"]["auroc"] for r in group])
        ratio = np.mean([r["methods"]["|ig|"]["cpu_s_per_seq"] for r in group]) / np.mean(
            [r["methods"]["saliency"]["cpu_s_per_seq"] for r in group]
        )
        diff = sal - ig
        accuracy = np.mean([r["accuracy"] for r in group])
        lines.append(
            f"| {setting} | {epochs} | {len(group)} | {accuracy:.3f} | {sal.mean():.3f} | "
            f"{ig.mean():.3f} | {diff.mean():+.3f} ({diff.std():.3f}) | "
            f"{int((diff >= 0).sum())} of {len(diff)} | {ratio:.0f} |"
        )
    lines.append("")
    for setting, epochs in keys:
        group = [r for r in records if r["setting"] == setting and r["epochs"] == epochs]
        acc = np.array([r["accuracy"] for r in group])
        lines += [
            f"## {setting}, {epochs} epochs ({len(group)} seeds; test accuracy "
            f"{acc.mean():.3f} ({acc.std():.3f}); {group[0]['n_scored']} sequences scored)",
            "",
            "| method | pooled AUROC | smoothed AUROC | per-seq AUPRC | base resolution "
            "| CPU ms/seq | IG time / time |",
            "|---|---|---|---|---|---|---|",
        ]
        ig = np.mean([r["methods"]["|ig|"]["cpu_s_per_seq"] for r in group])
        for name in METHODS:
            rows = [r["methods"][name] for r in group if name in r["methods"]]
            if not rows:
                continue

            def cell(key, rows=rows):
                values = np.array([row[key] for row in rows if key in row])
                return f"{values.mean():.3f} ({values.std():.3f})" if len(values) else "-"

            cpu = np.mean([row["cpu_s_per_seq"] for row in rows])
            shown = name.replace("|", "\\|")  # a bare | would end the table cell
            lines.append(
                f"| {shown} | {cell('auroc')} | {cell('auroc_smoothed')} | {cell('auprc')} | "
                f"{cell('rho_log_odds')} | {1000 * cpu:.2f} | {ig / cpu:.0f} |"
            )
        lines.append("")
    Path(path).write_text("\n".join(lines))
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", nargs="+", default=["A", "B", "C", "janggu"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--epochs", nargs="+", type=int, default=[2, DEFAULT_EPOCHS, 3 * DEFAULT_EPOCHS]
    )
    parser.add_argument("--n-train", type=int, default=3000)
    parser.add_argument("--n-score", type=int, default=200)
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--of", type=int, default=1, help="workers sharing the runs")
    parser.add_argument("--results", default="saliency_study", help="name of the runs file")
    parser.add_argument("--report", default=None, help="write the Markdown report here and stop")
    args = parser.parse_args()
    runs = Runs(args.results)
    if args.report:
        report(runs, args.report)
        return
    torch.set_num_threads(1)
    # the real setting at the default epochs only (or the first given)
    janggu_epochs = [DEFAULT_EPOCHS] if DEFAULT_EPOCHS in args.epochs else args.epochs[:1]
    jobs = [
        (setting, seed, epochs)
        for setting in args.settings
        for seed in args.seeds
        for epochs in (args.epochs if setting != "janggu" else janggu_epochs)
    ]
    for setting, seed, epochs in jobs[args.worker :: args.of]:
        runs.run(
            lambda setting=setting, seed=seed, epochs=epochs: {
                **one_run(setting, seed, epochs, args.n_train, args.n_score),
                "machine": platform.processor() or platform.machine(),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
            },
            setting=setting,
            seed=seed,
            epochs=epochs,
            n_train=args.n_train,
            n_score=args.n_score,
        )


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
