"""The layer catalog checked against real Keras.

Each row is (layer, positional args, keyword args, input shapes [, input dtypes]).  For every
row the same layer is built with Keras 3 (`keras.layers.X(*args, **kwargs)` called on
`keras.Input` tensors) and graphc's inferred output shapes, dtypes, weights (names, shapes,
trainable flags, in creation order) and parameter counts must equal what Keras computes.
Nothing expected is hard-coded: Keras is the oracle, at test time.

BAD rows are calls Keras rejects; graphc must reject them too, with ShapeError/ArgError.
STRICT rows are calls graphc rejects on purpose although Keras only fails later (at run
time) or where graphc does not support a Keras feature (channels_first, stateful RNNs).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from dataclasses import dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")

import graphc.ops  # noqa: E402,F401
import graphc.ops.special  # noqa: E402,F401 - Identity, which the compiler inserts itself
from graphc.ops.base import REGISTRY, ArgError, LayerArg, ShapeError  # noqa: E402
from graphc.types import TensorType  # noqa: E402


# ------------------------------------------------------------------ row kit
@dataclass
class L:
    """A layer passed as an argument (Bidirectional's `layer`)."""

    name: str
    args: tuple = ()
    kw: dict = field(default_factory=dict)

    def __repr__(self):
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kw.items()]
        return f"{self.name}({', '.join(parts)})"


def lay(layer, /, *args, **kw) -> L:
    return L(layer, args, kw)


@dataclass
class Row:
    name: str
    args: tuple
    kw: dict
    shapes: list
    dtypes: list
    exc: type | None = None  # for BAD / STRICT rows
    code: str | None = None  # the expected diagnostics code, when it matters
    xfail: str | None = None  # a known disagreement with Keras, outside the catalog proper

    @property
    def id(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kw.items()]
        ins = "+".join("x".join("N" if d is None else str(d) for d in s) or "scalar" for s in self.shapes)
        dts = "" if set(self.dtypes) == {"float32"} else ":" + ",".join(self.dtypes)
        return f"{self.name}({', '.join(parts)})[{ins}{dts}]".replace(" ", "")


def r(layer, /, *args, ins, dt="float32", exc=None, code=None, xfail=None, **kw) -> Row:
    shapes = [tuple(s) for s in ins]
    dtypes = list(dt) if isinstance(dt, (list, tuple)) else [dt] * len(shapes)
    return Row(layer, args, kw, shapes, dtypes, exc, code, xfail)


def params(rows):
    return [
        pytest.param(
            row, id=row.id, marks=[pytest.mark.xfail(strict=True, reason=row.xfail)] if row.xfail else []
        )
        for row in rows
    ]


I32 = "int32"

pytestmark = pytest.mark.filterwarnings("ignore:Argument `.*` is deprecated:UserWarning")

