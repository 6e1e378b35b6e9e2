"""Per-nucleotide scores as pictures: logos, ISM heat maps, profiles, many-sequence heat maps."""

import math
from collections.abc import Mapping
from numbers import Integral

import numpy as np

from ..utils._validation import check_lengths, check_sequences
from ._plots import _INSTALL, _axes, _pyplot

__all__ = ["plot_saliency", "plot_saliency_heatmap", "plot_saliency_profile"]

KINDS = ("saliency", "attribution", "per_base", "ism")

# method of sklearn_attngen.interpret.attribute -> (what is drawn, name on the axis)
_METHOD_STYLE = {
    "saliency": ("attribution", "saliency"),
    "attention": ("saliency", "attention"),
    "gradient": ("per_base", "gradient of logit"),
    "input_x_gradient": ("attribution", "input x gradient"),
    "integrated_gradients": ("attribution", "integrated gradients"),
    "deeplift_shap": ("attribution", "DeepLIFT/SHAP"),
    "ism": ("ism", "ISM"),
}

# Figure geometry, in inches. A letter 0.11 in wide is about 11 pixels on screen at
# 100 dpi: readable. Sequences longer than _MAX_ROW positions are wrapped into rows
# of about _ROW_TARGET positions, so a 500-nt logo is five readable rows, not one
# smear of 3-pixel letters.
_INCH_PER_NT = 0.11
_MAX_ROW = 120
_ROW_TARGET = 100
_MARGIN_WIDTH = 1.4  # y label and tick labels on the left, a little room on the right
_LOGO_ROW_HEIGHT = 1.7
_ISM_ROW_HEIGHT = 1.6
_REGION_COLOR = "gold"
_REGION_ALPHA = 0.35
_BASES = "ACGT"


# -- input checks ---------------------------------------------------------------------


def _check_numeric(array, name):
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}.")
    return array


def _unpack_attribution(scores, index, kind):
    """Return (array, kind, method, target) from an array or an ``attribute`` Bunch."""
    if not (isinstance(scores, Mapping) and "scores" in scores):
        if index is not None:
            raise ValueError(
                "index selects a row of the Bunch returned by interpret.attribute; for an "
                "array, pass that sequence's row of scores (e.g. scores[i])."
            )
        return scores, kind, None, None
    method = scores.get("method")
    if kind is None:
        kind = _METHOD_STYLE.get(method, (None,))[0]
    rows = np.asarray(scores["scores"])
    if rows.ndim != 2:
        raise ValueError(
            f"the Bunch's scores must have shape (n_samples, n_positions), got {rows.shape}."
        )
    if index is None:
        if len(rows) != 1:
            raise ValueError(
                f"the Bunch holds {len(rows)} sequences; pass index= to choose the one "
                "drawn (its row in the X given to attribute)."
            )
        index = 0
    if not isinstance(index, Integral) or isinstance(index, bool):
        raise TypeError(f"index must be an int, got {type(index).__name__}.")
    if not -len(rows) <= index < len(rows):
        raise ValueError(f"index {index} is out of range for a Bunch of {len(rows)} sequences.")
    target = scores.get("target")
    target = None if target is None else np.asarray(target)[index]
    if kind in ("per_base", "ism"):
        base_scores = scores.get("base_scores")
        if base_scores is None:
            raise ValueError(
                f"kind={kind!r} draws per-base scores, but this Bunch (method={method!r}) has none."
            )
        return np.asarray(base_scores)[index], kind, method, target
    return rows[index], kind, method, target


def _check_row_scores(scores, length):
    """Validate one sequence's scores: (n_positions,) or (n_positions, 4), zero padding."""
    scores = _check_numeric(scores, "scores")
    if scores.ndim not in (1, 2) or (scores.ndim == 2 and scores.shape[1] != 4):
        hint = ""
        if scores.ndim == 2 and len(scores) == 1:
            hint = " For one row of saliency(X), pass scores[0]."
        raise ValueError(
            f"scores must have shape (n_positions,) or (n_positions, 4), got {scores.shape}.{hint}"
        )
    if len(scores) < length or np.any(scores[length:] != 0):
        raise ValueError(
            f"scores has {len(scores)} positions for a sequence of length {length} "
            "(only zero padding may follow the sequence)."
        )
    scores = scores[:length].astype(np.float64)
    if not np.isfinite(scores).all():
        raise ValueError("scores contains NaN or infinity.")
    return scores


