"""The layer catalog checked against real Keras.

Each row is (layer, positional args, keyword args, input shapes [, input dtypes] [, call options]).
For every row the same layer is built with Keras 3 (`keras.layers.X(*args, **kwargs)` called on
`keras.Input` tensors, with the call options as keywords) and graphc's inferred output shapes,
dtypes, weights (names, shapes, trainable flags, in creation order) and parameter counts must
equal what Keras computes.  Nothing expected is hard-coded: Keras is the oracle, at test time.
Outputs Keras nests (an RNN over stacked cells with return_state) are compared flattened, in
keras.tree.flatten's order, which is the order graphc gives them.

BAD rows are calls Keras rejects; graphc must reject them too, with ShapeError/ArgError.
STRICT rows are calls graphc rejects on purpose although Keras only fails later (at run
time) or where graphc does not support a Keras feature (channels_first, stateful RNNs).

Tests that build Keras layers are marked slow; the rest (STRICT rows, messages, warnings,
aliases, purity) run in the fast tier and never import Keras.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from dataclasses import dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

import graphc.ops  # noqa: E402,F401
import graphc.ops.special  # noqa: E402,F401 - Identity, which the compiler inserts itself
from graphc.ops.base import ALIASES, REGISTRY, ArgError, LayerArg, ShapeError, canonical_names  # noqa: E402
from graphc.types import TensorType  # noqa: E402

slow = pytest.mark.slow


def _keras():
    """Keras, imported only by the (slow) tests that build layers."""
    return pytest.importorskip("keras")


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
    call: dict = field(default_factory=dict)  # call options: layer(x, **call)

    @property
    def id(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kw.items()]
        ins = "+".join("x".join("N" if d is None else str(d) for d in s) or "scalar" for s in self.shapes)
        dts = "" if set(self.dtypes) == {"float32"} else ":" + ",".join(self.dtypes)
        call = "".join(f",{k}={v!r}" for k, v in self.call.items())
        return f"{self.name}({', '.join(parts)})[{ins}{dts}{call}]".replace(" ", "")


def r(layer, /, *args, ins, dt="float32", exc=None, code=None, xfail=None, call=None, **kw) -> Row:
    shapes = [tuple(s) for s in ins]
    dtypes = list(dt) if isinstance(dt, (list, tuple)) else [dt] * len(shapes)
    return Row(layer, args, kw, shapes, dtypes, exc, code, xfail, dict(call or {}))


def params(rows, marks=()):
    return [
        pytest.param(
            row,
            id=row.id,
            marks=list(marks) + ([pytest.mark.xfail(strict=True, reason=row.xfail)] if row.xfail else []),
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


# ------------------------------------------------- the rest of keras.layers
STR = "string"
I64 = "int64"
VOCAB = ["a", "b", "c"]

ROWS += [
    # --- aliases keras.layers exports
    r("Convolution1D", 2, 3, ins=[(6, 2)]),
    r("Convolution2D", 2, 3, ins=[(5, 5, 2)]),
    r("Convolution3D", 2, 2, ins=[(3, 3, 3, 1)]),
    r("Convolution1DTranspose", 2, 3, ins=[(4, 2)]),
    r("Convolution2DTranspose", 2, 3, ins=[(4, 4, 2)]),
    r("Convolution3DTranspose", 2, 2, ins=[(2, 2, 2, 1)]),
    r("SeparableConvolution1D", 2, 3, ins=[(6, 2)]),
    r("SeparableConvolution2D", 2, 3, ins=[(5, 5, 2)]),
    r("MaxPool1D", ins=[(6, 2)]),
    r("MaxPool2D", ins=[(4, 4, 2)]),
    r("MaxPool3D", ins=[(4, 4, 4, 2)]),
    r("AvgPool1D", 2, ins=[(6, 2)]),
    r("AvgPool2D", 2, ins=[(4, 4, 2)]),
    r("AvgPool3D", 2, ins=[(4, 4, 4, 2)]),
    r("GlobalAvgPool1D", ins=[(6, 2)]),
    r("GlobalAvgPool2D", ins=[(4, 4, 2)]),
    r("GlobalAvgPool3D", keepdims=True, ins=[(4, 4, 4, 2)]),
    r("GlobalMaxPool1D", ins=[(6, 2)]),
    r("GlobalMaxPool2D", ins=[(4, 4, 2)]),
    r("GlobalMaxPool3D", ins=[(4, 4, 4, 2)]),
    # --- convolution, 1-D to 3-D
    r("Conv3D", 4, 3, ins=[(6, 6, 6, 2)]),
    r("Conv3D", 4, 3, strides=2, padding="same", ins=[(7, 7, 7, 2)]),
    r("Conv3D", 2, (3, 1, 2), dilation_rate=(2, 1, 1), ins=[(None, 5, 5, 2)]),
    r("Conv3D", 4, 3, groups=2, use_bias=False, ins=[(5, 5, 5, 4)]),
    r("Conv3D", 3, 2, lora_rank=2, ins=[(4, 4, 4, 2)]),
    r("Conv1DTranspose", 4, 3, ins=[(5, 2)]),
    r("Conv1DTranspose", 4, 3, strides=2, padding="same", ins=[(5, 2)]),
    r("Conv1DTranspose", 4, 3, strides=2, output_padding=1, ins=[(5, 2)]),
    r("Conv1DTranspose", 2, 3, dilation_rate=2, use_bias=False, ins=[(None, 2)]),
    r("Conv3DTranspose", 3, 3, ins=[(3, 3, 3, 2)]),
    r("Conv3DTranspose", 3, 3, strides=2, padding="same", ins=[(3, 4, 3, 2)]),
    r("Conv3DTranspose", 2, 3, (2, 2, 1), "valid", None, (1, 0, 0), ins=[(3, 3, 3, 1)]),
    r("Conv3DTranspose", 2, 2, strides=2, ins=[(None, 2, 2, 1)]),
    r("SeparableConv1D", 4, 3, ins=[(10, 3)]),
    r("SeparableConv1D", 4, 3, strides=2, padding="same", depth_multiplier=2, ins=[(9, 3)]),
    r("SeparableConv1D", 4, 3, dilation_rate=2, use_bias=False, ins=[(None, 3)]),
    r("DepthwiseConv1D", 3, ins=[(10, 3)]),
    r("DepthwiseConv1D", 3, depth_multiplier=2, strides=2, padding="same", ins=[(9, 3)]),
    r("DepthwiseConv1D", 3, dilation_rate=2, use_bias=False, ins=[(None, 2)]),
    # --- pooling
    r("MaxPooling3D", ins=[(4, 4, 4, 2)]),
    r("MaxPooling3D", 3, 2, "same", ins=[(7, 7, 7, 1)]),
    r("MaxPooling3D", (2, 1, 2), ins=[(None, 4, 5, 2)]),
    r("AveragePooling3D", 2, ins=[(4, 4, 4, 2)]),
    r("AveragePooling3D", (3, 3, 3), 1, "same", ins=[(3, 4, 5, 2)]),
    r("AveragePooling3D", (2, 1, 2), ins=[(None, 5, 6, 3)]),
    r("GlobalAveragePooling3D", ins=[(4, 4, 4, 3)]),
    r("GlobalAveragePooling3D", keepdims=True, ins=[(4, 4, 4, 3)]),
    r("GlobalAveragePooling3D", ins=[(None, None, None, 3)]),
    r("GlobalMaxPooling3D", ins=[(4, 4, 4, 3)]),
    r("GlobalMaxPooling3D", "channels_last", True, ins=[(None, 4, 4, 3)]),
    r("GlobalMaxPooling3D", ins=[(2, 2, 2, 3)], dt=I32),
    r("AdaptiveAveragePooling1D", 4, ins=[(10, 3)]),
    r("AdaptiveAveragePooling1D", (3,), ins=[(None, 3)]),
    r("AdaptiveAveragePooling1D", 5, ins=[(5, 2)]),
    r("AdaptiveAveragePooling2D", 3, ins=[(7, 9, 2)]),
    r("AdaptiveAveragePooling2D", (2, 4), ins=[(None, None, 3)]),
    r("AdaptiveAveragePooling2D", [1, 1], ins=[(5, 5, 3)]),
    r("AdaptiveAveragePooling3D", 2, ins=[(4, 4, 4, 2)]),
    r("AdaptiveAveragePooling3D", (1, 2, 3), ins=[(None, 4, 6, 2)]),
    r("AdaptiveAveragePooling3D", 1, ins=[(3, 3, 3, 1)]),
    r("AdaptiveMaxPooling1D", 4, ins=[(10, 3)]),
    r("AdaptiveMaxPooling1D", 2, ins=[(None, 3)]),
    r("AdaptiveMaxPooling1D", (1,), ins=[(4, 2)]),
    r("AdaptiveMaxPooling2D", 3, ins=[(7, 9, 2)]),
    r("AdaptiveMaxPooling2D", (4, 2), ins=[(None, 8, 1)]),
    r("AdaptiveMaxPooling2D", 2, ins=[(4, 4, 3)]),
    r("AdaptiveMaxPooling3D", 2, ins=[(4, 4, 4, 2)]),
    r("AdaptiveMaxPooling3D", (2, 1, 2), ins=[(None, 4, 4, 2)]),
    r("AdaptiveMaxPooling3D", 1, ins=[(2, 2, 2, 5)]),
    # --- reshaping
    r("UpSampling3D", ins=[(2, 2, 2, 3)]),
    r("UpSampling3D", (1, 2, 3), ins=[(2, 2, 2, 1)]),
    r("UpSampling3D", 2, ins=[(None, 3, None, 2)]),
    r("ZeroPadding3D", ins=[(2, 2, 2, 3)]),
    r("ZeroPadding3D", 2, ins=[(2, 3, 4, 1)]),
    r("ZeroPadding3D", (1, 0, 2), ins=[(2, 3, 4, 1)]),
    r("ZeroPadding3D", ((1, 0), (0, 2), (1, 1)), ins=[(None, 3, 4, 1)]),
    r("Cropping3D", ins=[(4, 4, 4, 2)]),
    r("Cropping3D", 0, ins=[(3, 3, 3, 2)]),
    r("Cropping3D", (1, 0, 2), ins=[(4, 4, 5, 2)]),
    r("Cropping3D", ((1, 0), (0, 2), (1, 1)), ins=[(None, 5, 5, 2)]),
    # --- regularization, masking
    r("AlphaDropout", 0.2, ins=[(4,)]),
    r("AlphaDropout", 0.1, (None, 1, 4), seed=3, ins=[(3, 4)]),
    r("AlphaDropout", 0.5, ins=[(4,)], dt=I32),
    r("GaussianDropout", 0.3, ins=[(4,)]),
    r("GaussianDropout", 0.1, 7, ins=[(None, 3)]),
    r("GaussianDropout", 0.0, ins=[(2, 2)], dt=I32),
    r("SpatialDropout3D", 0.2, ins=[(2, 2, 2, 3)]),
    r("SpatialDropout3D", 0.2, "channels_last", ins=[(2, 2, 2, 3)]),
    r("SpatialDropout3D", 0.5, seed=1, ins=[(None, None, 2, 2)]),
    r("ActivityRegularization", ins=[(4,)]),
    r("ActivityRegularization", 0.01, ins=[(3, 4)]),
    r("ActivityRegularization", l2=0.1, ins=[(4,)], dt=I32),
    r("Masking", ins=[(5, 3)]),
    r("Masking", -1.0, ins=[(None, 4)]),
    r("Masking", mask_value=2, ins=[(5, 3)], dt=I32),
    # --- EinsumDense, ReversibleEmbedding
    r("EinsumDense", "ab,bc->ac", 4, ins=[(3,)]),
    r("EinsumDense", "abc,cd->abd", (None, 5), bias_axes="d", ins=[(5, 3)]),
    r("EinsumDense", "...b,bc->...c", 6, bias_axes="c", ins=[(2, 3, 4)]),
    r("EinsumDense", "abc,cde->abde", (5, 2, 3), bias_axes="de", ins=[(5, 4)]),
    r("EinsumDense", "abc,cde->abde", (None, 2, 3), bias_axes="e", activation="relu", ins=[(None, 4)]),
    r("EinsumDense", "ab...,bc->ac...", (4,), ins=[(3, 5)]),
    r("EinsumDense", "ab,bc->ac", 4, lora_rank=2, ins=[(3,)]),
    r("ReversibleEmbedding", 10, 4, ins=[(5,)], dt=I32),
    r("ReversibleEmbedding", 10, 4, tie_weights=False, ins=[(None,)], dt=I32),
    r("ReversibleEmbedding", 10, 4, ins=[(3, 4)], call={"reverse": True}),
    r("ReversibleEmbedding", 10, 4, False, logit_soft_cap=30.0, ins=[(4,)], call={"reverse": True}),
    # --- normalization
    r("GroupNormalization", 2, ins=[(4,)]),
    r("GroupNormalization", -1, ins=[(5, 5, 3)]),
    r("GroupNormalization", 3, 1, ins=[(6, 4)]),
    r("GroupNormalization", 4, center=False, ins=[(None, 8)]),
    r("GroupNormalization", 1, scale=False, ins=[(4,)], dt=I32),
    r("RMSNormalization", ins=[(4,)]),
    r("RMSNormalization", axis=[1, 2], ins=[(3, 4)]),
    r("RMSNormalization", 1, 1e-5, ins=[(3, 4)]),
    r("RMSNormalization", ins=[(None, 4)], dt=I32),
    r("UnitNormalization", ins=[(4,)]),
    r("UnitNormalization", axis=1, ins=[(3, 4)]),
    r("UnitNormalization", axis=[1, 2], ins=[(None, 4)]),
    r("SpectralNormalization", lay("Dense", 3), ins=[(4,)]),
    r("SpectralNormalization", lay("Conv2D", 2, 3), 2, ins=[(5, 5, 2)]),
    r("SpectralNormalization", lay("Embedding", 5, 3), ins=[(4,)], dt=I32),
    r("SpectralNormalization", lay("EinsumDense", "ab,bc->ac", 4), ins=[(3,)]),
    r("SpectralNormalization", lay("Dense", 3, use_bias=False), trainable=False, ins=[(4,)]),
    # --- recurrent: RNN over cells, ConvLSTM, Bidirectional, TimeDistributed
    r("RNN", lay("LSTMCell", 3), ins=[(5, 2)]),
    r("RNN", lay("GRUCell", 3), return_sequences=True, ins=[(5, 2)]),
    r("RNN", lay("SimpleRNNCell", 2), return_state=True, ins=[(None, 3)]),
    r("RNN", lay("LSTMCell", 3), True, True, ins=[(4, 2)]),
    r("RNN", [lay("LSTMCell", 3), lay("GRUCell", 2)], return_state=True, ins=[(5, 2)]),
    r(
        "RNN",
        lay("StackedRNNCells", [lay("LSTMCell", 3), lay("SimpleRNNCell", 2)]),
        return_sequences=True,
        return_state=True,
        ins=[(5, 2)],
    ),
    r("RNN", lay("StackedRNNCells", [lay("GRUCell", 4)]), ins=[(5, 2)]),
    r(
        "RNN",
        lay("StackedRNNCells", [lay("SimpleRNNCell", 2), lay("GRUCell", 3)]),
        True,
        True,
        ins=[(None, 2)],
    ),
    r("RNN", lay("GRUCell", 3, reset_after=False), go_backwards=True, ins=[(5, 2)]),
    r("RNN", lay("LSTMCell", 2, use_bias=False, unit_forget_bias=False), unroll=True, ins=[(4, 2)]),
    r("RNN", lay("SimpleRNNCell", 2, "relu"), trainable=False, ins=[(4, 2)]),
    r("RNN", lay("LSTMCell", 2, trainable=False), ins=[(4, 2)]),
    r("RNN", [lay("SimpleRNNCell", 2), lay("LSTMCell", 3, dropout=0.1)], ins=[(4, 2)]),
    r("ConvLSTM1D", 2, 3, ins=[(4, 6, 2)]),
    r("ConvLSTM1D", 2, 3, padding="same", return_sequences=True, ins=[(None, 6, 2)]),
    r("ConvLSTM1D", 3, 2, return_state=True, use_bias=False, ins=[(4, 5, 1)]),
    r("ConvLSTM2D", 3, 3, ins=[(4, 6, 6, 2)]),
    r("ConvLSTM2D", 3, 3, strides=2, return_sequences=True, return_state=True, ins=[(None, 7, 7, 2)]),
    r("ConvLSTM2D", 2, (3, 1), dilation_rate=2, padding="same", ins=[(3, 6, 5, 2)]),
    r("ConvLSTM2D", 2, 3, unit_forget_bias=False, dropout=0.1, recurrent_dropout=0.1, ins=[(3, 5, 5, 1)]),
    r("ConvLSTM3D", 2, 2, ins=[(3, 4, 4, 4, 1)]),
    r("ConvLSTM3D", 2, 3, padding="same", return_sequences=True, ins=[(None, 3, 3, 3, 2)]),
    r("ConvLSTM3D", 1, 2, return_state=True, ins=[(2, 3, 3, 3, 1)]),
    r("Bidirectional", lay("ConvLSTM2D", 3, 3), ins=[(4, 6, 6, 2)]),
    r("Bidirectional", lay("ConvLSTM1D", 2, 3, return_sequences=True), merge_mode=None, ins=[(4, 6, 2)]),
    r("Bidirectional", lay("ConvLSTM1D", 2, 3, return_state=True), "sum", ins=[(4, 6, 2)]),
    r("Bidirectional", lay("RNN", lay("LSTMCell", 3)), ins=[(4, 2)]),
    r("Bidirectional", lay("RNN", [lay("LSTMCell", 3), lay("GRUCell", 2)], return_state=True), ins=[(4, 2)]),
    r(
        "Bidirectional",
        lay("RNN", lay("GRUCell", 3)),
        backward_layer=lay("RNN", lay("GRUCell", 3), go_backwards=True),
        ins=[(4, 2)],
    ),
    r("Bidirectional", lay("ConvLSTM3D", 1, 2), ins=[(2, 3, 3, 3, 1)]),
    r("TimeDistributed", lay("Dense", 3), ins=[(4, 2)]),
    r("TimeDistributed", lay("Conv2D", 3, 3), ins=[(4, 6, 6, 2)]),
    r("TimeDistributed", lay("Embedding", 5, 3), ins=[(4, 2)], dt=I32),
    r("TimeDistributed", lay("LSTM", 3), ins=[(4, 2, 3)]),
    r("TimeDistributed", lay("Flatten"), ins=[(None, 2, 3)]),
    r("TimeDistributed", lay("Dense", 2), trainable=False, ins=[(None, 3)]),
    r("TimeDistributed", lay("MaxPooling1D"), ins=[(3, 4, 2)], dt=I32),
    r("TimeDistributed", lay("Bidirectional", lay("LSTM", 2)), ins=[(3, 4, 2)]),
    r("TimeDistributed", lay("TimeDistributed", lay("Dense", 2)), ins=[(3, 4, 5)]),
    r("SpectralNormalization", lay("DepthwiseConv2D", 3), ins=[(5, 5, 2)]),
    r("SpectralNormalization", lay("Conv1DTranspose", 2, 3), ins=[(5, 2)]),
    r(
        "MultiHeadAttention",
        2,
        2,
        attention_axes=(1, 2),
        ins=[(3, 4, 8), (3, 4, 8)],
        call={"return_attention_scores": True},
    ),
    r("Attention", ins=[(5, 4), (6, 3), (6, 4)], call={"return_attention_scores": True}),
    r("Hashing", 4, output_mode="one_hot", ins=[(2, 1)], dt=I64),
    r("IntegerLookup", vocabulary=[4, 5], output_mode="one_hot", ins=[()], dt=I64),
    r("Conv3DTranspose", 2, 3, strides=2, padding="same", output_padding=1, ins=[(2, 3, 2, 1)]),
    r("GroupNormalization", -1, ins=[(2, 2, 2, 4)]),
    # --- attention
    r("MultiHeadAttention", 2, 3, ins=[(5, 4), (6, 4)], call={"return_attention_scores": True}),
    r("MultiHeadAttention", 2, 3, ins=[(5, 4), (6, 4), (6, 2)], call={"use_causal_mask": True}),
    r("Attention", ins=[(5, 4), (6, 4)]),
    r("Attention", True, "concat", ins=[(5, 4), (6, 3), (6, 4)]),
    r("Attention", ins=[(5, 4), (6, 4)], call={"return_attention_scores": True}),
    r("Attention", dropout=0.1, seed=2, ins=[(None, 4), (None, 4)], call={"use_causal_mask": True}),
    r("Attention", use_scale=True, ins=[(2, 5, 4), (2, 6, 4)], call={"return_attention_scores": True}),
    r("AdditiveAttention", ins=[(5, 4), (6, 4)]),
    r("AdditiveAttention", False, ins=[(5, 4), (6, 4)], call={"return_attention_scores": True}),
    r("AdditiveAttention", dropout=0.2, ins=[(None, 3), (None, 2), (None, 3)]),
    r("GroupQueryAttention", 4, 4, 2, ins=[(5, 8), (6, 8)]),
    r("GroupQueryAttention", 4, 4, 2, ins=[(5, 8), (6, 8), (6, 5)], call={"return_attention_scores": True}),
    r("GroupQueryAttention", 3, 2, 2, use_gate=True, use_bias=False, ins=[(None, 6), (None, 6)]),
    r("GroupQueryAttention", 2, 6, 1, dropout=0.1, ins=[(5, 4), (5, 4)], call={"use_causal_mask": True}),
    # --- preprocessing
    r("Resizing", 5, 7, ins=[(10, 10, 3)]),
    r("Resizing", 5, 7, interpolation="nearest", ins=[(10, 10, 3)], dt=I32),
    r("Resizing", 4, 4, crop_to_aspect_ratio=True, ins=[(None, None, 3)], dt="uint8"),
    r("Resizing", 4, 6, pad_to_aspect_ratio=True, fill_value=1.0, ins=[(8, 8, 1)]),
    r("CenterCrop", 5, 7, ins=[(10, 10, 3)]),
    r("CenterCrop", 5, 7, ins=[(3, 3, 3)]),
    r("CenterCrop", 2, 2, ins=[(None, None, 3)], dt=I32),
    r("RandomCrop", 5, 6, ins=[(10, 10, 3)]),
    r("RandomCrop", 5, 6, 3, ins=[(None, None, 3)]),
    r("RandomCrop", 2, 2, ins=[(4, 4, 1)], dt=I32),
    r("CategoryEncoding", 5, ins=[(3,)], dt=I32),
    r("CategoryEncoding", 5, ins=[(1,)], dt=I32),
    r("CategoryEncoding", 5, "one_hot", ins=[(3,)], dt=I32),
    r("CategoryEncoding", 5, "one_hot", ins=[(1,)], dt=I32),
    r("CategoryEncoding", 5, "one_hot", ins=[()], dt=I32),
    r("CategoryEncoding", 5, "count", ins=[(2, 3)], dt=I32),
    r("CategoryEncoding", num_tokens=4, output_mode="binary", ins=[(None,)], dt=I64),
    r("Discretization", [0.0, 1.0, 2.0], ins=[(3,)]),
    r("Discretization", [0.0, 1.0, 2.0], output_mode="one_hot", ins=[(3,)]),
    r("Discretization", [0.0, 1.0, 2.0], output_mode="multi_hot", ins=[(3,)]),
    r("Discretization", [0.0, 1.0], output_mode="one_hot", ins=[(1,)]),
    r("Discretization", [0.5], output_mode="count", ins=[(2, 3)]),
    r("Discretization", bin_boundaries=[0.0, 10.0], ins=[(None,)], dt=I32),
    r("Hashing", 5, ins=[(3,)], dt=STR),
    r("Hashing", 5, ins=[(3,)], dt=I32),
    r("Hashing", 5, output_mode="one_hot", ins=[(1,)], dt=STR),
    r("Hashing", 5, output_mode="multi_hot", ins=[(3,)], dt=STR),
    r("Hashing", 5, 0, output_mode="count", ins=[(None,)], dt=I64),
    r("Hashing", 7, salt=[1, 2], dtype="int32", ins=[(2,)], dt=STR),
    r("HashedCrossing", 5, ins=[(1,), (1,)], dt=[STR, I32]),
    r("HashedCrossing", 5, "one_hot", ins=[(1,), (1,)], dt=[STR, STR]),
    r("HashedCrossing", 3, ins=[(), ()], dt=[I64, I64]),
    r("StringLookup", vocabulary=VOCAB, ins=[(3,)], dt=STR),
    r("StringLookup", vocabulary=VOCAB, output_mode="one_hot", ins=[(1,)], dt=STR),
    r("StringLookup", vocabulary=VOCAB, output_mode="multi_hot", ins=[(3,)], dt=STR),
    r(
        "StringLookup",
        vocabulary=VOCAB,
        output_mode="tf_idf",
        idf_weights=[1.0, 2.0, 3.0],
        ins=[(3,)],
        dt=STR,
    ),
    r("StringLookup", vocabulary=VOCAB, invert=True, ins=[(3,)], dt=I64),
    r("StringLookup", None, 2, "", vocabulary=VOCAB, output_mode="count", ins=[(None,)], dt=STR),
    r(
        "StringLookup",
        10,
        vocabulary=VOCAB,
        output_mode="multi_hot",
        pad_to_max_tokens=True,
        ins=[(2,)],
        dt=STR,
    ),
    r("StringLookup", vocabulary=["[UNK]", "a", "b"], output_mode="one_hot", ins=[(2,)], dt=STR),
    r("StringLookup", mask_token="", vocabulary=["", "[UNK]", "x"], ins=[(1,)], dt=STR),
    r("IntegerLookup", vocabulary=[4, 5, 6], ins=[(3,)], dt=I64),
    r("IntegerLookup", vocabulary=[4, 5, 6], ins=[(3,)], dt=I32),
    r("IntegerLookup", vocabulary=[4, 5, 6], output_mode="count", ins=[(3,)], dt=I64),
    r("IntegerLookup", vocabulary=[4, 5, 6], invert=True, ins=[(None,)], dt=I64),
    r("IntegerLookup", None, 1, 0, vocabulary=[4, 5], output_mode="one_hot", ins=[(1,)], dt=I64),
    r("TextVectorization", vocabulary=["a", "b"], ins=[(1,)], dt=STR),
    r("TextVectorization", vocabulary=["a", "b"], ins=[()], dt=STR),
    r("TextVectorization", vocabulary=["a", "b"], output_sequence_length=5, ins=[(1,)], dt=STR),
    r("TextVectorization", vocabulary=["a", "b"], output_mode="multi_hot", ins=[(1,)], dt=STR),
    r("TextVectorization", vocabulary=["a", "b"], split=None, output_mode="count", ins=[()], dt=STR),
    r(
        "TextVectorization",
        6,
        vocabulary=["a"],
        output_mode="multi_hot",
        pad_to_max_tokens=True,
        ins=[(1,)],
        dt=STR,
    ),
    r(
        "TextVectorization",
        vocabulary=["a", "b"],
        output_mode="tf_idf",
        idf_weights=[1.0, 2.0],
        ins=[(1,)],
        dt=STR,
    ),
    r("MelSpectrogram", ins=[(16000,)]),
    r("MelSpectrogram", fft_length=512, sequence_stride=128, num_mel_bins=40, ins=[(None,)]),
    r("MelSpectrogram", 256, 100, 200, "hamming", 8000, 20, ins=[(1000,)]),
    r("MelSpectrogram", 64, 32, window=None, power_to_db=False, ins=[(300,)]),
    r("STFTSpectrogram", ins=[(1000, 1)]),
    r("STFTSpectrogram", "stft", 64, 32, ins=[(1000, 1)]),
    r("STFTSpectrogram", expand_dims=True, ins=[(1000, 2)]),
    r("STFTSpectrogram", "real", 50, 10, 64, padding="same", ins=[(None, 1)]),
    r("STFTSpectrogram", mode="imag", frame_length=32, window="hamming", scaling=None, ins=[(100, 3)]),
    r("STFTSpectrogram", mode="magnitude", frame_length=16, trainable=False, ins=[(64, 1)]),
    r("Pipeline", [lay("Rescaling", 1 / 255), lay("RandomFlip")], ins=[(8, 8, 3)]),
    r("Pipeline", [lay("Dense", 3), lay("Dense", 2)], ins=[(4,)]),
    r("Pipeline", [lay("Resizing", 4, 4), lay("CenterCrop", 2, 2)], ins=[(None, None, 3)], dt=I32),
]

# image augmentations: the same shape back, float32 (Equalization/RandomGrayscale keep the dtype)
_AUG = [
    ("RandomFlip", (), {}),
    ("RandomFlip", ("horizontal",), {"seed": 1}),
    ("RandomRotation", (0.1,), {}),
    ("RandomRotation", ((-0.2, 0.3),), {"fill_mode": "constant", "interpolation": "nearest"}),
    ("RandomZoom", (0.1,), {}),
    ("RandomZoom", ((-0.3, 0.2), 0.1), {"fill_mode": "wrap"}),
    ("RandomTranslation", (0.1, 0.2), {}),
    ("RandomTranslation", ((-0.1, 0.1), 0.0), {"fill_mode": "nearest", "fill_value": 1.0}),
    ("RandomShear", (), {}),
    ("RandomShear", (0.2, (0.1, 0.3)), {"interpolation": "nearest"}),
    ("RandomPerspective", (), {}),
    ("RandomPerspective", (0.5,), {"scale": 0.5}),
    ("RandomElasticTransform", (), {}),
    ("RandomElasticTransform", (0.5, 0.2), {"value_range": (0, 1)}),
    ("RandomContrast", (0.2,), {}),
    ("RandomContrast", ((0.1, 0.4),), {"value_range": (0, 1)}),
    ("RandomBrightness", (0.2,), {}),
    ("RandomBrightness", ((-0.1, 0.3),), {"value_range": [0.0, 1.0]}),
    ("RandomColorDegeneration", (0.5,), {}),
    ("RandomHue", (0.3,), {}),
    ("RandomSaturation", (0.3,), {}),
    ("RandomSaturation", ((0.1, 0.6),), {"value_range": (0, 1)}),
    ("RandomSharpness", (0.2,), {}),
    ("RandomPosterization", (4,), {}),
    ("RandomPosterization", ((2, 6),), {"value_range": (0, 1)}),
    ("RandomInvert", (), {}),
    ("RandomInvert", (0.5,), {"value_range": (0, 1)}),
    ("RandomGrayscale", (), {}),
    ("RandomGrayscale", (0.2,), {}),
    ("Solarization", (), {}),
    ("Solarization", (0.2, (0.1, 0.5)), {}),
    ("RandomGaussianBlur", (), {}),
    ("RandomGaussianBlur", (0.5, 5, (0.2, 0.8)), {}),
    ("RandomErasing", (), {}),
    ("RandomErasing", (0.5, 0.1), {"fill_value": 0.0}),
    ("RandomColorJitter", (), {"brightness_factor": 0.2, "contrast_factor": 0.2}),
    ("RandomColorJitter", ((0, 1),), {"saturation_factor": 0.3, "hue_factor": 0.1}),
    ("AutoContrast", (), {}),
    ("AutoContrast", ((0, 1),), {}),
    ("ContrastLimitedAdaptiveHistogramEqualization", (), {}),
    ("ContrastLimitedAdaptiveHistogramEqualization", ((0, 255), 2.0, (4, 4)), {}),
    ("CutMix", (), {}),
    ("CutMix", (0.5,), {"seed": 1}),
    ("MixUp", (), {}),
    ("MixUp", (0.4,), {}),
    ("RandAugment", (), {}),
    ("RandAugment", ((0, 1), 3, 0.2), {}),
    ("AugMix", (), {}),
    ("AugMix", ((0, 1), 2, 2, 0.5), {"all_ops": False}),
]
ROWS += [r(n, *a, ins=[(8, 8, 3)], **kw) for n, a, kw in _AUG]
# each augmentation once more on unknown sizes or integer images (the first form of each)
_FIRST = list({n: (n, a, kw) for n, a, kw in reversed(_AUG)}.values())
ROWS += [
    r(n, *a, ins=[(None, None, 3)] if i % 2 else [(16, 16, 3)], dt=I32 if i % 3 == 0 else "uint8", **kw)
    for i, (n, a, kw) in enumerate(_FIRST)
]
ROWS += [
    r("RandomFlip", "vertical", ins=[(None, 5, 1)]),
    r("RandomHue", (0.1, 0.5), value_range=(0, 1), seed=3, ins=[(None, None, 3)]),
    r("RandomRotation", 0.1, dtype="float64", ins=[(6, 6, 2)]),
    r("RandomContrast", 0.5, ins=[(None, None, 1)]),
    r("RandomBrightness", 0.1, ins=[(6, 6, 4)], dt=I32),
    r("RandomSharpness", (0.0, 0.5), ins=[(None, None, 1)], dt=I32),
    r("RandomPosterization", 8, ins=[(None, None, 3)], dt="uint8"),
    r("RandomColorDegeneration", (0.1, 0.2), value_range=(0, 1), ins=[(None, None, 3)]),
    r("RandomGaussianBlur", 1.0, (3, 5), ins=[(8, 8, 1)]),
    r("RandomErasing", 1.0, (0.1, 0.2), ins=[(None, None, 1)], dt=I32),
]

BAD += [
    r("Activation", "relux", ins=[(4,)], exc=ArgError, code="unknown-activation"),
    r("Identity", 3, ins=[(4,)], exc=ArgError),
    r("Average", ins=[(3,), (4,)], exc=ShapeError),
    r("Maximum", ins=[(3, 4), (3, 5)], exc=ShapeError),
    r("Minimum", ins=[(2,), (3,)], exc=ShapeError),
    r("GlobalAveragePooling1D", ins=[(4,)], exc=ShapeError, code="rank-mismatch"),
    r("GlobalMaxPooling2D", ins=[(4, 4, 4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("Conv3D", 4, 5, ins=[(3, 3, 3, 2)], exc=ShapeError),
    r("Conv3D", 4, 3, ins=[(8, 8, 3)], exc=ShapeError, code="rank-mismatch"),
    r("Conv3D", 4, 3, strides=2, dilation_rate=2, ins=[(9, 9, 9, 3)], exc=ArgError),
    r("Conv1DTranspose", 4, 3, strides=2, output_padding=2, ins=[(5, 2)], exc=ArgError),
    r("Conv1DTranspose", 4, 3, ins=[(5, 5, 2)], exc=ShapeError, code="rank-mismatch"),
    r("Conv3DTranspose", 4, 3, ins=[(5, 5, 2)], exc=ShapeError, code="rank-mismatch"),
    r("Conv3DTranspose", 0, 3, ins=[(3, 3, 3, 2)], exc=ArgError),
    r("SeparableConv1D", 4, 3, padding="causal", ins=[(8, 3)], exc=ArgError),
    r("SeparableConv1D", 4, 9, ins=[(8, 3)], exc=ShapeError),
    r("DepthwiseConv1D", 3, depth_multiplier=0, ins=[(8, 3)], exc=ArgError),
    r("DepthwiseConv1D", 3, ins=[(8, 8, 3)], exc=ShapeError, code="rank-mismatch"),
    r("MaxPooling3D", ins=[(4, 4, 2)], exc=ShapeError, code="rank-mismatch"),
    r("MaxPooling3D", 3, ins=[(2, 2, 2, 1)], exc=ShapeError),
    r("AveragePooling3D", ins=[(4, 4, 4, 2)], exc=ArgError, code="missing-argument"),
    r("GlobalAveragePooling3D", ins=[(4, 4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("GlobalMaxPooling3D", ins=[(4, 4, 4, 4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("AdaptiveAveragePooling1D", (2, 2), ins=[(8, 3)], exc=ArgError),
    r("AdaptiveMaxPooling2D", "x", ins=[(8, 8, 3)], exc=ArgError),
    r("AdaptiveMaxPooling3D", (2, 2), ins=[(4, 4, 4, 3)], exc=ArgError),
    r("UpSampling3D", ins=[(2, 2, 3)], exc=ShapeError, code="rank-mismatch"),
    r("ZeroPadding3D", (1, 2), ins=[(2, 2, 2, 3)], exc=ArgError),
    r("Cropping3D", 2, ins=[(4, 4, 4, 2)], exc=ShapeError),
    r("Cropping3D", -1, ins=[(4, 4, 4, 2)], exc=ArgError),
    r("AlphaDropout", 1.5, ins=[(4,)], exc=ArgError),
    r("GaussianDropout", -0.1, ins=[(4,)], exc=ArgError),
    r("SpatialDropout3D", 0.1, ins=[(2, 2, 3)], exc=ShapeError, code="rank-mismatch"),
    r("SpatialDropout3D", 0.1, trainable=False, ins=[(2, 2, 2, 3)], exc=ArgError),
    r("ActivityRegularization", -0.1, ins=[(4,)], exc=ArgError),
    r("EinsumDense", "ab->b", 4, ins=[(3,)], exc=ShapeError),
    r("EinsumDense", "ab,bc->ac", 4, bias_axes="x", ins=[(3,)], exc=ShapeError),
    r("EinsumDense", "abc,cd->abd", (7, 4), ins=[(5, 3)], exc=ShapeError),
    r("EinsumDense", "ab,bc->ac", 4, lora_rank=2, kernel_constraint="non_neg", ins=[(3,)], exc=ArgError),
    r("ReversibleEmbedding", 0, 4, ins=[(5,)], dt=I32, exc=ArgError),
    r("GroupNormalization", 3, ins=[(4,)], exc=ShapeError),
    r("GroupNormalization", 8, ins=[(4,)], exc=ShapeError),
    r("GroupNormalization", 0, ins=[(4,)], exc=ArgError),
    r("GroupNormalization", 2, ins=[(None,)], exc=ShapeError),
    r("RMSNormalization", ins=[(None,)], exc=ShapeError),
    r("UnitNormalization", axis="x", ins=[(4,)], exc=ArgError),
    r("SpectralNormalization", lay("Dense", 3), 0, ins=[(4,)], exc=ArgError),
    r("SpectralNormalization", lay("SeparableConv2D", 3, 3), ins=[(6, 6, 2)], exc=ShapeError),
    r("SpectralNormalization", lay("LayerNormalization"), ins=[(4,)], exc=ShapeError),
    r("RNN", lay("Dense", 3), ins=[(5, 2)], exc=ArgError),
    r("RNN", lay("LSTMCell", 0), ins=[(5, 2)], exc=ArgError),
    r("RNN", lay("GRUCell", 3), ins=[(5,)], exc=ShapeError, code="rank-mismatch"),
    r("LSTMCell", 3, ins=[(4,)], exc=ShapeError),
    r("GRUCell", 3, ins=[(4,)], exc=ShapeError),
    r("SimpleRNNCell", 3, ins=[(4,)], exc=ShapeError),
    r("StackedRNNCells", [lay("LSTMCell", 3)], ins=[(4,)], exc=ShapeError),
    r("ConvLSTM2D", 3, 3, ins=[(6, 6, 2)], exc=ShapeError, code="rank-mismatch"),
    r("ConvLSTM2D", 3, 3, ins=[(4, None, 6, 2)], exc=ShapeError),
    r("ConvLSTM1D", 3, 7, ins=[(4, 6, 2)], exc=ShapeError),
    r("ConvLSTM3D", 1, 2, strides=2, dilation_rate=2, ins=[(2, 5, 5, 5, 1)], exc=ArgError),
    r("ConvLSTM1D", 3, 3, padding="causal", ins=[(4, 6, 2)], exc=ArgError),
    r("Bidirectional", lay("LSTMCell", 3), ins=[(4, 2)], exc=ArgError),
    r("TimeDistributed", lay("Dense", 3), ins=[(4,)], exc=ShapeError, code="rank-mismatch"),
    r("TimeDistributed", lay("LSTM", 3, return_state=True), ins=[(4, 2, 3)], exc=ArgError),
    r("Bidirectional", lay("TimeDistributed", lay("Dense", 3)), ins=[(4, 2)], exc=ArgError),
    r("Attention", score_mode="foo", ins=[(5, 4), (6, 4)], exc=ArgError),
    r("Attention", ins=[(5, 4)], exc=ShapeError),
    r("Attention", ins=[(5, 4), (6, 4), (6, 4), (6, 4)], exc=ShapeError),
    r("AdditiveAttention", ins=[(5, None), (6, None)], exc=ShapeError),
    r("GroupQueryAttention", 4, 4, 3, ins=[(5, 8), (6, 8)], exc=ArgError),
    r("GroupQueryAttention", 4, 4, 2, ins=[(5, 8), (6, 7)], exc=ShapeError),
    r("GroupQueryAttention", 4, 4, 2, flash_attention=True, dropout=0.1, ins=[(5, 8), (6, 8)], exc=ArgError),
    r("CategoryEncoding", ins=[(3,)], dt=I32, exc=ArgError),
    r("CategoryEncoding", 5, "foo", ins=[(3,)], dt=I32, exc=ArgError),
    r("CategoryEncoding", 0, ins=[(3,)], dt=I32, exc=ArgError),
    r("Discretization", [0.0, 1.0], 3, ins=[(3,)], exc=ArgError),
    r("Discretization", ins=[(3,)], exc=ArgError),
    r("Discretization", [0.0], output_mode="foo", ins=[(3,)], exc=ArgError),
    r("Discretization", [0.0], trainable=False, ins=[(3,)], exc=ArgError),
    r("Hashing", 0, ins=[(3,)], dt=STR, exc=ArgError),
    r("Hashing", 5, dtype="float32", ins=[(3,)], dt=STR, exc=ArgError),
    r("Hashing", 5, output_mode="foo", ins=[(3,)], dt=STR, exc=ArgError),
    r("Hashing", 5, salt="x", ins=[(3,)], dt=STR, exc=ArgError),
    r("HashedCrossing", 5, "count", ins=[(1,), (1,)], dt=[STR, STR], exc=ArgError),
    r("HashedCrossing", 5, ins=[(1,), (2,)], dt=[STR, STR], exc=ShapeError),
    r("StringLookup", vocabulary=["a", "a"], ins=[(3,)], dt=STR, exc=ArgError),
    r("StringLookup", vocabulary=VOCAB, invert=True, output_mode="one_hot", ins=[(3,)], dt=I64, exc=ArgError),
    r("StringLookup", vocabulary=VOCAB, idf_weights=[1.0, 1.0, 1.0], ins=[(3,)], dt=STR, exc=ArgError),
    r("StringLookup", 3, vocabulary=VOCAB, ins=[(3,)], dt=STR, exc=ArgError),
    r("StringLookup", 1, vocabulary=VOCAB, ins=[(3,)], dt=STR, exc=ArgError),
    r("StringLookup", vocabulary=VOCAB, output_mode="tf_idf", ins=[(3,)], dt=STR, exc=ArgError),
    r("StringLookup", mask_token="a", vocabulary=VOCAB, ins=[(3,)], dt=STR, exc=ArgError),
    r("StringLookup", pad_to_max_tokens=True, vocabulary=VOCAB, ins=[(3,)], dt=STR, exc=ArgError),
    r(
        "StringLookup",
        mask_token="",
        vocabulary=["", "[UNK]", "x"],
        output_mode="one_hot",
        ins=[(1,)],
        dt=STR,
        exc=ArgError,
    ),
    r("IntegerLookup", vocabulary=[4, 5], vocabulary_dtype="int32", ins=[(3,)], dt=I64, exc=ArgError),
    r("IntegerLookup", num_oov_indices=-1, vocabulary=[4, 5], ins=[(3,)], dt=I64, exc=ArgError),
    r("IntegerLookup", mask_token=4, vocabulary=[4, 5], ins=[(3,)], dt=I64, exc=ArgError),
    r("IntegerLookup", vocabulary=[4, 5], oov_method="foo", ins=[(3,)], dt=I64, exc=ArgError),
    r("IntegerLookup", vocabulary=[4, 5], salt=3, ins=[(3,)], dt=I64, exc=ArgError),
    r(
        "TextVectorization",
        vocabulary=["a"],
        output_mode="multi_hot",
        output_sequence_length=3,
        ins=[(1,)],
        dt=STR,
        exc=ArgError,
    ),
    r("TextVectorization", vocabulary=["a"], output_mode="foo", ins=[(1,)], dt=STR, exc=ArgError),
    r("TextVectorization", vocabulary=["a"], split="comma", ins=[(1,)], dt=STR, exc=ArgError),
    r("MelSpectrogram", 256, sequence_length=512, ins=[(1000,)], exc=ArgError),
    r("STFTSpectrogram", "foo", ins=[(1000, 1)], exc=ArgError),
    r("STFTSpectrogram", frame_length=32, frame_step=64, ins=[(1000, 1)], exc=ArgError),
    r("STFTSpectrogram", frame_length=64, fft_length=32, ins=[(1000, 1)], exc=ArgError),
    r("STFTSpectrogram", ins=[(1000,)], exc=ShapeError, code="rank-mismatch"),
    r("STFTSpectrogram", window="nope", ins=[(1000, 1)], exc=ArgError),
    r("STFTSpectrogram", padding="causal", ins=[(1000, 1)], exc=ArgError),
    r("RandomRotation", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomRotation", 0.1, fill_mode="mirror", ins=[(8, 8, 3)], exc=ArgError),
    r("RandomZoom", 0.1, interpolation="bicubic", ins=[(8, 8, 3)], exc=ArgError),
    r("RandomZoom", -1.0, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomTranslation", 0.1, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomTranslation", 0.1, (0.1, 0.2, 0.3), ins=[(8, 8, 3)], exc=ArgError),
    r("RandomShear", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomPerspective", scale=2.0, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomElasticTransform", interpolation="bicubic", ins=[(8, 8, 3)], exc=ArgError),
    r("RandomContrast", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomBrightness", 0.2, value_range=(0, 1, 2), ins=[(8, 8, 3)], exc=ArgError),
    r("RandomBrightness", 2.0, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomColorDegeneration", 0.5, ins=[(8, 8, 1)], exc=ShapeError),
    r("RandomColorDegeneration", 0.5, value_range=5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomHue", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomSaturation", 2.0, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomSharpness", 2.0, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomPosterization", 9, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomInvert", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomGrayscale", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("Solarization", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("Solarization", value_range=1, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomGaussianBlur", kernel_size=4, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomGaussianBlur", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomErasing", 2.0, ins=[(8, 8, 3)], exc=ArgError),
    r("RandomColorJitter", brightness_factor=2.0, ins=[(8, 8, 3)], exc=ArgError),
    r("AutoContrast", value_range=(0,), ins=[(8, 8, 3)], exc=ArgError),
    r("CutMix", 1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("RandAugment", factor=1.5, ins=[(8, 8, 3)], exc=ArgError),
    r("AugMix", factor=1.5, ins=[(8, 8, 3)], exc=ArgError),
]

STRICT += [
    # encodings that reduce the last axis, on inputs with only the batch axis: Keras's output
    # has no batch axis left (it encodes the whole batch as one sample)
    r("CategoryEncoding", 5, ins=[()], dt=I32, exc=ShapeError),
    r("Discretization", [0.0, 1.0], output_mode="multi_hot", ins=[()], exc=ShapeError),
    r("Hashing", 5, output_mode="count", ins=[()], dt=STR, exc=ShapeError),
    r("StringLookup", vocabulary=VOCAB, output_mode="multi_hot", ins=[()], dt=STR, exc=ShapeError),
    r(
        "IntegerLookup",
        vocabulary=[4, 5],
        output_mode="tf_idf",
        idf_weights=[1.0, 1.0],
        ins=[()],
        dt=I64,
        exc=ShapeError,
    ),
    # Hashing one_hot: Keras's symbolic shape drops the last axis, its result keeps it
    r("Hashing", 5, output_mode="one_hot", ins=[(3,)], dt=STR, exc=ShapeError),
    r("Hashing", 5, output_mode="one_hot", ins=[()], dt=STR, exc=ShapeError),
    r("Rescaling", [1.0, 2.0, 3.0], ins=[(2, 4)], exc=ShapeError),
    r("ELU", "x", ins=[(4,)], exc=ArgError),
    r("Conv3D", 4, 3, data_format="channels_first", ins=[(3, 8, 8, 8)], exc=ArgError, code="unsupported"),
    r("AdaptiveAveragePooling1D", 0, ins=[(8, 3)], exc=ArgError),
    r("AdaptiveAveragePooling2D", 2, ins=[(8, 3)], exc=ShapeError, code="rank-mismatch"),
    r("AdaptiveMaxPooling1D", 2, ins=[(8, 8, 3)], exc=ShapeError, code="rank-mismatch"),
    r("AdaptiveMaxPooling3D", 2, data_format="channels_first", ins=[(2, 4, 4, 4)], exc=ArgError),
    r("AdaptiveAveragePooling3D", 2, ins=[(4, 4, 3)], exc=ShapeError, code="rank-mismatch"),
    r("Masking", ins=[()], exc=ShapeError, code="rank-mismatch"),
    r("UnitNormalization", axis=3, ins=[(4,)], exc=ShapeError),
    r("RNN", lay("LSTMCell", 3), stateful=True, ins=[(5, 2)], exc=ArgError, code="unsupported"),
    r("RNN", lay("LSTM", 3), ins=[(5, 2)], exc=ArgError),
    r("RNN", lay("SimpleRNNCell", 3), unroll=True, ins=[(None, 2)], exc=ShapeError),
    r("ConvLSTM2D", 3, 3, stateful=True, ins=[(4, 6, 6, 2)], exc=ArgError, code="unsupported"),
    r(
        "Bidirectional",
        lay("RNN", lay("GRUCell", 3)),
        backward_layer=lay("RNN", lay("GRUCell", 4), go_backwards=True),
        ins=[(4, 2)],
        exc=ShapeError,
    ),
    r("TimeDistributed", lay("Add"), ins=[(4, 2)], exc=ArgError),
    r("Attention", ins=[(5, 4), (6, 3)], exc=ShapeError),
    r("Attention", ins=[(5, 4), (6, 4), (7, 4)], exc=ShapeError),
    r("Attention", ins=[(4,), (4,)], exc=ShapeError, code="rank-mismatch"),
    r("AdditiveAttention", dropout=1.5, ins=[(5, 4), (6, 4)], exc=ArgError),
    r(
        "Attention",
        ins=[(5, 4), (6, 4)],
        call={"use_casual_mask": True},
        exc=ArgError,
        code="unknown-argument",
    ),
    r("GroupQueryAttention", 4, 4, 2, ins=[(2, 5, 8), (2, 6, 8)], exc=ShapeError, code="rank-mismatch"),
    r("Resizing", 5, 7, ins=[(10, 10)], exc=ShapeError, code="rank-mismatch"),
    r("Resizing", 5, 7, interpolation="cubic", ins=[(10, 10, 3)], exc=ArgError),
    r("CenterCrop", 5, 7, ins=[(10, 10)], exc=ShapeError, code="rank-mismatch"),
    r("RandomFlip", "diagonal", ins=[(8, 8, 3)], exc=ArgError),
    r("RandomCrop", 4, 4, ins=[(8, 8)], exc=ShapeError, code="rank-mismatch"),
    r("RandomCrop", 0, 4, ins=[(8, 8, 3)], exc=ArgError),
    r("MixUp", -1.0, ins=[(8, 8, 3)], exc=ArgError),
    r("ContrastLimitedAdaptiveHistogramEqualization", ins=[(8, 8)], exc=ShapeError, code="rank-mismatch"),
    r("ContrastLimitedAdaptiveHistogramEqualization", tile_grid_size=0, ins=[(8, 8, 3)], exc=ArgError),
    r("Attention", ins=[(5, 4), (6, 4)], call={"return_attention_scores": "yes"}, exc=ArgError),
    r("RandomFlip", ins=[(8, 8)], exc=ShapeError, code="rank-mismatch"),
    r("RandomHue", 0.2, ins=[(8, 8, 1)], exc=ShapeError),
    r("CategoryEncoding", 5, sparse=True, ins=[(3,)], dt=I32, exc=ArgError, code="unsupported"),
    r("Discretization", num_bins=4, ins=[(3,)], exc=ArgError, code="unsupported"),
    r("HashedCrossing", 5, ins=[(3,), (3,)], dt=[STR, STR], exc=ShapeError, code="rank-mismatch"),
    r("StringLookup", ins=[(3,)], dt=STR, exc=ArgError, code="missing-argument"),
    r("StringLookup", vocabulary=VOCAB, ins=[(3,)], exc=ShapeError),
    r("StringLookup", vocabulary="vocab.txt", ins=[(3,)], dt=STR, exc=ArgError, code="unsupported"),
    r("IntegerLookup", vocabulary=[1, 2], ins=[(3,)], dt=STR, exc=ShapeError),
    r("TextVectorization", ins=[(1,)], dt=STR, exc=ArgError, code="missing-argument"),
    r("TextVectorization", vocabulary=["a"], ins=[(1,)], dt=I32, exc=ShapeError),
    r(
        "TextVectorization",
        vocabulary=["a"],
        ragged=True,
        ins=[(1,)],
        dt=STR,
        exc=ArgError,
        code="unsupported",
    ),
    r("MelSpectrogram", ins=[(100, 2)], exc=ShapeError, code="rank-mismatch"),
    r("MelSpectrogram", window="blackman", ins=[(1000,)], exc=ArgError),
    r("Pipeline", [lay("Add")], ins=[(4,)], exc=ArgError),
    r("ReversibleEmbedding", 10, 4, ins=[(3, 5)], call={"reverse": True}, exc=ShapeError),
]


# ------------------------------------------------------------------- runners
def _has_layer(v) -> bool:
    return isinstance(v, L) or (isinstance(v, (list, tuple)) and any(_has_layer(x) for x in v))


def _g(v):
    """A test value as graphc's binder receives it (layers become LayerArgs)."""
    if isinstance(v, L):
        cls = REGISTRY[v.name]
        given = cls.bind([_g(x) for x in v.args], {k: _g(x) for k, x in v.kw.items()})
        return LayerArg(cls(), cls.full(given), given)
    if isinstance(v, (list, tuple)) and _has_layer(v):
        return type(v)(_g(x) for x in v)
    return v


