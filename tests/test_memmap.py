"""Data larger than memory: encode_to_memmap, SequenceMemmap, and the classifiers on them.

Files are generated in tmp_path; models are tiny. The memory test streams a
file of about 40 MB and checks that the peak of Python/numpy allocations stays
far below its size.
"""

import gzip
import json
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from _planted import planted
from sklearn.model_selection import cross_val_score, train_test_split
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier
from sklearn_attngen.datasets import (
    SequenceMemmap,
    encode_to_memmap,
    read_fasta,
    read_sequences,
)
from sklearn_attngen.utils import check_sequences

TINY = {"n_filters": 8, "n_blocks": 1, "attention_size": 8, "n_heads": 2, "batch_size": 16}


def write_csv(path, X, y, *, compress=False):
    text = "id,sequence,label\n" + "".join(
        f"r{i},{seq},{label}\n" for i, (seq, label) in enumerate(zip(X, y, strict=True))
    )
    if compress:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def write_fasta(path, X, *, width=None):
    lines = []
    for i, seq in enumerate(X):
        lines.append(f">seq{i} description")
        step = width or len(seq)
        lines.extend(seq[j : j + step] for j in range(0, len(seq), step))
    path.write_text("\n".join(lines) + "\n")
    return path


# ------------------------------------------------------------------ encoding
@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("chunk_size", [1, 7, 32768])
def test_csv_matches_in_memory_reader(tmp_path, compress, chunk_size):
    X, y = planted(40, length=30, min_length=12)
    name = "train.csv.gz" if compress else "train.csv"
    path = write_csv(tmp_path / name, X, y, compress=compress)
    data = encode_to_memmap(path, tmp_path / "memmap", chunk_size=chunk_size)
    X_ref, y_ref = read_sequences(path, return_X_y=True)
    codes, lengths = check_sequences(X_ref)
    assert data.shape == codes.shape == (40, int(lengths.max()))
    np.testing.assert_array_equal(data.codes[np.arange(40)], codes)
    np.testing.assert_array_equal(data.lengths, lengths)
    np.testing.assert_array_equal(data.target, y_ref)
    np.testing.assert_array_equal(data.classes, ["ccg", "gata"])
    assert [data[i] for i in range(3)] == [s.upper() for s in X_ref[:3]]
    assert not list(tmp_path.joinpath("memmap").glob("*.flat"))


def test_equal_lengths_written_in_place(tmp_path):
    X, y = planted(10, length=25)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "m", chunk_size=3)
    codes = np.load(tmp_path / "m" / "codes.npy")  # a plain .npy file
    np.testing.assert_array_equal(codes, check_sequences(X)[0])
    assert data.n_positions == 25


def test_integer_labels_and_fasta_mapping(tmp_path):
    X, _ = planted(12, length=20, min_length=8)
    path = tmp_path / "labels.csv"
    path.write_text("sequence,label\n" + "".join(f"{s},{i % 3}\n" for i, s in enumerate(X)))
    data = encode_to_memmap(path, tmp_path / "int")
    assert data.target.dtype == np.int64
    np.testing.assert_array_equal(data.target, np.arange(12) % 3)

    pos = write_fasta(tmp_path / "pos.fa", X[:5], width=7)
    neg = write_fasta(tmp_path / "neg.fasta", X[5:])
    data = encode_to_memmap({"pos": pos, "neg": neg}, tmp_path / "fa")
    np.testing.assert_array_equal(data.target, ["pos"] * 5 + ["neg"] * 7)
    np.testing.assert_array_equal(data.codes[np.arange(12)], check_sequences(X)[0])


