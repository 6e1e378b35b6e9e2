"""Motif scanning with FIMO (memelite): a tidy table of sites and a site mask."""

import numpy as np
import torch

from ..utils._docstring import fill_doc
from ._common import (
    check_int,
    check_probability,
    import_error_doc,
    optional_import,
    resolve_motifs,
    sequence_batches,
)

__all__ = ["motif_site_mask", "scan_motifs"]

_COLUMNS = ("sample", "motif_id", "motif_name", "start", "end", "strand", "score", "p_value")


def _empty_hits(pd):
    return pd.DataFrame(
        {
            "sample": np.array([], dtype=np.int64),
            "motif_id": np.array([], dtype=object),
            "motif_name": np.array([], dtype=object),
            "start": np.array([], dtype=np.int64),
            "end": np.array([], dtype=np.int64),
            "strand": np.array([], dtype=object),
            "score": np.array([], dtype=np.float64),
            "p_value": np.array([], dtype=np.float64),
        }
    )


@fill_doc(raises=import_error_doc("memelite"))
def scan_motifs(X, motifs=None, *, threshold=1e-4, both_strands=True, batch_size=10_000):
    """Find the sites of known motifs in DNA sequences (FIMO).

    Scores every window of every sequence with each motif's log-odds matrix
    against a uniform background and keeps windows whose p-value is below
    ``threshold``, with FIMO's exact score distribution (Grant et al., 2011),
    as implemented by memelite's :func:`memelite.fimo`. Windows that run into
    the padding of a shorter sequence are not reported.

    Parameters
    ----------
    X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
        DNA sequences (strings, one-hot or ``uint8`` codes); a
        :class:`~sklearn_attngen.datasets.SequenceMemmap` is read
        ``batch_size`` sequences at a time.
    motifs : str, path, Motif, dict or list, default=None
        None or ``"vertebrates"``: the 879 JASPAR 2024 CORE vertebrates
        matrices shipped with the package; ``"benchmark"``: its six benchmark
        motifs; a MEME file; a :class:`~sklearn_attngen.datasets.Motif`; a
        dict of id to Motif or ``(width, 4)`` probability matrix; or a list
        of Motifs or JASPAR ids / factor names (``["MA0139.2", "SPI1"]``).
    threshold : float, default=1e-4
        Report windows with a p-value below this (FIMO's default).
    both_strands : bool, default=True
        Also scan the reverse complement of each motif.
    batch_size : int, default=10000
        Sequences scanned per call.

    Returns
    -------
    hits : pandas.DataFrame
        One row per site, sorted by ``sample``, ``start`` and ``motif_id``,
        with columns ``sample`` (row of ``X``), ``motif_id``, ``motif_name``,
        ``start``, ``end`` (0-based, ``X[sample][start:end]`` is the site),
        ``strand`` (``"+"`` or ``"-"``), ``score`` (log-odds, bits) and
        ``p_value``. pandas is installed with the motifs extra (memelite
        needs it).

    Raises
    ------
    {raises}

    See Also
    --------
    motif_site_mask : The sites as a boolean mask.
    sklearn_attngen.datasets.load_jaspar_motifs : The shipped motifs.

    Examples
    --------
    >>> from sklearn_attngen.datasets import make_motif_sequences
    >>> from sklearn_attngen.motifs import scan_motifs
    >>> X, y, mask = make_motif_sequences(n_samples=20, length=100, random_state=0)
    >>> hits = scan_motifs(X, motifs=["CTCF", "SPI1"])
    >>> list(hits.columns)
    ['sample', 'motif_id', 'motif_name', 'start', 'end', 'strand', 'score', 'p_value']
    >>> sorted(set(hits.motif_name))
    ['CTCF', 'Spi1']
    """
    memelite = optional_import("memelite", "scan_motifs")
    pd = optional_import("pandas", "scan_motifs")
    threshold = check_probability(threshold, "threshold")
    if not isinstance(both_strands, (bool, np.bool_)):
        raise TypeError(f"both_strands must be a bool, got {both_strands!r}.")
    batch_size = check_int(batch_size, "batch_size", 1)
    motifs = resolve_motifs(motifs)
    ids = list(motifs)
    pwms = {key: np.ascontiguousarray(motif.pfm.T) for key, motif in motifs.items()}
    frames = []
    for offset, codes, lengths in sequence_batches(X, batch_size):
        width = codes.shape[1]
        onehot = np.zeros((len(codes), 4, width), dtype=np.int8)
        for base in range(4):
            onehot[:, base, :] = codes == base
        threads = torch.get_num_threads()  # numba's first parallel call resets torch's
        per_motif = memelite.fimo(
            pwms, onehot, threshold=threshold, reverse_complement=both_strands
        )
        torch.set_num_threads(threads)
        for key, hits in zip(ids, per_motif, strict=True):
            if not len(hits):
                continue
            sample = hits["sequence_name"].to_numpy().astype(np.int64)
            start = hits["start"].to_numpy().astype(np.int64)
            end = hits["end"].to_numpy().astype(np.int64)
            inside = end <= lengths[sample]
            n = int(inside.sum())
            if not n:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "sample": sample[inside] + offset,
                        "motif_id": np.full(n, key, dtype=object),
                        "motif_name": np.full(n, motifs[key].name, dtype=object),
                        "start": start[inside],
                        "end": end[inside],
                        "strand": hits["strand"].to_numpy().astype(object)[inside],
                        "score": hits["score"].to_numpy().astype(np.float64)[inside],
                        "p_value": hits["p-value"].to_numpy().astype(np.float64)[inside],
                    }
                )
            )
    if not frames:
        return _empty_hits(pd)
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["sample", "start", "motif_id"], kind="stable").reset_index(drop=True)