def _infer_kind(scores, codes):
    if scores.ndim == 1:
        return "attribution" if (scores < 0).any() else "saliency"
    real = np.flatnonzero(codes < 4)
    at_reference = scores[real, codes[real]]
    if np.any(scores != 0) and real.size and np.all(at_reference == 0):
        return "ism"  # every substitution scored, the base in place scores 0
    return "per_base"


def _default_label(kind, method, target):
    name = _METHOD_STYLE.get(method, (None, None))[1]
    if name is None and method is not None:
        name = str(method).replace("_", " ")
    of_class = "" if target is None else f" of class {target}"
    if kind == "saliency":
        return name or "saliency"
    if kind == "attribution":
        detail = "signed" if target is None else f"signed, class {target}"
        return f"{name or 'attribution'}\n({detail})"
    if kind == "ism":
        return "ISM: change in logit" + ("" if target is None else f"\nof class {target}")
    if method == "ism":
        return f"ISM: change\nin logit{of_class}"
    return f"{name or 'score per base'}{of_class}"


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _check_regions(regions, length):
    """Regions as a list of (start, end, label): 0-based, end exclusive, inside the sequence."""
    if regions is None:
        return []
    if isinstance(regions, tuple) and len(regions) in (2, 3) and _is_int(regions[0]):
        regions = [regions]  # one (start, end[, label])
    array = regions if isinstance(regions, np.ndarray) else None
    if array is None and isinstance(regions, (list, tuple)) and len(regions) > 0:
        if all(isinstance(r, (bool, np.bool_)) for r in regions):
            array = np.asarray(regions)
    if array is not None and array.dtype == bool:
        if array.ndim != 1:
            raise ValueError(f"a regions mask must be 1-D, got shape {array.shape}.")
        if len(array) < length or array[length:].any():
            raise ValueError(
                f"the regions mask has {len(array)} positions for a sequence of {length} "
                "(only False may follow the sequence)."
            )
        edges = np.diff(np.r_[0, array[:length].astype(np.int8), 0])
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        return [(int(s), int(e), None) for s, e in zip(starts, ends, strict=True)]
    checked = []
    for region in regions:
        if not isinstance(region, (tuple, list, np.ndarray)) or len(region) not in (2, 3):
            raise ValueError(
                "each region must be (start, end) or (start, end, label), 0-based with end "
                f"exclusive; got {region!r}."
            )
        start, end = region[0], region[1]
        label = region[2] if len(region) == 3 else None
        if not (_is_int(start) and _is_int(end)):
            raise TypeError(f"region start and end must be ints, got {region!r}.")
        if label is not None and not isinstance(label, str):
            raise TypeError(f"a region label must be a str, got {type(label).__name__}.")
        if not 0 <= start < end <= length:
            raise ValueError(
                f"region ({start}, {end}) is outside the sequence of {length} positions or "
                "empty: regions are 0-based with end exclusive, 0 <= start < end <= length."
            )
        checked.append((int(start), int(end), label))
    return checked


# -- drawing helpers -------------------------------------------------------------------


def _shade_regions(ax, regions, low, high, *, outline=False):
    """Shade (or, over a heat map, outline) the part of each region inside [low, high)."""
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import blended_transform_factory

    transform = blended_transform_factory(ax.transData, ax.transAxes)
    for start, end, label in regions:
        left, right = max(start, low), min(end, high)
        if left >= right:
            continue
        if outline:
            patch = Rectangle(
                (left - 0.5, 0), right - left, 1, transform=transform, fill=False,
                edgecolor="black", linewidth=1.5, zorder=3,
            )  # fmt: skip
        else:
            patch = Rectangle(
                (left - 0.5, 0), right - left, 1, transform=transform, linewidth=0,
                facecolor=_REGION_COLOR, alpha=_REGION_ALPHA, zorder=-1,
            )  # fmt: skip
        patch.set_gid("region")
        ax.add_patch(patch)
        if label and start >= low:  # label once, on the row where the region starts
            ax.text(
                (left + right - 1) / 2, 1.02, label, transform=transform, ha="center",
                va="bottom", fontsize=8, clip_on=False,
            )  # fmt: skip


