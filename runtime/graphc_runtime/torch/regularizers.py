"""Keras 3's weight regularizers for the PyTorch layers (`graphc_runtime.torch.layers`).

`regularizers.L2(1e-4)` takes keras.regularizers.L2's arguments; calling it on
a weight gives Keras's penalty (a scalar tensor), which the trainer adds to the
loss as Keras adds `model.losses`.  The penalties are sums over the weight, so
torch's weight layouts do not change them.
"""

from __future__ import annotations

import math

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer"]


def _factor(value, name):
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or math.isinf(value)
        or math.isnan(value)
    ):
        raise ValueError(f"Invalid value for argument {name}: expected a float. Received: {name}={value}")
    if value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: {value}"
        )
    return value


class Regularizer:
    def get_config(self) -> dict:
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __call__(self, x):
        raise NotImplementedError


class L1(Regularizer):
    def __init__(self, l1=0.01):
        self.l1 = _factor(l1, "l1")

    def get_config(self):
        return {"l1": self.l1}

    def __call__(self, x):
        return float(self.l1) * x.abs().sum()


class L2(Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = _factor(l2, "l2")

    def get_config(self):
        return {"l2": self.l2}

    def __call__(self, x):
        return float(self.l2) * x.square().sum()


class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _factor(0.0 if l2 is None else l2, "l2")

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}

    def __call__(self, x):
        out = x.new_zeros(())
        if self.l1:
            out = out + float(self.l1) * x.abs().sum()
        if self.l2:
            out = out + float(self.l2) * x.square().sum()
        return out


class OrthogonalRegularizer(Regularizer):
    """Not available: Keras's rows/columns are those of its (in, out) kernel, which a
    torch weight stores transposed or permuted depending on the layer."""

    def __init__(self, factor=0.01, mode="rows"):
        raise NotImplementedError("OrthogonalRegularizer is not supported by graphc_runtime.torch")
