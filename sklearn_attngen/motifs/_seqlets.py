"""Seqlets: spans of high attribution, called at a false-discovery rate estimated on shuffles."""

import warnings

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..datasets import dinucleotide_shuffle
from ..utils import check_sequences
from ..utils._docstring import fill_doc
from ._common import (
    check_int,
    check_probability,
    decode,
    import_error_doc,
    one_hot,
    optional_import,
)

__all__ = ["SeqletCalibrationWarning", "find_seqlets"]

CONTROLS = ("in_context", "shuffled")
_FALLBACK_THRESHOLD = 0.01  # tangermeme's default


class SeqletCalibrationWarning(UserWarning):
    """No seqlet threshold reaches the requested false-discovery rate.

    The seqlets are then called at tangermeme's default threshold (p < 0.01),
    and the result reports the estimate there as ``estimated_fdr``.

    Examples
    --------
    >>> from sklearn_attngen.motifs import SeqletCalibrationWarning
    >>> issubclass(SeqletCalibrationWarning, UserWarning)
    True
    """


def _scores_array(scores, name):
    """The (n, L) or (n, L, 4) array of a score array or an ``attribute`` Bunch."""
    if isinstance(scores, dict) and "scores" in scores:
        base = scores.get("base_scores")
        scores = scores["scores"] if base is None else base
    scores = np.asarray(scores)
    if scores.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {scores.dtype}.")
    if scores.ndim not in (2, 3) or (scores.ndim == 3 and scores.shape[2] != 4):
        raise ValueError(
            f"{name} must have shape (n_samples, n_positions) or (n_samples, n_positions, 4), "
            f"got {scores.shape}."
        )
    if not np.isfinite(scores).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return scores.astype(np.float64)


def projected_scores(scores, codes, lengths, name="scores"):
    """Per-position contribution (n, L): per-base scores at the base in place, or as given."""
    scores = _scores_array(scores, name)
    n, width = codes.shape
    if scores.shape[0] != n or scores.shape[1] < width:
        raise ValueError(
            f"{name} has shape {scores.shape} for {n} sequences of up to {width} positions."
        )
    scores = scores[:, :width]
    if scores.ndim == 3:
        scores = (scores * one_hot(codes)).sum(axis=2)
    real = np.arange(width)[None, :] < lengths[:, None]
    return np.where(real & (codes < 4), scores, 0.0)


def _smoothed_peak(contrib, width):
    kernel = np.ones(width)
    smooth = np.apply_along_axis(lambda row: np.convolve(row, kernel, "same"), 1, contrib)
    return smooth.argmax(axis=1)


