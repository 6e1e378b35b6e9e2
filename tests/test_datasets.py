"""Tests for sklearn_attngen.datasets: loaders, readers, generator. No network."""

import gzip
import itertools
from collections import Counter
from pathlib import Path

import genomic_benchmarks.loc2seq
import genomic_benchmarks.utils.paths
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_attngen.datasets import (
    Motif,
    dinucleotide_shuffle,
    list_genomic_benchmarks,
    load_genomic_benchmark,
    load_jaspar_motifs,
    load_promoter,
    load_splice_junction,
    make_motif_sequences,
    read_fasta,
    read_sequences,
)
from sklearn_attngen.datasets._motifs import _dinucleotide_shuffle
from sklearn_attngen.preprocessing import reverse_complement
from sklearn_attngen.utils import check_sequences

pd = pytest.importorskip("pandas")

# --------------------------------------------------------------------------- bundled data


@pytest.mark.parametrize(
    "loader, sizes, names, length",
    [
        (load_splice_junction, {"train": 2420, "test": 770}, ["EI", "IE", "N"], 60),
        (load_promoter, {"train": 8000, "test": 5920}, ["non-promoter", "promoter"], 70),
    ],
)
def test_bundled_loader(loader, sizes, names, length):
    train, test, both = (loader(split=s) for s in ("train", "test", "all"))
    for split, bunch in (("train", train), ("test", test)):
        assert len(bunch.data) == len(bunch.target) == sizes[split]
        assert bunch.target.dtype == np.int64
        assert bunch.target_names.tolist() == names
        assert set(bunch.target.tolist()) == set(range(len(names)))
        assert {len(s) for s in bunch.data} == {length}
        assert all(isinstance(s, str) and s == s.upper() for s in bunch.data)
        check_sequences(bunch.data)  # valid alphabet (ambiguity codes allowed)
        assert "Licen" in bunch.DESCR and bunch.frame is None
    assert both.data == train.data + test.data
    np.testing.assert_array_equal(both.target, np.concatenate([train.target, test.target]))
    X, y = loader(return_X_y=True)
    assert X == train.data and np.array_equal(y, train.target)


def test_splice_junction_content():
    bunch = load_splice_junction(split="all")
    assert np.bincount(bunch.target).tolist() == [767, 768, 1655]
    donors = [s for s, t in zip(bunch.data, bunch.target, strict=True) if t == 0]
    assert np.mean([s[30:32] == "GT" for s in donors]) > 0.95  # documented in DESCR
    assert sum(any(c not in "ACGT" for c in s) for s in bunch.data) == 15


def test_promoter_content():
    train, test = load_promoter(), load_promoter(split="test")
    assert np.bincount(train.target).tolist() == [4000, 4000]
    assert np.bincount(test.target).tolist() == [2952, 2968]
    assert not set(train.data) & set(test.data)
    assert len(set(train.data)) == len(train.data)
    assert set("".join(train.data)) == set("ACGT")


@pytest.mark.parametrize("loader", [load_splice_junction, load_promoter])
def test_bundled_as_frame(loader):
    bunch = loader(split="test", as_frame=True)
    assert list(bunch.frame.columns) == ["sequence", "label"]
    assert isinstance(bunch.data, pd.Series) and bunch.data.name == "sequence"
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "label"
    plain = loader(split="test")
    assert bunch.data.tolist() == plain.data
    assert bunch.target.tolist() == plain.target.tolist()
    X, y = loader(split="test", as_frame=True, return_X_y=True)
    assert isinstance(X, pd.Series) and isinstance(y, pd.Series)


@pytest.mark.parametrize("loader", [load_splice_junction, load_promoter])
def test_bundled_bad_arguments(loader):
    with pytest.raises(ValueError, match=r"'split' parameter of .* must be a str among"):
        loader(split="dev")
    with pytest.raises(
        TypeError, match=r"'return_X_y' parameter of .* must be an instance of 'bool'"
    ):
        loader(return_X_y="yes")
    with pytest.raises(
        TypeError, match=r"'as_frame' parameter of .* must be an instance of 'bool'"
    ):
        loader(as_frame=1)


