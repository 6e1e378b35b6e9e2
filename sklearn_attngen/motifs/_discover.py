"""De-novo motifs of a fitted classifier: seqlets per class, clustered, named."""

import importlib
import importlib.util
import warnings

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..datasets import Motif
from ..interpret import METHODS, attribute
from ..utils import check_sequences
from ._cluster import greedy_motifs, modisco_motifs, windows_around
from ._common import check_int, check_probability, decode, one_hot, optional_import
from ._match import match_motifs
from ._seqlets import CONTROLS, SeqletCalibrationWarning, find_seqlets, projected_scores

__all__ = ["MotifReport", "discover_motifs"]

CLUSTERINGS = ("auto", "greedy", "modisco")
_WINDOW = 40  # positions of sequence around each seqlet that the clustering aligns


def _class_scorer(estimator, method, batch_size):
    """scorer(sequences, class_index) -> per-base contrast scores toward that class.

    Gradient-type methods attribute the class logit minus the mean logit of all
    classes (for two classes: half the log-odds), as a difference of
    ``attribute`` calls; "attention" is class-independent (the raw weights).
    """
    n_classes = len(estimator.classes_)

    def scorer(sequences, index):
        if method == "attention":
            return estimator.attention(sequences)
        per_class = {}
        for k in range(n_classes):
            result = attribute(
                estimator, sequences, method, target=estimator.classes_[k], batch_size=batch_size
            )
            per_class[k] = result.base_scores if result.base_scores is not None else result.scores
        mean = sum(per_class.values()) / n_classes
        return per_class[index] - mean

    return scorer