def test_unlabelled_sources(tmp_path):
    X, _ = planted(6, length=15)
    fasta = encode_to_memmap(write_fasta(tmp_path / "x.fa", X), tmp_path / "a")
    assert fasta.target is None and fasta.classes is None
    assert [fasta[i] for i in range(6)] == read_fasta(tmp_path / "x.fa").data
    strings = encode_to_memmap(iter(X), tmp_path / "b")
    assert strings.target is None
    csv = write_csv(tmp_path / "x.csv", X, ["a"] * 6)
    assert encode_to_memmap(csv, tmp_path / "c", label_column=None).target is None
    assert repr(strings) == "SequenceMemmap(n_samples=6, n_positions=15)"


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        (["ACGT", "ACXT"], r"source\[1\]: invalid character 'X' at position 2"),
        (["ACGT", ""], r"source\[1\]: empty sequence"),
        ([("ACGT", 1), "ACGT"], r"after unlabelled|needs one"),
        (["ACGT", ("ACGT", 1)], "after unlabelled sequences"),
        ([("ACGT", 1.5)], "not a str or an int"),
        ([("ACGT", "a"), ("ACGT", 1)], "all be str or all be int"),
        ([b"ACGT"], r"source\[0\] is bytes"),
        ([], "holds no sequence"),
        (42, "source must be a path"),
    ],
)
def test_invalid_sources(tmp_path, source, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        encode_to_memmap(source, tmp_path / "m")
    assert not (tmp_path / "m" / "meta.json").exists()


def test_file_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sequence,label\nACGT,a\nACGT,b\nAC#T,a\n")
    with pytest.raises(ValueError, match=r"bad.csv, line 4: invalid character '#' at position 2"):
        encode_to_memmap(path, tmp_path / "m", chunk_size=2)
    assert not any((tmp_path / "m").iterdir())  # the partial files are removed
    (tmp_path / "x.txt").write_text(">a\nACGT\n")
    with pytest.raises(ValueError, match="Cannot tell the format"):
        encode_to_memmap(tmp_path / "x.txt", tmp_path / "m")
    (tmp_path / "e.fa").write_text(">a\n>b\nACGT\n")
    with pytest.raises(ValueError, match=r"line 1: record 'a' has no sequence"):
        encode_to_memmap(tmp_path / "e.fa", tmp_path / "m")
    with pytest.raises(FileNotFoundError):
        encode_to_memmap(tmp_path / "missing.fa", tmp_path / "m")
    with pytest.raises(
        ValueError,
        match=r"'chunk_size' parameter of encode_to_memmap must be an int in the range \[1, inf\)",
    ):
        encode_to_memmap(["ACGT"], tmp_path / "m", chunk_size=0)


def test_built_once(tmp_path):
    encode_to_memmap(["ACGT", "TTGA"], tmp_path / "m")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        encode_to_memmap(["ACGT"], tmp_path / "m")
    data = encode_to_memmap(["GG"], tmp_path / "m", overwrite=True)
    assert data.shape == (1, 2) and data[0] == "GG"
    (tmp_path / "m" / "meta.json").unlink()
    with pytest.raises(FileNotFoundError, match="no complete encode_to_memmap result"):
        SequenceMemmap(tmp_path / "m")


def test_views_index_like_arrays_and_pickle_small(tmp_path):
    X, y = planted(30, length=20, min_length=10)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "m")
    view = data[[5, 3, 29]]
    assert len(view) == 3 and view.shape == (3, data.n_positions)
    assert [view[i] for i in range(3)] == [X[5], X[3], X[29]]
    np.testing.assert_array_equal(view.target, y[[5, 3, 29]])
    np.testing.assert_array_equal(data[10:20:5].lengths, [len(X[10]), len(X[15])])
    np.testing.assert_array_equal(data[np.arange(30) % 2 == 1].target, y[1::2])
    assert view[1:][0] == X[3] and data[-1] == X[29]
    with pytest.raises(IndexError):
        data[30]
    X_train, X_test, y_train, _ = train_test_split(data, data.target, random_state=0)
    assert isinstance(X_train, SequenceMemmap) and len(X_test) == 8
    np.testing.assert_array_equal(X_train.target, y_train)
    blob = pickle.dumps(X_train)
    assert len(blob) < 2000  # the path and the index, not the data
    np.testing.assert_array_equal(pickle.loads(blob).codes[[0, 1]], X_train.codes[[0, 1]])