def test_bundled_loaders_return_fresh_data():
    first = load_splice_junction()
    first.data[0] = "AAAA"
    first.target[:] = 0
    second = load_splice_junction()
    assert second.data[0] != "AAAA" and second.target.max() == 2


def test_bundled_data_size_budget():
    data_dir = Path(__file__).resolve().parents[1] / "sklearn_attngen" / "datasets" / "data"
    assert sum(p.stat().st_size for p in data_dir.iterdir()) < 3 * 2**20


# --------------------------------------------------------------------------- Genomic Benchmarks

GB_NAME = "demo_human_or_worm"
GB_FILES = {
    "train": {"worm": {"10": "TTTT", "2": "GGGG"}, "human": {"0": "acgtn", "1": "CCCC"}},
    "test": {"human": {"5": "AAAC"}, "worm": {"7": "GATC"}},
}


def _write_cache(root, name=GB_NAME, files=GB_FILES):
    for split, classes in files.items():
        for label, records in classes.items():
            folder = root / name / split / label
            folder.mkdir(parents=True, exist_ok=True)
            for record_id, seq in records.items():
                (folder / f"{record_id}.txt").write_text(seq)
    return root / name


@pytest.fixture
def downloads(monkeypatch):
    """Replace genomic-benchmarks' downloader; fail the test on an unexpected call."""
    calls = []

    def forbidden(*args, **kwargs):
        calls.append((args, kwargs))
        raise AssertionError("the network downloader must not be called here")

    monkeypatch.setattr(genomic_benchmarks.loc2seq, "download_dataset", forbidden)
    return calls


def test_list_genomic_benchmarks():
    from genomic_benchmarks.data_check import list_datasets

    names = list_genomic_benchmarks()
    assert names == sorted(list_datasets())
    assert GB_NAME in names and "human_nontata_promoters" in names


def test_load_genomic_benchmark_from_cache(tmp_path, downloads):
    _write_cache(tmp_path)
    bunch = load_genomic_benchmark(GB_NAME, data_home=tmp_path)
    assert bunch.target_names.tolist() == ["human", "worm"]
    assert bunch.data == ["acgtn", "CCCC", "GGGG", "TTTT"]  # natural id order, case kept
    assert bunch.ids == ["0", "1", "2", "10"]
    assert bunch.target.tolist() == [0, 0, 1, 1] and bunch.target.dtype == np.int64
    assert GB_NAME in bunch.DESCR and "human: 2" in bunch.DESCR
    assert bunch.filename == str(tmp_path / GB_NAME) and bunch.frame is None
    test = load_genomic_benchmark(GB_NAME, "test", data_home=str(tmp_path))
    assert test.data == ["AAAC", "GATC"] and test.target.tolist() == [0, 1]
    both = load_genomic_benchmark(GB_NAME, "all", data_home=tmp_path)
    assert both.data == bunch.data + test.data
    assert both.target.tolist() == bunch.target.tolist() + test.target.tolist()
    X, y = load_genomic_benchmark(GB_NAME, data_home=tmp_path, return_X_y=True)
    assert X == bunch.data and y.tolist() == bunch.target.tolist()
    assert not downloads


def test_load_genomic_benchmark_as_frame(tmp_path, downloads):
    _write_cache(tmp_path)
    bunch = load_genomic_benchmark(GB_NAME, "test", data_home=tmp_path, as_frame=True)
    assert list(bunch.frame.columns) == ["sequence", "label"]
    assert bunch.frame["sequence"].tolist() == ["AAAC", "GATC"]
    assert bunch.frame["label"].tolist() == [0, 1]


def test_load_genomic_benchmark_default_data_home(tmp_path, monkeypatch, downloads):
    monkeypatch.setattr(genomic_benchmarks.utils.paths, "CACHE_PATH", tmp_path)
    _write_cache(tmp_path)
    assert load_genomic_benchmark(GB_NAME, "test").data == ["AAAC", "GATC"]