def _k(v):
    if isinstance(v, L):
        keras = _keras()
        return getattr(keras.layers, v.name)(*[_k(x) for x in v.args], **{k: _k(x) for k, x in v.kw.items()})
    if isinstance(v, (list, tuple)) and _has_layer(v):
        return type(v)(_k(x) for x in v)
    return v


def graphc_run(row: Row) -> dict:
    cls = REGISTRY[row.name]
    given = cls.bind([_g(v) for v in row.args], {k: _g(v) for k, v in row.kw.items()})
    a = cls.with_call(cls.full(given), cls.bind_call(row.call))
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
    keras = _keras()
    layer = getattr(keras.layers, row.name)(
        *[_k(v) for v in row.args], **{k: _k(v) for k, v in row.kw.items()}
    )
    ins = [keras.Input(shape=s, dtype=d) for s, d in zip(row.shapes, row.dtypes)]
    if REGISTRY[row.name].takes_list:
        out = layer(ins, **row.call)
    else:
        out = layer(*ins, **row.call)
    return layer, out


def keras_run(row: Row) -> dict:
    keras = _keras()
    np = pytest.importorskip("numpy")
    layer, out = keras_call(row)
    outs = keras.tree.flatten(out)
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
@pytest.mark.parametrize("row", params(ROWS, [slow]))
def test_matches_keras(row):
    assert graphc_run(row) == keras_run(row)


