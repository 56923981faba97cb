"""graphc_runtime.torch.layers conv family (conv.py, pooling.py, spatial.py,
augmentation.py) against real Keras 3 on TensorFlow.

Every table row builds the Keras layer and ours with the sizes Keras infers,
copies Keras's weights (randomised, biases included) with load_keras, and
compares forward outputs on random inputs (channels_last <-> channels_first at
the boundary), parameter counts and the keras_arrays() round trip.  Separate
tests cover regularizers, constraints, initial distributions (two-sample
Kolmogorov-Smirnov against Keras's own draws), the augmentation layers'
transforms given the same random parameters, and their distributions.

Tolerances (float32, eps = 2**-23).  Both frameworks compute each output as a
sum of the same R products (plus a bias) in different orders.  Recursive
summation of n terms is within (n - 1) * eps * sum|terms| of the exact sum
(Higham, Accuracy and Stability, 4.3), each product adds eps * |term|, so two
orders differ by at most 2 * (n + 1) * eps * sum|terms|, and
sum|terms| <= R * max|w| * max|x| + max|b| =: S.  The activations used here
have slopes <= 1.13 (gelu; relu, tanh, sigmoid, softmax <= 1) and add a few
roundings of the output: tol = 1.13 * 2 * (R + 2) * eps * S + 8 * eps * max|y|.
"""

from __future__ import annotations

import math
import os
import re
import zlib

import numpy as np
import pytest
import torch
from graphc_runtime.torch import layers as K
from graphc_runtime.torch.layers import augmentation as A

pytestmark = pytest.mark.slow

EPS = float(np.finfo(np.float32).eps)
GELU_SLOPE = 1.13  # max |d gelu / dx| ~ 1.129, the steepest activation in these tables


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    assert keras.backend.backend() == "tensorflow"
    return keras


def cf(a):
    """channels_last numpy -> channels_first torch."""
    return torch.from_numpy(np.ascontiguousarray(np.moveaxis(np.asarray(a, dtype=np.float32), -1, 1)))


def cl(t):
    """channels_first torch -> channels_last numpy."""
    return np.moveaxis(t.detach().cpu().numpy(), 1, -1)


def keras_counts(layer):
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    return trainable, frozen


def sum_tol(r, s, y_max):
    """See the module docstring: r products per output, s their magnitude bound."""
    return GELU_SLOPE * 2 * (r + 2) * EPS * s + 8 * EPS * y_max


def randomise(layer, rng, scale=0.5):
    """Keras's weights replaced by uniform(-scale, scale) draws (biases included)."""
    layer.set_weights([rng.uniform(-scale, scale, w.shape).astype(np.float32) for w in layer.get_weights()])


# ====================================================================== convolutions
# (Keras class, arguments, channels_last input shape)
CONV_ROWS = [
    ("Conv1D", dict(filters=4, kernel_size=3), (2, 10, 3)),
    ("Conv1D", dict(filters=4, kernel_size=4, strides=2, padding="same"), (2, 11, 3)),
    ("Conv1D", dict(filters=4, kernel_size=4, strides=2, padding="same"), (2, 10, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (2, 10, 3)),
    ("Conv1D", dict(filters=2, kernel_size=2, padding="same", dilation_rate=3, activation="tanh"), (2, 9, 3)),
    (
        "Conv1D",
        dict(filters=4, kernel_size=3, strides=2, padding="same", groups=2, use_bias=False),
        (2, 9, 6),
    ),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 9, 8, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 8, 8, 3)),
    # odd sizes at stride 2: TF's split is symmetric, torch's padding argument (no F.pad)
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 9, 7, 3)),
    ("Conv2D", dict(filters=4, kernel_size=4, padding="same", activation="relu"), (2, 8, 7, 3)),
    ("Conv2D", dict(filters=3, kernel_size=(3, 2), strides=(2, 1), padding="same"), (2, 9, 9, 2)),
    (
        "Conv2D",
        dict(filters=3, kernel_size=3, dilation_rate=2, padding="same", activation="gelu"),
        (2, 8, 9, 2),
    ),
    ("Conv2D", dict(filters=3, kernel_size=3, padding="same", activation="softmax"), (2, 6, 5, 2)),
    ("Conv2D", dict(filters=6, kernel_size=3, groups=3, padding="same", strides=2), (2, 7, 6, 6)),
    ("Conv2D", dict(filters=4, kernel_size=(2, 3), strides=(3, 2), use_bias=False), (2, 9, 8, 3)),
    ("Conv3D", dict(filters=2, kernel_size=3, strides=2, padding="same"), (1, 5, 6, 7, 3)),
    (
        "Conv3D",
        dict(filters=2, kernel_size=(2, 3, 1), dilation_rate=(1, 2, 1), padding="same"),
        (1, 4, 6, 5, 2),
    ),
    ("Conv3D", dict(filters=3, kernel_size=2, padding="valid"), (1, 4, 5, 3, 2)),
    # transposed: k vs s, 'same' crops (odd / even), output_padding, valid's extra
    ("Conv1DTranspose", dict(filters=3, kernel_size=4, strides=2, padding="same"), (2, 5, 2)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=4, strides=1, padding="same"), (2, 5, 2)),
    (
        "Conv1DTranspose",
        dict(filters=3, kernel_size=3, strides=2, padding="same", output_padding=0),
        (2, 5, 2),
    ),
    ("Conv1DTranspose", dict(filters=3, kernel_size=2, strides=3, padding="valid"), (2, 4, 2)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 5, 4, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=4, strides=2, padding="same"), (2, 5, 4, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=(4, 3), strides=1, padding="same"), (2, 5, 4, 3)),
    (
        "Conv2DTranspose",
        dict(filters=2, kernel_size=3, strides=2, padding="same", output_padding=1),
        (2, 4, 5, 3),
    ),
    (
        "Conv2DTranspose",
        dict(filters=2, kernel_size=5, strides=3, padding="same", output_padding=2),
        (2, 3, 4, 3),
    ),
    (
        "Conv2DTranspose",
        dict(filters=4, kernel_size=4, strides=3, output_padding=2, activation="relu"),
        (2, 5, 4, 3),
    ),
    ("Conv2DTranspose", dict(filters=4, kernel_size=2, strides=(3, 2), use_bias=False), (2, 4, 3, 3)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=3, strides=2, padding="same"), (1, 3, 4, 2, 3)),
    (
        "Conv3DTranspose",
        dict(filters=2, kernel_size=(2, 3, 2), strides=(1, 2, 2), output_padding=(0, 1, 1)),
        (1, 3, 3, 2, 2),
    ),
    # depthwise: channel order c * m + j, TF's stride-and-dilation decomposition
    ("DepthwiseConv1D", dict(kernel_size=3, strides=2, padding="same", depth_multiplier=3), (2, 9, 2)),
    ("DepthwiseConv1D", dict(kernel_size=4, dilation_rate=2, activation="relu"), (2, 10, 3)),
    (
        "DepthwiseConv1D",
        dict(kernel_size=3, strides=2, dilation_rate=2, padding="same", depth_multiplier=2),
        (2, 11, 2),
    ),
    ("DepthwiseConv2D", dict(kernel_size=3, strides=2, padding="same", depth_multiplier=2), (2, 9, 8, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3, strides=2, padding="same"), (2, 9, 7, 3)),
    ("DepthwiseConv2D", dict(kernel_size=(2, 3), padding="same", dilation_rate=2), (2, 7, 8, 3)),
    (
        "DepthwiseConv2D",
        dict(kernel_size=3, strides=2, dilation_rate=2, padding="same", depth_multiplier=2),
        (2, 9, 8, 2),
    ),
    ("DepthwiseConv2D", dict(kernel_size=2, use_bias=False, depth_multiplier=3), (2, 5, 6, 2)),
    # separable
    ("SeparableConv1D", dict(filters=4, kernel_size=3, depth_multiplier=2), (2, 9, 3)),
    (
        "SeparableConv1D",
        dict(filters=4, kernel_size=3, strides=2, padding="same", activation="tanh"),
        (2, 10, 3),
    ),
    (
        "SeparableConv1D",
        dict(filters=3, kernel_size=3, strides=2, dilation_rate=2, padding="same"),
        (2, 11, 2),
    ),
    (
        "SeparableConv2D",
        dict(filters=5, kernel_size=3, strides=2, padding="same", depth_multiplier=2),
        (2, 9, 8, 3),
    ),
    ("SeparableConv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 9, 7, 3)),
    ("SeparableConv2D", dict(filters=4, kernel_size=2, padding="same", dilation_rate=2), (2, 7, 6, 3)),
    ("SeparableConv2D", dict(filters=4, kernel_size=3, use_bias=False, depth_multiplier=2), (2, 6, 6, 2)),
]


