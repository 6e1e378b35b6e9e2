"""Shared helpers for the loaders: package data access, splits, Bunch building."""

import csv
import gzip
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

from ..utils import encode_flat

__all__ = ["SPLITS"]

SPLITS = ("train", "test", "all")
_DATA_MODULE = "sklearn_attngen.datasets"
_VALIDATION_CHUNK = 4096  # sequences validated at a time: bounds the temporary memory

# The loaders' parameters that choose the form of the result (see _finish), for the
# ``{output_parameters}`` line of their docstrings (utils._docstring.fill_doc).
OUTPUT_PARAMETERS_DOC = """\
return_X_y : bool, default=False
    Return ``(data, target)`` instead of a Bunch.
as_frame : bool, default=False
    Make ``data`` and ``target`` pandas Series and add ``frame``, a
    DataFrame with columns ``sequence`` and ``label``."""


def _data_file(name):
    """Traversable for a file under ``sklearn_attngen/datasets/data``."""
    return resources.files(_DATA_MODULE) / "data" / name


def _load_descr(name):
    """Text of ``sklearn_attngen/datasets/descr/<name>``."""
    return (resources.files(_DATA_MODULE) / "descr" / name).read_text(encoding="utf-8")


def _read_bundled_csv(name, split):
    """Rows of a bundled ``data/<name>`` CSV in ``split`` ("all": train rows, then test)."""
    with _data_file(name).open("rb") as raw, gzip.open(raw, "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))
    splits = ("train", "test") if split == "all" else (split,)
    return [row for s in splits for row in rows if row["split"] == s]


def _validate_alphabet(seqs, where):
    """Check DNA strings with :func:`~sklearn_attngen.utils.encode_flat`; errors name ``where``.

    ``where(i, pos)`` returns a text that locates position ``pos`` of sequence
    ``i`` for the user (a file and line, a record id). Sequences are checked in
    chunks, which bounds the temporary memory.
    """
    for start in range(0, len(seqs), _VALIDATION_CHUNK):
        encode_flat(
            seqs[start : start + _VALIDATION_CHUNK],
            where=lambda i, pos, start=start: where(start + i, pos),
        )


def _encode_labels(labels):
    """Integer targets and sorted class names from a list of labels."""
    target_names, target = np.unique(np.asarray(labels), return_inverse=True)
    return target.astype(np.int64), target_names


def _finish(data, target, *, return_X_y, as_frame, **extra):
    """Build the return value of a loader (Bunch, or ``(X, y)``)."""
    frame = None
    if as_frame:
        pd = _import_pandas()
        frame = pd.DataFrame({"sequence": pd.Series(data, dtype=object), "label": target})
        data, target = frame["sequence"], frame["label"]
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, frame=frame, **extra)


def _import_pandas():
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is installed in the test env
        raise ImportError(
            "as_frame=True needs pandas; install it with `pip install pandas`."
        ) from exc
    return pd
