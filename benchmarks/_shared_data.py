"""Read the real data sets kept outside the package in ``../shared/data``.

Benchmarks and maintenance scripts only: nothing in ``sklearn_attngen`` imports
this module, and the files it reads are not shipped with the package.

The folder is found at ``<repository root>/../shared/data``; set the environment
variable ``ATTNGEN_SHARED_DATA`` to read it from elsewhere.

Tasks and their splits:

- ``"gue/<group>/<task>"`` (e.g. ``"gue/tf/0"``, ``"gue/prom/prom_core_all"``):
  ``"train"``, ``"dev"``, ``"test"``; integer labels from the file.
- ``"janggu_oct4_vs_mafk"``: ``"train"``, ``"test"``; 1 = Oct4, 0 = MafK.
- ``"uci_splice_junction"``: ``"train"``, ``"test"`` (the file's ``split``
  column); string labels ``"EI"``, ``"IE"``, ``"N"``.
"""

import csv
import gzip
import os
from pathlib import Path

import numpy as np

__all__ = ["load_shared", "shared_data_dir"]

_ENV_VAR = "ATTNGEN_SHARED_DATA"


def shared_data_dir():
    """Return the shared data folder, raising a clear error when it is absent."""
    root = os.environ.get(_ENV_VAR)
    path = Path(root) if root else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    if not path.is_dir():
        how = f"${_ENV_VAR}={root!r}" if root else f"the default ({path})"
        raise FileNotFoundError(
            f"Shared data folder not found: {how} is not a directory. Point the environment "
            f"variable {_ENV_VAR} at the folder that holds gue/, janggu_oct4_vs_mafk/ and "
            "uci_splice_junction/."
        )
    return path


def _read_csv(path, split=None):
    """Return the rows of a gzipped CSV as (sequences, labels), keeping ``split`` rows."""
    if not path.is_file():
        raise FileNotFoundError(f"Shared data file not found: {path}")
    with gzip.open(path, "rt", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        label = "label" if "label" in header else header[1]  # LPD: promoter_presence
        i_seq, i_label = header.index("sequence"), header.index(label)
        i_split = header.index("split") if split is not None else None
        rows = [r for r in reader if i_split is None or r[i_split] == split]
    X = [r[i_seq] for r in rows]
    labels = [r[i_label] for r in rows]
    try:
        y = np.array([int(v) for v in labels], dtype=np.int64)
    except ValueError:
        y = np.array(labels)
    return X, y


def load_shared(task, split):
    """Load one split of a shared task as ``(X, y)``.

    Parameters
    ----------
    task : str
        ``"gue/<group>/<task>"``, ``"janggu_oct4_vs_mafk"`` or
        ``"uci_splice_junction"``.
    split : str
        ``"train"``, ``"test"``, or for GUE also ``"dev"``.

    Returns
    -------
    X : list of str
        Sequences, in file order.
    y : ndarray of shape (n_samples,)
        Labels: int64 where every label is an integer, else str.
    """
    root = shared_data_dir()
    task = task.strip("/")
    if task == "uci_splice_junction":
        if split not in ("train", "test"):
            raise ValueError(f"{task} has splits 'train' and 'test', got {split!r}.")
        return _read_csv(root / task / "splice.csv.gz", split=split)
    if task == "janggu_oct4_vs_mafk" or task.startswith("gue/"):
        splits = ("train", "test") if task == "janggu_oct4_vs_mafk" else ("train", "dev", "test")
        if split not in splits:
            raise ValueError(f"{task} has splits {splits}, got {split!r}.")
        return _read_csv(root / task / f"{split}.csv.gz")
    raise ValueError(
        f"Unknown shared task {task!r}; expected 'gue/<group>/<task>', "
        "'janggu_oct4_vs_mafk' or 'uci_splice_junction'."
    )
