"""Tests for sklearn_attngen.interpret.attribute."""

import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _saliency_models import TINY_X, tiny_attngen, tiny_cnn
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen._modules import GBCNN, N_CODE, AttnGenNet, one_hot
from sklearn_attngen.interpret import METHODS, attribute
from sklearn_attngen.utils import check_sequences

GRADIENT_METHODS = ("gradient", "input_x_gradient", "integrated_gradients")


@pytest.fixture(scope="module")
def clf():
    return tiny_attngen()


def _logits(clf, codes, lengths):
    """Target logits of the fitted network, outside attribute()."""
    module = clf.module_.eval()
    with torch.no_grad():
        out = module(torch.as_tensor(codes), torch.as_tensor(lengths))
    return (out[0] if isinstance(out, tuple) else out).numpy()


def _autograd_gradient(clf, X, target):
    """The target logit's gradient on the one-hot input, by plain autograd, outside attribute().

    Returns the gradient and the one-hot input, both (n, length, 4), and the
    mask of real (not padding) positions, (n, length, 1).
    """
    codes, lengths = check_sequences(X)
    x = one_hot(torch.as_tensor(codes)).requires_grad_(True)
    logits = clf.module_.eval().forward_one_hot(x, torch.as_tensor(lengths))[0]
    logits[:, target].sum().backward()
    grad = x.grad.transpose(1, 2).numpy()
    observed = x.detach().transpose(1, 2).numpy()
    real = (np.arange(codes.shape[1]) < lengths[:, None])[..., None]
    return grad, observed, real


# ------------------------------------------------------------------ modules
@pytest.mark.parametrize("positional", [True, False])
def test_attngen_forward_one_hot_matches_forward(positional):
    torch.manual_seed(0)
    net = AttnGenNet(3, 20, n_filters=8, n_blocks=2, n_heads=2, positional=positional).eval()
    codes = torch.randint(0, 5, (6, 20), dtype=torch.uint8)
    lengths = torch.tensor([20, 19, 12, 5, 1, 20])
    logits, attention = net(codes, lengths)
    logits_oh, attention_oh = net.forward_one_hot(one_hot(codes), lengths)
    assert torch.equal(logits, logits_oh) and torch.equal(attention, attention_oh)
    _, scores, mask = net.attention_logits(codes, lengths)
    assert torch.equal(scores, net.attention_logits_one_hot(one_hot(codes), lengths)[1])
    assert mask.sum(dim=1).tolist() == lengths.tolist()


def test_gbcnn_forward_one_hot_equals_embedding_lookup():
    torch.manual_seed(0)
    net = GBCNN(2, 64, embedding_dim=6).eval()
    codes = torch.randint(0, 5, (5, 61), dtype=torch.uint8)
    lengths = torch.full((5,), 61)
    # the original forward: an embedding lookup of the N-padded codes
    padded = F.pad(codes.long(), (0, 3), value=N_CODE)
    expected = net.dense_model(net.cnn_model(net.embeddings(padded).transpose(1, 2)))
    torch.testing.assert_close(net(codes, lengths), expected, rtol=0, atol=1e-6)
    torch.testing.assert_close(net.forward_one_hot(one_hot(codes), lengths), expected)
    with pytest.raises(ValueError, match="exceed the 64 positions"):
        net.forward_one_hot(torch.zeros(1, 4, 65), torch.tensor([65]))


# ---------------------------------------------------------- result contract
@pytest.mark.parametrize("method", METHODS)
def test_shapes_padding_and_fields(clf, method):
    result = attribute(clf, TINY_X[:4], method, n_steps=8)
    codes, lengths = check_sequences(TINY_X[:4])
    assert result.scores.shape == codes.shape and result.scores.dtype == np.float32
    assert result.method == method
    np.testing.assert_array_equal(result.lengths, lengths)
    padding = np.arange(codes.shape[1])[None, :] >= lengths[:, None]
    assert padding.any() and (result.scores[padding] == 0).all()
    if method == "attention":
        assert result.base_scores is None and result.target is None
    else:
        assert result.base_scores.shape == (*codes.shape, 4)
        assert (result.base_scores[padding] == 0).all()
        np.testing.assert_array_equal(result.target, clf.predict(TINY_X[:4]))