def test_load_genomic_benchmark_downloads_when_missing(tmp_path, monkeypatch):
    calls = []

    def fake_download(name, version=None, dest_path=None, **kwargs):
        calls.append((name, version, Path(dest_path), kwargs))
        return _write_cache(Path(dest_path), name)

    monkeypatch.setattr(genomic_benchmarks.loc2seq, "download_dataset", fake_download)
    home = tmp_path / "new" / "home"
    bunch = load_genomic_benchmark(GB_NAME, data_home=home)
    assert calls == [(GB_NAME, 0, home, {})]
    assert len(bunch.data) == 4
    load_genomic_benchmark(GB_NAME, data_home=home)  # now cached: no second download
    assert len(calls) == 1
    load_genomic_benchmark("human_nontata_promoters", data_home=home, version=3)
    assert calls[-1][:2] == ("human_nontata_promoters", 3)


def test_load_genomic_benchmark_incomplete_cache_downloads(tmp_path, monkeypatch):
    _write_cache(tmp_path, files={"train": GB_FILES["train"]})  # test split missing
    calls = []

    def fake_download(name, version=None, dest_path=None):
        calls.append(name)
        _write_cache(Path(dest_path), name)

    monkeypatch.setattr(genomic_benchmarks.loc2seq, "download_dataset", fake_download)
    assert len(load_genomic_benchmark(GB_NAME, data_home=tmp_path).data) == 4
    assert not calls  # the train split is there
    assert len(load_genomic_benchmark(GB_NAME, "all", data_home=tmp_path).data) == 6
    assert calls == [GB_NAME]


@pytest.mark.parametrize(
    "error", [OSError("Network is unreachable"), ValueError("bad zip"), RuntimeError("boom")]
)
def test_load_genomic_benchmark_download_failure(tmp_path, monkeypatch, error):
    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(genomic_benchmarks.loc2seq, "download_dataset", failing)
    with pytest.raises(FileNotFoundError) as info:
        load_genomic_benchmark(GB_NAME, data_home=tmp_path)
    message = str(info.value)
    assert GB_NAME in message and str(tmp_path / GB_NAME) in message
    assert str(error) in message and "download_dataset" in message
    assert "train/<class>/<id>.txt" in message
    assert info.value.__cause__ is error


def test_load_genomic_benchmark_no_download(tmp_path, downloads):
    with pytest.raises(FileNotFoundError, match="download_if_missing=False") as info:
        load_genomic_benchmark(GB_NAME, data_home=tmp_path, download_if_missing=False)
    assert str(tmp_path / GB_NAME) in str(info.value)
    assert not downloads


def test_load_genomic_benchmark_download_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(genomic_benchmarks.loc2seq, "download_dataset", lambda *a, **k: None)
    with pytest.raises(FileNotFoundError, match="did not create"):
        load_genomic_benchmark(GB_NAME, data_home=tmp_path)


def test_load_genomic_benchmark_unknown_name(tmp_path, downloads):
    with pytest.raises(ValueError, match="Unknown Genomic Benchmarks data set 'no_such'"):
        load_genomic_benchmark("no_such", data_home=tmp_path)
    assert not downloads
    _write_cache(tmp_path, name="my_own_set")  # a folder in data_home is read anyway
    assert len(load_genomic_benchmark("my_own_set", data_home=tmp_path).data) == 4


def test_load_genomic_benchmark_bad_files(tmp_path, downloads):
    root = _write_cache(tmp_path)
    (root / "train" / "worm" / "3.txt").write_text("ACGX")
    with pytest.raises(ValueError, match=r"3\.txt: invalid character 'X' at position 3"):
        load_genomic_benchmark(GB_NAME, data_home=tmp_path)
    (root / "train" / "worm" / "3.txt").write_text("")
    with pytest.raises(ValueError, match=r"3\.txt: empty sequence"):
        load_genomic_benchmark(GB_NAME, data_home=tmp_path)
    empty = tmp_path / "empty"
    (empty / GB_NAME / "train" / "human").mkdir(parents=True)
    (empty / GB_NAME / "test").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=r"holds no <class>/<id>\.txt"):
        load_genomic_benchmark(GB_NAME, data_home=empty)


def test_load_genomic_benchmark_bad_arguments(tmp_path, downloads):
    with pytest.raises(ValueError, match=r"'split' parameter of .* must be a str among"):
        load_genomic_benchmark(GB_NAME, "valid", data_home=tmp_path)
    with pytest.raises(TypeError, match="'name' parameter of load_genomic_benchmark must be"):
        load_genomic_benchmark(None, data_home=tmp_path)
    with pytest.raises(
        TypeError, match=r"'download_if_missing' parameter of .* must be an instance of 'bool'"
    ):
        load_genomic_benchmark(GB_NAME, data_home=tmp_path, download_if_missing="no")


