"""Per-nucleotide attributions of a fitted estimator: attention, gradients, IG, DeepLIFT, ISM."""

import numbers
import warnings
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .._modules import one_hot
from ..datasets import dinucleotide_shuffle
from ..utils import check_sequences, class_indices

__all__ = ["BASELINES", "METHODS", "attribute"]

METHODS = (
    "saliency",
    "attention",
    "gradient",
    "input_x_gradient",
    "integrated_gradients",
    "deeplift_shap",
    "ism",
)
BASELINES = ("N", "uniform")
_ISM_BLOCK = 16  # sequences' worth of mutants built at once is batch_size * _ISM_BLOCK
_GRADIENT_METHODS = ("gradient", "input_x_gradient", "integrated_gradients")
_NEEDS_ONE_HOT = (*_GRADIENT_METHODS, "deeplift_shap")


def _check_estimator(estimator, method):
    if not hasattr(estimator, "alphabet") or not hasattr(estimator, "module"):
        raise TypeError(
            f"attribute needs a sklearn_attngen network estimator (AttnGenClassifier, "
            f"CNNBaselineClassifier), got {type(estimator).__name__}."
        )
    check_is_fitted(estimator, ["module_", "n_positions_"])
    if method in ("saliency", "attention") and not hasattr(estimator, method):
        raise ValueError(
            f"method={method!r} needs an AttnGen estimator ({type(estimator).__name__} has no "
            f"{method} method); use a gradient method, 'deeplift_shap' or 'ism'."
        )
    if method in _NEEDS_ONE_HOT:
        if not hasattr(estimator.module_, "forward_one_hot"):
            raise TypeError(
                f"method={method!r} needs a module with forward_one_hot(x, lengths); "
                f"{type(estimator.module_).__name__} has none."
            )


def _check_int(value, name, low=1):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")


def _check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}.")


def _device(estimator):
    try:
        return next(estimator.module_.parameters()).device
    except StopIteration:
        return torch.device(estimator.device or "cpu")


@contextmanager
def _evaluating(module):
    """Eval mode (no dropout, batch-norm running statistics), restored afterwards."""
    was_training = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(was_training)


def _logits(output):
    return output[0] if isinstance(output, tuple) else output


def _batches(n, batch_size):
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def _real_mask(codes, lengths):
    return np.arange(codes.shape[1])[None, :] < lengths[:, None]


def _correct(grad):
    """Majdandzic et al. (2023): remove the mean over the four bases (axis 1) at each position."""
    return grad - grad.mean(dim=1, keepdim=True)


def _gradient_attributions(
    module, codes, lengths, target, device, batch_size, times_input, correction
):
    base_scores = np.zeros((*codes.shape, 4), dtype=np.float32)
    predicted = np.empty(len(codes), dtype=np.int64)
    for batch in _batches(len(codes), batch_size):
        c = torch.as_tensor(codes[batch], device=device)
        lengths_t = torch.as_tensor(lengths[batch], device=device)
        x = one_hot(c).requires_grad_(True)
        logits = _logits(module.forward_one_hot(x, lengths_t))
        predicted[batch] = logits.argmax(dim=1).cpu().numpy()
        t = predicted[batch] if target is None else target[batch]
        t = torch.as_tensor(t, device=device)
        (grad,) = torch.autograd.grad(logits.gather(1, t[:, None]).sum(), x)
        if correction:
            grad = _correct(grad)
        if times_input:
            grad = grad * x.detach()
        base_scores[batch] = grad.transpose(1, 2).cpu().numpy()
    return base_scores, predicted if target is None else target


@torch.no_grad()
def _predict_index(module, codes, lengths, device, batch_size):
    """Predicted class index and all logits, batched."""
    logits = []
    for batch in _batches(len(codes), batch_size):
        c = torch.as_tensor(codes[batch], device=device)
        out = _logits(module(c, torch.as_tensor(lengths[batch], device=device)))
        logits.append(out.cpu().numpy())
    logits = np.concatenate(logits)
    return logits.argmax(axis=1), logits


