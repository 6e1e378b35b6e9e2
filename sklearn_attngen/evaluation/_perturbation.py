"""Deletion and insertion curves with a random control, and remove-and-retrain (ROAR)."""

from numbers import Integral

import numpy as np
from scipy.integrate import trapezoid
from sklearn.base import clone
from sklearn.utils import Bunch, check_random_state

from ..preprocessing import decode_sequences
from ..utils import N_CODE, check_sequences, real_positions
from ..utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from ._checks import (
    check_fitted_predictor,
    check_fractions,
    check_labels,
    check_scores,
    sample_std,
)

__all__ = ["deletion_curve", "insertion_curve", "remove_and_retrain"]

_DEFAULT_FRACTIONS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
_CHUNK = 4096  # sequences perturbed at a time: a SequenceMemmap is read chunk by chunk
_CURVE_PARAMS = {
    "estimator": [HasMethods(["predict"])],
    "X": "no_validation",  # DNA input, validated by check_sequences
    "y": ["array-like", None],
    "scores": ["array-like"],
    "fractions": ["array-like"],
    "baseline": [StrOptions({"N", "shuffle", "uniform"})],
    "n_random": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
}


def _real(codes, lengths):
    return real_positions(lengths, codes.shape[1])


def _rank(keys, real):
    """Rank of each position by descending key among real positions (0 = top); ties by position."""
    order = np.argsort(np.where(real, -keys, np.inf), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(keys.shape[1])[None, :], axis=1)
    return rank


def _replacement(codes, real, baseline, rng):
    """What a removed position becomes: N, a base of the shuffled sequence, or a random base."""
    if baseline == "N":
        return np.full_like(codes, N_CODE)
    if baseline == "uniform":
        return rng.randint(4, size=codes.shape).astype(np.uint8)
    # "shuffle": the same position of a random permutation of the sequence's own bases
    order = np.argsort(np.where(real, rng.random_sample(codes.shape), np.inf), axis=1)
    return np.take_along_axis(codes, order, axis=1)


def _perturbed(codes, real, lengths, rank, replacement, fraction, kind):
    top = rank < np.floor(fraction * lengths).astype(np.int64)[:, None]
    if kind == "deletion":
        return np.where(top, replacement, codes)
    return np.where(real & ~top, replacement, codes)


def _as_input(codes, lengths):
    """Codes as the estimator's input: the code array, or strings if lengths differ."""
    if (lengths == codes.shape[1]).all():
        return codes
    return decode_sequences(codes, lengths)


def _n_correct(estimator, codes, lengths, y):
    return int(np.sum(estimator.predict(_as_input(codes, lengths)) == y))


def _curve_result(fractions, accuracy, random_accuracy, baseline, kind):
    random_auc = np.array([trapezoid(row, fractions) for row in random_accuracy])
    return Bunch(
        fractions=fractions,
        accuracy=np.asarray(accuracy, dtype=np.float64),
        random_accuracy=random_accuracy,
        random_accuracy_mean=random_accuracy.mean(axis=0),
        random_accuracy_std=sample_std(random_accuracy, axis=0),
        auc=float(trapezoid(accuracy, fractions)),
        random_auc=float(random_auc.mean()),
        random_auc_std=float(sample_std(random_auc)),
        baseline=baseline,
        kind=kind,
    )


def _perturbation_curve(estimator, X, y, scores, fractions, baseline, n_random, random_state, kind):
    check_fitted_predictor(estimator)
    fractions = check_fractions(fractions)
    codes, lengths = check_sequences(X, allow_memmap=True)
    if y is None and hasattr(X, "target"):  # a labelled SequenceMemmap
        y = X.target
    # a label the model never saw would count as a silent miss at every fraction
    y = check_labels(y, len(lengths), classes=getattr(estimator, "classes_", None))
    scores = check_scores(scores, codes.shape)
    rng = check_random_state(random_state)

    n_correct = np.zeros((1 + n_random, len(fractions)), dtype=np.int64)
    for start in range(0, len(lengths), _CHUNK):  # in memory: one chunk for most data
        rows = slice(start, start + _CHUNK)
        chunk_codes, chunk_lengths = np.asarray(codes[rows]), lengths[rows]
        real = _real(chunk_codes, chunk_lengths)
        replacement = _replacement(chunk_codes, real, baseline, rng)
        orders = [_rank(np.asarray(scores[rows], dtype=np.float64), real)]
        orders += [_rank(rng.random_sample(chunk_codes.shape), real) for _ in range(n_random)]
        for i, rank in enumerate(orders):
            for j, fraction in enumerate(fractions):
                perturbed = _perturbed(
                    chunk_codes, real, chunk_lengths, rank, replacement, fraction, kind
                )
                n_correct[i, j] += _n_correct(estimator, perturbed, chunk_lengths, y[rows])
    accuracy = n_correct / len(lengths)
    return _curve_result(fractions, accuracy[0], accuracy[1:], baseline, kind)