# ---------------------------------------------------------------- the models
def test_classifier_on_memmap_equals_in_memory(tmp_path):
    X, y = planted(64, length=30, min_length=20)
    data = encode_to_memmap(write_csv(tmp_path / "t.csv", X, y), tmp_path / "m")
    params = {**TINY, "max_epochs": 2, "random_state": 0, "verbose": 0}
    ref = AttnGenClassifier(**params).fit(X, y)
    clf = AttnGenClassifier(**params).fit(data)  # labels from the file
    np.testing.assert_array_equal(clf.predict_proba(data), ref.predict_proba(X))
    np.testing.assert_array_equal(clf.predict(data), ref.predict(X))
    np.testing.assert_array_equal(clf.saliency(data), ref.saliency(X))
    np.testing.assert_array_equal(clf.saliency_, ref.saliency_)
    assert clf.score(data) == ref.score(X, y)

    out = np.lib.format.open_memmap(tmp_path / "sal.npy", mode="w+", shape=data.shape)
    assert clf.saliency(data, out=out) is out
    np.testing.assert_array_equal(np.load(tmp_path / "sal.npy"), ref.saliency(X))
    with pytest.raises(ValueError, match="out has shape"):
        clf.saliency(data, out=np.empty((2, 2), dtype=np.float32))


def test_shorter_memmap_is_padded_per_batch(tmp_path):
    X, y = planted(40, length=30)
    clf = AttnGenClassifier(**TINY, max_epochs=1, random_state=0, verbose=0).fit(X, y)
    short = [s[:18] for s in X[:10]]
    data = encode_to_memmap(short, tmp_path / "short")
    np.testing.assert_array_equal(clf.predict_proba(data), clf.predict_proba(short))
    assert clf.saliency(data).shape == (10, 18)
    longer = encode_to_memmap(["A" * 31], tmp_path / "long")
    with pytest.raises(ValueError, match="longer than the 30 positions"):
        clf.predict(longer)


def test_memmap_in_cross_validation_and_baseline(tmp_path):
    X, y = planted(48, length=24)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "m")
    clf = AttnGenClassifier(**TINY, max_epochs=1, random_state=0, verbose=0)
    np.testing.assert_array_equal(
        cross_val_score(clf, data, data.target, cv=2), cross_val_score(clf, X, y, cv=2)
    )
    cnn = CNNBaselineClassifier(max_epochs=1, random_state=0, verbose=0)
    np.testing.assert_array_equal(cnn.fit(data).predict_proba(data), cnn.fit(X, y).predict_proba(X))


def test_validation_split_and_early_stopping(tmp_path):
    # the recipe of AttnGenClassifier's docstring, with str labels, on both inputs
    X, y = planted(160, length=24)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "m")
    params = {
        **TINY,
        "max_epochs": 6,
        "lr": 5e-3,
        "random_state": 0,
        "verbose": 0,
        "train_split": ValidSplit(4, stratified=True),
        "callbacks": [EarlyStopping(patience=2, load_best=True)],
    }
    on_file = AttnGenClassifier(**params).fit(data)
    in_memory = AttnGenClassifier(**params).fit(X, y)
    valid_acc = on_file.history[:, "valid_acc"]
    assert valid_acc == in_memory.history[:, "valid_acc"]
    assert all(0 <= acc <= 1 for acc in valid_acc) and max(valid_acc) > 0.8


def test_memmap_with_loader_workers(tmp_path):
    X, y = planted(32, length=20)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "m")
    params = {**TINY, "max_epochs": 1, "random_state": 0, "verbose": 0}
    ref = AttnGenClassifier(**params).fit(data)
    clf = AttnGenClassifier(**params, iterator_valid__num_workers=1).fit(data)
    np.testing.assert_array_equal(clf.predict_proba(data), ref.predict_proba(data))


_STREAMING = textwrap.dedent(
    """
    import json, sys, tracemalloc
    import numpy as np, torch
    from sklearn_attngen import AttnGenClassifier
    from sklearn_attngen.datasets import encode_to_memmap

    torch.set_num_threads(1)
    path, folder = sys.argv[1], sys.argv[2]
    tiny = dict(n_filters=4, n_blocks=0, attention_size=4, n_heads=1, max_epochs=1,
                verbose=0, random_state=0, batch_size=512)
    clf = AttnGenClassifier(**tiny).fit(["ACGT" * 50, "TTGA" * 50] * 8, [0, 1] * 8)
    tracemalloc.start()
    data = encode_to_memmap(path, folder, chunk_size=2048)
    encode_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    proba = clf.predict_proba(data)
    AttnGenClassifier(**tiny).fit(data[:4096])
    print(json.dumps({"n": len(data), "encode_peak": encode_peak,
                      "model_peak": tracemalloc.get_traced_memory()[1],
                      "proba": proba.shape[0]}))
    """
)


