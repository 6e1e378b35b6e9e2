"""Data-parallel training of one network estimator on several processes (PyTorch DDP).

:func:`fit_distributed` fits an estimator of this package in every process of a
``torchrun`` launch. For the duration of that one ``fit`` the estimator's class
is extended with :class:`_DistributedTraining`, a mixin over skorch's
``NeuralNet`` (as skorch's ``AccelerateMixin``, one concern in one place):

- the training forward pass goes through
  :class:`torch.nn.parallel.DistributedDataParallel`, which averages the
  gradients over the processes during the backward pass;
- each global batch of ``batch_size`` rows (the same rows, in the same order,
  as a one-process fit draws) is cut into one part per process, and each
  process reads only its part (from memory or from a ``SequenceMemmap``);
- the loss of each batch and the batch-norm running statistics are averaged
  over the processes, so that the history, the callbacks' decisions and the
  fitted network are identical on every process.

Afterwards the estimator is of its own class again and holds its plain
network: it pickles, predicts and saves like any other.
"""

import atexit
import functools
import hashlib
import inspect
import os

import numpy as np
import torch
import torch.distributed as dist
from skorch.dataset import unpack_data

from ._base import BaseDNANet
from ._data import BatchIndices

__all__ = ["fit_distributed"]

# torch 2.13 renamed DDP's broadcast_buffers (now deprecated) to forward_sync_buffers
_DDP_PARAMETERS = inspect.signature(torch.nn.parallel.DistributedDataParallel).parameters
_NO_FORWARD_BUFFER_SYNC = (
    {"forward_sync_buffers": False}
    if "forward_sync_buffers" in _DDP_PARAMETERS
    else {"broadcast_buffers": False}
)
_LAUNCHER_VARIABLES = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def fit_distributed(estimator, X, y=None, **fit_params):
    """Fit a network estimator data-parallel, on every process of a ``torchrun`` launch.

    Call it in a script in place of ``estimator.fit(X, y)`` and start the
    script with ``torchrun --nproc-per-node N script.py``. Every process must
    call it with the same estimator parameters and the same data. Each
    process trains on its own share of every batch, PyTorch's
    :class:`~torch.nn.parallel.DistributedDataParallel` averages the gradients,
    and every process ends with the same fitted estimator, of its own class:
    it pickles, predicts and saves like one fitted with ``fit``. Save it from
    one process (``torch.distributed.get_rank() == 0``).

    Started without a launcher (no ``RANK`` / ``WORLD_SIZE`` in the
    environment) and with no process group initialised, this is
    ``estimator.fit(X, y, **fit_params)``, so one script runs on one process
    and on several.

    Parameters
    ----------
    estimator : AttnGenClassifier, CNNBaselineClassifier or another network estimator
        An estimator of this package (a subclass of its ``BaseDNANet``). Its
        ``batch_size`` is the *global* batch: each of the ``N`` processes
        trains on ``batch_size / N`` rows of every batch (to within one
        row), so the parameters mean what they mean in a one-process fit.
        ``batch_size`` must be at least ``N``.
    X : list, ndarray or pandas Series of str, ndarray, or SequenceMemmap
        As in the estimator's ``fit``. Every process validates ``X`` but
        trains on, and reads, only the rows of its share of each batch: with
        a :class:`~sklearn_attngen.datasets.SequenceMemmap`, one copy of the
        codes on disk serves all processes.
    y : array-like of shape (n_samples,), default=None
        As in the estimator's ``fit``.
    **fit_params : dict
        Passed to the estimator's ``fit`` (e.g. ``sample_weight``).

    Returns
    -------
    estimator
        The fitted estimator (the same object), on every process.

    Notes
    -----
    - **Process group.** Under ``torchrun`` the first call initialises the
      default process group from the environment (``nccl`` for a CUDA
      ``device``, ``gloo`` otherwise; with CUDA each process uses the GPU of
      its ``LOCAL_RANK``: leave ``device="cuda"``). It stays for later calls
      (``torch.distributed.get_rank()`` works after the fit) and is destroyed
      when the process exits. A process group initialised by the caller is
      used as it is.
    - **Batches.** Shuffling draws the permutation of a one-process fit
      from the first process's random state, so with the same
      ``random_state`` the global batches hold the same rows as in
      ``estimator.fit``. A last batch of fewer rows than processes is merged
      into the one before it. Each process's loss is weighted by its share
      of the batch, so the averaged gradient is that of the batch's mean
      loss even where the shares differ by a row.
    - **Seeding.** The first process draws the initialisation, the
      permutations and its dropout masks as ``estimator.fit`` would; the
      others draw their own dropout masks (a stream derived from the seed
      and the process rank). DDP copies the first process's weights to all.
    - **Batch norm** normalises each process's share with that share's
      statistics (PyTorch's ``BatchNorm``, not ``SyncBatchNorm``), as in a
      one-process fit with batches of ``batch_size / N``. The running
      statistics are averaged over the processes after every training epoch.
    - **Losses and scores.** ``history_`` records each batch's loss averaged
      over the processes (weighted by rows) and the global batch size, so
      it reads as a one-process history. The validation split, if any, is
      scored in full by every process with the same network, so validation
      scores, early stopping and the learning-rate schedule agree on all
      processes; ``train_split`` must give every process the same split
      (``ValidSplit(..., random_state=0)``), which is checked.
    - ``saliency_`` is computed after training by every process over all of
      the training data (one inference pass over every row), as in ``fit``.
    - Only the first process prints (``verbose`` is 0 on the others during
      the fit). An error raised on one process only (e.g.
      different data) leaves the others waiting in a collective until the
      process group's timeout; the data's size, lengths and labels are
      checked to agree first.

    Examples
    --------
    Without a launcher this is a plain ``fit``:

    >>> from sklearn_attngen import AttnGenClassifier, fit_distributed
    >>> X, y = ["ACGTTGCA" * 3, "TTTTAAAA" * 3] * 8, [0, 1] * 8
    >>> clf = AttnGenClassifier(n_filters=4, n_blocks=0, max_epochs=1, verbose=0,
    ...                         random_state=0)
    >>> fit_distributed(clf, X, y).predict(X[:2]).shape
    (2,)

    In a script ``train.py``, started with
    ``torchrun --standalone --nproc-per-node 2 train.py``::

        import torch.distributed as dist

        clf = fit_distributed(AttnGenClassifier(batch_size=128, random_state=0), X, y)
        if not dist.is_initialized() or dist.get_rank() == 0:
            joblib.dump(clf, "model.joblib")
    """
    if not isinstance(estimator, BaseDNANet):
        raise TypeError(
            "fit_distributed trains the network estimators of sklearn_attngen "
            f"(AttnGenClassifier, CNNBaselineClassifier, ...); got {type(estimator).__name__}."
        )
    _init_process_group(estimator.device)
    if not (dist.is_available() and dist.is_initialized()):
        return estimator.fit(X, y, **fit_params)
    cls, verbose = type(estimator), estimator.verbose
    if dist.get_rank() > 0:
        estimator.verbose = 0  # one epoch table, from the first process
    estimator.__class__ = _distributed_class(cls)
    try:
        estimator.fit(X, y, **fit_params)
    finally:
        estimator.__class__ = cls
        estimator.verbose = verbose
    return estimator


