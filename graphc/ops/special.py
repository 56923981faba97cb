"""Layers graphc inserts itself."""

from __future__ import annotations

from graphc.ops.base import Op, passthrough_dtype, register
from graphc.types import TensorType


@register
class Identity(Op):
    """Passes its input through; names a model output that no renamable layer produces."""

    name = "Identity"
    supports_masking = True

    def infer(self, a, inputs):
        x = inputs[0]
        return [TensorType(x.shape, passthrough_dtype(x, a))]
