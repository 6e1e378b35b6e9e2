"""GPU training, mixed precision, and moving a GPU-fitted model to a CPU-only machine.

Tests marked ``gpu`` need CUDA and are skipped cleanly without it. The others run
anywhere: mixed precision on the CPU (torch autocasts there too), and the
GPU-to-CPU pickle trap (skorch issue #1096), simulated by tagging every tensor
as a CUDA tensor while pickling and hiding CUDA while unpickling, which is what
a CPU-only machine sees of a model pickled on a GPU.
"""

import os
import pickle
import subprocess
import sys
import textwrap
import warnings
from functools import partial
from unittest import mock

import _planted
import numpy as np
import pytest
import torch
import torch.serialization
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit
from skorch.exceptions import DeviceWarning

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier
from sklearn_attngen.datasets import encode_to_memmap
from sklearn_attngen.interpret import attribute

TINY = {"n_filters": 8, "n_blocks": 1, "attention_size": 8, "n_heads": 2, "batch_size": 16}
CUDA = torch.cuda.is_available()
requires_cuda = pytest.mark.skipif(not CUDA, reason="needs a CUDA device")


# GATAAG (class 1) or CCCGGG (class 0)
planted = partial(_planted.planted, labels=(0, 1))


def tiny(**params):
    return AttnGenClassifier(**{**TINY, "max_epochs": 2, "random_state": 0, "verbose": 0, **params})


def pickled_as_on_gpu(estimator):
    """Pickle ``estimator`` as it would be pickled after fitting on ``cuda:0``."""
    estimator.device = "cuda"
    try:
        with mock.patch.object(torch.serialization, "location_tag", lambda storage: "cuda:0"):
            return pickle.dumps(estimator)
    finally:
        estimator.device = "cpu"


def load_without_cuda(blob):
    with mock.patch.object(torch.cuda, "is_available", lambda: False):
        return pickle.loads(blob)


# ------------------------------------------------------- the pickle trap
@pytest.mark.parametrize("early_stopping", [False, True])
def test_gpu_pickle_loads_on_cpu_only_machine(early_stopping):
    X, y = planted(48)
    params = {}
    if early_stopping:  # holds a copy of the best weights: more tensors outside module_
        params = {
            "train_split": ValidSplit(4, stratified=True),
            "callbacks": [EarlyStopping(patience=5, load_best=True)],
        }
    clf = tiny(**params).fit(X, y)
    blob = pickled_as_on_gpu(clf)
    with pytest.warns(DeviceWarning) as record:
        loaded = load_without_cuda(blob)
    assert any("requested device (cuda) is not available" in str(w.message) for w in record)
    assert torch.device(loaded.device) == torch.device("cpu")  # skorch sets a torch.device
    assert next(loaded.module_.parameters()).device.type == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.saliency(X[:4]), clf.saliency(X[:4]))
    # the optimizer and the scheduler that holds it come back as one, on the CPU
    scheduler = dict(loaded.callbacks_)["lr_schedule"].lr_scheduler_
    assert scheduler.optimizer is loaded.optimizer_
    loaded.partial_fit(X, y)  # keeps training on the CPU


def test_optimizer_is_pickled_once():
    X, y = planted(32)
    clf = tiny().fit(X, y)
    n_params = sum(p.numel() for p in clf.module_.parameters())
    # weights + AdamW's two moments, 4 bytes each; a second optimizer copy would add 2x
    assert len(pickle.dumps(clf)) < 4 * 3 * n_params * 1.5 + 200_000


def test_cnn_baseline_gpu_pickle_loads_on_cpu():
    X, y = planted(32)
    clf = CNNBaselineClassifier(max_epochs=1, random_state=0, verbose=0).fit(X, y)
    with pytest.warns(DeviceWarning):
        loaded = load_without_cuda(pickled_as_on_gpu(clf))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


# ------------------------------------------------------- mixed precision
@pytest.mark.parametrize("precision", ["bfloat16", "float16"])
def test_mixed_precision_on_cpu(precision):
    X, y = planted(96, length=24)
    clf = tiny(max_epochs=6, mixed_precision=precision, lr=5e-3).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32 and np.isfinite(proba).all()
    saliency = clf.saliency(X[:5])
    assert saliency.dtype == np.float32 and np.isfinite(saliency).all()
    np.testing.assert_allclose(clf.attention(X[:5]).sum(axis=1), 1, rtol=1e-5)
    assert np.isfinite(clf.history[:, "train_loss"]).all()
    assert clf.score(X, y) > 0.8
    assert not hasattr(clf, "_grad_scaler")  # per fit; not pickled
    assert next(clf.module_.parameters()).dtype == torch.float32  # weights stay float32
    reloaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(reloaded.predict_proba(X), proba)


@pytest.mark.parametrize("native", [True, False])
def test_auto_precision_autocasts_training_only_where_bfloat16_is_native(monkeypatch, native):
    from sklearn_attngen import _mixed_precision

    monkeypatch.setattr(_mixed_precision, "native_bfloat16", lambda device_type: native)
    seen = []  # the autocast dtype of every forward pass, and whether it trained
    X, y = planted(64, length=24)
    clf = tiny(max_epochs=1, lr=5e-3)
    assert clf.mixed_precision == "auto"  # the default
    clf.fit(X, y)
    clf.module_.register_forward_hook(
        lambda module, args, output: seen.append(
            (
                module.training,
                torch.is_autocast_enabled("cpu")
                and torch.get_autocast_dtype("cpu") == torch.bfloat16,
            )
        )
    )
    clf.set_params(warm_start=True).fit(X, y)
    clf.predict_proba(X)
    training = {autocast for trains, autocast in seen if trains}
    predicting = {autocast for trains, autocast in seen if not trains}
    assert training == {native} and predicting == {False}
    assert clf.predict_proba(X).dtype == np.float32