def _init_process_group(device):
    """Initialise the default process group from torchrun's variables, once per process.

    It stays for later calls (re-creating a group in the same processes can hang
    in gloo's rendezvous) and is destroyed when the interpreter exits.
    """
    launched = all(name in os.environ for name in _LAUNCHER_VARIABLES)
    if not dist.is_available():
        if launched:
            raise RuntimeError(
                "This process was started by a distributed launcher, but this build of "
                "torch has no torch.distributed."
            )
        return
    if dist.is_initialized() or not launched:
        return
    cuda = device is not None and torch.device(device).type == "cuda"
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
    backend = "nccl" if cuda and dist.is_nccl_available() else "gloo"
    dist.init_process_group(backend, init_method="env://")
    atexit.register(_destroy_process_group)


def _destroy_process_group():
    if dist.is_initialized():
        dist.destroy_process_group()


@functools.cache
def _distributed_class(cls):
    """``cls`` with :class:`_DistributedTraining` first: what the estimator is during the fit."""
    return type(cls.__name__, (_DistributedTraining, cls), {"__module__": __name__})


class _DDPState:
    """What one distributed ``fit_loop`` keeps (not a torch Module, so skorch leaves it alone)."""

    def __init__(self, ddp_module, rank, world_size):
        self.ddp_module, self.rank, self.world_size = ddp_module, rank, world_size
        self.global_sizes, self.step, self.global_size = [], 0, None
        self.forward_pending, self.grad_scale = False, 1.0