@contextmanager
def _needs_captum(method):
    """Turn a failed import of captum into an ImportError naming ``method`` and the extra."""
    try:
        yield
    except ImportError as exc:
        raise ImportError(
            f"method={method!r} needs captum: pip install sklearn-attngen[interpret]"
        ) from exc


def _target_or_predicted(target, module, codes, lengths, device, batch_size):
    """``target``, or the predicted class index of each sequence when it is None."""
    if target is None:
        return _predict_index(module, codes, lengths, device, batch_size)[0]
    return target


def _integrated_gradients(
    module, codes, lengths, target, device, batch_size, n_steps, baseline, correction
):
    with _needs_captum("integrated_gradients"):
        from captum.attr import IntegratedGradients
    target = _target_or_predicted(target, module, codes, lengths, device, batch_size)
    ig = IntegratedGradients(
        lambda x, lengths_t: _logits(module.forward_one_hot(x, lengths_t)),
        multiply_by_inputs=False,  # the path-averaged gradient, corrected below if asked
    )
    real = _real_mask(codes, lengths)
    base_scores = np.zeros((*codes.shape, 4), dtype=np.float32)
    for batch in _batches(len(codes), batch_size):
        x = one_hot(torch.as_tensor(codes[batch], device=device))
        if baseline == "N":
            reference = torch.zeros_like(x)
        else:  # uniform over the real positions; padding stays N, so it gets no attribution
            reference = 0.25 * torch.as_tensor(real[batch], device=device)[:, None, :].expand_as(x)
            reference = reference.to(x.dtype).contiguous()
        mean_grad = ig.attribute(
            x,
            baselines=reference,
            target=torch.as_tensor(target[batch], device=device),
            additional_forward_args=(torch.as_tensor(lengths[batch], device=device),),
            n_steps=n_steps,
            internal_batch_size=batch_size,
        ).detach()
        if correction:
            mean_grad = _correct(mean_grad)
        attributions = mean_grad * (x - reference)
        base_scores[batch] = attributions.transpose(1, 2).cpu().numpy()
    return base_scores, target