def _position_ticks(ax, span):
    from matplotlib.ticker import MaxNLocator, MultipleLocator

    if 30 <= span <= 150:
        ax.xaxis.set_major_locator(MultipleLocator(10))
        ax.xaxis.set_minor_locator(MultipleLocator(5))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def _draw_logo(ax, matrix, positions, color_scheme, logomaker, pd):
    frame = pd.DataFrame(matrix, columns=list(_BASES), index=positions)
    # Letters below the axis stay upright: a signed attribution is read, not mirrored.
    logomaker.Logo(frame, ax=ax, color_scheme=color_scheme, flip_below=False)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_ism(ax, matrix, codes, positions, window, limit, cmap):
    """Heat map of the four substitutions at each position, reference base lettered."""
    low, high = positions[0], positions[-1] + 1
    image = ax.imshow(
        matrix.T, aspect="auto", interpolation="nearest", cmap=cmap, vmin=-limit, vmax=limit,
        extent=(low - 0.5, high - 0.5, 3.5, -0.5),
    )  # fmt: skip
    ax.set_yticks(range(4), list(_BASES))
    ax.tick_params(axis="y", length=0)
    # Letter the base in place (its own cell is 0: no change) when a cell fits a letter.
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    cell_pt = width_pt / window
    real = codes < 4
    if cell_pt >= 4:
        size = min(10.0, 1.05 * cell_pt)
        for position, code in zip(positions[real], codes[real], strict=True):
            ax.text(
                position, code, _BASES[code], ha="center", va="center", fontsize=size,
                fontweight="bold",
            )  # fmt: skip
    else:
        ax.scatter(positions[real], codes[real], s=max(cell_pt, 1) / 2, color="black", lw=0)
    return image


def _row_layout(length, row_length):
    if row_length is None:
        if length <= _MAX_ROW:
            return 1, length
        n_rows = math.ceil(length / _ROW_TARGET)
        return n_rows, math.ceil(length / n_rows)
    if not _is_int(row_length) or row_length < 1:
        raise ValueError(f"row_length must be a positive int or None, got {row_length!r}.")
    row_length = min(int(row_length), length)
    return math.ceil(length / row_length), row_length