def test_saliency_and_attention_are_the_estimators(clf):
    """The default method is the built-in map, signed, for the predicted class or a target."""
    default = attribute(clf, TINY_X)
    assert default.method == "saliency"
    np.testing.assert_array_equal(default.scores, clf.saliency(TINY_X, signed=True))
    np.testing.assert_array_equal(np.abs(default.scores), clf.saliency(TINY_X))
    np.testing.assert_array_equal(default.base_scores.sum(axis=2), default.scores)
    other = attribute(clf, TINY_X, target=clf.classes_[1])
    np.testing.assert_array_equal(
        other.scores, clf.saliency(TINY_X, target=clf.classes_[1], signed=True)
    )
    assert (other.target == clf.classes_[1]).all()
    np.testing.assert_array_equal(attribute(clf, TINY_X, "attention").scores, clf.attention(TINY_X))


@pytest.mark.parametrize("method", ["gradient", "input_x_gradient", "integrated_gradients", "ism"])
def test_batch_size_does_not_change_scores(clf, method):
    small = attribute(clf, TINY_X[:6], method, batch_size=2, n_steps=6)
    large = attribute(clf, TINY_X[:6], method, batch_size=256, n_steps=6)
    np.testing.assert_allclose(small.base_scores, large.base_scores, rtol=1e-4, atol=1e-6)


def test_gradient_methods_against_autograd(clf):
    grad, observed, real = _autograd_gradient(clf, TINY_X[:3], target=1)

    gradient = attribute(clf, TINY_X[:3], "gradient", target=1)
    np.testing.assert_allclose(gradient.base_scores, grad * real, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gradient.scores, np.abs(grad * real).max(axis=2), rtol=1e-5)

    times_input = attribute(clf, TINY_X[:3], "input_x_gradient", target=1)
    np.testing.assert_allclose(times_input.base_scores, grad * observed, rtol=1e-5, atol=1e-7)
    assert ((times_input.base_scores != 0) <= (observed == 1)).all()
    np.testing.assert_allclose(times_input.scores, (grad * observed).sum(axis=2), rtol=1e-5)


def _riemann_integrated_gradients(module, x, reference, lengths, target, n_steps):
    """Reference implementation: midpoint Riemann sum of the path gradients."""
    total = torch.zeros_like(x)
    for alpha in (np.arange(n_steps) + 0.5) / n_steps:
        point = (reference + float(alpha) * (x - reference)).requires_grad_(True)
        logits = module.forward_one_hot(point, lengths)[0]
        logits[torch.arange(len(x)), target].sum().backward()
        total += point.grad
    return ((x - reference) * total / n_steps).transpose(1, 2).numpy()


@pytest.mark.parametrize("baseline", ["N", "uniform"])
def test_integrated_gradients_against_reference(clf, baseline):
    X = TINY_X[:4]
    result = attribute(clf, X, "integrated_gradients", baseline=baseline, n_steps=50)
    codes, lengths = check_sequences(X)
    module = clf.module_.eval()
    x = one_hot(torch.as_tensor(codes))
    real = torch.as_tensor(np.arange(codes.shape[1]) < lengths[:, None])
    reference = torch.zeros_like(x) if baseline == "N" else 0.25 * real[:, None, :].expand_as(x)
    reference = reference.float()
    target = np.searchsorted(clf.classes_, result.target)
    lengths_t = torch.as_tensor(lengths)
    expected = _riemann_integrated_gradients(module, x, reference, lengths_t, target, 400)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(result.base_scores, expected, atol=0.02 * scale)
    # completeness: the attributions add up to f(x) - f(baseline)
    with torch.no_grad():
        rows = torch.arange(len(x))
        gap = (
            module.forward_one_hot(x, lengths_t)[0][rows, target]
            - module.forward_one_hot(reference, lengths_t)[0][rows, target]
        ).numpy()
    np.testing.assert_allclose(result.scores.sum(axis=1), gap, atol=0.02 * np.abs(gap).max())


def test_ism_matches_explicit_mutants(clf):
    X = TINY_X[:3]
    result = attribute(clf, X, "ism", target=0)
    codes, lengths = check_sequences(X)
    reference = _logits(clf, codes, lengths)[:, 0]
    for i, j, base in [(0, 0, 3), (1, 5, 2), (2, 9, 0), (2, 3, 1)]:
        mutant = codes.copy()
        if mutant[i, j] == base:
            continue
        mutant[i, j] = base
        expected = _logits(clf, mutant, lengths)[i, 0] - reference[i]
        assert result.base_scores[i, j, base] == pytest.approx(expected, abs=1e-5)
    in_place = np.take_along_axis(result.base_scores, np.minimum(codes, 3)[..., None], axis=2)
    assert (in_place == 0).all()
    np.testing.assert_array_equal(result.scores, np.abs(result.base_scores).max(axis=2))