def motif_site_mask(X, motifs=None, *, threshold=1e-4, both_strands=True, hits=None):
    """Boolean mask of the positions covered by motif sites.

    The ground truth that saliency benchmarks (e.g.
    :func:`~sklearn_attngen.evaluation.motif_overlap`) need, on real data:
    ``mask[i, j]`` is True where position ``j`` of sequence ``i`` lies in a
    site found by :func:`scan_motifs`.

    Parameters
    ----------
    X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
        DNA sequences, as in :func:`scan_motifs`.
    motifs : str, path, Motif, dict or list, default=None
        Motifs to scan for, as in :func:`scan_motifs`. Ignored if ``hits``
        is given.
    threshold : float, default=1e-4
        p-value threshold of :func:`scan_motifs`.
    both_strands : bool, default=True
        Scan both strands.
    hits : pandas.DataFrame, default=None
        A table from :func:`scan_motifs` on the same ``X``, to reuse instead
        of scanning again.

    Returns
    -------
    mask : ndarray of shape (n_samples, max_length), dtype bool

    Examples
    --------
    >>> from sklearn_attngen.datasets import make_motif_sequences
    >>> from sklearn_attngen.motifs import motif_site_mask
    >>> X, y, planted = make_motif_sequences(n_samples=20, length=100, random_state=0)
    >>> mask = motif_site_mask(X, motifs=["CTCF", "SPI1"])
    >>> mask.shape, bool((mask & planted).sum() > 0.5 * planted.sum())
    ((20, 100), True)
    """
    n_samples, width = None, None
    for _, codes, lengths in sequence_batches(X, 1 << 16):
        n_samples = (n_samples or 0) + len(codes)
        width = max(width or 0, int(lengths.max()))
    if hits is None:
        hits = scan_motifs(X, motifs, threshold=threshold, both_strands=both_strands)
    missing = {"sample", "start", "end"} - set(getattr(hits, "columns", ()))
    if missing:
        raise ValueError(f"hits lacks the columns {sorted(missing)}; pass a scan_motifs table.")
    sample = hits["sample"].to_numpy()
    if len(sample) and (sample.max() >= n_samples or hits["end"].to_numpy().max() > width):
        raise ValueError("hits has sites outside X: pass the scan_motifs table of this X.")
    mask = np.zeros((n_samples, width), dtype=bool)
    for i, start, end in zip(sample, hits["start"].to_numpy(), hits["end"].to_numpy(), strict=True):
        mask[i, start:end] = True
    return mask