@pytest.mark.parametrize("row", params(BAD, [slow]))
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
    assert info.value.message


def _layer_names(v) -> list:
    """The layers a row builds: its own and those passed as arguments (cells, wrapped layers)."""
    if isinstance(v, L):
        return [v.name] + [n for x in (*v.args, *v.kw.values()) for n in _layer_names(x)]
    if isinstance(v, (list, tuple)):
        return [n for x in v for n in _layer_names(x)]
    return []


def test_every_layer_has_rows():
    """Every catalog layer is checked against Keras in at least 3 rows, and rejected in one."""
    counts = {name: 0 for name in canonical_names() if name != "Input"}
    for row in ROWS:
        for n in _layer_names(L(row.name, row.args, row.kw)):
            counts[ALIASES.get(n, n)] += 1
    assert {n: c for n, c in counts.items() if c < 3} == {}
    rejected = {
        ALIASES.get(n, n) for row in BAD + STRICT for n in _layer_names(L(row.name, row.args, row.kw))
    }
    assert sorted(set(counts) - rejected - {"Identity"}) == []


def _keras_positional(cls):
    sig = inspect.signature(cls.__init__)
    names, defaults = [], {}
    for p in list(sig.parameters.values())[1:]:
        if p.kind is not p.POSITIONAL_OR_KEYWORD or p.name in ("name", "dtype"):
            continue
        names.append(p.name)
        defaults[p.name] = p.default
    return names, defaults


