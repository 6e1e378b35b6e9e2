"""The base class of the network estimators: DNA input, targets, weights, seeding, persistence.

``BaseDNANet`` sits on skorch's ``NeuralNet``; the classifiers add skorch's
``NeuralNetClassifier`` and the regressor its ``NeuralNetRegressor``. skorch
trains on ``{"codes": uint8, "lengths": int64}`` batches (see ``_data``); this
class validates the caller's input once, hands targets and weights to the
loss, runs every fit under a private torch RNG seeded from ``random_state``
and stamps pickles and saved parameters with the package version.
"""

import contextlib
import functools
import inspect
import io
import json
import math
import os
import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils.validation import _check_sample_weight, check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import ProgressBar
from skorch.dataset import ValidSplit, unpack_data
from skorch.utils import to_numpy

from ._data import BatchIndices, CodesDataset, collate_batch
from ._mixed_precision import MixedPrecisionMixin
from ._modules import reverse_complement_codes
from ._version import __version__
from .callbacks import FiniteLossGuard
from .exceptions import InconsistentVersionWarning, TrainingDivergedError
from .utils import check_sequences
from .utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from .utils._random import private_torch_rng

__all__ = ["BaseDNANet", "init_arguments"]


def init_arguments(frame_locals):
    """The arguments of a subclass ``__init__`` (its ``locals()``), for ``BaseDNANet.__init__``.

    Every estimator lists its parameters in its own ``__init__`` signature (as
    scikit-learn requires) and hands them all on with
    ``super().__init__(**init_arguments(locals()))``.
    """
    arguments = {
        name: value
        for name, value in frame_locals.items()
        if name not in ("self", "__class__", "kwargs")
    }
    return {**arguments, **frame_locals.get("kwargs", {})}


@functools.cache
def _own_parameter_names(cls):
    """Constructor parameters of ``cls`` that skorch's NeuralNet does not know."""
    skorch_names = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("skorch.") and "__init__" in vars(klass):
            skorch_names |= set(inspect.signature(klass.__init__).parameters)
    names = inspect.signature(cls.__init__).parameters
    return tuple(name for name in names if name not in skorch_names | {"self", "kwargs"})


# max_epochs="auto": AUTO_EPOCHS epochs, or on small strand-symmetric data as many as
# give AUTO_MIN_STEPS optimizer steps, at most AUTO_MAX_EPOCHS.
AUTO_EPOCHS, AUTO_MIN_STEPS, AUTO_MAX_EPOCHS = 8, 1000, 64

# The strand test behind the "auto" settings (``strand_symmetric_``): a short fit of
# the strand-specific settings (STRAND_TEST_EPOCHS, or max_epochs where fewer) on at
# most STRAND_TEST_SEQUENCES training sequences, a STRAND_TEST_FRACTION of them held
# out; strand-symmetric unless averaging the two strands raises the held-out loss by
# STRAND_TEST_TOLERANCE or more (a strand-specific signal makes the reverse strand's
# predictions wrong). Not run on fewer than STRAND_TEST_MIN sequences.
STRAND_TEST_MIN, STRAND_TEST_SEQUENCES, STRAND_TEST_FRACTION = 1000, 5000, 0.2
STRAND_TEST_EPOCHS, STRAND_TEST_TOLERANCE = 4, 0.02


class _Codes(NamedTuple):
    """Sequences already checked and encoded (the strand test's sample), for ``_fit``."""

    codes: np.ndarray
    lengths: np.ndarray