def test_load_genomic_benchmark_does_not_modify_cache(tmp_path, downloads):
    root = _write_cache(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    load_genomic_benchmark(GB_NAME, "all", data_home=tmp_path)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


# --------------------------------------------------------------------------- read_fasta

FASTA = ">seq1 first record\nACGT\nacgt\n\n>seq2\r\nNNRY\r\n>seq3 x\nGG\n"


def _write(path, text, compress=False):
    if compress:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text, newline="")
    return path


@pytest.mark.parametrize("name, compress", [("a.fa", False), ("a.fa.gz", True), ("a.fa", True)])
def test_read_fasta(tmp_path, name, compress):
    records = read_fasta(_write(tmp_path / name, FASTA, compress))
    assert records.ids == ["seq1", "seq2", "seq3"]
    assert records.descriptions == ["seq1 first record", "seq2", "seq3 x"]
    assert records.data == ["ACGTacgt", "NNRY", "GG"]
    assert records.filename == str(tmp_path / name)
    assert read_fasta(tmp_path / name, uppercase=True).data == ["ACGTACGT", "NNRY", "GG"]


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("ACGT\n>s1\nACGT\n", r"line 1: sequence data before the first '>' header"),
        ("\n>s1\nAC\n>s2\n>s3\nGG\n", r"line 4: record 's2' has no sequence"),
        (">s1\nAC\n>s2\n\n", r"line 3: record 's2' has no sequence"),
        (">s1\nAC\n>\nGG\n", r"line 3: header '>' has no identifier"),
        (">s1\nAC\n>s2\nACGT\nACGT\nACxT\n", r"line 6 \(record 's2'\): invalid character 'x'"),
        (">s1\nAC GT\n", r"line 2 \(record 's1'\): invalid character ' ' at position 2"),
        ("", r"holds no FASTA record"),
    ],
)
def test_read_fasta_malformed(tmp_path, text, pattern):
    path = _write(tmp_path / "bad.fa", text)
    with pytest.raises(ValueError, match=pattern):
        read_fasta(path)


def test_read_fasta_missing_file(tmp_path):
    path = tmp_path / "nope.fa"
    with pytest.raises(FileNotFoundError, match=r"nope\.fa"):
        read_fasta(path)
    with pytest.raises(IsADirectoryError):
        read_fasta(tmp_path)
    with pytest.raises(TypeError, match="path must be"):
        read_fasta(3)


def test_read_fasta_does_not_modify_file(tmp_path):
    path = _write(tmp_path / "a.fa", FASTA)
    before = path.read_bytes()
    read_fasta(path, uppercase=True)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- read_sequences

CSV = 'id,sequence,label\nr1,ACGT,1\nr2,"ggca",0\nr3,NNAC,1\n'


@pytest.mark.parametrize(
    "name, text, compress",
    [
        ("a.csv", CSV, False),
        ("a.csv.gz", CSV, True),
        ("a.tsv", CSV.replace(",", "\t").replace('"', ""), False),
        ("a.TAB.gz", CSV.replace(",", "\t"), True),
    ],
)
def test_read_sequences(tmp_path, name, text, compress):
    records = read_sequences(_write(tmp_path / name, text, compress), id_column="id")
    assert records.data == ["ACGT", "ggca", "NNAC"]
    assert records.target.tolist() == [1, 0, 1] and records.target.dtype == np.int64
    assert records.ids == ["r1", "r2", "r3"]
    X, y = read_sequences(tmp_path / name, uppercase=True, return_X_y=True)
    assert X == ["ACGT", "GGCA", "NNAC"] and y.tolist() == [1, 0, 1]