def plot_saliency(
    sequence,
    scores,
    ax=None,
    *,
    kind=None,
    index=None,
    regions=None,
    row_length=None,
    score_label=None,
    color_scheme="classic",
    cmap="RdBu_r",
):
    """Draw one sequence with its per-nucleotide scores, as what they are.

    The drawing follows what the scores are (``kind``):

    ``"saliency"``
        Non-negative scores (:meth:`~sklearn_attngen.AttnGenClassifier.saliency`,
        its magnitude by default, or the attention weights of
        :meth:`~sklearn_attngen.AttnGenClassifier.attention`): a logo in which
        each nucleotide is drawn at its position with height equal to its
        score.
    ``"attribution"``
        Signed per-position scores (``saliency(X, signed=True)``, input x
        gradient, integrated gradients, DeepLIFT/SHAP): the same logo, with
        the letters of evidence against the class below the zero line; the
        axis says "signed".
    ``"per_base"``
        Scores of shape ``(n_positions, 4)`` for every base (e.g. gradients):
        a full logo, all four letters at each position.
    ``"ism"``
        In-silico mutagenesis, ``(n_positions, 4)`` changes in the logit when
        the base is substituted: a heat map of the four bases by position, on a
        diverging colour scale centred at 0 (blue: the substitution lowers the
        logit), with the base in place lettered in its cell.

    Without ``ax``, the figure is sized by the length of the sequence (about
    0.11 inch per nucleotide), and a sequence longer than 120 nt is wrapped
    into rows of about 100 nt that share one y scale, so that letters stay
    readable from 70 to 500 nt and beyond.

    Parameters
    ----------
    sequence : str
        One DNA sequence (A, C, G, T; other letters are drawn as gaps).
    scores : array-like of shape (n_positions,) or (n_positions, 4), or Bunch
        Per-position scores for ``sequence``, or per-base scores in A, C, G,
        T order. Trailing padding beyond ``len(sequence)`` is ignored if it
        is 0. Or the Bunch returned by
        :func:`~sklearn_attngen.interpret.attribute`: the drawing, the array
        used (``scores`` or ``base_scores``) and the label follow its
        ``method`` and ``target``.
    ax : matplotlib Axes, default=None
        Axes to draw on, in one row; None creates a figure sized by the
        sequence length.
    kind : {"saliency", "attribution", "per_base", "ism"}, default=None
        What the scores are. None takes it from a Bunch's ``method``, or
        infers it from the array: 1-D with a negative value is an
        attribution, 1-D otherwise a saliency, 2-D with 0 at every base in
        place ISM, 2-D otherwise per-base scores.
    index : int, default=None
        Row of a Bunch that holds several sequences (the position of
        ``sequence`` in the ``X`` given to ``attribute``).
    regions : (start, end[, label]), list of them, or bool array, default=None
        Spans to shade behind the letters (outlined on an ISM heat map), e.g. a
        known motif or a variant: 0-based positions, ``end`` exclusive (a
        variant at position ``p`` is ``(p, p + 1, "rs123")``); a label is
        written above its span. A boolean array of shape ``(n_positions,)``
        (e.g. a row of the mask of
        :func:`~sklearn_attngen.datasets.make_motif_sequences`) shades each
        run of True.
    row_length : int, default=None
        Positions per row when ``ax`` is None; None chooses (one row up to
        120 nt). Not allowed with ``ax``.
    score_label : str, default=None
        Name of the scores, on the y axis (on the colour bar of an ISM heat
        map); None says what they are.
    color_scheme : str, default="classic"
        A logomaker color scheme, for logos.
    cmap : str or Colormap, default="RdBu_r"
        Diverging colormap of the ISM heat map.

    Returns
    -------
    ax : matplotlib Axes or ndarray of Axes
        The Axes drawn on; an array of them, one per row from top to bottom,
        when a new figure holds several rows.

    See Also
    --------
    plot_saliency_heatmap : Scores of many sequences at once.
    plot_saliency_profile : The mean saliency over positions.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_attngen.plotting import plot_saliency
    >>> ax = plot_saliency("ACGTAC", [0.1, 0.5, 0.2, 0.05, 0.1, 0.05])
    >>> ax.get_ylabel()
    'saliency'
    >>> ax = plot_saliency("ACGTAC", [0.1, -0.5, 0.2, 0.05, 0.1, 0.05], regions=(1, 3, "site"))
    >>> ax.get_ylabel()
    'attribution\\n(signed)'
    >>> axes = plot_saliency("ACGT" * 75, [0.01] * 300)  # 300 nt: three rows of 100
    >>> axes.shape
    (3,)
    """
    if not isinstance(sequence, str):
        raise TypeError(f"sequence must be one str, got {type(sequence).__name__}.")
    codes, _ = check_sequences([sequence], name="sequence")
    codes = codes[0]
    length = len(codes)
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None, got {kind!r}.")
    scores, kind, method, target = _unpack_attribution(scores, index, kind)
    scores = _check_row_scores(scores, length)
    if kind is None:
        kind = _infer_kind(scores, codes)
    if kind in ("per_base", "ism") and scores.ndim != 2:
        raise ValueError(f"kind={kind!r} needs scores of shape (n_positions, 4).")
    if kind in ("saliency", "attribution") and scores.ndim != 1:
        raise ValueError(
            f"kind={kind!r} needs per-position scores of shape (n_positions,); draw "
            "per-base scores with kind='per_base' or kind='ism'."
        )
    if kind == "saliency" and (scores < 0).any():
        raise ValueError(
            "kind='saliency' is for non-negative scores; signed scores are drawn with "
            "kind='attribution'."
        )
    if score_label is None:
        score_label = _default_label(kind, method, target)
    elif not isinstance(score_label, str):
        raise TypeError(f"score_label must be a str, got {type(score_label).__name__}.")
    regions = _check_regions(regions, length)
    if ax is not None and row_length is not None:
        raise ValueError("row_length sets the rows of a new figure; it cannot be used with ax.")
    n_rows, row_length = _row_layout(length, row_length)
    plt = _pyplot()
    if kind != "ism":
        try:
            import logomaker
            import pandas as pd
        except ImportError as exc:
            raise ImportError(f"plot_saliency needs logomaker and pandas: {_INSTALL}") from exc

    if ax is None:
        row_height = _ISM_ROW_HEIGHT if kind == "ism" else _LOGO_ROW_HEIGHT
        width = _MARGIN_WIDTH + (1.0 if kind == "ism" else 0.0)
        width += max(row_length * _INCH_PER_NT, 3.0)
        height = n_rows * row_height + 0.5
        fig, axes = plt.subplots(
            n_rows, 1, figsize=(width, height), squeeze=False, layout="constrained"
        )
        axes = list(axes[:, 0])
        spans = [(r * row_length, min(length, (r + 1) * row_length)) for r in range(n_rows)]
        window = row_length
    else:
        axes, spans, window = [_axes(ax)], [(0, length)], length
        fig = axes[0].figure

    if kind == "ism":
        limit = float(np.abs(scores).max()) or 1.0
        for row_ax, (low, high) in zip(axes, spans, strict=True):
            image = _draw_ism(
                row_ax, scores[low:high], codes[low:high], np.arange(low, high), window, limit, cmap
            )
            row_ax.set_ylabel("substituted\nbase")
    else:
        matrix = scores
        if scores.ndim == 1:
            matrix = np.zeros((length, 4))
            real = codes < 4
            matrix[np.flatnonzero(real), codes[real]] = scores[real]
        for row_ax, (low, high) in zip(axes, spans, strict=True):
            _draw_logo(row_ax, matrix[low:high], np.arange(low, high), color_scheme, logomaker, pd)
            row_ax.set_ylabel(score_label)
        # one y scale for every row, so that heights compare across rows
        bottom = min(min(a.get_ylim()[0] for a in axes), 0.0)
        top = max(max(a.get_ylim()[1] for a in axes), 0.0)
        if kind == "saliency":
            bottom = 0.0
        if top == bottom:
            top = bottom + 1.0
        headroom = 0.05 * (top - bottom)  # letters do not touch the frame
        top, bottom = top + headroom, bottom - (headroom if bottom < 0 else 0.0)
        for row_ax in axes:
            row_ax.set_ylim(bottom, top)
            if kind != "saliency":
                row_ax.axhline(0, color="0.3", linewidth=0.8, zorder=0.5)
    for row_ax, (low, high) in zip(axes, spans, strict=True):
        row_ax.set_xlim(low - 0.5, low + window - 0.5)
        _position_ticks(row_ax, window)
        _shade_regions(row_ax, regions, low, high, outline=kind == "ism")
    axes[-1].set_xlabel("position")
    if kind == "ism":
        if ax is None:
            colorbar = fig.colorbar(image, ax=axes, fraction=0.04, pad=0.01, aspect=10 * n_rows)
        else:  # beside the given Axes without shrinking it, so stacked tracks stay aligned
            colorbar = fig.colorbar(image, cax=axes[0].inset_axes([1.01, 0.0, 0.015, 1.0]))
        colorbar.set_label(score_label, fontsize=8)
    if ax is None and n_rows > 1:
        return np.array(axes, dtype=object)
    return axes[0]


