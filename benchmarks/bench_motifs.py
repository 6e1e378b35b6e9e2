"""The motif workflow: runtimes at 8,000 x 200 nt and what it recovers.

Fits a default ``AttnGenClassifier(random_state=0, verbose=0)`` on planted CTCF vs
SPI1 sequences (:func:`~sklearn_attngen.datasets.make_motif_sequences`, two shared
distractor sites, ``--n-train`` sequences of 200 nt) and, where ``../shared/data``
holds it, on the janggu Oct4 vs MafK ChIP-seq peaks (GPL data: read here, never
shipped). Fitted models are cached in ``--results`` (delete it to refit). Then:

1. Runtimes on ``--n-time`` fresh planted sequences (median of ``--repeats`` runs,
   numba already compiled), each beside its peer called directly on the same input:
   ``scan_motifs`` with the 879 JASPAR vertebrate motifs vs ``memelite.fimo``;
   ``find_seqlets`` (calibrated) vs ``tangermeme`` ``recursive_seqlets`` at a fixed
   threshold; ``match_motifs`` (calibrated, 100 null shuffles per query) vs raw
   ``memelite.tomtom``; the attributions; ``discover_motifs`` end to end (one run).
2. Seqlet false-discovery rate: the estimate of each control (``in_context``,
   ``shuffled``) against the true rate on planted data (a seqlet is false when it
   overlaps no planted site of its sequence's class).
3. TOMTOM calibration: false matches of column-shuffled JASPAR motifs and random
   Dirichlet motifs, raw memelite p-values vs ``match_motifs``; sensitivity on
   motifs re-estimated from 30 sites sampled from JASPAR matrices.
4. Recovery: discovered motifs on planted data and on janggu, with their best
   JASPAR match, family and q-value.
5. ``score_variants`` on planted CTCF sites (the five most conserved bases mutated)
   vs one background base; ``marginalize`` of the CTCF and SPI1 consensus.

Run from the repository root (2 CPU cores; about 25 minutes with both fits)::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_motifs.py
    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_motifs.py --quick   # ~5 min
    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_motifs.py --runtimes-only
"""