def test_ism_scores_every_base_at_an_n():
    clf = tiny_attngen()
    result = attribute(clf, ["ACGTNACGTT"], "ism")
    assert (result.base_scores[0, 4] != 0).sum() == 4
    assert (result.base_scores[0, 3] != 0).sum() <= 3


def test_cnn_baseline_gradients_and_ism():
    cnn, X, _ = tiny_cnn()
    for method in ("gradient", "input_x_gradient", "integrated_gradients", "ism"):
        result = attribute(cnn, X[:2], method, n_steps=4, batch_size=64)
        assert result.scores.shape == (2, 64)
        assert np.isfinite(result.scores).all() and np.abs(result.scores).sum() > 0
    for method in ("saliency", "attention"):
        with pytest.raises(ValueError, match=f"has no {method} method"):
            attribute(cnn, X[:2], method)


# ---------------------------------------------------------------- targets
def test_target_label_array_and_default(clf):
    predicted = clf.predict(TINY_X)
    default = attribute(clf, TINY_X, "input_x_gradient")
    explicit = attribute(clf, TINY_X, "input_x_gradient", target=predicted)
    np.testing.assert_array_equal(default.scores, explicit.scores)
    other = attribute(clf, TINY_X, "input_x_gradient", target=1)
    assert (other.target == 1).all()
    labelled = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, random_state=0)
    labelled.fit(TINY_X, np.where(np.array([0, 1, 0, 1] * 6) == 1, "yes", "no"))
    assert (attribute(labelled, TINY_X[:2], "gradient", target="yes").target == "yes").all()


@pytest.mark.parametrize(
    ("target", "message"),
    [(7, "not one of the classes"), ([0, 1], "one per sequence"), ([[0]], "one per sequence")],
)
def test_bad_target(clf, target, message):
    with pytest.raises(ValueError, match=message):
        attribute(clf, TINY_X[:3], "gradient", target=target)


# ------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"method": "shap"}, ValueError, "method must be one of"),
        ({"method": "integrated_gradients", "baseline": "zeros"}, ValueError, "baseline must"),
        ({"method": "gradient", "batch_size": 0}, ValueError, "batch_size must be an int"),
        ({"method": "gradient", "batch_size": 2.5}, ValueError, "batch_size must be an int"),
        ({"method": "integrated_gradients", "n_steps": 0}, ValueError, "n_steps must"),
    ],
)
def test_bad_parameters(clf, kwargs, error, message):
    with pytest.raises(error, match=message):
        attribute(clf, TINY_X[:2], **kwargs)


def test_bad_estimator_and_input(clf):
    with pytest.raises(TypeError, match="network estimator"):
        attribute(LogisticRegression(), TINY_X)
    with pytest.raises(NotFittedError):
        attribute(AttnGenClassifier(), TINY_X, "gradient")
    with pytest.raises(ValueError, match="invalid character"):
        attribute(clf, ["ACGTX"], "gradient")
    with pytest.raises(ValueError, match="longer than the 16 positions"):
        attribute(clf, ["A" * 17], "gradient")