def _profile_width(n_positions):
    return float(np.clip(2.0 + 0.03 * n_positions, 6.0, 12.0))


def plot_saliency_profile(estimator_or_profile, ax=None, *, regions=None, label=None, uniform=None):
    """The mean saliency at each position, as a line over the positions.

    For a fitted AttnGen estimator this is ``saliency_``: the saliency
    magnitude of each position averaged over the training sequences. It peaks where the
    signal sits at a fixed offset (a splice site at the centre of the window)
    and stays near uniform where the signal can sit anywhere (a transcription
    factor site), in which case only the per-sequence saliency is
    informative.

    Parameters
    ----------
    estimator_or_profile : fitted AttnGen estimator or array-like of shape (n_positions,)
        An estimator with ``saliency_`` (e.g. a fitted
        :class:`~sklearn_attngen.AttnGenClassifier`), or any per-position
        profile (e.g. ``np.abs(scores).mean(axis=0)`` of an attribution).
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a figure whose width grows with the
        number of positions. Calls with the same ``ax`` and a ``label`` each
        overlay profiles.
    regions : (start, end[, label]), list of them, or bool array, default=None
        Spans to shade (e.g. a known site), 0-based with ``end`` exclusive, as
        in :func:`plot_saliency`.
    label : str, default=None
        Legend label of the profile.
    uniform : bool, default=None
        Draw the level ``1 / n_positions`` that a profile summing to 1 (e.g.
        mean attention weights over sequences of one length) would have if
        spread evenly. None draws it for an estimator whose ``saliency_``
        sums to 1, and not for an array, whose scale is unknown.

    Returns
    -------
    ax : matplotlib Axes

    See Also
    --------
    plot_saliency : One sequence's scores, letter by letter.
    plot_saliency_heatmap : Scores of many sequences at once.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_attngen.plotting import plot_saliency_profile
    >>> ax = plot_saliency_profile([0.1, 0.1, 0.4, 0.3, 0.1], regions=(2, 4, "site"), uniform=True)
    >>> ax.get_ylabel()
    'mean saliency'
    """
    if hasattr(estimator_or_profile, "fit"):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(estimator_or_profile)
        if not hasattr(estimator_or_profile, "saliency_"):
            raise TypeError(
                f"{type(estimator_or_profile).__name__} has no saliency_; pass an AttnGen "
                "estimator or a 1-D profile (e.g. the mean of an attribution's scores)."
            )
        profile = np.asarray(estimator_or_profile.saliency_, dtype=np.float64)
        if uniform is None:  # the level is exact only for equal-length training data
            uniform = bool(np.isclose(profile.sum(), 1.0, atol=1e-3))
        ylabel = "mean saliency\n(training set)"
    else:
        profile = _check_numeric(estimator_or_profile, "profile")
        ylabel = "mean saliency"
    if profile.ndim != 1 or len(profile) == 0:
        raise ValueError(
            f"the profile must have shape (n_positions,), got {profile.shape}; for the "
            "scores of many sequences use plot_saliency_heatmap or average them first."
        )
    profile = profile.astype(np.float64)
    if not np.isfinite(profile).all():
        raise ValueError("the profile contains NaN or infinity.")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}.")
    n_positions = len(profile)
    regions = _check_regions(regions, n_positions)
    ax = _axes(ax, figsize=(_profile_width(n_positions), 2.8))
    positions = np.arange(n_positions)
    ax.plot(positions, profile, linewidth=1.3, label=label)
    if (profile >= 0).all():
        ax.set_ylim(bottom=0)
    if uniform:
        ax.axhline(
            1 / n_positions, color="0.35", linestyle="--", linewidth=0.9,
            label=f"uniform (1/{n_positions})",
        )  # fmt: skip
    ax.set_xlim(-0.5, n_positions - 0.5)
    _position_ticks(ax, n_positions)
    _shade_regions(ax, regions, 0, n_positions)
    ax.set_xlabel("position")
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    if label is not None or uniform:
        ax.legend(fontsize=8, frameon=False)
    return ax


