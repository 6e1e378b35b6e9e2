"""Seqlets to motifs: greedy seed-and-align clustering, or TF-MoDISco when installed."""

import numpy as np

from ..datasets import dinucleotide_shuffle
from ._common import information_content

_REVCOMP = np.array([3, 2, 1, 0])


def windows_around(codes, contrib, lengths, seqlets, width):
    """(m, width) codes and contributions centred on each seqlet (N / 0 outside)."""
    m = len(seqlets)
    out = np.full((m, width), 4, dtype=np.uint8)
    weights = np.zeros((m, width), dtype=np.float64)
    centre = (seqlets["start"].to_numpy() + seqlets["end"].to_numpy()) // 2
    for k, (i, c) in enumerate(zip(seqlets["sample"].to_numpy(), centre, strict=True)):
        a = int(c) - width // 2
        lo, hi = max(a, 0), min(a + width, int(lengths[i]))
        out[k, lo - a : hi - a] = codes[i, lo:hi]
        weights[k, lo - a : hi - a] = contrib[i, lo:hi]
    return out, weights


def _log_odds(pfm, pseudocount=0.05):
    p = (pfm + pseudocount) / (1 + 4 * pseudocount)
    return np.log2(p / 0.25)


def _best_alignment(codes, pwm):
    """Best score, start and strand (0 = +, 1 = -) of ``pwm`` over every window."""
    m, width = codes.shape
    w = len(pwm)
    if w > width:
        raise ValueError("motif wider than the seqlet windows")
    table = np.vstack([pwm.T, np.zeros((1, w))])  # row 4: N scores 0
    rc = pwm[::-1, ::-1]
    table_rc = np.vstack([rc.T, np.zeros((1, w))])
    n_pos = width - w + 1
    fwd = np.zeros((m, n_pos))
    rev = np.zeros((m, n_pos))
    for j in range(w):
        window = codes[:, j : j + n_pos]
        fwd += table[window, j]
        rev += table_rc[window, j]
    both = np.stack([fwd, rev], axis=2).reshape(m, -1)
    flat = both.argmax(axis=1)
    return both[np.arange(m), flat], flat // 2, flat % 2


def _aligned(codes, weights, start, strand, w, ext):
    """Codes and contributions of each window over [start - ext, start + w + ext), on strand."""
    m, width = codes.shape
    span = w + 2 * ext
    out = np.full((m, span), 4, dtype=np.uint8)
    contrib = np.zeros((m, span))
    for k in range(m):
        a = int(start[k]) - ext
        lo, hi = max(a, 0), min(a + span, width)
        out[k, lo - a : hi - a] = codes[k, lo:hi]
        contrib[k, lo - a : hi - a] = weights[k, lo:hi]
        if strand[k]:
            seg = out[k, ::-1].copy()
            real = seg < 4
            seg[real] = _REVCOMP[seg[real]]
            out[k] = seg
            contrib[k] = contrib[k, ::-1]
    return out, contrib


def _counts(codes):
    counts = np.zeros((codes.shape[1], 4))
    for base in range(4):
        counts[:, base] = (codes == base).sum(axis=0)
    return counts


def _trim(pfm, support, min_column_ic, min_support):
    """Slice of the informative core: ends with low information or low support cut."""
    ic = information_content(pfm)
    good = (ic >= min_column_ic) & (support >= min_support)
    if not good.any():
        return None
    idx = np.flatnonzero(good)
    return slice(int(idx[0]), int(idx[-1]) + 1)