def _row_id(row):
    name, kw, shape = row
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items()) + f"-{shape}"


def conv_terms(name, kw, c_in):
    """R: products summed into one output (upper bound) - see the module docstring."""
    rank = int(re.search(r"(\d)D", name).group(1))
    k = kw["kernel_size"]
    k = (k,) * rank if isinstance(k, int) else tuple(k)
    taps = math.prod(k)
    if name.startswith("Depthwise"):
        return taps
    if name.startswith("Separable"):
        return taps * c_in * kw.get("depth_multiplier", 1)
    return taps * c_in // kw.get("groups", 1)


def build_pair(keras, name, kw, shape, rng):
    kl = getattr(keras.layers, name)(**kw)
    x = rng.standard_normal(shape).astype(np.float32)
    kl.build(shape)
    randomise(kl, rng)
    tl = getattr(K, name)(shape[-1], **kw)
    tl.load_keras(kl.get_weights())
    return kl, tl, x


@pytest.mark.parametrize("row", CONV_ROWS, ids=[_row_id(r) for r in CONV_ROWS])
def test_conv_matches_keras(keras, row):
    name, kw, shape = row
    rng = np.random.default_rng(zlib.crc32(_row_id(row).encode()))
    kl, tl, x = build_pair(keras, name, kw, shape, rng)
    ref = np.asarray(kl(x))
    got = cl(tl(cf(x)))
    assert got.shape == ref.shape
    r = conv_terms(name, kw, shape[-1])
    w_max = max(float(np.abs(w).max()) for w in kl.get_weights())
    s = r * (w_max if not name.startswith("Separable") else w_max**2) * float(np.abs(x).max()) + w_max
    np.testing.assert_allclose(got, ref, rtol=0, atol=sum_tol(r, s, float(np.abs(ref).max())))
    assert K.count_params(tl) == keras_counts(kl)
    for a, b in zip(tl.keras_arrays(), kl.get_weights()):
        assert a.shape == b.shape and np.array_equal(a, b)


# Dilated transposed convolutions: TensorFlow has no CPU kernel for them ("Current CPU
# implementations do not yet support dilation rates larger than 1"), so the reference
# is TF's definition of conv_transpose: the gradient of the dilated convolution with
# respect to its input, of the output size Keras computes.
TRANSPOSE_DILATED = [
    ("Conv1DTranspose", dict(filters=3, kernel_size=3, dilation_rate=2, padding="same"), (2, 6, 2)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=2, dilation_rate=3), (2, 5, 2)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"), (2, 5, 4, 3)),
    (
        "Conv2DTranspose",
        dict(filters=2, kernel_size=(2, 3), dilation_rate=(2, 1), padding="same"),
        (2, 5, 4, 3),
    ),
    ("Conv2DTranspose", dict(filters=2, kernel_size=3, dilation_rate=2), (2, 4, 4, 2)),
    # a dilation-1 row: the gradient reference agrees with Keras where Keras runs
    ("Conv2DTranspose", dict(filters=2, kernel_size=4, strides=2, padding="same"), (2, 4, 3, 2)),
]


@pytest.mark.parametrize("row", TRANSPOSE_DILATED, ids=[_row_id(r) for r in TRANSPOSE_DILATED])
def test_conv_transpose_dilated_matches_tf_definition(keras, row):
    import tensorflow as tf

    name, kw, shape = row
    rng = np.random.default_rng(7)
    kl, tl, x = build_pair(keras, name, kw, shape, rng)
    kernel, bias = kl.get_weights()
    out_shape = tuple(kl.compute_output_shape(shape))
    rank = len(shape) - 2
    k = kw["kernel_size"]
    dilation = kw.get("dilation_rate", 1)
    z = tf.zeros(out_shape)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = tf.nn.convolution(
            z,
            kernel,
            strides=kw.get("strides", 1),
            padding=kw.get("padding", "valid").upper(),
            dilations=(dilation,) * rank if isinstance(dilation, int) else dilation,
        )
    assert tuple(y.shape) == shape[:-1] + (kernel.shape[-1],)
    ref = tape.gradient(y, z, output_gradients=tf.constant(x)).numpy() + bias
    if all(d == 1 for d in np.atleast_1d(dilation)):
        np.testing.assert_allclose(np.asarray(kl(x)), ref, rtol=0, atol=1e-5)
    got = cl(tl(cf(x)))
    assert got.shape == ref.shape
    r = math.prod((k,) * rank if isinstance(k, int) else k) * shape[-1]
    s = r * float(np.abs(kernel).max()) * float(np.abs(x).max()) + float(np.abs(bias).max())
    np.testing.assert_allclose(got, ref, rtol=0, atol=sum_tol(r, s, float(np.abs(ref).max())))


