"""PyTorch implementations of keras_layers.py's classes, for graphc's PyTorch target.

graphc constructs an extern layer's torch class with the GDL arguments by keyword,
`input_shape=` (what Keras's `build()` receives: the batch axis as None) and
`name=` (the Keras layer name).  Subclassing graphc_runtime's `K.Layer` and listing
`keras_weights_spec` makes the generated `load_keras_weights` copy a Keras model's
weights into it.  The loss and metric subclass graphc_runtime's Loss and
MeanMetricWrapper, which apply Keras's reduction, sample weights and masks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from graphc_runtime.torch import layers as K
from graphc_runtime.torch.losses import Loss
from graphc_runtime.torch.metrics import MeanMetricWrapper
from torch import nn

EPSILON = 1e-3  # as keras_layers.EPSILON


def _same(a):
    return a


class GatedResidual(K.Layer):
    """keras_layers.GatedResidual in PyTorch (Keras's layout: features last)."""

    def __init__(self, units, dropout=0.0, *, input_shape, name=None):
        super().__init__(name=name)
        d, u = int(input_shape[-1]), int(units)
        self.units, self.rate = u, float(dropout)
        names = ["w1", "b1", "w2", "b2", "wg", "bg", "wv", "bv"]
        sizes = [(d, u), (u,), (u, u), (u,), (u, u), (u,), (u, u), (u,)]
        if d != u:
            names += ["ws", "bs"]
            sizes += [(d, u), (u,)]
        names += ["gamma", "beta"]
        sizes += [(u,), (u,)]
        for n, shape in zip(names, sizes):
            self.register_parameter(n, nn.Parameter(torch.empty(shape)))
        self.has_skip = d != u
        # Keras's get_weights() order; the kernels are (in, out) in both frameworks here
        self.keras_weights_spec = tuple((n, _same, _same) for n in names)
        self.reset_parameters()

    def reset_parameters(self):
        for n, p in self.named_parameters(recurse=False):
            if n.startswith("w"):
                K.initialize_(p, "glorot_uniform", p.shape[0], p.shape[1])
            elif n == "gamma":
                nn.init.ones_(p)
            else:
                nn.init.zeros_(p)

    def forward(self, x):
        h = F.elu(x @ self.w1 + self.b1)
        h = h @ self.w2 + self.b2
        if self.rate:
            h = F.dropout(h, self.rate, self.training)
        g = torch.sigmoid(h @ self.wg + self.bg) * (h @ self.wv + self.bv)
        skip = x @ self.ws + self.bs if self.has_skip else x
        y = skip + g
        mean = y.mean(-1, keepdim=True)
        var = (y - mean).square().mean(-1, keepdim=True)
        return (y - mean) / torch.sqrt(var + EPSILON) * self.gamma + self.beta


class QuantileLoss(Loss):
    """keras_layers.QuantileLoss in PyTorch."""

    def __init__(self, quantile=0.5, name="quantile_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.quantile = float(quantile)

    def call(self, y_true, y_pred):
        e = y_true.to(y_pred.dtype) - y_pred
        q = self.quantile
        return torch.maximum(q * e, (q - 1.0) * e).mean(-1)


def _coverage(y_true, y_pred):
    return (y_true.to(y_pred.dtype) <= y_pred).float().mean(-1)


class Coverage(MeanMetricWrapper):
    """keras_layers.Coverage in PyTorch."""

    def __init__(self, name="coverage", dtype=None):
        super().__init__(_coverage, name=name, dtype=dtype)