@pytest.mark.slow  # writes and streams a 25 MB file: about 13 s
def test_streaming_memory_stays_far_below_file_size(tmp_path):
    # 120,000 x 200 nt: a 25 MB CSV. Reading it into a list would allocate more than
    # that; streaming allocates a chunk of text plus 8-byte-per-sequence arrays.
    n, length = 120_000, 200
    rng = np.random.default_rng(0)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    path = tmp_path / "big.csv"
    with open(path, "w") as handle:
        handle.write("sequence,label\n")
        for _ in range(0, n, 20_000):
            rows = letters[rng.integers(0, 4, (20_000, length))]
            labels = rng.integers(0, 2, 20_000)
            handle.writelines(
                f"{row.tobytes().decode()},{label}\n"
                for row, label in zip(rows, labels, strict=True)
            )
    size = path.stat().st_size
    assert size > 24e6
    out = subprocess.run(
        [sys.executable, "-c", _STREAMING, str(path), str(tmp_path / "m")],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["n"] == result["proba"] == n
    # predict_proba's output (n x 2 float32) and the lengths (n x 8 bytes) are the
    # per-sequence arrays: 1.9 MB here, against 25 MB of file.
    assert result["encode_peak"] < size / 8, result
    assert result["model_peak"] < size / 4, result


# ---------------------------------------------------------------- the loader
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("n", "batch_size", "drop_last"), [(50, 16, False), (50, 16, True)])
def test_batch_indices_match_dataloader_batches(n, batch_size, drop_last, shuffle):
    # the classifiers' batches are exactly DataLoader(shuffle=...)'s, from the same draws
    from torch.utils.data import DataLoader

    from sklearn_attngen._data import BatchIndices

    torch.manual_seed(3)
    reference = [
        batch.tolist()
        for batch in DataLoader(
            range(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last
        )
    ]
    after_reference = torch.rand(1)
    torch.manual_seed(3)
    loader = DataLoader(
        range(n),
        batch_sampler=BatchIndices(n, batch_size, shuffle=shuffle, drop_last=drop_last),
    )
    assert [batch.tolist() for batch in loader] == reference
    assert len(loader) == len(reference)
    assert torch.rand(1) == after_reference  # the global RNG advanced the same way


# ------------------------------------------------- evaluation on memmapped data
@pytest.mark.parametrize("curve", ["deletion_curve", "insertion_curve"])
def test_perturbation_curves_read_a_memmap_in_chunks(tmp_path, monkeypatch, read_rows, curve):
    from sklearn_attngen import evaluation
    from sklearn_attngen.evaluation import _perturbation

    X, y = planted(40, length=30, min_length=20, seed=4)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "data")
    clf = AttnGenClassifier(**TINY, max_epochs=1, random_state=0, verbose=0).fit(X, y)
    scores = np.lib.format.open_memmap(
        tmp_path / "saliency.npy", mode="w+", dtype=np.float32, shape=data.shape
    )
    clf.saliency(data, out=scores)
    kwargs = {"fractions": [0, 0.2, 0.5], "n_random": 2, "random_state": 0}
    in_memory = getattr(evaluation, curve)(clf, X, y, clf.saliency(X), **kwargs)

    monkeypatch.setattr(_perturbation, "_CHUNK", 16)
    read_rows.clear()  # only the curve's reads
    on_disk = getattr(evaluation, curve)(clf, data, None, scores, **kwargs)  # labels stored
    assert read_rows and max(read_rows) <= 16  # never the whole file
    # the random orders are drawn chunk by chunk, so compare the score-order curve
    np.testing.assert_array_equal(on_disk.accuracy, in_memory.accuracy)
    assert on_disk.random_accuracy.shape == in_memory.random_accuracy.shape