class BaseDNANet(MixedPrecisionMixin, NeuralNet):
    """Shared plumbing of the network estimators over DNA sequences.

    Subclasses set ``_default_module`` and ``_module_params`` (constructor
    parameters handed to the default module), implement ``_check_targets``
    (targets as the loss wants them) and ``_n_outputs``, and may extend
    ``_default_callbacks`` and ``_after_fit``. Their ``__init__`` lists every
    parameter and ends with ``super().__init__(**init_arguments(locals()))``:
    parameters that skorch does not know become attributes here.
    """

    _parameter_constraints = {
        "max_epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "mixed_precision": [StrOptions({"auto", "bfloat16", "float16"}), None],
        "alphabet": [StrOptions({"DNA", "RNA"})],
        "strand_augment": ["boolean", StrOptions({"auto"})],
        "strand_average": ["boolean", StrOptions({"auto"})],
    }
    _default_module = None
    _module_params = ()
    # by how much (a fraction) averaging the strands may raise the held-out loss and
    # still be chosen: none for strand_average="auto", STRAND_TEST_TOLERANCE in the test
    _averaging_tolerance = 0.0

    # Pickle the callbacks with the module and optimizer, through skorch's
    # map_location path: the learning-rate scheduler holds the optimizer (and
    # EarlyStopping(load_best=True) a copy of the weights), so a model fitted on
    # a GPU would otherwise fail to unpickle on a CPU-only machine (the trap of
    # skorch issue #1096), and the optimizer would be stored twice.
    cuda_dependent_attributes_ = ["callbacks"]

    def __init__(self, module, **params):
        own = _own_parameter_names(type(self))
        skorch_params = {name: value for name, value in params.items() if name not in own}
        # skorch does not shuffle training batches by default; data sorted by
        # class (as many sequence files are) then trains on one-class batches.
        super().__init__(module, **{"iterator_train__shuffle": True, **skorch_params})
        for name in own:
            setattr(self, name, params[name])

    # ------------------------------------------------------------- checking
    def _check_params(self):
        constraints = {}
        for klass in reversed(type(self).__mro__):
            constraints.update(vars(klass).get("_parameter_constraints", {}))
        validate_parameter_constraints(
            constraints, self.get_params(deep=False), caller_name=type(self).__name__
        )
        device = torch.device(self.device) if self.device is not None else None
        if device is not None and device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r}, but torch sees no CUDA device "
                "(torch.cuda.is_available() is False: no GPU, or a CPU-only build of torch). "
                "Use device='cpu'."
            )
        routed = set(self.get_params_for("module"))
        both = sorted(routed & set(self._module_params)) if self._uses_default_module() else []
        if both:
            raise ValueError(
                f"module__{both[0]} and {both[0]} both set the module's {both[0]!r}; set "
                f"{type(self).__name__}({both[0]}=...) only."
            )

    def _uses_default_module(self):
        return self.module is self._default_module

    @property
    def _default_callbacks(self):
        # The finite-loss guard stops a diverging fit with a clear error.
        callbacks = [*super()._default_callbacks, ("finite_loss", FiniteLossGuard())]
        if self.verbose >= 2:
            callbacks.append(("progress_bar", ProgressBar(postfix_keys=["train_loss"])))
        return callbacks

    def initialize_module(self):
        kwargs = {"n_outputs": self._n_outputs(), "max_length": self.n_positions_}
        if self._uses_default_module():
            kwargs.update({name: self._module_param(name) for name in self._module_params})
        self.module_ = self.initialized_instance(
            self.module, {**kwargs, **self.get_params_for("module")}
        )
        return self

    def _module_param(self, name):
        """The value of the module parameter ``name`` (an "auto" resolved)."""
        return getattr(self, name)

    def check_data(self, X, y):
        pass  # validated in _fit; skorch's check would relabel classes

    # ---------------------------------------------------------------- input
    def _validate_sequences(self, X, *, reset):
        """``(codes, lengths)`` of the caller's sequences (rows of a memmap stay on disk)."""
        if isinstance(X, _Codes):
            return X.codes, X.lengths
        max_length = None if reset else self.n_positions_
        return check_sequences(X, allow_memmap=True, alphabet=self.alphabet, max_length=max_length)

    def _encode(self, X):
        check_is_fitted(self, "n_positions_")
        return self._validate_sequences(X, reset=False)

    def _as_dataset(self, codes, lengths, y=None, sample_weight=None):
        return CodesDataset(
            codes, lengths, y, n_positions=self.n_positions_, sample_weight=sample_weight
        )

    def get_iterator(self, dataset, training=False):
        """skorch's DataLoader, fetching each batch with one fancy index (see ``_data``)."""
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = {"collate_fn": collate_batch, **self.get_params_for(prefix)}
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        if "sampler" not in kwargs and "batch_sampler" not in kwargs:
            kwargs["batch_sampler"] = BatchIndices(
                len(dataset),
                kwargs.pop("batch_size"),
                shuffle=kwargs.pop("shuffle", False),
                drop_last=kwargs.pop("drop_last", False),
            )
        return getattr(self, prefix)(dataset, **kwargs)

    def infer(self, x, **fit_params):
        if isinstance(x, Mapping) and "sample_weight" in x:  # for the loss, not the module
            x = {key: value for key, value in x.items() if key != "sample_weight"}
        return super().infer(x, **fit_params)

    # -------------------------------------------------------------- strands
    def train_step_single(self, batch, **fit_params):
        """skorch's training step; with ``strand_augment``, on half the batch's reverse strands."""
        if self._augments_strands():
            Xi, yi = unpack_data(batch)
            flip = torch.rand(len(Xi["lengths"])) < 0.5  # the fit's seeded torch RNG
            reverse = reverse_complement_codes(Xi["codes"], Xi["lengths"])
            codes = torch.where(flip[:, None].to(Xi["codes"].device), reverse, Xi["codes"])
            batch = ({**Xi, "codes": codes}, yi)
        return super().train_step_single(batch, **fit_params)

    def _strand_batches(self, data, step):
        """``step(X_batch)`` over ``data``; with ``strand_average``, also over each reverse strand.

        Yields ``(forward, reverse)`` per batch, ``reverse`` None without
        averaging. The reverse strand of a batch is computed on its own batch,
        so ``X`` and ``reverse_complement(X)`` give the same two values in
        swapped order: averages over both strands are equal to the bit.
        """
        with self._keep_global_rng():
            for batch in self.get_iterator(data, training=False):
                Xi = unpack_data(batch)[0]
                reverse = None
                if self._averages_strands():
                    codes = reverse_complement_codes(Xi["codes"], Xi["lengths"])
                    reverse = step({**Xi, "codes": codes})
                yield step(Xi), reverse

    def _augments_strands(self):
        """Whether training draws either strand (``"auto"``: on strand-symmetric data)."""
        if self.strand_augment == "auto":
            return self._strand_symmetric()
        return self.strand_augment

    def _strand_symmetric(self):
        """The strand test's answer (False where it was not run)."""
        return bool(getattr(self, "strand_symmetric_", None))

    def _averages_strands(self):
        """Whether predictions average both strands (``"auto"``: as chosen in ``fit``)."""
        if self.strand_average == "auto":
            return getattr(self, "strand_average_", False)
        return self.strand_average

    def _choose_strands(self, held_out):
        """``strand_average_`` for ``strand_average="auto"``: averaging where it lowers the
        loss on the data held out of training (``held_out``); with nothing held out, as the
        strand test found.
        """
        if held_out is None or len(held_out) == 0:
            return self._strand_symmetric()
        y = np.concatenate(
            [to_numpy(unpack_data(batch)[1]) for batch in self.get_iterator(held_out)]
        )
        losses = {}
        for average in (False, True):
            self.strand_average_ = average
            losses[average] = self._held_out_loss(self._predict_batches(held_out), y)
        return bool(losses[True] < losses[False] * (1 + self._averaging_tolerance))

    def _held_out_loss(self, output, y):
        """Loss of the predictions ``output`` against the training targets ``y``."""
        raise NotImplementedError

    def _strand_specific_settings(self):
        """The strand test's fit: every setting it resolves, at its strand-specific value,
        and no more epochs than the fit itself asks for (a short fit, a short test)."""
        epochs = STRAND_TEST_EPOCHS
        if self.max_epochs != "auto":
            epochs = min(epochs, self.max_epochs)
        return {"strand_augment": False, "max_epochs": epochs}

    def _needs_strand_test(self):
        held_out = self.train_split is not None or getattr(self, "early_stopping", False)
        return any(getattr(self, name) == "auto" for name in self._strand_specific_settings()) or (
            self.strand_average == "auto" and not held_out
        )

    def _test_strands(self, codes, lengths, targets):
        """``strand_symmetric_``: whether averaging both strands keeps the held-out loss of
        a short fit with the strand-specific settings (``STRAND_TEST_*`` above); None (not
        tested) on fewer than ``STRAND_TEST_MIN`` sequences."""
        if len(lengths) < STRAND_TEST_MIN:
            return None
        seed = self._seed()
        rows = np.random.default_rng(seed).permutation(len(lengths))[:STRAND_TEST_SEQUENCES]
        rows.sort()  # memmapped codes are read in order
        params = {
            name: clone(value, safe=False) for name, value in self.get_params(deep=False).items()
        }
        probe = self._plain_class()(**params)  # as clone(self), of the plain class
        settings = {
            **self._strand_specific_settings(),
            "strand_average": "auto",
            "train_split": ValidSplit(STRAND_TEST_FRACTION, stratified=False, random_state=seed),
            "callbacks": None,
            "verbose": 0,
            "warm_start": False,
            "class_weight": None,  # the probe's labels are class indices
        }
        own = probe.get_params(deep=False)
        probe.set_params(**{name: value for name, value in settings.items() if name in own})
        probe._averaging_tolerance = STRAND_TEST_TOLERANCE
        probe._fit(
            _Codes(codes[rows], lengths[rows]),
            np.asarray(targets)[rows],
            None,
            reset=True,
            whole_data=True,
            after_fit=False,
        )
        return bool(probe.strand_average_)

    def _plain_class(self):
        """The estimator's class (not the data-parallel one it takes on during a fit)."""
        return type(self)

    # ------------------------------------------------------------- weights
    def _sample_weights(self, sample_weight, y, n_samples):
        """Loss weight of each sequence, mean 1, or None when all are equal."""
        if sample_weight is None:
            return None
        weights = _check_sample_weight(sample_weight, np.empty((n_samples, 0)), dtype=np.float64)
        if (weights < 0).any():
            i = int(np.argmax(weights < 0))
            raise ValueError(f"sample_weight[{i}] = {weights[i]}; weights must be non-negative.")
        return (weights / weights.mean()).astype(np.float32)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        output = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        weights = X.get("sample_weight") if isinstance(X, Mapping) else None
        if weights is None:
            return super().get_loss(output, y_true, X=X, training=training)
        with _per_sample(self.criterion_):
            losses = super().get_loss(output, y_true, X=X, training=training)
        losses = losses.reshape(len(losses), -1).mean(dim=1)  # multi-output: mean per sequence
        return (losses * weights.to(losses.device, losses.dtype)).mean()

    # ------------------------------------------------------------- seeding
    def _keep_global_rng(self):
        # every DataLoader iterator draws its base seed from the global torch RNG,
        # so prediction would otherwise advance the caller's RNG state
        return private_torch_rng(self.device)

    def _seed(self):
        """An integer seed from ``random_state`` (a fresh one where it is None)."""
        if self.random_state is None:
            return int(np.random.SeedSequence().generate_state(1)[0])
        if isinstance(self.random_state, np.random.RandomState):
            return int(self.random_state.randint(2**31 - 1))
        return int(self.random_state)

    def _seeded(self):
        return private_torch_rng(self.device, self._seed())

    # ------------------------------------------------------------- fitting
    def _n_epochs(self, n_samples, *, whole_data):
        """Epochs of this ``fit`` (``whole_data``) or ``partial_fit`` call on ``n_samples``."""
        if self.max_epochs != "auto":
            return self.max_epochs
        # a partial_fit chunk says nothing of the data's size; strand-specific data
        # keep 8 epochs (more cost the 300-nt promoters)
        if not whole_data or not self._strand_symmetric():
            return AUTO_EPOCHS
        steps_per_epoch = math.ceil(n_samples / self.batch_size)
        return min(max(AUTO_EPOCHS, math.ceil(AUTO_MIN_STEPS / steps_per_epoch)), AUTO_MAX_EPOCHS)

    def _fit(
        self, X, y, sample_weight, *, reset, whole_data, classes=None, after_fit=True, **fit_params
    ):
        self._check_params()
        codes, lengths = self._validate_sequences(X, reset=reset)
        if y is None and hasattr(X, "target"):  # a labelled SequenceMemmap
            y = X.target
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but y is None.")
        y = self._check_targets(y, len(lengths), reset=reset, classes=classes)
        if reset:
            self.n_positions_ = int(codes.shape[1])
        weights = self._sample_weights(sample_weight, y, len(lengths))
        targets = self._training_targets(y)
        if reset:
            self.strand_symmetric_ = (
                self._test_strands(codes, lengths, targets) if self._needs_strand_test() else None
            )
        data = self._as_dataset(codes, lengths, targets, sample_weight=weights)
        with self._seeded():
            split = self._validation_split(targets)  # raises before anything changes
            if reset:
                self.initialize()
            # read by the learning-rate schedule when training starts
            self._epochs_this_call = self._n_epochs(len(lengths), whole_data=whole_data)
            self._held_out_split, self._held_out = split, None
            try:
                NeuralNet.partial_fit(
                    self, data, targets, epochs=self._epochs_this_call, **fit_params
                )
                if self.strand_average == "auto":
                    self.strand_average_ = self._choose_strands(self._held_out)
            except TrainingDivergedError:
                self._forget_fit()
                raise
            finally:
                del self._epochs_this_call, self._held_out_split, self._held_out
            if after_fit:
                self._after_fit(data)
        return self

    def _validation_split(self, targets):
        """The split of this fit's data into training and held-out parts, or None for
        ``train_split``'s."""
        return None

    def get_split_datasets(self, X, y=None, **fit_params):
        """skorch's split into training and validation data (this fit's own split, if any);
        the validation part is kept for ``strand_average="auto"``."""
        split = getattr(self, "_held_out_split", None)
        if split is None:
            train, valid = super().get_split_datasets(X, y, **fit_params)
        else:
            dataset = self.get_dataset(X, y)
            try:
                train, valid = split(dataset, y)
            except ValueError as error:
                raise ValueError(
                    f"early_stopping holds out validation_fraction={self.validation_fraction} "
                    f"of the {len(dataset)} training sequences, which cannot be done: {error}. "
                    "Pass more sequences, another validation_fraction, or "
                    "early_stopping=False."
                ) from error
        self._held_out = valid
        return train, valid

    def _training_targets(self, y):
        """What the loss compares the network's output with (the checked targets)."""
        return y

    def _after_fit(self, data):
        pass

    def _forget_fit(self):
        """A diverged network is no model: predict refuses it, the next fit starts afresh.

        ``history_`` and ``module_`` stay for diagnosis.
        """
        self.initialized_ = False
        for name in ("n_positions_", "saliency_", "strand_average_", "strand_symmetric_"):
            self.__dict__.pop(name, None)

    # ----------------------------------------------------------- predicting
    def _predict_batches(self, X):
        """The model's output over ``X`` (after ``predict_nonlinearity``), one array."""
        if isinstance(X, torch.utils.data.Dataset):  # skorch's validation scoring
            data = X
        else:
            data = self._as_dataset(*self._encode(X))
        nonlin = self._get_predict_nonlinearity()

        def step(Xi):
            y_pred = self.evaluation_step((Xi, None))
            return to_numpy(nonlin(y_pred[0] if isinstance(y_pred, tuple) else y_pred))

        # skorch keeps one small array per batch and concatenates them; left between
        # the large freed buffers of later batches, they fragment the heap (resident
        # memory reached 2.2 GB over 1M sequences). One array, filled in place:
        out, start = None, 0
        for forward, reverse in self._strand_batches(data, step):
            batch = forward if reverse is None else (forward + reverse) / 2
            if out is None:
                out = np.empty((len(data), *batch.shape[1:]), dtype=batch.dtype)
            out[start : start + len(batch)] = batch
            start += len(batch)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------ persistence
    def __getstate__(self):
        state = super().__getstate__()
        state["_sklearn_attngen_version"] = __version__
        return state

    def __setstate__(self, state):
        state = dict(state)
        _check_version(type(self).__name__, state.pop("_sklearn_attngen_version", "unknown"))
        super().__setstate__(state)

    def _fitted_attributes(self):
        """Fitted attributes beside the weights, for ``save_params(f_attributes=...)``."""
        attributes = {"n_positions": int(self.n_positions_)}
        if hasattr(self, "strand_average_"):
            attributes["strand_average"] = bool(self.strand_average_)
        if getattr(self, "strand_symmetric_", None) is not None:
            attributes["strand_symmetric"] = bool(self.strand_symmetric_)
        if hasattr(self, "saliency_"):
            attributes["saliency"] = np.asarray(self.saliency_).tolist()
        return attributes

    def _set_fitted_attributes(self, attributes):
        self.n_positions_ = int(attributes["n_positions"])
        if "strand_average" in attributes:
            self.strand_average_ = bool(attributes["strand_average"])
        self.strand_symmetric_ = attributes.get("strand_symmetric")
        if "saliency" in attributes:
            self.saliency_ = np.asarray(attributes["saliency"], dtype=np.float64)

    def save_params(self, *args, f_attributes=None, **kwargs):
        """skorch's ``save_params``, plus the fitted attributes as JSON.

        Parameters
        ----------
        *args, **kwargs
            As in :meth:`skorch.NeuralNet.save_params`: ``f_params``,
            ``f_optimizer``, ``f_criterion``, ``f_history``, ``use_safetensors``.
        f_attributes : str, path-like or file object, default=None
            Where to write the fitted attributes (``classes_`` or the target
            shape, ``n_positions_``, ``saliency_``), the network's constructor
            parameters and the package version, as JSON. With ``f_params``
            this is all :meth:`load_params` needs to rebuild the fitted model
            in a new estimator, without unpickling anything.

        Examples
        --------
        >>> import io
        >>> from sklearn_attngen import AttnGenClassifier
        >>> X, y = ["ACGTTGCA", "TTTTAAAA"] * 4, [0, 1] * 4
        >>> params = dict(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
        >>> clf = AttnGenClassifier(**params).fit(X, y)
        >>> weights, attributes = io.BytesIO(), io.StringIO()
        >>> clf.save_params(f_params=weights, f_attributes=attributes)
        >>> _ = weights.seek(0), attributes.seek(0)
        >>> new = AttnGenClassifier(**params)
        >>> new.load_params(f_params=weights, f_attributes=attributes)
        >>> bool((new.predict_proba(X) == clf.predict_proba(X)).all())
        True
        """
        if f_attributes is not None:
            check_is_fitted(self, "n_positions_")
            attributes = {
                "estimator": type(self).__name__,
                "sklearn_attngen_version": __version__,
                "module_params": self._network_params(),
                **self._fitted_attributes(),
            }
            _write_text(f_attributes, json.dumps(attributes))
        return super().save_params(*args, **kwargs)

    def _network_params(self):
        """The constructor parameters that shape the network (JSON values only)."""
        params = {name: getattr(self, name) for name in self._module_params}
        params.update(self.get_params_for("module"))
        return {
            name: value
            for name, value in params.items()
            if isinstance(value, (bool, int, float, str, type(None)))
        }

    def load_params(self, *args, f_attributes=None, **kwargs):
        """skorch's ``load_params``, into a new estimator too.

        Parameters
        ----------
        *args, **kwargs
            As in :meth:`skorch.NeuralNet.load_params`: ``f_params``,
            ``f_optimizer``, ``f_criterion``, ``f_history``, ``checkpoint``,
            ``use_safetensors``. Tensors are read with
            ``torch.load(weights_only=True)`` (skorch's default), which runs
            no code from the file.
        f_attributes : str, path-like or file object, default=None
            The JSON written by ``save_params(f_attributes=...)``. Sets the
            fitted attributes and initialises the network with their shape if
            it is not initialised yet. Raises a ``ValueError`` naming the
            parameter when the network was saved with other constructor
            parameters (e.g. ``n_filters``); warns with
            :class:`~sklearn_attngen.exceptions.InconsistentVersionWarning`
            when another package version wrote it.
        """
        if f_attributes is not None:
            attributes = json.loads(_read_text(f_attributes))
            if attributes.get("estimator") != type(self).__name__:
                raise ValueError(
                    f"f_attributes was saved by {attributes.get('estimator')!r}; load it into "
                    f"that estimator, not {type(self).__name__}."
                )
            _check_version(
                type(self).__name__, attributes.get("sklearn_attngen_version", "unknown")
            )
            saved, current = attributes.get("module_params", {}), self._network_params()
            for name in sorted(set(saved) | set(current)):
                if saved.get(name) != current.get(name):
                    raise ValueError(
                        f"The parameters were saved from a network with {name}="
                        f"{saved.get(name)!r}, but this {type(self).__name__} has {name}="
                        f"{current.get(name)!r}; build it with {name}={saved.get(name)!r} "
                        "to load them."
                    )
            self._set_fitted_attributes(attributes)
            if not self.initialized_:
                with self._keep_global_rng():
                    self.initialize()
        elif not self.initialized_ and not hasattr(self, "n_positions_"):
            raise ValueError(
                f"load_params into an unfitted {type(self).__name__} needs f_attributes (as "
                "written by save_params(f_attributes=...)): the network's shape depends on "
                "fitted attributes that the parameter files do not hold."
            )
        return super().load_params(*args, **kwargs)


@contextlib.contextmanager
def _per_sample(criterion):
    """The criterion with ``reduction="none"`` for the duration: one loss per sequence."""
    if not hasattr(criterion, "reduction"):
        raise TypeError(
            f"sample_weight and class_weight need a criterion with a 'reduction' attribute "
            f"(as torch's losses have); {type(criterion).__name__} has none."
        )
    reduction, criterion.reduction = criterion.reduction, "none"
    try:
        yield
    finally:
        criterion.reduction = reduction


def _check_version(estimator_name, original_version):
    if original_version != __version__:
        warnings.warn(
            InconsistentVersionWarning(
                estimator_name=estimator_name,
                current_version=__version__,
                original_version=original_version,
            ),
            stacklevel=3,
        )


def _write_text(f, text):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "w", encoding="utf-8") as handle:
            handle.write(text)
    elif isinstance(f, (io.RawIOBase, io.BufferedIOBase)):
        f.write(text.encode("utf-8"))
    else:
        f.write(text)


def _read_text(f):
    if isinstance(f, (str, os.PathLike)):
        with open(f, encoding="utf-8") as handle:
            return handle.read()
    data = f.read()
    return data.decode("utf-8") if isinstance(data, bytes) else data
