"""Data-parallel training with fit_distributed (PyTorch DistributedDataParallel, gloo on CPU).

The slow tests launch 2 processes with ``torchrun`` (``tests/_ddp_worker.py``)
once per session and compare what they fitted with 1-process fits made here.
The fast tests run the distributed code path in this process, in a process
group of one.

Why a 2-process fit matches a 1-process fit only to a tolerance, and when:
with the same ``random_state`` both draw the same initialisation and the
same global batches, and each process's gradient is weighted by its share of
the batch, so both follow the gradient of the same mean loss. Three things
still differ. (1) Float additions happen in another order: the backward pass
sums over 8 rows instead of 16, and gloo adds the two halves. That changes the
last bits (about 1e-7 relative) and Adam carries them on; the tight test
allows 1e-5. One parameter is exempt: the attention scorer's output bias
shifts all logits of a head equally, the softmax ignores it, so its gradient
is 0 up to rounding and Adam turns that rounding noise into steps of size
``lr``; it changes no output. (2) Batch norm normalises each process's share
with its own statistics (8 rows, not 16): the tight test uses a network
without batch norm, and the default configuration is compared loosely, by
accuracy. (3) Dropout masks are drawn per process: the tight test has no
dropout.
"""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
from _ddp_worker import (
    DEFAULT_LENGTH,
    DEFAULT_N,
    DEFAULT_PARAMS,
    TIGHT_N,
    TIGHT_PARAMS,
    default_split,
    planted,
)
from skorch.dataset import ValidSplit

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier, fit_distributed
from sklearn_attngen._data import BatchIndices
from sklearn_attngen._distributed import _global_batch_sizes, _ProcessShares
from sklearn_attngen.datasets import SequenceMemmap, encode_to_memmap
from sklearn_attngen.preprocessing import KmerEncoder

TESTS = Path(__file__).resolve().parent
HAS_GLOO = dist.is_available() and dist.is_gloo_available()
needs_gloo = pytest.mark.skipif(not HAS_GLOO, reason="torch.distributed with gloo is unavailable")

# the attention scorer's output bias: no effect on any output (see the module docstring)
SHIFT_ONLY = {"score.2.bias"}


def _default_data(seed=0):
    return planted(DEFAULT_N, length=DEFAULT_LENGTH, seed=seed)


# ------------------------------------------------------- 2 processes (torchrun)
@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    if not HAS_GLOO:
        pytest.skip("torch.distributed with gloo is unavailable")
    try:
        import torch.distributed.run  # noqa: F401  (the torchrun launcher)
    except ImportError:  # pragma: no cover - part of every torch build with distributed
        pytest.skip("torch.distributed.run (torchrun) is unavailable")
    folder = tmp_path_factory.mktemp("ddp")
    X, y = _default_data()
    encode_to_memmap(zip(X, y.tolist(), strict=True), folder / "memmap")
    out = folder / "out"
    out.mkdir()
    env = {
        **os.environ,
        # the tests folder first (the worker and _planted), then the caller's path, so a
        # checkout put first on PYTHONPATH is the package the workers import
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",  # a free local port: no clash with other runs on the machine
        "--nproc-per-node",
        "2",
        "-m",
        "_ddp_worker",
        str(out),
        str(folder / "memmap"),
    ]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = []
    for rank in range(2):
        with open(out / f"rank{rank}.pkl", "rb") as f:
            results.append(pickle.load(f))
    return results, folder / "memmap"


def _one_process_tight():
    X, y = planted(TIGHT_N)
    return AttnGenClassifier(**TIGHT_PARAMS).fit(X, y), X


