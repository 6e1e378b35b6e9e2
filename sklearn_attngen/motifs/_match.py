"""Motif matching with TOMTOM (memelite), calibrated by column-shuffled query motifs."""

import numpy as np
from sklearn.utils import check_random_state

from ..datasets import load_jaspar_motifs
from ..utils._docstring import fill_doc
from ._common import (
    COLLECTIONS,
    check_int,
    import_error_doc,
    information_content,
    optional_import,
    resolve_motifs,
)

__all__ = ["match_motifs", "trim_motif"]


def trim_motif(pfm, min_column_ic=0.3):
    """Slice of ``pfm`` without low-information flanks (None if no column passes).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.motifs import trim_motif
    >>> pfm = np.vstack([np.full((2, 4), 0.25), np.eye(4), np.full((3, 4), 0.25)])
    >>> trim_motif(pfm)
    slice(2, 6, None)
    """
    ic = information_content(pfm)
    good = np.flatnonzero(ic >= min_column_ic)
    if not len(good):
        return None
    return slice(int(good[0]), int(good[-1]) + 1)


def _database(database):
    """(motifs dict, family per id, class per id) of the database specification."""
    if database is None or (isinstance(database, str) and database in COLLECTIONS):
        data = load_jaspar_motifs(database or "vertebrates", return_bunch=True)
        meta = data.metadata
        family = dict(zip(meta.matrix_id, meta.family, strict=True))
        tf_class = dict(zip(meta.matrix_id, meta.tf_class, strict=True))
        return data.motifs, family, tf_class
    motifs = resolve_motifs(database, param="database")
    return motifs, {}, {}


def _bh(p):
    """Benjamini-Hochberg q-values of a 1-D array of p-values."""
    n = len(p)
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