def test_read_sequences_options(tmp_path):
    path = _write(tmp_path / "x.txt", "seq;cls\nAC;pos\nGT;neg\n\n")
    with pytest.raises(ValueError, match="Cannot infer the delimiter"):
        read_sequences(path)
    records = read_sequences(path, "seq", "cls", delimiter=";")
    assert records.data == ["AC", "GT"] and records.target.tolist() == ["pos", "neg"]
    assert records.ids is None
    unlabelled = read_sequences(path, "seq", None, delimiter=";")
    assert unlabelled.target is None
    bom = _write(tmp_path / "bom.csv", "\ufeffsequence,label\nAC,1\n")
    assert read_sequences(bom).data == ["AC"]
    with pytest.raises(ValueError, match="single character"):
        read_sequences(path, delimiter=";;")


@pytest.mark.parametrize(
    "text, kwargs, pattern",
    [
        ("seq,label\nAC,1\n", {}, r"line 1: no column 'sequence' \(the sequence_column\)"),
        ("sequence,y\nAC,1\n", {}, r"no column 'label' \(the label_column\).*\['sequence', 'y'\]"),
        ("sequence,label\nAC,1\n", {"id_column": "id"}, r"no column 'id'"),
        ("sequence,label\nAC,1\nGT,0,extra\n", {}, r"line 3: expected 2 fields.*got 3"),
        ("sequence,label\nAC,1\nGT\n", {}, r"line 3: expected 2 fields.*got 1"),
        ("sequence,label\nAC,1\n,0\n", {}, r"line 3: empty sequence"),
        ("sequence,label\nAC,1\nGT,\n", {}, r"line 3: empty label"),
        ("sequence,label\nAC,1\nGT,0\nGTu,1\n", {}, r"line 4: invalid character 'u'"),
        ("", {}, r"is empty"),
        ("sequence,label\n", {}, r"no data rows"),
    ],
)
def test_read_sequences_malformed(tmp_path, text, kwargs, pattern):
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=pattern):
        read_sequences(path, **kwargs)


def test_read_sequences_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.csv"):
        read_sequences(tmp_path / "missing.csv")
    with pytest.raises(
        TypeError,
        match="'sequence_column' parameter of read_sequences must be an instance of 'str'",
    ):
        read_sequences(_write(tmp_path / "a.csv", CSV), sequence_column=1)


# --------------------------------------------------------------------------- JASPAR motifs

SHIPPED = ["MA0139.2", "MA0035.5", "MA0080.7", "MA0138.3", "MA0148.5", "MA0114.5"]


def test_load_jaspar_motifs():
    motifs = load_jaspar_motifs()
    assert list(motifs) == SHIPPED
    names = [m.name for m in motifs.values()]
    assert names == ["CTCF", "GATA1", "Spi1", "REST", "FOXA1", "HNF4A"]
    for motif in motifs.values():
        assert isinstance(motif, Motif) and motif.pfm.shape == (motif.width, 4)
        np.testing.assert_allclose(motif.pfm.sum(axis=1), 1, atol=1e-5)
        assert len(motif.consensus) == motif.width
    # values as published (JASPAR MA0139.2, first row)
    np.testing.assert_array_equal(
        motifs["MA0139.2"].pfm[0], [0.307777, 0.053669, 0.491785, 0.146769]
    )
    motifs["MA0139.2"].pfm[:] = 0
    assert load_jaspar_motifs()["MA0139.2"].pfm.sum() == pytest.approx(15)


# --------------------------------------------------------------------------- make_motif_sequences


def _pfm_probability(site, pfm):
    codes = check_sequences([site])[0][0]
    return np.prod(pfm[np.arange(len(codes)), codes])


@pytest.mark.parametrize("background", ["iid", "shuffled"])
def test_make_motif_sequences_shapes_and_determinism(background):
    X, y, mask = make_motif_sequences(
        n_samples=60, length=120, background=background, random_state=3
    )
    assert len(X) == 60 and {len(s) for s in X} == {120}
    assert set("".join(X)) <= set("ACGT")
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [30, 30]
    assert mask.shape == (60, 120) and mask.dtype == bool
    X2, y2, mask2 = make_motif_sequences(
        n_samples=60, length=120, background=background, random_state=3
    )
    assert X == X2 and np.array_equal(y, y2) and np.array_equal(mask, mask2)
    X3, _, _ = make_motif_sequences(
        n_samples=60, length=120, background=background, random_state=np.random.RandomState(4)
    )
    assert X3 != X