import argparse
import json
import os
import pickle
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_jaspar_motifs, make_motif_sequences
from sklearn_attngen.interpret import attribute
from sklearn_attngen.motifs import (
    SeqletCalibrationWarning,
    discover_motifs,
    find_seqlets,
    marginalize,
    match_motifs,
    scan_motifs,
    score_variants,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-train", type=int, default=4000)
    parser.add_argument("--n-time", type=int, default=8000, help="sequences timed")
    parser.add_argument("--n-discover", type=int, default=2000, help="planted sequences analysed")
    parser.add_argument("--n-janggu", type=int, default=3000, help="janggu peaks analysed")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument(
        "--runtimes-only", action="store_true", help="fit (or load) the planted model, time, stop"
    )
    parser.add_argument(
        "--n-calibration", type=int, default=1000, help="random and shuffled TOMTOM queries each"
    )
    parser.add_argument("--results", default="benchmarks/results/motifs")
    return parser.parse_args()


def timed(func, repeats=1):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def fitted(name, X, y, results):
    path = results / f"{name}.pkl"
    if path.exists():
        with open(path, "rb") as handle:
            return pickle.load(handle), None
    start = time.perf_counter()
    clf = AttnGenClassifier(random_state=0, verbose=0).fit(X, y)
    seconds = time.perf_counter() - start
    with open(path, "wb") as handle:
        pickle.dump(clf, handle)
    return clf, seconds


def contrast_scorer(clf, target):
    """Per-base input x gradient of the class logit minus the mean logit (what
    discover_motifs uses), for one class index or one per sequence."""

    def scorer(sequences):
        t = np.broadcast_to(np.asarray(target), (len(sequences),))
        per_class = [
            attribute(clf, sequences, "input_x_gradient", target=clf.classes_[k]).base_scores
            for k in range(len(clf.classes_))
        ]
        mean = sum(per_class) / len(per_class)
        own = np.stack(per_class)[t, np.arange(len(sequences))]
        return own - mean

    return scorer


def table(rows, header):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def runtimes(clf, X, repeats, out):
    import memelite
    from tangermeme.seqlet import recursive_seqlets

    jaspar = load_jaspar_motifs("vertebrates")
    codes = np.frombuffer("".join(X).encode(), dtype=np.uint8).reshape(len(X), -1)
    onehot = np.stack([codes == b for b in b"ACGT"], axis=1).astype(np.int8)
    pwms = {k: np.ascontiguousarray(m.pfm.T) for k, m in jaspar.items()}
    scan_motifs(X[:10])  # compile
    t_scan, hits = timed(lambda: scan_motifs(X), repeats)
    t_fimo, _ = timed(lambda: memelite.fimo(pwms, onehot, threshold=1e-4), repeats)
    y_hat = clf.predict(X)
    scorer = contrast_scorer(clf, np.searchsorted(clf.classes_, y_hat))
    t_attr, scores = timed(lambda: scorer(X), 1)
    contrib = (scores * np.moveaxis(onehot, 1, 2)).sum(axis=2)
    find_seqlets(scores[:50], X[:50], threshold=0.01)  # compile
    t_fixed, _ = timed(lambda: recursive_seqlets(contrib, threshold=0.01), repeats)
    t_seq, found = timed(lambda: find_seqlets(scores, X, scorer, random_state=0), 1)
    queries = dict(list(jaspar.items())[:10])
    match_motifs(queries, n_null=5)  # compile
    t_match, _ = timed(lambda: match_motifs(queries), repeats)
    t_tomtom, _ = timed(
        lambda: memelite.tomtom([m.pfm.T for m in queries.values()], list(pwms.values())), repeats
    )
    t_disc, _ = timed(lambda: discover_motifs(clf, X, database="vertebrates"), 1)
    rows = [
        ("scan_motifs, 879 JASPAR motifs", t_scan, "memelite.fimo", t_fimo, f"{len(hits)} sites"),
        ("attributions, both classes (input x gradient)", t_attr, "-", float("nan"), ""),
        (
            "find_seqlets, in-context control (scores given; scorer on controls)",
            t_seq,
            "recursive_seqlets, fixed threshold",
            t_fixed,
            f"{len(found.seqlets)} seqlets",
        ),
        (
            "match_motifs, 10 queries x 879, 100 nulls each",
            t_match,
            "memelite.tomtom raw",
            t_tomtom,
            "",
        ),
        (
            "discover_motifs end to end (attributions, seqlets, clustering, matching)",
            t_disc,
            "-",
            float("nan"),
            "1 run",
        ),
    ]
    out["runtimes"] = [dict(step=r[0], seconds=r[1], peer=r[2], peer_seconds=r[3]) for r in rows]
    print(f"\n### Runtimes, {len(X):,} x {len(X[0])} nt (median of {repeats})\n")
    print(
        table(
            [
                (
                    r[0],
                    f"{r[1]:.1f}",
                    r[2],
                    "" if np.isnan(r[3]) else f"{r[3]:.1f}",
                    "" if np.isnan(r[3]) else f"{r[1] / r[3]:.2f}",
                    r[4],
                )
                for r in rows
            ],
            ["step", "seconds", "peer", "peer seconds", "ratio", "note"],
        )
    )


def seqlet_calibration(clf, X, y, mask, out):
    rows = []
    for control in ("in_context", "shuffled"):
        for label in (0, 1):
            index = np.flatnonzero(y == label)
            Xc = [X[i] for i in index]
            scorer = contrast_scorer(clf, label)
            scores = scorer(Xc)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SeqletCalibrationWarning)
                found = find_seqlets(scores, Xc, scorer, control=control, random_state=0)
            s = found.seqlets
            hit = np.array(
                [
                    mask[index[i], a:b].any()
                    for i, a, b in zip(s["sample"], s.start, s.end, strict=True)
                ]
            )
            recall = np.mean([mask[i].any() and i in set(index[s["sample"][hit]]) for i in index])
            rows.append(
                (
                    control,
                    label,
                    f"{found.threshold:.1e}",
                    f"{found.estimated_fdr:.3f}",
                    f"{1 - hit.mean():.3f}" if len(hit) else "-",
                    len(s),
                    f"{recall:.2f}",
                    "yes" if caught else "",
                )
            )
    out["seqlet_calibration"] = rows
    print("\n### Seqlet false-discovery rate: estimate vs truth (planted, target 0.05)\n")
    print(
        table(
            rows,
            [
                "control",
                "class",
                "threshold",
                "estimated FDR",
                "true FDR",
                "seqlets",
                "sequences with site found",
                "target not reached",
            ],
        )
    )


