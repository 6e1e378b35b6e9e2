"""Data larger than memory: DNA encoded once into memory-mapped ``uint8`` codes.

:func:`encode_to_memmap` streams a FASTA, CSV or TSV file (or any iterable of
sequences) in chunks through the vectorised encoder into a directory of ``.npy``
files; :class:`SequenceMemmap` opens that directory without reading it, and is
accepted as ``X`` by the classifiers, which then read one batch of rows at a
time. Memory use is a chunk of text while encoding, a batch while training.

Directory layout (every array is a plain ``.npy`` file, ``np.load(...,
mmap_mode="r")`` opens it):

- ``codes.npy``: ``uint8`` (n_samples, n_positions); A, C, G, T = 0..3, N and
  padding = 4.
- ``lengths.npy``: ``int64`` (n_samples,), the real length of each sequence.
- ``labels.npy`` and ``classes.npy`` (labelled data only): ``int32`` index of
  each sequence's label into the sorted ``classes``.
- ``meta.json``: written last; a directory without it is incomplete.
"""

import json
import numbers
import os
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from ..utils import N_CODE, encode_flat, real_positions
from ..utils._param_validation import Interval, validate_params
from ._readers import _as_target, _check_file, _iter_delimited, _iter_fasta

__all__ = ["SequenceMemmap", "encode_to_memmap"]

_FORMAT = "sklearn-attngen sequence memmap"
_VERSION = 1
_HEADER_BYTES = 128  # room reserved for the .npy header, written once the shape is known
_FILES = ("codes.npy", "lengths.npy", "labels.npy", "classes.npy", "meta.json")
_FASTA_SUFFIXES = (".fa", ".fasta", ".fna", ".fas", ".ffn")
_TEXT_SUFFIXES = (".csv", ".tsv", ".tab")


# ----------------------------------------------------------------- writing
def _npy_header(dtype, shape):
    """A version 1.0 ``.npy`` header padded to exactly ``_HEADER_BYTES`` bytes."""
    text = repr(
        {
            "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
            "fortran_order": False,
            "shape": tuple(int(s) for s in shape),
        }
    )
    magic = np.lib.format.magic(1, 0)
    body = text.ljust(_HEADER_BYTES - len(magic) - 2 - 1) + "\n"
    header = magic + struct.pack("<H", len(body)) + body.encode("latin1")
    assert len(header) == _HEADER_BYTES
    return header


class _NpyAppender:
    """Append raw rows to a ``.npy`` file whose header is written on ``close``."""

    def __init__(self, path, dtype):
        self.path, self.dtype = path, np.dtype(dtype)
        self.handle = open(path, "wb")  # closed by close(), or on error by the caller
        self.handle.write(b"\0" * _HEADER_BYTES)

    def write(self, array):
        np.ascontiguousarray(array, dtype=self.dtype).tofile(self.handle)

    def close(self, shape):
        self.handle.seek(0)
        self.handle.write(_npy_header(self.dtype, shape))
        self.handle.close()


def _file_format(path, delimiter):
    if delimiter is not None:
        return "text"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _FASTA_SUFFIXES:
        return "fasta"
    if suffixes and suffixes[-1] in _TEXT_SUFFIXES:
        return "text"
    raise ValueError(
        f"Cannot tell the format of {str(path)!r} from its extension (FASTA: "
        f"{', '.join(_FASTA_SUFFIXES)}; delimited text: {', '.join(_TEXT_SUFFIXES)}; "
        "optionally followed by .gz); pass delimiter=',' or delimiter='\\t' for a CSV / TSV."
    )


def _file_records(path, *, label, read_labels, sequence_column, label_column, delimiter):
    """``(sequence, label, where)`` for each record of one file; ``where(pos)`` locates it."""
    path = _check_file(path)
    if _file_format(path, delimiter) == "fasta":
        for record in _iter_fasta(path):
            yield record.sequence, label, lambda pos, r=record: f"{path}, line {r.line_of(pos)}"
    else:
        column = label_column if read_labels else None
        for seq, file_label, line in _iter_delimited(path, sequence_column, column, delimiter):
            value = file_label if read_labels else label
            yield seq, value, lambda pos, line=line: f"{path}, line {line}"


