"""skorch callbacks used by :class:`~sklearn_attngen.AttnGenClassifier`."""

import math

import torch
from skorch.callbacks import Callback, LRScheduler

from .exceptions import NonFiniteLossError, TrainingDivergedError

__all__ = ["FiniteLossGuard", "ProgressiveMasking", "mask_fraction_at"]

_MASK_PARAMS = ("mask_fraction", "mask_warmup", "mask_ramp")


def mask_fraction_at(epoch, batch, n_batches, *, mask_fraction, mask_warmup, mask_ramp):
    """Fraction of real positions masked in one training batch.

    The schedule, to the batch: no masking during the first ``mask_warmup``
    epochs; then the fraction rises linearly over the next ``mask_ramp``
    epochs, batch by batch, and stays at ``mask_fraction`` afterwards::

        t = (epoch - mask_warmup) + batch / n_batches     # epochs since warm-up
        p = mask_fraction * clip(t / mask_ramp, 0, 1)     # mask_ramp > 0
        p = mask_fraction if t >= 0 else 0                # mask_ramp == 0

    Parameters
    ----------
    epoch : int
        Zero-based epoch.
    batch : int
        Zero-based batch within the epoch.
    n_batches : int
        Batches per epoch.
    mask_fraction, mask_warmup, mask_ramp : float, int, int
        As in :class:`~sklearn_attngen.AttnGenClassifier`.

    Returns
    -------
    p : float
        In ``[0, mask_fraction]``. Each sequence then has ``floor(p * length)``
        of its lowest-attention positions replaced by N.

    Examples
    --------
    >>> from sklearn_attngen.callbacks import mask_fraction_at
    >>> [mask_fraction_at(e, 0, 10, mask_fraction=0.2, mask_warmup=1, mask_ramp=2)
    ...  for e in range(5)]
    [0.0, 0.0, 0.1, 0.2, 0.2]
    """
    t = (epoch - mask_warmup) + batch / max(n_batches, 1)
    if t < 0 or mask_fraction == 0:
        return 0.0
    if mask_ramp == 0:
        return float(mask_fraction)
    return float(mask_fraction * min(t / mask_ramp, 1.0))


