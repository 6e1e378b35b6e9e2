"""The classifiers: AttnGenClassifier and the Genomic Benchmarks CNN baseline."""

from numbers import Integral

import numpy as np
import torch
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring

from ._attngen import AttnGenMixin
from ._base import BaseDNANet, init_arguments
from ._modules import GBCNN, AttnGenNet
from .utils import check_targets, class_indices
from .utils._param_validation import Interval, StrOptions

__all__ = ["AttnGenClassifier", "CNNBaselineClassifier", "DNAClassifierBase"]


def _index_accuracy(net, X, y):
    """Accuracy of the predicted class indices against class indices ``y``."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == np.asarray(y)))


class DNAClassifierBase(BaseDNANet, NeuralNetClassifier):
    """Labels, class weights and class probabilities over :class:`BaseDNANet`.

    Trains on class indices into ``classes_`` (the sorted labels seen in the
    first fit); predicts the original labels.
    """

    _parameter_constraints = {
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    @property
    def _default_callbacks(self):
        # skorch scores valid_acc as accuracy(y_valid, predict(X_valid)), but y_valid
        # holds class indices while predict returns the original labels.
        return [
            (name, _valid_accuracy() if name == "valid_acc" else callback)
            for name, callback in super()._default_callbacks
        ]

    def _n_outputs(self):
        return len(self.classes_)

    def _check_targets(self, y, n_samples, *, reset, classes=None):
        """Class indices of ``y``; on ``reset``, ``classes_`` from ``classes`` or ``y``."""
        y = check_targets(y, n_samples)
        if reset:
            check_classification_targets(y)  # e.g. continuous floats: a regression target
            labels = np.unique(y if classes is None else check_targets(classes, name="classes"))
            if len(labels) < 2:
                raise ValueError(
                    f"y has a single class ({labels[:1].tolist()[0]!r}); a classifier needs "
                    "at least two."
                )
            self.classes_inferred_ = labels
        unseen = ~np.isin(y, self.classes_)
        if unseen.any():
            raise ValueError(
                f"y[{int(np.argmax(unseen))}] = {y[unseen][:1].tolist()[0]!r} is not one of "
                f"the classes seen so far, {self.classes_.tolist()}."
            )
        return np.searchsorted(self.classes_, y)

    def _sample_weights(self, sample_weight, y, n_samples):
        """``sample_weight`` times the weight of each sequence's class, mean 1."""
        if self.class_weight is None:
            return super()._sample_weights(sample_weight, y, n_samples)
        class_weight = self.class_weight
        if isinstance(class_weight, dict):
            unknown = [label for label in class_weight if label not in set(self.classes_.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight has a key {unknown[0]!r} that is not a class; the classes "
                    f"are {self.classes_.tolist()}."
                )
            class_weight = {
                int(np.searchsorted(self.classes_, label)): weight
                for label, weight in class_weight.items()
            }
        weights = compute_sample_weight(class_weight, y)
        if sample_weight is not None:
            weights = weights * super()._sample_weights(sample_weight, y, n_samples)
        return super()._sample_weights(weights, y, n_samples)

    @staticmethod
    def _held_out_loss(proba, y):
        """Log loss of the class probabilities against the class indices ``y``."""
        return float(-np.mean(np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, None))))

    # ------------------------------------------------------ explained output
    def _saliency_target(self, target, n_samples):
        """Class index of each sequence to explain, or None for the predicted class."""
        return class_indices(target, self.classes_, n_samples)

    @staticmethod
    def _explained(outputs, index):
        """Sum over sequences and strands of the explained class's logit, centred over classes.

        ``outputs``: the logits of each strand; ``index``: a class index per
        sequence, or None for the class the strand-averaged probabilities predict.
        """
        if index is None:
            proba = sum(torch.softmax(logits, dim=1) for logits in outputs) / len(outputs)
            index = proba.argmax(dim=1)
        index = index.to(outputs[0].device)[:, None]
        return sum(
            (logits - logits.mean(dim=1, keepdim=True)).gather(1, index).sum() for logits in outputs
        )

    # ---------------------------------------------------------------- fitting
    def fit(self, X, y=None, sample_weight=None, **fit_params):
        """Fit the network on DNA sequences.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA strings, one-hot (n_samples, n_positions, 4) or (n_samples, 4,
            n_positions), or uint8 codes (n_samples, n_positions). Variable
            lengths are padded with N. A
            :class:`~sklearn_attngen.datasets.SequenceMemmap` (data larger
            than memory) is read one batch at a time.
        y : array-like of shape (n_samples,)
            Class labels (str or int), at least two classes. May be omitted
            for a labelled ``SequenceMemmap``, whose labels are then used.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss (multiplied by its
            ``class_weight``, then scaled to mean 1). None weighs all equally.
        **fit_params : dict
            Passed to skorch's ``partial_fit``.

        Returns
        -------
        self
        """
        reset = not (self.warm_start and self.initialized_)
        return self._fit(X, y, sample_weight, reset=reset, whole_data=True, **fit_params)

    def partial_fit(self, X, y=None, classes=None, sample_weight=None, **fit_params):
        """Train for ``max_epochs`` more epochs, initialising on the first call.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, or ndarray
            DNA sequences, as in :meth:`fit`.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like, default=None
            All labels that may appear; required on the first call when a
            batch does not show every class.
        sample_weight : array-like of shape (n_samples,), default=None
            As in :meth:`fit`. ``class_weight="balanced"`` is not supported
            here (one batch does not show the class frequencies): pass a dict,
            e.g. from :func:`sklearn.utils.class_weight.compute_class_weight`.
        **fit_params : dict
            Passed to skorch's ``partial_fit``.

        Returns
        -------
        self
        """
        if isinstance(self.class_weight, str):
            raise ValueError(
                f"class_weight={self.class_weight!r} is not supported for partial_fit: one "
                "batch does not show the class frequencies. Pass a dict, e.g. from "
                "sklearn.utils.class_weight.compute_class_weight('balanced', classes=..., y=...)."
            )
        reset = not self.initialized_
        return self._fit(
            X, y, sample_weight, reset=reset, whole_data=False, classes=classes, **fit_params
        )

    # ------------------------------------------------------------- predicting
    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        return self._predict_batches(X)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
            DNA sequences, as in :meth:`fit`.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted class labels, as given in ``y`` at fit time.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, or ndarray
            DNA sequences, as in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # first: raises NotFittedError before fit
        return self.classes_[proba.argmax(axis=1)]

    def score(self, X, y=None, sample_weight=None):
        """Mean accuracy of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
        y : array-like of shape (n_samples,)
            True labels, each one of ``classes_``: a label the model never
            saw is an error, not a silent miss. May be omitted for a labelled
            ``SequenceMemmap``.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        check_is_fitted(self, "n_positions_")
        if y is None and hasattr(X, "target"):
            y = X.target
        y = check_targets(y, classes=self.classes_)
        y_pred = self.predict(X)
        if len(y) != len(y_pred):
            raise ValueError(f"X has {len(y_pred)} sequences but y has {len(y)} labels.")
        return accuracy_score(y, y_pred, sample_weight=sample_weight)

    def _fitted_attributes(self):
        return {
            "classes": self.classes_.tolist(),
            "classes_dtype": self.classes_.dtype.str,
            **super()._fitted_attributes(),
        }

    def _set_fitted_attributes(self, attributes):
        self.classes_inferred_ = np.asarray(
            attributes["classes"], dtype=attributes["classes_dtype"]
        )
        super()._set_fitted_attributes(attributes)


def _valid_accuracy():
    return EpochScoring(_index_accuracy, name="valid_acc", lower_is_better=False, use_caching=True)


class AttnGenClassifier(AttnGenMixin, DNAClassifierBase):
    """DNA sequence classifier that explains itself (AttnGen).

    A convolutional backbone gives a feature vector per nucleotide, an
    attention head scores every position, and the attention-weighted mean of
    the features is classified. :meth:`saliency` splits the predicted class's
    logit over the bases through the features the attention pools (the value
    path); :meth:`attention` gives the raw attention weights. With
    ``mask_fraction > 0`` training progressively replaces the lowest-attention
    positions of each sequence by N (see
    :func:`~sklearn_attngen.callbacks.mask_fraction_at` for the exact
    schedule), so the model learns to rely on a compact set of positions.

    Built on :class:`skorch.NeuralNetClassifier`: every skorch parameter and
    routing prefix (``module__*``, ``optimizer__*``, ``callbacks__*``,
    ``iterator_train__*``) works, in ``GridSearchCV`` too.

    The four ``"auto"`` defaults (``positional``, ``max_epochs``,
    ``strand_augment``, ``strand_average``) follow one test of the training
    data in ``fit``, ``strand_symmetric_``: a short fit (4 epochs, or
    ``max_epochs`` where that is fewer; forward strand, random positional
    start, no sample or class weights, no
    callbacks) on at most 5,000 of the training sequences, a fifth of them
    held out, asks whether averaging a sequence's two strands keeps the
    held-out log loss (raises it by less than 2 %: on strand-specific data
    the reverse strand's predictions are wrong, and averaging raised it by
    4.7 % or more on core promoters). Where it does
    (transcription-factor binding, ChIP-seq peaks) the model trains and
    predicts on both strands, its positional embedding starts at zero and
    small data get more epochs; where it does not (promoters, splice sites:
    strand and position carry the signal) those settings stay off. The test
    costs at most a 4,000-sequence, 4-epoch fit and is not run on fewer than
    1,000 sequences (the settings then stay off). Measured in the
    genomics-tasks user guide.

    Parameters
    ----------
    module : torch.nn.Module class, default=AttnGenNet
        Must accept ``(codes, lengths)`` and return ``(logits, attention)``.
        :meth:`saliency` and ``saliency_`` need ``forward_one_hot(x, lengths)``
        too (as :class:`AttnGenNet` has), differentiable in the one-hot ``x``;
        with a ``fixed_attention`` keyword it gives the value-path map, without
        it plain input x gradient.
    n_filters : int, default=64
        Channels of the convolutional backbone.
    kernel_size : int, default=9
        Width of the first convolution.
    n_blocks : int, default=2
        Residual dilated convolution blocks (kernel 5, dilation 1, 2, 4, ...)
        after the first convolution.
    dropout : float, default=0.1
    attention_size : int, default=64
        Hidden size of the attention scorer.
    n_heads : int, default=4
        Attention heads; ``saliency`` averages them.
    positional : bool, "zeros" or "auto", default="auto"
        Learned positional embedding (needed where the signal sits at a fixed
        offset, e.g. splice sites; sequences longer than the longest training
        sequence are then rejected), drawn from N(0, 1). ``"zeros"`` starts it
        at zero, so every position reads alike until training finds that
        position matters: it helped TF binding and cost splice sites and
        300-nt promoters (the genomics-tasks user guide). ``"auto"``:
        ``"zeros"`` on strand-symmetric data (``strand_symmetric_``), else
        True. False: no positional embedding.
    stem_activation : {"gelu", "exp"}, default="gelu"
        Activation of the first convolution. ``"exp"``, the exponential
        activation of Koo & Ploenzke (2021), makes the first-layer filters
        match whole motifs and sharpened :meth:`saliency` on planted motifs
        (AUROC +0.01 to +0.10), at about half a point of accuracy on two of
        three real tasks; the numbers are in the saliency user guide.
    mask_fraction : float in [0, 1), default=0.0
        Final fraction of each sequence's real positions masked during
        training. The default 0 follows our measurements (benchmarks/README.md):
        0.1 raised accuracy on one of four real tasks (Oct4/MafK, +0.8 points),
        lowered it on two GUE tasks, and made the saliency more compact there.
    mask_warmup : int, default=1
        Epochs trained without masking before the ramp starts.
    mask_ramp : int, default=2
        Epochs over which the fraction rises linearly to ``mask_fraction``.
    mask_consistency : float, default=0.0
        0 trains on the masked batch only (the AttnGen paper). A positive
        weight trains on the clean batch plus this weight times
        ``KL(p_clean || p_masked)`` (saliency-guided training, Ismail et al.
        2021); it doubles the cost of a training step.
    max_epochs : int or "auto", default="auto"
        Epochs of training. ``"auto"``: 8; on smaller strand-symmetric data
        (``strand_symmetric_``) as many as make 1,000 optimizer steps (at most
        64: 48 epochs for 2,600 sequences in batches of 128), which helped
        small TF-binding sets and cost 300-nt promoters (the genomics-tasks
        user guide); ``partial_fit`` trains 8 epochs a call.
    lr : float, default=2e-3
        Peak learning rate; a cosine schedule decays it over the epochs of
        each ``fit`` call.
    batch_size : int, default=128
    optimizer : torch optimizer class, default=torch.optim.AdamW
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
    train_split : callable or None, default=None
        None trains on all of ``X`` for ``max_epochs`` epochs (no data held
        out, so nothing is wasted inside ``GridSearchCV``); see
        ``early_stopping`` for a validation split that ends training. A
        skorch split (e.g. ``skorch.dataset.ValidSplit(0.1, stratified=True)``)
        only scores a validation split each epoch.
    callbacks : list of skorch callbacks, default=None
        Added to the defaults (timing, losses, a guard that stops training
        with :class:`~sklearn_attngen.exceptions.NonFiniteLossError` on a NaN
        or infinite loss, cosine learning rate, masking, epoch table, and a
        progress bar when ``verbose >= 2``).
    warm_start : bool, default=False
        Keep training the fitted network on the next ``fit``.
    verbose : int, default=1
        0 silent, 1 skorch's epoch table, 2 also a per-batch progress bar.
    device : str, default="cpu"
        Torch device, e.g. ``"cuda"``. A model fitted on a GPU pickles and
        loads on a CPU-only machine (``device`` then becomes the CPU, with
        skorch's ``DeviceWarning``).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch shuffling and dropout. The same
        integer gives identical results on CPU. The caller's global RNG
        state is not changed.
    mixed_precision : {"auto", "bfloat16", "float16"} or None, default="auto"
        ``"auto"`` trains under :func:`torch.autocast` to bfloat16 where the
        device computes bfloat16 in hardware (a CPU with AVX-512 BF16 or AMX,
        an Ampere or newer GPU) and in float32 elsewhere; predictions and
        saliency are computed in float32. ``"bfloat16"`` or ``"float16"``
        run every forward pass, in training and prediction, under autocast
        with that dtype (outputs, losses and saliency stay float32);
        ``"float16"`` scales the loss (:class:`torch.amp.GradScaler`) to keep
        small gradients from underflowing. None trains in float32. On a CPU
        without bfloat16 instructions autocast is slower than float32.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's
        ``LogisticRegression``: a dict ``{label: weight}`` (classes left out
        weigh 1), or ``"balanced"`` for ``n_samples / (n_classes *
        bincount(y))``. Multiplied with ``fit``'s ``sample_weight``; the
        weights are scaled to mean 1 over the training data.
    alphabet : {"DNA", "RNA"}, default="DNA"
        ``"RNA"`` reads U (not T) as the fourth base of string input.
    strand_augment : bool or "auto", default="auto"
        Train on each sequence's forward or reverse-complement strand, drawn
        at random per batch: for strand-symmetric signals (transcription
        factor binding), not for strand-specific ones (promoters, splice
        sites). ``"auto"``: on strand-symmetric data (``strand_symmetric_``).
    strand_average : bool or "auto", default="auto"
        Average ``predict_proba`` / ``predict`` and ``saliency`` over both
        strands (the reverse strand's map mapped back to the forward
        positions), so that ``X`` and its reverse complement get exactly the
        same outputs. Costs a second forward pass. ``"auto"`` decides in
        ``fit``: averaging where it gives a lower log loss on the data held
        out of training (``early_stopping``'s, or ``train_split``'s); with
        nothing held out, on strand-symmetric data (``strand_symmetric_``).
        The choice is ``strand_average_``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training sequences
        (stratified by class, drawn with ``random_state``), stop training once the
        validation loss has not fallen for ``n_iter_no_change`` epochs, and
        keep the weights of the epoch with the lowest validation loss;
        ``max_epochs`` is then the most epochs trained (and the length of the
        cosine learning-rate schedule): raise it, e.g. to 40, as measured in
        the genomics-tasks user guide. Needs ``train_split=None``.
    validation_fraction : float in (0, 1), default=0.1
        Share of the training sequences held out by ``early_stopping``.
    n_iter_no_change : int, default=5
        Epochs without a lower validation loss before ``early_stopping``
        stops training.
    **kwargs
        skorch parameters and routed parameters, e.g. ``optimizer__weight_decay``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Labels seen in ``fit``, sorted.
    strand_average_ : bool
        Whether predictions average both strands, with
        ``strand_average="auto"`` (as chosen in ``fit``).
    strand_symmetric_ : bool or None
        The strand test's answer (see above): True where averaging the two
        strands raised the held-out loss of its short fit by less than 2 %
        (or lowered it); None where it was
        not run (no ``"auto"`` setting needed it, or fewer than 1,000
        training sequences), which the ``"auto"`` settings read as False.
    n_positions_ : int
        Longest training sequence; inputs are padded to it.
    saliency_ : ndarray of shape (n_positions_,)
        Mean saliency (magnitude) of each position over the training
        sequences that reach it (at most 5,000 of them, evenly spaced in the
        training data): where, along the sequence, the model reads its
        evidence.
    module_ : AttnGenNet
        The fitted network.
    history_ : skorch.History
        Per-epoch losses, timing and the applied ``mask_fraction``.

    See Also
    --------
    CNNBaselineClassifier : The Genomic Benchmarks CNN with the same interface.
    sklearn_attngen.preprocessing.KmerEncoder : k-mer features for linear baselines.

    Examples
    --------
    >>> from sklearn_attngen import AttnGenClassifier
    >>> X = ["ACGTTGCA" * 4, "TTTTAAAA" * 4] * 20
    >>> y = ["yes", "no"] * 20
    >>> clf = AttnGenClassifier(n_filters=8, n_blocks=1, max_epochs=2, verbose=0, random_state=0)
    >>> clf.fit(X, y).predict(X[:2]).shape
    (2,)
    >>> clf.saliency(X[:2]).shape  # one score per base
    (2, 32)
    >>> clf.attention(X[:2]).sum(axis=1).round(4)  # the raw attention weights
    array([1., 1.], dtype=float32)
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
        positional="auto",
        stem_activation="gelu",
        mask_fraction=0.0,
        mask_warmup=1,
        mask_ramp=2,
        mask_consistency=0.0,
        max_epochs="auto",
        lr=2e-3,
        batch_size=128,
        optimizer=torch.optim.AdamW,
        criterion=torch.nn.CrossEntropyLoss,
        train_split=None,
        callbacks=None,
        warm_start=False,
        verbose=1,
        device="cpu",
        random_state=None,
        mixed_precision="auto",
        class_weight=None,
        alphabet="DNA",
        strand_augment="auto",
        strand_average="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        **kwargs,
    ):
        super().__init__(**init_arguments(locals()))


