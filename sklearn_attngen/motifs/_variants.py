"""Variant effects and in-silico marginalization over a fitted classifier."""

import numbers

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_is_fitted

from ..datasets import Motif, dinucleotide_shuffle
from ..utils import check_sequences
from ._common import check_int, decode, optional_import, resolve_motifs

__all__ = ["marginalize", "score_variants"]

_BASES = set("ACGT")


def _log_odds(proba):
    """Log-odds of every class, log p_c - log(sum of the other p_k), in float64.

    The other classes are summed rather than taken as 1 - p_c, which is 0 once
    p_c rounds to 1 in float32; a probability that underflowed to 0 counts as
    1e-45 (the smallest float32), bounding the log-odds near +-103.
    """
    proba = np.asarray(proba, dtype=np.float64)
    tiny = 1e-45
    others = np.stack(
        [np.delete(proba, c, axis=1).sum(axis=1) for c in range(proba.shape[1])], axis=1
    )
    return np.log(np.maximum(proba, tiny)) - np.log(np.maximum(others, tiny))


def _sequence_table(sequences):
    """(ids, list of str) of a dict of id -> str or a list of str."""
    if isinstance(sequences, dict):
        ids = list(sequences)
        values = list(sequences.values())
    else:
        if isinstance(sequences, str):
            raise TypeError("sequences is a single str; pass a list of sequences or a dict.")
        values = list(sequences)
        ids = list(range(len(values)))
    codes, lengths = check_sequences(values, name="sequences")
    return ids, decode(codes, lengths)


def _variant_rows(variants):
    """List of (sequence_id, position, ref, alt) from a DataFrame, dicts or tuples."""
    if hasattr(variants, "to_dict") and hasattr(variants, "columns"):
        needed = {"sequence", "position", "ref", "alt"}
        missing = needed - set(variants.columns)
        if missing:
            raise ValueError(
                f"variants lacks the columns {sorted(missing)}; it needs sequence, position, "
                "ref and alt."
            )
        variants = variants[["sequence", "position", "ref", "alt"]].to_dict("records")
    rows = []
    for k, v in enumerate(variants):
        if isinstance(v, dict):
            try:
                v = (v["sequence"], v["position"], v["ref"], v["alt"])
            except KeyError as exc:
                raise ValueError(f"variants[{k}] lacks the key {exc.args[0]!r}.") from None
        if not isinstance(v, (tuple, list)) or len(v) != 4:
            raise ValueError(
                f"variants[{k}] = {v!r}; expected (sequence, position, ref, alt) or a dict "
                "with those keys."
            )
        rows.append(tuple(v))
    if not rows:
        raise ValueError("variants is empty.")
    return rows