def test_native_bfloat16_answers_for_each_device():
    from sklearn_attngen._mixed_precision import native_bfloat16

    assert native_bfloat16("cuda") == (torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    assert isinstance(native_bfloat16("cpu"), bool)
    assert native_bfloat16("meta") is False


def test_float16_overflow_steps_are_skipped_not_fatal(monkeypatch):
    # regression: FiniteLossGuard checked the scaled gradients and raised on the
    # overflowing steps that GradScaler skips; an oversized initial scale makes the
    # first steps overflow for sure
    scalers, grad_scaler = [], torch.amp.GradScaler

    def scaler(*args, **kwargs):
        scalers.append(grad_scaler(*args, init_scale=2.0**24, **kwargs))
        return scalers[-1]

    monkeypatch.setattr(torch.amp, "GradScaler", scaler)
    X, y = planted(160, length=24)
    clf = tiny(max_epochs=3, mixed_precision="float16").fit(X, y)
    assert len(scalers) == 1 and scalers[0].get_scale() < 2.0**24  # steps were skipped
    assert np.isfinite(clf.history[:, "train_loss"]).all()
    assert np.isfinite(clf.predict_proba(X)).all()


def test_mixed_precision_is_validated():
    with pytest.raises(ValueError, match="mixed_precision"):
        tiny(mixed_precision="fp8").fit(*planted(8))


def test_mixed_precision_cnn_baseline():
    X, y = planted(32)
    clf = CNNBaselineClassifier(max_epochs=1, random_state=0, verbose=0, mixed_precision="bfloat16")
    assert np.isfinite(clf.fit(X, y).predict_proba(X)).all()


# ---------------------------------------------------------------- on a GPU
@pytest.mark.gpu
@requires_cuda
@pytest.mark.parametrize("precision", [None, "bfloat16", "float16"])
def test_fit_predict_saliency_on_gpu(precision):
    X, y = planted(128)
    clf = tiny(device="cuda", max_epochs=6, lr=5e-3, mixed_precision=precision).fit(X, y)
    assert next(clf.module_.parameters()).is_cuda
    proba = clf.predict_proba(X)
    assert isinstance(proba, np.ndarray) and np.isfinite(proba).all()
    np.testing.assert_allclose(clf.attention(X[:8]).sum(axis=1), 1, rtol=1e-4)
    assert clf.score(X, y) > 0.8
    masked = tiny(device="cuda", mask_fraction=0.2, mask_warmup=0, mask_ramp=0).fit(X, y)
    assert np.isfinite(masked.predict_proba(X)).all()
    assert attribute(clf, X[:4], method="input_x_gradient").scores.shape == (4, 30)


@pytest.mark.gpu
@requires_cuda
def test_gpu_and_cpu_fits_agree():
    X, y = planted(128)
    # Same seed: same initial weights (initialised on the CPU) and same batches (the
    # sampler draws from the CPU RNG). Dropout would draw from the CUDA RNG, so it is
    # off; what remains is the rounding of different kernels.
    on_gpu = tiny(device="cuda", max_epochs=4, dropout=0.0).fit(X, y)
    on_cpu = tiny(device="cpu", max_epochs=4, dropout=0.0).fit(X, y)
    np.testing.assert_allclose(on_gpu.predict_proba(X), on_cpu.predict_proba(X), atol=0.02)


@pytest.mark.gpu
@requires_cuda
def test_gpu_model_on_memmap(tmp_path):
    X, y = planted(64)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "m")
    clf = tiny(device="cuda").fit(data)
    np.testing.assert_allclose(clf.predict_proba(data), clf.predict_proba(X))
    assert clf.saliency(data).shape == (64, 30)


_LOAD_ON_CPU = textwrap.dedent(
    """
    import pickle, sys, warnings
    import numpy as np, torch
    assert not torch.cuda.is_available()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = pickle.load(open(sys.argv[1], "rb"))
    assert torch.device(clf.device).type == "cpu", clf.device
    assert any("requested device" in str(w.message) for w in caught)
    np.save(sys.argv[2], clf.predict_proba(pickle.load(open(sys.argv[3], "rb"))))
    """
)


@pytest.mark.gpu
@requires_cuda
def test_real_gpu_pickle_loads_in_cpu_only_process(tmp_path):
    X, y = planted(64)
    clf = tiny(device="cuda").fit(X, y)
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(clf))
    (tmp_path / "X.pkl").write_bytes(pickle.dumps(X))
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run(
        [
            sys.executable,
            "-c",
            _LOAD_ON_CPU,
            str(tmp_path / "model.pkl"),
            str(tmp_path / "proba.npy"),
            str(tmp_path / "X.pkl"),
        ],
        check=True,
        env=env,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = clf.predict_proba(X)
    np.testing.assert_allclose(np.load(tmp_path / "proba.npy"), expected, atol=1e-5)