# --------------------------------------------------------------------- rows
ROWS = [
    # --- core
    r("Dense", 4, ins=[(8,)]),
    r("Dense", 3, activation="relu", use_bias=False, ins=[(5, 7)]),
    r("Dense", 2, ins=[(None, 6)]),
    r("Dense", 2, ins=[(3, 4, 5)]),
    r("Dense", 3, lora_rank=2, ins=[(6,)]),
    r("Dense", 3, lora_rank=2, lora_alpha=4, use_bias=False, ins=[(6,)]),
    r("Dense", 3, trainable=False, ins=[(4,)]),
    r("Dense", 3, dtype="float64", ins=[(4,)]),
    r("Dense", 3, ins=[(4,)], dt=I32),
    r("Activation", "relu", ins=[(3, 4)]),
    r("Activation", "softmax", ins=[(5,)]),
    r("Activation", "tanh", ins=[(4,)], dt=I32),
    r("Activation", None, ins=[(2, 2, 2)]),
    r("ReLU", ins=[(4,)]),
    r("ReLU", 6.0, 0.1, ins=[(3, 4)]),
    r("ReLU", max_value=1.0, negative_slope=0.2, threshold=0.5, ins=[(None, 2)]),
    r("LeakyReLU", ins=[(4,)]),
    r("LeakyReLU", 0.1, ins=[(3, 5)]),
    r("LeakyReLU", negative_slope=0.2, dtype="float64", ins=[(2,)]),
    r("LeakyReLU", alpha=0.1, ins=[(3,)]),
    r("PReLU", ins=[(4,)]),
    r("PReLU", shared_axes=[1, 2], ins=[(5, 5, 3)]),
    r("PReLU", shared_axes=1, ins=[(None, 3)]),
    r("PReLU", "ones", ins=[(2, 3)]),
    r("ELU", ins=[(4,)]),
    r("ELU", 0.5, ins=[(3, 2)]),
    r("ELU", ins=[(4,)], dt=I32),
    r("Softmax", ins=[(5,)]),
    r("Softmax", axis=1, ins=[(3, 4)]),
    r("Softmax", axis=[1, 2], ins=[(3, 4)]),
    r("Softmax", -2, ins=[(None, 4)]),
    r("Dropout", 0.5, ins=[(4,)]),
    r("Dropout", 0.2, (None, 1, 4), ins=[(3, 4)]),
    r("Dropout", 0.0, seed=1, ins=[(2, 2, 2)]),
    r("Dropout", 0.3, ins=[(4,)], dt=I32),
    r("SpatialDropout1D", 0.2, ins=[(5, 3)]),
    r("SpatialDropout1D", 0.5, seed=3, ins=[(None, 4)]),
    r("SpatialDropout1D", 0.1, name="sd", ins=[(2, 2)]),
    r("SpatialDropout2D", 0.2, ins=[(4, 4, 3)]),
    r("SpatialDropout2D", 0.2, "channels_last", ins=[(4, 4, 3)]),
    r("SpatialDropout2D", 0.5, seed=2, ins=[(None, None, 2)]),
    r("GaussianNoise", 0.1, ins=[(4,)]),
    r("GaussianNoise", 0.5, 3, ins=[(3, 4)]),
    r("GaussianNoise", 0.0, ins=[(4,)], dt=I32),
    r("Embedding", 10, 4, ins=[(5,)], dt=I32),
    r("Embedding", 10, 4, mask_zero=True, ins=[(None,)], dt=I32),
    r("Embedding", 7, 3, ins=[(4,)]),
    r("Embedding", 6, 2, lora_rank=2, ins=[(3,)], dt=I32),
    r("Embedding", 5, 2, ins=[(2, 3)], dt=I32),
    r("Embedding", 5, 2, ins=[()], dt=I32),
    r("Embedding", 5, 2, dtype="float64", ins=[(3,)], dt=I32),
    r("Embedding", 5, 2, input_length=3, ins=[(3,)], dt=I32),
    r("Rescaling", 1 / 255, ins=[(4, 4, 3)]),
    r("Rescaling", 2.0, -1.0, ins=[(3,)]),
    r("Rescaling", 0.5, offset=1, ins=[(4, 4, 3)], dt=I32),
    r("Rescaling", [1.0, 2.0, 3.0], ins=[(2, 3)]),
    r("Identity", ins=[(4,)]),
    r("Identity", ins=[(None, 3)], dt=I32),
    r("Identity", ins=[(2, 2, 3)], dt="float64"),
    # --- reshaping
    r("Flatten", ins=[(3, 4)]),
    r("Flatten", ins=[(2, 2, 3)]),
    r("Flatten", ins=[(None, 4)]),
    r("Flatten", ins=[(5,)]),
    r("Flatten", ins=[(3, 4)], dt=I32),
    r("Flatten", "channels_last", ins=[(3, 4)], dt="float64"),
    r("Reshape", (12,), ins=[(3, 4)]),
    r("Reshape", (-1, 2), ins=[(3, 4)]),
    r("Reshape", (2, -1, 3), ins=[(6, 2)]),
    r("Reshape", (-1, 4), ins=[(None, 4)]),
    r("Reshape", [2, 6], ins=[(3, 4)], dt=I32),
    r("Reshape", (3, 2, 2), ins=[(12,)]),
    r("Permute", (2, 1), ins=[(3, 4)]),
    r("Permute", (3, 1, 2), ins=[(2, 3, 4)]),
    r("Permute", (1,), ins=[(5,)]),
    r("Permute", (2, 1), ins=[(None, 4)], dt=I32),
    r("RepeatVector", 3, ins=[(4,)]),
    r("RepeatVector", 1, ins=[(None,)]),
    r("RepeatVector", 5, ins=[(2,)], dt=I32),
    r("UpSampling1D", ins=[(3, 4)]),
    r("UpSampling1D", 3, ins=[(5, 2)]),
    r("UpSampling1D", ins=[(None, 2)]),
    r("UpSampling2D", ins=[(3, 3, 2)]),
    r("UpSampling2D", (2, 3), ins=[(3, 4, 2)]),
    r("UpSampling2D", 2, interpolation="bilinear", ins=[(3, 3, 1)]),
    r("UpSampling2D", ins=[(None, 4, 2)]),
    r("ZeroPadding1D", ins=[(3, 4)]),
    r("ZeroPadding1D", 2, ins=[(3, 4)]),
    r("ZeroPadding1D", (1, 3), ins=[(5, 2)]),
    r("ZeroPadding1D", ins=[(None, 2)]),
    r("ZeroPadding2D", ins=[(3, 3, 2)]),
    r("ZeroPadding2D", 2, ins=[(3, 4, 2)]),
    r("ZeroPadding2D", (1, 2), ins=[(3, 4, 2)]),
    r("ZeroPadding2D", ((1, 0), (2, 3)), ins=[(3, 4, 2)]),
    r("ZeroPadding2D", ((1, 0), 2), ins=[(None, 4, 2)]),
    r("Cropping1D", ins=[(5, 4)]),
    r("Cropping1D", (2, 0), ins=[(5, 4)]),
    r("Cropping1D", 3, ins=[(7, 2)]),
    r("Cropping1D", ins=[(None, 2)]),
    r("Cropping2D", ins=[(3, 3, 2)]),
    r("Cropping2D", 1, ins=[(5, 4, 2)]),
    r("Cropping2D", (1, 2), ins=[(5, 6, 2)]),
    r("Cropping2D", ((1, 0), (2, 3)), ins=[(5, 7, 2)]),
    r("Cropping2D", ((1, 1), (0, 0)), ins=[(None, 4, 2)]),
    # --- recurrent
    r("LSTM", 4, ins=[(5, 3)]),
    r("LSTM", 4, return_sequences=True, ins=[(5, 3)]),
    r("LSTM", 3, return_state=True, ins=[(None, 2)]),
    r("LSTM", 3, return_sequences=True, return_state=True, go_backwards=True, ins=[(4, 2)]),
    r("LSTM", 2, use_bias=False, unit_forget_bias=False, ins=[(4, 5)]),
    r("LSTM", 2, "relu", "hard_sigmoid", dropout=0.1, unroll=True, ins=[(4, 3)]),
    r("GRU", 4, ins=[(5, 3)]),
    r("GRU", 4, reset_after=False, ins=[(5, 3)]),
    r("GRU", 2, implementation=1, use_cudnn=False, ins=[(5, 3)]),
    r("GRU", 3, return_state=True, ins=[(None, 2)]),
    r("GRU", 3, return_sequences=True, return_state=True, use_bias=False, ins=[(4, 2)]),
    r("SimpleRNN", 3, ins=[(5, 2)]),
    r("SimpleRNN", 3, return_sequences=True, ins=[(None, 2)]),
    r("SimpleRNN", 2, return_state=True, use_bias=False, ins=[(4, 3)]),
    r("SimpleRNN", 2, trainable=False, ins=[(4, 3)]),
    r("Bidirectional", lay("LSTM", 4), ins=[(5, 3)]),
    r("Bidirectional", lay("LSTM", 4, return_sequences=True), "sum", ins=[(5, 3)]),
    r("Bidirectional", lay("GRU", 3), merge_mode=None, ins=[(None, 2)]),
    r("Bidirectional", lay("LSTM", 3, return_state=True), ins=[(4, 2)]),
    r(
        "Bidirectional",
        lay("LSTM", 3, return_state=True, return_sequences=True),
        merge_mode=None,
        ins=[(4, 2)],
    ),
    r("Bidirectional", lay("GRU", 3, return_state=True), "ave", ins=[(4, 2)]),
    r("Bidirectional", lay("SimpleRNN", 2), "mul", ins=[(4, 2)]),
    r("Bidirectional", lay("LSTM", 2, trainable=False), ins=[(4, 2)]),
    r("Bidirectional", lay("GRU", 2), trainable=False, ins=[(4, 2)]),
    r(
        "Bidirectional",
        lay("GRU", 3),
        backward_layer=lay("GRU", 3, go_backwards=True, reset_after=False),
        ins=[(4, 2)],
    ),
    # --- convolution
    r("Conv1D", 4, 3, ins=[(10, 2)]),
    r("Conv1D", 4, 3, strides=2, padding="same", ins=[(9, 2)]),
    r("Conv1D", 4, 3, strides=2, ins=[(10, 2)]),
    r("Conv1D", 4, 4, strides=2, ins=[(9, 2)]),
    r("Conv1D", 2, 3, padding="causal", dilation_rate=2, ins=[(7, 3)]),
    r("Conv1D", 6, 3, groups=2, ins=[(8, 4)]),
    r("Conv1D", 4, 3, ins=[(None, 2)]),
    r("Conv1D", 4, 5, ins=[(5, 2)]),
    r("Conv1D", 3, 2, lora_rank=2, ins=[(6, 2)]),
    r("Conv2D", 4, 3, ins=[(8, 8, 3)]),
    r("Conv2D", 4, 3, strides=2, padding="same", ins=[(9, 9, 3)]),
    r("Conv2D", 4, 3, strides=2, padding="valid", ins=[(9, 9, 3)]),
    r("Conv2D", 4, 3, strides=2, padding="same", ins=[(8, 8, 3)]),
    r("Conv2D", 4, 3, strides=2, padding="valid", ins=[(8, 8, 3)]),
    r("Conv2D", 4, 4, strides=2, padding="valid", ins=[(9, 8, 3)]),
    r("Conv2D", 2, 3, dilation_rate=2, ins=[(9, 9, 2)]),
    r("Conv2D", 2, 3, dilation_rate=2, padding="same", ins=[(8, 7, 2)]),
    r("Conv2D", 6, 3, groups=3, ins=[(6, 6, 3)]),
    r("Conv2D", 4, 3, padding="same", ins=[(None, None, 3)]),
    r("Conv2D", 4, (3, 2), strides=(2, 1), ins=[(9, 8, 3)]),
    r("Conv2D", 4, 3, activation="relu", use_bias=False, ins=[(5, 5, 2)]),
    r("Conv2D", 4, 3, 1, "same", None, 1, 1, "relu", ins=[(5, 5, 2)]),
    r("Conv2D", 3, 2, lora_rank=2, ins=[(4, 4, 2)]),
    r("Conv2D", 4, 3, ins=[(3, 3, 2)]),
    r("Conv2D", 4, 3, ins=[(8, 8, 3)], dt=I32),
    r("Conv2DTranspose", 4, 3, ins=[(5, 5, 2)]),
    r("Conv2DTranspose", 4, 3, strides=2, padding="same", ins=[(5, 5, 2)]),
    r("Conv2DTranspose", 4, 3, strides=2, padding="valid", ins=[(5, 5, 2)]),
    r("Conv2DTranspose", 4, 4, strides=2, padding="same", ins=[(4, 5, 2)]),
    r("Conv2DTranspose", 4, 3, strides=2, padding="same", output_padding=1, ins=[(5, 5, 2)]),
    r("Conv2DTranspose", 4, 3, strides=2, padding="valid", output_padding=(0, 1), ins=[(5, 5, 2)]),
    r("Conv2DTranspose", 4, 2, strides=2, ins=[(3, 3, 2)]),
    r("Conv2DTranspose", 4, 1, strides=3, ins=[(3, 3, 2)]),
    r("Conv2DTranspose", 2, 3, dilation_rate=2, ins=[(4, 4, 2)]),
    r("Conv2DTranspose", 2, 3, strides=2, padding="same", ins=[(None, 4, 2)]),
    r("Conv2DTranspose", 2, 3, use_bias=False, ins=[(4, 4, 2)]),
    r("SeparableConv2D", 4, 3, ins=[(8, 8, 3)]),
    r("SeparableConv2D", 4, 3, strides=2, padding="same", depth_multiplier=2, ins=[(9, 9, 3)]),
    r("SeparableConv2D", 4, 3, dilation_rate=2, ins=[(9, 9, 2)]),
    r("SeparableConv2D", 4, 3, padding="same", use_bias=False, ins=[(None, None, 3)]),
    r("SeparableConv2D", 4, (3, 1), strides=(2, 1), ins=[(8, 8, 3)]),
    r("DepthwiseConv2D", 3, ins=[(8, 8, 3)]),
    r("DepthwiseConv2D", 3, depth_multiplier=2, ins=[(8, 8, 3)]),
    r("DepthwiseConv2D", 3, 2, "same", ins=[(9, 9, 3)]),
    r("DepthwiseConv2D", 3, dilation_rate=2, use_bias=False, ins=[(9, 9, 2)]),
    r("DepthwiseConv2D", 3, strides=2, ins=[(None, 8, 2)]),
    # --- pooling
    r("MaxPooling1D", ins=[(8, 3)]),
    r("MaxPooling1D", 3, strides=2, padding="same", ins=[(9, 3)]),
    r("MaxPooling1D", 2, 1, ins=[(5, 3)]),
    r("MaxPooling1D", ins=[(None, 3)]),
    r("MaxPooling1D", 3, ins=[(8, 3)], dt=I32),
    r("MaxPooling2D", ins=[(8, 8, 3)]),
    r("MaxPooling2D", (3, 3), strides=2, ins=[(9, 9, 3)]),
    r("MaxPooling2D", 3, 2, "same", ins=[(8, 8, 3)]),
    r("MaxPooling2D", (2, 3), ins=[(7, 7, 3)]),
    r("MaxPooling2D", ins=[(None, 6, 3)]),
    r("AveragePooling1D", 2, ins=[(8, 3)]),
    r("AveragePooling1D", 3, 1, "same", ins=[(7, 3)]),
    r("AveragePooling1D", 4, ins=[(None, 3)]),
    r("AveragePooling2D", 2, ins=[(8, 8, 3)]),
    r("AveragePooling2D", (3, 3), 2, "same", ins=[(9, 9, 3)]),
    r("AveragePooling2D", (2, 2), ins=[(None, None, 3)]),
    r("AveragePooling2D", 3, strides=(1, 2), ins=[(5, 6, 3)]),
    r("GlobalAveragePooling1D", ins=[(5, 3)]),
    r("GlobalAveragePooling1D", keepdims=True, ins=[(5, 3)]),
    r("GlobalAveragePooling1D", ins=[(None, 3)]),
    r("GlobalAveragePooling2D", ins=[(4, 4, 3)]),
    r("GlobalAveragePooling2D", keepdims=True, ins=[(4, 4, 3)]),
    r("GlobalAveragePooling2D", ins=[(None, None, 3)]),
    r("GlobalMaxPooling1D", ins=[(5, 3)]),
    r("GlobalMaxPooling1D", "channels_last", True, ins=[(5, 3)]),
    r("GlobalMaxPooling1D", ins=[(None, 2)], dt=I32),
    r("GlobalMaxPooling2D", ins=[(4, 4, 3)]),
    r("GlobalMaxPooling2D", keepdims=True, ins=[(None, 4, 3)]),
    r("GlobalMaxPooling2D", ins=[(None, None, 3)]),
    # --- normalization
    r("BatchNormalization", ins=[(4,)]),
    r("BatchNormalization", ins=[(5, 5, 3)]),
    r("BatchNormalization", axis=1, ins=[(3, 4)]),
    r("BatchNormalization", center=False, scale=False, ins=[(4,)]),
    r("BatchNormalization", renorm=True, ins=[(4,)]),
    r("BatchNormalization", trainable=False, ins=[(3,)]),
    r("BatchNormalization", -1, 0.9, 1e-5, ins=[(None, 3)]),
    r("LayerNormalization", ins=[(4,)]),
    r("LayerNormalization", axis=[1, 2], ins=[(3, 4)]),
    r("LayerNormalization", axis=[-2, -1], center=False, ins=[(3, 4)]),
    r("LayerNormalization", axis=[2, -2], ins=[(3, 4)]),
    r("LayerNormalization", 1, ins=[(3, 4)]),
    r("LayerNormalization", ins=[(None, 4)]),
    r("LayerNormalization", scale=False, ins=[(4,)], dt=I32),
    r("Normalization", ins=[(4,)]),
    r("Normalization", axis=None, ins=[(3, 4)]),
    r("Normalization", axis=(1, 2), ins=[(3, 4)]),
    r("Normalization", -1, ins=[(None, 4)]),
    r("Normalization", mean=0.5, variance=2.0, ins=[(4,)]),
    r("Normalization", invert=True, ins=[(2, 2)], dt=I32),
    # --- attention
    r("MultiHeadAttention", 2, 4, ins=[(5, 8), (6, 8)]),
    r("MultiHeadAttention", 2, 4, value_dim=3, output_shape=5, ins=[(5, 8), (6, 7)]),
    r("MultiHeadAttention", 3, 2, ins=[(5, 8), (6, 7), (6, 4)]),
    r("MultiHeadAttention", 2, 4, use_bias=False, ins=[(None, 8), (None, 8)]),
    r("MultiHeadAttention", 2, 3, use_gate=True, output_shape=(2, 3), ins=[(5, 4), (6, 7)]),
    r("MultiHeadAttention", 2, 2, attention_axes=(1, 2), ins=[(3, 4, 8), (3, 4, 8)]),
    r("MultiHeadAttention", 1, 4, dropout=0.1, ins=[(4, 6), (4, 6)]),
    # --- merges
    r("Add", ins=[(4,), (4,)]),
    r("Add", ins=[(3, 4), (1, 4)]),
    r("Add", ins=[(None, 4), (3, 4), (3, 1)]),
    r("Add", ins=[(4,), (3, 4)]),
    r("Add", ins=[(4,), (4,)], dt=I32),
    r("Add", ins=[(4,)]),
    r("Subtract", ins=[(4,), (4,)]),
    r("Subtract", ins=[(3, 1), (3, 5)]),
    r("Subtract", ins=[(None, 2), (3, 2)]),
    r("Multiply", ins=[(4,), (4,)]),
    r("Multiply", ins=[(2, 3), (2, 3), (2, 3)]),
    r("Multiply", ins=[(1,), (5,)]),
    r("Average", ins=[(4,), (4,)]),
    r("Average", ins=[(3, 4), (3, 4), (3, 4)]),
    r("Average", ins=[(None, 4), (5, 1)]),
    r("Maximum", ins=[(4,), (4,)]),
    r("Maximum", ins=[(2, 2, 3), (2, 2, 3)]),
    r("Maximum", ins=[(None,), (3,)]),
    r("Minimum", ins=[(4,), (4,)]),
    r("Minimum", ins=[(3, 4), (3, 4), (1, 4)]),
    r("Minimum", ins=[(2, 3), (3,)]),
    r("Concatenate", ins=[(3, 4), (3, 5)]),
    r("Concatenate", axis=1, ins=[(2, 4), (3, 4)]),
    r("Concatenate", 1, ins=[(None, 4), (3, 4)]),
    r("Concatenate", ins=[(3, None), (None, 4)]),
    r("Concatenate", ins=[(None, 4), (3, 5)]),
    r("Concatenate", axis=-2, ins=[(2, 2, 3), (2, 1, 3), (2, 4, 3)]),
    r("Concatenate", ins=[(2,), (3,)], dt=[I32, "float32"]),
    r("Dot", 1, ins=[(4,), (4,)]),
    r("Dot", 2, ins=[(3, 4), (5, 4)]),
    r("Dot", (2, 1), ins=[(3, 4), (4,)]),
    r("Dot", axes=-1, normalize=True, ins=[(3, 4), (5, 4)]),
    r("Dot", [1, 1], ins=[(3, 4), (3, 5)]),
]

