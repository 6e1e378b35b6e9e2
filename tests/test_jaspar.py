"""JASPAR motifs shipped with the package, the MEME reader and the dinucleotide shuffle.

Core functionality: none of it needs the optional motifs extra.
"""

import importlib.util
from collections import Counter
from importlib import resources

import numpy as np
import pytest

from sklearn_attngen.datasets import (
    dinucleotide_shuffle,
    load_jaspar_motifs,
    read_meme,
)


def _data_file(name):
    return resources.files("sklearn_attngen.datasets") / "data" / name


_HEADER = "MEME version 4\n\nALPHABET= ACGT\n\n"


def _write(tmp_path, text, name="m.meme"):
    path = tmp_path / name
    path.write_text(_HEADER + text)
    return path


def test_vertebrates_collection():
    data = load_jaspar_motifs("vertebrates", return_bunch=True)
    assert len(data.motifs) == 879
    meta = data.metadata
    assert list(meta.matrix_id) == list(data.motifs)
    assert len(set(meta.matrix_id)) == 879
    ctcf = data.motifs["MA0139.2"]
    assert ctcf.name == "CTCF" and ctcf.pfm.shape == (15, 4)
    families = dict(zip(meta.name, meta.family, strict=True))
    assert families["POU5F1"] == "POU domain factors"
    assert families["MAFK"] == "Maf-related"
    assert (meta.n_sites > 0).mean() > 0.9
    assert "CC BY 4.0" in data.DESCR and "Rauluseviciute" in data.DESCR
    for motif in data.motifs.values():
        np.testing.assert_allclose(motif.pfm.sum(axis=1), 1, atol=1e-3)


def test_collections_agree_and_return_copies():
    benchmark = load_jaspar_motifs()
    vertebrates = load_jaspar_motifs("vertebrates")
    for key, motif in benchmark.items():
        np.testing.assert_array_equal(motif.pfm, vertebrates[key].pfm)
    benchmark["MA0139.2"].pfm[:] = 0
    assert load_jaspar_motifs()["MA0139.2"].pfm.sum() > 0
    bunch = load_jaspar_motifs(return_bunch=True)
    assert list(bunch.motifs) == list(benchmark) and "CC BY 4.0" in bunch.DESCR
    with pytest.raises(ValueError, match=r"'collection' parameter of \w+ must be"):
        load_jaspar_motifs("plants")
    with pytest.raises(TypeError, match="return_bunch"):
        load_jaspar_motifs(return_bunch=1)


def test_read_meme_reads_gzip_and_names(tmp_path):
    path = _write(
        tmp_path,
        "MOTIF a1 FOO BAR\nletter-probability matrix: alength= 4 w= 2 nsites= 3 E= 0\n"
        "0.5 0.5 0 0\n0 0 0 1\n\nMOTIF b2\nletter-probability matrix: alength= 4 w= 1\n"
        "0.25 0.25 0.25 0.25\n",
    )
    motifs = read_meme(path)
    assert list(motifs) == ["a1", "b2"]
    assert motifs["a1"].name == "FOO BAR" and motifs["b2"].name == "b2"
    shipped = read_meme(_data_file("jaspar2024_core_vertebrates.meme.gz"))
    assert len(shipped) == 879


@pytest.mark.parametrize(
    "body, match",
    [
        ("MOTIF a\nletter-probability matrix: alength= 4 w= 2\n1 0 0 0\n", "row 1 must hold 4"),
        ("MOTIF a\nletter-probability matrix: alength= 4 w= 1\n1\n", "row 0 must hold 4"),
        ("MOTIF a\nletter-probability matrix: alength= 4 w= 1\n0.5 0.6 0 0\n", "probability row"),
        ("MOTIF a\nletter-probability matrix: alength= 4 w= 1\n-1 1 0.5 0.5\n", "probability row"),
        ("MOTIF a\nletter-probability matrix: alength= 5 w= 1\n1 0 0 0 0\n", "alength must be 4"),
        ("MOTIF a\nletter-probability matrix: alength= 4\n1 0 0 0\n", "needs w="),
        ("MOTIF a\nnothing here\n", "no letter-probability matrix"),
        (
            "MOTIF a\nletter-probability matrix: w= 1\n1 0 0 0\n"
            "MOTIF a\nletter-probability matrix: w= 1\n1 0 0 0\n",
            "occurs twice",
        ),
        ("nothing\n", "no MOTIF found"),
    ],
)
def test_read_meme_is_strict(tmp_path, body, match):
    with pytest.raises(ValueError, match=match):
        read_meme(_write(tmp_path, body))


def test_read_meme_rejects_other_alphabets(tmp_path):
    path = tmp_path / "protein.meme"
    path.write_text("MEME version 4\n\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n\nMOTIF a\n")
    with pytest.raises(ValueError, match="is not ACGT"):
        read_meme(path)


@pytest.mark.skipif(importlib.util.find_spec("memelite") is None, reason="memelite not installed")
def test_read_meme_agrees_with_memelite(tmp_path):
    import gzip

    from memelite.io import read_meme as memelite_read_meme

    path = tmp_path / "vertebrates.meme"
    path.write_bytes(
        gzip.decompress(_data_file("jaspar2024_core_vertebrates.meme.gz").read_bytes())
    )
    ours = read_meme(path)
    theirs = memelite_read_meme(str(path))
    assert [key.split()[0] for key in theirs] == list(ours)
    for key, pwm in theirs.items():
        np.testing.assert_array_equal(pwm.T, ours[key.split()[0]].pfm)


def _pairs(seq):
    return Counter(seq[i : i + 2] for i in range(len(seq) - 1))


def test_dinucleotide_shuffle_keeps_counts():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), size=n)) for n in (2, 3, 50, 200)]
    seqs.append("ACGTTTNNNACGGGTANCCA")
    out = dinucleotide_shuffle(seqs, n_shuffles=3, random_state=0)
    assert len(out) == 3 * len(seqs)
    for k, shuffled in enumerate(out):
        seq = seqs[k % len(seqs)]
        assert len(shuffled) == len(seq)
        assert [i for i, c in enumerate(shuffled) if c == "N"] == [
            i for i, c in enumerate(seq) if c == "N"
        ]
        for part, original in zip(shuffled.split("N"), seq.split("N"), strict=True):
            assert _pairs(part) == _pairs(original) and part[:1] == original[:1]
    assert out[2 + len(seqs)] != seqs[2]  # 50 nt: a shuffle differs
    assert dinucleotide_shuffle(seqs, random_state=1) == dinucleotide_shuffle(seqs, random_state=1)


def test_dinucleotide_shuffle_codes_and_errors():
    codes = np.array([[0, 1, 2, 3, 0, 1, 2, 3, 4, 4]], dtype=np.uint8)
    out = dinucleotide_shuffle(codes, random_state=0)
    assert out.dtype == np.uint8 and out.shape == (1, 10)
    assert (out[0, 8:] == 4).all()
    with pytest.raises(ValueError, match="n_shuffles"):
        dinucleotide_shuffle(["ACGT"], n_shuffles=0)