def _records(source, *, sequence_column, label_column, delimiter):
    """``(sequence, label or None, where)`` for every record of ``source``, and labels' kind."""
    file_kwargs = {
        "sequence_column": sequence_column,
        "label_column": label_column,
        "delimiter": delimiter,
    }
    if isinstance(source, (str, os.PathLike)):
        path = _check_file(source)
        has_labels = _file_format(path, delimiter) == "text" and label_column is not None
        records = _file_records(path, label=None, read_labels=has_labels, **file_kwargs)
        return records, ("text" if has_labels else None)
    if isinstance(source, Mapping):
        if not source:
            raise ValueError("source is an empty mapping; expected {label: path}.")

        def from_files():
            for label, path in source.items():
                yield from _file_records(path, label=label, read_labels=False, **file_kwargs)

        return from_files(), "given"
    if isinstance(source, Iterable) and not isinstance(source, (bytes, np.ndarray)):
        return _iterable_records(source), "given"
    if isinstance(source, np.ndarray) and source.dtype.kind in "UO":
        return _iterable_records(source.tolist()), "given"
    raise TypeError(
        "source must be a path to a FASTA / CSV / TSV file, a {label: path} mapping, or an "
        f"iterable of sequences or (sequence, label) pairs; got {type(source).__name__}."
    )


def _iterable_records(items):
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield item, None, lambda pos, i=i: f"source[{i}]"
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            yield item[0], item[1], lambda pos, i=i: f"source[{i}]"
        else:
            raise TypeError(
                f"source[{i}] is {type(item).__name__} ({item!r:.40}); expected a str sequence "
                "or a (sequence, label) pair."
            )


def _check_label(label, where):
    if label is None or not isinstance(label, (str, numbers.Integral)):
        raise TypeError(
            f"{where(None)}: label {label!r} is not a str or an int; every sequence of a "
            "labelled source needs one."
        )


def _prepare_directory(directory, overwrite):
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a str or path-like, got {type(directory).__name__}.")
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"{str(directory)!r} exists and is not a directory.")
    directory.mkdir(parents=True, exist_ok=True)
    present = [name for name in _FILES if (directory / name).exists()]
    if present and not overwrite:
        raise FileExistsError(
            f"{str(directory)!r} already holds {', '.join(present)}; open it with "
            "SequenceMemmap(directory), or pass overwrite=True to rebuild it."
        )
    # meta.json first: a directory caught half-rewritten never looks complete
    for name in ("meta.json", *_FILES[:-1], "codes.flat"):
        (directory / name).unlink(missing_ok=True)
    return directory


def _pad_flat(flat_path, out_path, lengths, n_positions, chunk_size):
    """Copy concatenated codes into a padded (n_samples, n_positions) ``.npy``, chunk by chunk."""
    flat = np.memmap(flat_path, dtype=np.uint8, mode="r", offset=_HEADER_BYTES)
    out = np.lib.format.open_memmap(
        out_path, mode="w+", dtype=np.uint8, shape=(len(lengths), n_positions)
    )
    start_byte = 0
    for start in range(0, len(lengths), chunk_size):
        chunk_lengths = np.asarray(lengths[start : start + chunk_size])
        stop_byte = start_byte + int(chunk_lengths.sum())
        block = np.full((len(chunk_lengths), n_positions), N_CODE, dtype=np.uint8)
        block[real_positions(chunk_lengths, n_positions)] = flat[start_byte:stop_byte]
        out[start : start + len(chunk_lengths)] = block
        start_byte = stop_byte
    out.flush()
    del out, flat