# ---------------------------------------------------------------------- regularizers, activity
REG_ROWS = [
    ("Conv2D", dict(filters=3, kernel_size=3, padding="same"), (2, 5, 6, 2), "kernel", "bias"),
    ("Conv1DTranspose", dict(filters=3, kernel_size=3, strides=2), (2, 5, 2), "kernel", "bias"),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2), (2, 5, 6, 2), "depthwise", "bias"),
    ("SeparableConv1D", dict(filters=3, kernel_size=3), (2, 7, 2), "depthwise", "pointwise"),
]


@pytest.mark.parametrize("row", REG_ROWS, ids=[r[0] for r in REG_ROWS])
def test_regularizers_match_keras(keras, row):
    name, kw, shape, first, second = row
    kw = dict(kw)
    kw[f"{first}_regularizer"] = {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}}
    kw[f"{second}_regularizer"] = "l2"
    kw["activity_regularizer"] = "l1"
    rng = np.random.default_rng(3)
    kl, tl, x = build_pair(keras, name, kw, shape, rng)
    kl(x)
    tl(cf(x))
    ref = sum(float(v) for v in kl.losses)
    got = float((tl.regularization_loss() + tl.activity_loss).detach())
    # sums of |w|, w**2 and |y| over at most a few hundred float32 terms: relative 2 * n * eps < 1e-4
    assert got == pytest.approx(ref, rel=1e-4)


# ---------------------------------------------------------------------- constraints
CONSTRAINT_ROWS = [
    (
        "Conv2D",
        dict(filters=3, kernel_size=3),
        (1, 5, 5, 2),
        "kernel",
        {"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": [0, 1, 2]}},
    ),
    ("Conv2D", dict(filters=3, kernel_size=3), (1, 5, 5, 2), "kernel", "unit_norm"),
    (
        "Conv1D",
        dict(filters=3, kernel_size=2),
        (1, 5, 2),
        "kernel",
        {"class_name": "MinMaxNorm", "config": {"min_value": 0.5, "max_value": 0.8, "rate": 0.5, "axis": 1}},
    ),
    ("Conv2DTranspose", dict(filters=3, kernel_size=2), (1, 4, 4, 2), "kernel", "max_norm"),
    (
        "DepthwiseConv2D",
        dict(kernel_size=3, depth_multiplier=2),
        (1, 5, 5, 3),
        "depthwise",
        {"class_name": "MaxNorm", "config": {"max_value": 0.3, "axis": 2}},
    ),
    (
        "SeparableConv2D",
        dict(filters=3, kernel_size=3, depth_multiplier=2),
        (1, 5, 5, 2),
        "pointwise",
        {"class_name": "UnitNorm", "config": {"axis": [2]}},
    ),
    ("SeparableConv2D", dict(filters=3, kernel_size=3), (1, 5, 5, 2), "depthwise", "non_neg"),
    ("Conv2D", dict(filters=3, kernel_size=3), (1, 5, 5, 2), "bias", "non_neg"),
]


@pytest.mark.parametrize("row", CONSTRAINT_ROWS, ids=[f"{r[0]}-{r[3]}-{r[4]}" for r in CONSTRAINT_ROWS])
def test_constraints_match_keras(keras, row):
    name, kw, shape, which, spec = row
    kw = dict(kw)
    kw[f"{which}_constraint"] = spec
    rng = np.random.default_rng(5)
    kl, tl, _ = build_pair(keras, name, kw, shape, rng)
    index = {"kernel": 0, "depthwise": 0, "pointwise": 1, "bias": -1}[which]
    axis = spec.get("config", {}).get("axis", 0) if isinstance(spec, dict) else 0
    if axis not in (0, None):
        # a norm over another axis than Keras's default is refused: at the GDL line by the
        # PyTorch target (graphc/ops/objects.py), and here by the runtime (never computed wrongly)
        with pytest.raises(NotImplementedError, match="axis=0"):
            tl.apply_constraints()
        return
    constraint = getattr(kl, f"{which}_constraint")
    ref = [np.asarray(w) for w in kl.get_weights()]
    ref[index] = np.asarray(constraint(keras.ops.convert_to_tensor(ref[index])))
    tl.apply_constraints()
    got = tl.keras_arrays()
    for a, b in zip(got, ref):
        # norms of <= 18 float32 terms, one division: relative error < 32 * eps
        np.testing.assert_allclose(a, b, rtol=32 * EPS, atol=32 * EPS)


# ---------------------------------------------------------------------- initial distributions
def ks_statistic(a, b):
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    grid = np.concatenate([a, b])
    return float(
        np.max(
            np.abs(np.searchsorted(a, grid, "right") / a.size - np.searchsorted(b, grid, "right") / b.size)
        )
    )


def ks_critical(n, m, alpha=1e-6):
    """Two-sample KS critical value: c(alpha) * sqrt((n + m) / (n * m)), c = sqrt(-ln(alpha / 2) / 2)."""
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


