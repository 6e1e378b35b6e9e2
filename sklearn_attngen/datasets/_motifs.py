"""Real JASPAR motifs and a synthetic planted-motif classification generator."""

import csv
import gzip
import io
import numbers
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils import check_sequences
from ..utils._param_validation import Interval, StrOptions, validate_params
from ._base import _data_file, _load_descr, _read_bundled_csv

__all__ = [
    "Motif",
    "dinucleotide_shuffle",
    "load_jaspar_motifs",
    "make_motif_sequences",
    "read_meme",
]

_MOTIF_FILE = "jaspar2024_motifs.meme"
_DEFAULT_CLASS_MOTIFS = ("MA0139.2", "MA0080.7")  # CTCF, SPI1
_LETTERS = np.frombuffer(b"ACGT", dtype=np.uint8)
_BACKGROUNDS = ("iid", "shuffled")


class Motif(NamedTuple):
    """A transcription-factor motif as a position probability matrix.

    Parameters
    ----------
    matrix_id : str
        Identifier, e.g. the JASPAR matrix id ``"MA0139.2"``.
    name : str
        Transcription factor name, e.g. ``"CTCF"``.
    pfm : ndarray of shape (width, 4)
        Base probabilities per motif position, columns in A, C, G, T order;
        each row sums to 1.

    See Also
    --------
    load_jaspar_motifs : The motifs shipped with the package.
    make_motif_sequences : Plant motifs into random sequences.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.datasets import Motif
    >>> pfm = np.array([[1.0, 0, 0, 0], [0, 0.7, 0.3, 0], [0, 0, 0, 1.0]])
    >>> motif = Motif("toy.1", "TOY", pfm)
    >>> motif.width, motif.consensus
    (3, 'ACT')
    """

    matrix_id: str
    name: str
    pfm: np.ndarray

    @property
    def width(self):
        """Number of positions of the motif."""
        return self.pfm.shape[0]

    @property
    def consensus(self):
        """Most probable base at each position, as a str."""
        return _LETTERS[np.argmax(self.pfm, axis=1)].tobytes().decode("ascii")


def _meme_error(source, line_no, message):
    return ValueError(f"{source}, line {line_no}: {message}")


def _parse_meme(text, source):
    """Motifs of a MEME v4 text (letter-probability matrices, ACGT alphabet).

    Strict: an alphabet other than ACGT, a matrix header without ``w=``, an
    ``alength`` other than 4, a row without exactly four numbers, a negative
    value, a row that does not sum to 1, a repeated motif id or a file without
    any motif is an error naming the line.
    """
    motifs = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fields = lines[i].split()
        if fields[:1] == ["ALPHABET="] and "".join(fields[1:]).upper() != "ACGT":
            raise _meme_error(source, i + 1, f"alphabet {' '.join(fields[1:])!r} is not ACGT.")
        if fields[:1] != ["MOTIF"]:
            i += 1
            continue
        if len(fields) < 2:
            raise _meme_error(source, i + 1, "MOTIF line without an identifier.")
        matrix_id = fields[1]
        name = " ".join(fields[2:]) or matrix_id
        if matrix_id in motifs:
            raise _meme_error(source, i + 1, f"motif id {matrix_id!r} occurs twice.")
        j = i + 1
        while j < len(lines) and not lines[j].startswith("letter-probability matrix"):
            if lines[j].split()[:1] == ["MOTIF"]:
                break
            j += 1
        if j == len(lines) or not lines[j].startswith("letter-probability matrix"):
            raise _meme_error(source, i + 1, f"motif {matrix_id} has no letter-probability matrix.")
        header = dict(
            zip(lines[j].split()[2::2], lines[j].split()[3::2], strict=False)
        )  # alength= 4 w= 15 nsites= ...
        if "w=" not in header or not header["w="].isdigit() or int(header["w="]) < 1:
            raise _meme_error(source, j + 1, f"motif {matrix_id}: the matrix header needs w= N.")
        if header.get("alength=", "4") != "4":
            raise _meme_error(source, j + 1, f"motif {matrix_id}: alength must be 4 (ACGT).")
        width = int(header["w="])
        rows = []
        for k in range(width):
            line_no = j + 2 + k
            values = lines[j + 1 + k].split() if j + 1 + k < len(lines) else []
            try:
                row = [float(v) for v in values]
            except ValueError:
                row = []
            if len(row) != 4:
                raise _meme_error(
                    source,
                    line_no,
                    f"motif {matrix_id} row {k} must hold 4 numbers, not "
                    f"{' '.join(values)!r} (w= {width}).",
                )
            if min(row) < 0 or abs(sum(row) - 1) > 1e-3:
                raise _meme_error(
                    source, line_no, f"motif {matrix_id} row {k} is not a probability row: {row}."
                )
            rows.append(row)
        motifs[matrix_id] = Motif(matrix_id, name, np.array(rows, dtype=np.float64))
        i = j + 1 + width
    if not motifs:
        raise ValueError(f"{source}: no MOTIF found; is this a MEME motif file?")
    return motifs