def _apply(seq, position, ref, alt, length):
    """Alt sequence of ``length`` and, per alt position, the ref position it shows (-1: new).

    An insertion drops as many bases from the window ends (split between both
    ends, never the inserted ones); a deletion is filled with N at the ends.
    """
    edited = seq[:position] + alt + seq[position + len(ref) :]
    origin = list(range(position)) + [-1] * len(alt)
    origin += list(range(position + len(ref), len(seq)))
    excess = len(edited) - length
    if excess > 0:  # insertion: trim the ends, keep the variant
        left = min(excess // 2, position)
        right = excess - left
        right_room = len(edited) - (position + len(alt))
        if right > right_room:
            right = right_room
            left = excess - right
        edited = edited[left : len(edited) - right]
        origin = origin[left : len(origin) - right]
    elif excess < 0:  # deletion: pad with N
        left = -excess // 2
        right = -excess - left
        edited = "N" * left + edited + "N" * right
        origin = [-1] * left + origin + [-1] * right
    return edited, np.array(origin)


def score_variants(estimator, sequences, variants, *, saliency=None):
    """Effect of sequence variants on a classifier's prediction and saliency.

    Each variant replaces ``ref`` (the bases at ``position``) by ``alt`` in
    its sequence: SNVs (``"A"`` to ``"G"``), and short indels written as in
    VCF with a shared first base (``"A"`` to ``"ATT"``, ``"ACG"`` to ``"A"``)
    or with an empty allele. The window keeps its length: an insertion drops
    bases from both window ends (never the inserted ones), a deletion pads
    both ends with N.

    Parameters
    ----------
    estimator : fitted classifier of this package
        Any estimator with ``predict_proba`` (and ``saliency``, unless a
        ``saliency`` function is given).
    sequences : list of str or dict of str to str
        The reference windows; a dict keys them by id.
    variants : pandas.DataFrame, or list of dict or tuple
        One variant per row: ``sequence`` (an id of ``sequences``, or its
        index for a list), ``position`` (0-based, within the window),
        ``ref`` and ``alt`` (A, C, G, T; one of them may be empty).
    saliency : callable, default=None
        ``saliency(list of str)`` returning ``(n, n_positions)`` scores
        (e.g. ``lambda s: attribute(clf, s, "ism").scores``); None uses
        ``estimator.saliency``.

    Returns
    -------
    effects : pandas.DataFrame
        One row per variant, in input order: ``sequence``, ``position``,
        ``ref``, ``alt``, ``kind`` (``"snv"``, ``"insertion"``,
        ``"deletion"`` or ``"substitution"``), then for each class label
        ``c``: ``p_ref[c]``, ``p_alt[c]`` and ``delta_log_odds[c]`` (log-odds
        of class ``c`` after minus before); and ``saliency_ref_site``,
        ``saliency_alt_site`` (summed saliency over the variant's bases) and
        ``saliency_change`` (sum of absolute differences over the window,
        position matched around indels).

    Raises
    ------
    KeyError
        A variant names a sequence id that is not in ``sequences``.
    ValueError
        A variant lies (partly) outside its window, its ``ref`` does not match
        the sequence there, or an allele holds other letters than A, C, G, T.

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.motifs import score_variants
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0,
    ...                         random_state=0).fit(X, y)
    >>> effects = score_variants(clf, {"s1": X[0]}, [("s1", 3, "T", "A"), ("s1", 0, "A", "")])
    >>> effects[["sequence", "position", "kind"]].to_numpy().tolist()
    [['s1', 3, 'snv'], ['s1', 0, 'deletion']]
    """
    pd = optional_import("pandas", "score_variants")
    check_is_fitted(estimator)
    ids, seqs = _sequence_table(sequences)
    where = {key: k for k, key in enumerate(ids)}
    rows = _variant_rows(variants)
    refs, alts, origins, parsed = [], [], [], []
    for k, (sid, position, ref, alt) in enumerate(rows):
        if sid not in where:
            shown = ", ".join(map(repr, ids[:5])) + (", ..." if len(ids) > 5 else "")
            raise KeyError(f"variants[{k}]: unknown sequence id {sid!r}; ids are {shown}.")
        seq = seqs[where[sid]]
        if not isinstance(position, numbers.Integral) or isinstance(position, bool):
            raise ValueError(f"variants[{k}]: position must be an int, got {position!r}.")
        ref = "" if ref is None else str(ref).upper()
        alt = "" if alt is None else str(alt).upper()
        for allele, name in ((ref, "ref"), (alt, "alt")):
            if set(allele) - _BASES:
                raise ValueError(f"variants[{k}]: {name} {allele!r} holds letters other than ACGT.")
        if ref == alt:
            raise ValueError(f"variants[{k}]: ref and alt are both {ref!r}.")
        if position < 0 or position + len(ref) > len(seq) or (not ref and position > len(seq)):
            raise ValueError(
                f"variants[{k}]: position {position} (ref {ref!r}) lies outside sequence "
                f"{sid!r} of length {len(seq)}."
            )
        found = seq[position : position + len(ref)]
        if found != ref:
            raise ValueError(
                f"variants[{k}]: ref {ref!r} does not match sequence {sid!r}, which reads "
                f"{found!r} at position {position}."
            )
        altseq, origin = _apply(seq, position, ref, alt, len(seq))
        kind = (
            "snv"
            if len(ref) == len(alt) == 1
            else "substitution"
            if len(ref) == len(alt)
            else "insertion"
            if len(alt) > len(ref)
            else "deletion"
        )
        refs.append(seq)
        alts.append(altseq)
        origins.append(origin)
        parsed.append((sid, int(position), ref, alt, kind))

    p_ref = estimator.predict_proba(refs)
    p_alt = estimator.predict_proba(alts)
    score = estimator.saliency if saliency is None else saliency
    if not callable(score):
        raise TypeError("saliency must be a callable returning (n, n_positions) scores.")
    s_ref = np.asarray(score(refs), dtype=np.float64)
    s_alt = np.asarray(score(alts), dtype=np.float64)
    site_ref, site_alt, change = [], [], []
    for k, (_, position, ref, alt, _) in enumerate(parsed):
        origin = origins[k]
        n = len(origin)
        sr, sa = s_ref[k, : len(refs[k])], s_alt[k, :n]
        site_ref.append(float(sr[position : position + len(ref)].sum()))
        new = np.flatnonzero((origin >= position) | (origin == -1))
        alt_site = np.flatnonzero(origin == -1) if alt else new[:0]
        if len(ref) == len(alt):
            alt_site = np.arange(position, position + len(alt))
        site_alt.append(float(sa[alt_site].sum()))
        kept = origin >= 0
        shown_ref = np.zeros(len(sr), dtype=bool)
        shown_ref[origin[kept]] = True
        matched = np.abs(sa[kept] - sr[origin[kept]]).sum()
        change.append(float(matched + np.abs(sa[~kept]).sum() + np.abs(sr[~shown_ref]).sum()))

    out = {
        "sequence": [p[0] for p in parsed],
        "position": [p[1] for p in parsed],
        "ref": [p[2] for p in parsed],
        "alt": [p[3] for p in parsed],
        "kind": [p[4] for p in parsed],
    }
    lo_ref, lo_alt = _log_odds(p_ref), _log_odds(p_alt)
    for c, label in enumerate(estimator.classes_):
        out[f"p_ref[{label}]"] = p_ref[:, c]
        out[f"p_alt[{label}]"] = p_alt[:, c]
        out[f"delta_log_odds[{label}]"] = lo_alt[:, c] - lo_ref[:, c]
    out["saliency_ref_site"] = site_ref
    out["saliency_alt_site"] = site_alt
    out["saliency_change"] = change
    return pd.DataFrame(out)


def _motif_sequence(motif, rng):
    if isinstance(motif, str) and motif and not (set(motif.upper()) - _BASES):
        return motif.upper()
    if isinstance(motif, str):
        (resolved,) = resolve_motifs([motif], param="motif").values()
        return resolved.consensus
    if isinstance(motif, Motif):
        return resolve_motifs([motif], param="motif")[motif.matrix_id].consensus
    raise TypeError(
        f"motif must be a DNA string, a JASPAR id or name, or a Motif; got {type(motif).__name__}."
    )


def marginalize(estimator, motif, background, *, position=None, n_shuffles=1, random_state=None):
    """Mean effect of inserting a motif into shuffled backgrounds (in-silico marginalization).

    Each background sequence is dinucleotide-shuffled (destroying its motifs,
    keeping its composition), and the motif's sequence is written over it at
    ``position``; the change in each class probability, averaged over the
    backgrounds, is the motif's marginal effect on the model (as in
    tangermeme's ``marginalize`` and Koo et al., 2021).

    Parameters
    ----------
    estimator : fitted classifier of this package
    motif : str or Motif
        A DNA string (``"CCACCAGGGGGCGC"``), a JASPAR id or factor name
        (its consensus is inserted) or a :class:`~sklearn_attngen.datasets.Motif`.
    background : list of str or ndarray
        Sequences whose shuffles are the backgrounds, e.g. a sample of the
        training data.
    position : int, default=None
        0-based start of the insertion; None centres it in each background.
    n_shuffles : int, default=1
        Shuffles of each background sequence.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        inserted : str
            The sequence inserted.
        classes : ndarray
            The estimator's class labels, the column order below.
        proba_before : ndarray of shape (n_backgrounds, n_classes)
            Class probabilities of the shuffled backgrounds.
        proba_after : ndarray of shape (n_backgrounds, n_classes)
            Class probabilities with the motif inserted.
        mean_shift : ndarray of shape (n_classes,)
            Mean change of each class probability.
        std_shift : ndarray of shape (n_classes,)
            Standard deviation of that change over the backgrounds.
        mean_log_odds_shift : ndarray of shape (n_classes,)
            Mean change of each class's log-odds.

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.motifs import marginalize
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0,
    ...                         random_state=0).fit(X, y)
    >>> result = marginalize(clf, "ACGTTG", X, random_state=0)
    >>> result.inserted, result.proba_after.shape, result.mean_shift.shape
    ('ACGTTG', (20, 2), (2,))
    """
    check_is_fitted(estimator)
    rng = check_random_state(random_state)
    n_shuffles = check_int(n_shuffles, "n_shuffles", 1)
    inserted = _motif_sequence(motif, rng)
    codes, lengths = check_sequences(background, name="background")
    shuffled = decode(
        dinucleotide_shuffle(codes, n_shuffles=n_shuffles, random_state=rng),
        np.tile(lengths, n_shuffles),
    )
    after = []
    for k, seq in enumerate(shuffled):
        start = (len(seq) - len(inserted)) // 2 if position is None else position
        if not isinstance(start, numbers.Integral) or isinstance(start, bool):
            raise ValueError(f"position must be an int or None, got {position!r}.")
        if start < 0 or start + len(inserted) > len(seq):
            raise ValueError(
                f"the motif ({len(inserted)} nt) at position {start} does not fit background "
                f"{k % len(codes)} of length {len(seq)}."
            )
        after.append(seq[:start] + inserted + seq[start + len(inserted) :])
    before = estimator.predict_proba(shuffled)
    after = estimator.predict_proba(after)
    shift = after - before
    return Bunch(
        inserted=inserted,
        classes=np.asarray(estimator.classes_),
        proba_before=before,
        proba_after=after,
        mean_shift=shift.mean(axis=0),
        std_shift=shift.std(axis=0),
        mean_log_odds_shift=(_log_odds(after) - _log_odds(before)).mean(axis=0),
    )