INIT_ROWS = [
    ("Conv2D", dict(filters=32, kernel_size=3), (1, 6, 6, 16), {}),
    ("Conv2D", dict(filters=24, kernel_size=(3, 2), kernel_initializer="he_normal"), (1, 6, 6, 20), {}),
    ("Conv1D", dict(filters=30, kernel_size=5, kernel_initializer="lecun_uniform", groups=2), (1, 9, 40), {}),
    ("Conv3D", dict(filters=8, kernel_size=3, kernel_initializer="glorot_normal"), (1, 4, 4, 4, 12), {}),
    ("Conv2DTranspose", dict(filters=24, kernel_size=3, kernel_initializer="he_uniform"), (1, 4, 4, 10), {}),
    (
        "Conv1D",
        dict(
            filters=40,
            kernel_size=3,
            kernel_initializer={
                "class_name": "VarianceScaling",
                "config": {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal"},
            },
            bias_initializer={"class_name": "RandomUniform", "config": {"minval": -0.3, "maxval": 0.1}},
        ),
        (1, 6, 30),
        {},
    ),
    ("DepthwiseConv2D", dict(kernel_size=5, depth_multiplier=4), (1, 6, 6, 48), {}),
    (
        "DepthwiseConv1D",
        dict(kernel_size=7, depth_multiplier=3, depthwise_initializer="he_uniform"),
        (1, 9, 60),
        {},
    ),
    (
        "SeparableConv2D",
        dict(
            filters=64,
            kernel_size=3,
            depth_multiplier=2,
            depthwise_initializer="he_normal",
            pointwise_initializer="glorot_uniform",
        ),
        (1, 5, 5, 40),
        {},
    ),
]


@pytest.mark.parametrize("row", INIT_ROWS, ids=[f"{r[0]}-{sorted(r[1])}" for r in INIT_ROWS])
def test_initial_distributions_match_keras(keras, row):
    name, kw, shape, _ = row
    keras.utils.set_random_seed(11)
    torch.manual_seed(11)
    kl = getattr(keras.layers, name)(**kw)
    kl.build(shape)
    tl = getattr(K, name)(shape[-1], **kw)
    for ref, got in zip(kl.get_weights(), tl.keras_arrays()):
        assert ref.shape == got.shape
        if np.all(ref == ref.flat[0]):  # a constant (zeros)
            assert np.array_equal(got, ref)
            continue
        d = ks_statistic(ref, got)
        assert d < ks_critical(ref.size, got.size), (d, ref.std(), got.std())


def test_orthogonal_kernel_in_keras_layout():
    """Keras's Orthogonal flattens the kernel to (prod(shape[:-1]), shape[-1]) before its QR."""
    torch.manual_seed(0)
    tl = K.Conv2D(4, 8, 3, kernel_initializer="orthogonal")
    kernel = tl.keras_arrays()[0].reshape(-1, 8)  # (3 * 3 * 4, 8): orthonormal columns
    np.testing.assert_allclose(kernel.T @ kernel, np.eye(8), atol=1e-5)


@pytest.mark.parametrize("name", ["Conv2D", "DepthwiseConv2D", "Conv2DTranspose"])
def test_initializer_objects_draw_keras_distributions(name):
    """An initializer object (what the emitted module passes for `VarianceScaling(...)` in
    GDL) builds the layer and draws Keras's distribution (it raised TypeError in the
    convolutions: EfficientNet's kernel initializer)."""
    from graphc_runtime.torch import initializers
    from graphc_runtime.torch.layers.conv import keras_fans

    kw = "depthwise_initializer" if name == "DepthwiseConv2D" else "kernel_initializer"
    args = (16, 3) if name == "DepthwiseConv2D" else (16, 32, 3)
    torch.manual_seed(0)
    init = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")
    kernel = getattr(K, name)(*args, **{kw: init}).keras_arrays()[0]
    _, fan_out = keras_fans(kernel.shape)
    want = math.sqrt(2.0 / fan_out)  # Keras rescales its truncated normal to this std
    # the sample std of n draws has a relative standard error of about 1/sqrt(2n): 6 of them
    assert abs(kernel.std() / want - 1) < 6 / math.sqrt(2 * kernel.size), (kernel.std(), want)


def test_constraint_objects_apply_like_their_specs():
    """A constraint object (what the emitted module passes for `MaxNorm(0.5)` in GDL)
    constrains the kernel exactly as its Keras spec does (it raised TypeError)."""
    from graphc_runtime.torch import constraints

    torch.manual_seed(0)
    a = K.Conv2D(4, 8, 3, kernel_constraint=constraints.MaxNorm(0.5))
    b = K.Conv2D(4, 8, 3, kernel_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.5}})
    b.load_state_dict(a.state_dict())
    a.apply_constraints()
    b.apply_constraints()
    np.testing.assert_array_equal(a.keras_arrays()[0], b.keras_arrays()[0])


# ====================================================================== pooling
POOL_ROWS = [
    ("MaxPooling1D", dict(), (2, 9, 3)),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 10, 3)),
    ("MaxPooling1D", dict(pool_size=3, strides=1, padding="same"), (2, 7, 3)),
    ("MaxPooling2D", dict(), (2, 9, 8, 3)),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 8, 3)),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 7, 3)),
    ("MaxPooling2D", dict(pool_size=2, strides=1, padding="same"), (2, 5, 6, 3)),
    ("MaxPooling2D", dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (2, 7, 6, 2)),
    ("MaxPooling2D", dict(pool_size=3, strides=1, padding="same"), (2, 5, 6, 2)),
    ("MaxPooling3D", dict(), (1, 4, 5, 6, 2)),
    ("MaxPooling3D", dict(pool_size=3, strides=2, padding="same"), (1, 5, 4, 6, 2)),
    ("AveragePooling1D", dict(pool_size=2), (2, 9, 3)),
    ("AveragePooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 10, 3)),
    ("AveragePooling1D", dict(pool_size=4, strides=1, padding="same"), (2, 7, 3)),
    ("AveragePooling2D", dict(pool_size=2), (2, 9, 8, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 8, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 7, 3)),
    ("AveragePooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=1, padding="same"), (2, 5, 6, 2)),
    ("AveragePooling2D", dict(pool_size=(2, 3), strides=(1, 2), padding="same"), (2, 5, 7, 2)),
    ("AveragePooling3D", dict(pool_size=2), (1, 4, 5, 6, 2)),
    ("AveragePooling3D", dict(pool_size=(3, 2, 3), strides=2, padding="same"), (1, 5, 4, 7, 2)),
]


def _pool_size(kw, rank):
    p = kw.get("pool_size", 2)
    return math.prod((p,) * rank if isinstance(p, int) else p)


@pytest.mark.parametrize("row", POOL_ROWS, ids=[_row_id(r) for r in POOL_ROWS])
def test_pooling_matches_keras(keras, row):
    name, kw, shape = row
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    kl = getattr(keras.layers, name)(**kw)
    tl = getattr(K, name)(**kw)
    ref = np.asarray(kl(x))
    got = cl(tl(cf(x)))
    assert got.shape == ref.shape
    if name.startswith("Max"):
        assert np.array_equal(got, ref)
    else:
        p = _pool_size(kw, len(shape) - 2)
        # a mean of <= p values: 2 * (p + 1) * eps * max|x| (module docstring, divided by the count)
        np.testing.assert_allclose(got, ref, rtol=0, atol=2 * (p + 1) * EPS * float(np.abs(x).max()))
    assert K.count_params(tl) == keras_counts(kl) == (0, 0)


GLOBAL_ROWS = [
    (name, dict(keepdims=keep), shape)
    for name, shape in [
        ("GlobalAveragePooling1D", (2, 7, 3)),
        ("GlobalAveragePooling2D", (2, 5, 6, 3)),
        ("GlobalAveragePooling3D", (2, 3, 4, 5, 3)),
        ("GlobalMaxPooling1D", (2, 7, 3)),
        ("GlobalMaxPooling2D", (2, 5, 6, 3)),
        ("GlobalMaxPooling3D", (2, 3, 4, 5, 3)),
    ]
    for keep in (False, True)
]


@pytest.mark.parametrize("row", GLOBAL_ROWS, ids=[_row_id(r) for r in GLOBAL_ROWS])
def test_global_pooling_matches_keras(keras, row):
    name, kw, shape = row
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    ref = np.asarray(getattr(keras.layers, name)(**kw)(x))
    y = getattr(K, name)(**kw)(cf(x))
    got = cl(y) if kw["keepdims"] else y.numpy()  # keepdims: channels-first (N, C, 1, ...)
    assert got.shape == ref.shape
    n = math.prod(shape[1:-1])
    np.testing.assert_allclose(got, ref, rtol=0, atol=2 * (n + 1) * EPS * float(np.abs(x).max()))


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling_1d_mask(keras, keepdims):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 6, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 0, 0]], dtype=bool)
    ref = np.asarray(keras.layers.GlobalAveragePooling1D(keepdims=keepdims)(x, mask=mask))
    tl = K.GlobalAveragePooling1D(keepdims=keepdims)
    y = tl(cf(x), mask=torch.from_numpy(mask))
    got = cl(y) if keepdims else y.numpy()
    np.testing.assert_allclose(got, ref, rtol=0, atol=2 * 7 * EPS * float(np.abs(x).max()))
    assert tl.compute_mask(cf(x), torch.from_numpy(mask)) is None


