"""What the AttnGen estimators (classifier and regressor) share beyond the base class.

The AttnGen network's constructor parameters, the cosine learning-rate
schedule, the progressive masking of the lowest-attention positions during
training, and the saliency read-out.
"""

from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from skorch.dataset import unpack_data

from ._modules import AttnGenNet, reverse_positions
from .callbacks import ProgressiveMasking, _PerCallLRScheduler
from .utils import N_CODE
from .utils._param_validation import Interval

__all__ = ["AttnGenMixin"]


class AttnGenMixin:
    """The AttnGen network's parameters, masking schedule and saliency, for any target."""

    _default_module = AttnGenNet
    _module_params = (
        "n_filters",
        "kernel_size",
        "n_blocks",
        "dropout",
        "attention_size",
        "n_heads",
        "positional",
    )
    _parameter_constraints = {
        "mask_fraction": [Interval(Real, 0, 1, closed="left")],
        "mask_warmup": [Interval(Integral, 0, None, closed="left")],
        "mask_ramp": [Interval(Integral, 0, None, closed="left")],
        "mask_consistency": [Interval(Real, 0, None, closed="left")],
        "n_filters": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "attention_size": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "positional": ["boolean"],
    }

    @property
    def _default_callbacks(self):
        return [
            *super()._default_callbacks,
            ("lr_schedule", _PerCallLRScheduler()),  # reads max_epochs when training starts
            ("masking", ProgressiveMasking()),  # reads the mask_* parameters likewise
        ]

    # ------------------------------------------------------------- masking
    def _mask_fraction_now(self):
        return getattr(self, "mask_fraction_now_", 0.0)

    def train_step_single(self, batch, **fit_params):
        """skorch's training step, on the batch with its lowest-attention positions masked.

        With ``mask_consistency > 0`` the step trains on the clean batch and
        the masked one enters the loss through the consistency term (see
        :meth:`get_loss`).
        """
        p = self._mask_fraction_now()
        if p > 0 and self.mask_consistency == 0:
            Xi, yi = unpack_data(batch)
            batch = ({**Xi, "codes": self._mask_lowest_attention(Xi, p)}, yi)
        return super().train_step_single(batch, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        p = self._mask_fraction_now()
        if training and p > 0 and self.mask_consistency > 0:
            masked = {**X, "codes": self._mask_lowest_attention(X, p)}
            y_masked = self.infer(masked)
            consistency = self._consistency(_first(y_pred), _first(y_masked))
            loss = loss + self.mask_consistency * consistency
        return loss

    @staticmethod
    def _consistency(output, masked_output):
        """``KL(p_clean || p_masked)`` of the class probabilities (the regressor: MSE)."""
        log_clean = F.log_softmax(output, dim=1)
        log_masked = F.log_softmax(masked_output, dim=1)
        return F.kl_div(log_masked, log_clean, log_target=True, reduction="batchmean")

    @torch.no_grad()
    def _mask_lowest_attention(self, Xi, p):
        codes = Xi["codes"].to(self.device)
        lengths = Xi["lengths"].to(self.device)
        was_training = self.module_.training
        self.module_.eval()  # score without dropout and without touching batch-norm statistics
        try:
            attention = self.module_(codes, lengths)[1]
        finally:
            self.module_.train(was_training)  # restore the caller's mode
        real = torch.arange(codes.shape[1], device=codes.device)[None] < lengths[:, None]
        rank = attention.masked_fill(~real, float("inf")).argsort(dim=1).argsort(dim=1)
        n_masked = (p * lengths.to(attention.dtype)).floor().long()
        return codes.masked_fill(rank < n_masked[:, None], N_CODE)

    # ------------------------------------------------------------- saliency
    def _attention_batches(self, data):
        """Attention of each batch; with ``strand_average``, averaged with the reverse strand's."""

        def step(Xi):
            return self.evaluation_step((Xi, None))[1], Xi["lengths"]

        for (forward, lengths), reverse in self._strand_batches(data, step):
            if reverse is not None:  # the reverse strand's map, mapped back
                forward = (forward + reverse_positions(reverse[0], lengths)) / 2
            yield forward.numpy()

    def saliency(self, X, *, out=None):
        """Per-nucleotide saliency: the attention weights.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.
        out : array-like of shape (n_samples, max_length), default=None
            Where to write the result, batch by batch, e.g. a
            ``np.lib.format.open_memmap`` file for data larger than memory
            (the saliency takes 4 bytes per position). None returns a new array.

        Returns
        -------
        saliency : ndarray of shape (n_samples, max_length)
            ``max_length`` is the longest sequence in ``X``. Each row sums to 1
            over the sequence's real positions and is 0 on padding. ``out``
            when given.

        Examples
        --------
        >>> from sklearn_attngen import AttnGenClassifier
        >>> X, y = ["AAAACGTA", "CCCCGGTT", "AAAACGTT", "CCCCGGTA"], [0, 1, 0, 1]
        >>> clf = AttnGenClassifier(
        ...     n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0
        ... )
        >>> clf.fit(X, y).saliency(["ACGT"]).shape
        (1, 4)
        """
        codes, lengths = self._encode(X)
        data = self._as_dataset(codes, lengths)
        width = codes.shape[1]
        if out is None:
            out = np.empty((len(lengths), width), dtype=np.float32)
        elif tuple(out.shape) != (len(lengths), width):
            raise ValueError(f"out has shape {tuple(out.shape)}; expected {(len(lengths), width)}.")
        start = 0  # filled batch by batch: no list of batches, no concatenated copy
        with self._keep_global_rng():
            for attention in self._attention_batches(data):
                out[start : start + len(attention)] = attention[:, :width]
                start += len(attention)
        return out

    def _after_fit(self, data):
        total = np.zeros(self.n_positions_, dtype=np.float64)
        for attention in self._attention_batches(data):
            total += attention.sum(axis=0)
        reach = np.bincount(data.lengths - 1, minlength=self.n_positions_)[::-1].cumsum()[::-1]
        self.saliency_ = total / np.maximum(reach, 1)


def _first(output):
    return output[0] if isinstance(output, tuple) else output
