"""Core layers: Dense, Activation, Dropout, ... (one class per Keras layer)."""

from __future__ import annotations

from graphc.compiler.ir import TensorType, Weight
from graphc.ops.base import (
    COMMON, P, Op, ShapeError, activation_, bool_, float_, initializer_, int_, need_min_rank,
    optional, regularizer_, register, shape_, str_, dtype_, int_tuple,
)


def out_dtype(a) -> str:
    return a.get("dtype") or "float32"


@register
class Input(Op):
    """Not applied to tensors: `x = Input(shape=...)` declares a model input."""

    name = "Input"
    params = (
        P("shape", shape_, None),
        P("batch_size", optional(int_(1)), None),
        P("dtype", dtype_, None),
        P("sparse", bool_, False, positional=False),
        P("batch_shape", optional(shape_), None, positional=False),
        P("name", optional(str_), None),
        P("tensor", lambda v: v, None, positional=False),
        P("optional", bool_, False, positional=False),
    )

    @classmethod
    def all_params(cls):
        return cls.params


@register
class Dense(Op):
    name = "Dense"
    params = (
        P("units", int_(1)),
        P("activation", activation_, None),
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", optional(str_), None),
        P("bias_constraint", optional(str_), None),
        P("lora_rank", optional(int_(1)), None, positional=False),
    )

    def infer(self, a, inputs):
        (x,) = inputs
        need_min_rank(x, 2, "Dense")
        if x.shape[-1] is None:
            raise ShapeError(f"Dense needs a known last axis, got shape {x}", input_index=0,
                             hint="give the size in Input(shape=...) or Reshape first")
        return [TensorType(x.shape[:-1] + (a.units,), out_dtype(a))]

    def weights(self, a, inputs):
        n = inputs[0].shape[-1]
        w = [Weight("kernel", (n, a.units))]
        if a.use_bias:
            w.append(Weight("bias", (a.units,)))
        return w