class _DistributedTraining:
    """Data-parallel training over the default process group (see :func:`fit_distributed`)."""

    def _ddp_state(self):
        return self.__dict__.get("_ddp_state_")

    def _plain_class(self):
        return type(self).__bases__[1]  # (_DistributedTraining, cls): see _distributed_class

    def _test_strands(self, codes, lengths, targets):
        # each process runs the strand test on its own; the first process's answer holds
        # for all (with random_state=None the processes draw different samples)
        answer = [super()._test_strands(codes, lengths, targets)]
        dist.broadcast_object_list(answer, src=0)
        return answer[0]

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        rank, world_size = dist.get_rank(), dist.get_world_size()
        _check_same_on_all_processes(
            "the training data (number of sequences, their lengths, targets and weights, "
            "the estimator's n_positions_ and classes)",
            _data_fingerprint(self, X),
        )
        if rank > 0:
            # dropout masks of its own; the permutations come from the first process
            draw = int(torch.empty((), dtype=torch.int64).random_().item())
            torch.manual_seed(int(np.random.SeedSequence([draw, rank]).generate_state(1)[0]))
        device = next(self.module_.parameters()).device
        ddp_module = torch.nn.parallel.DistributedDataParallel(
            self.module_,
            device_ids=[device.index] if device.type == "cuda" else None,
            **_NO_FORWARD_BUFFER_SYNC,  # averaged after each epoch instead (run_single_epoch)
        )
        self.__dict__["_ddp_state_"] = _DDPState(ddp_module, rank, world_size)
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        finally:  # no wrapper, and none of its autograd hooks, left on the fitted network
            del self.__dict__["_ddp_state_"]
            del ddp_module

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        if self._ddp_state() is not None:
            _check_same_on_all_processes(
                "the train/validation split (give skorch's ValidSplit a fixed random_state, "
                "e.g. ValidSplit(0.1, stratified=True, random_state=0))",
                (_rows_digest(dataset_train), _rows_digest(dataset_valid)),
            )
        return dataset_train, dataset_valid

    def get_iterator(self, dataset, training=False):
        loader = super().get_iterator(dataset, training=training)
        state = self._ddp_state()
        if not training or state is None:
            return loader  # validation: every process scores the whole split
        batches = loader.batch_sampler
        if type(batches) is not BatchIndices:
            raise ValueError(
                "fit_distributed cuts the estimator's own training batches into one share "
                "per process; it cannot be combined with iterator_train__sampler or "
                "iterator_train__batch_sampler."
            )
        if batches.batch_size < state.world_size:
            raise ValueError(
                f"batch_size={batches.batch_size} is the global batch, shared by "
                f"{state.world_size} processes; it must be at least {state.world_size}."
            )
        if len(dataset) < state.world_size:
            raise ValueError(
                f"{len(dataset)} training sequences cannot be shared by {state.world_size} "
                "processes."
            )
        shares = _ProcessShares(batches, state.rank, state.world_size)
        return _with_batch_sampler(loader, shares)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        state = self._ddp_state()
        if state is None or not training or iterator is None:
            return super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        state.global_sizes, state.step = iterator.batch_sampler.global_sizes, 0
        super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        # the same running statistics everywhere before validation scores them
        for buffer in self.module_.buffers():
            if buffer.is_floating_point():
                dist.all_reduce(buffer)
                buffer /= state.world_size
        return None

    def train_step(self, batch, **fit_params):
        state = self._ddp_state()
        if state is None:
            return super().train_step(batch, **fit_params)
        state.global_size = state.global_sizes[state.step]
        step = super().train_step(batch, **fit_params)
        state.step += 1
        # the batch's mean loss over all processes, for history_ and the callbacks
        n_rows = _n_rows(batch)
        total = step["loss"].detach().reshape(1).to(torch.float64) * n_rows
        dist.all_reduce(total)
        return {**step, "loss": (total / state.global_size).reshape(()).to(step["loss"].dtype)}

    def train_step_single(self, batch, **fit_params):
        state = self._ddp_state()
        if state is None:
            return super().train_step_single(batch, **fit_params)
        # DDP averages the processes' gradients; weighting each by its share of the
        # batch makes that the gradient of the batch's mean loss
        state.grad_scale = _n_rows(batch) * state.world_size / state.global_size
        state.forward_pending = True
        try:
            return super().train_step_single(batch, **fit_params)
        finally:
            state.forward_pending, state.grad_scale = False, 1.0

    def infer(self, x, **fit_params):
        state = self._ddp_state()
        if state is None or not state.forward_pending or not torch.is_grad_enabled():
            output = super().infer(x, **fit_params)
        else:  # the step's training forward pass, through DDP (its gradients are averaged)
            state.forward_pending = False
            module, self.module_ = self.module_, state.ddp_module
            try:
                output = super().infer(x, **fit_params)
            finally:
                self.module_ = module
        if state is not None and state.grad_scale != 1.0 and torch.is_grad_enabled():
            scale = state.grad_scale
            for tensor in output if isinstance(output, tuple) else (output,):
                if torch.is_tensor(tensor) and tensor.requires_grad:
                    tensor.register_hook(lambda grad, scale=scale: grad * scale)
        return output

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        state = self._ddp_state()
        if state is not None and training:  # the loss recorded is the whole batch's
            self.history.record_batch("train_batch_size", state.global_size)
        return super().on_batch_end(net, batch=batch, training=training, **kwargs)