def _check_heatmap_input(scores, lengths, sequences):
    method = None
    if isinstance(scores, Mapping) and "scores" in scores:
        method = scores.get("method")
        if lengths is None and sequences is None:
            lengths = scores.get("lengths")
        scores = scores["scores"]
    scores = _check_numeric(scores, "scores")
    if scores.ndim != 2 or 0 in scores.shape:
        raise ValueError(
            f"scores must have shape (n_samples, n_positions), got {scores.shape}; for one "
            "sequence use plot_saliency."
        )
    n, width = scores.shape
    if lengths is not None and sequences is not None:
        raise ValueError("give lengths or sequences, not both.")
    if sequences is not None:
        lengths = check_sequences(sequences, name="sequences", allow_memmap=True)[1]
        if len(lengths) != n:
            raise ValueError(f"sequences holds {len(lengths)} sequences for {n} rows of scores.")
        if lengths.max() > width:
            raise ValueError(
                f"a sequence is {lengths.max()} nt long but scores has {width} positions."
            )
    if lengths is None:
        lengths = np.full(n, width, dtype=np.int64)
    else:
        lengths = check_lengths(lengths, n, width)
    real = np.arange(width)[None, :] < lengths[:, None]
    scores = scores.astype(np.float64)
    if not np.isfinite(scores[real]).all():
        raise ValueError("scores contains NaN or infinity within a sequence.")
    padding = scores[~real]
    if np.any(padding[np.isfinite(padding)] != 0) or np.isinf(padding).any():
        raise ValueError(
            "scores has non-zero values beyond a sequence's length: lengths (or sequences) "
            "do not match the scores."
        )
    return scores, lengths, real, method