def tomtom_calibration(out, n=200):
    import memelite

    rng = np.random.default_rng(0)
    jaspar = load_jaspar_motifs("vertebrates")
    motifs = list(jaspar.values())
    targets = [m.pfm.T for m in motifs]
    shuffled = {}
    for k in range(n):
        m = motifs[int(rng.integers(len(motifs)))]
        shuffled[f"s{k}"] = m.pfm[rng.permutation(m.width)]
    random = {
        f"r{k}": rng.dirichlet(np.full(4, 0.5), size=int(rng.integers(8, 21))) for k in range(n)
    }
    noisy, truth = {}, {}
    for k in range(n // 2):
        m = motifs[int(rng.integers(len(motifs)))]
        sites = (rng.random((30, m.width, 1)) > np.cumsum(m.pfm, axis=1)[None]).sum(axis=2)
        counts = np.stack([(sites == b).sum(axis=0) for b in range(4)], axis=1) + 0.25
        noisy[f"n{k}"] = counts / counts.sum(axis=1, keepdims=True)
        truth[f"n{k}"] = m.name.upper()
    rows = []
    for name, queries in (
        ("column-shuffled JASPAR", shuffled),
        ("random Dirichlet(0.5)", random),
        ("JASPAR re-estimated from 30 sites", noisy),
    ):
        raw = memelite.tomtom([q.T for q in queries.values()], targets)[0]
        best_raw = raw.min(axis=1)
        bonferroni = (best_raw * len(targets) < 0.05).mean()
        matches = match_motifs(queries, n_matches=1)
        matched = matches[~matches.low_information]
        calibrated = (matched.q_value < 0.05).sum() / len(queries)
        extra = ""
        if truth is not None and name.startswith("JASPAR"):
            ok = matched[matched.q_value < 0.05]
            pairs = zip(ok["query"], ok.target_name, strict=True)
            same = np.mean([t.upper() == truth[q] for q, t in pairs])
            extra = f"top match is the source factor in {same:.0%} of those"
        rows.append(
            (
                name,
                len(queries),
                f"{bonferroni:.1%}",
                f"{calibrated:.1%}",
                int(matches.low_information.sum()),
                extra,
            )
        )
    out["tomtom_calibration"] = rows
    print("\n### TOMTOM calibration: queries with a match (best match over 879 JASPAR)\n")
    print(
        table(
            rows,
            [
                "queries",
                "n",
                "raw memelite p x 879 < 0.05",
                "match_motifs q < 0.05",
                "flagged low-information",
                "note",
            ],
        )
    )


def recovery(report, name, out):
    rows = []
    for label in report.calibration:
        for row in report.top_motifs(label, 3).itertuples():
            rows.append(
                (
                    name,
                    label,
                    row.motif_id,
                    row.n_seqlets,
                    row.consensus,
                    row.match_name,
                    row.match_family,
                    f"{row.q_value:.3g}",
                )
            )
    cal = {str(k): v for k, v in report.calibration.items()}
    out[f"recovery_{name}"] = dict(rows=rows, calibration=cal, counts=report.seqlet_counts)
    print(f"\n### Discovered motifs: {name} (top 3 per class)\n")
    print(f"seqlets per class {report.seqlet_counts}; calibration {cal}\n")
    print(
        table(
            rows,
            [
                "data",
                "class",
                "motif",
                "seqlets",
                "consensus",
                "best JASPAR match",
                "family",
                "q-value",
            ],
        )
    )


def variants(clf, out, n=200):
    X, _y, _, motif_table = make_motif_sequences(
        n_samples=4 * n, length=200, return_motifs=True, random_state=7
    )
    sites = motif_table.sites
    ctcf = load_jaspar_motifs()["MA0139.2"]
    key = np.argsort(-ctcf.pfm.max(axis=1))[:5]
    chosen = np.flatnonzero(sites.motif_id == "MA0139.2")[:n]
    seqs, rows = {}, []
    for k in chosen:
        i, start, strand = int(sites.sample[k]), int(sites.start[k]), sites.strand[k]
        seq = X[i]
        core = seq[start : start + 15]
        cols = key if strand == "+" else 14 - key
        alt = "".join(("A" if c != "A" else "C") if j in cols else c for j, c in enumerate(core))
        far = [
            p
            for p in range(len(seq))
            if all(abs(p - s) > 20 for s in sites.start[sites.sample == i])
        ]
        bg = far[len(far) // 2] if far else (0 if start > 100 else 199)
        seqs[i] = seq
        rows += [(i, start, core, alt), (i, bg, seq[bg], "A" if seq[bg] != "A" else "C")]
    effects = score_variants(clf, seqs, rows)
    site = effects.iloc[0::2]["delta_log_odds[0]"].to_numpy()
    background = effects.iloc[1::2]["delta_log_odds[0]"].to_numpy()
    p_ref = effects.iloc[0::2]["p_ref[0]"].to_numpy()
    p_alt = effects.iloc[0::2]["p_alt[0]"].to_numpy()
    flips = np.mean((p_ref > 0.5) & (p_alt < 0.5))
    res = dict(
        n=len(site),
        site_median=float(np.median(site)),
        background_median=float(np.median(background)),
        background_abs_p95=float(np.percentile(np.abs(background), 95)),
        flips=float(flips),
    )
    bg = [s for s in X[:n]]
    m_ctcf = marginalize(clf, "CTCF", bg, random_state=0)
    m_spi1 = marginalize(clf, "SPI1", bg, random_state=0)
    res["marginalize"] = dict(ctcf=m_ctcf.mean_shift.tolist(), spi1=m_spi1.mean_shift.tolist())
    out["variants"] = res
    print("\n### score_variants on planted CTCF sites, class CTCF (0) log-odds change\n")
    print(
        table(
            [
                (
                    "five most conserved bases of the site mutated",
                    len(site),
                    f"{np.median(site):.2f}",
                    f"{flips:.0%} of sites: prediction CTCF -> SPI1",
                ),
                (
                    "one background base >20 nt from any site",
                    len(background),
                    f"{np.median(background):.3f}",
                    f"95th percentile of |change| {res['background_abs_p95']:.3f}",
                ),
            ],
            ["variant", "n", "median delta log-odds", "note"],
        )
    )
    print(
        f"\nmarginalize into {len(bg)} shuffled backgrounds: CTCF consensus shifts "
        f"P(class 0) by {m_ctcf.mean_shift[0]:+.3f}, SPI1 consensus shifts P(class 1) by "
        f"{m_spi1.mean_shift[1]:+.3f}"
    )


def main():
    args = parse_args()
    if args.quick:
        args.n_train, args.n_time, args.n_discover, args.n_janggu = 2000, 1000, 1000, 1500
        args.repeats = 1
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    out = dict(args=vars(args), machine=platform.platform(), cpus=os.cpu_count())
    print(
        f"load average {os.getloadavg()[0]:.1f} at start; {os.cpu_count()} CPUs; "
        f"torch threads {torch.get_num_threads()}"
    )
    X, y, _mask = make_motif_sequences(n_samples=args.n_train, length=200, random_state=0)
    clf, seconds = fitted(f"planted_{args.n_train}", X, y, results)
    print(f"planted model: {f'fitted in {seconds:.0f} s' if seconds else 'cached'}")

    if args.runtimes_only:
        _time_and_save(clf, args, out, results)
        return
    Xd, yd, maskd = make_motif_sequences(n_samples=args.n_discover, length=200, random_state=1)
    print(f"planted hold-out accuracy {clf.score(Xd, yd):.3f}")
    tomtom_calibration(out, n=args.n_calibration)
    seqlet_calibration(clf, Xd, yd, maskd, out)
    start = time.perf_counter()
    report = discover_motifs(clf, Xd, yd)
    print(f"\ndiscover_motifs on {len(Xd)} planted sequences: {time.perf_counter() - start:.0f} s")
    recovery(report, "planted CTCF vs SPI1", out)
    variants(clf, out)
    try:
        from _shared_data import load_shared

        Xj, yj = load_shared("janggu_oct4_vs_mafk", "train")
        Xt, yt = load_shared("janggu_oct4_vs_mafk", "test")
    except FileNotFoundError as exc:
        print(f"\njanggu skipped: {exc}")
    else:
        clf_j, seconds = fitted("janggu", Xj, yj, results)
        print(
            f"\njanggu model: {f'fitted in {seconds:.0f} s' if seconds else 'cached'}; "
            f"test accuracy {clf_j.score(Xt, yt):.3f}; 1 = Oct4, 0 = MafK"
        )
        pick = np.random.RandomState(0).permutation(len(Xj))[: args.n_janggu]
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SeqletCalibrationWarning)
            report = discover_motifs(clf_j, [Xj[i] for i in pick], yj[pick])
        for w in caught:
            print(f"warning: {w.message}")
        print(f"discover_motifs on {len(pick)} peaks: {time.perf_counter() - start:.0f} s")
        recovery(report, "janggu Oct4 (1) vs MafK (0)", out)
    _time_and_save(clf, args, out, results)


def _time_and_save(clf, args, out, results):
    Xt, _, _ = make_motif_sequences(n_samples=args.n_time, length=200, random_state=2)
    runtimes(clf, Xt, args.repeats, out)
    print(f"\nload average {os.getloadavg()[0]:.1f} at end")
    (results / "bench_motifs.json").write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