def read_meme(path):
    """Read the motifs of a MEME motif file.

    The MEME suite's text format (version 4, letter-probability matrices), as
    written by JASPAR, HOCOMOCO, MEME, STREME and TF-MoDISco. Read strictly:
    a malformed matrix is an error naming the line, never a silently wrong
    motif.

    Parameters
    ----------
    path : str or path-like
        A ``.meme`` file; a name ending in ``.gz`` is read gzip-compressed.

    Returns
    -------
    motifs : dict of str to Motif
        Keyed by motif identifier (the first field after ``MOTIF``), in file
        order; the name is the rest of the ``MOTIF`` line, or the identifier.

    Raises
    ------
    ValueError
        For an alphabet other than ACGT, a matrix header without ``w=`` or with
        an ``alength`` other than 4, a row that is not four probabilities
        summing to 1, a repeated identifier, or no motif at all.

    See Also
    --------
    load_jaspar_motifs : The JASPAR 2024 motifs shipped with the package.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_attngen.datasets import read_meme
    >>> text = ("MEME version 4\\n\\nALPHABET= ACGT\\n\\nMOTIF m1 TOY\\n"
    ...         "letter-probability matrix: alength= 4 w= 2\\n"
    ...         "1 0 0 0\\n0 0.5 0.5 0\\n")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.meme"
    >>> _ = path.write_text(text)
    >>> motifs = read_meme(path)
    >>> motifs["m1"].name, motifs["m1"].consensus
    ('TOY', 'AC')
    """
    path = Path(path)
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return _parse_meme(raw.decode("utf-8"), str(path))


_COLLECTIONS = {
    "benchmark": (_MOTIF_FILE, None, "jaspar2024_benchmark.rst"),
    "vertebrates": (
        "jaspar2024_core_vertebrates.meme.gz",
        "jaspar2024_core_vertebrates.tsv.gz",
        "jaspar2024_vertebrates.rst",
    ),
}
_METADATA_COLUMNS = {
    "matrix_id": "matrix_id",
    "name": "name",
    "species": "species",
    "class": "tf_class",
    "family": "family",
    "type": "data_type",
    "n_sites": "n_sites",
}


@lru_cache(maxsize=2)
def _read_collection(collection):
    """(motifs, metadata columns) of a shipped collection, cached read-only."""
    meme_name, table_name, _ = _COLLECTIONS[collection]
    raw = _data_file(meme_name).read_bytes()
    if meme_name.endswith(".gz"):
        raw = gzip.decompress(raw)
    motifs = _parse_meme(raw.decode("ascii"), meme_name)
    rows = {}
    if table_name is not None:
        text = gzip.decompress(_data_file(table_name).read_bytes()).decode("utf-8")
        rows = {r["matrix_id"]: r for r in csv.DictReader(io.StringIO(text), delimiter="\t")}
    columns = {}
    for key, out in _METADATA_COLUMNS.items():
        if key == "matrix_id":
            values = list(motifs)
        elif key == "name":
            values = [m.name for m in motifs.values()]
        else:
            values = [rows.get(i, {}).get(key, "") for i in motifs]
        columns[out] = values
    columns["n_sites"] = [int(v) if str(v).isdigit() else -1 for v in columns["n_sites"]]
    return motifs, columns