@fill_doc(raises=import_error_doc("memelite"))
def match_motifs(
    motifs,
    database="vertebrates",
    *,
    n_matches=3,
    min_column_ic=0.3,
    min_ic=4.0,
    min_width=4,
    n_null=100,
    random_state=0,
):
    """Name motifs by their best matches in a motif database (calibrated TOMTOM).

    Compares each query motif with every database motif by memelite's
    :func:`memelite.tomtom` (both strands, all offsets), then fixes its
    calibration here. memelite's TOMTOM p-values are far too small for
    low-information queries: a uniform 20-column query matched CTCF at
    p = 5e-14, and for most random 12-column motifs the best of the 879
    JASPAR vertebrate matches was "significant". So, per query:

    1. Trim: low-information flank columns (below ``min_column_ic`` bits)
       are cut; a query with fewer than ``min_width`` columns or less than
       ``min_ic`` bits in total after trimming is flagged
       ``low_information`` and not matched.
    2. Empirical null: ``n_null`` copies of the query with its columns
       randomly permuted (same columns, same information content, no real
       motif), each trimmed and screened as the query was, are compared with
       the same database (a copy that would be flagged cannot match: its
       p-values count as 1). A match's calibrated ``p_value`` is the fraction
       of the ``n_null * n_targets`` null comparisons whose TOMTOM p-value is
       at least as small (plus one, over one plus their number): a
       permutation test, exact for a query whose columns are exchangeable.
    3. ``e_value = p_value * n_targets`` (expected chance matches at least as
       good); ``query_p_value`` is the permutation p-value of the query's best
       match (the fraction of shuffled copies, plus one, whose best match is
       at least as good); ``q_value`` is the Benjamini-Hochberg q-value of the
       query's ``n_targets`` p-values, as TOMTOM reports, but never below
       ``query_p_value``. So a query that matches nothing better than its own
       shuffles reaches ``q_value < 0.05`` in at most 5 % of cases, however
       many targets it is compared with.

    With ``n_null=100`` the smallest ``query_p_value`` is 1/101, so the best
    q-value is about 0.01. The measured rate of false matches of shuffled and
    random query motifs is in ``benchmarks/README.md`` (section "Motif workflow").

    Parameters
    ----------
    motifs : Motif, dict, list, str or path
        Query motifs: a :class:`~sklearn_attngen.datasets.Motif`, a dict of
        id to Motif or ``(width, 4)`` probability matrix, a list, a MEME
        file, or the ``motifs`` of a :class:`MotifReport`.
    database : str, path, dict or list, default="vertebrates"
        ``"vertebrates"``: the 879 JASPAR 2024 CORE vertebrates matrices
        shipped with the package (with family and class columns); or any
        motif specification accepted for ``motifs``. Use a database of at
        least 50 motifs: TOMTOM's background comes from its columns.
    n_matches : int, default=3
        Best matches reported per query.
    min_column_ic : float, default=0.3
        Flank columns with less information (bits) are trimmed.
    min_ic : float, default=4.0
        Least total information (bits) of a trimmed query to be matched.
    min_width : int, default=4
        Fewest columns of a trimmed query to be matched.
    n_null : int, default=100
        Column-shuffled copies of each query in the empirical null.
    random_state : int, RandomState instance or None, default=0
        Seed of the column shuffles.

    Returns
    -------
    matches : pandas.DataFrame
        ``n_matches`` rows per matched query, best first, and one row with
        empty target fields per low-information query. Columns: ``query``,
        ``rank``, ``target_id``, ``target_name``, ``family`` and ``tf_class``
        (JASPAR metadata; empty for other databases), ``p_value``,
        ``e_value``, ``q_value`` (calibrated), ``tomtom_p_value`` (memelite's
        raw value), ``query_p_value``, ``offset``, ``overlap``, ``strand``, ``trim_start``,
        ``trim_end`` (columns of the query kept), ``query_ic`` (bits after
        trimming) and ``low_information``.

    Raises
    ------
    {raises}

    See Also
    --------
    discover_motifs : De-novo motifs, matched with this function.

    Examples
    --------
    >>> from sklearn_attngen.datasets import load_jaspar_motifs
    >>> from sklearn_attngen.motifs import match_motifs
    >>> ctcf = load_jaspar_motifs()["MA0139.2"]
    >>> best = match_motifs(ctcf, n_matches=1).iloc[0]
    >>> best.target_name, bool(best.q_value < 0.05)
    ('CTCF', True)
    """
    memelite = optional_import("memelite", "match_motifs")
    pd = optional_import("pandas", "match_motifs")
    n_matches = check_int(n_matches, "n_matches", 1)
    n_null = check_int(n_null, "n_null", 1)
    min_width = check_int(min_width, "min_width", 1)
    for value, name in ((min_column_ic, "min_column_ic"), (min_ic, "min_ic")):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
    queries = resolve_motifs(motifs)
    targets, family, tf_class = _database(database)
    target_ids = list(targets)
    target_pwms = [np.ascontiguousarray(targets[t].pfm.T) for t in target_ids]
    n_targets = len(target_ids)
    n_matches = min(n_matches, n_targets)
    rng = check_random_state(random_state)

    rows = []
    empty = dict(
        rank=0,
        target_id=None,
        target_name=None,
        family=None,
        tf_class=None,
        p_value=np.nan,
        e_value=np.nan,
        q_value=np.nan,
        tomtom_p_value=np.nan,
        offset=-1,
        overlap=0,
        strand=None,
    )

    def prepared(pfm):
        """(trimmed pfm, trim slice, information content, low-information flag)."""
        core = trim_motif(pfm, min_column_ic)
        kept = pfm[core] if core is not None else pfm[:0]
        ic = float(information_content(kept).sum()) if len(kept) else 0.0
        return kept, core, ic, core is None or len(kept) < min_width or ic < min_ic

    trimmed, info = [], []
    for qid, motif in queries.items():
        pfm, core, ic, low = prepared(motif.pfm)
        trim = (core.start, core.stop) if core is not None else (0, 0)
        info.append((qid, trim, ic, low))
        if not low:
            trimmed.append((qid, motif.pfm, pfm))
    results = {}
    if trimmed:
        # The null copies go through what the query went through: the untrimmed
        # matrix's columns permuted, then trimmed and screened. A copy that would be
        # flagged low-information could not match, so it counts with p-values of 1.
        query_list, owners = [], []
        for k, (_, full, pfm) in enumerate(trimmed):
            query_list.append(np.ascontiguousarray(pfm.T))
            owners.append((k, 0))
            for _ in range(n_null):
                null_pfm, _, _, null_low = prepared(full[rng.permutation(len(full))])
                if null_low:
                    owners.append((k, 2))
                else:
                    query_list.append(np.ascontiguousarray(null_pfm.T))
                    owners.append((k, 1))
        owners = np.array(owners)
        compared = owners[owners[:, 1] < 2]
        p, _, offsets, overlaps, strands = memelite.tomtom(query_list, target_pwms)
        for k, _ in enumerate(trimmed):
            qid = trimmed[k][0]
            real = np.flatnonzero((compared[:, 0] == k) & (compared[:, 1] == 0))[0]
            n_screened = int(((owners[:, 0] == k) & (owners[:, 1] == 2)).sum())
            null_rows = p[(compared[:, 0] == k) & (compared[:, 1] == 1)]
            null_rows = np.vstack([null_rows, np.ones((n_screened, p.shape[1]))])
            null = np.sort(null_rows.ravel())
            raw = p[real]
            count = np.searchsorted(null, raw, side="right")
            pval = (1.0 + count) / (1.0 + len(null))
            # query level: how often a column-shuffled copy matches anything this well
            null_best = null_rows.min(axis=1)
            query_p = (1.0 + (null_best <= raw.min()).sum()) / (1.0 + n_null)
            results[qid] = (raw, pval, query_p, offsets[real], overlaps[real], strands[real])

    for qid, trim, ic, low in info:
        base = dict(query=qid, trim_start=trim[0], trim_end=trim[1], query_ic=ic)
        if low:
            rows.append({**base, **empty, "low_information": True})
            continue
        raw, pval, query_p, offsets_q, overlaps_q, strands_q = results[qid]
        qval = np.maximum(_bh(pval), query_p)
        order = np.lexsort((raw, pval))[:n_matches]
        for rank, t in enumerate(order):
            tid = target_ids[t]
            rows.append(
                {
                    **base,
                    "rank": rank,
                    "target_id": tid,
                    "target_name": targets[tid].name,
                    "family": family.get(tid, ""),
                    "tf_class": tf_class.get(tid, ""),
                    "p_value": float(pval[t]),
                    "e_value": float(pval[t] * n_targets),
                    "q_value": float(qval[t]),
                    "tomtom_p_value": float(raw[t]),
                    "query_p_value": float(query_p),
                    "offset": int(offsets_q[t]),
                    "overlap": int(overlaps_q[t]),
                    "strand": "-" if strands_q[t] else "+",
                    "low_information": False,
                }
            )
    columns = [
        "query",
        "rank",
        "target_id",
        "target_name",
        "family",
        "tf_class",
        "p_value",
        "e_value",
        "q_value",
        "tomtom_p_value",
        "offset",
        "overlap",
        "strand",
        "trim_start",
        "trim_end",
        "query_ic",
        "low_information",
    ]
    return pd.DataFrame(rows, columns=columns)
