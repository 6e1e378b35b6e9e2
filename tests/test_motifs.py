"""The motif workflow (optional extra): scanning, seqlets, discovery, matching, variants.

Skipped where memelite or tangermeme are not installed. numba compiles the
FIMO, TOMTOM and seqlet kernels on their first use in a fresh environment
(about a minute in all, cached on disk afterwards); every test here uses tiny
data and shares one small fitted model.
"""

import importlib.util
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

pytest.importorskip("memelite")
pytest.importorskip("tangermeme")
pd = pytest.importorskip("pandas")

from sklearn_attngen import AttnGenClassifier  # noqa: E402
from sklearn_attngen.datasets import (  # noqa: E402
    Motif,
    encode_to_memmap,
    load_jaspar_motifs,
    make_motif_sequences,
)
from sklearn_attngen.interpret import attribute  # noqa: E402
from sklearn_attngen.motifs import (  # noqa: E402
    MotifReport,
    SeqletCalibrationWarning,
    discover_motifs,
    find_seqlets,
    marginalize,
    match_motifs,
    motif_site_mask,
    scan_motifs,
    score_variants,
)


@pytest.fixture(scope="module")
def planted():
    X, y, mask, table = make_motif_sequences(
        n_samples=1200, length=60, n_distractors=1, return_motifs=True, random_state=0
    )
    return X, y, mask, table


@pytest.fixture(scope="module")
def model(planted):
    X, y, _, _ = planted
    clf = AttnGenClassifier(
        n_filters=32, n_blocks=1, max_epochs=6, lr=4e-3, verbose=0, random_state=0
    )
    return clf.fit(X, y)


# -- scanning ---------------------------------------------------------------------------


def test_scan_finds_planted_sites(planted):
    X, _, _, table = planted
    n = 100
    hits = scan_motifs(X[:n], motifs=["MA0139.2"])
    sites = table.sites
    ctcf = (sites.motif_id == "MA0139.2") & (sites.sample < n)
    planted_at = set(zip(sites.sample[ctcf], sites.start[ctcf], strict=True))
    found_at = set(zip(hits["sample"], hits["start"], strict=True))
    recall = len(planted_at & found_at) / len(planted_at)
    precision = len(planted_at & found_at) / len(found_at)
    assert recall > 0.7 and precision > 0.7, (recall, precision)
    assert set(hits.motif_name) == {"CTCF"}
    assert ((hits.end - hits.start) == 15).all()
    assert hits.p_value.max() < 1e-4


def test_scan_inputs_agree(planted, tmp_path):
    X = planted[0][:40]
    from_strings = scan_motifs(X, motifs="benchmark")
    assert len(from_strings)
    codes = np.frombuffer("".join(X).encode(), dtype=np.uint8).reshape(40, -1)
    onehot = (codes[:, :, None] == np.frombuffer(b"ACGT", dtype=np.uint8)).astype(np.float32)
    pd.testing.assert_frame_equal(scan_motifs(onehot, motifs="benchmark"), from_strings)
    memmap = encode_to_memmap(X, tmp_path / "codes")
    batched = scan_motifs(memmap, motifs="benchmark", batch_size=7)
    pd.testing.assert_frame_equal(batched, from_strings)