ADAPTIVE_ROWS = [
    (name, dict(output_size=size), shape)
    for kind in ("Average", "Max")
    for name, size, shape in [
        (f"Adaptive{kind}Pooling1D", 3, (2, 7, 3)),
        (f"Adaptive{kind}Pooling1D", 5, (2, 3, 2)),
        (f"Adaptive{kind}Pooling2D", (3, 4), (2, 7, 10, 2)),
        (f"Adaptive{kind}Pooling2D", 2, (2, 6, 5, 2)),
        (f"Adaptive{kind}Pooling3D", (2, 3, 2), (1, 5, 7, 4, 2)),
    ]
]


@pytest.mark.parametrize("row", ADAPTIVE_ROWS, ids=[_row_id(r) for r in ADAPTIVE_ROWS])
def test_adaptive_pooling_matches_keras(keras, row):
    name, kw, shape = row
    x = np.random.default_rng(6).standard_normal(shape).astype(np.float32)
    ref = np.asarray(getattr(keras.layers, name)(**kw)(x))
    got = cl(getattr(K, name)(**kw)(cf(x)))
    assert got.shape == ref.shape
    if "Max" in name:
        assert np.array_equal(got, ref)
    else:
        # windows of <= ceil(n / o) + 1 values per axis; TF averages axis by axis (a mean of
        # means), torch at once: each within 2 * (window + 1) * eps * max|x|, summed over axes
        window = math.prod(-(-n // o) + 1 for n, o in zip(shape[1:-1], np.atleast_1d(kw["output_size"])))
        np.testing.assert_allclose(
            got, ref, rtol=0, atol=2 * (len(shape) - 2) * (window + 1) * EPS * float(np.abs(x).max())
        )


# ====================================================================== spatial
SPATIAL_ROWS = [
    ("UpSampling1D", dict(size=3), (2, 4, 3)),
    ("UpSampling2D", dict(size=(2, 3)), (2, 3, 4, 2)),
    ("UpSampling2D", dict(size=2, interpolation="bilinear"), (2, 3, 4, 2)),
    ("UpSampling2D", dict(size=(3, 2), interpolation="bicubic"), (2, 4, 3, 2)),
    ("UpSampling2D", dict(size=(2, 3), interpolation="area"), (2, 3, 4, 2)),
    ("UpSampling2D", dict(size=3, interpolation="lanczos3"), (2, 4, 3, 2)),
    ("UpSampling2D", dict(size=(2, 1), interpolation="lanczos5"), (2, 6, 5, 2)),
    ("UpSampling3D", dict(size=(2, 1, 3)), (1, 2, 3, 2, 2)),
    ("ZeroPadding1D", dict(), (2, 4, 3)),
    ("ZeroPadding1D", dict(padding=(0, 2)), (2, 4, 3)),
    ("ZeroPadding2D", dict(padding=((1, 2), (0, 3))), (2, 3, 4, 2)),
    ("ZeroPadding2D", dict(padding=(2, 1)), (2, 3, 4, 2)),
    ("ZeroPadding2D", dict(padding=1), (2, 3, 4, 2)),
    ("ZeroPadding3D", dict(), (1, 2, 3, 2, 2)),
    ("ZeroPadding3D", dict(padding=((0, 1), (2, 0), (1, 3))), (1, 2, 3, 2, 2)),
    ("ZeroPadding3D", dict(padding=2), (1, 2, 3, 2, 2)),
    ("Cropping1D", dict(), (2, 5, 3)),
    ("Cropping1D", dict(cropping=(0, 3)), (2, 5, 3)),
    ("Cropping2D", dict(cropping=((1, 0), (2, 1))), (2, 5, 6, 2)),
    ("Cropping2D", dict(cropping=(1, 2)), (2, 5, 6, 2)),
    ("Cropping2D", dict(), (2, 5, 6, 2)),
    ("Cropping3D", dict(), (1, 4, 5, 3, 2)),
    ("Cropping3D", dict(cropping=((0, 2), (1, 1), (2, 0))), (1, 4, 5, 3, 2)),
    ("Cropping3D", dict(cropping=1), (1, 4, 5, 3, 2)),
]


def resize_tol(interpolation, antialias, in_hw, out_hw, x_max):
    """Each resized value is a weighted sum of T = taps_h * taps_w inputs with weights
    within a few eps of TF's (computed by the same float32 formulas): two orders differ by
    2 * (T + 4) * eps * A * max|x|, A = (sum|weights|) over both axes."""
    if interpolation == "nearest":
        return 0.0
    if interpolation == "bilinear" and not antialias:
        return 2 * (4 + 4) * EPS * x_max
    mats = []
    for n, o in zip(in_hw, out_hw):
        if interpolation == "area":
            m = A._area_matrix(n, o) / A._scale(n, o)
        elif interpolation == "bicubic" and not antialias:
            m = A._bicubic_matrix(n, o)
        else:
            m = A._scale_translate_matrix(interpolation, antialias, n, o)
        mats.append(m)
    taps = math.prod(int((m != 0).sum(1).max()) for m in mats)
    absum = math.prod(float(np.abs(m).sum(1).max()) for m in mats)
    return 2 * (taps + 4) * EPS * absum * x_max


@pytest.mark.parametrize("row", SPATIAL_ROWS, ids=[_row_id(r) for r in SPATIAL_ROWS])
def test_spatial_matches_keras(keras, row):
    name, kw, shape = row
    x = np.random.default_rng(8).standard_normal(shape).astype(np.float32)
    kl = getattr(keras.layers, name)(**kw)
    tl = getattr(K, name)(**kw)
    ref = np.asarray(kl(x))
    got = cl(tl(cf(x)))
    assert got.shape == ref.shape
    interpolation = kw.get("interpolation", "nearest")
    tol = resize_tol(interpolation, False, shape[1:3], ref.shape[1:3], float(np.abs(x).max()))
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol)
    assert K.count_params(tl) == keras_counts(kl) == (0, 0)


# ====================================================================== augmentation
def images(shape, seed=9):
    return (np.random.default_rng(seed).random(shape) * 255).astype(np.float32)


RESIZE_ROWS = [
    dict(height=h, width=w, interpolation=interp, antialias=aa)
    for interp in ("nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5")
    for aa in (False, True)
    for h, w in ((11, 13), (4, 3))
] + [
    dict(height=4, width=6, crop_to_aspect_ratio=True),
    dict(height=6, width=3, crop_to_aspect_ratio=True, interpolation="bicubic"),
    dict(height=4, width=8, pad_to_aspect_ratio=True, fill_value=3.0),
    dict(height=8, width=3, pad_to_aspect_ratio=True, interpolation="nearest"),
    dict(height=7, width=9),  # the same size: still resized by TF (identity)
]


@pytest.mark.parametrize("kw", RESIZE_ROWS, ids=[str(sorted(r.items())) for r in RESIZE_ROWS])
def test_resizing_matches_keras(keras, kw):
    x = images((2, 7, 9, 3))
    ref = np.asarray(keras.layers.Resizing(**kw)(x))
    tl = K.Resizing(**kw)
    got = cl(tl(cf(x)))
    assert got.shape == ref.shape
    in_hw = (7, 9)
    if kw.get("crop_to_aspect_ratio") or kw.get("pad_to_aspect_ratio"):
        in_hw = None
    interp, aa = kw.get("interpolation", "bilinear"), kw.get("antialias", False)
    if in_hw is None:  # the crop / pad comes first: bound with the worst of the two input sizes
        tol = max(
            resize_tol(interp, aa, hw, (kw["height"], kw["width"]), 255.0)
            for hw in ((7, 9), (7, 14), (18, 9), (7, 6), (5, 9))
        )
    else:
        tol = resize_tol(interp, aa, in_hw, (kw["height"], kw["width"]), 255.0)
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol)
    assert K.count_params(tl) == (0, 0)