class _LogitsOfOneHot(nn.Module):
    """The network as captum's DeepLift needs it: a Module from one-hot input to logits."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x, lengths):
        return _logits(self.module.forward_one_hot(x, lengths))


def _deeplift_class():
    """captum's DeepLift with the rescale rule on nn.GELU too.

    captum applies its rules to the nonlinearity modules it lists (ReLU, ELU,
    LeakyReLU, Sigmoid, Tanh, Softplus, max pooling, Softmax); an unlisted
    module, or a function such as ``F.gelu`` or ``torch.softmax``, passes the
    plain gradient. GELU is elementwise, so captum's generic rescale rule
    (multiplier ``(f(x) - f(x_ref)) / (x - x_ref)``) is exact for it.
    """
    from captum.attr import DeepLift
    from captum.attr._core.deep_lift import nonlinear

    class _DeepLift(DeepLift):
        def _is_non_linear(self, module):
            return type(module) is nn.GELU or super()._is_non_linear(module)

        def _backward_hook(self, module, grad_input, grad_output):
            if type(module) is not nn.GELU:
                return super()._backward_hook(module, grad_input, grad_output)
            if not self.satisfies_attribute_criteria(module):
                raise RuntimeError(f"DeepLift: module {module} is used more than once.")
            multipliers = nonlinear(
                module, module.input, module.output, grad_input, grad_output, eps=self.eps
            )
            del module.input, module.output
            return multipliers

    return _DeepLift


def _deeplift_shap(module, codes, lengths, target, device, batch_size, n_references, rng):
    with _needs_captum("deeplift_shap"):
        deeplift_class = _deeplift_class()
    target = _target_or_predicted(target, module, codes, lengths, device, batch_size)
    explainer = deeplift_class(_LogitsOfOneHot(module))
    base_scores = np.zeros((*codes.shape, 4), dtype=np.float32)
    per_forward = max(1, batch_size // n_references)  # sequences per forward pass
    for batch in _batches(len(codes), per_forward):
        # one sequence at a time, so the draws do not depend on batch_size
        references = np.stack(
            [
                dinucleotide_shuffle(codes[i : i + 1], n_shuffles=n_references, random_state=rng)
                for i in range(batch.start, batch.stop)
            ]
        )
        n = batch.stop - batch.start
        x = one_hot(torch.as_tensor(codes[batch], device=device))
        x = x.repeat_interleave(n_references, dim=0).requires_grad_(True)
        reference = one_hot(torch.as_tensor(references.reshape(n * n_references, -1)))
        t = torch.as_tensor(target[batch], device=device).repeat_interleave(n_references)
        lengths_t = torch.as_tensor(lengths[batch], device=device).repeat_interleave(n_references)
        with warnings.catch_warnings():
            # captum announces, on every call, that it hooks the nonlinearities
            warnings.filterwarnings("ignore", message="Setting forward, backward hooks")
            attributions = explainer.attribute(
                x,
                baselines=reference.to(device),
                target=t,
                additional_forward_args=(lengths_t,),
            ).detach()
        # mean over references of the position's contribution, put on the base in place
        per_position = attributions.sum(dim=1).reshape(n, n_references, -1).mean(dim=1)
        scores = per_position[:, None, :] * x.detach()[::n_references]
        base_scores[batch] = scores.transpose(1, 2).cpu().numpy()
    return base_scores, target


@torch.no_grad()
def _ism(module, codes, lengths, target, device, batch_size):
    predicted, logits = _predict_index(module, codes, lengths, device, batch_size)
    target = predicted if target is None else target
    reference = logits[np.arange(len(codes)), target]
    base_scores = np.zeros((*codes.shape, 4), dtype=np.float32)
    width = codes.shape[1]
    block = max(1, batch_size * _ISM_BLOCK // (4 * width))
    for seqs in _batches(len(codes), block):
        rows = np.arange(seqs.start, seqs.stop)
        # every (sequence, position, base) with a base other than the one in place
        sample = np.repeat(rows, 4 * width)
        position = np.tile(np.repeat(np.arange(width), 4), len(rows))
        base = np.tile(np.arange(4, dtype=np.uint8), len(rows) * width)
        keep = (position < lengths[sample]) & (codes[sample, position] != base)
        sample, position, base = sample[keep], position[keep], base[keep]
        for batch in _batches(len(sample), batch_size):
            s, p = sample[batch], position[batch]
            mutants = codes[s]
            mutants[np.arange(len(s)), p] = base[batch]
            out = _logits(
                module(
                    torch.as_tensor(mutants, device=device),
                    torch.as_tensor(lengths[s], device=device),
                )
            )
            t = torch.as_tensor(target[s], device=device)
            changed = out.gather(1, t[:, None])[:, 0].cpu().numpy() - reference[s]
            base_scores[s, p, base[batch]] = changed
    return base_scores, target


def attribute(
    estimator,
    X,
    method="saliency",
    *,
    target=None,
    batch_size=128,
    n_steps=50,
    baseline="N",
    gradient_correction=False,
    n_references=10,
    random_state=None,
):
    """Per-nucleotide attribution scores of a fitted network estimator.

    One entry point for the built-in saliency and the post-hoc attributions it
    is measured against, all on the same fitted model and the estimator's
    device, batched, with the network in evaluation mode (the estimator is
    left as it was):

    ``"saliency"``
        The built-in map, :meth:`~sklearn_attngen.AttnGenClassifier.saliency`
        with ``signed=True``: input x gradient of the target's centred logit
        with the attention weights held (the value path). ``scores`` is
        signed; ``base_scores`` puts it on the base in place.
    ``"attention"``
        :meth:`~sklearn_attngen.AttnGenClassifier.attention`: the raw
        attention weights, class-independent (``target`` is not used),
        non-negative, summing to 1 over each sequence. ``base_scores`` is None.
    ``"gradient"``
        Gradient of the target logit with respect to the one-hot input
        (Simonyan et al. 2014). ``base_scores`` is the gradient for each of the
        four bases; ``scores`` is its largest absolute value at each position.
    ``"input_x_gradient"``
        Gradient times input (Shrikumar et al. 2016): ``base_scores`` is
        non-zero only at the base in place; ``scores`` is that signed value.
    ``"integrated_gradients"``
        Integrated gradients (Sundararajan et al. 2017) from ``baseline`` to
        the one-hot input in ``n_steps`` steps, computed by captum's
        :class:`~captum.attr.IntegratedGradients` (Gauss-Legendre rule).
        ``scores`` is the signed sum over bases; over a sequence the scores
        sum to about ``f(x) - f(baseline)`` (completeness).
    ``"deeplift_shap"``
        DeepLIFT (Shrikumar et al. 2017, rescale rule) averaged over
        ``n_references`` dinucleotide-shuffled copies of each sequence
        (:func:`~sklearn_attngen.datasets.dinucleotide_shuffle`; padding and N
        runs stay in place), the
        DeepSHAP estimate of Lundberg & Lee (2017) as used for DNA models
        (e.g. TF-MoDISco inputs), computed by captum's
        :class:`~captum.attr.DeepLift` with one reference per copy.
        ``scores`` is the signed contribution of each position (summed over
        the bases), put on the base in place in ``base_scores``. The rescale
        rule is applied at every ``nn.Module`` nonlinearity captum knows,
        plus ``nn.GELU``; a nonlinearity written as a function (the GELU of
        :class:`~sklearn_attngen._modules.AttnGenNet`'s residual blocks, its
        attention softmax) and the attention-weighted pooling (a product of
        two input-dependent terms) pass the plain gradient instead. For the
        CNN baseline the scores of a sequence therefore sum to
        ``f(x)`` minus the mean of ``f`` over its references (completeness);
        for AttnGen models that holds only approximately.
    ``"ism"``
        In-silico mutagenesis: every single-base substitution is scored by
        the change it causes in the target logit, ``base_scores[i, j, b] =
        f(x with base b at j) - f(x)`` (0 for the base in place), and
        ``scores`` is the largest absolute change over the three
        substitutions (four at an N) at each position. Costs
        ``3 * length`` forward passes per sequence.

    Parameters
    ----------
    estimator : AttnGenClassifier or CNNBaselineClassifier
        A fitted estimator of this package (its network needs
        ``forward_one_hot`` for the gradient methods).
    X : list, ndarray or pandas Series of str, or ndarray
        DNA sequences, as accepted by the estimator's ``predict``.
    method : {"saliency", "attention", "gradient", "input_x_gradient", \
"integrated_gradients", "deeplift_shap", "ism"}, default="saliency"
    target : label or array-like of shape (n_samples,), default=None
        Class (label as in ``classes_``) whose logit is attributed, one for
        all sequences or one per sequence. None uses each sequence's predicted
        class.
    batch_size : int, default=128
        Sequences per forward pass (for integrated gradients, path points per
        forward pass; for ISM, mutants per forward pass).
    n_steps : int, default=50
        Integration steps of integrated gradients.
    baseline : {"N", "uniform"}, default="N"
        Reference input of integrated gradients: all N (the zero one-hot) or
        0.25 for each base.
    gradient_correction : bool, default=False
        For ``"gradient"``, ``"input_x_gradient"`` and
        ``"integrated_gradients"`` only: subtract, at each position, the mean
        of the gradient over the four bases before it is used (Majdandzic,
        Rajesh & Koo, Genome Biology 2023). The one-hot input lies on the
        simplex (the four channels sum to 1), so the gradient component
        orthogonal to it is off-manifold noise; removing it changes every
        ``"gradient"`` score, the ``"input_x_gradient"`` score at each base
        in place, and integrated gradients with the all-N baseline (with the
        ``"uniform"`` baseline it changes ``base_scores`` but not ``scores``:
        ``x - baseline`` sums to 0 over the bases).
    n_references : int, default=10
        Dinucleotide-shuffled references per sequence for ``"deeplift_shap"``.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffled references of ``"deeplift_shap"``.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        scores : ndarray of shape (n_samples, max_length), dtype float32
            Per-position attribution; ``max_length`` is the longest sequence
            in ``X``, and padding positions are 0.
        base_scores : ndarray of shape (n_samples, max_length, 4) or None
            Per-base attribution in A, C, G, T order (None for attention).
        target : ndarray of shape (n_samples,) or None
            Class label attributed for each sequence (None for attention).
        lengths : ndarray of shape (n_samples,)
            Real length of each sequence.
        method : str
            The ``method`` used.

    Raises
    ------
    ImportError
        For ``"integrated_gradients"`` and ``"deeplift_shap"`` without captum
        (``pip install sklearn-attngen[interpret]``).

    See Also
    --------
    sklearn_attngen.evaluation.deletion_curve : Test a score by deleting its top positions.
    sklearn_attngen.evaluation.motif_overlap : Compare a score with planted motifs.

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.interpret import attribute
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> result = attribute(clf, X[:2], method="input_x_gradient")
    >>> result.scores.shape, result.base_scores.shape
    ((2, 24), (2, 24, 4))
    >>> attribute(clf, X[:2], method="ism", target=1).scores.shape
    (2, 24)
    >>> corrected = attribute(clf, X[:2], method="gradient", gradient_correction=True)
    >>> bool(abs(corrected.base_scores.sum(axis=2)).max() < 1e-5)  # mean over bases removed
    True
    >>> shap = attribute(clf, X[:2], method="deeplift_shap", n_references=4, random_state=0)
    >>> shap.scores.shape
    (2, 24)
    """
    _check_choice(method, "method", METHODS)
    _check_estimator(estimator, method)
    _check_int(batch_size, "batch_size")
    _check_int(n_steps, "n_steps")
    _check_choice(baseline, "baseline", BASELINES)
    if not isinstance(gradient_correction, (bool, np.bool_)):
        raise ValueError(f"gradient_correction must be True or False, got {gradient_correction!r}.")
    if gradient_correction and method not in _GRADIENT_METHODS:
        raise ValueError(
            f"gradient_correction applies to the gradient methods {_GRADIENT_METHODS}, "
            f"not to method={method!r}."
        )
    _check_int(n_references, "n_references")
    rng = check_random_state(random_state)
    codes, lengths = check_sequences(
        X, allow_memmap=True, alphabet=estimator.alphabet, max_length=estimator.n_positions_
    )
    target_index = class_indices(target, estimator.classes_, len(codes))

    if method == "attention":
        # skorch's inference leaves eval mode set, and its DataLoader draws from the global RNG
        with _evaluating(estimator.module_), torch.random.fork_rng(devices=[]):
            scores = np.asarray(estimator.attention(X), dtype=np.float32)
        return Bunch(scores=scores, base_scores=None, target=None, lengths=lengths, method=method)
    if method == "saliency":
        with _evaluating(estimator.module_), torch.random.fork_rng(devices=[]):
            if target_index is None:
                labels = np.asarray(estimator.predict(X))
            else:
                labels = np.asarray(estimator.classes_)[target_index]
            scores = np.asarray(estimator.saliency(X, target=labels, signed=True), np.float32)
        observed = one_hot(torch.as_tensor(codes)).transpose(1, 2).numpy()
        return Bunch(
            scores=scores,
            base_scores=scores[..., None] * observed,
            target=labels,
            lengths=lengths,
            method=method,
        )

    module, device = estimator.module_, _device(estimator)
    with _evaluating(module):
        # every method takes these first; each returns its base scores and target index
        inputs = (module, codes, lengths, target_index, device, batch_size)
        if method in ("gradient", "input_x_gradient"):
            base_scores, target_index = _gradient_attributions(
                *inputs,
                times_input=method == "input_x_gradient",
                correction=gradient_correction,
            )
        elif method == "integrated_gradients":
            base_scores, target_index = _integrated_gradients(
                *inputs, n_steps, baseline, gradient_correction
            )
        elif method == "deeplift_shap":
            base_scores, target_index = _deeplift_shap(*inputs, n_references, rng)
        else:
            base_scores, target_index = _ism(*inputs)

    real = _real_mask(codes, lengths)
    base_scores *= real[..., None]
    if method in ("gradient", "ism"):
        scores = np.abs(base_scores).max(axis=2)
    else:
        scores = base_scores.sum(axis=2)
    return Bunch(
        scores=scores.astype(np.float32, copy=False),
        base_scores=base_scores,
        target=np.asarray(estimator.classes_)[target_index],
        lengths=lengths,
        method=method,
    )