class CNNBaselineClassifier(DNAClassifierBase):
    """The Genomic Benchmarks CNN (:class:`~sklearn_attngen._modules.GBCNN`) as an estimator.

    Same input handling, labels and seeding as
    :class:`AttnGenClassifier`, for side-by-side comparisons. Trained as in
    the Genomic Benchmarks notebooks: Adam, learning rate 1e-3, batch 64.

    Parameters
    ----------
    embedding_dim : int, default=100
    max_epochs : int, default=10
    lr : float, default=1e-3
    batch_size : int, default=64
    optimizer : torch optimizer class, default=torch.optim.Adam
    train_split : callable or None, default=None
    verbose : int, default=1
        0 silent, 1 skorch's epoch table.
    device : str, default="cpu"
    random_state : int, RandomState instance or None, default=None
    mixed_precision : {"bfloat16", "float16"} or None, default=None
        As in :class:`AttnGenClassifier`.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's
        ``LogisticRegression``: a dict ``{label: weight}`` (classes left out
        weigh 1), or ``"balanced"`` for ``n_samples / (n_classes *
        bincount(y))``. Multiplied with ``fit``'s ``sample_weight``; the
        weights are scaled to mean 1 over the training data.
    alphabet : {"DNA", "RNA"}, default="DNA"
        ``"RNA"`` reads U (not T) as the fourth base of string input.
    strand_augment : bool or "auto", default=False
        Train on each sequence's forward or reverse-complement strand, drawn
        at random per batch: for strand-symmetric signals (transcription
        factor binding), not for strand-specific ones (promoters, splice
        sites). ``"auto"``: where :class:`AttnGenClassifier`'s strand test
        (with this network) finds the data strand-symmetric.
    strand_average : bool or "auto", default=False
        Average ``predict_proba`` / ``predict`` and ``saliency`` over both
        strands (the reverse strand's map mapped back to the forward
        positions), so that ``X`` and its reverse complement get exactly the
        same outputs. Costs a second forward pass. ``"auto"``: as in
        :class:`AttnGenClassifier`, on ``train_split``'s held-out data, else
        by the strand test.
    **kwargs
        skorch parameters and routed parameters.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_positions_ : int

    Examples
    --------
    >>> from sklearn_attngen import CNNBaselineClassifier
    >>> X, y = ["ACGT" * 10, "TTTT" * 10] * 10, [0, 1] * 10
    >>> clf = CNNBaselineClassifier(max_epochs=5, verbose=0, random_state=0)
    >>> clf.fit(X, y).predict(["ACGT" * 10, "TTTT" * 10])
    array([0, 1])
    """

    _default_module = GBCNN
    _module_params = ("embedding_dim",)
    _parameter_constraints = {"embedding_dim": [Interval(Integral, 1, None, closed="left")]}

    def __init__(
        self,
        module=GBCNN,
        *,
        embedding_dim=100,
        max_epochs=10,
        lr=1e-3,
        batch_size=64,
        optimizer=torch.optim.Adam,
        criterion=torch.nn.CrossEntropyLoss,
        train_split=None,
        callbacks=None,
        warm_start=False,
        verbose=1,
        device="cpu",
        random_state=None,
        mixed_precision=None,
        class_weight=None,
        alphabet="DNA",
        strand_augment=False,
        strand_average=False,
        **kwargs,
    ):
        super().__init__(**init_arguments(locals()))

    def _uses_default_module(self):
        return True  # the embedding size is the GB CNN's own parameter whatever the module