@pytest.mark.parametrize("hw,size", [((7, 9), (4, 5)), ((7, 9), (7, 9)), ((7, 9), (9, 5)), ((6, 8), (7, 10))])
def test_center_crop_matches_keras(keras, hw, size):
    x = images((2,) + hw + (3,))
    ref = np.asarray(keras.layers.CenterCrop(*size)(x))
    got = cl(K.CenterCrop(*size)(cf(x)))
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=resize_tol("bilinear", False, hw, size, 255.0))


RANDOM_LAYERS = [
    ("RandomFlip", dict()),
    ("RandomFlip", dict(mode="vertical")),
    ("RandomRotation", dict(factor=0.2)),
    ("RandomZoom", dict(height_factor=(-0.3, 0.2))),
    ("RandomTranslation", dict(height_factor=0.2, width_factor=(-0.1, 0.3))),
    ("RandomContrast", dict(factor=0.5)),
    ("RandomBrightness", dict(factor=0.3)),
    ("RandomCrop", dict(height=4, width=5)),
]


@pytest.mark.parametrize("row", RANDOM_LAYERS, ids=[f"{n}-{sorted(k.items())}" for n, k in RANDOM_LAYERS])
def test_random_layers_are_keras_inference_in_eval_mode(keras, row):
    name, kw = row
    x = images((2, 7, 9, 3))
    ref = np.asarray(getattr(keras.layers, name)(**kw)(x, training=False))
    tl = getattr(K, name)(**kw, seed=1).eval()
    got = cl(tl(cf(x)))
    assert got.shape == ref.shape and np.array_equal(got, ref)
    assert K.count_params(tl) == (0, 0)


def _keras_matrix(kl, name, x, params):
    """Keras's affine matrix for the random parameters we drew (Keras's own code)."""
    import tensorflow as tf

    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    if name == "RandomRotation":
        zeros = tf.zeros([n])
        return kl._compute_affine_matrix(
            center_x=0.5,
            center_y=0.5,
            angle=tf.constant(params["angle"].numpy()),
            translate_x=zeros,
            translate_y=zeros,
            scale=tf.ones([n]),
            shear_x=zeros,
            shear_y=zeros,
            height=h,
            width=w,
        )
    if name == "RandomZoom":
        zooms = tf.concat([params["width_zoom"].numpy(), params["height_zoom"].numpy()], axis=1)
        return kl._get_zoom_matrix(zooms, h, w)
    return kl._get_translation_matrix(tf.constant(params["translations"].numpy()))


GEOMETRIC_ROWS = [
    ("RandomRotation", dict(factor=0.3)),
    ("RandomRotation", dict(factor=(-0.5, 0.1), fill_mode="wrap", interpolation="nearest")),
    ("RandomRotation", dict(factor=0.2, fill_mode="constant", fill_value=5.0)),
    ("RandomRotation", dict(factor=0.4, fill_mode="nearest")),
    ("RandomRotation", dict(factor=0.5, fill_mode="reflect", interpolation="nearest")),
    ("RandomZoom", dict(height_factor=(-0.4, 0.5))),
    ("RandomZoom", dict(height_factor=0.3, width_factor=(0.2, 0.6), fill_mode="wrap")),
    ("RandomZoom", dict(height_factor=0.5, fill_mode="constant", interpolation="nearest")),
    ("RandomTranslation", dict(height_factor=0.3, width_factor=0.4)),
    (
        "RandomTranslation",
        dict(height_factor=(-0.5, 0.5), width_factor=0.2, fill_mode="nearest", interpolation="nearest"),
    ),
    ("RandomTranslation", dict(height_factor=0.6, width_factor=0.6, fill_mode="constant", fill_value=-1.0)),
    ("RandomTranslation", dict(height_factor=0.9, width_factor=0.9, fill_mode="wrap")),
    # far outside the image: more than one period of "wrap" / "reflect"
    ("RandomTranslation", dict(height_factor=(0.7, 1.0), width_factor=(0.7, 1.0), fill_mode="wrap")),
    ("RandomTranslation", dict(height_factor=(-1.0, -0.7), width_factor=(-1.0, -0.7), fill_mode="reflect")),
    ("RandomZoom", dict(height_factor=(0.6, 1.0), fill_mode="wrap")),
    ("RandomZoom", dict(height_factor=(0.6, 1.0), fill_mode="reflect", interpolation="nearest")),
]


