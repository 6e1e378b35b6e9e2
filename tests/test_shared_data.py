"""Tests for benchmarks/_shared_data.py (the reader of ../shared/data), on fake files."""

import gzip
import importlib.util
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "_shared_data.py"
_spec = importlib.util.spec_from_file_location("_shared_data", _PATH)
shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shared)


def _write_gz(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as handle:
        handle.write(text)


@pytest.fixture
def root(tmp_path, monkeypatch):
    _write_gz(tmp_path / "gue/tf/0/dev.csv.gz", "sequence,label\nACGT,1\nGGGG,0\n")
    _write_gz(tmp_path / "janggu_oct4_vs_mafk/test.csv.gz", "sequence,label,id\nAC,1,c1\n")
    _write_gz(
        tmp_path / "uci_splice_junction/splice.csv.gz",
        "sequence,label,id,split\nAAA,EI,x,train\nCCC,N,y,test\nGGG,IE,z,train\n",
    )
    monkeypatch.setenv("ATTNGEN_SHARED_DATA", str(tmp_path))
    return tmp_path


def test_load_shared(root):
    X, y = shared.load_shared("gue/tf/0", "dev")
    assert X == ["ACGT", "GGGG"] and y.tolist() == [1, 0] and y.dtype == np.int64
    X, y = shared.load_shared("janggu_oct4_vs_mafk", "test")
    assert X == ["AC"] and y.tolist() == [1]
    X, y = shared.load_shared("uci_splice_junction", "train")
    assert X == ["AAA", "GGG"] and y.tolist() == ["EI", "IE"]


def test_load_shared_errors(root, monkeypatch):
    with pytest.raises(ValueError, match="Unknown shared task"):
        shared.load_shared("nope", "train")
    with pytest.raises(ValueError, match="splits"):
        shared.load_shared("janggu_oct4_vs_mafk", "dev")
    with pytest.raises(FileNotFoundError, match=r"train\.csv\.gz"):
        shared.load_shared("gue/tf/0", "train")
    monkeypatch.setenv("ATTNGEN_SHARED_DATA", str(root / "absent"))
    with pytest.raises(FileNotFoundError, match="ATTNGEN_SHARED_DATA"):
        shared.load_shared("gue/tf/0", "dev")