@pytest.mark.parametrize(
    "motifs, background",
    [
        (None, "iid"),
        (["GATA1", ("CTCF", "REST")], "shuffled"),
        ([(), "MA0139", ("foxa1", "HNF4A")], "iid"),
    ],
)
def test_make_motif_sequences_mask_spells_sites(motifs, background):
    X, y, mask, table = make_motif_sequences(
        n_samples=90,
        length=150,
        motifs=motifs,
        n_distractors=2,
        background=background,
        return_motifs=True,
        random_state=0,
    )
    sites = table.sites
    expected = np.zeros_like(mask)
    for k in range(len(sites.sample)):
        i, start, end = sites.sample[k], sites.start[k], sites.end[k]
        motif = table.motifs[sites.motif_id[k]]
        assert end - start == motif.width
        assert X[i][start:end] == sites.sequence[k]
        drawn = (
            sites.sequence[k] if sites.strand[k] == "+" else reverse_complement(sites.sequence[k])
        )
        assert _pfm_probability(drawn, motif.pfm) > 0  # a site the motif can emit
        in_class = sites.motif_id[k] in table.class_motifs[y[i]]
        assert sites.class_determining[k] == in_class
        expected[i, start:end] |= in_class
    np.testing.assert_array_equal(mask, expected)
    for i in range(len(X)):
        # the class's motifs once each, n_distractors distractors, no overlaps
        own = sites.sample == i
        ids = sorted(sites.motif_id[own & sites.class_determining])
        assert ids == sorted(table.class_motifs[y[i]])
        assert (own & ~sites.class_determining).sum() == 2
        intervals = sorted(zip(sites.start[own], sites.end[own], strict=True))
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(intervals))
    assert set(sites.motif_id[~sites.class_determining]) <= set(table.distractors)
    assert not set(table.distractors) & {m for ids in table.class_motifs for m in ids}


def test_make_motif_sequences_label_not_in_position_or_distractors():
    _, y, _, table = make_motif_sequences(
        n_samples=2000, length=200, return_motifs=True, random_state=1
    )
    sites = table.sites
    centre = (sites.start + sites.end) / 2
    label = y[sites.sample]
    det = sites.class_determining
    # class sites sit anywhere in both classes, distractors are shared by both classes
    for c in (0, 1):
        assert abs(centre[det & (label == c)].mean() - 100) < 5
    for motif_id in table.distractors:
        counts = [np.sum(~det & (label == c) & (sites.motif_id == motif_id)) for c in (0, 1)]
        assert min(counts) > 0.8 * max(counts)
    assert set(sites.strand) == {"+", "-"}


def test_make_motif_sequences_default_motifs_and_options():
    X, y, mask, table = make_motif_sequences(
        n_samples=20,
        length=80,
        n_distractors=0,
        both_strands=False,
        return_motifs=True,
        random_state=0,
    )
    assert table.class_motifs == [("MA0139.2",), ("MA0080.7",)]
    assert set(table.distractors) == set(SHIPPED) - {"MA0139.2", "MA0080.7"}
    assert len(table.sites.sample) == 20 and set(table.sites.strand) == {"+"}
    custom = Motif("my", "AAAA", np.tile([1.0, 0, 0, 0], (4, 1)))
    X, y, mask, table = make_motif_sequences(
        n_samples=10,
        length=30,
        motifs=[custom, "GATA1"],
        distractors=["REST"],
        n_distractors=0,
        both_strands=False,
        return_motifs=True,
        random_state=0,
    )
    for seq, row, c in zip(X, mask, y, strict=True):
        if c == 0:
            assert seq[np.flatnonzero(row)[0] :][:4] == "AAAA" and row.sum() == 4


def test_make_motif_sequences_gc_content():
    X, _, mask = make_motif_sequences(
        n_samples=200, length=300, n_distractors=0, gc_content=0.8, random_state=0
    )
    background = "".join(
        c for s, m in zip(X, mask, strict=True) for c, k in zip(s, m, strict=True) if not k
    )
    gc = (background.count("G") + background.count("C")) / len(background)
    assert gc == pytest.approx(0.8, abs=0.01)


