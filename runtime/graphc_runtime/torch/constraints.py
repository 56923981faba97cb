"""Keras 3's weight constraints for the PyTorch layers (`graphc_runtime.torch.layers`).

`constraints.MaxNorm(3)` takes keras.constraints.MaxNorm's arguments; a layer
calls `constraint.apply_(weight, dims)` after each optimizer step, `dims`
being the torch dimensions of Keras's norm axis 0 of that weight (a Dense
kernel's inputs: torch's dimension 1).  Only Keras's default axis=0 is
supported: other axes name dimensions of Keras's kernel layout, which each
torch layer lays out differently.
"""

from __future__ import annotations

import torch

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"]

EPSILON = 1e-7  # keras.backend.epsilon()


class Constraint:
    def get_config(self) -> dict:
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def _check_axis(self):
        if getattr(self, "axis", 0) != 0:
            raise NotImplementedError(
                f"{type(self).__name__}(axis={self.axis!r}): only Keras's default axis=0 is supported"
            )

    def apply_(self, w, dims):
        raise NotImplementedError


class _Norm(Constraint):
    def _norms(self, w, dims):
        return w.square().sum(dim=dims, keepdim=True).sqrt()


class MaxNorm(_Norm):
    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis
        self._check_axis()

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}

    def apply_(self, w, dims):
        with torch.no_grad():
            norms = self._norms(w, dims)
            desired = norms.clamp(0.0, float(self.max_value))
            w.mul_(desired / (EPSILON + norms))


class MinMaxNorm(_Norm):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis
        self._check_axis()

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }

    def apply_(self, w, dims):
        with torch.no_grad():
            norms = self._norms(w, dims)
            rate = float(self.rate)
            desired = rate * norms.clamp(float(self.min_value), float(self.max_value)) + (1 - rate) * norms
            w.mul_(desired / (EPSILON + norms))


class NonNeg(Constraint):
    def apply_(self, w, dims=None):
        with torch.no_grad():
            w.mul_((w >= 0.0).to(w.dtype))


class UnitNorm(_Norm):
    def __init__(self, axis=0):
        self.axis = axis
        self._check_axis()

    def get_config(self):
        return {"axis": self.axis}

    def apply_(self, w, dims):
        with torch.no_grad():
            w.div_(EPSILON + self._norms(w, dims))