@pytest.mark.parametrize("row", GEOMETRIC_ROWS, ids=[f"{n}-{sorted(k.items())}" for n, k in GEOMETRIC_ROWS])
def test_geometric_transforms_match_keras_given_the_draws(keras, row):
    """Our affine matrix against Keras's for the same draws, then TF's projective
    transform (keras.ops.image.affine_transform) of our matrix against ours."""
    name, kw = row
    n, h, w = 4, 7, 9
    x = images((n, h, w, 3))
    tl = getattr(K, name)(**kw, seed=3)
    xt = cf(x)
    params = tl._draw(xt)
    matrix = tl._matrix(xt, params)
    kl = getattr(keras.layers, name)(**kw)
    # entries from float32 sin/cos (<= 2 ulp apart) and <= 3 float32 operations on values of
    # magnitude <= H + W: within 8 * eps * (H + W)
    np.testing.assert_allclose(
        matrix.numpy(), np.asarray(_keras_matrix(kl, name, x, params)), rtol=0, atol=8 * EPS * (h + w)
    )
    interpolation = kw.get("interpolation", "bilinear")
    fill_mode = kw.get("fill_mode", "reflect")
    fill_value = kw.get("fill_value", 0.0)
    ref = np.asarray(
        keras.ops.image.affine_transform(
            x, matrix.numpy(), interpolation, fill_mode, fill_value, "channels_last"
        )
    )
    got = cl(tl._transform(xt, params))
    # The same float32 matrix: source coordinates (|c| <= 2 * (H + W)) agree within a
    # possible FMA contraction, 4 eps * 2 (H + W).  Where the output jumps with the
    # coordinate (nearest: at half-integers; "wrap": at multiples of size - 1) pixels that close to a
    # jump are left out; elsewhere nearest is exact and bilinear moves by <= 2 * max|value|
    # per pixel of coordinate on each axis, plus 8 roundings.
    m = matrix.double().numpy()[:, :, None, None]
    ys, xs = np.mgrid[0:h, 0:w]
    noise = 4 * EPS * 2 * (h + w)
    safe = np.ones((n, h, w), dtype=bool)
    for c, size in ((m[:, 0] * xs + m[:, 1] * ys + m[:, 2], w), (m[:, 3] * xs + m[:, 4] * ys + m[:, 5], h)):
        if interpolation == "nearest":
            safe &= np.abs(c - np.floor(c) - 0.5) > 2 * noise
        if fill_mode == "wrap":
            period = size - 1
            safe &= np.abs(c - period * np.round(c / period)) > 2 * noise
    assert safe.mean() > 0.8
    v = max(float(np.abs(x).max()), abs(fill_value))
    tol = 0.0 if interpolation == "nearest" else 2 * 2 * v * noise + 8 * EPS * v
    np.testing.assert_allclose(got[safe], ref[safe], rtol=0, atol=tol)


INTENSITY_ROWS = [
    ("RandomFlip", dict()),
    ("RandomFlip", dict(mode="horizontal")),
    ("RandomFlip", dict(mode="vertical")),
    ("RandomContrast", dict(factor=0.6)),
    ("RandomContrast", dict(factor=(0.2, 0.9), value_range=(0, 1))),
    ("RandomBrightness", dict(factor=0.4)),
    ("RandomBrightness", dict(factor=(-0.6, 0.1), value_range=(0, 1))),
    ("RandomCrop", dict(height=4, width=5)),
    ("RandomCrop", dict(height=7, width=5)),  # not larger on both axes: Keras's aspect crop + resize
    ("RandomCrop", dict(height=9, width=12)),
]


@pytest.mark.parametrize("row", INTENSITY_ROWS, ids=[f"{n}-{sorted(k.items())}" for n, k in INTENSITY_ROWS])
def test_random_transforms_match_keras_given_the_draws(keras, row):
    """Keras's transform_images with the parameters we drew, against ours."""
    import tensorflow as tf

    name, kw = row
    x = images((4, 7, 9, 3))
    if kw.get("value_range") == (0, 1):
        x = x / np.float32(255)
    tl = getattr(K, name)(**kw, seed=3)
    xt = cf(x)
    params = tl._draw(xt)
    got = cl(tl._transform(xt, params))
    kl = getattr(keras.layers, name)(**kw)
    if name == "RandomCrop":
        t = params["start"]
    else:
        t = {k: tf.constant(v.numpy()) for k, v in params.items()}
        t["input_shape"] = x.shape
    ref = np.asarray(kl.transform_images(tf.constant(x), t, training=True))
    assert got.shape == ref.shape
    x_max = float(np.abs(x).max())
    if name == "RandomContrast":
        # means over 7 then 9 values, each within 2 * (n + 1) * eps * max|x|; the output
        # (x - m) * f + m moves by (f + 1) <= 3 times that, plus 4 roundings
        tol = 3 * (2 * 8 + 2 * 10) * EPS * x_max + 4 * EPS * 2 * x_max
    elif name == "RandomCrop" and kw["height"] != 4:
        tol = resize_tol("bilinear", False, (7, 9), (kw["height"], kw["width"]), x_max)
    else:
        tol = 0.0  # flips, crops and one float32 addition: the same operations
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol)


def test_random_layer_forward_uses_its_seeded_generator(keras):
    x = cf(images((4, 7, 9, 3)))
    a, b = K.RandomRotation(0.3, seed=5).train(), K.RandomRotation(0.3, seed=5).train()
    ya, yb = a(x), b(x)
    assert torch.equal(ya, yb) and not torch.equal(ya, x)
    c = K.RandomRotation(0.3, seed=5)
    expected = c._transform(x, c._draw(x))
    assert torch.equal(ya, expected)
    assert not torch.equal(K.RandomRotation(0.3, seed=6).train()(x), ya)
    torch.manual_seed(0)
    g1 = K.RandomBrightness(0.5).train()(x)
    torch.manual_seed(0)
    g2 = K.RandomBrightness(0.5).train()(x)
    assert torch.equal(g1, g2)


# ---------------------------------------------------------------------- distributions
N_DRAWS = 3000


def _keras_draws(keras, name, kw, x):
    kl = getattr(keras.layers, name)(**kw, seed=1)
    t = kl.get_random_transformation(x, training=True)
    return {k: np.asarray(v) for k, v in t.items() if k != "input_shape"}


DIST_ROWS = [
    ("RandomRotation", dict(factor=0.2), ["angle"]),
    ("RandomRotation", dict(factor=(-0.1, 0.4)), ["angle"]),
    ("RandomZoom", dict(height_factor=(-0.3, 0.2)), ["height_zoom", "width_zoom"]),
    ("RandomZoom", dict(height_factor=0.2, width_factor=(0.1, 0.5)), ["height_zoom", "width_zoom"]),
    ("RandomTranslation", dict(height_factor=0.2, width_factor=(-0.1, 0.3)), ["translations"]),
    ("RandomContrast", dict(factor=0.5), ["contrast_factor"]),
    ("RandomContrast", dict(factor=(0.2, 0.7)), ["contrast_factor"]),
    ("RandomBrightness", dict(factor=0.3), ["rgb_delta"]),
    ("RandomBrightness", dict(factor=(-0.5, 0.2), value_range=(-1, 1)), ["rgb_delta"]),
]