class MotifReport:
    """What a classifier learned: de-novo motifs per class, named by JASPAR.

    Returned by :func:`discover_motifs`; not built by hand.

    Attributes
    ----------
    motifs : dict of str to Motif
        Discovered motifs, keyed ``"<class>/m<k>"`` (largest first within each
        class); the PFM is the base frequency of the aligned seqlets.
    table : pandas.DataFrame
        One row per motif: ``motif_id``, ``class_label``, ``n_seqlets``,
        ``consensus``, ``width``, the best database match (``match_id``,
        ``match_name``, ``match_family``, ``q_value``; empty or NaN without
        one or for a low-information motif) and ``low_information``.
    matches : pandas.DataFrame or None
        All matches from :func:`match_motifs` (None when ``database=None``).
    seqlets : pandas.DataFrame
        Every seqlet: ``sample`` (row of ``X``), ``start``, ``end``,
        ``attribution``, ``p_value``, ``class_label`` and ``motif_id`` (None
        when it joined no motif).
    seqlet_counts : dict
        Seqlets per class label.
    calibration : dict
        Per class label, ``threshold`` and ``estimated_fdr`` of the seqlet
        calling.
    cwms : dict of str to ndarray of shape (width, 4)
        Mean contribution of each base at each motif position (contribution
        weight matrix), for logos.
    clustering : str
        ``"greedy"`` or ``"modisco"``.

    Examples
    --------
    >>> from sklearn_attngen.motifs import MotifReport
    >>> MotifReport.__name__
    'MotifReport'
    """

    def __init__(self, motifs, table, matches, seqlets, calibration, cwms, clustering):
        self.motifs = motifs
        self.table = table
        self.matches = matches
        self.seqlets = seqlets
        self.calibration = calibration
        self.cwms = cwms
        self.clustering = clustering

    @property
    def seqlet_counts(self):
        """Number of seqlets per class label."""
        counts = self.seqlets.groupby("class_label").size()
        return {label: int(counts.get(label, 0)) for label in self.calibration}

    def top_motifs(self, class_label, n=3):
        """The ``n`` largest motifs of a class, as rows of :attr:`table`."""
        rows = self.table[self.table["class_label"] == class_label]
        return rows.sort_values("n_seqlets", ascending=False).head(n)

    def __repr__(self):
        lines = [f"MotifReport({len(self.motifs)} motifs, clustering={self.clustering!r})"]
        for row in self.table.itertuples():
            match = (
                f"{row.match_name} (q={row.q_value:.2g})"
                if isinstance(row.match_name, str)
                else "-"
            )
            lines.append(
                f"  {row.motif_id:<12} {row.n_seqlets:>6} seqlets  {row.consensus:<24} {match}"
            )
        return "\n".join(lines)

    def plot(self, n_per_class=3, *, kind="pfm", axes=None):
        """Draw the largest motifs of each class as sequence logos.

        One logo per motif, a row per class, titled with its size and best
        database match; the letters are information content (``kind="pfm"``)
        or mean contribution (``kind="cwm"``).

        Parameters
        ----------
        n_per_class : int, default=3
            Motifs per class (columns).
        kind : {"pfm", "cwm"}, default="pfm"
        axes : ndarray of matplotlib Axes, default=None
            ``(n_classes, n_per_class)`` axes to draw on; None makes a figure.

        Returns
        -------
        axes : ndarray of matplotlib Axes

        Examples
        --------
        >>> MotifReport.plot.__name__
        'plot'
        """
        if kind not in ("pfm", "cwm"):
            raise ValueError(f"kind must be 'pfm' or 'cwm', got {kind!r}.")
        n_per_class = check_int(n_per_class, "n_per_class", 1)
        logomaker = optional_import("logomaker", "MotifReport.plot")
        pd = optional_import("pandas", "MotifReport.plot")
        plt = optional_import("matplotlib.pyplot", "MotifReport.plot")
        labels = list(self.calibration)
        if axes is None:
            _, axes = plt.subplots(
                len(labels),
                n_per_class,
                figsize=(3.2 * n_per_class, 1.9 * len(labels)),
                squeeze=False,
                constrained_layout=True,
            )
        axes = np.asarray(axes).reshape(len(labels), n_per_class)
        for r, label in enumerate(labels):
            rows = list(self.top_motifs(label, n_per_class).itertuples())
            for c in range(n_per_class):
                ax = axes[r, c]
                if c >= len(rows):
                    ax.axis("off")
                    continue
                row = rows[c]
                pfm = self.motifs[row.motif_id].pfm
                if kind == "pfm":
                    ic = 2 + (np.where(pfm > 0, pfm * np.log2(np.where(pfm > 0, pfm, 1)), 0)).sum(1)
                    matrix = pfm * ic[:, None]
                    ylabel = "bits"
                else:
                    matrix = self.cwms[row.motif_id]
                    ylabel = "contribution"
                logomaker.Logo(pd.DataFrame(matrix, columns=list("ACGT")), ax=ax)
                if kind == "pfm":
                    ax.set_ylim(0, 2)
                match = (
                    f"{row.match_name} q={row.q_value:.1g}"
                    if isinstance(row.match_name, str)
                    else "no match"
                )
                ax.set_title(f"{row.motif_id} · n={row.n_seqlets} · {match}", fontsize=8)
                ax.set_xticks([])
                if c == 0:
                    ax.set_ylabel(f"class {label}\n{ylabel}", fontsize=8)
        return axes


