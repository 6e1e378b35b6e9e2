"""Model-parameter randomisation test for saliency (Adebayo et al. 2018)."""

import copy
from numbers import Integral

import numpy as np
import torch
from scipy.stats import rankdata
from sklearn.utils import Bunch, check_random_state

from ..interpret import BASELINES, METHODS, attribute
from ..utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from ..utils._random import private_torch_rng
from ._checks import sample_std

__all__ = ["randomization_sanity_check"]


def _parameterised_layers(module):
    """(name, layer) of every sub-module that owns parameters, output layer first."""
    layers = [
        (name or type(module).__name__, layer)
        for name, layer in module.named_modules()
        if next(layer.parameters(recurse=False), None) is not None
    ]
    return layers[::-1]


@torch.no_grad()
def _reinitialise(layer):
    if hasattr(layer, "reset_parameters"):
        layer.reset_parameters()
        return
    for parameter in layer.parameters(recurse=False):  # a layer without its own initialiser
        std = float(parameter.std()) if parameter.numel() > 1 else 1.0
        parameter.normal_(0.0, std or 1.0)


def _row_spearman(a, b, lengths):
    """Spearman correlation of each row of ``a`` and ``b`` over its real positions."""
    out = np.full(len(a), np.nan)
    for length in np.unique(lengths):
        rows = np.flatnonzero(lengths == length)
        ra = rankdata(a[rows, :length], axis=1)
        rb = rankdata(b[rows, :length], axis=1)
        ra -= ra.mean(axis=1, keepdims=True)
        rb -= rb.mean(axis=1, keepdims=True)
        denominator = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[rows] = (ra * rb).sum(axis=1) / denominator
    return out


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": "no_validation",  # DNA input, validated by attribute
        "method": [StrOptions(set(METHODS))],
        "target": "no_validation",
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "baseline": [StrOptions(set(BASELINES))],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def randomization_sanity_check(
    estimator,
    X,
    method="saliency",
    *,
    target=None,
    batch_size=128,
    n_steps=50,
    baseline="N",
    random_state=None,
):
    """Cascading parameter randomisation: does the saliency depend on what the model learned?

    The model-parameter randomisation test of Adebayo et al. (2018, "Sanity
    checks for saliency maps"). On a deep copy of the estimator (the
    estimator passed in is never modified), the layers that own parameters
    are re-initialised one by one, from the output layer down to the input
    (in reverse order of registration in the network, which for the networks
    of this package is reverse order of computation), cumulatively. After each
    step the per-position scores of ``X`` are recomputed and compared with
    the original ones by the Spearman rank correlation over each sequence's
    real positions. A saliency that reflects the learned model decorrelates
    as layers are randomised; one that stays correlated mostly reflects the
    input or the architecture.

    Layers are re-initialised with their own ``reset_parameters`` (batch
    normalisation thus returns to the identity and forgets its running
    statistics), drawn from a torch generator seeded from ``random_state``
    without changing the global torch RNG state. For gradient methods the
    target class of every sequence is fixed to the original model's
    prediction (or ``target``), so the scores answer the same question at
    every step.

    Parameters
    ----------
    estimator : AttnGenClassifier or CNNBaselineClassifier
        Fitted.
    X : list, ndarray or pandas Series of str, or ndarray
        DNA sequences.
    method : str, default="saliency"
        Attribution method of :func:`~sklearn_attngen.interpret.attribute`.
    target, batch_size, n_steps, baseline
        As in :func:`~sklearn_attngen.interpret.attribute`.
    random_state : int, RandomState instance or None, default=None
        Seeds the re-initialisation.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        layers : list of str
            Names of the randomised layers, in order; step ``i`` has layers
            ``0..i`` randomised.
        spearman : ndarray of shape (n_layers,)
            Mean over sequences of the rank correlation after each step
            (sequences whose scores are constant give NaN and are left out).
        spearman_std : ndarray of shape (n_layers,)
            Sample standard deviation over sequences.
        spearman_per_sequence : ndarray of shape (n_samples, n_layers)
            The rank correlation of each sequence after each step.
        original_scores, randomized_scores : ndarray of shape (n_samples, max_length)
            Scores of the model and of the fully randomised model.
        method : str
            The attribution method used.

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.evaluation import randomization_sanity_check
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> result = randomization_sanity_check(clf, X[:4], random_state=0)
    >>> result.layers[0], result.spearman.shape == (len(result.layers),)
    ('head', True)
    """
    options = {"batch_size": batch_size, "n_steps": n_steps, "baseline": baseline}
    original = attribute(estimator, X, method, target=target, **options)
    lengths = original.lengths
    fixed_target = target if original.target is None else original.target

    randomized = copy.deepcopy(estimator)
    module = randomized.module_
    layers = _parameterised_layers(module)
    if not layers:
        raise ValueError(f"{type(module).__name__} has no parameters to randomise.")
    rng = check_random_state(random_state)
    seed = int(rng.randint(2**31 - 1))
    correlations = []
    with private_torch_rng(next(module.parameters()).device, seed):
        for _, layer in layers:
            _reinitialise(layer)
            scores = attribute(randomized, X, method, target=fixed_target, **options).scores
            correlations.append(_row_spearman(original.scores, scores, lengths))
    per_sequence = np.stack(correlations, axis=1)
    kept = ~np.isnan(per_sequence)
    with np.errstate(invalid="ignore"):
        mean = np.where(kept, per_sequence, 0).sum(axis=0) / kept.sum(axis=0)
    std = np.array([sample_std(column[~np.isnan(column)]) for column in per_sequence.T])
    return Bunch(
        layers=[name for name, _ in layers],
        spearman=mean,
        spearman_std=std,
        spearman_per_sequence=per_sequence,
        original_scores=original.scores,
        randomized_scores=scores,
        method=method,
    )