_RESULT_DOC = """
    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        fractions : ndarray of shape (n_fractions,)
            The fractions of each sequence's real positions removed.
        accuracy : ndarray of shape (n_fractions,)
            Accuracy with positions taken in the order of ``scores``.
        random_accuracy : ndarray of shape (n_random, n_fractions)
            Accuracy with positions taken in uniformly random orders.
        random_accuracy_mean, random_accuracy_std : ndarray of shape (n_fractions,)
            Their mean and sample standard deviation (ddof=1; 0 when
            ``n_random=1``).
        auc, random_auc : float
            Areas under the score curve and under the mean random curve
            (trapezoid rule over ``fractions``, not normalised).
        random_auc_std : float
            Sample standard deviation of the areas of the random curves.
        baseline : str
            The ``baseline`` used.
        kind : {"deletion", "insertion", "remove_and_retrain"}
            The experiment that produced the result.
"""


@validate_params(_CURVE_PARAMS, prefer_skip_nested_validation=True)
def deletion_curve(
    estimator,
    X,
    y,
    scores,
    *,
    fractions=_DEFAULT_FRACTIONS,
    baseline="N",
    n_random=5,
    random_state=None,
):
    """Accuracy as the top-scoring positions are deleted, beside a random control.

    For each fraction ``f``, the ``floor(f * length)`` real positions of each
    sequence with the highest ``scores`` (ties: earlier position first) are
    replaced by ``baseline`` and the estimator's accuracy on the perturbed
    sequences is measured. The same is done for ``n_random`` uniformly
    random orders of the positions, deleting as many positions per
    sequence: a faithful saliency makes accuracy fall faster than the random
    control (smaller ``auc`` than ``random_auc``). The replacement bases are
    drawn once per sequence and shared by the score order and the random
    orders, so the two curves differ only in which positions are removed.

    Parameters
    ----------
    estimator : fitted classifier
        Anything with ``predict`` that accepts DNA sequences (the estimators
        of this package, or a pipeline starting with
        :class:`~sklearn_attngen.preprocessing.KmerEncoder`). Sequences of
        equal length are passed as ``uint8`` codes, otherwise as strings.
    X : list, ndarray or pandas Series of str, or ndarray
        DNA sequences.
    y : array-like of shape (n_samples,)
        True labels.
    scores : ndarray of shape (n_samples, max_length) or Bunch
        Per-position scores, higher meaning more important, e.g.
        ``attribute(estimator, X).scores`` (the Bunch itself is accepted).
        ``max_length`` is the longest sequence in ``X``; padding is ignored.
    fractions : sequence of float in [0, 1), default=(0, .05, .1, .2, .3, .5)
        Strictly increasing fractions of each sequence's real positions.
    baseline : {"N", "shuffle", "uniform"}, default="N"
        What a deleted position becomes: N; the base at the same position of
        a random permutation of the sequence (keeps its base composition); or
        a uniformly random base.
    n_random : int, default=5
        Random orders in the control.
    random_state : int, RandomState instance or None, default=None
        Seeds the random orders and the replacement bases.
    {result}
    See Also
    --------
    insertion_curve : The reverse experiment.
    remove_and_retrain : Deletion with retraining (ROAR).

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.evaluation import deletion_curve
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> result = deletion_curve(clf, X, y, clf.saliency(X), fractions=[0, 0.5],
    ...                         n_random=2, random_state=0)
    >>> result.accuracy.shape, result.random_accuracy.shape
    ((2,), (2, 2))
    """
    return _perturbation_curve(
        estimator, X, y, scores, fractions, baseline, n_random, random_state, "deletion"
    )