def test_missing_captum_names_the_extra(clf, monkeypatch):
    monkeypatch.setitem(sys.modules, "captum", None)
    monkeypatch.setitem(sys.modules, "captum.attr", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-attngen\[interpret\]"):
        attribute(clf, TINY_X[:2], "integrated_gradients")
    attribute(clf, TINY_X[:2], "input_x_gradient")  # the other methods need no captum


# --------------------------------------------------------- no side effects
@pytest.mark.parametrize("method", METHODS)
def test_estimator_and_input_unchanged(method):
    clf = AttnGenClassifier(n_filters=4, n_blocks=1, max_epochs=1, random_state=0)
    clf.fit(TINY_X, [0, 1, 0, 1] * 6)
    clf.module_.train()  # attribute must restore the mode it found
    state = {k: v.clone() for k, v in clf.module_.state_dict().items()}
    grads = [None if p.grad is None else p.grad.clone() for p in clf.module_.parameters()]
    codes, _ = check_sequences(TINY_X[:4])
    codes_before = codes.copy()
    rng_state = torch.get_rng_state()
    attribute(clf, codes, method, n_steps=4)
    assert clf.module_.training
    for key, value in clf.module_.state_dict().items():
        assert torch.equal(value, state[key]), key
    for p, grad in zip(clf.module_.parameters(), grads, strict=True):
        assert (p.grad is None and grad is None) or torch.equal(p.grad, grad)
    np.testing.assert_array_equal(codes, codes_before)
    assert torch.equal(torch.get_rng_state(), rng_state)


# ------------------------------------------------------- gradient correction
def test_gradient_correction_against_autograd(clf):
    grad, observed, real = _autograd_gradient(clf, TINY_X[:3], target=0)
    corrected = grad - grad.mean(axis=2, keepdims=True)

    gradient = attribute(clf, TINY_X[:3], "gradient", target=0, gradient_correction=True)
    np.testing.assert_allclose(gradient.base_scores, corrected * real, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gradient.base_scores.sum(axis=2), 0, atol=1e-6)
    times_input = attribute(clf, TINY_X[:3], "input_x_gradient", target=0, gradient_correction=True)
    np.testing.assert_allclose(times_input.base_scores, corrected * observed, atol=1e-7)
    plain = attribute(clf, TINY_X[:3], "input_x_gradient", target=0)
    assert not np.allclose(plain.scores, times_input.scores)


def test_gradient_correction_of_integrated_gradients(clf):
    X = TINY_X[:4]
    kwargs = dict(target=1, n_steps=16)
    codes, lengths = check_sequences(X)
    # all-N baseline: x * (path-mean gradient - its mean over the bases)
    raw = attribute(clf, X, "integrated_gradients", **kwargs)
    corrected = attribute(clf, X, "integrated_gradients", gradient_correction=True, **kwargs)
    assert not np.allclose(raw.scores, corrected.scores)
    module = clf.module_.eval()
    x = one_hot(torch.as_tensor(codes))
    lengths_t = torch.as_tensor(lengths)
    total = torch.zeros_like(x)
    for alpha in (np.arange(200) + 0.5) / 200:
        point = (float(alpha) * x).requires_grad_(True)
        module.forward_one_hot(point, lengths_t)[0][:, 1].sum().backward()
        total += point.grad
    mean_grad = total / 200
    expected = (x * (mean_grad - mean_grad.mean(dim=1, keepdim=True))).transpose(1, 2).numpy()
    np.testing.assert_allclose(corrected.base_scores, expected, atol=0.02 * np.abs(expected).max())
    # uniform baseline: x - baseline sums to 0 over the bases, so the scores stay
    uniform = dict(baseline="uniform", **kwargs)
    np.testing.assert_allclose(
        attribute(clf, X, "integrated_gradients", **uniform).scores,
        attribute(clf, X, "integrated_gradients", gradient_correction=True, **uniform).scores,
        atol=1e-6,
    )


@pytest.mark.parametrize("method", ["attention", "ism", "deeplift_shap"])
def test_gradient_correction_only_for_gradient_methods(clf, method):
    with pytest.raises(ValueError, match="gradient_correction applies to the gradient"):
        attribute(clf, TINY_X[:2], method, gradient_correction=True)
    with pytest.raises(ValueError, match="gradient_correction must be True or False"):
        attribute(clf, TINY_X[:2], "gradient", gradient_correction="yes")


# ------------------------------------------------------------ DeepLIFT/SHAP
class _AdditiveNet(torch.nn.Module):
    """Conv, batch norm, GELU, mean over the real positions, linear: DeepLIFT is exact on it."""

    def __init__(self, n_outputs, max_length):
        super().__init__()
        self.max_length = max_length
        self.conv = torch.nn.Conv1d(4, 6, 5, padding="same")
        self.norm = torch.nn.BatchNorm1d(6)
        self.act = torch.nn.GELU()
        self.head = torch.nn.Linear(6, n_outputs)

    def forward(self, codes, lengths):
        return self.forward_one_hot(one_hot(codes), lengths)

    def forward_one_hot(self, x, lengths):
        real = (torch.arange(x.shape[2]) < lengths[:, None]).to(x.dtype)
        h = self.act(self.norm(self.conv(x))) * real[:, None, :]
        logits = self.head(h.sum(dim=2) / lengths[:, None].to(x.dtype))
        return logits, real / real.sum(dim=1, keepdim=True)


@pytest.fixture(scope="module")
def additive_clf():
    rng = np.random.RandomState(0)
    X = ["".join(rng.choice(list("ACGT"), size=n)) for n in rng.randint(12, 21, size=40)]
    y = [s.count("G") > s.count("T") for s in X]
    clf = AttnGenClassifier(module=_AdditiveNet, max_epochs=1, verbose=0, random_state=0)
    clf = clf.fit(X, y)
    with torch.no_grad():  # large weights: strongly nonlinear, k-mer (not composition) features
        generator = torch.Generator().manual_seed(0)
        for param in (clf.module_.conv.weight, clf.module_.head.weight):
            param.copy_(torch.randn(param.shape, generator=generator))
        clf.module_.norm.running_mean.uniform_(-0.5, 0.5, generator=generator)
        clf.module_.norm.running_var.uniform_(0.5, 2.0, generator=generator)
    return clf, X


def test_deeplift_shap_completeness_with_shuffled_references(additive_clf):
    from sklearn_attngen.datasets import dinucleotide_shuffle

    clf, X = additive_clf
    X = X[:6]
    result = attribute(clf, X, "deeplift_shap", n_references=5, random_state=3, batch_size=10)
    codes, lengths = check_sequences(X)
    # the same draws: one rng, sequences in order, n_references shuffles each
    rng = np.random.RandomState(3)
    refs = np.stack([dinucleotide_shuffle(c[None], n_shuffles=5, random_state=rng) for c in codes])
    target = np.searchsorted(clf.classes_, result.target)
    f_x = _logits(clf, codes, lengths)[np.arange(6), target]
    f_ref = np.stack([_logits(clf, refs[:, k], lengths)[np.arange(6), target] for k in range(5)])
    gap = f_x - f_ref.mean(axis=0)
    np.testing.assert_allclose(result.scores.sum(axis=1), gap, rtol=1e-4, atol=1e-5)
    assert np.abs(gap).min() > 1e-2  # a non-trivial check
    # scores sit on the base in place, and the batch size does not change them
    observed = one_hot(torch.as_tensor(codes)).transpose(1, 2).numpy()
    assert ((result.base_scores != 0) <= (observed == 1)).all()
    np.testing.assert_allclose(result.base_scores.sum(axis=2), result.scores)
    other = attribute(clf, X, "deeplift_shap", n_references=5, random_state=3, batch_size=3)
    np.testing.assert_allclose(other.scores, result.scores, rtol=1e-5, atol=1e-6)


def test_deeplift_shap_applies_the_rescale_rule_to_gelu(additive_clf):
    """captum alone passes the GELU gradient; completeness then fails on this network."""
    from captum.attr import DeepLift

    from sklearn_attngen.interpret._attribute import _deeplift_class, _LogitsOfOneHot

    clf, X = additive_clf
    codes, lengths = check_sequences(X[:8])
    x = one_hot(torch.as_tensor(codes)).requires_grad_(True)
    reference = torch.roll(one_hot(torch.as_tensor(codes)), 1, dims=0)
    lengths_t = torch.as_tensor(lengths)
    model = _LogitsOfOneHot(clf.module_.eval())
    with torch.no_grad():
        gap = (model(x, lengths_t) - model(reference, lengths_t))[:, 1].numpy()
    errors = {}
    ours = _deeplift_class()
    for cls in (DeepLift, ours):
        with pytest.warns(UserWarning, match="Setting forward, backward hooks"):
            a = cls(model).attribute(
                x, baselines=reference, target=1, additional_forward_args=(lengths_t,)
            )
        errors[cls] = np.abs(a.detach().sum(dim=(1, 2)).numpy() - gap).max()
    assert errors[ours] < 1e-5 < 1e-3 < errors[DeepLift]


def test_deeplift_shap_on_the_networks(clf):
    result = attribute(clf, TINY_X[:4], "deeplift_shap", n_references=3, random_state=0)
    again = attribute(clf, TINY_X[:4], "deeplift_shap", n_references=3, random_state=0)
    np.testing.assert_array_equal(result.scores, again.scores)
    other = attribute(clf, TINY_X[:4], "deeplift_shap", n_references=3, random_state=1)
    assert not np.array_equal(result.scores, other.scores)
    np.testing.assert_array_equal(result.target, clf.predict(TINY_X[:4]))
    cnn, X, _ = tiny_cnn()
    result = attribute(cnn, X[:2], "deeplift_shap", n_references=2, target=1)
    assert result.scores.shape == (2, 64) and np.abs(result.scores).sum() > 0
    with pytest.raises(ValueError, match="n_references must be an int"):
        attribute(clf, TINY_X[:2], "deeplift_shap", n_references=0)