def make_controls(codes, lengths, contrib, control, n_shuffles, keep_width, rng):
    """Control codes and the mask of their positions that count as shuffled.

    ``"shuffled"``: whole-sequence dinucleotide shuffles. ``"in_context"``:
    each sequence with everything but ``keep_width`` positions around its
    strongest attribution peak dinucleotide-shuffled (each side on its own),
    so the model still sees the sequence's own signal.
    """
    n, width = codes.shape
    out = np.empty((n_shuffles * n, width), dtype=np.uint8)
    counted = np.zeros((n_shuffles * n, width), dtype=bool)
    real = np.arange(width)[None, :] < lengths[:, None]
    if control == "shuffled":
        out[:] = dinucleotide_shuffle(codes, n_shuffles=n_shuffles, random_state=rng)
        counted[:] = np.tile(real, (n_shuffles, 1))
        return out, counted
    peaks = _smoothed_peak(np.clip(contrib, 0, None), min(keep_width, 15))
    for k in range(n_shuffles):
        for i in range(n):
            row, length = codes[i], int(lengths[i])
            a = max(0, int(peaks[i]) - keep_width // 2)
            b = min(length, a + keep_width)
            target = out[k * n + i]
            target[:] = row
            for lo, hi in ((0, a), (b, length)):
                if hi - lo >= 2:
                    target[lo:hi] = dinucleotide_shuffle(row[None, lo:hi], random_state=rng)[0]
                    counted[k * n + i, lo:hi] = True
    return out, counted


def _call(tangermeme_seqlet, contrib, **kwargs):
    with warnings.catch_warnings():
        # tangermeme warns when no threshold reaches its own target; we pick the threshold
        warnings.simplefilter("ignore", category=UserWarning)
        return tangermeme_seqlet.recursive_seqlets(contrib, **kwargs)


@fill_doc(raises=import_error_doc("tangermeme"))
def find_seqlets(
    scores,
    X,
    scorer=None,
    *,
    fdr=0.05,
    control="in_context",
    n_shuffles=1,
    threshold=None,
    min_length=4,
    max_length=20,
    flank=0,
    random_state=None,
):
    """Call seqlets, spans of high attribution, at an estimated false-discovery rate.

    Seqlets are found by tangermeme's recursive seqlet caller
    (:func:`tangermeme.seqlet.recursive_seqlets`): every span of
    ``min_length`` to ``max_length`` positions gets a p-value for its summed
    attribution, and a seqlet is a span whose every inner span passes the
    threshold. Only positive seqlets are called (evidence *for* the class the
    scores explain).

    The threshold is calibrated on controls: the same attribution computed
    (by ``scorer``) on dinucleotide-shuffled copies of ``X``. The estimated
    false-discovery rate at a threshold is the number of control seqlets
    (plus one) per shuffled position, times the number of positions of
    ``X``, divided by the number of seqlets called on ``X``; seqlets are
    called at the largest threshold whose estimate is at most ``fdr``.

    Two controls are offered. ``"shuffled"`` shuffles whole sequences, as
    tangermeme recommends. A model that has only ever seen sequences with a
    signal reacts to such shuffles with inflated attributions (its attention
    spreads over chance partial matches), so this control overestimates the
    false-discovery rate many-fold: on planted CTCF / SPI1 data it never went
    below 0.27 and 0.17 (CTCF, SPI1 class), where the true rate of the
    seqlets at those thresholds (seqlets outside every planted site of the
    class) was 0.005 and 0.016. ``"in_context"`` (default) keeps
    ``max_length + 10`` positions around each sequence's strongest
    attribution peak and shuffles the rest, so the model still sees the
    sequence's own signal, and counts control seqlets on shuffled positions
    only; on the same data it estimated 0.043 and 0.047 where the true rates
    were 0.039 and 0.055 (``benchmarks/bench_motifs.py``).

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_positions) or \
(n_samples, n_positions, 4), or Bunch
        Attribution of each position, e.g. ``estimator.saliency(X)``, or per
        base (taken at the base in place), or the result of
        :func:`sklearn_attngen.interpret.attribute` (its ``base_scores`` when
        present, else its ``scores``). Any map works; signed maps give
        seqlets of positive evidence only.
    X : list, ndarray or pandas Series of str, or ndarray
        The sequences the scores belong to.
    scorer : callable, default=None
        ``scorer(sequences)`` returns the scores (array or Bunch, as
        ``scores``) of a list of str; it is called once on the
        ``n_samples * n_shuffles`` controls, control ``k * n_samples + i``
        derived from ``X[i]`` (so per-sequence targets repeat in that
        order). Required unless ``threshold`` is given.
    fdr : float, default=0.05
        Target estimated false-discovery rate. If no threshold reaches it (the
        model responds to its shuffled controls much as to ``X``, and the
        estimate gives no guidance), a :class:`SeqletCalibrationWarning` is
        raised and seqlets are called at tangermeme's default threshold,
        p < 0.01; ``estimated_fdr`` is the estimate there.
    control : {"in_context", "shuffled"}, default="in_context"
        Control sequences, see above.
    n_shuffles : int, default=1
        Controls per sequence; more give a steadier estimate.
    threshold : float, default=None
        A fixed p-value threshold instead of calibration (no ``scorer``
        needed; ``estimated_fdr`` is then NaN). Such p-values rank spans;
        they are not error rates.
    min_length, max_length : int, default=4, 20
        Shortest and longest seqlet.
    flank : int, default=0
        Positions added on both sides of each called seqlet (within the
        sequence).
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffles.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        seqlets : pandas.DataFrame
            One row per seqlet, strongest first: ``sample``, ``start``,
            ``end``, ``attribution`` (summed score) and ``p_value`` (the
            span's ranking p-value).
        threshold : float
            p-value threshold used.
        estimated_fdr : float
            Estimated false-discovery rate at that threshold (NaN without
            calibration).
        fdr_curve : pandas.DataFrame or None
            ``threshold``, ``n_seqlets``, ``n_control_seqlets``,
            ``estimated_fdr`` at every threshold tried.
        control : str or None
            The control used (None without calibration).

    Raises
    ------
    {raises}

    See Also
    --------
    discover_motifs : Seqlets of every class clustered into motifs.
    sklearn_attngen.datasets.dinucleotide_shuffle : The shuffle of the controls.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen.motifs import find_seqlets
    >>> X = ["ACGT" * 25] * 20
    >>> scores = np.zeros((20, 100))
    >>> scores[:, 40:48] = 1.0  # one strong span per sequence
    >>> result = find_seqlets(scores, X, threshold=0.01)
    >>> spans = result.seqlets[["start", "end"]].drop_duplicates().to_numpy().tolist()
    >>> len(result.seqlets), spans  # one seqlet per sequence, covering the span
    (20, [[39, 49]])
    """
    seqlet = optional_import("tangermeme.seqlet", "find_seqlets")
    pd = optional_import("pandas", "find_seqlets")
    min_length = check_int(min_length, "min_length", 1)
    max_length = check_int(max_length, "max_length", min_length)
    flank = check_int(flank, "flank", 0)
    n_shuffles = check_int(n_shuffles, "n_shuffles", 1)
    if not isinstance(control, str) or control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}.")
    codes, lengths = check_sequences(X)
    contrib = projected_scores(scores, codes, lengths)
    kwargs = dict(min_seqlet_len=min_length, max_seqlet_len=max_length)

    curve = None
    estimated = float("nan")
    used_control = None
    if threshold is not None:
        threshold = check_probability(threshold, "threshold")
    else:
        fdr = check_probability(fdr, "fdr")
        if scorer is None or not callable(scorer):
            raise ValueError(
                "find_seqlets needs scorer, a function returning the scores of a list of "
                "sequences, to score the shuffled controls (e.g. "
                "lambda s: attribute(clf, s, 'input_x_gradient', target=...)); or pass a fixed "
                "threshold to skip calibration."
            )
        rng = check_random_state(random_state)
        ctrl_codes, counted = make_controls(
            codes, lengths, contrib, control, n_shuffles, max_length + 10, rng
        )
        ctrl_lengths = np.tile(lengths, n_shuffles)
        ctrl_scores = scorer(decode(ctrl_codes, ctrl_lengths))
        ctrl = projected_scores(ctrl_scores, ctrl_codes, ctrl_lengths, name="scorer output")
        ctrl = np.where(counted, ctrl, 0.0)
        table = _call(seqlet, contrib, X_control=ctrl, return_fdr=True, **kwargs).fdr
        n_counted = max(int(counted.sum()), 1)
        scale = float(lengths.sum()) / n_counted
        n_real = table["n_seqlets"].to_numpy()
        n_ctrl = table["n_control_seqlets"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            est = np.where(n_real > 0, (n_ctrl + 1) * scale / n_real, np.nan)
        curve = pd.DataFrame(
            {
                "threshold": table["threshold"].to_numpy(),
                "n_seqlets": n_real,
                "n_control_seqlets": n_ctrl,
                "estimated_fdr": est,
            }
        )
        passing = np.flatnonzero(est <= fdr)
        if len(passing):
            best = passing[np.argmax(curve["threshold"].to_numpy()[passing])]
        elif np.isfinite(est).any():
            # The estimate does not come down to the target: it gives no guidance, so
            # call at tangermeme's default ranking threshold and report the estimate there.
            thresholds = curve["threshold"].to_numpy()
            best = int(np.argmin(np.abs(np.log(thresholds) - np.log(_FALLBACK_THRESHOLD))))
            warnings.warn(
                f"No seqlet threshold reaches an estimated false-discovery rate of {fdr} "
                f"(the lowest estimate is {np.nanmin(est):.3f}); seqlets are called at "
                f"tangermeme's default threshold {thresholds[best]:.1e} instead, where the "
                f"estimate is {est[best]:.3f} ({int(n_real[best])} seqlets). The model "
                "responds to shuffled sequences much as to these: see the result's fdr_curve.",
                SeqletCalibrationWarning,
                stacklevel=2,
            )
        else:
            best = None
        threshold = float(curve["threshold"][best]) if best is not None else 0.0
        estimated = float(est[best]) if best is not None else float("nan")
        used_control = control

    if threshold > 0:
        found = _call(seqlet, contrib, threshold=threshold, additional_flanks=flank, **kwargs)
    else:
        found = None
    if found is None or not len(found):
        frame = pd.DataFrame(
            {
                "sample": np.array([], dtype=np.int64),
                "start": np.array([], dtype=np.int64),
                "end": np.array([], dtype=np.int64),
                "attribution": np.array([], dtype=np.float64),
                "p_value": np.array([], dtype=np.float64),
            }
        )
    else:
        sample = found["example_idx"].to_numpy().astype(np.int64)
        frame = pd.DataFrame(
            {
                "sample": sample,
                "start": np.maximum(found["start"].to_numpy().astype(np.int64), 0),
                "end": np.minimum(found["end"].to_numpy().astype(np.int64), lengths[sample]),
                "attribution": found["attribution"].to_numpy().astype(np.float64),
                "p_value": found["p-value"].to_numpy().astype(np.float64),
            }
        )
    return Bunch(
        seqlets=frame,
        threshold=float(threshold),
        estimated_fdr=estimated,
        fdr_curve=curve,
        control=used_control,
    )
