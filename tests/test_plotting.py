"""Tests for sklearn_attngen.plotting."""

import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from _saliency_models import TINY_X, TINY_Y, single_thread, tiny_attngen

from sklearn_attngen.evaluation import deletion_curve
from sklearn_attngen.plotting import (
    plot_deletion_curve,
    plot_mask_sweep,
    plot_saliency,
    plot_training_curves,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def clf():
    with single_thread():
        return tiny_attngen()


def test_plot_saliency_draws_each_base_with_its_score(clf):
    sequence = TINY_X[2]
    scores = clf.saliency([sequence])[0]
    _, ax = plt.subplots()
    assert plot_saliency(sequence, scores, ax=ax) is ax
    assert len(ax.patches) == len(sequence)  # one glyph per nucleotide
    assert ax.get_ylim()[1] >= scores.max()
    assert ax.get_ylabel() == "saliency"
    # padded scores, signed scores and per-base scores are accepted
    padded = np.concatenate([scores, np.zeros(6)])
    plot_saliency(sequence, padded)
    plot_saliency("ACGNT", [0.5, -0.3, 0.2, 0.0, 0.1])
    ax4 = plot_saliency("ACG", np.arange(1.0, 13.0).reshape(3, 4) - 6.5)
    assert len(ax4.patches) == 12


@pytest.mark.parametrize(
    ("sequence", "scores", "error", "message"),
    [
        (["ACG"], [1, 2, 3], TypeError, "one str"),
        ("ACX", [1, 2, 3], ValueError, "invalid character"),
        ("ACG", [1, 2], ValueError, "positions for a sequence of length 3"),
        ("ACG", [1, 2, 3, 4], ValueError, "zero padding"),
        ("ACG", np.ones((3, 3)), ValueError, r"\(n_positions, 4\)"),
        ("ACG", [1, np.nan, 3], ValueError, "NaN"),
        ("ACG", ["a", "b", "c"], TypeError, "numeric"),
    ],
)
def test_plot_saliency_rejects_bad_input(sequence, scores, error, message):
    with pytest.raises(error, match=message):
        plot_saliency(sequence, scores)


def test_plot_deletion_curve(clf):
    with single_thread():
        result = deletion_curve(
            clf, TINY_X, TINY_Y, clf.saliency(TINY_X), fractions=[0, 0.2, 0.5], n_random=2
        )
    _, ax = plt.subplots()
    assert plot_deletion_curve(result, ax=ax) is ax
    assert len(ax.lines) == 2 and len(ax.collections) == 1  # two curves, one band
    np.testing.assert_allclose(ax.lines[0].get_ydata(), result.accuracy)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1].startswith("random order (AUC")
    assert ax.get_xlabel() == "fraction of positions removed"
    result.kind = "insertion"
    assert plot_deletion_curve(result).get_xlabel() == "fraction of positions inserted"
    with pytest.raises(ValueError, match="result lacks"):
        plot_deletion_curve({"fractions": [0, 1]})


def test_plot_mask_sweep():
    _, ax = plt.subplots()
    assert plot_mask_sweep([0, 0.1, 0.2], [0.9, 0.95, 0.93], [0.01, 0.0, 0.02], ax=ax) is ax
    plot_mask_sweep([0, 0.1, 0.2], [0.8, 0.85, 0.83], ax=ax, label="cnn")
    assert len(ax.lines) == 2 and len(ax.collections) == 1
    with pytest.raises(ValueError, match="equal length"):
        plot_mask_sweep([0, 0.1], [0.9])
    with pytest.raises(ValueError, match="stds has shape"):
        plot_mask_sweep([0, 0.1], [0.9, 0.8], [0.1])
    with pytest.raises(ValueError, match="non-negative"):
        plot_mask_sweep([0, 0.1], [0.9, 0.8], [0.1, -0.1])


def test_plot_training_curves(clf):
    _, ax = plt.subplots()
    assert plot_training_curves(clf, ax=ax) is ax
    assert [line.get_label() for line in ax.lines] == ["train_loss"]  # no valid_loss recorded
    np.testing.assert_allclose(ax.lines[0].get_ydata(), clf.history[:, "train_loss"])
    assert len(plot_training_curves(clf.history, keys="train_loss").lines) == 1
    with pytest.raises(ValueError, match="none of"):
        plot_training_curves(clf, keys=("valid_acc",))
    with pytest.raises(ValueError, match="empty"):
        plot_training_curves([])
    with pytest.raises(TypeError, match="skorch"):
        plot_training_curves(42)
    with pytest.raises(TypeError, match="matplotlib Axes"):
        plot_training_curves(clf, ax="left")


def test_missing_plot_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "logomaker", None)
    with pytest.raises(ImportError, match=r"sklearn-attngen\[plot\]"):
        plot_saliency("ACG", [1, 2, 3])
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sklearn-attngen\[plot\]"):
        plot_mask_sweep([0, 0.1], [0.9, 0.8])


def test_importing_the_package_does_not_import_matplotlib():
    import subprocess

    code = (
        "import sys, sklearn_attngen.plotting, sklearn_attngen.evaluation, "
        "sklearn_attngen.interpret; print('matplotlib' in sys.modules, 'captum' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