@validate_params(
    {"collection": [StrOptions(set(_COLLECTIONS))], "return_bunch": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_jaspar_motifs(collection="benchmark", *, return_bunch=False):
    """Load JASPAR 2024 motifs shipped with the package.

    Real, curated transcription-factor matrices of the JASPAR 2024 CORE
    collection (Rauluseviciute et al., 2024), in MEME letter-probability
    format with values as published. JASPAR's data is open access under
    CC BY 4.0, as the JASPAR website states; see ``DESCR``.

    ``collection="benchmark"``: six vertebrate matrices, the motifs that
    :func:`make_motif_sequences` plants:

    ==========  =======  ======  ==============  ==========
    matrix_id   name     width   species         data type
    ==========  =======  ======  ==============  ==========
    MA0139.2    CTCF     15      Homo sapiens    ChIP-seq
    MA0035.5    GATA1    7       Homo sapiens    ChIP-seq
    MA0080.7    Spi1     13      Mus musculus    ChIP-seq
    MA0138.3    REST     20      Homo sapiens    ChIP-seq
    MA0148.5    FOXA1    8       Homo sapiens    ChIP-seq
    MA0114.5    HNF4A    9       Homo sapiens    ChIP-seq
    ==========  =======  ======  ==============  ==========

    ``collection="vertebrates"``: the JASPAR 2024 CORE vertebrates
    non-redundant collection, the latest version of each of its 879
    matrices (126 kB gzipped), the database that
    :func:`sklearn_attngen.motifs.match_motifs` searches.

    Parameters
    ----------
    collection : {"benchmark", "vertebrates"}, default="benchmark"
        Which shipped collection to load.
    return_bunch : bool, default=False
        False returns the dict of motifs; True returns a Bunch that also holds
        the metadata of every matrix and the description with the licence.

    Returns
    -------
    motifs : dict of str to Motif
        Keyed by JASPAR matrix id, in the order above (``"benchmark"``) or
        by matrix id (``"vertebrates"``), if ``return_bunch`` is False. Each
        call returns new arrays: modifying them does not affect later calls.
    data : :class:`~sklearn.utils.Bunch`
        If ``return_bunch`` is True, with attributes

        motifs : dict of str to Motif
            As above.
        metadata : Bunch of ndarray
            One entry per motif, in the order of ``motifs``: ``matrix_id``,
            ``name``, ``species``, ``tf_class`` (structural class, e.g.
            ``"C2H2 zinc finger factors"``), ``family`` (e.g. ``"POU domain
            factors"``), ``data_type`` (ChIP-seq, HT-SELEX, ...) and
            ``n_sites``; empty strings (-1 for ``n_sites``) where JASPAR
            gives none or, for ``"benchmark"``, no metadata is shipped.
        DESCR : str
            Source, licence and citation.

    See Also
    --------
    read_meme : Read motifs from your own MEME file.
    make_motif_sequences : Plant sites sampled from the benchmark motifs.

    Examples
    --------
    >>> from sklearn_attngen.datasets import load_jaspar_motifs
    >>> motifs = load_jaspar_motifs()
    >>> list(motifs)
    ['MA0139.2', 'MA0035.5', 'MA0080.7', 'MA0138.3', 'MA0148.5', 'MA0114.5']
    >>> ctcf = motifs["MA0139.2"]
    >>> ctcf.name, ctcf.pfm.shape, ctcf.consensus
    ('CTCF', (15, 4), 'GCCACCAGGGGGCGC')
    >>> jaspar = load_jaspar_motifs("vertebrates", return_bunch=True)
    >>> len(jaspar.motifs), jaspar.metadata.family[jaspar.metadata.name == "POU5F1"]
    (879, array(['POU domain factors'], dtype='<U...'))
    """
    cached, columns = _read_collection(collection)
    motifs = {k: Motif(m.matrix_id, m.name, m.pfm.copy()) for k, m in cached.items()}
    if not return_bunch:
        return motifs
    metadata = Bunch(
        **{
            key: np.array(values, dtype=np.int64 if key == "n_sites" else str)
            for key, values in columns.items()
        }
    )
    return Bunch(motifs=motifs, metadata=metadata, DESCR=_load_descr(_COLLECTIONS[collection][2]))


@lru_cache(maxsize=1)
def _shuffle_source():
    """Codes of the bundled promoter training sequences (read-only)."""
    rows = _read_bundled_csv("promoter.csv.gz", "train")
    codes = np.frombuffer("".join(r["sequence"] for r in rows).encode("ascii"), dtype=np.uint8)
    codes = np.searchsorted(_LETTERS, codes).astype(np.uint8).reshape(len(rows), -1)
    codes.setflags(write=False)
    return codes


def _dinucleotide_shuffle(codes, rng):
    """Uniform random sequence with the same dinucleotide counts as ``codes``.

    The Altschul-Erickson shuffle, by the random Eulerian path construction of
    Kandel et al. (1996): draw the last exit edge of every letter (rejecting
    draws that do not form a tree towards the last letter), shuffle each
    letter's other exit edges, and walk from the first letter.
    """
    n = len(codes)
    if n < 3:
        return codes.copy()
    successors = [codes[1:][codes[:-1] == a] for a in range(4)]
    last = int(codes[-1])
    exits = [a for a in range(4) if a != last and len(successors[a])]
    while True:
        last_exit = {a: rng.randint(len(successors[a])) for a in exits}
        if all(_reaches(a, last, successors, last_exit) for a in exits):
            break
    order = []
    for a in range(4):
        succ = successors[a]
        if a in last_exit:
            k = last_exit[a]
            succ = np.concatenate([rng.permutation(np.delete(succ, k)), succ[k : k + 1]])
        else:
            succ = rng.permutation(succ)
        order.append(succ.tolist())
    out = np.empty(n, dtype=np.uint8)
    out[0] = codes[0]
    used = [0, 0, 0, 0]
    for j in range(1, n):
        a = out[j - 1]
        out[j] = order[a][used[a]]
        used[a] += 1
    return out


def _reaches(start, last, successors, last_exit):
    """Whether following last-exit edges from ``start`` reaches ``last``."""
    seen = set()
    v = start
    while v != last:
        if v in seen:
            return False
        seen.add(v)
        v = int(successors[v][last_exit[v]])
    return True


@validate_params(
    {
        "X": ["array-like"],
        "n_shuffles": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def dinucleotide_shuffle(X, *, n_shuffles=1, random_state=None):
    """Shuffle DNA sequences keeping their exact dinucleotide counts.

    The Altschul-Erickson shuffle (Altschul and Erickson, 1985), drawn
    uniformly among all sequences with the same first base and the same
    count of every dinucleotide, by the random Eulerian walk of Kandel et al.
    (1996). It destroys motifs while keeping composition, CpG content and
    short repeats: the usual control for motif and attribution analyses.
    Runs of N (and padding) stay where they are; each stretch of A, C, G, T
    between them is shuffled on its own.

    Parameters
    ----------
    X : list, ndarray or pandas Series of str, or ndarray
        DNA sequences: strings, one-hot ``(n_samples, n_positions, 4)`` or
        ``uint8`` codes ``(n_samples, n_positions)``.
    n_shuffles : int, default=1
        Shuffles of each sequence.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffles.

    Returns
    -------
    shuffled : list of str, or ndarray of shape (n_samples * n_shuffles, max_length)
        Strings for string input, else ``uint8`` codes (N and padding = 4).
        Entry ``k * n_samples + i`` is the ``k``-th shuffle of ``X[i]``.

    See Also
    --------
    make_motif_sequences : Uses this shuffle for its ``"shuffled"`` background.

    Examples
    --------
    >>> from sklearn_attngen.datasets import dinucleotide_shuffle
    >>> seq = "ACGTTGCAACGGATCCAT"
    >>> (shuffled,) = dinucleotide_shuffle([seq], random_state=0)
    >>> def pairs(s):
    ...     return sorted(s[i : i + 2] for i in range(len(s) - 1))
    >>> shuffled != seq, pairs(shuffled) == pairs(seq), shuffled[0] == seq[0]
    (True, True, True)
    """
    codes, lengths = check_sequences(X)
    is_text = (isinstance(X, (list, tuple)) and isinstance(X[0], str)) or (
        hasattr(X, "dtype") and X.dtype.kind in "UO"
    )
    rng = check_random_state(random_state)
    out = np.full((n_shuffles * len(codes), codes.shape[1]), 4, dtype=np.uint8)
    for k in range(n_shuffles):
        for i, (row, length) in enumerate(zip(codes, lengths, strict=True)):
            target = out[k * len(codes) + i]
            target[:length] = row[:length]
            real = np.flatnonzero(row[:length] < 4)
            if not len(real):
                continue
            # maximal runs of A, C, G, T between Ns
            breaks = np.flatnonzero(np.diff(real) > 1)
            for run in np.split(real, breaks + 1):
                a, b = run[0], run[-1] + 1
                target[a:b] = _dinucleotide_shuffle(row[a:b], rng)
    if not is_text:
        return out
    letters = np.frombuffer(b"ACGTN", dtype=np.uint8)
    all_lengths = np.tile(lengths, n_shuffles)
    return [letters[r[:n]].tobytes().decode("ascii") for r, n in zip(out, all_lengths, strict=True)]


def _resolve(spec, shipped, param):
    """Motif for a matrix id, base id or factor name, or a Motif instance."""
    if isinstance(spec, Motif):
        pfm = np.asarray(spec.pfm, dtype=np.float64)
        if pfm.ndim != 2 or pfm.shape[1] != 4 or pfm.shape[0] == 0:
            raise ValueError(f"{param}: motif {spec.matrix_id!r} pfm must have shape (width, 4).")
        if (pfm < 0).any() or not np.allclose(pfm.sum(axis=1), 1, atol=1e-3):
            raise ValueError(f"{param}: rows of motif {spec.matrix_id!r} must be probabilities.")
        return Motif(spec.matrix_id, spec.name, pfm.copy())
    if not isinstance(spec, str):
        raise TypeError(f"{param} holds {spec!r}; expected a JASPAR id, a name or a Motif.")
    key = spec.strip().upper()
    for motif in shipped.values():
        if key in (motif.matrix_id.upper(), motif.matrix_id.split(".")[0], motif.name.upper()):
            return motif
    choices = ", ".join(f"{m.matrix_id} ({m.name})" for m in shipped.values())
    raise ValueError(f"{param}: unknown motif {spec!r}; shipped motifs are {choices}.")


def _sample_site(pfm, rng):
    """One site drawn from ``pfm``, each position independently (codes 0..3)."""
    cdf = np.cumsum(pfm / pfm.sum(axis=1, keepdims=True), axis=1)
    u = rng.random_sample(pfm.shape[0])
    return (u[:, None] >= cdf[:, :3]).sum(axis=1).astype(np.uint8)


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "length": [Interval(numbers.Integral, 1, None, closed="left")],
        "motifs": "no_validation",  # JASPAR ids, names or Motifs: resolved below
        "distractors": "no_validation",
        "n_distractors": [Interval(numbers.Integral, 0, None, closed="left")],
        "background": [StrOptions(set(_BACKGROUNDS))],
        "gc_content": [Interval(numbers.Real, 0, 1, closed="both")],
        "both_strands": ["boolean"],
        "return_motifs": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_motif_sequences(
    n_samples=1000,
    length=200,
    motifs=None,
    *,
    distractors=None,
    n_distractors=2,
    background="iid",
    gc_content=0.41,
    both_strands=True,
    return_motifs=False,
    random_state=None,
):
    """Generate DNA sequences whose class is set by planted real motifs.

    A benchmark with known ground truth for saliency methods: every class
    owns one motif or a set of motifs; each sequence carries sites of its
    class's motifs plus distractor sites of other motifs that every class
    shares, at random non-overlapping positions. Only motif identity tells
    the classes apart, and the returned mask marks exactly the
    class-determining positions.

    The generative process, in order, all draws from
    ``check_random_state(random_state)``:

    1. Labels: ``y = rng.permutation(np.arange(n_samples) % n_classes)``, so
       classes are balanced (sizes differ by at most one).
    2. Backgrounds, one per sequence, in sample order.
       ``"iid"``: every base independently, ``P(C) = P(G) = gc_content / 2``
       and ``P(A) = P(T) = (1 - gc_content) / 2`` (drawn for all samples at
       once, row by row). ``"shuffled"``: concatenate ``ceil(length / 70)``
       sequences drawn uniformly with replacement from the training split of
       :func:`load_promoter` (real human 70-nt sequences), cut to ``length``,
       and shuffle with the Altschul-Erickson dinucleotide shuffle, which
       keeps the exact dinucleotide counts of the cut and destroys its motifs.
    3. Sites, per sequence, in sample order: the list of motifs to plant is
       each motif of class ``y[i]`` once, then ``n_distractors`` motifs drawn
       uniformly with replacement from ``distractors``; it is put in random
       order (``rng.permutation``). For each motif in that order a site is
       drawn position by position from its probability matrix and, when
       ``both_strands`` is True, reverse-complemented with probability 1/2.
       The free length ``length - sum(widths)`` is split into
       ``n_sites + 1`` gaps uniformly over all compositions (stars and bars),
       and the sites are written over the background in that order, separated
       by those gaps: sites never overlap, and every non-overlapping
       arrangement is equally likely.
    4. ``mask[i, j]`` is True where position ``j`` lies in a site of a motif of
       class ``y[i]``; distractor sites and background are False. A motif
       site can also occur by chance in the background; the mask does not
       mark those.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of sequences.
    length : int, default=200
        Length of every sequence; must hold all sites of one sequence.
    motifs : sequence, default=None
        One entry per class: a motif, or a tuple of motifs that the class
        carries together (a motif pair), or ``()`` for a background-only
        class. A motif is a JASPAR matrix id (``"MA0139.2"``), base id
        (``"MA0139"``), factor name (``"CTCF"``, any case) of a motif from
        :func:`load_jaspar_motifs`, or a :class:`Motif`. Classes must differ
        in their motif sets. None means ``("MA0139.2", "MA0080.7")``: CTCF
        versus SPI1.
    distractors : sequence of motifs, default=None
        Motifs planted in every class; none may be a class motif. None means
        every shipped motif that no class uses.
    n_distractors : int, default=2
        Distractor sites per sequence.
    background : {"iid", "shuffled"}, default="iid"
        Background model, see step 2.
    gc_content : float, default=0.41
        G + C fraction of the ``"iid"`` background (0.41 is the human genome
        average). Ignored for ``"shuffled"``.
    both_strands : bool, default=True
        Plant each site on a random strand; False plants motifs as given.
    return_motifs : bool, default=False
        Also return a table of the motifs and of every planted site.
    random_state : int, RandomState instance or None, default=None
        Seed for every draw; an int gives the same data on every call.

    Returns
    -------
    X : list of str
        Upper-case sequences of length ``length``.
    y : ndarray of shape (n_samples,), dtype int64
        Class index, the position of the class in ``motifs``.
    mask : ndarray of shape (n_samples, length), dtype bool
        True at the positions of class-determining sites.
    motif_table : :class:`~sklearn.utils.Bunch`
        Only if ``return_motifs`` is True, with attributes

        motifs : dict of str to Motif
            Every motif used, keyed by matrix id.
        class_motifs : list of tuple of str
            Matrix ids of each class's motifs.
        distractors : tuple of str
            Matrix ids of the distractor motifs.
        sites : Bunch
            One entry per planted site, in sample order: ``sample``,
            ``start`` and ``end`` (int arrays; ``X[sample][start:end]`` is the
            site), ``motif_id`` (str array), ``strand`` (``"+"`` or ``"-"``),
            ``class_determining`` (bool array) and ``sequence`` (the site as
            it reads in ``X``, reverse complement of the drawn site on
            ``"-"``).

    See Also
    --------
    load_jaspar_motifs : The shipped motifs.

    Examples
    --------
    >>> from sklearn_attngen.datasets import make_motif_sequences
    >>> X, y, mask = make_motif_sequences(n_samples=4, length=60, random_state=0)
    >>> len(X), len(X[0]), y.tolist(), mask.shape
    (4, 60, [0, 1, 1, 0], (4, 60))
    >>> X, y, mask, table = make_motif_sequences(
    ...     n_samples=6, motifs=["GATA1", ("CTCF", "REST")], n_distractors=1,
    ...     return_motifs=True, random_state=0)
    >>> table.class_motifs
    [('MA0035.5',), ('MA0139.2', 'MA0138.3')]
    >>> mask.sum(axis=1).tolist() == [7 if c == 0 else 35 for c in y]
    True
    """
    rng = check_random_state(random_state)
    shipped = load_jaspar_motifs()

    specs = _DEFAULT_CLASS_MOTIFS if motifs is None else motifs
    if isinstance(specs, (str, Motif)) or len(specs) < 2:
        raise ValueError("motifs must list one motif (or tuple of motifs) per class, >= 2 classes.")
    class_motifs = []
    for spec in specs:
        is_group = isinstance(spec, (tuple, list)) and not isinstance(spec, Motif)
        members = spec if is_group else (spec,)
        class_motifs.append([_resolve(m, shipped, "motifs") for m in members])
    class_ids = [tuple(m.matrix_id for m in members) for members in class_motifs]
    if len({frozenset(ids) for ids in class_ids}) < len(class_ids):
        raise ValueError(f"motifs: two classes have the same motif set ({class_ids}).")
    used = {m.matrix_id for members in class_motifs for m in members}
    if distractors is None:
        distractor_motifs = [m for m in shipped.values() if m.matrix_id not in used]
    else:
        if isinstance(distractors, (str, Motif)):
            distractors = [distractors]
        distractor_motifs = [_resolve(m, shipped, "distractors") for m in distractors]
    clash = sorted(used & {m.matrix_id for m in distractor_motifs})
    if clash:
        raise ValueError(f"distractors must not include class motifs; both hold {clash}.")
    if n_distractors and not distractor_motifs:
        raise ValueError("n_distractors > 0 needs at least one distractor motif.")
    widest = max(m.width for m in distractor_motifs) if distractor_motifs else 0
    need = max(sum(m.width for m in members) for members in class_motifs)
    need += n_distractors * widest
    if need > length:
        raise ValueError(
            f"length={length} is too short: one sequence may need {need} positions for its "
            "sites. Increase length or use fewer or narrower motifs."
        )

    # 1. labels
    n_classes = len(class_motifs)
    y = rng.permutation(np.arange(n_samples) % n_classes).astype(np.int64)

    # 2. backgrounds
    if background == "iid":
        at, gc = (1 - gc_content) / 2, gc_content / 2
        codes = rng.choice(4, size=(n_samples, length), p=[at, gc, gc, at]).astype(np.uint8)
    else:
        source = _shuffle_source()
        n_pieces = -(-length // source.shape[1])
        codes = np.empty((n_samples, length), dtype=np.uint8)
        for i in range(n_samples):
            rows = rng.randint(source.shape[0], size=n_pieces)
            codes[i] = _dinucleotide_shuffle(source[rows].ravel()[:length], rng)

    # 3. sites
    mask = np.zeros((n_samples, length), dtype=bool)
    sites = {k: [] for k in ("sample", "start", "end", "motif_id", "strand", "class_determining")}
    for i in range(n_samples):
        planted = [(m, True) for m in class_motifs[y[i]]]
        if n_distractors:
            picks = rng.randint(len(distractor_motifs), size=n_distractors)
            planted += [(distractor_motifs[k], False) for k in picks]
        planted = [planted[k] for k in rng.permutation(len(planted))]
        drawn = []
        for motif, _ in planted:
            site = _sample_site(motif.pfm, rng)
            minus = both_strands and rng.random_sample() < 0.5
            drawn.append((3 - site[::-1] if minus else site, minus))
        n_sites = len(planted)
        if not n_sites:  # a background-only class without distractors
            continue
        free = length - sum(motif.width for motif, _ in planted)
        cuts = np.sort(rng.choice(free + n_sites, size=n_sites, replace=False))
        gaps = np.diff(cuts, prepend=-1) - 1
        start = 0
        for (motif, determining), (site, minus), gap in zip(planted, drawn, gaps, strict=True):
            start += int(gap)
            end = start + motif.width
            codes[i, start:end] = site
            mask[i, start:end] |= determining
            for key, value in zip(
                sites,
                (i, start, end, motif.matrix_id, "-" if minus else "+", determining),
                strict=True,
            ):
                sites[key].append(value)
            start = end

    X = [row.tobytes().decode("ascii") for row in _LETTERS[codes]]
    if not return_motifs:
        return X, y, mask
    site_table = Bunch(
        sample=np.array(sites["sample"], dtype=np.int64),
        start=np.array(sites["start"], dtype=np.int64),
        end=np.array(sites["end"], dtype=np.int64),
        motif_id=np.array(sites["motif_id"], dtype=str),
        strand=np.array(sites["strand"], dtype=str),
        class_determining=np.array(sites["class_determining"], dtype=bool),
    )
    site_table.sequence = [
        X[i][s:e]
        for i, s, e in zip(site_table.sample, site_table.start, site_table.end, strict=True)
    ]
    all_motifs = {m.matrix_id: m for members in class_motifs for m in members}
    all_motifs.update({m.matrix_id: m for m in distractor_motifs})
    table = Bunch(
        motifs=all_motifs,
        class_motifs=class_ids,
        distractors=tuple(m.matrix_id for m in distractor_motifs),
        sites=site_table,
    )
    return X, y, mask, table