# Calls that Keras rejects (at construction or when called); graphc must reject them too.
BAD = [
    r("Dense", 0, ins=[(4,)], exc=ArgError),
    r("Dense", 3, ins=[()], exc=ShapeError, code="rank-mismatch"),
    r("Dense", 3, ins=[(4,), (4,)], exc=ShapeError),
    r("Flatten", ins=[(4,), (4,)], exc=ShapeError),
    r("Dense", 3, ins=[(4, None)], exc=ShapeError),
    r("Dense", 3, activation="relux", ins=[(4,)], exc=ArgError, code="unknown-activation"),
    r("Dense", 3, kernel_regularizer="l1_l2", ins=[(4,)], exc=ArgError),
    r("Dense", units=3, unit=2, ins=[(4,)], exc=ArgError, code="unknown-argument"),
    r("ReLU", max_value=-1.0, ins=[(4,)], exc=ArgError),
    r("LeakyReLU", -0.1, ins=[(4,)], exc=ArgError),
    r("PReLU", ins=[(None, 3)], exc=ShapeError),
    r("Dropout", 1.5, ins=[(4,)], exc=ArgError),
    r("Dropout", 0.5, noise_shape="x", ins=[(4,)], exc=ArgError),
    r("GaussianNoise", 2.0, ins=[(4,)], exc=ArgError),
    r("SpatialDropout1D", 0.1, ins=[(4,)], exc=ShapeError, code="rank-mismatch"),
    r("SpatialDropout1D", 0.1, trainable=False, ins=[(3, 4)], exc=ArgError),
    r("SpatialDropout2D", 0.1, ins=[(3, 4)], exc=ShapeError, code="rank-mismatch"),
    r("Embedding", 0, 3, ins=[(4,)], dt=I32, exc=ArgError),
    r("Embedding", 5, 3.5, ins=[(4,)], dt=I32, exc=ArgError),
    r("Reshape", (5,), ins=[(3, 4)], exc=ShapeError),
    r("Reshape", (-1, 5), ins=[(3, 4)], exc=ShapeError),
    r("Reshape", (-1, -1), ins=[(3, 4)], exc=ArgError),
    r("Reshape", (0, -1), ins=[(3, 4)], exc=ShapeError),
    r("Reshape", 12, ins=[(3, 4)], exc=ArgError),
    r("Permute", (1, 3), ins=[(3, 4)], exc=ArgError),
    r("Permute", (2, 1), ins=[(2, 3, 4)], exc=ShapeError, code="rank-mismatch"),
    r("RepeatVector", 3, ins=[(3, 4)], exc=ShapeError, code="rank-mismatch"),
    r("RepeatVector", 0, ins=[(4,)], exc=ArgError),
    r("UpSampling1D", (2,), ins=[(3, 4)], exc=ArgError),
    r("UpSampling2D", ins=[(3, 4)], exc=ShapeError, code="rank-mismatch"),
    r("ZeroPadding1D", ins=[(3, 4, 2)], exc=ShapeError, code="rank-mismatch"),
    r("ZeroPadding2D", ((1, 2, 3), (1, 1)), ins=[(3, 4, 2)], exc=ArgError),
    r("ZeroPadding2D", (1, 2, 3), ins=[(3, 4, 2)], exc=ArgError),
    r("Cropping1D", (2, 2), ins=[(4, 3)], exc=ShapeError),
    r("Cropping2D", 2, ins=[(4, 8, 3)], exc=ShapeError),
    r("Cropping2D", -1, ins=[(4, 8, 3)], exc=ArgError),
    r("LSTM", 4, ins=[(8,)], exc=ShapeError, code="rank-mismatch"),
    r("LSTM", 4, ins=[(2, 3, 4)], exc=ShapeError, code="rank-mismatch"),
    r("GRU", 0, ins=[(3, 4)], exc=ArgError),
    r("LSTM", 4, use_cudnn="yes", ins=[(3, 4)], exc=ArgError),
    r("Bidirectional", lay("LSTM", 4), merge_mode="foo", ins=[(5, 3)], exc=ArgError),
    r("Bidirectional", lay("LSTM", 4), merge_mode="SUM", ins=[(5, 3)], exc=ArgError),
    r("Bidirectional", lay("LSTM", 4, go_backwards=True), ins=[(5, 3)], exc=ArgError),
    r("Bidirectional", lay("GRU", 3), backward_layer=lay("GRU", 3), ins=[(5, 3)], exc=ArgError),
    r(
        "Bidirectional",
        lay("GRU", 3),
        backward_layer=lay("GRU", 3, go_backwards=True, return_sequences=True),
        ins=[(5, 3)],
        exc=ArgError,
    ),
    r("Bidirectional", lay("LSTM", 4), ins=[(5,)], exc=ShapeError, code="rank-mismatch"),
    r("Bidirectional", lay("Dense", 3), ins=[(5, 3)], exc=ArgError),
    r("Conv1D", 4, 3, ins=[(8, 8, 3)], exc=ShapeError, code="rank-mismatch"),
    r("Conv1D", 4, 6, ins=[(5, 3)], exc=ShapeError),
    r("Conv1D", 4, 3, padding="full", ins=[(5, 3)], exc=ArgError),
    r("Conv2D", 4, 3, ins=[(32,)], exc=ShapeError, code="rank-mismatch"),
    r("Conv2D", 4, 5, ins=[(3, 3, 2)], exc=ShapeError),
    r("Conv2D", 4, 3, dilation_rate=2, ins=[(4, 4, 2)], exc=ShapeError),
    r("Conv2D", 4, 3, strides=2, dilation_rate=2, ins=[(9, 9, 3)], exc=ArgError),
    r("Conv2D", 6, 3, groups=4, ins=[(8, 8, 4)], exc=ArgError),
    r("Conv2D", 4, 3, groups=2, ins=[(8, 8, 3)], exc=ShapeError),
    r("Conv2D", 4, 3, padding="causal", ins=[(8, 8, 3)], exc=ArgError),
    r("Conv2D", 4, 3, ins=[(8, 8, None)], exc=ShapeError),
    r("Conv2D", 4, 0, ins=[(8, 8, 3)], exc=ArgError),
    r("Conv2D", 4, (3, 3, 3), ins=[(8, 8, 3)], exc=ArgError),
    r("Conv2D", 4, 3, strides=0, ins=[(8, 8, 3)], exc=ArgError),
    r("Conv2D", 0, 3, ins=[(8, 8, 3)], exc=ArgError),
    r("Conv2DTranspose", 4, 3, strides=2, output_padding=2, ins=[(5, 5, 2)], exc=ArgError),
    r("Conv2DTranspose", 4, 3, output_padding=1, ins=[(5, 5, 2)], exc=ArgError),
    r("Conv2DTranspose", 4, 3, strides=2, dilation_rate=2, ins=[(5, 5, 2)], exc=ArgError),
    r("Conv2DTranspose", 4, 3, ins=[(5, 2)], exc=ShapeError, code="rank-mismatch"),
    r("SeparableConv2D", 4, 5, ins=[(4, 4, 3)], exc=ShapeError),
    r("SeparableConv2D", 4, 3, padding="causal", ins=[(8, 8, 3)], exc=ArgError),
    r("DepthwiseConv2D", 5, ins=[(4, 4, 3)], exc=ShapeError),
    r("DepthwiseConv2D", 3, depth_multiplier=0, ins=[(8, 8, 3)], exc=ArgError),
    r("DepthwiseConv2D", 3, ins=[(8, 3)], exc=ShapeError, code="rank-mismatch"),
    r("MaxPooling2D", 3, ins=[(2, 2, 3)], exc=ShapeError),
    r("MaxPooling2D", ins=[(4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("MaxPooling1D", 4, ins=[(3, 2)], exc=ShapeError),
    r("AveragePooling1D", ins=[(8, 3)], exc=ArgError, code="missing-argument"),
    r("AveragePooling2D", 2, padding="full", ins=[(8, 8, 3)], exc=ArgError),
    r("GlobalAveragePooling2D", ins=[(4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("GlobalMaxPooling1D", ins=[(4, 4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("BatchNormalization", axis=3, ins=[(4,)], exc=ShapeError),
    r("BatchNormalization", axis=[1], ins=[(4,)], exc=ArgError),
    r("BatchNormalization", ins=[(4, None)], exc=ShapeError),
    r("LayerNormalization", axis=2, ins=[(4,)], exc=ShapeError),
    r("LayerNormalization", axis="x", ins=[(4,)], exc=ArgError),
    r("Normalization", ins=[(None,)], exc=ShapeError),
    r("Normalization", axis=3, ins=[(4,)], exc=ShapeError),
    r("Normalization", mean=1.0, ins=[(4,)], exc=ArgError),
    r("MultiHeadAttention", 2, 4, ins=[(5, 8), (6, 8), (7, 8)], exc=ShapeError),
    r("MultiHeadAttention", 0, 4, ins=[(5, 8), (6, 8)], exc=ArgError),
    r("MultiHeadAttention", 2, 4, flash_attention=True, dropout=0.1, ins=[(5, 8), (6, 8)], exc=ArgError),
    r("Add", ins=[(3,), (4,)], exc=ShapeError),
    r("Add", ins=[(3, 4), (3, 5)], exc=ShapeError),
    r("Add", ins=[(3,), (3, 4)], exc=ShapeError),
    r("Multiply", ins=[(4,), (4,), (5,)], exc=ShapeError),
    r("Subtract", ins=[(4,), (4,), (4,)], exc=ShapeError),
    r("Subtract", ins=[(4,)], exc=ShapeError),
    r("Concatenate", ins=[(3, 4), (4, 4)], exc=ShapeError),
    r("Concatenate", ins=[(3, 4), (4,)], exc=ShapeError, code="rank-mismatch"),
    r("Concatenate", axis=1, ins=[(3, 4), (3, 5)], exc=ShapeError),
    r("Concatenate", axis=-2, ins=[(2, 2, 3), (1, 2, 3), (4, 2, 3)], exc=ShapeError),
    r("Dot", 1, ins=[(3,), (4,)], exc=ShapeError),
    r("Dot", 1, ins=[(None,), (4,)], exc=ShapeError),
    r("Dot", (1, 2, 3), ins=[(4,), (4,)], exc=ArgError),
    r("Dot", 1, ins=[(4,), (4,), (4,)], exc=ShapeError),
]

# graphc is stricter than Keras here (Keras accepts the call, the model fails later, or
# the feature is outside what graphc supports); graphc's rejection is checked, not Keras's.
STRICT = [
    r("Conv2D", 4, 3, data_format="channels_first", ins=[(3, 8, 8)], exc=ArgError, code="unsupported"),
    r("MaxPooling2D", data_format="channels_first", ins=[(3, 8, 8)], exc=ArgError, code="unsupported"),
    r("Flatten", "channels_first", ins=[(3, 8, 8)], exc=ArgError, code="unsupported"),
    r("LSTM", 4, stateful=True, ins=[(5, 3)], exc=ArgError, code="unsupported"),
    r("SimpleRNN", 4, unroll=True, ins=[(None, 3)], exc=ShapeError),
    r("Softmax", axis=3, ins=[(4,)], exc=ShapeError),
    r("Dropout", 0.5, noise_shape=(None, 3), ins=[(4,)], exc=ShapeError),
    r("UpSampling2D", interpolation="cubic", ins=[(3, 3, 2)], exc=ArgError),
    r("MultiHeadAttention", 2, 4, ins=[(5, 8), (6,)], exc=ShapeError, code="rank-mismatch"),
    r(
        "Bidirectional",
        lay("GRU", 3),
        backward_layer=lay("GRU", 4, go_backwards=True),
        ins=[(5, 3)],
        exc=ArgError,
    ),
    r("Embedding", 5, 3, weights=[[0.0]], ins=[(4,)], dt=I32, exc=ArgError, code="unsupported"),
]


# ------------------------------------------------------------------- runners
def _g(v):
    """A test value as graphc's binder receives it (layers become LayerArgs)."""
    if isinstance(v, L):
        cls = REGISTRY[v.name]
        given = cls.bind([_g(x) for x in v.args], {k: _g(x) for k, x in v.kw.items()})
        return LayerArg(cls(), cls.full(given), given)
    return v


def _k(v):
    if isinstance(v, L):
        return getattr(keras.layers, v.name)(*[_k(x) for x in v.args], **{k: _k(x) for k, x in v.kw.items()})
    return v


def graphc_run(row: Row) -> dict:
    cls = REGISTRY[row.name]
    given = cls.bind([_g(v) for v in row.args], {k: _g(v) for k, v in row.kw.items()})
    a = cls.full(given)
    op = cls()
    ins = [TensorType(s, d) for s, d in zip(row.shapes, row.dtypes)]
    outs = op.infer(a, ins)
    assert len(outs) == op.num_outputs(a), "num_outputs disagrees with infer"
    ws = op.weights(a, ins)
    return {
        "outputs": [(tuple(t.shape), t.dtype) for t in outs],
        "weights": [(w.name.split("/")[-1], tuple(w.shape), w.trainable) for w in ws],
        "trainable": sum(w.size for w in ws if w.trainable),
        "non_trainable": sum(w.size for w in ws if not w.trainable),
    }


def keras_call(row: Row):
    layer = getattr(keras.layers, row.name)(
        *[_k(v) for v in row.args], **{k: _k(v) for k, v in row.kw.items()}
    )
    ins = [keras.Input(shape=s, dtype=d) for s, d in zip(row.shapes, row.dtypes)]
    if REGISTRY[row.name].takes_list:
        out = layer(ins)
    else:
        out = layer(*ins)
    return layer, out


def keras_run(row: Row) -> dict:
    layer, out = keras_call(row)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    trainable = {id(w) for w in layer.trainable_weights}
    n_tr = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    n_nt = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    assert n_tr + n_nt == layer.count_params()
    return {
        "outputs": [(tuple(t.shape)[1:], t.dtype) for t in outs],
        "weights": [(w.name, tuple(w.shape), id(w) in trainable) for w in layer.weights],
        "trainable": n_tr,
        "non_trainable": n_nt,
    }


# --------------------------------------------------------------------- tests
@pytest.mark.parametrize("row", params(ROWS))
def test_matches_keras(row):
    assert graphc_run(row) == keras_run(row)


@pytest.mark.parametrize("row", params(BAD))
def test_rejected_like_keras(row):
    with pytest.raises(Exception):  # noqa: B017 - any Keras error will do; graphc's must be precise
        keras_call(row)
    with pytest.raises(row.exc) as info:
        graphc_run(row)
    if row.code:
        assert info.value.code == row.code
    assert info.value.message


@pytest.mark.parametrize("row", params(STRICT))
def test_rejected_by_graphc(row):
    with pytest.raises(row.exc) as info:
        graphc_run(row)
    if row.code:
        assert info.value.code == row.code


def test_every_layer_has_rows():
    counts = {name: 0 for name in REGISTRY if name != "Input"}
    for row in ROWS:
        counts[row.name] += 1
    assert {n: c for n, c in counts.items() if c < 3} == {}


def _keras_positional(cls):
    sig = inspect.signature(cls.__init__)
    names, defaults = [], {}
    for p in list(sig.parameters.values())[1:]:
        if p.kind is not p.POSITIONAL_OR_KEYWORD or p.name in ("name", "dtype"):
            continue
        names.append(p.name)
        defaults[p.name] = p.default
    return names, defaults


@pytest.mark.parametrize("name", sorted(n for n in REGISTRY if n != "Input"))
def test_signature_matches_keras(name):
    """Positional order and defaults are Keras's (graphc stores defaults normalized)."""
    op = REGISTRY[name]
    names, defaults = _keras_positional(getattr(keras.layers, name))
    ours = [p for p in op.params if p.positional]
    assert [p.name for p in ours] == names
    for p in ours:
        kd = defaults[p.name]
        if kd is inspect.Parameter.empty:
            assert p.required, p.name
        elif kd is None:
            assert p.default is None, p.name
        else:
            assert p.default == p.check(kd), p.name


# ------------------------------------------------------ size-rule sweeps
# Every combination of input size (None included), kernel, stride, dilation and padding: graphc
# must compute Keras's output size, and reject exactly the combinations Keras rejects.
def _outcome(run, row):
    try:
        return run(row)["outputs"]
    except (ShapeError, ArgError):
        return "rejected"


def _keras_outcome(row):
    try:
        _, out = keras_call(row)
    except Exception:  # noqa: BLE001 - any Keras error counts as a rejection
        return "rejected"
    return [(tuple(out.shape)[1:], out.dtype)]


def _sweep(rows):
    bad = [
        (row.id, _outcome(graphc_run, row), k)
        for row in rows
        if _outcome(graphc_run, row) != (k := _keras_outcome(row))
    ]
    assert bad == [], f"{len(bad)} of {len(rows)} disagree, e.g. {bad[:5]}"


SIZES = (None, 1, 2, 3, 5, 8, 9)


def test_sweep_conv1d():
    _sweep(
        [
            r("Conv1D", 2, k, strides=s, dilation_rate=d, padding=p, ins=[(n, 2)])
            for n in SIZES
            for k in (1, 2, 3, 4)
            for s in (1, 2, 3)
            for d in (1, 2)
            for p in ("valid", "same", "causal")
        ]
    )


def test_sweep_conv2d_transpose():
    _sweep(
        [
            r(
                "Conv2DTranspose",
                2,
                (k, 1),
                strides=(s, 1),
                dilation_rate=(d, 1),
                padding=p,
                output_padding=None if op is None else (op, 0),
                ins=[(n, 2, 1)],
            )
            for n in (None, 1, 3, 4)
            for k in (1, 2, 3, 4)
            for s in (1, 2, 3)
            for d in (1, 2)
            for p in ("valid", "same")
            for op in (None, 0, 1, 2)
        ]
    )


def test_sweep_pooling1d():
    _sweep(
        [
            r(layer, k, s, p, ins=[(n, 2)])
            for layer in ("MaxPooling1D", "AveragePooling1D")
            for n in SIZES
            for k in (1, 2, 3)
            for s in (None, 1, 2, 3)
            for p in ("valid", "same")
        ]
    )


def test_sweep_depthwise_separable():
    _sweep(
        [
            r(layer, *head, (k, 1), strides=(s, 1), dilation_rate=(d, 1), padding=p, ins=[(n, 1, 2)])
            for layer, head in (("DepthwiseConv2D", ()), ("SeparableConv2D", (3,)))
            for n in (None, 1, 3, 5, 8)
            for k in (1, 3, 4)
            for s in (1, 2)
            for d in (1, 2)
            for p in ("valid", "same")
        ]
    )


# ------------------------------------------------ messages, warnings, purity
def _err(row: Row):
    with pytest.raises((ShapeError, ArgError)) as info:
        graphc_run(row)
    return info.value


def test_messages_quote_shapes():
    e = _err(r("Conv2D", 4, 3, ins=[(32,)]))
    assert (
        e.message == "Conv2D expects a 4D input (batch, height, width, channels), got shape (None, 32) (2D)"
    )
    assert e.code == "rank-mismatch"
    e = _err(r("LSTM", 4, ins=[(8,)]))
    assert e.hint == "set return_sequences=true on the layer that made it"
    e = _err(r("Reshape", (5, 2), ins=[(3, 4)]))
    assert "(None, 3, 4)" in e.message and "(5, 2)" in e.message
    e = _err(r("Conv2D", 4, 5, ins=[(3, 3, 2)]))
    assert "(5, 5)" in e.message and "(3, 3)" in e.message and "valid" in e.message
    e = _err(r("Concatenate", ins=[(3, 4), (3, 4), (5, 4)]))
    assert e.input_index == 2 and "(None, 3, 4)" in e.message and "(None, 5, 4)" in e.message
    e = _err(r("Add", ins=[(4,), (4,), (5,)]))
    assert e.input_index == 2 and "(None, 5)" in e.message
    e = _err(r("Conv2D", 4, 3, data_format="channels_first", ins=[(3, 8, 8)]))
    assert "channels_last" in e.message and e.arg == "data_format"
    e = _err(r("Conv2D", 4, 3, strides=2, dilation_rate=2, ins=[(9, 9, 3)]))
    assert e.arg == "dilation_rate"


def _warnings(row: Row):
    cls = REGISTRY[row.name]
    a = cls.full(cls.bind([_g(v) for v in row.args], dict(row.kw)))
    ins = [TensorType(s, d) for s, d in zip(row.shapes, row.dtypes)]
    op = cls()
    return op.warnings(a, ins, op.infer(a, ins))


@pytest.mark.parametrize(
    "row,expected",
    [
        (r("Dense", 1, activation="softmax", ins=[(4,)]), "softmax"),
        (r("Activation", "softmax", ins=[(3, 1)]), "softmax"),
        (r("Softmax", ins=[(1,)]), "softmax"),
        (r("Conv2D", 1, 3, activation="softmax", ins=[(5, 5, 2)]), "softmax"),
        (r("Embedding", 5, 3, ins=[(4,)]), "int32"),
        (r("Dropout", 1.0, ins=[(4,)]), "rate=1.0"),
        (r("Dense", 2, activation="softmax", ins=[(4,)]), None),
        (r("Embedding", 5, 3, ins=[(4,)], dt=I32), None),
    ],
)
def test_degenerate_warnings(row, expected):
    ws = _warnings(row)
    if expected is None:
        assert ws == []
    else:
        assert len(ws) == 1 and expected in ws[0][0] + ws[0][1]


def test_catalog_imports_no_framework():
    code = (
        "import sys, graphc.ops; bad = [m for m in sys.modules if m.split('.')[0] in "
        "('tensorflow', 'torch', 'keras', 'numpy', 'jax')]; print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_layer_has_both_target_spellings():
    """Adding a layer = one catalog entry + one torch_ops entry (Keras spells every
    layer generically as `layers.<Name>(...)`)."""
    from graphc.targets import torch_ops

    missing = sorted(n for n in REGISTRY if n != "Input" and n not in torch_ops.REGISTRY)
    assert missing == []