def discover_motifs(
    estimator,
    X,
    y=None,
    *,
    method="input_x_gradient",
    fdr=0.05,
    control="in_context",
    clustering="auto",
    max_motifs=8,
    min_seqlets=20,
    max_seqlet_length=20,
    database="vertebrates",
    n_matches=3,
    batch_size=128,
    random_state=0,
):
    """Find the motifs a fitted classifier uses for each class, and name them.

    For each class: the sequences of that class (``y``, or the predictions)
    are attributed toward it, seqlets are called at an estimated
    false-discovery rate (:func:`find_seqlets`), the seqlets are clustered
    into motifs, and each motif is matched against JASPAR
    (:func:`match_motifs`).

    Clustering: with ``clustering="auto"``, TF-MoDISco lite (its own
    seqlet calling and Leiden clustering; ``pip install
    "sklearn-attngen[modisco]"``, GPL dependencies) when it is installed,
    else a built-in greedy alignment: seed with the most common
    high-contribution 6-mer of the remaining seqlets, align every seqlet
    window to the current motif on both strands, keep those scoring above
    the 99th percentile of dinucleotide-shuffled windows, rebuild the motif
    from the aligned bases (trimming low-information ends), repeat until it
    is stable, remove its seqlets and start the next motif. On planted CTCF
    vs SPI1 data and on janggu Oct4 vs MafK peaks it recovered the planted
    and the expected motifs (``benchmarks/bench_motifs.py``).

    Parameters
    ----------
    estimator : fitted AttnGenClassifier or CNNBaselineClassifier
    X : list, ndarray or pandas Series of str, or ndarray
        Sequences.
    y : array-like of shape (n_samples,), default=None
        Class labels; None uses the estimator's predictions.
    method : str, default="input_x_gradient"
        An attribution method of :func:`sklearn_attngen.interpret.attribute`.
        Gradient-type methods attribute the class logit minus the mean logit
        (the log-odds for two classes); so does ``"saliency"``, the built-in
        map; ``"attention"`` uses the class-independent attention weights.
    fdr : float, default=0.05
        Target false-discovery rate of the seqlets (see :func:`find_seqlets`).
    control : {"in_context", "shuffled"}, default="in_context"
        Seqlet controls (see :func:`find_seqlets`).
    clustering : {"auto", "greedy", "modisco"}, default="auto"
    max_motifs : int, default=8
        Most motifs per class.
    min_seqlets : int, default=20
        Fewest seqlets of a motif.
    max_seqlet_length : int, default=20
    database : str, path, dict, list or None, default="vertebrates"
        Motif database for :func:`match_motifs`; None skips matching.
    n_matches : int, default=3
        Matches kept per motif in :attr:`MotifReport.matches`.
    batch_size : int, default=128
        Sequences per forward pass of the attributions.
    random_state : int, RandomState instance or None, default=0
        Seed of the shuffles.

    Returns
    -------
    report : MotifReport

    Raises
    ------
    ImportError
        Without memelite and tangermeme (``pip install
        "sklearn-attngen[motifs]"``), or with ``clustering="modisco"``
        without modisco-lite.

    See Also
    --------
    find_seqlets, match_motifs, MotifReport

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.datasets import make_motif_sequences
    >>> from sklearn_attngen.motifs import discover_motifs
    >>> X, y, _ = make_motif_sequences(n_samples=600, length=60, n_distractors=0,
    ...                                random_state=0)
    >>> clf = AttnGenClassifier(n_filters=32, n_blocks=1, max_epochs=6, lr=4e-3,
    ...                         verbose=0, random_state=0).fit(X, y)
    >>> report = discover_motifs(clf, X, y, fdr=0.5, clustering="greedy",
    ...                          database=None, max_motifs=2)
    >>> sorted(report.seqlet_counts), len(report.motifs) >= 2
    ([0, 1], True)
    """
    optional_import("memelite", "discover_motifs")
    seqlet_module = optional_import("tangermeme.seqlet", "discover_motifs")
    pd = optional_import("pandas", "discover_motifs")
    del seqlet_module
    check_is_fitted(estimator, "module_")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    if not isinstance(clustering, str) or clustering not in CLUSTERINGS:
        raise ValueError(f"clustering must be one of {CLUSTERINGS}, got {clustering!r}.")
    if not isinstance(control, str) or control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}.")
    fdr = check_probability(fdr, "fdr")
    max_motifs = check_int(max_motifs, "max_motifs", 1)
    min_seqlets = check_int(min_seqlets, "min_seqlets", 2)
    max_seqlet_length = check_int(max_seqlet_length, "max_seqlet_length", 4)
    if clustering == "auto":
        clustering = "greedy"
        if importlib.util.find_spec("modiscolite") is not None:
            try:
                importlib.import_module("modiscolite.tfmodisco")
                clustering = "modisco"
            except ImportError as exc:
                warnings.warn(
                    f"modiscolite is installed but does not import ({exc}); clustering with "
                    "the built-in greedy alignment instead.",
                    UserWarning,
                    stacklevel=2,
                )
    if clustering == "modisco":
        optional_import("modiscolite.tfmodisco", "clustering='modisco'", extra="modisco")
    rng = check_random_state(random_state)

    codes, lengths = check_sequences(X)
    classes = np.asarray(estimator.classes_)
    if y is None:
        labels = np.asarray(estimator.predict(X))
    else:
        labels = np.asarray(y)
        if labels.shape != (len(codes),):
            raise ValueError(f"y has shape {labels.shape}; expected ({len(codes)},).")
        unknown = ~np.isin(labels, classes)
        if unknown.any():
            raise ValueError(
                f"y holds {labels[unknown][0]!r}, not one of the classes {classes.tolist()}."
            )
    scorer = _class_scorer(estimator, method, batch_size)

    motifs, cwms, rows, seqlet_frames, calibration = {}, {}, [], [], {}
    for k, label in enumerate(classes):
        index = np.flatnonzero(labels == label)
        if not len(index):
            calibration[label.item() if hasattr(label, "item") else label] = dict(
                threshold=np.nan, estimated_fdr=np.nan
            )
            continue
        key = label.item() if hasattr(label, "item") else label
        c_codes, c_lengths = codes[index], lengths[index]
        c_seqs = decode(c_codes, c_lengths)
        c_scores = scorer(c_seqs, k)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SeqletCalibrationWarning)
            found = find_seqlets(
                c_scores,
                c_seqs,
                lambda s, k=k: scorer(s, k),
                fdr=fdr,
                control=control,
                max_length=max_seqlet_length,
                random_state=rng,
            )
        for w in caught:
            if issubclass(w.category, SeqletCalibrationWarning):
                warnings.warn(f"class {key!r}: {w.message}", SeqletCalibrationWarning, stacklevel=2)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        calibration[key] = dict(threshold=found.threshold, estimated_fdr=found.estimated_fdr)
        seqlets = found.seqlets.copy()
        contrib = projected_scores(c_scores, c_codes, c_lengths)
        assigned = np.full(len(seqlets), None, dtype=object)
        if clustering == "greedy" and len(seqlets) >= min_seqlets:
            w_codes, w_weights = windows_around(c_codes, contrib, c_lengths, seqlets, _WINDOW)
            clusters = greedy_motifs(
                w_codes,
                w_weights,
                min_seqlets=min_seqlets,
                max_motifs=max_motifs,
                random_state=rng,
            )
        elif clustering == "modisco":
            hyp = np.asarray(c_scores, dtype=np.float64)
            if hyp.ndim == 2:
                hyp = hyp[..., None] * one_hot(c_codes)
            hyp = hyp - hyp.mean(axis=2, keepdims=True) if method == "gradient" else hyp
            clusters = modisco_motifs(
                one_hot(c_codes), hyp, max_motifs=max_motifs, min_seqlets=min_seqlets
            )
        else:
            clusters = []
        clusters.sort(key=lambda c: -len(c["members"]))
        for m, cluster in enumerate(clusters):
            motif_id = f"{key}/m{m}"
            motifs[motif_id] = Motif(motif_id, f"class {key} motif {m}", cluster["pfm"])
            cwms[motif_id] = cluster["cwm"]
            if clustering == "greedy":
                assigned[cluster["members"]] = motif_id
            rows.append(
                dict(
                    motif_id=motif_id,
                    class_label=key,
                    n_seqlets=len(cluster["members"]),
                    consensus=motifs[motif_id].consensus,
                    width=len(cluster["pfm"]),
                )
            )
        seqlets["sample"] = index[seqlets["sample"].to_numpy()]
        seqlets["class_label"] = key
        seqlets["motif_id"] = assigned
        seqlet_frames.append(seqlets)

    table = pd.DataFrame(
        rows, columns=["motif_id", "class_label", "n_seqlets", "consensus", "width"]
    )
    matches = None
    best = {}
    if database is not None and motifs:
        matches = match_motifs(motifs, database, n_matches=n_matches)
        for row in matches.itertuples():
            if row.rank == 0:
                best[row.query] = row
    table["match_id"] = [getattr(best.get(m), "target_id", None) for m in table.motif_id]
    table["match_name"] = [getattr(best.get(m), "target_name", None) for m in table.motif_id]
    table["match_family"] = [getattr(best.get(m), "family", None) for m in table.motif_id]
    table["q_value"] = [float(getattr(best.get(m), "q_value", np.nan)) for m in table.motif_id]
    table["low_information"] = [
        bool(getattr(best.get(m), "low_information", False)) for m in table.motif_id
    ]
    seqlets = (
        pd.concat(seqlet_frames, ignore_index=True)
        if seqlet_frames
        else pd.DataFrame(columns=["sample", "start", "end", "attribution", "p_value"])
    )
    return MotifReport(motifs, table, matches, seqlets, calibration, cwms, clustering)
