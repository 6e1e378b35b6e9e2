"""What the AttnGen estimators (classifier and regressor) share beyond the base class.

The AttnGen network's constructor parameters, the cosine learning-rate
schedule, the progressive masking of the lowest-attention positions during
training, and the saliency read-out.
"""

import inspect
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import is_classifier
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit, unpack_data

from ._data import CodesDataset
from ._modules import AttnGenNet, one_hot, reverse_complement_codes, reverse_positions
from .callbacks import ProgressiveMasking, _PerCallLRScheduler
from .utils import N_CODE
from .utils._param_validation import Interval, StrOptions

__all__ = ["AttnGenMixin"]

# ``saliency_`` is averaged over at most this many training sequences (evenly spaced
# rows): its pass to the input costs about one training epoch on all of them.
SALIENCY_PROFILE_SEQUENCES = 5000


class _EarlyStopping(EarlyStopping):
    """skorch's EarlyStopping, dropping its copy of the best weights once it has loaded them
    (it would otherwise double the size of every pickle)."""

    def on_train_end(self, net, **kwargs):
        super().on_train_end(net, **kwargs)
        self.best_model_weights_ = None


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
        "stem_activation",
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
        "positional": ["boolean", StrOptions({"zeros", "auto"})],
        "stem_activation": [StrOptions({"gelu", "exp"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    }

    @property
    def _default_callbacks(self):
        callbacks = [
            *super()._default_callbacks,
            ("lr_schedule", _PerCallLRScheduler()),  # reads max_epochs when training starts
            ("masking", ProgressiveMasking()),  # reads the mask_* parameters likewise
        ]
        if self.early_stopping:
            stopping = _EarlyStopping(patience=self.n_iter_no_change, load_best=True)
            callbacks.append(("early_stopping", stopping))
        return callbacks

    # -------------------------------------------------------------- strands
    def _strand_specific_settings(self):
        return {**super()._strand_specific_settings(), "positional": True, "early_stopping": False}

    def _module_param(self, name):
        """``positional="auto"``: the zero start on strand-symmetric data, else the random one."""
        if name == "positional" and self.positional == "auto":
            return "zeros" if self._strand_symmetric() else True
        return super()._module_param(name)

    # ------------------------------------------------------ early stopping
    def _validation_split(self, targets):
        """With ``early_stopping``: ``validation_fraction`` of the data held out, drawn with
        ``random_state`` (stratified by class for a classifier)."""
        if not self.early_stopping:
            return None
        if self.train_split is not None:
            raise ValueError(
                "early_stopping=True holds out its own validation data; leave train_split "
                f"None (it is {self.train_split!r}), or set early_stopping=False and add "
                "skorch's EarlyStopping callback yourself."
            )
        return ValidSplit(
            self.validation_fraction, stratified=is_classifier(self), random_state=self._seed()
        )

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

    def _saliency_batches(self, data, index=None):
        """Signed value-path map of each batch (see :meth:`saliency`), strands averaged if set.

        ``index``: what to explain, from ``_saliency_target`` (None, an output
        index, or one class index per sequence).
        """
        module, start = self.module_, 0
        if hasattr(module, "folded"):  # batch norm folded: a cheaper backward pass
            module = module.folded()
        forward = _value_path_forward(module)
        # gradients to the input only: no parameter gradient is kept or computed
        trainable = [p for p in module.parameters() if p.requires_grad]
        with self._keep_global_rng(), _frozen(trainable):
            self._set_training(False)
            for batch in self.get_iterator(data, training=False):
                Xi = unpack_data(batch)[0]
                codes, lengths = Xi["codes"].to(self.device), Xi["lengths"].to(self.device)
                strands = [codes]
                if self._averages_strands():
                    strands.append(reverse_complement_codes(codes, lengths))
                inputs = [one_hot(c).requires_grad_(True) for c in strands]
                with torch.enable_grad():
                    outputs = [forward(x, lengths) for x in inputs]
                    rows = slice(start, start + len(lengths))
                    if isinstance(index, np.ndarray):
                        explained = self._explained(outputs, torch.as_tensor(index[rows]))
                    else:
                        explained = self._explained(outputs, index)
                    gradients = torch.autograd.grad(explained, inputs)
                start += len(lengths)
                maps = [(g * x.detach()).sum(dim=1) for g, x in zip(gradients, inputs, strict=True)]
                if len(maps) == 2:  # the reverse strand's map, mapped back
                    maps[0] = (maps[0] + reverse_positions(maps[1], lengths)) / 2
                yield maps[0].cpu().numpy()

    def saliency(self, X, *, target=None, signed=False, out=None):
        """Per-nucleotide saliency: what each base contributes to the prediction.

        For each sequence, the input x gradient of the explained output with
        the attention weights held at their values (the *value path*): the
        attention chooses where the network pools its features, and the map
        says how much each base, through those features, moves the output. The
        explained output is the logit of ``target`` (default: the predicted
        class) centred over the classes, for a classifier, and an output (by
        default the sum of the outputs) for a regressor. It costs one forward
        and one backward pass to the input (1/54 to 1/91 of the CPU time of
        integrated gradients with 50 steps in ``benchmarks/README.md``). The
        raw attention weights are :meth:`attention`.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.
        target : label, array-like of labels, int or None, default=None
            Classifier: the class whose logit is explained, one label for all
            sequences or one per sequence; None explains each sequence's
            predicted class. Regressor: the index of the output explained;
            None explains the sum of the outputs.
        signed : bool, default=False
            False returns the magnitude of each base's contribution (what
            ranks positions, e.g. for :func:`~sklearn_attngen.evaluation.deletion_curve`);
            True keeps the sign: positive bases push the output up (towards
            the explained class), negative ones down.
        out : array-like of shape (n_samples, max_length), default=None
            Where to write the result, batch by batch, e.g. a
            ``np.lib.format.open_memmap`` file for data larger than memory.
            None returns a new array.

        Returns
        -------
        saliency : ndarray of shape (n_samples, max_length)
            ``max_length`` is the longest sequence in ``X``; 0 on N and on
            padding. In units of the explained output (logit), per base.
            ``out`` when given.

        See Also
        --------
        attention : The raw attention weights.
        sklearn_attngen.interpret.attribute : Post-hoc attributions of the same model.

        Examples
        --------
        >>> from sklearn_attngen import AttnGenClassifier
        >>> X, y = ["AAAACGTA", "CCCCGGTT", "AAAACGTT", "CCCCGGTA"], [0, 1, 0, 1]
        >>> clf = AttnGenClassifier(
        ...     n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0
        ... )
        >>> clf.fit(X, y).saliency(["ACGT"]).shape
        (1, 4)
        >>> bool((clf.saliency(X) >= 0).all()), bool((clf.saliency(X, signed=True) < 0).any())
        (True, True)
        """
        codes, lengths = self._encode(X)
        data = self._as_dataset(codes, lengths)
        index = self._saliency_target(target, len(lengths))
        return self._fill(
            out,
            len(lengths),
            codes.shape[1],
            (m if signed else np.abs(m) for m in self._saliency_batches(data, index)),
        )

    def attention(self, X, *, out=None):
        """The raw attention weights: where the network pools its features.

        The mean over heads of the softmax weights of the attention pooling,
        the saliency of version 0.1. They show where the network looks, not
        how much a base changes the prediction; they often collapse onto fewer
        positions than a motif's width. :meth:`saliency` is the map to read.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.
        out : array-like of shape (n_samples, max_length), default=None
            Where to write the result, batch by batch; None returns a new array.

        Returns
        -------
        attention : ndarray of shape (n_samples, max_length)
            Each row sums to 1 over the sequence's real positions and is 0 on
            padding.

        Examples
        --------
        >>> from sklearn_attngen import AttnGenClassifier
        >>> X, y = ["AAAACGTA", "CCCCGGTT", "AAAACGTT", "CCCCGGTA"], [0, 1, 0, 1]
        >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0)
        >>> clf.fit(X, y).attention(X).sum(axis=1).round(4)
        array([1., 1., 1., 1.], dtype=float32)
        """
        codes, lengths = self._encode(X)
        data = self._as_dataset(codes, lengths)
        with self._keep_global_rng():
            return self._fill(out, len(lengths), codes.shape[1], self._attention_batches(data))

    @staticmethod
    def _fill(out, n_samples, width, batches):
        """``out`` (or a new array) filled batch by batch: no list of batches, no concatenation."""
        if out is None:
            out = np.empty((n_samples, width), dtype=np.float32)
        elif tuple(out.shape) != (n_samples, width):
            raise ValueError(f"out has shape {tuple(out.shape)}; expected {(n_samples, width)}.")
        start = 0
        for batch in batches:
            out[start : start + len(batch)] = batch[:, :width]
            start += len(batch)
        return out

    def _after_fit(self, data):
        if not hasattr(self.module_, "forward_one_hot"):
            return  # a custom module without a one-hot entry point has no saliency
        if len(data) > SALIENCY_PROFILE_SEQUENCES:
            rows = np.linspace(0, len(data) - 1, SALIENCY_PROFILE_SEQUENCES).round().astype(int)
            data = CodesDataset(data.codes[rows], data.lengths[rows], n_positions=data.n_positions)
        total = np.zeros(self.n_positions_, dtype=np.float64)
        for saliency in self._saliency_batches(data):
            total += np.abs(saliency).sum(axis=0)
        reach = np.bincount(data.lengths - 1, minlength=self.n_positions_)[::-1].cumsum()[::-1]
        self.saliency_ = total / np.maximum(reach, 1)


@contextmanager
def _frozen(parameters):
    """``parameters`` without ``requires_grad`` inside the block, restored after it."""
    for parameter in parameters:
        parameter.requires_grad_(False)
    try:
        yield
    finally:
        for parameter in parameters:
            parameter.requires_grad_(True)


def _value_path_forward(module):
    """``forward(x, lengths) -> outputs`` from a one-hot ``x``, attention held if the module can.

    Modules with ``forward_one_hot(x, lengths, fixed_attention=...)`` (AttnGenNet)
    give the value-path map; other modules with ``forward_one_hot(x, lengths)``
    give plain input x gradient.
    """
    if not hasattr(module, "forward_one_hot"):
        raise TypeError(
            f"saliency needs the module to define forward_one_hot(x, lengths), differentiable in "
            f"the one-hot input x; {type(module).__name__} does not."
        )
    if "fixed_attention" in inspect.signature(module.forward_one_hot).parameters:
        return lambda x, lengths: _first(module.forward_one_hot(x, lengths, fixed_attention=True))
    return lambda x, lengths: _first(module.forward_one_hot(x, lengths))


def _first(output):
    return output[0] if isinstance(output, tuple) else output