@slow
@pytest.mark.parametrize("name", sorted(n for n in canonical_names() if n != "Input"))
def test_signature_matches_keras(name):
    """Positional order and defaults are Keras's (graphc stores defaults normalized)."""
    op = REGISTRY[name]
    names, defaults = _keras_positional(getattr(_keras().layers, name))
    ours = [p for p in op.all_params() if p.positional and p.name not in ("name", "dtype")]
    assert [p.name for p in ours] == names
    for p in ours:
        kd = defaults[p.name]
        if kd is inspect.Parameter.empty:
            assert p.required, p.name
        elif kd is None:
            assert p.default is None, p.name
        else:
            assert p.default == p.check(kd), p.name


@slow
def test_aliases_are_keras_aliases():
    """Every alias graphc accepts is exported by keras.layers as the same class as its canonical
    name, and every keras.layers alias of a catalog layer is accepted."""
    layers = _keras().layers
    for alias, canon in ALIASES.items():
        assert getattr(layers, alias) is getattr(layers, canon), alias
    exported = [n for n in dir(layers) if inspect.isclass(getattr(layers, n))]
    for n in exported:
        same = [
            c for c in canonical_names() if c != "Input" and getattr(layers, c, None) is getattr(layers, n)
        ]
        if same and n not in same:
            assert ALIASES.get(n) == same[0], n


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
    return [(tuple(t.shape)[1:], t.dtype) for t in _keras().tree.flatten(out)]