@pytest.mark.parametrize("row", DIST_ROWS, ids=[f"{n}-{sorted(k.items())}" for n, k, _ in DIST_ROWS])
def test_random_distributions_match_keras(keras, row):
    """Keras's draws and ours, N_DRAWS each: two-sample KS at alpha = 1e-6 per column
    (both generators are seeded, so the outcome is fixed), the same support (the
    extremes of N uniform draws lie within (hi - lo) * 20 / N of the ends with
    probability 1 - e**-20), and RandomZoom's shared zoom without a width_factor."""
    name, kw, keys = row
    x = images((N_DRAWS, 5, 6, 1), seed=0)
    ref = _keras_draws(keras, name, kw, x)
    tl = getattr(K, name)(**kw, seed=2)
    got = {k: v.numpy() for k, v in tl._draw(cf(x)).items()}
    for key in keys:
        r, g = ref[key].reshape(N_DRAWS, -1), got[key].reshape(N_DRAWS, -1)
        assert r.shape == g.shape
        for j in range(r.shape[1]):
            d = ks_statistic(r[:, j], g[:, j])
            assert d < ks_critical(N_DRAWS, N_DRAWS), (key, j, d)
            span = r[:, j].max() - r[:, j].min()
            slack = span * 20 / N_DRAWS
            assert abs(g[:, j].min() - r[:, j].min()) < slack and abs(g[:, j].max() - r[:, j].max()) < slack
    if name == "RandomZoom" and "width_factor" not in kw:
        assert np.array_equal(ref["height_zoom"], ref["width_zoom"])
        assert np.array_equal(got["height_zoom"], got["width_zoom"])


def test_random_flip_rate_matches_keras(keras):
    """Keras flips with probability 1/2 per image: the rate of N draws is within
    5 * sqrt(0.25 / N) of 1/2 (both samples)."""
    x = images((N_DRAWS, 2, 2, 1), seed=0)
    ref = _keras_draws(keras, "RandomFlip", {}, x)["flips"]
    got = K.RandomFlip(seed=4)._draw(cf(x))["flips"].numpy()
    bound = 5 * math.sqrt(0.25 / N_DRAWS)
    assert ref.shape == got.shape
    assert abs(ref.mean() - 0.5) < bound and abs(got.mean() - 0.5) < bound


def test_random_crop_offsets_match_keras(keras):
    """One offset pair per batch, uniform over 0..H-h and 0..W-w: the support equals
    Keras's and each of the k values has frequency within 5 * sqrt(p (1 - p) / N) of 1/k."""
    x = images((1, 7, 9, 1), seed=0)
    kl = keras.layers.RandomCrop(4, 5, seed=1)
    ref = {tuple(int(v) for v in kl.get_random_transformation(x, training=True)) for _ in range(200)}
    tl = K.RandomCrop(4, 5, seed=2)
    starts = np.array([tl._draw(cf(x))["start"] for _ in range(N_DRAWS)])
    assert {tuple(s) for s in starts} == ref == {(a, b) for a in range(4) for b in range(5)}
    for axis, k in ((0, 4), (1, 5)):
        freq = np.bincount(starts[:, axis], minlength=k) / N_DRAWS
        p = 1 / k
        assert np.all(np.abs(freq - p) < 5 * math.sqrt(p * (1 - p) / N_DRAWS))


# ====================================================================== what is refused
def test_refusals():
    with pytest.raises(NotImplementedError, match="lora_rank"):
        K.Conv2D(3, 4, 3, lora_rank=2)
    with pytest.raises(NotImplementedError, match="interpolation"):
        K.RandomRotation(0.1, interpolation="bicubic")
    with pytest.raises(NotImplementedError, match="fill_mode"):
        K.RandomZoom(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="gaussian"):
        K.Resizing(4, 4, interpolation="gaussian")
    with pytest.raises(NotImplementedError, match="mitchellcubic"):
        K.UpSampling2D(interpolation="mitchellcubic")
    with pytest.raises(ValueError, match="strides > 1"):
        K.Conv2D(3, 4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="causal"):
        K.Conv2D(3, 4, 3, padding="causal")


# ====================================================================== contract
MODULES = ("conv", "pooling", "spatial", "augmentation")


def _family_classes():
    import importlib

    for mod in MODULES:
        m = importlib.import_module(f"graphc_runtime.torch.layers.{mod}")
        for cls_name in m.__all__:
            yield getattr(K, cls_name)


def test_every_class_is_a_keras_layer_with_a_keyword_only_name():
    import inspect

    classes = list(_family_classes())
    assert len(classes) == 46
    for cls in classes:
        assert issubclass(cls, K.KerasLayer) and issubclass(cls, torch.nn.Module), cls
        param = inspect.signature(cls).parameters["name"]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is None, cls


def test_modules_pickle_and_keep_their_weights():
    import io

    layers = [
        K.Conv2D(3, 4, 3, padding="same", strides=2, name="c"),
        K.DepthwiseConv1D(2, 3, depth_multiplier=2),
        K.SeparableConv2D(3, 4, 3),
        K.Conv3DTranspose(2, 3, 2, strides=2, padding="same"),
        K.AveragePooling2D(3, strides=2, padding="same"),
        K.RandomRotation(0.2, seed=1),
    ]
    for layer in layers:
        buf = io.BytesIO()
        torch.save(layer, buf)
        buf.seek(0)
        again = torch.load(buf, weights_only=False)
        assert again.name == layer.name
        for a, b in zip(again.keras_arrays(), layer.keras_arrays()):
            assert np.array_equal(a, b)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    """Every kind of layer of the family on the GPU against itself on the CPU (TF32 off):
    the same float32 sums in other orders, well inside the conv tolerance above."""
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    x2, x1 = torch.rand(2, 3, 9, 8) * 255, torch.rand(2, 3, 11) * 4
    cases = [
        (K.Conv2D(3, 4, 3, strides=2, padding="same", activation="relu"), x2),
        (K.Conv1D(3, 4, 3, padding="causal", dilation_rate=2), x1),
        (K.Conv2DTranspose(3, 2, 3, strides=2, padding="same"), x2),
        (K.DepthwiseConv2D(3, 3, strides=2, dilation_rate=2, padding="same", depth_multiplier=2), x2),
        (K.SeparableConv1D(3, 4, 3, strides=2, padding="same"), x1),
        (K.AveragePooling2D(3, strides=2, padding="same"), x2),
        (K.MaxPooling1D(2, padding="same"), x1),
        (K.AdaptiveAveragePooling2D((4, 3)), x2),
        (K.UpSampling2D(2, interpolation="bicubic"), x2),
        (K.Resizing(5, 11, interpolation="lanczos3", antialias=True), x2),
        (K.Resizing(4, 4, crop_to_aspect_ratio=True), x2),
        (K.CenterCrop(10, 6), x2),
        (K.RandomRotation(0.3, seed=4, fill_mode="wrap").train(), x2),
        (K.RandomZoom(0.4, seed=4, interpolation="nearest").train(), x2),
        (K.RandomContrast(0.5, seed=4).train(), x2),
        (K.RandomCrop(4, 5, seed=4).train(), x2),
        (K.RandomFlip(seed=4).train(), x2),
    ]
    for layer, x in cases:
        import copy

        gpu = copy.deepcopy(layer).cuda()
        ref = layer(x)
        got = gpu(x.cuda()).cpu()
        assert got.shape == ref.shape and got.device.type == "cpu"
        np.testing.assert_allclose(
            got.detach().numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-4 * float(x.abs().max())
        )
