"""Tests for sklearn_attngen.plotting."""

import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from _saliency_models import TINY_X, TINY_Y, tiny_attngen
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils import Bunch

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.evaluation import deletion_curve
from sklearn_attngen.interpret import attribute
from sklearn_attngen.plotting import (
    plot_deletion_curve,
    plot_mask_sweep,
    plot_saliency,
    plot_saliency_heatmap,
    plot_saliency_profile,
    plot_training_curves,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def clf():
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


def _regions(ax):
    return [(p.get_x(), p.get_width()) for p in ax.patches if p.get_gid() == "region"]


def _sequence(length, seed=0):
    return "".join(np.random.default_rng(seed).choice(list("ACGT"), length))


def _spaced(length, every=10):
    """Scores with one letter every ``every`` positions (logomaker takes ms per letter)."""
    scores = np.zeros(length)
    scores[::every] = 1.0
    return scores


def test_plot_saliency_sizes_the_figure_by_length_and_wraps_long_sequences():
    widths, rows = {}, {}
    for length in (20, 70, 100, 200, 300, 500):
        drawn = plot_saliency(_sequence(length), _spaced(length))
        axes = np.atleast_1d(drawn)
        widths[length] = axes[0].figure.get_figwidth()
        rows[length] = len(axes)
        # every row has the same scale: positions per inch, and y limits
        spans = {a.get_xlim()[1] - a.get_xlim()[0] for a in axes}
        assert len(spans) == 1 and spans.pop() <= 120
        assert len({a.get_ylim() for a in axes}) == 1
        # every letter is drawn once, on the row that holds its position
        letters = [(a, p.get_extents()) for a in axes for p in a.patches]
        assert len(letters) == len(range(0, length, 10))
        for a, extents in letters:
            centre = a.transData.inverted().transform(extents)[:, 0].mean()
            assert a.get_xlim()[0] < centre < a.get_xlim()[1]
    assert widths[20] < widths[70] < widths[100]  # one row, wider with length
    assert rows == {20: 1, 70: 1, 100: 1, 200: 2, 300: 3, 500: 5}
    assert widths[500] == widths[300] == widths[200] <= 15  # wrapped rows keep a readable width
    assert 0.09 <= (widths[100] - widths[70]) / 30 <= 0.13  # about 0.11 inch per nucleotide
    # a given Axes gets one row; row_length sets the rows of a new figure
    _, ax = plt.subplots()
    assert plot_saliency(_sequence(300), _spaced(300), ax=ax) is ax
    assert ax.get_xlim() == (-0.5, 299.5)
    assert len(plot_saliency(_sequence(300), _spaced(300), row_length=150)) == 2
    assert plot_saliency(_sequence(300), _spaced(300), row_length=300).get_xlim()[1] == 299.5


def test_plot_saliency_shades_regions_at_their_positions():
    sequence = _sequence(40)
    ax = plot_saliency(sequence, np.ones(40), regions=[(3, 8, "motif"), (12, 13, "rs123")])
    assert _regions(ax) == [(2.5, 5), (11.5, 1)]
    labels = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert labels == {"motif": 5.0, "rs123": 12.0}  # centred over the span
    # one tuple, a boolean mask (each run of True), and a span across wrapped rows
    assert _regions(plot_saliency(sequence, np.ones(40), regions=(0, 40))) == [(-0.5, 40)]
    mask = np.zeros(40, bool)
    mask[[5, 6, 7, 30]] = True
    assert _regions(plot_saliency(sequence, np.ones(40), regions=mask)) == [(4.5, 3), (29.5, 1)]
    top, bottom = plot_saliency(_sequence(200), _spaced(200), regions=[(95, 105, "site")])
    assert _regions(top) == [(94.5, 5)] and _regions(bottom) == [(99.5, 5)]
    assert [t.get_text() for t in top.texts] == ["site"] and not bottom.texts
    # on an ISM heat map the region is outlined, not painted over the colours
    ism = np.ones((40, 4))
    ism[np.arange(40), [("ACGT").index(b) for b in sequence]] = 0
    ax = plot_saliency(sequence, ism, regions=[(3, 8)])
    (patch,) = [p for p in ax.patches if p.get_gid() == "region"]
    assert (patch.get_x(), patch.get_width(), patch.get_fill()) == (2.5, 5, False)


def test_plot_saliency_labels_signed_attributions_and_ism_as_what_they_are(clf):
    sequence = TINY_X[0]
    attention = attribute(clf, [sequence], "attention")
    saliency = attribute(clf, [sequence])
    gradient = attribute(clf, TINY_X[:3], "input_x_gradient", target=1)
    ism = attribute(clf, [sequence], "ism", target=0)
    per_base = attribute(clf, [sequence], "gradient")
    assert plot_saliency(sequence, attention).get_ylabel() == "attention"
    assert plot_saliency(sequence, attention.scores[0]).get_ylabel() == "saliency"
    label = f"saliency\n(signed, class {saliency.target[0]})"
    assert plot_saliency(sequence, saliency).get_ylabel() == label
    assert plot_saliency(sequence, clf.saliency([sequence])[0]).get_ylabel() == "saliency"
    # signed: letters below the zero line, a zero line, the axis says so
    ax = plot_saliency(sequence, gradient, index=0)
    assert ax.get_ylabel() == "input x gradient\n(signed, class 1)"
    assert ax.get_ylim()[0] < 0 < ax.get_ylim()[1]
    assert any(list(line.get_ydata()) == [0, 0] for line in ax.lines)
    assert plot_saliency(sequence, gradient.scores[0]).get_ylabel() == "attribution\n(signed)"
    for method, name in (("integrated_gradients", "integrated gradients"), ("new_one", "new one")):
        fake = Bunch(scores=gradient.scores[:1], base_scores=None, method=method, target=None)
        assert plot_saliency(sequence, fake).get_ylabel() == f"{name}\n(signed)"
    # ISM: a heat map of the four substitutions with the base in place lettered
    for scores in (ism, ism.base_scores[0]):  # the Bunch, or its array recognised as ISM
        ax = plot_saliency(sequence, scores)
        (image,) = ax.images
        np.testing.assert_allclose(image.get_array(), ism.base_scores[0].T)
        assert image.norm.vmin == -image.norm.vmax  # diverging, centred at 0
        assert "".join(t.get_text() for t in ax.texts) == sequence
        colorbar_label = image.colorbar.ax.get_ylabel()
        assert (
            colorbar_label.startswith("ISM: change in logit") and "saliency" not in colorbar_label
        )
    assert image.colorbar.ax.get_ylabel() == "ISM: change in logit"
    assert plot_saliency(sequence, ism).images[0].colorbar.ax.get_ylabel().endswith("class 0")
    # the same ISM as a full logo, still named ISM; gradients per base as a full logo
    ax = plot_saliency(sequence, ism, kind="per_base")
    assert ax.get_ylabel().startswith("ISM") and not ax.images
    label = f"gradient of logit of class {per_base.target[0]}"
    assert plot_saliency(sequence, per_base).get_ylabel() == label


def test_plot_saliency_ism_on_a_given_axes_keeps_its_width():
    # a heat map stacked under a logo must keep the logo's positions aligned
    sequence = _sequence(30)
    ism = np.random.default_rng(0).normal(size=(30, 4))
    _, (top, bottom) = plt.subplots(2, 1)
    before = bottom.get_position().bounds
    plot_saliency(sequence, ism, ax=bottom, kind="ism")
    assert bottom.get_position().bounds == before == (
        before[0], before[1], top.get_position().width, before[3]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sequence", "scores", "kwargs", "error", "message"),
    [
        (["ACG"], [1, 2, 3], {}, TypeError, "one str"),
        ("ACX", [1, 2, 3], {}, ValueError, "invalid character"),
        ("ACG", [1, 2], {}, ValueError, "positions for a sequence of length 3"),
        ("ACG", [1, 2, 3, 4], {}, ValueError, "zero padding"),
        ("ACG", np.ones((3, 3)), {}, ValueError, r"\(n_positions, 4\)"),
        ("ACG", np.ones((1, 3)), {}, ValueError, r"pass scores\[0\]"),
        ("ACG", [1, np.nan, 3], {}, ValueError, "NaN"),
        ("ACG", ["a", "b", "c"], {}, TypeError, "numeric"),
        ("ACG", [1, 2, 3], {"kind": "logo"}, ValueError, "kind must be one of"),
        (
            "ACG",
            [1, 2, 3],
            {"kind": "ism"},
            ValueError,
            r"needs scores of shape \(n_positions, 4\)",
        ),
        ("ACG", np.ones((3, 4)), {"kind": "saliency"}, ValueError, "per-position scores"),
        ("ACG", [1, -2, 3], {"kind": "saliency"}, ValueError, "kind='attribution'"),
        ("ACG", [1, 2, 3], {"regions": [(2, 4)]}, ValueError, r"region \(2, 4\) is outside"),
        ("ACG", [1, 2, 3], {"regions": [(-1, 2)]}, ValueError, "outside"),
        ("ACG", [1, 2, 3], {"regions": [(2, 2)]}, ValueError, "empty"),
        ("ACG", [1, 2, 3], {"regions": [(0, 1.5)]}, TypeError, "must be ints"),
        ("ACG", [1, 2, 3], {"regions": [(0, 1, 7)]}, TypeError, "label must be a str"),
        ("ACG", [1, 2, 3], {"regions": [(0,)]}, ValueError, r"\(start, end\)"),
        ("ACG", [1, 2, 3], {"regions": np.ones(4, bool)}, ValueError, "only False"),
        ("ACG", [1, 2, 3], {"index": 0}, ValueError, "index selects a row of the Bunch"),
        ("ACG", [1, 2, 3], {"row_length": 0}, ValueError, "row_length"),
        ("ACG", [1, 2, 3], {"score_label": 3}, TypeError, "score_label"),
    ],
)
def test_plot_saliency_rejects_bad_input(sequence, scores, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_saliency(sequence, scores, **kwargs)


def test_plot_saliency_rejects_a_bad_bunch_or_axes():
    bunch = Bunch(scores=np.ones((2, 3)), base_scores=None, method="attention", target=None)
    with pytest.raises(ValueError, match="holds 2 sequences; pass index="):
        plot_saliency("ACG", bunch)
    with pytest.raises(ValueError, match="out of range"):
        plot_saliency("ACG", bunch, index=2)
    with pytest.raises(TypeError, match="index must be an int"):
        plot_saliency("ACG", bunch, index=1.0)
    with pytest.raises(ValueError, match="has none"):
        plot_saliency("ACG", bunch, index=1, kind="ism")
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="cannot be used with ax"):
        plot_saliency("ACG", [1, 2, 3], ax=ax, row_length=2)


def test_plot_saliency_profile(clf):
    ax = plot_saliency_profile(clf, regions=[(2, 5, "site")])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), clf.saliency_)
    assert ax.get_xlabel() == "position" and ax.get_ylabel().startswith("mean saliency")
    assert _regions(ax) == [(1.5, 3)]
    # TINY_X has two lengths: saliency_ does not sum to 1, so no uniform level is drawn
    assert len(ax.lines) == 1
    profile = np.array([0.1, 0.1, 0.4, 0.3, 0.1])
    _, ax = plt.subplots()
    assert plot_saliency_profile(profile, ax=ax, uniform=True, label="a") is ax
    plot_saliency_profile(profile[::-1], ax=ax, label="b")  # overlay
    uniform = [line for line in ax.lines if line.get_label().startswith("uniform")]
    assert len(uniform) == 1 and list(uniform[0].get_ydata()) == [0.2, 0.2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "uniform (1/5)", "b"]
    # the figure widens with the number of positions
    widths = [plot_saliency_profile(np.ones(n)).figure.get_figwidth() for n in (100, 200, 300)]
    assert widths[0] < widths[1] < widths[2]
    with pytest.raises(ValueError, match=r"shape \(n_positions,\)"):
        plot_saliency_profile(np.ones((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        plot_saliency_profile([0.1, np.nan])
    with pytest.raises(ValueError, match="outside"):
        plot_saliency_profile(profile, regions=(3, 9))
    with pytest.raises(NotFittedError):
        plot_saliency_profile(AttnGenClassifier())
    fitted = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(TypeError, match="has no saliency_"):
        plot_saliency_profile(fitted)


def test_plot_saliency_heatmap_masks_padding_and_sorts(clf):
    scores = np.array([[0.0, 0.2, 0.8, 0.0], [0.5, 0.3, 0.1, 0.1], [0.1, 0.1, 0.2, 0.6]])
    ax = plot_saliency_heatmap(scores, lengths=[3, 4, 4])
    image = ax.images[0].get_array()
    assert image.mask.tolist() == [[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert image[0, 0] == 0 and not image.mask[0, 0]  # a real 0 stays a score of 0
    assert ax.images[0].cmap(np.ma.masked) != ax.images[0].cmap(0.0)  # padding is not 0
    np.testing.assert_allclose(image.filled(-1), np.where(image.mask, -1, scores))
    assert ax.images[0].colorbar.ax.get_ylabel() == "saliency"
    # by peak position: rows 1 (peak 0), 0 (peak 2), 2 (peak 3); ticks keep the row numbers
    ax = plot_saliency_heatmap(scores, sequences=["ACG", "ACGT", "ACGT"], order="peak")
    np.testing.assert_allclose(ax.images[0].get_array()[:, 0], [0.5, 0.0, 0.1])
    assert ax.yaxis.get_major_formatter()(0, 0) == "1"
    assert "peak" in ax.get_ylabel()
    ax = plot_saliency_heatmap(scores, order=[2, 0])  # a subset, in that order
    np.testing.assert_allclose(ax.images[0].get_array(), scores[[2, 0]])
    # groups (e.g. the predicted class): gathered, named, separated
    ax = plot_saliency_heatmap(scores, groups=["b", "a", "b"], order="peak")
    np.testing.assert_allclose(ax.images[0].get_array()[:, 0], [0.5, 0.0, 0.1])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    # signed scores: diverging scale centred at 0; NaN padding is allowed
    signed = np.array([[0.5, -1.0, np.nan], [0.2, 0.1, -0.3]])
    ax = plot_saliency_heatmap(signed, lengths=[2, 3], vmax=0.5)
    norm = ax.images[0].norm
    assert (norm.vmin, norm.vmax) == (-0.5, 0.5)
    assert ax.images[0].colorbar.extend == "both"  # -1.0 is clipped, and the bar says so
    assert "signed" in ax.images[0].colorbar.ax.get_ylabel()
    # a Bunch of attribute: its lengths and method are used
    result = attribute(clf, TINY_X[:4], "ism")
    ax = plot_saliency_heatmap(result)
    assert ax.images[0].get_array().mask.sum() == sum(16 - len(x) for x in TINY_X[:4])
    assert ax.images[0].colorbar.ax.get_ylabel().startswith("ISM")


@pytest.mark.parametrize(
    ("scores", "kwargs", "error", "message"),
    [
        (np.ones(4), {}, ValueError, r"\(n_samples, n_positions\)"),
        (np.ones((2, 3)), {"lengths": [3, 4]}, ValueError, "lengths"),
        (np.ones((2, 3)), {"lengths": [3, 2]}, ValueError, "beyond a sequence's length"),
        (np.ones((2, 3)), {"lengths": [3]}, ValueError, "2 integers"),
        (np.ones((2, 3)), {"sequences": ["ACG"]}, ValueError, "holds 1 sequences for 2"),
        (np.ones((2, 3)), {"sequences": ["ACG", "ACGT"]}, ValueError, "4 nt long"),
        (np.ones((2, 3)), {"sequences": ["ACG"] * 2, "lengths": [3, 3]}, ValueError, "not both"),
        (np.array([[1.0, np.nan], [1.0, 1.0]]), {}, ValueError, "NaN"),
        (np.ones((2, 3)), {"order": "best"}, ValueError, "order must be"),
        (np.ones((2, 3)), {"order": [0, 0]}, ValueError, "repeats"),
        (np.ones((2, 3)), {"order": [0, 2]}, ValueError, "outside"),
        (np.ones((2, 3)), {"groups": [1]}, ValueError, "one label per sequence"),
        (np.ones((2, 3)), {"vmax": -1}, ValueError, "vmax"),
        ([["a", "b"]], {}, TypeError, "numeric"),
    ],
)
def test_plot_saliency_heatmap_rejects_bad_input(scores, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_saliency_heatmap(scores, **kwargs)


def test_plot_deletion_curve(clf):
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
