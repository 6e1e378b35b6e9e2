"""Exceptions and warnings raised by sklearn-attngen.

Bad input raises the built-in ``ValueError`` or ``TypeError`` (scikit-learn's
``NotFittedError`` and ``InvalidParameterError`` are ``ValueError`` subclasses
too); the classes here are for what is not the caller's input: a training run
that diverged, and a model saved by another version of the package.
"""

__all__ = ["InconsistentVersionWarning", "NonFiniteLossError", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Training diverged: the loss exploded (finite or not).

    Raised by :class:`~sklearn_attngen.callbacks.FiniteLossGuard` (a default
    callback of every network estimator) when an epoch's mean training loss
    grows to more than ``max_loss_ratio`` times the loss of the first batch of
    the fit; its subclass :class:`NonFiniteLossError` for a NaN or infinite
    loss or gradient. The estimator is then left unfitted: a diverged network
    is no model. A subclass of :class:`FloatingPointError`.

    Attributes
    ----------
    epoch : int
        Epoch of the failing batch, counted from 1 as in ``history_``.
    batch : int or None
        Training batch within the epoch, counted from 1 (None when the whole
        epoch is judged).

    Examples
    --------
    >>> from sklearn_attngen.exceptions import NonFiniteLossError, TrainingDivergedError
    >>> issubclass(NonFiniteLossError, TrainingDivergedError)
    True
    """

    def __init__(self, message, *, epoch=None, batch=None):
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch


class NonFiniteLossError(TrainingDivergedError):
    """Training produced a NaN or infinite loss or gradient.

    Raised by :class:`~sklearn_attngen.callbacks.FiniteLossGuard` (a default
    callback of every network estimator) at the first non-finite gradient
    (before the optimizer step) or training loss. The estimator is then left
    unfitted: a diverged network is no model. A subclass of
    :class:`TrainingDivergedError`.

    Attributes
    ----------
    epoch : int
        Epoch of the failing batch, counted from 1 as in ``history_``.
    batch : int
        Training batch within the epoch, counted from 1.

    Examples
    --------
    >>> from sklearn_attngen.exceptions import NonFiniteLossError
    >>> issubclass(NonFiniteLossError, FloatingPointError)
    True
    """


class InconsistentVersionWarning(UserWarning):
    """A model is unpickled (or loaded) by another sklearn-attngen version than saved it.

    As scikit-learn's warning of the same name: the model may load, but
    nothing guarantees that it behaves as it did. Refit it, or load only its
    parameters (``save_params`` / ``load_params``) into an estimator built by
    the running version.

    Attributes
    ----------
    estimator_name : str
    current_version : str
        The running sklearn-attngen version.
    original_version : str
        The version that saved the model (``"unknown"`` when it did not say).

    Examples
    --------
    >>> from sklearn_attngen.exceptions import InconsistentVersionWarning
    >>> w = InconsistentVersionWarning(
    ...     estimator_name="AttnGenClassifier", current_version="0.2", original_version="0.1"
    ... )
    >>> print(w)
    Trying to load AttnGenClassifier from sklearn-attngen 0.1 when using version 0.2. ...
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __str__(self):
        return (
            f"Trying to load {self.estimator_name} from sklearn-attngen "
            f"{self.original_version} when using version {self.current_version}. This might "
            "lead to breaking code or invalid results. Refit the model with this version, or "
            "save only its parameters (save_params) and load them into an estimator built "
            "with this version (load_params). Unpickle only files you trust: unpickling runs "
            "code."
        )