@validate_params(_CURVE_PARAMS, prefer_skip_nested_validation=True)
def insertion_curve(
    estimator,
    X,
    y,
    scores,
    *,
    fractions=_DEFAULT_FRACTIONS,
    baseline="N",
    n_random=5,
    random_state=None,
):
    """Accuracy as the top-scoring positions are restored into a blank sequence.

    The reverse of :func:`deletion_curve`: every real position starts as
    ``baseline``, and for each fraction ``f`` the ``floor(f * length)``
    highest-scoring positions of each sequence get their own bases back. A
    faithful saliency makes accuracy rise faster than the random control
    (larger ``auc`` than ``random_auc``). Parameters as in
    :func:`deletion_curve`.

    Parameters
    ----------
    estimator : fitted classifier
    X : list, ndarray or pandas Series of str, or ndarray
    y : array-like of shape (n_samples,)
    scores : ndarray of shape (n_samples, max_length) or Bunch
    fractions : sequence of float in [0, 1), default=(0, .05, .1, .2, .3, .5)
    baseline : {"N", "shuffle", "uniform"}, default="N"
    n_random : int, default=5
    random_state : int, RandomState instance or None, default=None
    {result}
    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.evaluation import insertion_curve
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> insertion_curve(clf, X, y, clf.saliency(X), fractions=[0, 0.5],
    ...                 random_state=0).kind
    'insertion'
    """
    return _perturbation_curve(
        estimator, X, y, scores, fractions, baseline, n_random, random_state, "insertion"
    )


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        **{name: "no_validation" for name in ("X_train", "X_test")},
        **{name: ["array-like"] for name in ("y_train", "y_test", "train_scores", "test_scores")},
        **{name: _CURVE_PARAMS[name] for name in ("fractions", "baseline", "random_state")},
        "n_random": _CURVE_PARAMS["n_random"],
    },
    prefer_skip_nested_validation=True,
)
def remove_and_retrain(
    estimator,
    X_train,
    y_train,
    X_test,
    y_test,
    train_scores,
    test_scores,
    *,
    fractions=(0.0, 0.1, 0.3, 0.5),
    baseline="N",
    n_random=1,
    random_state=None,
):
    """Remove and retrain (ROAR): test accuracy of models retrained without the top positions.

    Deletion curves measure a model on inputs it never saw; ROAR (Hooker et
    al. 2019) removes the top ``floor(f * length)`` positions of every
    training and test sequence (by ``train_scores`` and ``test_scores``,
    computed once with the original model), fits a fresh clone of
    ``estimator`` on the perturbed training set and scores it on the
    perturbed test set. The control removes as many uniformly random
    positions. If the scores mark the informative positions, accuracy falls
    faster than the control even though the model may adapt. Costs
    ``1 + (n_fractions - 1) * (1 + n_random)`` fits (with ``0`` in
    ``fractions``; one fit serves both curves there).

    Parameters
    ----------
    estimator : classifier
        Cloned for each fit (fitted or not); its ``random_state`` is kept.
    X_train, X_test : list, ndarray or pandas Series of str, or ndarray
        DNA sequences.
    y_train, y_test : array-like of shape (n_samples,)
    train_scores, test_scores : ndarray of shape (n_samples, max_length) or Bunch
        Per-position scores of ``X_train`` and ``X_test``.
    fractions : sequence of float in [0, 1), default=(0, 0.1, 0.3, 0.5)
    baseline : {"N", "shuffle", "uniform"}, default="N"
    n_random : int, default=1
    random_state : int, RandomState instance or None, default=None
        Seeds the random orders and replacement bases (not the estimator).
    {result}
    See Also
    --------
    deletion_curve : The same without retraining, much faster.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.evaluation import remove_and_retrain
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> scores = np.ones((20, 24))
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
    >>> remove_and_retrain(clf, X, y, X, y, scores, scores, fractions=[0, 0.5],
    ...                    random_state=0).accuracy.shape
    (2,)
    """
    fractions = check_fractions(fractions)
    sets = []
    for X, y, scores, name in (
        (X_train, y_train, train_scores, "train"),
        (X_test, y_test, test_scores, "test"),
    ):
        codes, lengths = check_sequences(X, name=f"X_{name}")
        classes = np.unique(sets[0][2]) if sets else None  # y_test: labels of y_train
        y = check_labels(y, len(codes), name=f"y_{name}", classes=classes)
        scores = check_scores(scores, codes.shape, name=f"{name}_scores")
        sets.append((codes, lengths, y, scores))
    rng = check_random_state(random_state)

    prepared = []  # per set: codes, lengths, y, real, replacement, [score rank, random ranks...]
    for codes, lengths, y, scores in sets:
        real = _real(codes, lengths)
        replacement = _replacement(codes, real, baseline, rng)
        ranks = [_rank(scores, real)]
        ranks += [_rank(rng.random_sample(codes.shape), real) for _ in range(n_random)]
        prepared.append((codes, lengths, y, real, replacement, ranks))

    def fit_and_score(order, fraction):
        data = []
        for codes, lengths, y, real, replacement, ranks in prepared:
            perturbed = _perturbed(
                codes, real, lengths, ranks[order], replacement, fraction, "deletion"
            )
            data.append((_as_input(perturbed, lengths), lengths, y))
        (X_fit, _, y_fit), (X_eval, _, y_eval) = data
        model = clone(estimator).fit(X_fit, y_fit)
        return float(np.mean(model.predict(X_eval) == y_eval))

    accuracy = np.empty((1 + n_random, len(fractions)))
    for j, fraction in enumerate(fractions):
        if fraction == 0:
            accuracy[:, j] = fit_and_score(0, fraction)
        else:
            accuracy[:, j] = [fit_and_score(order, fraction) for order in range(1 + n_random)]
    return _curve_result(fractions, accuracy[0], accuracy[1:], baseline, "remove_and_retrain")


for _function in (deletion_curve, insertion_curve, remove_and_retrain):
    _function.__doc__ = _function.__doc__.replace("    {result}\n", _RESULT_DOC.lstrip("\n") + "\n")