@pytest.mark.slow
def test_two_processes_match_one_process_with_the_same_global_batch(two_processes):
    (rank0, _), _ = two_processes
    ddp = rank0["tight"]
    clf, X = _one_process_tight()
    batches = [batch for epoch in clf.history_ for batch in epoch["batches"]]
    # the same global batches (6 of 16 rows and one of 5, per epoch), the same losses
    np.testing.assert_array_equal(ddp["batch_size"], [b["train_batch_size"] for b in batches])
    np.testing.assert_allclose(ddp["batch_loss"], [b["train_loss"] for b in batches], rtol=1e-5)
    np.testing.assert_allclose(ddp["epoch_loss"], clf.history_[:, "train_loss"], rtol=1e-5)
    state = clf.module_.state_dict()
    for name, value in ddp["state"].items():
        if name not in SHIFT_ONLY:
            np.testing.assert_allclose(value, state[name].numpy(), atol=1e-5, err_msg=name)
    np.testing.assert_allclose(ddp["proba"], clf.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(ddp["saliency"], clf.saliency_, atol=1e-6)
    # the masking schedule ran as in one process (4 epochs: warm-up, ramp, full)
    assert clf.history_[:, "mask_fraction"][-1] == pytest.approx(0.2)


@pytest.mark.slow
def test_every_process_ends_with_the_same_model_and_history(two_processes):
    (rank0, rank1), _ = two_processes
    for case in ("tight", "default"):
        for key in ("proba", "saliency", "batch_loss", "batch_size", "epoch_loss"):
            np.testing.assert_array_equal(rank0[case][key], rank1[case][key], err_msg=key)
        for name, value in rank0[case]["state"].items():  # batch-norm statistics included
            np.testing.assert_array_equal(value, rank1[case]["state"][name], err_msg=name)
    np.testing.assert_array_equal(rank0["default"]["valid_acc"], rank1["default"]["valid_acc"])


@pytest.mark.slow
def test_default_configuration_trains_as_well_as_one_process(two_processes):
    # batch norm per process, dropout and shuffling: not the same numbers, the same
    # quality. 400 sequences of 40 nt, 300 trained on, 100 validated, 4 epochs.
    (rank0, _), _ = two_processes
    X, y = _default_data()
    one = AttnGenClassifier(train_split=default_split(), **DEFAULT_PARAMS).fit(X, y)
    X_test, y_test = _default_data(seed=1)
    ddp = pickle.loads(rank0["default_pickle"])
    one_acc, ddp_acc = one.score(X_test, y_test), ddp.score(X_test, y_test)
    # One-process fits with seeds 0-2 scored 0.81-0.83 here (0.84 for the 2-process
    # fit); 400 test sequences give a binomial standard error of about 2 points.
    assert ddp_acc > 0.7, (ddp_acc, one_acc)
    assert abs(ddp_acc - one_acc) < 0.1, (ddp_acc, one_acc)
    assert rank0["default"]["valid_acc"][-1] > rank0["default"]["valid_acc"][0]
    assert rank0["default"]["epoch_loss"][-1] < rank0["default"]["epoch_loss"][0]


@pytest.mark.slow
def test_fitted_estimator_pickles_and_predicts_like_any_other(two_processes):
    (rank0, _), memmap = two_processes
    assert b"DistributedDataParallel" not in rank0["default_pickle"]
    clf = pickle.loads(rank0["default_pickle"])
    assert type(clf) is AttnGenClassifier and rank0["default"]["class"] is AttnGenClassifier
    assert "_ddp_state_" not in rank0["default"]["attributes"]
    assert type(clf.module_).__name__ == "AttnGenNet"
    data = SequenceMemmap(memmap)
    np.testing.assert_array_equal(clf.predict_proba(data), rank0["default"]["proba"])
    assert clf.saliency_.shape == (DEFAULT_LENGTH,)
    clf.set_params(max_epochs=1).partial_fit(data)  # trains on, in one process


@pytest.mark.slow
def test_every_process_takes_the_first_ones_strand_test_answer(two_processes):
    (first, second), _ = two_processes
    assert isinstance(first["strand_symmetric"], bool)
    assert first["strand_symmetric"] == second["strand_symmetric"]
    np.testing.assert_array_equal(first["strand_proba"], second["strand_proba"])


@pytest.mark.slow
def test_a_split_that_differs_between_processes_stops_every_process(two_processes):
    (rank0, rank1), _ = two_processes
    for results in (rank0, rank1):
        assert "train/validation split" in results["unseeded_split_error"]
        assert "random_state" in results["unseeded_split_error"]


# -------------------------------------------------- in this process (fast)
@pytest.fixture
def group_of_one():
    """A gloo process group of this process alone (no network: an in-memory store)."""
    if not HAS_GLOO:
        pytest.skip("torch.distributed with gloo is unavailable")
    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        yield
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("n_samples", [101, 97, 96, 16])
def test_global_batches_are_those_of_one_process_split_by_rank(group_of_one, n_samples):
    batches = BatchIndices(n_samples, 16, shuffle=True)
    torch.manual_seed(0)
    expected = list(batches)
    sizes = _global_batch_sizes(n_samples, 16, False, 2)
    shares = []
    for rank in range(2):
        torch.manual_seed(0)  # rank 1 replays the draws of rank 0's state, broadcast
        shares.append(list(_ProcessShares(batches, rank, 2)))
    assert [len(a) + len(b) for a, b in zip(*shares, strict=True)] == sizes
    joined = [np.concatenate(pair) for pair in zip(*shares, strict=True)]
    if n_samples % 16 == 1:  # a last batch of 1 row: merged into the one before
        expected = [*expected[:-2], np.concatenate(expected[-2:])]
    assert len(joined) == len(expected)
    for got, want in zip(joined, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    assert all(abs(len(a) - len(b)) <= 1 and len(b) >= 1 for a, b in zip(*shares, strict=True))


def test_global_batch_sizes():
    assert _global_batch_sizes(101, 16, False, 2) == [16] * 6 + [5]
    assert _global_batch_sizes(97, 16, False, 2) == [16] * 5 + [17]
    assert _global_batch_sizes(97, 16, True, 2) == [16] * 6
    assert _global_batch_sizes(5, 16, False, 2) == [5]


@needs_gloo
def test_distributed_path_in_a_group_of_one_is_a_plain_fit(group_of_one):
    X, y = planted(60)
    params = dict(n_filters=8, n_blocks=1, attention_size=8, batch_size=16, max_epochs=2)
    params.update(verbose=0, random_state=0, mask_fraction=0.2, mask_warmup=0)
    plain = AttnGenClassifier(**params).fit(X, y)
    clf = fit_distributed(AttnGenClassifier(**params), X, y)
    assert dist.is_initialized()  # the caller's process group is left alone
    assert type(clf) is AttnGenClassifier and "_ddp_state_" not in vars(clf)
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))
    np.testing.assert_array_equal(clf.saliency_, plain.saliency_)
    assert clf.history_[:, "train_loss"] == plain.history_[:, "train_loss"]
    # no DDP hook left on the network: it trains on without the process group
    dist.destroy_process_group()
    try:
        clf.partial_fit(X, y)
        plain.partial_fit(X, y)
        np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))
    finally:
        dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)


