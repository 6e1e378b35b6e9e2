"""Readers for sequence files: FASTA and delimited text (CSV / TSV)."""

import bisect
import csv
import gzip
import os
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.utils import Bunch

from ..utils._param_validation import validate_params
from ._base import _validate_alphabet

__all__ = ["read_fasta", "read_sequences"]

_GZIP_MAGIC = b"\x1f\x8b"
_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


def _check_file(path):
    """Return ``path`` as a Path, raising FileNotFoundError naming it when absent."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like object, got {type(path).__name__}.")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No such file: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory, not a sequence file.")
    return path


def _open_text(path):
    """Open a plain or gzip-compressed text file (detected from its first bytes)."""
    with open(path, "rb") as handle:
        magic = handle.read(2)
    opener = gzip.open if magic == _GZIP_MAGIC else open
    # utf-8-sig drops the byte-order mark some spreadsheet programs write.
    return opener(path, "rt", encoding="utf-8-sig", newline="")


@contextmanager
def _reading(path):
    """Report corrupt gzip, non-text bytes or broken CSV as a ValueError naming the file."""
    try:
        yield
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(
            f"{path} starts like a gzip file but cannot be decompressed ({exc}); is it complete?"
        ) from exc
    except csv.Error as exc:
        raise ValueError(f"{path} is not valid delimited text: {exc}.") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path} is not UTF-8 text: byte {exc.object[exc.start : exc.start + 1]!r} at "
            f"offset {exc.start} ({exc.reason}). Sequence files must be text."
        ) from exc


@validate_params(
    {"path": "no_validation", "uppercase": ["boolean"]}, prefer_skip_nested_validation=True
)
def read_fasta(path, *, uppercase=False):
    """Read DNA sequences from a FASTA file, plain or gzip-compressed.

    Records may span several lines; blank lines and surrounding white space are
    ignored. The identifier of a record is the first word of its header, the
    description the whole header line without the ``>``. Letter case is kept
    (soft-masked repeats stay lower case) unless ``uppercase=True``. Every
    sequence is checked with :func:`~sklearn_attngen.utils.check_sequences`.

    Parameters
    ----------
    path : str or path-like
        FASTA file; gzip compression is detected from the file content, so
        ``.fa.gz`` and ``.fa`` both work whatever their name.
    uppercase : bool, default=False
        Upper-case the sequences.

    Returns
    -------
    records : :class:`~sklearn.utils.Bunch`
        With attributes

        data : list of str
            The sequences, in file order.
        ids : list of str
            First word of each header (duplicates are kept as they are).
        descriptions : list of str
            Each full header line without the leading ``>``.
        filename : str
            The path that was read.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        On a malformed file, naming the line: sequence data before the first
        header, a header without identifier, a record without sequence, an
        invalid character, or a file without any record.

    See Also
    --------
    read_sequences : Sequences and labels from a CSV or TSV file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_attngen.datasets import read_fasta
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "seqs.fa"
    >>> _ = path.write_text(">seq1 first\\nACGT\\nacgN\\n>seq2\\nTTGA\\n")
    >>> records = read_fasta(path)
    >>> records.ids, records.data
    (['seq1', 'seq2'], ['ACGTacgN', 'TTGA'])
    >>> records.descriptions[0]
    'seq1 first'
    """
    path = _check_file(path)
    with _reading(path):
        records = list(_iter_fasta(path))
    ids = [record.id for record in records]

    def where(i, pos):
        return f"{path}, line {records[i].line_of(pos)} (record {ids[i]!r})"

    data = [record.sequence for record in records]
    _validate_alphabet(data, where)
    if uppercase:
        data = [seq.upper() for seq in data]
    descriptions = [record.description for record in records]
    return Bunch(data=data, ids=ids, descriptions=descriptions, filename=str(path))


def _infer_delimiter(path):
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _DELIMITERS:
        return _DELIMITERS[suffixes[-1]]
    raise ValueError(
        f"Cannot infer the delimiter of {str(path)!r} from its extension (known: .csv, .tsv, "
        ".tab, optionally followed by .gz); pass delimiter=',' or delimiter='\\t'."
    )


def _column_index(header, column, param, path):
    if not isinstance(column, str):
        raise TypeError(f"{param} must be a column name (str), got {column!r}.")
    if column not in header:
        raise ValueError(
            f"{path}, line 1: no column {column!r} (the {param}) in the header; the columns "
            f"are {header}."
        )
    return header.index(column)


def _as_target(labels):
    """int64 when every label is an integer, float64 when every one is a number, else str."""
    for kind in (np.int64, np.float64):
        try:
            return np.array([kind(label) for label in labels], dtype=kind)
        except ValueError:
            continue
    return np.array(labels, dtype=str)


@validate_params(
    {
        "path": "no_validation",  # _check_file names a missing file
        "sequence_column": [str],
        "label_column": [str, None],
        "id_column": [str, None],
        "delimiter": [str, None],
        "uppercase": ["boolean"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def read_sequences(
    path,
    sequence_column="sequence",
    label_column="label",
    *,
    id_column=None,
    delimiter=None,
    uppercase=False,
    return_X_y=False,
):
    """Read sequences (and labels) from a CSV or TSV file, plain or gzipped.

    The first line is the header. Fields may be quoted as usual in CSV. Letter
    case is kept unless ``uppercase=True``. Every sequence is checked with
    :func:`~sklearn_attngen.utils.check_sequences`.

    Parameters
    ----------
    path : str or path-like
        Delimited text file; gzip compression is detected from the content.
    sequence_column : str, default="sequence"
        Name of the column holding the sequences.
    label_column : str or None, default="label"
        Name of the column holding the labels; None for a file without labels.
    id_column : str or None, default=None
        Name of a column of record identifiers, returned as ``ids``.
    delimiter : str or None, default=None
        Field separator. None infers it from the extension: ``.csv`` gives
        ``","``; ``.tsv`` and ``.tab`` give a tab (a final ``.gz`` is skipped).
    uppercase : bool, default=False
        Upper-case the sequences.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    records : :class:`~sklearn.utils.Bunch`
        With attributes

        data : list of str
            The sequences, in file order.
        target : ndarray of shape (n_samples,) or None
            The labels or targets: int64 when every value is an integer,
            float64 when every value is a number (regression targets, e.g.
            ``label_column="activity"``), else str.
            None when ``label_column`` is None.
        ids : list of str or None
            The ``id_column`` values, or None.
        filename : str
            The path that was read.

    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        On a malformed file, naming the line: missing column, a row with the
        wrong number of fields, an empty sequence or label, an invalid
        character, or an empty file.

    See Also
    --------
    read_fasta : Sequences from a FASTA file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_attngen.datasets import read_sequences
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.tsv"
    >>> _ = path.write_text("name\\tsequence\\tlabel\\nr1\\tACGT\\t1\\nr2\\tggca\\t0\\n")
    >>> X, y = read_sequences(path, return_X_y=True)
    >>> X, y
    (['ACGT', 'ggca'], array([1, 0]))
    >>> read_sequences(path, id_column="name", uppercase=True).ids
    ['r1', 'r2']
    """
    path = _check_file(path)
    data, labels, ids, lines = [], [], [], []
    with _reading(path):
        for seq, label, row_id, line in _iter_rows(
            path, sequence_column, label_column, id_column, delimiter
        ):
            data.append(seq)
            labels.append(label)
            ids.append(row_id)
            lines.append(line)

    _validate_alphabet(data, lambda i, pos: f"{path}, line {lines[i]}")
    if uppercase:
        data = [seq.upper() for seq in data]
    target = _as_target(labels) if label_column is not None else None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        ids=ids if id_column is not None else None,
        filename=str(path),
    )


# ------------------------------------------------------------------ streaming
# Record by record, for files larger than memory (encode_to_memmap). They check
# the file's structure as read_fasta / read_sequences do; the alphabet is checked
# by the caller, chunk by chunk, with the line numbers yielded here.


class _FastaRecord(NamedTuple):
    """One FASTA record and where its lines are in the file."""

    sequence: str
    description: str
    header_line: int
    line_numbers: tuple  # file line of each sequence line
    line_starts: tuple  # offset in ``sequence`` where each sequence line starts

    @property
    def id(self):
        return self.description.split(maxsplit=1)[0]

    def line_of(self, pos):
        """File line holding position ``pos`` of the sequence (the header for None)."""
        if pos is None:
            return self.header_line
        return self.line_numbers[bisect.bisect_right(self.line_starts, pos) - 1]


def _iter_fasta(path):
    """Yield a :class:`_FastaRecord` for each record of a FASTA file, checking its structure.

    The one FASTA parser: :func:`read_fasta` and ``encode_to_memmap`` both read
    through it. Records may span several lines; blank lines are skipped.
    """
    description, header_line, chunks, numbers, starts = None, None, None, [], []

    def record():
        if not chunks:
            raise ValueError(
                f"{path}, line {header_line}: record "
                f"{description.split(maxsplit=1)[0]!r} has no sequence."
            )
        sequence = "".join(chunks)
        return _FastaRecord(sequence, description, header_line, tuple(numbers), tuple(starts))

    with _open_text(path) as handle:
        offset = 0
        for line_no, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                if chunks is not None:
                    yield record()
                description = line[1:].strip()
                if not description:
                    raise ValueError(f"{path}, line {line_no}: header '>' has no identifier.")
                header_line, chunks, numbers, starts, offset = line_no, [], [], [], 0
            elif chunks is None:
                raise ValueError(
                    f"{path}, line {line_no}: sequence data before the first '>' header; "
                    "is this a FASTA file?"
                )
            else:
                chunks.append(line)
                numbers.append(line_no)
                starts.append(offset)
                offset += len(line)
    if chunks is None:
        raise ValueError(f"{path} holds no FASTA record (no line starts with '>').")
    yield record()


def _iter_delimited(path, sequence_column, label_column, delimiter):
    """Yield ``(sequence, label or None, line_number)`` for each row of a CSV / TSV file."""
    for seq, label, _, line in _iter_rows(path, sequence_column, label_column, None, delimiter):
        yield seq, label, line


def _iter_rows(path, sequence_column, label_column, id_column, delimiter):
    """Yield ``(sequence, label, id, line_number)`` per data row; label / id None if no column."""
    if delimiter is None:
        delimiter = _infer_delimiter(path)
    elif not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError(f"delimiter must be a single character, got {delimiter!r}.")
    n_rows = 0
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next((row for row in reader if row), None)
        if header is None:
            raise ValueError(f"{path} is empty; expected a header line and data rows.")
        header = [name.strip() for name in header]
        i_seq = _column_index(header, sequence_column, "sequence_column", path)
        i_label = i_id = None
        if label_column is not None:
            i_label = _column_index(header, label_column, "label_column", path)
        if id_column is not None:
            i_id = _column_index(header, id_column, "id_column", path)
        n_fields = len(header)
        for row in reader:
            if not row:
                continue
            if len(row) != n_fields:
                raise ValueError(
                    f"{path}, line {reader.line_num}: expected {n_fields} fields separated by "
                    f"{delimiter!r} (as in the header), got {len(row)}."
                )
            seq = row[i_seq].strip()
            if not seq:
                raise ValueError(f"{path}, line {reader.line_num}: empty sequence.")
            label = None
            if i_label is not None:
                label = row[i_label].strip()
                if not label:
                    raise ValueError(f"{path}, line {reader.line_num}: empty label.")
            n_rows += 1
            yield seq, label, None if i_id is None else row[i_id], reader.line_num
    if not n_rows:
        raise ValueError(f"{path} has a header but no data rows.")