def _kmer_ids(codes, k):
    """Canonical (strand-merged) k-mer id at every window start, and where it has no N."""
    m, width = codes.shape
    powers = 4 ** np.arange(k - 1, -1, -1)
    ids = np.zeros((m, width - k + 1), dtype=np.int64)
    valid = np.ones((m, width - k + 1), dtype=bool)
    for j in range(k):
        window = codes[:, j : j + width - k + 1]
        valid &= window < 4
        ids += np.where(window < 4, window, 0).astype(np.int64) * powers[j]
    digits = (ids[..., None] // powers) % 4
    rc_ids = ((3 - digits[..., ::-1]) * powers).sum(axis=-1)
    return np.minimum(ids, rc_ids), valid


def _presence(ids, valid, n_ids):
    """Number of windows in which each k-mer id occurs (where valid)."""
    present = np.zeros(n_ids, dtype=np.int64)
    for row, ok in zip(ids, valid, strict=True):
        present[np.unique(row[ok])] += 1
    return present


def _seed(codes, weights, null_codes, k, banned=()):
    """The k-mer most over-represented among high-contribution positions.

    A window's candidate k-mers are those whose summed contribution is at
    least half the window's largest k-mer sum. Each k-mer (strands merged)
    scores the number of windows holding it as a candidate, minus the number
    expected from its frequency in the dinucleotide-shuffled windows (scaled
    by the fraction of k-mer occurrences that are candidates), so that a
    k-mer common only through composition does not seed a motif.
    """
    m, width = codes.shape
    if width < k:
        return None
    ids, valid = _kmer_ids(codes, k)
    csum = np.concatenate([np.zeros((m, 1)), np.cumsum(weights, axis=1)], axis=1)
    kmer_sum = csum[:, k:] - csum[:, :-k]
    top = kmer_sum.max(axis=1, keepdims=True)
    candidate = valid & (kmer_sum >= 0.5 * top) & (top > 0)
    n_ids = 4**k
    observed = _presence(ids, candidate, n_ids)
    anywhere = _presence(ids, valid, n_ids)
    null_ids, null_valid = _kmer_ids(null_codes, k)
    null = _presence(null_ids, null_valid, n_ids)
    rate = observed.sum() / max(anywhere.sum(), 1)
    score = observed - rate * null
    score[list(banned)] = -np.inf
    best = int(score.argmax())
    if observed[best] == 0 or not np.isfinite(score[best]) or score[best] <= 0:
        return None
    return (best // 4 ** np.arange(k - 1, -1, -1)) % 4, best


def _members(score, null_score, member_fdr):
    """Windows scoring at least the lowest cut whose shuffled-window rate is <= member_fdr.

    The shuffled windows are dinucleotide shuffles of the same windows, so at
    a cut ``c`` the ratio ``#(null >= c) / #(real >= c)`` estimates the
    fraction of chance alignments among the members.
    """
    cuts = np.unique(score[score > 0])
    if not len(cuts):
        return np.zeros(len(score), dtype=bool)
    real = len(score) - np.searchsorted(np.sort(score), cuts, side="left")
    null = len(null_score) - np.searchsorted(np.sort(null_score), cuts, side="left")
    ok = np.flatnonzero(null <= member_fdr * real)
    if not len(ok):
        return np.zeros(len(score), dtype=bool)
    return score >= cuts[ok[0]]


def greedy_motifs(
    codes,
    weights,
    *,
    min_seqlets,
    max_motifs,
    seed_length=6,
    n_iter=5,
    member_fdr=0.1,
    min_column_ic=0.3,
    max_failed_seeds=25,
    random_state=None,
):
    """Cluster seqlet windows into motifs by seeding with a k-mer and re-aligning.

    Returns a list of dicts with ``pfm`` (w, 4), ``cwm`` (w, 4) (mean actual
    contribution per aligned base), ``members`` (window indices), ``start``
    and ``strand`` of each member's alignment.
    """
    remaining = np.arange(len(codes))
    null_codes = dinucleotide_shuffle(codes, random_state=random_state)
    motifs = []
    banned = []
    while len(motifs) < max_motifs and len(remaining) >= min_seqlets:
        found = _seed(
            codes[remaining], weights[remaining], null_codes[remaining], seed_length, banned
        )
        if found is None or len(banned) >= max_failed_seeds:
            break
        kmer, seed_id = found
        pfm = np.full((seed_length, 4), 0.1)
        pfm[np.arange(seed_length), kmer] = 0.7
        members = np.array([], dtype=np.int64)
        for iteration in range(n_iter):
            pwm = _log_odds(pfm)
            if len(pwm) > codes.shape[1]:
                break
            score, start, strand = _best_alignment(codes[remaining], pwm)
            null_score = _best_alignment(null_codes[remaining], pwm)[0]
            # a 6-mer seed is a weak motif: its first alignment is looser
            chosen = _members(score, null_score, 2.5 * member_fdr if iteration == 0 else member_fdr)
            if chosen.sum() < min_seqlets:
                members = np.array([], dtype=np.int64)
                break
            ext = max(0, (codes.shape[1] - len(pwm)) // 4)
            aligned, _ = _aligned(
                codes[remaining][chosen],
                weights[remaining][chosen],
                start[chosen],
                strand[chosen],
                len(pwm),
                ext,
            )
            counts = _counts(aligned)
            support = counts.sum(axis=1)
            full = counts / np.clip(support[:, None], 1, None)
            core = _trim(full, support, min_column_ic, 0.5 * chosen.sum())
            if core is None:
                members = np.array([], dtype=np.int64)
                break
            new_pfm = full[core]
            new_members = remaining[chosen]
            converged = len(new_pfm) == len(pfm) and np.array_equal(new_members, members)
            pfm, members = new_pfm, new_members
            if converged:
                break
        if len(members) < min_seqlets:
            banned.append(seed_id)  # try the next most common seed
            continue
        pwm = _log_odds(pfm)
        score, start, strand = _best_alignment(codes[members], pwm)
        aligned, contrib = _aligned(codes[members], weights[members], start, strand, len(pwm), 0)
        counts = _counts(aligned)
        pfm = counts / np.clip(counts.sum(axis=1, keepdims=True), 1, None)
        onehot = np.zeros((*aligned.shape, 4))
        real = aligned < 4
        onehot[real, aligned[real]] = 1
        cwm = (onehot * contrib[..., None]).mean(axis=0)
        motifs.append(dict(pfm=pfm, cwm=cwm, members=members, start=start, strand=strand))
        remaining = np.setdiff1d(remaining, members)
    return motifs


def modisco_motifs(onehot, hypothetical, *, max_motifs, min_seqlets, n_leiden_runs=2):
    """Patterns of TF-MoDISco lite (positive metacluster), as in ``greedy_motifs``."""
    from modiscolite.tfmodisco import TFMoDISco  # the caller checked the import

    pos, _ = TFMoDISco(
        one_hot=onehot.astype(np.float32),
        hypothetical_contribs=hypothetical.astype(np.float32),
        n_leiden_runs=n_leiden_runs,
        final_min_cluster_size=min_seqlets,
        verbose=False,
    )
    motifs = []
    for pattern in (pos or [])[:max_motifs]:
        pfm = np.asarray(pattern.sequence, dtype=np.float64)
        cwm = np.asarray(pattern.contrib_scores, dtype=np.float64)
        core = _trim(pfm / pfm.sum(axis=1, keepdims=True), np.ones(len(pfm)), 0.3, 0)
        if core is None:
            continue
        seqlets = pattern.seqlets
        motifs.append(
            dict(
                pfm=pfm[core] / pfm[core].sum(axis=1, keepdims=True),
                cwm=cwm[core],
                members=np.array([s.example_idx for s in seqlets], dtype=np.int64),
                start=np.array([s.start for s in seqlets], dtype=np.int64),
                strand=np.array([int(s.is_revcomp) for s in seqlets], dtype=np.int64),
            )
        )
    return motifs
