"""Deletion and sweep curves, training curves, and the helpers every plot shares."""

import numpy as np

__all__ = ["plot_deletion_curve", "plot_mask_sweep", "plot_training_curves"]

_INSTALL = "pip install sklearn-attngen[plot]"


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(f"plotting needs matplotlib: {_INSTALL}") from exc
    return plt


def _axes(ax, figsize=None):
    if ax is None:
        if figsize is None:
            return _pyplot().subplots()[1]
        return _pyplot().subplots(figsize=figsize, layout="constrained")[1]
    if not hasattr(ax, "plot"):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}.")
    return ax


def plot_deletion_curve(result, ax=None, *, label="saliency order"):
    """Accuracy against the fraction of positions removed, with the random-control band.

    Parameters
    ----------
    result : Bunch
        From :func:`~sklearn_attngen.evaluation.deletion_curve`,
        :func:`~sklearn_attngen.evaluation.insertion_curve` or
        :func:`~sklearn_attngen.evaluation.remove_and_retrain`.
    ax : matplotlib Axes, default=None
    label : str, default="saliency order"
        Legend label of the score-ordered curve.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from sklearn_attngen.plotting import plot_deletion_curve
    >>> result = Bunch(fractions=np.array([0, .1, .2]), accuracy=np.array([.9, .6, .5]),
    ...                random_accuracy_mean=np.array([.9, .85, .8]),
    ...                random_accuracy_std=np.array([0, .02, .03]), auc=0.13,
    ...                random_auc=0.17, kind="deletion")
    >>> len(plot_deletion_curve(result).lines)
    2
    """
    required = ("fractions", "accuracy", "random_accuracy_mean", "random_accuracy_std")
    missing = [key for key in required if key not in result]
    if missing:
        raise ValueError(
            f"result lacks {missing}; pass the result of deletion_curve, insertion_curve or "
            "remove_and_retrain."
        )
    ax = _axes(ax)
    fractions = np.asarray(result["fractions"])
    mean = np.asarray(result["random_accuracy_mean"])
    std = np.asarray(result["random_accuracy_std"])
    auc = result.get("auc")
    random_auc = result.get("random_auc")
    suffix = f" (AUC {auc:.3f})" if auc is not None else ""
    random_suffix = f" (AUC {random_auc:.3f})" if random_auc is not None else ""
    ax.plot(fractions, result["accuracy"], marker="o", label=label + suffix)
    ax.plot(fractions, mean, marker="s", color="0.4", label="random order" + random_suffix)
    ax.fill_between(fractions, mean - std, mean + std, color="0.4", alpha=0.25, linewidth=0)
    kind = result.get("kind", "deletion")
    verb = "inserted" if kind == "insertion" else "removed"
    ax.set_xlabel(f"fraction of positions {verb}")
    ax.set_ylabel("accuracy")
    ax.legend()
    return ax


def plot_mask_sweep(fractions, means, stds=None, ax=None, *, label=None):
    """A score against a swept fraction (e.g. ``mask_fraction``), mean with a ±std band.

    Parameters
    ----------
    fractions : array-like of shape (n_points,)
        Swept values, on the x axis.
    means : array-like of shape (n_points,)
        Mean score at each value (e.g. accuracy over seeds).
    stds : array-like of shape (n_points,), default=None
        Standard deviation at each value, drawn as a band.
    ax : matplotlib Axes, default=None
    label : str, default=None
        Legend label; a call per estimator with a label each overlays curves.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_attngen.plotting import plot_mask_sweep
    >>> ax = plot_mask_sweep([0, 0.1, 0.2], [0.95, 0.96, 0.94], [0.01, 0.01, 0.02])
    >>> ax.get_xlabel()
    'mask fraction'
    """
    fractions = np.asarray(fractions, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    if fractions.ndim != 1 or means.shape != fractions.shape:
        raise ValueError(
            f"fractions and means must be 1-D of equal length, got shapes {fractions.shape} "
            f"and {means.shape}."
        )
    if stds is not None:
        stds = np.asarray(stds, dtype=np.float64)
        if stds.shape != fractions.shape:
            raise ValueError(f"stds has shape {stds.shape}, expected {fractions.shape}.")
        if (stds < 0).any():
            raise ValueError("stds must be non-negative.")
    ax = _axes(ax)
    (line,) = ax.plot(fractions, means, marker="o", label=label)
    if stds is not None:
        ax.fill_between(
            fractions, means - stds, means + stds, color=line.get_color(), alpha=0.25, linewidth=0
        )
    ax.set_xlabel("mask fraction")
    ax.set_ylabel("score")
    if label is not None:
        ax.legend()
    return ax


def _history_rows(estimator_or_history):
    history = getattr(estimator_or_history, "history_", estimator_or_history)
    if hasattr(history, "to_list"):
        history = history.to_list()
    if not isinstance(history, (list, tuple)) or not all(isinstance(r, dict) for r in history):
        raise TypeError(
            "estimator_or_history must be a fitted skorch estimator, a skorch History or a "
            f"list of per-epoch dicts, got {type(estimator_or_history).__name__}."
        )
    if not history:
        raise ValueError("the history is empty: fit the estimator first.")
    return history


def plot_training_curves(estimator_or_history, keys=("train_loss", "valid_loss"), ax=None):
    """Per-epoch values (losses, accuracies) from a skorch training history.

    Parameters
    ----------
    estimator_or_history : fitted estimator, skorch History or list of dict
        Its ``history_`` (or the history itself): one dict per epoch.
    keys : sequence of str, default=("train_loss", "valid_loss")
        Entries to draw; keys that no epoch recorded (e.g. ``valid_loss``
        without a validation split) are skipped, but at least one must exist.
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_attngen.plotting import plot_training_curves
    >>> history = [{"epoch": 1, "train_loss": 0.7}, {"epoch": 2, "train_loss": 0.4}]
    >>> [line.get_label() for line in plot_training_curves(history).lines]
    ['train_loss']
    """
    if isinstance(keys, str):
        keys = (keys,)
    rows = _history_rows(estimator_or_history)
    present = [key for key in keys if any(key in row for row in rows)]
    if not present:
        recorded = sorted({key for row in rows for key in row if key != "batches"})
        raise ValueError(f"none of {list(keys)} is in the history; it records {recorded}.")
    ax = _axes(ax)
    for key in present:
        epochs = [row.get("epoch", i + 1) for i, row in enumerate(rows) if key in row]
        values = [row[key] for row in rows if key in row]
        ax.plot(epochs, values, marker="o", label=key)
    ax.set_xlabel("epoch")
    ax.legend()
    return ax
