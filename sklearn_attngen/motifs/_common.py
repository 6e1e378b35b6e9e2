"""Shared helpers of the motif workflow: optional imports, motif and sequence input."""

import importlib
import numbers
from pathlib import Path

import numpy as np

from ..datasets import Motif, load_jaspar_motifs, read_meme
from ..utils import check_sequences

INSTALL = 'pip install "sklearn-attngen[motifs]"'
INSTALL_MODISCO = 'pip install "sklearn-attngen[modisco]"'
_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)
COLLECTIONS = ("vertebrates", "benchmark")


def import_error_doc(package):
    """The numpydoc Raises entry of a function that needs ``package`` of the motifs extra."""
    return f"ImportError\n    Without {package} (``{INSTALL}``)."


def optional_import(module, feature, extra="motifs"):
    """Import ``module`` or raise an ImportError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        how = INSTALL_MODISCO if extra == "modisco" else INSTALL
        raise ImportError(
            f"{feature} needs {package}, part of the optional {extra} extra: {how}"
        ) from exc


def check_int(value, name, low=0):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    return int(value)


def check_probability(value, name, *, low=0.0, high=1.0, closed_low=False):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and (low <= value if closed_low else low < value) and value <= high
    if not ok:
        bracket = "[" if closed_low else "("
        raise ValueError(f"{name} must be a number in {bracket}{low}, {high}], got {value!r}.")
    return float(value)


def decode(codes, lengths):
    """List of str of ``codes`` (N for code 4), each cut to its length."""
    return [
        _LETTERS[row[:n]].tobytes().decode("ascii") for row, n in zip(codes, lengths, strict=True)
    ]


def one_hot(codes):
    """(n, n_positions, 4) float64 one-hot of codes; N rows are all zero."""
    out = np.zeros((*codes.shape, 4), dtype=np.float64)
    real = codes < 4
    out[real, codes[real]] = 1.0
    return out


def information_content(pfm):
    """Information content (bits) of each row of a (width, 4) probability matrix."""
    p = np.clip(np.asarray(pfm, dtype=np.float64), 0, None)
    p = p / np.clip(p.sum(axis=1, keepdims=True), 1e-12, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(p > 0, p * np.log2(p), 0.0).sum(axis=1)
    return 2.0 - entropy


def _check_pfm(pfm, matrix_id, param):
    pfm = np.asarray(pfm, dtype=np.float64)
    if pfm.ndim != 2 or pfm.shape[1] != 4 or pfm.shape[0] == 0:
        raise ValueError(
            f"{param}: motif {matrix_id!r} must be a (width, 4) matrix in A, C, G, T order, "
            f"got shape {pfm.shape}."
        )
    if not np.isfinite(pfm).all() or (pfm < 0).any():
        raise ValueError(f"{param}: motif {matrix_id!r} has negative or non-finite values.")
    sums = pfm.sum(axis=1)
    if not np.allclose(sums, 1, atol=1e-3):
        raise ValueError(
            f"{param}: rows of motif {matrix_id!r} must be probabilities summing to 1 "
            f"(row sums range {sums.min():.3g}..{sums.max():.3g})."
        )
    return pfm / sums[:, None]


def _lookup_table():
    """Matrix id, base id and upper-case name -> Motif, over every shipped motif."""
    table = {}
    for collection in ("benchmark", "vertebrates"):
        for motif in load_jaspar_motifs(collection).values():
            for key in (motif.matrix_id, motif.matrix_id.split(".")[0], motif.name.upper()):
                table.setdefault(key.upper(), motif)
    return table


def resolve_motifs(motifs, param="motifs"):
    """Dict of matrix id -> Motif from any accepted motif specification.

    None or ``"vertebrates"``: the shipped JASPAR 2024 CORE vertebrates;
    ``"benchmark"``: the six benchmark motifs; a path to a MEME file; a Motif;
    a dict of id -> Motif or (width, 4) matrix; a list of Motifs or of JASPAR
    matrix ids, base ids or factor names.
    """
    if motifs is None:
        motifs = "vertebrates"
    if isinstance(motifs, Motif):
        motifs = [motifs]
    if isinstance(motifs, str) and motifs in COLLECTIONS:
        return load_jaspar_motifs(motifs)
    if isinstance(motifs, (str, Path)):
        path = Path(motifs)
        if not path.is_file():
            raise ValueError(
                f"{param}={str(motifs)!r} is neither a collection {COLLECTIONS} nor a MEME file. "
                "To pick single JASPAR motifs, pass a list of ids or names."
            )
        return read_meme(path)
    if isinstance(motifs, dict):
        items = motifs.items()
    else:
        try:
            items = list(motifs)
        except TypeError:
            raise TypeError(
                f"{param} must be a collection name, a MEME file, a Motif, a dict or a list; "
                f"got {type(motifs).__name__}."
            ) from None
        lookup = None
        resolved = []
        for item in items:
            if isinstance(item, Motif):
                resolved.append((item.matrix_id, item))
            elif isinstance(item, str):
                lookup = _lookup_table() if lookup is None else lookup
                motif = lookup.get(item.strip().upper())
                if motif is None:
                    raise ValueError(
                        f"{param}: unknown motif {item!r}; give a JASPAR 2024 CORE vertebrates "
                        "matrix id ('MA0139.2'), base id ('MA0139') or factor name ('CTCF'), "
                        "or a Motif."
                    )
                resolved.append((motif.matrix_id, motif))
            else:
                raise TypeError(
                    f"{param} holds {type(item).__name__}; expected Motif objects or JASPAR "
                    "ids / names."
                )
        items = resolved
    out = {}
    for key, value in items:
        if isinstance(value, Motif):
            motif = Motif(str(key), value.name, _check_pfm(value.pfm, key, param))
        else:
            motif = Motif(str(key), str(key), _check_pfm(value, key, param))
        if motif.matrix_id in out:
            raise ValueError(f"{param}: motif id {motif.matrix_id!r} occurs twice.")
        out[motif.matrix_id] = motif
    if not out:
        raise ValueError(f"{param} holds no motif.")
    return out


def is_memmap(X):
    return hasattr(X, "codes") and hasattr(X, "lengths") and not isinstance(X, np.ndarray)


def sequence_batches(X, batch_size, name="X"):
    """Yield (offset, codes, lengths) over X, reading a SequenceMemmap batch by batch."""
    if is_memmap(X):
        n = len(X.lengths)
        for start in range(0, n, batch_size):
            index = np.arange(start, min(start + batch_size, n))
            codes = np.asarray(X.codes[index], dtype=np.uint8)
            lengths = np.asarray(X.lengths[index], dtype=np.int64)
            width = int(lengths.max()) if len(lengths) else 0
            yield start, codes[:, :width], lengths
        return
    codes, lengths = check_sequences(X, name=name)
    for start in range(0, len(codes), batch_size):
        yield start, codes[start : start + batch_size], lengths[start : start + batch_size]