def test_make_motif_sequences_does_not_modify_inputs():
    pfm = np.tile([0.25, 0.25, 0.25, 0.25], (5, 1))
    custom = Motif("flat", "flat", pfm)
    motifs = [custom, ("CTCF", "REST")]
    distractors = ["GATA1"]
    make_motif_sequences(n_samples=10, motifs=motifs, distractors=distractors, random_state=0)
    assert motifs == [custom, ("CTCF", "REST")] and distractors == ["GATA1"]
    np.testing.assert_array_equal(pfm, 0.25)


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"motifs": ["CTCF"]}, ValueError, ">= 2 classes"),
        ({"motifs": "CTCF"}, ValueError, ">= 2 classes"),
        ({"motifs": ["CTCF", "nope"]}, ValueError, "unknown motif 'nope'"),
        ({"motifs": ["CTCF", 3]}, TypeError, "expected a JASPAR id"),
        ({"motifs": [("CTCF", "REST"), ("REST", "CTCF")]}, ValueError, "same motif set"),
        ({"motifs": ["CTCF", "REST"], "distractors": ["REST"]}, ValueError, "must not include"),
        ({"distractors": [], "n_distractors": 1}, ValueError, "at least one distractor"),
        ({"length": 30}, ValueError, "too short"),
        ({"n_samples": 0}, ValueError, r"'n_samples' parameter of \w+ must be"),
        ({"length": 2.5}, ValueError, r"'length' parameter of \w+ must be"),
        ({"n_distractors": -1}, ValueError, r"'n_distractors' parameter of \w+ must be"),
        ({"gc_content": 1.5}, ValueError, r"'gc_content' parameter of \w+ must be"),
        ({"background": "real"}, ValueError, r"'background' parameter of \w+ must be"),
        ({"both_strands": "yes"}, TypeError, r"'both_strands' parameter of \w+ must be"),
        ({"motifs": [Motif("m", "m", np.ones((3, 3))), "CTCF"]}, ValueError, "shape"),
    ],
)
def test_make_motif_sequences_errors(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make_motif_sequences(**{"n_samples": 10, **kwargs})


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ACGT", min_size=1, max_size=60), st.integers(0, 2**31 - 1))
def test_dinucleotide_shuffle_keeps_dinucleotide_counts(seq, seed):
    codes = check_sequences([seq])[0][0]
    out = _dinucleotide_shuffle(codes, np.random.RandomState(seed))
    assert out.dtype == np.uint8 and len(out) == len(codes)
    pairs = lambda c: sorted(zip(c[:-1].tolist(), c[1:].tolist(), strict=True))  # noqa: E731
    assert pairs(out) == pairs(codes)
    assert out[0] == codes[0] and out[-1] == codes[-1]


def test_dinucleotide_shuffle_is_uniform():
    # the sequences starting and ending with A that hold AC, CA, AG, GA once each are
    # ACAGA and AGACA: each should come up half of the time
    counts = Counter(dinucleotide_shuffle(["ACAGA"], n_shuffles=2000, random_state=0))
    assert set(counts) == {"ACAGA", "AGACA"}
    assert abs(counts["ACAGA"] - 1000) < 100  # 4.5 standard deviations


def test_dinucleotide_shuffle_keeps_n_and_padding_in_place_and_the_input():
    codes, _ = check_sequences(["ACGTNNACGTTGCA", "GGGCCCAT"])
    before = codes.copy()
    out = dinucleotide_shuffle(codes, n_shuffles=3, random_state=1)
    assert out.shape == (6, 14) and out.dtype == np.uint8
    assert (out[0::2, 4:6] == 4).all() and (out[1::2, 8:] == 4).all()
    np.testing.assert_array_equal(out, dinucleotide_shuffle(codes, n_shuffles=3, random_state=1))
    np.testing.assert_array_equal(codes, before)
    with pytest.raises(ValueError, match="'n_shuffles' parameter of dinucleotide_shuffle"):
        dinucleotide_shuffle(codes, n_shuffles=0)


def test_dinucleotide_shuffle_is_random():
    codes = check_sequences(["ACGTTGCAACGTAGCTAGGATCCA" * 3])[0][0]
    rng = np.random.RandomState(0)
    outs = {_dinucleotide_shuffle(codes, rng).tobytes() for _ in range(20)}
    assert len(outs) > 15