@validate_params(
    {
        "source": "no_validation",  # a path, mapping or iterable: checked by _records
        "directory": "no_validation",
        "sequence_column": [str],
        "label_column": [str, None],
        "delimiter": [str, None],
        "chunk_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "overwrite": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def encode_to_memmap(
    source,
    directory,
    *,
    sequence_column="sequence",
    label_column="label",
    delimiter=None,
    chunk_size=32768,
    overwrite=False,
):
    """Encode DNA sequences once into memory-mapped files, streaming in chunks.

    Reads ``source`` record by record, encodes ``chunk_size`` sequences at a
    time with the same vectorised encoder as every estimator (A, C, G, T =
    0..3, N, IUPAC ambiguity codes and padding = 4; any case) and appends them
    to ``directory``. Peak memory is about one chunk of text and codes,
    whatever the size of the source; the result is opened without reading it
    and can be passed as ``X`` to :class:`~sklearn_attngen.AttnGenClassifier`'s
    ``fit``, ``predict``, ``predict_proba``, ``score`` and ``saliency``, which
    then read one batch of rows at a time.

    Parameters
    ----------
    source : str, path-like, mapping or iterable
        One of:

        - a FASTA file (``.fa``, ``.fasta``, ``.fna``, ``.fas``, ``.ffn``) or
          a delimited text file with a header (``.csv``, ``.tsv``, ``.tab``),
          plain or gzip-compressed (``.gz``);
        - a mapping ``{label: path}``, every record of a file getting its
          label (e.g. one FASTA file per class);
        - an iterable of str sequences, or of ``(sequence, label)`` pairs
          (a generator is consumed once).
    directory : str or path-like
        Where to write the files; created if needed.
    sequence_column : str, default="sequence"
        Column of the sequences in a CSV / TSV file.
    label_column : str or None, default="label"
        Column of the labels in a CSV / TSV file; None stores no labels.
        Labels are int when every label is an integer, else str (as in
        :func:`read_sequences`).
    delimiter : str or None, default=None
        Field separator of a delimited file; None infers it from the
        extension. Setting it reads ``source`` as delimited text.
    chunk_size : int, default=32768
        Sequences encoded per chunk: bounds the memory used while encoding.
    overwrite : bool, default=False
        Replace the files of an earlier call in ``directory``; otherwise an
        existing result raises ``FileExistsError``.

    Returns
    -------
    data : SequenceMemmap
        The encoded sequences, opened read-only.

    Raises
    ------
    ValueError
        On a malformed file or an invalid character, naming the file and line
        (or the item of an iterable).

    See Also
    --------
    SequenceMemmap : Open a directory written by this function.
    read_fasta, read_sequences : Read a small file into memory.

    Notes
    -----
    Variable-length sequences are padded with N to the longest one. When every
    sequence has the same length the codes are written once, in place;
    otherwise they are first written unpadded and then copied, padded, chunk by
    chunk. Labels are stored as ``int32`` indices into the sorted classes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_attngen.datasets import encode_to_memmap
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "train.csv").write_text("sequence,label\\nACGT,pos\\nttgN,neg\\nAC,pos\\n")
    >>> data = encode_to_memmap(folder / "train.csv", folder / "train")
    >>> data
    SequenceMemmap(n_samples=3, n_positions=4, classes=['neg', 'pos'])
    >>> data.codes[[0, 1, 2]]
    array([[0, 1, 2, 3],
           [3, 3, 2, 4],
           [0, 1, 4, 4]], dtype=uint8)
    >>> data.lengths, data.target
    (array([4, 4, 2]), array(['pos', 'neg', 'pos'], dtype='<U3'))
    """
    records, label_kind = _records(
        source, sequence_column=sequence_column, label_column=label_column, delimiter=delimiter
    )
    directory = _prepare_directory(directory, overwrite)
    flat_path, codes_path = directory / "codes.flat", directory / "codes.npy"
    codes_out = _NpyAppender(flat_path, np.uint8)
    lengths_out = _NpyAppender(directory / "lengths.npy", np.int64)
    labels_out = None
    first_seen = {}  # label -> index in order of first appearance
    n_samples, n_positions, min_length = 0, 0, None
    try:
        seqs, labels, wheres = [], [], []

        def flush():
            nonlocal n_samples, n_positions, min_length
            flat, lengths = encode_flat(seqs, where=lambda i, pos: wheres[i](pos))
            codes_out.write(flat)
            lengths_out.write(lengths)
            if labels_out is not None:
                labels_out.write([first_seen.setdefault(lab, len(first_seen)) for lab in labels])
            n_samples += len(seqs)
            n_positions = max(n_positions, int(lengths.max()))
            low = int(lengths.min())
            min_length = low if min_length is None else min(min_length, low)
            seqs.clear(), labels.clear(), wheres.clear()

        for seq, label, where in records:
            if not isinstance(seq, str):  # pragma: no cover - the readers yield str
                raise TypeError(f"{where(None)}: sequence is not a str.")
            if not n_samples and not seqs:  # first record decides whether labels are stored
                if label_kind == "given" and label is None:
                    label_kind = None
                if label_kind is not None:
                    labels_out = _NpyAppender(directory / "labels.npy", np.int32)
            if labels_out is not None:
                _check_label(label, where)
            elif label is not None:
                raise ValueError(
                    f"{where(None)}: a (sequence, label) pair after unlabelled sequences; "
                    "give every item a label, or none."
                )
            seqs.append(seq)
            labels.append(label)
            wheres.append(where)
            if len(seqs) == chunk_size:
                flush()
        if seqs:
            flush()
        if not n_samples:
            raise ValueError("source holds no sequence.")
    except BaseException:
        for writer in (codes_out, lengths_out, labels_out):
            if writer is not None:
                writer.handle.close()
                Path(writer.path).unlink(missing_ok=True)
        raise

    lengths_out.close((n_samples,))
    if min_length == n_positions:  # no padding needed: the flat file is the array
        codes_out.close((n_samples, n_positions))
        os.replace(flat_path, codes_path)
    else:
        codes_out.close((n_samples * n_positions,))  # placeholder; the file is dropped below
        lengths = np.load(directory / "lengths.npy", mmap_mode="r")
        _pad_flat(flat_path, codes_path, lengths, n_positions, chunk_size)
        del lengths
        flat_path.unlink()
    if labels_out is not None:
        labels_out.close((n_samples,))
        raw = list(first_seen)
        values = _as_target(raw) if label_kind == "text" else np.asarray(raw)
        if len({isinstance(label, str) for label in raw}) > 1 or values.dtype.kind not in "biuU":
            raise TypeError(f"labels must all be str or all be int, got {raw[:5]!r}.")
        classes, remap = np.unique(values, return_inverse=True)
        if not np.array_equal(remap, np.arange(len(raw))):
            index = np.load(directory / "labels.npy", mmap_mode="r+")
            remap = remap.astype(np.int32)
            for start in range(0, n_samples, chunk_size):
                index[start : start + chunk_size] = remap[index[start : start + chunk_size]]
            index.flush()
            del index
        np.save(directory / "classes.npy", classes, allow_pickle=False)
    meta = {
        "format": _FORMAT,
        "version": _VERSION,
        "n_samples": n_samples,
        "n_positions": n_positions,
        "labels": labels_out is not None,
        "source": str(source) if isinstance(source, (str, os.PathLike)) else None,
    }
    (directory / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return SequenceMemmap(directory)


# ----------------------------------------------------------------- reading
class _MemmapRows:
    """Rows of a memory-mapped 2-D ``.npy`` file, optionally through an index.

    ``rows[index]`` reads just those rows into a new array; pickling keeps
    the path, not the data, so it travels cheaply to data-loader workers.
    """

    def __init__(self, path, index=None):
        self.path, self.index = str(path), index
        self._array = None

    @property
    def array(self):
        if self._array is None:
            self._array = np.load(self.path, mmap_mode="r")
        return self._array

    @property
    def shape(self):
        n = self.array.shape[0] if self.index is None else len(self.index)
        return (n, *self.array.shape[1:])

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, key):
        key = np.asarray(key) if not isinstance(key, slice) else key
        rows = key if self.index is None else self.index[key]
        return np.asarray(self.array[rows])

    def __getstate__(self):
        return {"path": self.path, "index": self.index, "_array": None}


class SequenceMemmap:
    """DNA sequences in memory-mapped files, written once by :func:`encode_to_memmap`.

    Opening reads only the small metadata; rows are read when used. Pass it as
    ``X`` to :class:`~sklearn_attngen.AttnGenClassifier` (``fit(data)`` uses
    the stored labels when ``y`` is omitted) or index it like an array:
    ``data[indices]`` is a view of those sequences (nothing is copied), so
    :func:`~sklearn.model_selection.train_test_split`, ``cross_val_score`` and
    ``GridSearchCV`` work on it; ``data[i]`` is sequence ``i`` as a string.
    It pickles as its path and index, so it travels cheaply to other processes
    (which must see the same files, e.g. on a shared file system).

    Parameters
    ----------
    directory : str or path-like
        A directory written by :func:`encode_to_memmap`.

    Attributes
    ----------
    directory : pathlib.Path
    shape : tuple of (int, int)
        ``(n_samples, n_positions)``.
    n_positions : int
        Length of the longest sequence (the padded width of the codes).
    codes : array-like of shape (n_samples, n_positions)
        ``codes[indices]`` reads those rows as a ``uint8`` array.
    lengths : ndarray of shape (n_samples,)
        Real length of each sequence.
    classes : ndarray or None
        Sorted distinct labels, None for unlabelled data.
    target : ndarray of shape (n_samples,) or None
        The label of each sequence (read into memory), None for unlabelled data.

    See Also
    --------
    encode_to_memmap : Write such a directory from a FASTA / CSV file.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_attngen.datasets import SequenceMemmap, encode_to_memmap
    >>> folder = tempfile.mkdtemp()
    >>> _ = encode_to_memmap([("ACGTAC", 1), ("TTGCAA", 0), ("GGGCCC", 1)], folder)
    >>> data = SequenceMemmap(folder)
    >>> len(data), data.shape, data[1], data.classes
    (3, (3, 6), 'TTGCAA', array([0, 1]))
    >>> data[[2, 0]].target
    array([1, 1])
    """

    def __init__(self, directory):
        self.directory = Path(directory)
        meta_path = self.directory / "meta.json"
        if not meta_path.exists():
            raise FileNotFoundError(
                f"{str(self.directory)!r} holds no complete encode_to_memmap result "
                "(no meta.json); build it with encode_to_memmap(source, directory)."
            )
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != _FORMAT or meta.get("version") != _VERSION:
            raise ValueError(
                f"{str(meta_path)!r} is not a version-{_VERSION} {_FORMAT} description."
            )
        self._meta = meta
        self._index = None
        self._open()

    def _open(self):
        self._codes = _MemmapRows(self.directory / "codes.npy")
        self._lengths = np.load(self.directory / "lengths.npy", mmap_mode="r")
        self._labels = self.classes = None
        if self._meta["labels"]:
            self._labels = np.load(self.directory / "labels.npy", mmap_mode="r")
            self.classes = np.load(self.directory / "classes.npy", allow_pickle=False)

    def __getstate__(self):
        return {"directory": self.directory, "_meta": self._meta, "_index": self._index}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._open()

    def __len__(self):
        return self._meta["n_samples"] if self._index is None else len(self._index)

    @property
    def n_positions(self):
        return self._meta["n_positions"]

    @property
    def shape(self):
        return (len(self), self.n_positions)

    @property
    def codes(self):
        return _MemmapRows(self._codes.path, self._index)

    @property
    def lengths(self):
        lengths = self._lengths if self._index is None else self._lengths[self._index]
        return np.asarray(lengths)

    @property
    def target(self):
        if self._labels is None:
            return None
        labels = self._labels if self._index is None else self._labels[self._index]
        return self.classes[np.asarray(labels)]

    def __getitem__(self, key):
        if isinstance(key, tuple) and len(key) == 2 and key[1] is Ellipsis:
            key = key[0]  # sklearn's _safe_indexing asks for X[key, ...]
        if isinstance(key, numbers.Integral) and not isinstance(key, bool):
            n = len(self)
            if not -n <= key < n:
                raise IndexError(f"index {key} is out of range for {n} sequences.")
            row = self.codes[[int(key) % n]][0][: self.lengths[int(key) % n]]
            return np.frombuffer(b"ACGTN", dtype=np.uint8)[row].tobytes().decode("ascii")
        positions = np.arange(len(self))[key]
        if positions.ndim != 1:
            raise IndexError("index a SequenceMemmap with an int, a slice or a 1-D array.")
        view = object.__new__(type(self))
        view.__setstate__(
            {
                "directory": self.directory,
                "_meta": self._meta,
                "_index": positions if self._index is None else self._index[positions],
            }
        )
        return view

    def __repr__(self):
        classes = "" if self.classes is None else f", classes={self.classes.tolist()}"
        return (
            f"{type(self).__name__}(n_samples={len(self)}, n_positions={self.n_positions}{classes})"
        )