def _heatmap_order(order, scores, real):
    n = len(scores)
    if order is None:
        return np.arange(n)
    if isinstance(order, str):
        if order == "peak":
            magnitude = np.where(real, np.abs(scores), -np.inf)
            return np.argsort(magnitude.argmax(axis=1), kind="stable")
        if order == "length":
            return np.argsort(real.sum(axis=1), kind="stable")
        raise ValueError(f"order must be 'peak', 'length', an index array or None, got {order!r}.")
    order = np.asarray(order)
    if order.dtype.kind not in "iu" or order.ndim != 1 or len(order) == 0:
        raise ValueError("an order array must hold 1-D integer row indices.")
    if order.min() < -n or order.max() >= n:
        raise ValueError(f"order holds row indices outside [0, {n}).")
    order = order % n
    if len(np.unique(order)) != len(order):
        raise ValueError("order repeats a row index.")
    return order


def plot_saliency_heatmap(
    scores,
    ax=None,
    *,
    lengths=None,
    sequences=None,
    order=None,
    groups=None,
    vmax=None,
    cmap=None,
    score_label=None,
):
    """Scores of many sequences as a heat map, sequences by positions.

    Each row is a sequence, each column a position. Positions beyond the end
    of a shorter sequence (padding) are drawn in grey, never as a score of 0.
    Non-negative scores (attention) use a sequential colour scale from white;
    signed ones (input x gradient, integrated gradients) a diverging scale
    centred at 0.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_positions), or Bunch
        Per-position scores, padded to the longest sequence (e.g.
        ``clf.saliency(X)``), or the Bunch returned by
        :func:`~sklearn_attngen.interpret.attribute` (its ``scores``,
        ``lengths`` and ``method`` are used). Padding must be 0 or NaN.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a figure sized by the number of
        sequences and positions.
    lengths : array-like of shape (n_samples,), default=None
        Real length of each sequence; positions beyond it are padding. None
        (without ``sequences`` or a Bunch) treats every position as real.
    sequences : list of str or SequenceMemmap, default=None
        The sequences scored, to take ``lengths`` from.
    order : {"peak", "length"} or array-like of int, default=None
        Order of the rows from top to bottom: None as given; ``"peak"`` by
        the position of each sequence's largest absolute score; ``"length"``
        shortest first; or row indices (a permutation or a subset). The y
        axis keeps the original row numbers.
    groups : array-like of shape (n_samples,), default=None
        A label per sequence (e.g. the predicted class): rows are gathered by
        group, in ``order`` within each, and each group is named on the y
        axis.
    vmax : float, default=None
        Top of the colour scale (for signed scores, ``[-vmax, vmax]``). None
        uses the 99th percentile of the absolute scores, so that one extreme
        position does not wash out the rest; the colour bar shows the clip.
    cmap : str or Colormap, default=None
        None uses "Reds" for non-negative scores and "RdBu_r" for signed ones.
    score_label : str, default=None
        Colour bar label; None names the scores (from a Bunch's method).

    Returns
    -------
    ax : matplotlib Axes

    See Also
    --------
    plot_saliency : One sequence's scores, letter by letter.
    plot_saliency_profile : The mean saliency over positions.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_attngen.plotting import plot_saliency_heatmap
    >>> scores = np.array([[0.2, 0.5, 0.3, 0.0], [0.1, 0.1, 0.6, 0.2]])
    >>> ax = plot_saliency_heatmap(scores, lengths=[3, 4], order="peak")
    >>> ax.images[0].get_array().mask[0].tolist()  # the padding of the first sequence
    [False, False, False, True]
    """
    scores, lengths, real, method = _check_heatmap_input(scores, lengths, sequences)
    n, width = scores.shape
    rows = _heatmap_order(order, scores, real)
    if groups is not None:
        groups = np.asarray(groups)
        if groups.ndim != 1 or len(groups) != n:
            raise ValueError(f"groups must hold one label per sequence ({n}), got {groups.shape}.")
        names, codes = np.unique(groups, return_inverse=True)
        rows = rows[np.argsort(codes[rows], kind="stable")]
    values = np.abs(scores[real])
    signed = bool((scores[real] < 0).any())
    if vmax is None:
        vmax = float(np.percentile(values, 99)) or float(values.max()) or 1.0
    elif not (np.isscalar(vmax) and np.isfinite(vmax) and vmax > 0):
        raise ValueError(f"vmax must be a positive number, got {vmax!r}.")
    clipped = bool((values > vmax).any())
    if score_label is None:
        kind = _METHOD_STYLE.get(method, ("attribution" if signed else "saliency",))[0]
        if kind in ("per_base", "ism"):
            kind = "attribution" if signed else "saliency"
        score_label = _default_label(kind, method, None).replace("\n", " ")
        if method == "ism":
            score_label = "ISM: largest |change in logit|"
        elif method == "gradient":
            score_label = "largest |gradient| per position"
    plt = _pyplot()
    colormap = plt.get_cmap(cmap or ("RdBu_r" if signed else "Reds")).with_extremes(bad="0.8")
    figsize = (_profile_width(width) + 1.0, float(np.clip(1.2 + 0.12 * len(rows), 2.5, 8.0)))
    ax = _axes(ax, figsize=figsize)
    image = np.ma.masked_array(scores[rows], mask=~real[rows])
    drawn = ax.imshow(
        image, aspect="auto", interpolation="nearest", cmap=colormap,
        vmin=-vmax if signed else 0.0, vmax=vmax,
        extent=(-0.5, width - 0.5, len(rows) - 0.5, -0.5),
    )  # fmt: skip
    extend = ("both" if signed else "max") if clipped else "neither"
    colorbar = ax.figure.colorbar(drawn, ax=ax, extend=extend, fraction=0.04, pad=0.02)
    colorbar.set_label(score_label)
    _position_ticks(ax, width)
    ax.set_xlabel("position")
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if groups is not None:
        sorted_codes = codes[rows]
        bounds = np.flatnonzero(np.diff(sorted_codes)) + 1
        for bound in bounds:
            ax.axhline(bound - 0.5, color="black", linewidth=1.0)
        edges = np.r_[0, bounds, len(rows)]
        ax.set_yticks(
            (edges[:-1] + edges[1:] - 1) / 2, [str(names[c]) for c in sorted_codes[edges[:-1]]]
        )
        ax.set_ylabel(f"sequences by group ({len(rows)})")
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda y, _: str(rows[int(y)]) if 0 <= y < len(rows) else "")
        )
        sorted_by = {None: "", "peak": ", by peak position", "length": ", by length"}
        how = (
            sorted_by.get(order, ", reordered")
            if isinstance(order, (str, type(None)))
            else ", reordered"
        )
        ax.set_ylabel(f"sequence{how}")
    return ax