class _ProcessShares(torch.utils.data.Sampler):
    """This process's share of each global batch of a :class:`BatchIndices`.

    All processes draw the permutation from the first process's torch random
    state, so the global batches are those of a one-process fit; each yields
    its part of them (``np.array_split``, sizes within one row). A last batch
    with fewer rows than processes is merged into the one before.
    """

    def __init__(self, batches, rank, world_size):
        self.batches, self.rank, self.world_size = batches, rank, world_size
        self.global_sizes = _global_batch_sizes(
            batches.n_samples, batches.batch_size, batches.drop_last, world_size
        )

    def __len__(self):
        return len(self.global_sizes)

    def __iter__(self):
        pending = None
        for batch in self._global_batches():
            if pending is not None and len(batch) < self.world_size:
                batch = np.concatenate([pending, batch])
            elif pending is not None:
                yield np.array_split(pending, self.world_size)[self.rank]
            pending = batch
        if pending is not None:
            yield np.array_split(pending, self.world_size)[self.rank]

    def _global_batches(self):
        state = [torch.get_rng_state()]
        dist.broadcast_object_list(state, src=0)
        batches = iter(self.batches)
        if self.rank == 0:
            yield from batches
            return
        with torch.random.fork_rng(devices=[]):  # the permutation drawn as the first process does
            torch.set_rng_state(state[0])
            first = next(batches, None)
        if first is not None:
            yield first
            yield from batches


def _global_batch_sizes(n_samples, batch_size, drop_last, world_size):
    """Rows in each global batch of one epoch, after merging a too small last batch."""
    sizes = [batch_size] * (n_samples // batch_size)
    if n_samples % batch_size and not drop_last:
        sizes.append(n_samples % batch_size)
    if len(sizes) > 1 and sizes[-1] < world_size:
        last = sizes.pop()
        sizes[-1] += last
    return sizes


def _with_batch_sampler(loader, batch_sampler):
    """The same DataLoader (workers, collate_fn, pinning...) over other batches."""
    names = inspect.signature(type(loader)).parameters
    skip = {"dataset", "batch_size", "shuffle", "sampler", "batch_sampler", "drop_last"}
    kwargs = {
        name: getattr(loader, name) for name in names if name not in skip and hasattr(loader, name)
    }
    return type(loader)(loader.dataset, batch_sampler=batch_sampler, **kwargs)


def _n_rows(batch):
    return len(unpack_data(batch)[1])


def _digest(*arrays):
    hasher = hashlib.sha256()
    for array in arrays:
        if array is None:
            hasher.update(b"none")
        else:
            array = np.ascontiguousarray(array)
            hasher.update(f"{array.dtype.str}{array.shape}".encode())
            hasher.update(array.tobytes())
    return hasher.hexdigest()


def _data_fingerprint(net, dataset):
    classes = getattr(net, "classes_", None)
    return (
        len(dataset),
        int(net.n_positions_),
        None if classes is None else np.asarray(classes).tolist(),
        _digest(
            getattr(dataset, "lengths", None),
            getattr(dataset, "y", None),
            getattr(dataset, "sample_weight", None),
        ),
    )


def _rows_digest(dataset):
    if dataset is None:
        return None
    indices = getattr(dataset, "indices", None)  # a Subset, as skorch's ValidSplit makes
    return (len(dataset), None if indices is None else _digest(np.asarray(indices)))


def _check_same_on_all_processes(what, value):
    values = [None] * dist.get_world_size()
    dist.all_gather_object(values, value)
    differ = [rank for rank, other in enumerate(values) if other != values[0]]
    if differ:
        raise ValueError(
            f"fit_distributed: {what} differ between process 0 and process {differ[0]}; "
            "every process must fit the same estimator on the same data."
        )