@needs_gloo
def test_strand_test_in_a_group_of_one(group_of_one, monkeypatch):
    from sklearn_attngen import _base

    monkeypatch.setattr(_base, "STRAND_TEST_MIN", 50)  # the strand test runs on 120 rows
    X, y = planted(120)
    params = dict(n_filters=8, n_blocks=1, attention_size=8, batch_size=16, max_epochs=2)
    params.update(verbose=0, random_state=0)
    plain = AttnGenClassifier(**params).fit(X, y)
    clf = fit_distributed(AttnGenClassifier(**params), X, y)
    assert type(clf) is AttnGenClassifier
    assert isinstance(clf.strand_symmetric_, bool)
    assert clf.strand_symmetric_ == plain.strand_symmetric_
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


@needs_gloo
def test_mixed_precision_in_a_group_of_one(group_of_one):
    X, y = planted(40)
    params = dict(n_filters=4, n_blocks=1, max_epochs=1, batch_size=8, verbose=0)
    params.update(random_state=0, mixed_precision="bfloat16")
    plain = AttnGenClassifier(**params).fit(X, y)
    clf = fit_distributed(AttnGenClassifier(**params), X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


@needs_gloo
def test_cnn_baseline_and_sample_weights(group_of_one):
    X, y = planted(40)
    weights = np.linspace(0.5, 2.0, len(y))
    params = dict(max_epochs=1, batch_size=8, verbose=0, random_state=0)
    plain = CNNBaselineClassifier(**params).fit(X, y, sample_weight=weights)
    clf = fit_distributed(CNNBaselineClassifier(**params), X, y, sample_weight=weights)
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


@needs_gloo
def test_validation_split_and_memmap_in_a_group_of_one(group_of_one, tmp_path):
    X, y = planted(64)
    data = encode_to_memmap(zip(X, y.tolist(), strict=True), tmp_path / "codes")
    params = dict(n_filters=8, n_blocks=0, max_epochs=2, batch_size=16, verbose=0)
    split = ValidSplit(0.25, stratified=True, random_state=0)
    plain = AttnGenClassifier(train_split=split, random_state=0, **params).fit(data)
    clf = fit_distributed(AttnGenClassifier(train_split=split, random_state=0, **params), data)
    assert clf.history_[:, "valid_acc"] == plain.history_[:, "valid_acc"]
    np.testing.assert_array_equal(clf.predict_proba(data), plain.predict_proba(data))


@needs_gloo
def test_warm_start_trains_on_in_a_group_of_one(group_of_one):
    X, y = planted(40)
    params = dict(n_filters=4, n_blocks=0, max_epochs=1, batch_size=8, verbose=0)
    params.update(random_state=0, warm_start=True)
    plain = AttnGenClassifier(**params).fit(X, y).fit(X, y)
    clf = fit_distributed(fit_distributed(AttnGenClassifier(**params), X, y), X, y)
    assert len(clf.history_) == 2
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


@needs_gloo
def test_the_estimator_is_itself_again_after_an_error(group_of_one):
    clf = AttnGenClassifier(lr=-1.0, verbose=2)
    with pytest.raises(ValueError, match="lr"):
        fit_distributed(clf, *planted(20))
    assert type(clf) is AttnGenClassifier and clf.verbose == 2


def test_rejects_other_estimators():
    with pytest.raises(TypeError, match="network estimators"):
        fit_distributed(KmerEncoder(), ["ACGT"], [0])


def test_without_a_launcher_it_is_fit(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    X, y = planted(20)
    params = dict(n_filters=4, n_blocks=0, max_epochs=1, verbose=0, random_state=0)
    clf = fit_distributed(AttnGenClassifier(**params), X, y)
    np.testing.assert_array_equal(
        clf.predict_proba(X), AttnGenClassifier(**params).fit(X, y).predict_proba(X)
    )
