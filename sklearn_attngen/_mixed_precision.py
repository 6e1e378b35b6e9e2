"""Mixed precision as one small mixin over skorch's NeuralNet (as skorch's AccelerateMixin)."""

import contextlib
import functools

import torch

__all__ = ["MixedPrecisionMixin", "native_bfloat16"]

_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16}


@functools.cache
def native_bfloat16(device_type):
    """Whether ``device_type`` ("cpu", "cuda", ...) computes bfloat16 in hardware.

    A CPU with AVX-512 BF16 or AMX (oneDNN's bfloat16 kernels), or a CUDA GPU
    with bfloat16 support (Ampere and newer). Elsewhere bfloat16 is emulated
    and slower than float32.
    """
    if device_type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device_type == "cpu":
        check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
        try:
            return bool(check is not None and check())
        except RuntimeError:  # a torch build without oneDNN
            return False
    return False


def _float32(output):
    """Module output back in float32: a tensor, or each floating tensor of a tuple."""
    if isinstance(output, tuple):
        return tuple(_float32(t) for t in output)
    return output.float() if torch.is_tensor(output) and output.is_floating_point() else output


class MixedPrecisionMixin:
    """Autocast forward passes, and scale the loss under float16.

    Reads the estimator's ``mixed_precision`` parameter (``"auto"``, None,
    ``"bfloat16"`` or ``"float16"``). Under ``"bfloat16"`` or ``"float16"``
    every forward pass, in training and in prediction, runs under
    :func:`torch.autocast`; outputs are cast back to float32, so losses,
    probabilities and saliency stay float32 and the weights are never cast.
    ``"auto"`` autocasts the training passes only (the module in train mode),
    to bfloat16, and only where the device computes bfloat16 in hardware
    (:func:`native_bfloat16`); predictions stay float32.

    Under ``"float16"`` a :class:`torch.amp.GradScaler`, made anew for each
    ``fit`` / ``partial_fit`` call, scales the gradient that flows back from
    the module's outputs (a backward hook on them: the same as scaling the
    loss, whatever the loss adds up), unscales the gradients before callbacks
    such as gradient clipping see them, and skips the optimizer steps whose
    gradients overflowed. bfloat16 has float32's range and needs no scaling.
    """

    def _precision(self):
        """The autocast dtype's name for the module's current mode, or None for float32."""
        if self.mixed_precision != "auto":
            return self.mixed_precision
        device_type = torch.device(self.device or "cpu").type
        if self.module_.training and native_bfloat16(device_type):
            return "bfloat16"
        return None

    def _autocast(self):
        precision = self._precision()
        if precision is None:
            return contextlib.nullcontext()
        device_type = torch.device(self.device or "cpu").type
        return torch.autocast(device_type, dtype=_DTYPES[precision])

    def infer(self, x, **fit_params):
        if self._precision() is None:
            return super().infer(x, **fit_params)
        with self._autocast():
            output = _float32(super().infer(x, **fit_params))
        scaler = getattr(self, "_grad_scaler", None)
        if scaler is not None and torch.is_grad_enabled():
            for tensor in output if isinstance(output, tuple) else (output,):
                if torch.is_tensor(tensor) and tensor.requires_grad:
                    tensor.register_hook(scaler.scale)
        return output

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        if self.mixed_precision != "float16":
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        self._grad_scaler = torch.amp.GradScaler(torch.device(self.device or "cpu").type)
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        finally:  # per fit call: no attribute left behind, no device tensor in the pickle
            del self._grad_scaler

    def train_step_single(self, batch, **fit_params):
        step = super().train_step_single(batch, **fit_params)
        scaler = getattr(self, "_grad_scaler", None)
        if scaler is not None:  # callbacks (clipping, the finite-loss guard) see true gradients
            for name in self._optimizers:
                scaler.unscale_(getattr(self, name + "_"))
        return step

    def _step_optimizer(self, step_fn):
        scaler = getattr(self, "_grad_scaler", None)
        if scaler is None:
            return super()._step_optimizer(step_fn)
        step_fn()  # GradScaler.step takes no closure
        for name in self._optimizers:
            scaler.step(getattr(self, name + "_"))  # skipped where gradients are not finite
        scaler.update()
        return None