def _sweep(rows):
    bad = [
        (row.id, _outcome(graphc_run, row), k)
        for row in rows
        if _outcome(graphc_run, row) != (k := _keras_outcome(row))
    ]
    assert bad == [], f"{len(bad)} of {len(rows)} disagree, e.g. {bad[:5]}"


SIZES = (None, 1, 2, 3, 5, 8, 9)


@slow
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


@slow
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


@slow
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


@slow
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


@slow
def test_sweep_1d_variants():
    """ConvLSTM1D's gate convolutions (its own size rule), and the 1-D transposed, separable and
    depthwise layers (sharing the 2-D layers' rules, swept above) on a smaller grid."""
    grid = [(k, s, d, p) for k in (1, 3, 4) for s in (1, 2) for d in (1, 2) for p in ("valid", "same")]
    _sweep(
        [
            r("ConvLSTM1D", 1, k, strides=s, dilation_rate=d, padding=p, ins=[(2, n, 1)])
            for n in (1, 3, 5)
            for k, s, d, p in grid
        ]
        + [
            r("Conv1DTranspose", 2, k, strides=s, dilation_rate=d, padding=p, ins=[(n, 2)])
            for n in (None, 3)
            for k, s, d, p in grid
        ]
        + [
            r("SeparableConv1D", 2, k, strides=s, dilation_rate=d, padding=p, ins=[(n, 2)])
            for n in (1, 5)
            for k, s, d, p in grid
        ]
        + [
            r("DepthwiseConv1D", k, strides=s, dilation_rate=d, padding=p, ins=[(n, 2)])
            for n in (None, 4)
            for k, s, d, p in grid
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