def test_scan_leaves_torch_threads_alone():
    """numba's first parallel call (inside memelite) reset torch's thread count; no more."""
    code = textwrap.dedent(
        """
        import torch
        from sklearn_attngen.motifs import scan_motifs
        torch.set_num_threads(1)
        scan_motifs(["ACGTACGTAGCTAGCTAGCATCGATCGATGCTAG"], motifs=["MA1115.2"])
        print(torch.get_num_threads())
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == "1"


def test_scan_ignores_padding_and_empty_result():
    ctcf = load_jaspar_motifs()["MA0139.2"]
    seqs = ["AAAA" + ctcf.consensus, "TTTT" + ctcf.consensus[:8]]
    hits = scan_motifs(seqs, motifs=[ctcf])
    assert hits["sample"].tolist() == [0]
    assert (hits.end <= 19).all()
    empty = scan_motifs(["ACGTACGTAC"], motifs=[ctcf])
    assert empty.empty and list(empty.columns) == list(hits.columns)


def test_site_mask(planted):
    X, _, mask, _ = planted
    site_mask = motif_site_mask(X[:50], motifs=["CTCF", "SPI1"])
    assert site_mask.shape == (50, 60) and site_mask.dtype == bool
    assert (site_mask & mask[:50]).sum() > 0.6 * mask[:50].sum()
    hits = scan_motifs(X[:50], motifs=["CTCF", "SPI1"])
    np.testing.assert_array_equal(motif_site_mask(X[:50], hits=hits), site_mask)
    with pytest.raises(ValueError, match="outside X"):
        motif_site_mask(X[:2], hits=hits)


@pytest.mark.parametrize(
    "motifs, match",
    [
        (["MA9999.1"], "unknown motif 'MA9999.1'"),
        ({"m": np.ones((3, 4))}, "probabilities summing to 1"),
        ({"m": np.ones((3, 3)) / 3}, r"\(width, 4\)"),
        ("no_such_collection", "neither a collection"),
    ],
)
def test_bad_motifs(motifs, match):
    with pytest.raises(ValueError, match=match):
        scan_motifs(["ACGTACGTAC"], motifs=motifs)


# -- seqlets -------------------------------------------------------------------------------

_SITE = "TTGACGTCAAGC"


def _site_scores(sequences):
    """Toy attribution: 1 on every copy of _SITE, small noise elsewhere."""
    rng = np.random.default_rng(len(sequences))
    width = max(len(s) for s in sequences)
    scores = rng.normal(0, 0.05, size=(len(sequences), width))
    for i, seq in enumerate(sequences):
        start = seq.find(_SITE)
        while start >= 0:
            scores[i, start : start + len(_SITE)] = 1.0
            start = seq.find(_SITE, start + 1)
    return scores


@pytest.fixture(scope="module")
def site_sequences():
    rng = np.random.default_rng(0)
    seqs = []
    for _ in range(200):
        seq = "".join(rng.choice(list("ACGT"), size=80))
        at = int(rng.integers(0, 80 - len(_SITE)))
        seqs.append(seq[:at] + _SITE + seq[at + len(_SITE) :])
    return seqs


@pytest.mark.parametrize("control", ["in_context", "shuffled"])
def test_find_seqlets_calibrated(site_sequences, control):
    scores = _site_scores(site_sequences)
    result = find_seqlets(
        scores, site_sequences, _site_scores, fdr=0.05, control=control, random_state=0
    )
    assert result.estimated_fdr <= 0.05 and result.control == control
    seqlets = result.seqlets
    assert len(seqlets) >= 190
    starts = np.array([s.find(_SITE) for s in site_sequences])[seqlets["sample"]]
    overlap = np.minimum(seqlets.end, starts + len(_SITE)) - np.maximum(seqlets.start, starts)
    assert (overlap >= len(_SITE) - 1).mean() > 0.95  # the seqlet covers the site
    assert ((seqlets.end - seqlets.start) <= len(_SITE) + 8).all()
    assert set(result.fdr_curve.columns) == {
        "threshold",
        "n_seqlets",
        "n_control_seqlets",
        "estimated_fdr",
    }


def test_find_seqlets_warns_when_controls_look_real(site_sequences):
    # scores that ignore the sequence: shuffles score the same, no threshold reaches 1 %
    def noise(sequences):
        rng = np.random.default_rng(1)
        return rng.normal(size=(len(sequences), 80))

    with pytest.warns(SeqletCalibrationWarning, match="No seqlet threshold"):
        result = find_seqlets(noise(site_sequences), site_sequences, noise, fdr=0.01)
    assert result.estimated_fdr > 0.01


def test_find_seqlets_accepts_per_base_scores_and_bunches(site_sequences):
    scores = _site_scores(site_sequences)
    codes = np.frombuffer("".join(site_sequences).encode(), dtype=np.uint8).reshape(200, 80)
    onehot = codes[:, :, None] == np.frombuffer(b"ACGT", dtype=np.uint8)
    per_base = scores[:, :, None] * onehot
    a = find_seqlets(scores, site_sequences, threshold=1e-3).seqlets
    b = find_seqlets(per_base, site_sequences, threshold=1e-3).seqlets
    c = find_seqlets({"scores": scores, "base_scores": None}, site_sequences, threshold=1e-3)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c.seqlets)
    assert np.isnan(c.estimated_fdr)


def test_find_seqlets_bad_input(site_sequences):
    scores = _site_scores(site_sequences)
    with pytest.raises(ValueError, match="needs scorer"):
        find_seqlets(scores, site_sequences)
    with pytest.raises(ValueError, match="shape"):
        find_seqlets(scores[:10], site_sequences, threshold=0.01)
    with pytest.raises(ValueError, match="control must be"):
        find_seqlets(scores, site_sequences, _site_scores, control="genome")


# -- matching ---------------------------------------------------------------------------


def test_match_known_motifs_and_flag_low_information():
    jaspar = load_jaspar_motifs()
    uniform = Motif("flat", "flat", np.full((20, 4), 0.25))
    queries = [jaspar["MA0139.2"], jaspar["MA0080.7"], uniform]
    matches = match_motifs(queries, n_matches=2)
    best = matches[matches["rank"] == 0].set_index("query")
    assert best.loc["MA0139.2", "target_name"] == "CTCF"
    assert best.loc["MA0080.7", "target_name"].upper() == "SPI1"
    assert (best.loc[["MA0139.2", "MA0080.7"], "q_value"] < 0.05).all()
    assert best.loc["MA0080.7", "family"] == "Ets-related"
    assert best.loc["flat", "low_information"] and pd.isna(best.loc["flat", "target_id"])
    # memelite's raw TOMTOM p-value is far smaller than the calibrated one
    assert (best.loc[["MA0139.2"], "tomtom_p_value"] < best.loc[["MA0139.2"], "p_value"]).all()


def test_shuffled_and_random_queries_rarely_match():
    rng = np.random.default_rng(0)
    jaspar = list(load_jaspar_motifs("vertebrates").values())
    queries = {}
    for k in range(20):
        motif = jaspar[int(rng.integers(len(jaspar)))]
        queries[f"shuffled{k}"] = motif.pfm[rng.permutation(motif.width)]
        queries[f"random{k}"] = rng.dirichlet(np.full(4, 0.5), size=int(rng.integers(8, 16)))
    matches = match_motifs(queries, n_matches=1, n_null=50, random_state=0)
    matched = matches[~matches.low_information]
    assert len(matched) >= 30
    assert (matched.q_value < 0.05).mean() <= 0.1


# -- discovery, variants, marginalization on a fitted model -----------------------------


@pytest.fixture(scope="module")
def report(model, planted):
    X, y, _, _ = planted
    # a 7-second model: its SPI1 class reaches an estimated seqlet FDR of 0.25-0.3, not 0.05
    return discover_motifs(model, X[:600], y[:600], fdr=0.5, max_motifs=3, random_state=0)


def test_discover_recovers_planted_motifs(report):
    assert isinstance(report, MotifReport)
    assert report.clustering == "greedy"
    top = {label: report.top_motifs(label, 1).iloc[0] for label in (0, 1)}
    assert top[0].match_name == "CTCF" and top[0].q_value < 0.05
    assert top[1].match_name.upper() == "SPI1" and top[1].q_value < 0.05
    counts = report.seqlet_counts
    assert set(counts) == {0, 1} and min(counts.values()) > 50
    assert report.seqlets.motif_id.notna().mean() > 0.5
    for label, cal in report.calibration.items():
        assert cal["estimated_fdr"] <= 0.5, label
    assert "CTCF" in repr(report)


def test_report_plot(report):
    import matplotlib

    matplotlib.use("Agg")
    axes = report.plot(n_per_class=2)
    assert axes.shape == (2, 2)
    assert "CTCF" in axes[0, 0].get_title()
    axes = report.plot(n_per_class=1, kind="cwm")
    assert axes[0, 0].get_ylabel().endswith("contribution")


def test_discover_with_attention_and_bad_input(model, planted):
    X, y, _, _ = planted
    with pytest.raises(ValueError, match="method must be"):
        discover_motifs(model, X, y, method="deeplift")
    with pytest.raises(ValueError, match="not one of the classes"):
        discover_motifs(model, X, np.full(len(X), 7))
    if importlib.util.find_spec("modiscolite") is None:
        with pytest.raises(ImportError, match=r'pip install "sklearn-attngen\[modisco\]"'):
            discover_motifs(model, X, y, clustering="modisco")


def _ctcf_sequence(planted):
    X, _, _, table = planted
    sites = table.sites
    k = int(np.flatnonzero((sites.motif_id == "MA0139.2") & (sites.strand == "+"))[0])
    return X[sites.sample[k]], int(sites.start[k])


def test_score_variants_key_bases_vs_background(model, planted):
    seq, start = _ctcf_sequence(planted)
    ctcf = load_jaspar_motifs()["MA0139.2"]
    key = np.argsort(-(ctcf.pfm.max(axis=1)))[:5]  # the five most conserved positions
    core = seq[start : start + 15]
    mutated = "".join(
        "T" if (j in key and c != "T") else ("A" if j in key else c) for j, c in enumerate(core)
    )
    background = 0 if start > len(seq) // 2 else len(seq) - 1  # far from the site
    bg_alt = "A" if seq[background] != "A" else "C"
    effects = score_variants(
        model,
        {"s": seq},
        [("s", start, core, mutated), ("s", background, seq[background], bg_alt)],
    )
    site_effect, background_effect = effects["delta_log_odds[0]"]
    assert site_effect < -2.0
    assert abs(background_effect) < 0.5 * abs(site_effect)
    assert effects.kind.tolist() == ["substitution", "snv"]
    assert effects.saliency_change[0] > effects.saliency_change[1]


def test_score_variants_indels_and_errors(model, planted):
    seq = planted[0][0]
    effects = score_variants(
        model,
        [seq],
        pd.DataFrame(
            {
                "sequence": [0, 0],
                "position": [10, 20],
                "ref": [seq[10], seq[20:23]],
                "alt": [seq[10] + "GGG", seq[20]],
            }
        ),
        saliency=lambda s: attribute(model, s, "input_x_gradient").scores,
    )
    assert effects.kind.tolist() == ["insertion", "deletion"]
    assert np.isfinite(effects.filter(like="delta_log_odds").to_numpy()).all()
    with pytest.raises(KeyError, match="unknown sequence id 'x'"):
        score_variants(model, {"s": seq}, [("x", 3, seq[3], "A")])
    with pytest.raises(ValueError, match="outside sequence"):
        score_variants(model, {"s": seq}, [("s", 59, seq[59] + "A", "A")])
    with pytest.raises(ValueError, match="outside sequence"):
        score_variants(model, {"s": seq}, [("s", -1, "A", "C")])
    wrong = "A" if seq[5] != "A" else "C"
    with pytest.raises(ValueError, match="does not match sequence 's', which reads"):
        score_variants(model, {"s": seq}, [("s", 5, wrong, "G")])
    with pytest.raises(ValueError, match="other than ACGT"):
        score_variants(model, {"s": seq}, [("s", 5, seq[5], "Z")])


def test_marginalize_motif_raises_its_class(model, planted):
    X = planted[0][:60]
    ctcf = marginalize(model, "CTCF", X, random_state=0)
    spi1 = marginalize(model, "MA0080.7", X, random_state=0)
    assert ctcf.inserted == load_jaspar_motifs()["MA0139.2"].consensus
    assert ctcf.mean_shift[0] > 0.2 and spi1.mean_shift[1] > 0.2
    np.testing.assert_allclose(ctcf.mean_shift.sum(), 0, atol=1e-6)
    with pytest.raises(ValueError, match="does not fit"):
        marginalize(model, "CTCF", X, position=50)
    with pytest.raises(ValueError, match="unknown motif"):
        marginalize(model, "NOTAFACTOR", X)


# -- without the extra ------------------------------------------------------------------


def test_import_error_names_the_extra():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["memelite"] = None
        sys.modules["tangermeme"] = None
        import sklearn_attngen.motifs as m
        calls = (
            lambda: m.scan_motifs(["ACGT"]),
            lambda: m.find_seqlets([[1.0]], ["A"], threshold=0.1),
            lambda: m.match_motifs("benchmark"),
        )
        for call in calls:
            try:
                call()
            except ImportError as exc:
                assert 'pip install "sklearn-attngen[motifs]"' in str(exc), exc
            else:
                raise AssertionError("no ImportError")
        print("ok")
        """
    )
    with warnings.catch_warnings():
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.slow
def test_discover_with_modisco():
    pytest.importorskip("modiscolite.tfmodisco")
    # TF-MoDISco's windows (21 nt plus 10 nt flanks) need long sequences
    X, y, _ = make_motif_sequences(n_samples=1000, length=200, random_state=0)
    clf = AttnGenClassifier(
        n_filters=32, n_blocks=1, max_epochs=6, lr=4e-3, verbose=0, random_state=0
    ).fit(X, y)
    report = discover_motifs(clf, X, y, method="gradient", fdr=0.5, max_motifs=2)
    assert report.clustering == "modisco"
    names = {str(name).upper() for name in report.table.match_name.dropna()}
    assert names & {"CTCF", "SPI1"}


class _Saturated(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose float32 probabilities round to exactly 1."""

    def __init__(self):
        self.classes_ = np.array([0, 1])

    def fit(self, X, y=None):
        return self

    def predict_proba(self, X):
        strong = np.array(["GGGG" in s for s in X])
        p1 = np.where(strong, 1e-9, 0.5).astype(np.float32)
        return np.stack([1 - p1, p1], axis=1)

    def saliency(self, X):
        return np.zeros((len(X), max(map(len, X))))


def test_score_variants_saturated_probabilities_stay_finite():
    effects = score_variants(_Saturated(), ["AAGGGGAA"], [(0, 3, "G", "T")])
    change = effects["delta_log_odds[0]"][0]
    assert np.isfinite(change) and change == pytest.approx(-20.7, abs=0.1)