def _n_train_batches(net, dataset_train):
    """Training batches per epoch, as skorch's training DataLoader will make them.

    ``iterator_train__batch_size`` overrides ``batch_size`` (-1: one batch),
    and ``iterator_train__drop_last`` drops the last, incomplete batch.
    """
    if not dataset_train:
        return 1
    n = len(dataset_train)
    kwargs = net.get_params_for("iterator_train")
    batch_size = kwargs.get("batch_size", net.batch_size)
    if batch_size == -1:
        batch_size = n
    if kwargs.get("drop_last", False):
        return max(n // batch_size, 1)
    return max(math.ceil(n / batch_size), 1)


class ProgressiveMasking(Callback):
    """Set the masking fraction of every training batch and record it.

    Before each training batch this callback sets ``net.mask_fraction_now_``
    from :func:`mask_fraction_at`; the classifier's training step then
    replaces that fraction of each sequence's lowest-attention positions with
    N. The mean fraction applied in an epoch is written to
    ``net.history_[:, "mask_fraction"]``.

    Parameters
    ----------
    mask_fraction : float or None, default=None
        Final fraction of each sequence's real positions masked.
    mask_warmup : int or None, default=None
        Epochs without masking before the ramp starts.
    mask_ramp : int or None, default=None
        Epochs over which the fraction rises linearly to ``mask_fraction``.

    Each None is read from the estimator's parameter of the same name when
    training starts (every ``fit`` and ``partial_fit`` call), so that
    ``set_params(mask_fraction=...)`` takes effect in a warm-started fit.

    See Also
    --------
    mask_fraction_at : The schedule, batch by batch.

    Examples
    --------
    :class:`~sklearn_attngen.AttnGenClassifier` adds this callback itself,
    from its own ``mask_*`` parameters. With one batch per epoch, the
    recorded fractions are the schedule at the start of each epoch:

    >>> from sklearn_attngen import AttnGenClassifier
    >>> from sklearn_attngen.callbacks import ProgressiveMasking
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 10, [0, 1] * 10
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=4, mask_fraction=0.2,
    ...                         verbose=0, random_state=0).fit(X, y)
    >>> isinstance(dict(clf.callbacks_)["masking"], ProgressiveMasking)
    True
    >>> [round(p, 2) for p in clf.history_[:, "mask_fraction"]]
    [0.0, 0.0, 0.1, 0.2]
    """

    def __init__(self, mask_fraction=None, mask_warmup=None, mask_ramp=None):
        self.mask_fraction = mask_fraction
        self.mask_warmup = mask_warmup
        self.mask_ramp = mask_ramp

    def on_train_begin(self, net, **kwargs):
        self.schedule_ = {
            name: getattr(net, name) if getattr(self, name) is None else getattr(self, name)
            for name in _MASK_PARAMS
        }

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        self._epoch = len(net.history_) - 1
        self._batch = 0
        self._applied = []
        self._n_batches = _n_train_batches(net, dataset_train)

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            return
        p = mask_fraction_at(self._epoch, self._batch, self._n_batches, **self.schedule_)
        net.mask_fraction_now_ = p
        self._applied.append(p)
        self._batch += 1

    def on_epoch_end(self, net, **kwargs):
        applied = self._applied or [0.0]
        net.history_.record("mask_fraction", sum(applied) / len(applied))
        net.mask_fraction_now_ = 0.0


class FiniteLossGuard(Callback):
    """Stop a diverging fit with a clear error: a NaN or infinite loss, or an exploding one.

    A default callback of every network estimator of this package, named
    ``"finite_loss"`` (``callbacks__finite_loss=None`` turns it off). After the
    backward pass of every training batch, before the optimizer step, it checks
    the gradients (except under ``mixed_precision="float16"``, whose loss
    scaler skips the steps with overflowing gradients itself); after the step,
    the loss. A NaN or infinity raises
    :class:`~sklearn_attngen.exceptions.NonFiniteLossError`, naming the epoch
    and batch. At the end of each epoch, a mean training loss more than
    ``max_loss_ratio`` times the loss of the first batch of the ``fit`` call
    raises :class:`~sklearn_attngen.exceptions.TrainingDivergedError`: such a
    network predicts saturated probabilities, finite but meaningless. The
    estimators then leave themselves unfitted (``predict`` raises
    ``NotFittedError``; ``history_`` keeps the losses up to the failure) and
    the next ``fit`` or ``partial_fit`` starts from a new initialisation.

    Parameters
    ----------
    max_loss_ratio : float, default=1000.0
        Largest accepted ratio of an epoch's mean training loss to the loss
        of the first training batch of the call.

    Examples
    --------
    >>> from sklearn_attngen.callbacks import FiniteLossGuard
    >>> FiniteLossGuard()
    FiniteLossGuard(max_loss_ratio=1000.0)
    """

    def __init__(self, max_loss_ratio=1000.0):
        self.max_loss_ratio = max_loss_ratio

    def on_train_begin(self, net, **kwargs):
        self._first_loss = None

    def on_epoch_begin(self, net, **kwargs):
        self._epoch = len(net.history_)  # counted from 1, as history_'s "epoch" column
        self._batch = 0

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self._batch = getattr(self, "_batch", 0) + 1

    def on_grad_computed(self, net, named_parameters, training=True, **kwargs):
        if getattr(net, "_grad_scaler", None) is not None:
            # float16 loss scaling: an infinite gradient is an overflow, and the
            # scaler skips that step and lowers its scale; a NaN loss still stops
            return
        named = [(name, p.grad) for name, p in named_parameters if p.grad is not None]
        if not named:
            return
        if torch.stack([torch.isfinite(grad).all() for _, grad in named]).all():
            return
        name = next(name for name, grad in named if not torch.isfinite(grad).all())
        self._raise(
            net,
            f"a NaN or infinite gradient (first in {name!r}), before the optimizer step",
        )

    def on_batch_end(self, net, training=False, loss=None, **kwargs):
        if not training or loss is None:
            return
        if not torch.isfinite(loss).all():
            self._raise(net, f"a non-finite training loss ({loss.item()})")
        if getattr(self, "_first_loss", None) is None:
            self._first_loss = float(loss.item())

    def on_epoch_end(self, net, **kwargs):
        first = getattr(self, "_first_loss", None)
        try:
            loss = net.history_[-1, "train_loss"]
        except KeyError:  # no training batch in this epoch
            return
        if first is not None and first > 0 and loss > self.max_loss_ratio * first:
            self._raise(
                net,
                f"the mean training loss exploded to {loss:.3g}, {loss / first:.3g} times the "
                f"first batch's {first:.3g} (max_loss_ratio={self.max_loss_ratio})",
                error=TrainingDivergedError,
                batch=None,
            )

    def __repr__(self):
        return f"{type(self).__name__}(max_loss_ratio={self.max_loss_ratio})"

    def _raise(self, net, what, error=NonFiniteLossError, **where):
        epoch = getattr(self, "_epoch", None)
        batch = where.get("batch", getattr(self, "_batch", None))
        at = f"epoch {epoch}" if batch is None else f"epoch {epoch}, batch {batch}"
        raise error(
            f"Training stopped at {at}: {what}. The usual cause is a learning rate too high "
            f"for the data (lr={getattr(net, 'lr', None)}); lower it, clip gradients "
            "(skorch.callbacks.GradientNormClipping), or check the inputs and a custom "
            "module or criterion.",
            epoch=epoch,
            batch=batch,
        )


class _PerCallLRScheduler(LRScheduler):
    """Cosine learning-rate decay over each ``fit`` / ``partial_fit`` call.

    skorch resumes a scheduler at the epoch count in ``history`` and freezes
    ``T_max`` when the callback is built, so a warm-started fit would continue
    the cosine past ``T_max``, where it is periodic (learning rate 0 at epoch
    ``T_max``). Here every call starts at the peak learning rate (the
    estimator's ``lr``, or a value set since with ``set_params``) and decays to
    0 over the call's epochs (``max_epochs`` as it is when training starts,
    resolved where it is ``"auto"``).
    """

    def __init__(self, policy=torch.optim.lr_scheduler.CosineAnnealingLR, **kwargs):
        super().__init__(policy=policy, **kwargs)

    def on_train_begin(self, net, **kwargs):
        _restore_peak_lr(net)  # in case the last call ended by an exception
        self.lr_scheduler_ = self._get_scheduler(
            net,
            self.policy_,
            **{**self.kwargs, "T_max": _epochs_this_call(net), "last_epoch": -1},
        )

    def on_train_end(self, net, **kwargs):
        _restore_peak_lr(net)


def _epochs_this_call(net):
    """The epochs of the running fit call (``max_epochs``, resolved where it is "auto")."""
    return getattr(net, "_epochs_this_call", net.max_epochs)


def _restore_peak_lr(net):
    """Put each parameter group back at the learning rate its schedule started from."""
    for group in net.optimizer_.param_groups:
        group["lr"] = group.pop("initial_lr", group["lr"])
