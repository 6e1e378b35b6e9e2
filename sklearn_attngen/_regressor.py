"""AttnGenRegressor: the AttnGen network with a regression head."""

import numpy as np
import torch
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch import NeuralNetRegressor

from ._attngen import AttnGenMixin
from ._base import BaseDNANet, init_arguments
from ._modules import AttnGenNet

__all__ = ["AttnGenRegressor", "DNARegressorBase"]


class DNARegressorBase(BaseDNANet, NeuralNetRegressor):
    """Continuous targets over :class:`BaseDNANet`: one or several outputs per sequence."""

    _parameter_constraints = {"normalize_y": ["boolean"]}

    def _n_outputs(self):
        return self.n_outputs_

    def _check_targets(self, y, n_samples, *, reset, classes=None):
        """``y`` as float32 of shape (n_samples, n_outputs); on ``reset``, the output shape."""
        if y is None:
            raise ValueError("y is None; the regression targets are required.")
        values = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
        if values.ndim == 2 and values.shape[1] == 1 and not reset and self._y_1d_:
            values = values[:, 0]
        if values.ndim not in (1, 2):
            raise ValueError(
                f"y must be 1-D (one target) or 2-D (n_samples, n_outputs), got shape "
                f"{values.shape}."
            )
        if values.dtype.kind not in "biuf":
            raise ValueError(
                f"y has dtype {values.dtype}; regression targets must be numbers (use "
                "AttnGenClassifier for class labels)."
            )
        if len(values) != n_samples:
            raise ValueError(f"X has {n_samples} sequences but y has {len(values)} targets.")
        targets = values.reshape(n_samples, -1).astype(np.float32)
        bad = ~np.isfinite(targets)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            where = f"y[{i}]" if values.ndim == 1 else f"y[{i}, {j}]"
            raise ValueError(
                f"{where} is {values[(i, j) if values.ndim == 2 else i]}; targets must be "
                "finite (a NaN is a missing measurement: drop those sequences first)."
            )
        if reset:
            self.n_outputs_ = targets.shape[1]
            self._y_1d_ = values.ndim == 1
            self.y_mean_, self.y_scale_ = np.zeros(self.n_outputs_), np.ones(self.n_outputs_)
            if self.normalize_y:
                self.y_mean_ = targets.mean(axis=0, dtype=np.float64)
                std = targets.std(axis=0, dtype=np.float64)
                self.y_scale_ = np.where(std > 0, std, 1.0)
        elif targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} outputs; {type(self).__name__} was fitted on "
                f"{self.n_outputs_}."
            )
        return targets

    @staticmethod
    def _held_out_loss(output, y):
        """Mean squared error of the (standardised) outputs against the targets ``y``."""
        return float(np.mean((output.reshape(len(y), -1) - y.reshape(len(y), -1)) ** 2))

    def _training_targets(self, targets):
        """Targets as the network learns them: standardised with ``y_mean_``, ``y_scale_``."""
        return ((targets - self.y_mean_) / self.y_scale_).astype(np.float32)

    def fit(self, X, y=None, sample_weight=None, **fit_params):
        """Fit the network on DNA sequences and continuous targets.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA strings, one-hot (n_samples, n_positions, 4) or (n_samples, 4,
            n_positions), or uint8 codes (n_samples, n_positions). Variable
            lengths are padded with N. A
            :class:`~sklearn_attngen.datasets.SequenceMemmap` is read one
            batch at a time.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; finite numbers.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss (scaled to mean 1).
        **fit_params : dict
            Passed to skorch's ``partial_fit``.

        Returns
        -------
        self
        """
        reset = not (self.warm_start and self.initialized_)
        return self._fit(X, y, sample_weight, reset=reset, whole_data=True, **fit_params)

    def partial_fit(self, X, y=None, sample_weight=None, **fit_params):
        """Train for ``max_epochs`` more epochs, initialising on the first call.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, with as many outputs as in the first call.
        sample_weight : array-like of shape (n_samples,), default=None
        **fit_params : dict
            Passed to skorch's ``partial_fit``.

        Returns
        -------
        self
        """
        return self._fit(
            X, y, sample_weight, reset=not self.initialized_, whole_data=False, **fit_params
        )

    def _saliency_target(self, target, n_samples):
        """The output to explain: None (their sum) or an index in ``[0, n_outputs_)``."""
        if target is None:
            return None
        if not isinstance(target, (int, np.integer)) or not 0 <= target < self.n_outputs_:
            raise ValueError(
                f"target must be None or an output index in [0, {self.n_outputs_}), got {target!r}."
            )
        return int(target)

    def _explained(self, outputs, index):
        """Sum over sequences and strands of the explained output, in the target's units."""
        scale = torch.as_tensor(self.y_scale_, dtype=outputs[0].dtype, device=outputs[0].device)
        return sum(
            (out * scale).sum() if index is None else (out[:, index] * scale[index]).sum()
            for out in outputs
        )

    @available_if(lambda self: False)
    def predict_proba(self, X):
        """Not available: a regressor has no class probabilities (skorch's would be raw outputs)."""

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``y`` was 1-D in ``fit``.
        """
        check_is_fitted(self, "n_positions_")
        y_pred = (self._predict_batches(X) * self.y_scale_ + self.y_mean_).astype(np.float32)
        return y_pred[:, 0] if self._y_1d_ else y_pred

    def score(self, X, y=None, sample_weight=None):
        """Coefficient of determination R² of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
            R², averaged uniformly over outputs.
        """
        check_is_fitted(self, "n_positions_")
        y_pred = self.predict(X)
        y_true = self._check_targets(y, len(y_pred), reset=False)
        if self._y_1d_:
            y_true = column_or_1d(y_true)
        return r2_score(y_true, y_pred, sample_weight=sample_weight)

    def _fitted_attributes(self):
        return {
            "n_outputs": int(self.n_outputs_),
            "y_1d": bool(self._y_1d_),
            "y_mean": self.y_mean_.tolist(),
            "y_scale": self.y_scale_.tolist(),
            **super()._fitted_attributes(),
        }

    def _set_fitted_attributes(self, attributes):
        self.n_outputs_ = int(attributes["n_outputs"])
        self._y_1d_ = bool(attributes["y_1d"])
        self.y_mean_ = np.asarray(attributes["y_mean"], dtype=np.float64)
        self.y_scale_ = np.asarray(attributes["y_scale"], dtype=np.float64)
        super()._set_fitted_attributes(attributes)


class AttnGenRegressor(AttnGenMixin, DNARegressorBase):
    """DNA sequence regressor that explains itself (AttnGen).

    The network of :class:`AttnGenClassifier` with a linear regression head:
    enhancer activity (MPRA, STARR-seq), expression, binding strength. Same
    input handling, saliency, masking schedule and skorch routing; the loss is
    the mean squared error.

    Parameters
    ----------
    module : torch.nn.Module class, default=AttnGenNet
        Must accept ``(codes, lengths)`` and return ``(outputs, attention)``.
        :meth:`saliency` and ``saliency_`` need ``forward_one_hot(x, lengths)``
        too (as :class:`AttnGenNet` has), differentiable in the one-hot ``x``;
        with a ``fixed_attention`` keyword it gives the value-path map, without
        it plain input x gradient.
    n_filters : int, default=64
        Channels of the convolutional backbone.
    kernel_size : int, default=9
        Width of the first convolution.
    n_blocks : int, default=2
        Residual dilated convolution blocks after the first convolution.
    dropout : float, default=0.1
    attention_size : int, default=64
        Hidden size of the attention scorer.
    n_heads : int, default=4
        Attention heads.
    positional : bool, "zeros" or "auto", default=True
        Learned positional embedding (sequences longer than the longest
        training sequence are then rejected), drawn from N(0, 1); ``"zeros"``
        starts it at zero; ``"auto"``: zeros on strand-symmetric data, as in
        :class:`AttnGenClassifier` (whose defaults are ``"auto"``; the
        regressor's are not, as the strand test was measured on
        classification tasks only).
    stem_activation : {"gelu", "exp"}, default="gelu"
        Activation of the first convolution. ``"exp"``, the exponential
        activation of Koo & Ploenzke (2021), makes the first-layer filters
        match whole motifs and sharpened :meth:`saliency` on planted motifs
        (AUROC +0.01 to +0.10), at about half a point of accuracy on two of
        three real tasks; the numbers are in the saliency user guide.
    mask_fraction : float in [0, 1), default=0.0
        Final fraction of each sequence's real positions masked during
        training, as in :class:`AttnGenClassifier`.
    mask_warmup : int, default=1
    mask_ramp : int, default=2
    mask_consistency : float, default=0.0
        A positive weight trains on the clean batch plus this weight times the
        mean squared difference between the clean and the masked outputs.
    max_epochs : int or "auto", default=8
        Epochs of training. ``"auto"``: 8; on smaller strand-symmetric data
        as many as make 1,000 optimizer steps (at most 64), as in
        :class:`AttnGenClassifier`; ``partial_fit`` trains 8 epochs a call.
    lr : float, default=2e-3
        Peak learning rate; a cosine schedule decays it over the epochs of
        each ``fit`` call.
    batch_size : int, default=128
    optimizer : torch optimizer class, default=torch.optim.AdamW
    criterion : torch loss class, default=torch.nn.MSELoss
    train_split : callable or None, default=None
    callbacks : list of skorch callbacks, default=None
    warm_start : bool, default=False
    verbose : int, default=1
    device : str, default="cpu"
    random_state : int, RandomState instance or None, default=None
    mixed_precision : {"auto", "bfloat16", "float16"} or None, default="auto"
    normalize_y : bool, default=True
        Train on targets standardised per output (mean 0, standard deviation
        1, from the first ``fit``); predictions are in the original units.
        On yeast promoter expression (mean 9.3, sd 3.0) this raised the test
        R² from 0.64 to 0.70 (``benchmarks/bench_regression.py``).
    alphabet : {"DNA", "RNA"}, default="DNA"
        ``"RNA"`` reads U (not T) as the fourth base of string input.
    strand_augment : bool or "auto", default=False
        Train on each sequence's forward or reverse-complement strand, drawn
        at random per batch: for strand-symmetric signals (transcription
        factor binding), not for strand-specific ones (promoters, splice
        sites). ``"auto"``: on strand-symmetric data (``strand_symmetric_``).
    strand_average : bool or "auto", default=False
        Average ``predict_proba`` / ``predict`` and ``saliency`` over both
        strands (the reverse strand's map mapped back to the forward
        positions), so that ``X`` and its reverse complement get exactly the
        same outputs. Costs a second forward pass. ``"auto"`` decides in
        ``fit``: averaging where it gives a lower mean squared error on the data held
        out of training (``early_stopping``'s, or ``train_split``'s); with
        nothing held out, on strand-symmetric data (``strand_symmetric_``).
        The choice is ``strand_average_``.
    early_stopping : bool, default=False
        As in :class:`AttnGenClassifier`; the held-out sequences are drawn
        at random (not stratified).
    validation_fraction : float in (0, 1), default=0.1
    n_iter_no_change : int, default=5
    **kwargs
        skorch parameters and routed parameters.

    Attributes
    ----------
    n_outputs_ : int
        Number of targets per sequence.
    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
        The standardisation of the targets (0 and 1 with ``normalize_y=False``).
    strand_symmetric_ : bool or None
        With an ``"auto"`` strand setting (or ``positional`` / ``max_epochs``):
        the answer of the strand test of :class:`AttnGenClassifier` (there, its
        mean squared error); None where it was not run.
    strand_average_ : bool
        Whether predictions average both strands, with
        ``strand_average="auto"`` (as chosen in ``fit``).
    n_positions_ : int
        Longest training sequence; inputs are padded to it.
    saliency_ : ndarray of shape (n_positions_,)
        Mean saliency of each position over the training sequences (at most
        5,000 of them, evenly spaced in the training data).
    module_ : AttnGenNet
    history_ : skorch.History

    See Also
    --------
    AttnGenClassifier : The same network for class labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_attngen import AttnGenRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(64)]
    >>> y = np.array([s.count("GC") for s in X], dtype=float)
    >>> reg = AttnGenRegressor(n_filters=8, n_blocks=1, max_epochs=2, verbose=0, random_state=0)
    >>> reg.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> reg.saliency(X[:3]).shape
    (3, 20)
    """

    def __init__(
        self,
        module=AttnGenNet,
        *,
        n_filters=64,
        kernel_size=9,
        n_blocks=2,
        dropout=0.1,
        attention_size=64,
        n_heads=4,
        positional=True,
        stem_activation="gelu",
        mask_fraction=0.0,
        mask_warmup=1,
        mask_ramp=2,
        mask_consistency=0.0,
        max_epochs=8,
        lr=2e-3,
        batch_size=128,
        optimizer=torch.optim.AdamW,
        criterion=torch.nn.MSELoss,
        train_split=None,
        callbacks=None,
        warm_start=False,
        verbose=1,
        device="cpu",
        random_state=None,
        mixed_precision="auto",
        normalize_y=True,
        alphabet="DNA",
        strand_augment=False,
        strand_average=False,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        **kwargs,
    ):
        super().__init__(**init_arguments(locals()))

    @staticmethod
    def _consistency(output, masked_output):
        return torch.nn.functional.mse_loss(masked_output, output)
