"""graphc_runtime.torch.layers core family (core.py, reshaping.py, merge.py,
normalization.py, preprocessing.py) against real Keras (TensorFlow backend).

Each row of ROWS builds a Keras layer and ours with the inferred sizes, puts
random values into Keras's weights, copies them with load_keras, runs both on
the same random input (layouts converted at the boundary) and compares: the
outputs, the weights after the call (moving statistics, spectral
normalization's in-place updates), keras_arrays() (the round trip),
count_params, and where the row has them regularizers and constraints.

Tolerance (float32, u = 2**-24 the unit roundoff): an output element that the
two frameworks compute with k roundings each differs by at most 2*k*u
relative to the magnitude of the values involved; a reduction over n terms
adds at most n*u times the sum of the magnitudes (the standard gamma_n bound
of recursive summation; pairwise or blocked orders are tighter).  Each row
states k (`ops`) and n (`reduce`); tol = 2 * (ops + reduce) * u * scale with
scale = max(1, max|output|) (normalizations: outputs are O(1) by
construction, inputs are O(1) too).  Transcendental functions (exp, tanh,
erf, rsqrt) are faithfully rounded in both libraries or within a few ulps:
each counts as 4 roundings.  No tolerance below was tuned: they follow from
the counts.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

pytestmark = pytest.mark.slow  # every test here builds torch (and most Keras) layers

U = 2.0**-24
torch = K = None  # imported by the `frameworks` fixture (collection stays free of torch)


@pytest.fixture(scope="module", autouse=True)
def frameworks():
    global torch, K
    torch = pytest.importorskip("torch")
    from graphc_runtime.torch import layers

    K = layers


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.fixture(scope="module")
def tf(keras):
    return pytest.importorskip("tensorflow")


# ------------------------------------------------------------------ layout helpers
def cf(a):
    """Keras channels-last -> torch channels-first."""
    return np.moveaxis(a, -1, 1)


def cl(a):
    """torch channels-first -> Keras channels-last."""
    return np.moveaxis(a, 1, -1)


def normal(*shape, scale=1.0):
    return lambda rng: [(rng.standard_normal(shape) * scale).astype(np.float32)]


def ints(lo, hi, *shape, dtype=np.int64):
    return lambda rng: [rng.integers(lo, hi, size=shape).astype(dtype)]


@dataclass
class Row:
    id: str
    keras: Callable  # keras -> a Keras layer
    torch: Callable  # graphc_runtime.torch.layers -> our layer
    inputs: Callable  # rng -> list of numpy arrays (Keras's layout)
    to_torch: Callable = None  # one Keras-layout array -> the numpy array ours takes
    out: Callable = None  # our output (numpy) -> Keras's layout
    training: bool = False
    ops: int = 2  # roundings per output element (see the module docstring)
    reduce: int = 0  # length of the reductions behind each output element
    call_keras: Callable = None  # (layer, tensors) -> output
    call_torch: Callable = None  # (layer, tensors) -> output
    regularized: bool = False
    constraint: tuple = ()  # (our attribute path, Keras's constraint spec, Keras weight index)
    positive: tuple = ()  # Keras weight names drawn positive (variances)
    exact: bool = False  # outputs must be bit-identical (integers, copies)
    randomize: bool = True  # random values into Keras's weights (False: Keras's own, e.g. adapted)
    half: bool = False  # float16 output: the float32 results may round to adjacent float16 values
    extra: dict = field(default_factory=dict)


def _keras_call(row, layer, xs, training=False):
    if row.call_keras:
        return row.call_keras(layer, xs)
    arg = xs[0] if len(xs) == 1 else list(xs)
    return layer(arg, training=True) if training else layer(arg)


def _torch_call(row, layer, xs):
    if row.call_torch:
        return row.call_torch(layer, xs)
    return layer(xs[0] if len(xs) == 1 else list(xs))


def _np(t):
    return np.asarray(t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t)


def _randomize(layer, rng, positive=()):
    arrays = []
    for w, a in zip(layer.weights, layer.get_weights()):
        if any(p in w.name for p in positive):
            arrays.append(rng.uniform(0.5, 2.0, a.shape).astype(a.dtype))
        elif np.issubdtype(a.dtype, np.integer):
            arrays.append(a)
        else:
            arrays.append(rng.standard_normal(a.shape).astype(a.dtype))
    layer.set_weights(arrays)


def _tol(row, ref):
    scale = (
        max(1.0, float(np.max(np.abs(ref)))) if ref.size and np.issubdtype(ref.dtype, np.floating) else 1.0
    )
    return 2 * (row.ops + row.reduce) * U * scale


def _check(row, keras, seed=0):
    rng = np.random.default_rng(seed)
    xs = row.inputs(rng)
    klayer = row.keras(keras)
    _keras_call(row, klayer, xs)  # build
    if klayer.weights and row.randomize:
        _randomize(klayer, rng, row.positive)
    ours = row.torch(K)
    ours.load_keras(klayer.get_weights())
    # the round trip before the call
    for a, b in zip(klayer.get_weights(), ours.keras_arrays()):
        np.testing.assert_array_equal(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    assert len(ours.keras_arrays()) == len(klayer.get_weights())
    # count_params as Keras counts them
    trainable = sum(int(np.prod(w.shape)) for w in klayer.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in klayer.non_trainable_weights)
    assert K.count_params(ours) == (trainable, non_trainable)

    kout = _keras_call(row, klayer, xs, training=row.training)
    to_torch = row.to_torch or (lambda a: a)
    ours.train(row.training)
    tout = _torch_call(row, ours, [torch.tensor(np.asarray(to_torch(x))) for x in xs])
    kouts = kout if isinstance(kout, (list, tuple)) else [kout]
    touts = tout if isinstance(tout, (list, tuple)) else [tout]
    assert len(kouts) == len(touts)
    for k_o, t_o in zip(kouts, touts):
        ref = _np(k_o)
        got = _np(t_o)
        if row.out:
            got = row.out(got)
        assert got.shape == ref.shape, (got.shape, ref.shape)
        assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
        if row.exact or not np.issubdtype(ref.dtype, np.floating):
            np.testing.assert_array_equal(got, ref)
        else:
            np.testing.assert_allclose(got, ref, rtol=0, atol=_tol(row, ref))
    # the weights after the call (moving statistics, in-place updates)
    for a, b in zip(klayer.get_weights(), ours.keras_arrays()):
        a = np.asarray(a, dtype=np.float64)
        np.testing.assert_allclose(b, a, rtol=0, atol=_tol(row, a) if a.size else 0)
    if row.regularized:
        kloss = float(sum(float(_np(v)) for v in klayer.losses))
        tloss = ours.regularization_loss()
        # a sum of squares/abs over the weights: n roundings over sum|terms| (= kloss, all terms >= 0)
        n = sum(int(np.prod(w.shape)) for w in klayer.weights)
        assert abs(float(tloss.detach()) - kloss) <= 2 * (n + 2) * U * max(kloss, 1.0)
    for path, spec, index in row.constraint:
        constraint = keras.constraints.get(spec)
        expect = _np(constraint(klayer.weights[index]))
        ours.apply_constraints()
        got = _np(ours._attr(path))
        # norms over at most a few dozen terms, one division and one product: 8 + n roundings
        n = int(np.prod(expect.shape))
        np.testing.assert_allclose(got, expect, rtol=0, atol=2 * (8 + n) * U * max(1.0, np.abs(expect).max()))
    return klayer, ours


# ------------------------------------------------------------------ rows
def _mask_call(masks_np):
    """(keras call, torch call) passing Keras masks (bool (N, T) per input, None allowed)."""

    def call_keras(layer, xs, training=False):
        import tensorflow as tf
        from keras.src import backend

        tensors = [tf.identity(x) for x in xs]  # differentiable, and a tensor to carry the mask
        for t, m in zip(tensors, masks_np):
            if m is not None:
                backend.set_keras_mask(t, tf.constant(m))
        return layer(tensors)

    def call_torch(layer, xs):
        masks = [None if m is None else torch.from_numpy(m) for m in masks_np]
        return layer(xs, mask=masks)

    return call_keras, call_torch


MASK_A = np.array([[True, False, True], [False, False, True]])
MASK_B = np.array([[True, True, False], [False, True, True]])

ROWS = [
    # activations ----------------------------------------------------------
    Row(
        "Activation-relu",
        lambda k: k.layers.Activation("relu"),
        lambda K: K.Activation("relu"),
        normal(2, 5, 7),
    ),
    Row("Activation-None", lambda k: k.layers.Activation(None), lambda K: K.Activation(None), normal(2, 5)),
    Row(
        "Activation-tanh",
        lambda k: k.layers.Activation("tanh"),
        lambda K: K.Activation("tanh"),
        normal(2, 5),
        ops=4,
    ),
    # softmax: exp (4) + a sum over 7 + a division
    Row(
        "Activation-softmax",
        lambda k: k.layers.Activation("softmax"),
        lambda K: K.Activation("softmax"),
        normal(2, 5, 7),
        ops=6,
        reduce=7,
    ),
    Row(
        "Activation-softmax-channels-first",
        lambda k: k.layers.Activation("softmax"),
        lambda K: K.Activation("softmax", dim=1),
        normal(2, 4, 3, 7),
        to_torch=cf,
        out=cl,
        ops=6,
        reduce=7,
    ),
    Row("ReLU", lambda k: k.layers.ReLU(), lambda K: K.ReLU(), normal(2, 9)),
    Row(
        "ReLU-max6",
        lambda k: k.layers.ReLU(max_value=6),
        lambda K: K.ReLU(max_value=6),
        normal(2, 9, scale=5),
    ),
    Row(
        "ReLU-max2.5",
        lambda k: k.layers.ReLU(max_value=2.5),
        lambda K: K.ReLU(max_value=2.5),
        normal(2, 9, scale=3),
    ),
    Row(
        "ReLU-slope",
        lambda k: k.layers.ReLU(negative_slope=0.1),
        lambda K: K.ReLU(negative_slope=0.1),
        normal(2, 9),
    ),
    Row(
        "ReLU-slope-max",
        lambda k: k.layers.ReLU(max_value=4.0, negative_slope=0.1),
        lambda K: K.ReLU(max_value=4.0, negative_slope=0.1),
        normal(2, 9, scale=5),
    ),
    Row(
        "ReLU-threshold",
        lambda k: k.layers.ReLU(threshold=0.5),
        lambda K: K.ReLU(threshold=0.5),
        normal(2, 9),
    ),
    Row(
        "ReLU-threshold-slope-max",
        lambda k: k.layers.ReLU(max_value=6, negative_slope=0.2, threshold=0.5),
        lambda K: K.ReLU(max_value=6, negative_slope=0.2, threshold=0.5),
        normal(2, 9, scale=5),
    ),
    Row("LeakyReLU", lambda k: k.layers.LeakyReLU(), lambda K: K.LeakyReLU(), normal(2, 9)),
    Row(
        "LeakyReLU-0.01",
        lambda k: k.layers.LeakyReLU(negative_slope=0.01),
        lambda K: K.LeakyReLU(0.01),
        normal(2, 9),
    ),
    Row("PReLU", lambda k: k.layers.PReLU(), lambda K: K.PReLU((3, 4)), normal(2, 3, 4)),
    Row(
        "PReLU-shared-1",
        lambda k: k.layers.PReLU(shared_axes=[1]),
        lambda K: K.PReLU((3, 4), shared_axes=[1]),
        normal(2, 3, 4),
    ),
    Row(
        "PReLU-shared-12-regularized-constrained",
        lambda k: k.layers.PReLU(shared_axes=[1, 2], alpha_regularizer="l2", alpha_constraint="non_neg"),
        lambda K: K.PReLU((5, 4, 3), shared_axes=[1, 2], alpha_regularizer="l2", alpha_constraint="non_neg"),
        normal(2, 5, 4, 3),
        regularized=True,
        constraint=(("weight", "non_neg", 0),),
    ),
    Row(
        "PReLU-maxnorm",
        lambda k: k.layers.PReLU(alpha_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.5}}),
        lambda K: K.PReLU((4, 3), alpha_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.5}}),
        normal(2, 4, 3),
        constraint=(("weight", {"class_name": "MaxNorm", "config": {"max_value": 0.5}}, 0),),
    ),
    Row("ELU", lambda k: k.layers.ELU(), lambda K: K.ELU(), normal(2, 9), ops=4),
    Row("ELU-0.5", lambda k: k.layers.ELU(alpha=0.5), lambda K: K.ELU(0.5), normal(2, 9), ops=5),
    Row("ELU-2", lambda k: k.layers.ELU(alpha=2.0), lambda K: K.ELU(2.0), normal(2, 9), ops=5),
    Row("Softmax", lambda k: k.layers.Softmax(), lambda K: K.Softmax(), normal(2, 5, 7), ops=6, reduce=7),
    Row(
        "Softmax-axis1",
        lambda k: k.layers.Softmax(axis=1),
        lambda K: K.Softmax(1),
        normal(2, 5, 7),
        ops=6,
        reduce=5,
    ),
    Row(
        "Softmax-axis1-channels-first",
        lambda k: k.layers.Softmax(axis=-1),
        lambda K: K.Softmax(1),
        normal(2, 3, 4, 6),
        to_torch=cf,
        out=cl,
        ops=6,
        reduce=6,
    ),
    # logsumexp over 35 terms: exp, log, a sum of 35, a subtraction, exp
    Row(
        "Softmax-axes-12",
        lambda k: k.layers.Softmax(axis=[1, 2]),
        lambda K: K.Softmax([1, 2]),
        normal(2, 5, 7),
        ops=14,
        reduce=35,
    ),
    Row(
        "Softmax-mask",
        lambda k: k.layers.Softmax(),
        lambda K: K.Softmax(),
        normal(2, 5, 7),
        ops=6,
        reduce=7,
        call_keras=lambda layer, xs: layer(xs[0], mask=np.arange(35).reshape(5, 7) % 3 != 0),
        call_torch=lambda layer, xs: layer(
            xs[0], mask=torch.from_numpy(np.arange(35).reshape(5, 7) % 3 != 0)
        ),
    ),
    Row(
        "Softmax-float-mask",
        lambda k: k.layers.Softmax(),
        lambda K: K.Softmax(),
        normal(2, 5, 7),
        ops=6,
        reduce=7,
        call_keras=lambda layer, xs: layer(xs[0], mask=(np.arange(7) % 2).astype(np.float32)),
        call_torch=lambda layer, xs: layer(
            xs[0], mask=torch.from_numpy((np.arange(7) % 2).astype(np.float32))
        ),
    ),
    Row("Identity", lambda k: k.layers.Identity(), lambda K: K.Identity(), normal(2, 3, 4), exact=True),
    # dropout and noise in inference: the identity
    Row(
        "Dropout-inference",
        lambda k: k.layers.Dropout(0.5),
        lambda K: K.Dropout(0.5),
        normal(3, 4),
        exact=True,
    ),
    Row(
        "SpatialDropout2D-inference",
        lambda k: k.layers.SpatialDropout2D(0.5),
        lambda K: K.SpatialDropout2D(0.5),
        normal(2, 3, 4, 5),
        to_torch=cf,
        out=cl,
        exact=True,
    ),
    Row(
        "GaussianNoise-inference",
        lambda k: k.layers.GaussianNoise(0.3),
        lambda K: K.GaussianNoise(0.3),
        normal(3, 4),
        exact=True,
    ),
    Row(
        "GaussianDropout-inference",
        lambda k: k.layers.GaussianDropout(0.3),
        lambda K: K.GaussianDropout(0.3),
        normal(3, 4),
        exact=True,
    ),
    Row(
        "AlphaDropout-inference",
        lambda k: k.layers.AlphaDropout(0.3),
        lambda K: K.AlphaDropout(0.3),
        normal(3, 4),
        exact=True,
    ),
    Row(
        "Dropout-rate0-training",
        lambda k: k.layers.Dropout(0.0),
        lambda K: K.Dropout(0.0),
        normal(3, 4),
        training=True,
        exact=True,
    ),
    Row(
        "Dropout-rate1-training",
        lambda k: k.layers.Dropout(1.0),
        lambda K: K.Dropout(1.0),
        normal(3, 4),
        training=True,
        exact=True,
    ),
    # Embedding, Masking --------------------------------------------------
    Row(
        "Embedding",
        lambda k: k.layers.Embedding(11, 4),
        lambda K: K.Embedding(11, 4),
        ints(0, 11, 3, 5, dtype=np.int32),
        exact=True,
    ),
    Row(
        "Embedding-float-ids-3d",
        lambda k: k.layers.Embedding(7, 3),
        lambda K: K.Embedding(7, 3),
        lambda rng: [rng.uniform(0, 6.99, size=(2, 3, 4)).astype(np.float32)],
        exact=True,
    ),
    Row(
        "Embedding-regularized-constrained",
        lambda k: k.layers.Embedding(
            6, 5, embeddings_regularizer="l1", embeddings_constraint={"class_name": "UnitNorm", "config": {}}
        ),
        lambda K: K.Embedding(
            6, 5, embeddings_regularizer="l1", embeddings_constraint={"class_name": "UnitNorm", "config": {}}
        ),
        ints(0, 6, 2, 3),
        exact=True,
        regularized=True,
        constraint=(("weight", {"class_name": "UnitNorm", "config": {}}, 0),),
    ),
    Row(
        "Masking",
        lambda k: k.layers.Masking(),
        lambda K: K.Masking(),
        lambda rng: [
            np.where(rng.random((3, 5, 1)) < 0.4, 0.0, rng.standard_normal((3, 5, 4))).astype(np.float32)
        ],
        exact=True,
    ),
    Row(
        "Masking-value",
        lambda k: k.layers.Masking(mask_value=1.5),
        lambda K: K.Masking(1.5),
        lambda rng: [
            np.where(
                rng.random((3, 5, 1)) < 0.4,
                np.where(rng.random((3, 5, 4)) < 0.8, 1.5, 0.0),
                rng.standard_normal((3, 5, 4)),
            ).astype(np.float32)
        ],
        exact=True,
    ),
    # reshaping ------------------------------------------------------------
    Row("Flatten", lambda k: k.layers.Flatten(), lambda K: K.Flatten(), normal(2, 3, 4, 5), exact=True),
    Row(
        "Flatten-channels-first",
        lambda k: k.layers.Flatten(data_format="channels_first"),
        lambda K: K.Flatten(data_format="channels_first"),
        normal(2, 3, 4, 5),
        exact=True,
    ),
    # Keras's default Flatten of a channels-last tensor == ours with channels_first on the torch layout
    Row(
        "Flatten-of-torch-layout",
        lambda k: k.layers.Flatten(),
        lambda K: K.Flatten(data_format="channels_first"),
        normal(2, 3, 4, 5),
        to_torch=cf,
        exact=True,
    ),
    Row("Flatten-1d", lambda k: k.layers.Flatten(), lambda K: K.Flatten(), normal(4), exact=True),
    Row("Flatten-2d", lambda k: k.layers.Flatten(), lambda K: K.Flatten(), normal(4, 3), exact=True),
    Row(
        "Reshape",
        lambda k: k.layers.Reshape((6, 10)),
        lambda K: K.Reshape((6, 10)),
        normal(2, 3, 4, 5),
        exact=True,
    ),
    Row(
        "Reshape-minus1",
        lambda k: k.layers.Reshape((-1, 5)),
        lambda K: K.Reshape((-1, 5)),
        normal(2, 3, 4, 5),
        exact=True,
    ),
    Row(
        "Permute-21",
        lambda k: k.layers.Permute((2, 1)),
        lambda K: K.Permute((2, 1)),
        normal(2, 3, 4),
        exact=True,
    ),
    Row(
        "Permute-312",
        lambda k: k.layers.Permute((3, 1, 2)),
        lambda K: K.Permute((3, 1, 2)),
        normal(2, 3, 4, 5),
        exact=True,
    ),
    Row(
        "RepeatVector",
        lambda k: k.layers.RepeatVector(3),
        lambda K: K.RepeatVector(3),
        normal(2, 5),
        exact=True,
    ),
    # merges ---------------------------------------------------------------
    Row(
        "Add-3",
        lambda k: k.layers.Add(),
        lambda K: K.Add(),
        lambda rng: [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(3)],
        exact=True,
    ),
    Row(
        "Add-ranks",
        lambda k: k.layers.Add(),
        lambda K: K.Add(),
        lambda rng: [rng.standard_normal(s).astype(np.float32) for s in ((2, 4), (2, 3, 4))],
        exact=True,
    ),
    Row(
        "Subtract",
        lambda k: k.layers.Subtract(),
        lambda K: K.Subtract(),
        lambda rng: [rng.standard_normal((2, 5)).astype(np.float32) for _ in range(2)],
        exact=True,
    ),
    Row(
        "Multiply",
        lambda k: k.layers.Multiply(),
        lambda K: K.Multiply(),
        lambda rng: [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(3)],
        exact=True,
    ),
    Row(
        "Average",
        lambda k: k.layers.Average(),
        lambda K: K.Average(),
        lambda rng: [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(3)],
        exact=True,
    ),
    Row(
        "Maximum",
        lambda k: k.layers.Maximum(),
        lambda K: K.Maximum(),
        lambda rng: [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(3)],
        exact=True,
    ),
    Row(
        "Minimum",
        lambda k: k.layers.Minimum(),
        lambda K: K.Minimum(),
        lambda rng: [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(2)],
        exact=True,
    ),
    *[
        Row(
            f"{name}-masks-{tag}",
            lambda k, name=name: getattr(k.layers, name)(),
            lambda K, name=name: getattr(K, name)(),
            lambda rng: [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(2)],
            exact=True,
            call_keras=_mask_call(masks)[0],
            call_torch=_mask_call(masks)[1],
        )
        for name in ("Maximum", "Minimum", "Multiply", "Add")
        for tag, masks in (("both", (MASK_A, MASK_B)), ("first", (MASK_A, None)), ("second", (None, MASK_B)))
    ],
    Row(
        "Concatenate",
        lambda k: k.layers.Concatenate(),
        lambda K: K.Concatenate(),
        lambda rng: [rng.standard_normal((2, 3, s)).astype(np.float32) for s in (4, 2)],
        exact=True,
    ),
    Row(
        "Concatenate-axis1",
        lambda k: k.layers.Concatenate(axis=1),
        lambda K: K.Concatenate(1),
        lambda rng: [rng.standard_normal((2, s, 4)).astype(np.float32) for s in (3, 1, 2)],
        exact=True,
    ),
    Row(
        "Concatenate-channels-first",
        lambda k: k.layers.Concatenate(axis=-1),
        lambda K: K.Concatenate(1),
        lambda rng: [rng.standard_normal((2, 3, 3, s)).astype(np.float32) for s in (4, 2)],
        to_torch=cf,
        out=cl,
        exact=True,
    ),
    # Dot: a dot product of length d: d roundings (reduce) + the products
    Row(
        "Dot-2d",
        lambda k: k.layers.Dot(axes=1),
        lambda K: K.Dot(1),
        lambda rng: [rng.standard_normal((3, 5)).astype(np.float32) for _ in range(2)],
        reduce=5,
    ),
    Row(
        "Dot-3d-axes2",
        lambda k: k.layers.Dot(axes=2),
        lambda K: K.Dot(2),
        lambda rng: [rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 5), (2, 4, 5))],
        reduce=5,
    ),
    Row(
        "Dot-3d-axes11",
        lambda k: k.layers.Dot(axes=(1, 1)),
        lambda K: K.Dot((1, 1)),
        lambda rng: [rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 5), (2, 3, 4))],
        reduce=3,
    ),
    Row(
        "Dot-2d-3d",
        lambda k: k.layers.Dot(axes=(1, 2)),
        lambda K: K.Dot((1, 2)),
        lambda rng: [rng.standard_normal(s).astype(np.float32) for s in ((2, 5), (2, 3, 5))],
        reduce=5,
    ),
    Row(
        "Dot-3d-2d",
        lambda k: k.layers.Dot(axes=(2, 1)),
        lambda K: K.Dot((2, 1)),
        lambda rng: [rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 5), (2, 5))],
        reduce=5,
    ),
    Row(
        "Dot-4d-3d-negative",
        lambda k: k.layers.Dot(axes=(-1, 1)),
        lambda K: K.Dot((-1, 1)),
        lambda rng: [rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 4, 5), (2, 5, 6))],
        reduce=5,
    ),
    # normalize: a sum of 5 squares, rsqrt (4), a product, then the dot product
    Row(
        "Dot-normalize",
        lambda k: k.layers.Dot(axes=-1, normalize=True),
        lambda K: K.Dot(-1, normalize=True),
        lambda rng: [rng.standard_normal((2, 3, 5)).astype(np.float32) for _ in range(2)],
        ops=8,
        reduce=10,
    ),
    # normalization --------------------------------------------------------
    # inference: rsqrt (4), 4 products/sums; training adds a mean and a variance over n
    Row(
        "BatchNormalization",
        lambda k: k.layers.BatchNormalization(),
        lambda K: K.BatchNormalization(6),
        normal(4, 6),
        positive=("variance",),
        ops=8,
    ),
    Row(
        "BatchNormalization-training",
        lambda k: k.layers.BatchNormalization(),
        lambda K: K.BatchNormalization(6),
        normal(4, 6),
        positive=("variance",),
        training=True,
        ops=8,
        reduce=8,
    ),
    Row(
        "BatchNormalization-3d-axis1-training",
        lambda k: k.layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5),
        lambda K: K.BatchNormalization(5, dim=1, momentum=0.9, epsilon=1e-5),
        normal(4, 5, 6),
        positive=("variance",),
        training=True,
        ops=8,
        reduce=48,
    ),
    Row(
        "BatchNormalization-channels-first-training",
        lambda k: k.layers.BatchNormalization(),
        lambda K: K.BatchNormalization(6, dim=1),
        normal(2, 3, 3, 6),
        to_torch=cf,
        out=cl,
        positive=("variance",),
        training=True,
        ops=8,
        reduce=36,
    ),
    # one value per channel: torch's fused kernel refuses it, Keras's variance is 0
    Row(
        "BatchNormalization-one-value-per-channel-training",
        lambda k: k.layers.BatchNormalization(),
        lambda K: K.BatchNormalization(4),
        normal(1, 4),
        positive=("variance",),
        training=True,
        ops=8,
        reduce=1,
    ),
    Row(
        "BatchNormalization-no-center-no-scale-training",
        lambda k: k.layers.BatchNormalization(center=False, scale=False),
        lambda K: K.BatchNormalization(3, center=False, scale=False),
        normal(5, 3),
        positive=("variance",),
        training=True,
        ops=8,
        reduce=10,
    ),
    Row(
        "BatchNormalization-scale-only",
        lambda k: k.layers.BatchNormalization(center=False),
        lambda K: K.BatchNormalization(3, center=False),
        normal(5, 3),
        positive=("variance",),
        ops=8,
    ),
    Row(
        "BatchNormalization-frozen-training",
        lambda k: _frozen(k.layers.BatchNormalization()),
        lambda K: K.BatchNormalization(4, trainable=False),
        normal(5, 4),
        positive=("variance",),
        training=True,
        ops=8,
    ),
    Row(
        "BatchNormalization-mask-training",
        lambda k: k.layers.BatchNormalization(),
        lambda K: K.BatchNormalization(4),
        normal(3, 5, 4),
        positive=("variance",),
        training=True,
        ops=10,
        reduce=30,
        call_keras=lambda layer, xs: layer(xs[0], mask=np.arange(15).reshape(3, 5) % 4 != 1, training=True),
        call_torch=lambda layer, xs: layer(
            xs[0], mask=torch.from_numpy(np.arange(15).reshape(3, 5) % 4 != 1)
        ),
    ),
    Row(
        "BatchNormalization-mixed-float16-training",
        lambda k: k.layers.BatchNormalization(dtype="mixed_float16"),
        lambda K: K.BatchNormalization(5),
        lambda rng: [rng.standard_normal((6, 5)).astype(np.float16)],
        positive=("variance",),
        training=True,
        ops=8,
        reduce=12,
        half=True,
    ),
    Row(
        "BatchNormalization-regularized-constrained",
        lambda k: k.layers.BatchNormalization(
            gamma_regularizer="l2",
            beta_regularizer={"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}},
            gamma_constraint={"class_name": "MaxNorm", "config": {"max_value": 1.0}},
        ),
        lambda K: K.BatchNormalization(
            5,
            gamma_regularizer="l2",
            beta_regularizer={"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}},
            gamma_constraint={"class_name": "MaxNorm", "config": {"max_value": 1.0}},
        ),
        normal(3, 5),
        positive=("variance",),
        ops=8,
        regularized=True,
        constraint=(("weight", {"class_name": "MaxNorm", "config": {"max_value": 1.0}}, 0),),
    ),
    # LayerNorm: mean and variance over n, rsqrt (4), 4 products/sums
    Row(
        "LayerNormalization",
        lambda k: k.layers.LayerNormalization(),
        lambda K: K.LayerNormalization(6),
        normal(3, 4, 6),
        ops=8,
        reduce=12,
    ),
    Row(
        "LayerNormalization-axes12",
        lambda k: k.layers.LayerNormalization(axis=[1, 2]),
        lambda K: K.LayerNormalization((4, 6), [1, 2]),
        normal(3, 4, 6),
        ops=8,
        reduce=48,
    ),
    Row(
        "LayerNormalization-channels-first-axes123",
        lambda k: k.layers.LayerNormalization(axis=[3, 1, 2]),
        lambda K: K.LayerNormalization((4, 5, 3), [2, 3, 1]),
        normal(2, 4, 5, 3),
        to_torch=cf,
        out=cl,
        ops=8,
        reduce=120,
    ),
    Row(
        "LayerNormalization-center-only",
        lambda k: k.layers.LayerNormalization(scale=False, epsilon=1e-5),
        lambda K: K.LayerNormalization(6, scale=False, epsilon=1e-5),
        normal(3, 6),
        ops=8,
        reduce=12,
    ),
    Row(
        "LayerNormalization-no-affine",
        lambda k: k.layers.LayerNormalization(scale=False, center=False),
        lambda K: K.LayerNormalization(6, scale=False, center=False),
        normal(3, 6),
        ops=8,
        reduce=12,
    ),
    Row(
        "LayerNormalization-rms-scaling",
        lambda k: k.layers.LayerNormalization(rms_scaling=True),
        lambda K: K.LayerNormalization(6, rms_scaling=True),
        normal(3, 6),
        ops=8,
        reduce=12,
    ),
    Row(
        "LayerNormalization-regularized-constrained",
        lambda k: k.layers.LayerNormalization(
            gamma_regularizer="l1", beta_regularizer="l2", beta_constraint="non_neg"
        ),
        lambda K: K.LayerNormalization(
            6, gamma_regularizer="l1", beta_regularizer="l2", beta_constraint="non_neg"
        ),
        normal(3, 6),
        ops=8,
        reduce=12,
        regularized=True,
        constraint=(("bias", "non_neg", 1),),
    ),
    Row(
        "GroupNormalization",
        lambda k: k.layers.GroupNormalization(groups=2),
        lambda K: K.GroupNormalization(6, groups=2),
        normal(2, 5, 6),
        ops=8,
        reduce=30,
    ),
    Row(
        "GroupNormalization-instance",
        lambda k: k.layers.GroupNormalization(groups=-1),
        lambda K: K.GroupNormalization(4, groups=-1),
        normal(2, 5, 4),
        ops=8,
        reduce=10,
    ),
    Row(
        "GroupNormalization-channels-first",
        lambda k: k.layers.GroupNormalization(groups=3),
        lambda K: K.GroupNormalization(6, groups=3, dim=1),
        normal(2, 3, 4, 6),
        to_torch=cf,
        out=cl,
        ops=8,
        reduce=48,
    ),
    Row(
        "GroupNormalization-axis1-no-affine",
        lambda k: k.layers.GroupNormalization(groups=2, axis=1, center=False, scale=False),
        lambda K: K.GroupNormalization(4, groups=2, dim=1, center=False, scale=False),
        normal(2, 4, 5),
        ops=8,
        reduce=20,
    ),
    Row(
        "RMSNormalization",
        lambda k: k.layers.RMSNormalization(),
        lambda K: K.RMSNormalization(6),
        normal(3, 4, 6),
        ops=8,
        reduce=12,
    ),
    Row(
        "RMSNormalization-axes12",
        lambda k: k.layers.RMSNormalization(axis=[1, 2], epsilon=1e-3),
        lambda K: K.RMSNormalization((4, 6), [1, 2], epsilon=1e-3),
        normal(3, 4, 6),
        ops=8,
        reduce=48,
    ),
    Row(
        "UnitNormalization",
        lambda k: k.layers.UnitNormalization(),
        lambda K: K.UnitNormalization(),
        normal(3, 4, 6),
        ops=6,
        reduce=6,
    ),
    Row(
        "UnitNormalization-channels-first-axes",
        lambda k: k.layers.UnitNormalization(axis=[2, 3]),
        lambda K: K.UnitNormalization([3, 1]),
        normal(2, 3, 4, 5),
        to_torch=cf,
        out=cl,
        ops=6,
        reduce=20,
    ),
    # SpectralNormalization: the power iteration (products over the kernel), sigma, a division, then Dense
    Row(
        "SpectralNormalization-Dense-training",
        lambda k: k.layers.SpectralNormalization(k.layers.Dense(4)),
        lambda K: K.SpectralNormalization(K.Dense(3, 4)),
        normal(2, 3),
        training=True,
        ops=40,
        reduce=24,
    ),
    Row(
        "SpectralNormalization-Dense-2-iterations-training",
        lambda k: k.layers.SpectralNormalization(k.layers.Dense(5, use_bias=False), power_iterations=2),
        lambda K: K.SpectralNormalization(K.Dense(6, 5, use_bias=False), power_iterations=2),
        normal(3, 6),
        training=True,
        ops=60,
        reduce=60,
    ),
    Row(
        "SpectralNormalization-Dense-inference",
        lambda k: k.layers.SpectralNormalization(k.layers.Dense(4)),
        lambda K: K.SpectralNormalization(K.Dense(3, 4)),
        normal(2, 3),
        reduce=3,
    ),
    Row(
        "SpectralNormalization-Embedding-training",
        lambda k: k.layers.SpectralNormalization(k.layers.Embedding(5, 3)),
        lambda K: K.SpectralNormalization(K.Embedding(5, 3)),
        lambda rng: [rng.integers(0, 5, (2, 4)).astype(np.float32)],
        training=True,
        ops=40,
        reduce=30,
    ),
    # Normalization: a subtraction, sqrt, max, a division
    Row(
        "Normalization-scalar",
        lambda k: k.layers.Normalization(mean=2.0, variance=4.0),
        lambda K: K.Normalization((5,), mean=2.0, variance=4.0),
        normal(3, 5),
        ops=4,
    ),
    Row(
        "Normalization-vector",
        lambda k: k.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 0.5, 1e-20]),
        lambda K: K.Normalization((4, 3), mean=[1.0, 2.0, 3.0], variance=[1.0, 0.5, 1e-20]),
        normal(2, 4, 3),
        ops=4,
    ),
    Row(
        "Normalization-axes-invert",
        lambda k: k.layers.Normalization(
            axis=(1, 2), mean=[[1.0, 2.0, 3.0]], variance=[[2.0, 0.5, 3.0]], invert=True
        ),
        lambda K: K.Normalization(
            (2, 3), dim=(1, 2), mean=[[1.0, 2.0, 3.0]], variance=[[2.0, 0.5, 3.0]], invert=True
        ),
        normal(4, 2, 3),
        ops=4,
    ),
    Row(
        "Normalization-axis-None",
        lambda k: k.layers.Normalization(axis=None, mean=1.0, variance=2.0),
        lambda K: K.Normalization((2, 3), dim=None, mean=1.0, variance=2.0),
        ints(0, 5, 4, 2, 3),
        ops=4,
    ),
    Row(
        "Normalization-adapted",
        lambda k: _adapted(k.layers.Normalization(axis=-1)),
        lambda K: K.Normalization((3, 4)),
        normal(5, 3, 4),
        ops=4,
        randomize=False,  # Keras reads its adapted statistics once (finalize_state), not set_weights
    ),
    # preprocessing --------------------------------------------------------
    Row(
        "Rescaling", lambda k: k.layers.Rescaling(1 / 255), lambda K: K.Rescaling(1 / 255), ints(0, 256, 2, 3)
    ),
    Row(
        "Rescaling-offset",
        lambda k: k.layers.Rescaling(2.0, offset=-1.0),
        lambda K: K.Rescaling(2.0, offset=-1.0),
        normal(2, 3),
    ),
    Row(
        "Rescaling-vector",
        lambda k: k.layers.Rescaling([1.0, 0.5, 0.25], offset=[0.0, 1.0, 2.0]),
        lambda K: K.Rescaling([1.0, 0.5, 0.25], offset=[0.0, 1.0, 2.0]),
        normal(2, 4, 3),
    ),
    Row(
        "Rescaling-vector-channels-first",
        lambda k: k.layers.Rescaling([1.0, 0.5, 0.25], offset=[0.0, 1.0, 2.0]),
        lambda K: K.Rescaling([1.0, 0.5, 0.25], offset=[0.0, 1.0, 2.0], dim=1),
        normal(2, 4, 5, 3),
        to_torch=cf,
        out=cl,
    ),
]


def _frozen(layer):
    layer.trainable = False
    return layer


def _adapted(layer):
    layer.adapt(np.random.default_rng(1).standard_normal((20, 3, 4)).astype(np.float32) * 3 + 1)
    return layer


def _encoding_rows():
    rows = []
    cases = [
        ("one_hot-1d", "one_hot", lambda rng: [np.array([0, 3, 5, 7], dtype=np.int64)]),
        ("one_hot-col", "one_hot", lambda rng: [np.array([[0], [3], [5], [9]], dtype=np.int32)]),
        ("one_hot-2d", "one_hot", lambda rng: [np.array([[0, 3, -1], [5, 7, 2]], dtype=np.int64)]),
        ("multi_hot-1d", "multi_hot", lambda rng: [np.array([0, 3, 3, 7], dtype=np.int64)]),
        ("multi_hot-2d", "multi_hot", lambda rng: [np.array([[0, 3, 3, 9], [5, 5, 2, 1]], dtype=np.int64)]),
        ("multi_hot-3d", "multi_hot", lambda rng: [rng.integers(0, 6, (2, 3, 4)).astype(np.int64)]),
        ("count-2d", "count", lambda rng: [np.array([[0, 3, 3, 9], [5, 5, 5, 1]], dtype=np.int64)]),
        ("count-3d", "count", lambda rng: [rng.integers(0, 6, (2, 3, 4)).astype(np.int64)]),
    ]
    for tag, mode, inputs in cases:
        rows.append(
            Row(
                f"CategoryEncoding-{tag}",
                lambda k, mode=mode: k.layers.CategoryEncoding(6, output_mode=mode),
                lambda K, mode=mode: K.CategoryEncoding(6, output_mode=mode),
                inputs,
                exact=True,
            )
        )
    weights = np.array([[0.5, 1.0, 2.0, 4.0], [1.0, 1.0, 0.25, 3.0]], dtype=np.float32)
    rows.append(
        Row(
            "CategoryEncoding-count-weights",
            lambda k: k.layers.CategoryEncoding(6, output_mode="count"),
            lambda K: K.CategoryEncoding(6, output_mode="count"),
            lambda rng: [np.array([[0, 3, 3, 9], [5, 5, 5, 1]], dtype=np.int64)],
            exact=True,
            call_keras=lambda layer, xs: layer(xs[0], count_weights=weights),
            call_torch=lambda layer, xs: layer(xs[0], count_weights=torch.from_numpy(weights)),
        )
    )
    values = lambda rng: [np.array([[-1.0, 0.0, 0.5, 1.0], [1.5, 2.0, 2.5, 9.0]], dtype=np.float32)]  # noqa: E731
    rows.append(
        Row(
            "Discretization-int-inputs",
            lambda k: k.layers.Discretization(bin_boundaries=[-2, 0.5, 3]),
            lambda K: K.Discretization(bin_boundaries=[-2, 0.5, 3]),
            ints(-4, 6, 3, 5),
            exact=True,
        )
    )
    for mode in ("int", "one_hot", "multi_hot", "count"):
        rows.append(
            Row(
                f"Discretization-{mode}",
                lambda k, mode=mode: k.layers.Discretization(
                    bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode
                ),
                lambda K, mode=mode: K.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode),
                values,
                exact=True,
            )
        )
    return rows


def _hash_inputs(rng):
    mags = 10.0 ** rng.integers(0, 19, size=200)
    vals = (rng.uniform(-1, 1, size=200) * mags).astype(np.int64)
    vals[:6] = [0, -1, 7, np.iinfo(np.int64).max, np.iinfo(np.int64).min, 12345678]
    return [vals.reshape(20, 10)]


def _hashing_rows():
    rows = []
    cases = [
        ("fast", dict(num_bins=97), _hash_inputs),
        ("fast-2-bins", dict(num_bins=2), _hash_inputs),
        ("salt", dict(num_bins=1000, salt=1337), _hash_inputs),
        ("salt-pair", dict(num_bins=31, salt=(2**40 + 3, 987654321)), _hash_inputs),
        ("mask", dict(num_bins=11, mask_value=7), _hash_inputs),
        ("float", dict(num_bins=13), lambda rng: [np.array([[1.7, -2.5, 0.0, 1e6]], dtype=np.float32)]),
        (
            "one_hot",
            dict(num_bins=5, output_mode="one_hot"),
            lambda rng: [np.arange(-3, 9, dtype=np.int64)[:, None]],
        ),
        (
            "multi_hot",
            dict(num_bins=5, output_mode="multi_hot"),
            lambda rng: [np.arange(-3, 9).reshape(3, 4)],
        ),
        ("count", dict(num_bins=5, output_mode="count"), lambda rng: [np.arange(-3, 9).reshape(3, 4)]),
    ]
    for tag, kw, inputs in cases:
        rows.append(
            Row(
                f"Hashing-{tag}",
                lambda k, kw=kw: k.layers.Hashing(**kw),
                lambda K, kw=kw: K.Hashing(**kw),
                inputs,
                exact=True,
            )
        )
    return rows


def _lookup_rows():
    vocab = [12, 36, 1138, 42, 7]
    ids = lambda rng: [np.array([[12, 1138, 42, 0], [7, 5, -3, 36], [99, 0, 42, 42]], dtype=np.int64)]  # noqa: E731
    cases = [
        ("int", dict(vocabulary=vocab)),
        ("mask", dict(vocabulary=vocab, mask_token=0)),
        ("no-oov-known", dict(vocabulary=vocab + [0, 5, -3, 99], num_oov_indices=0)),
        ("oov3-floormod", dict(vocabulary=vocab, num_oov_indices=3, mask_token=0)),
        ("oov3-farmhash", dict(vocabulary=vocab, num_oov_indices=3, oov_method="farmhash")),
        ("oov3-farmhash-salt", dict(vocabulary=vocab, num_oov_indices=3, oov_method="farmhash", salt=99)),
        ("specials-given", dict(vocabulary=[0, -1] + vocab, mask_token=0)),
        ("one_hot", dict(vocabulary=vocab, output_mode="one_hot")),
        ("multi_hot-mask", dict(vocabulary=vocab, mask_token=0, output_mode="multi_hot")),
        ("count-pad", dict(vocabulary=vocab, output_mode="count", max_tokens=9, pad_to_max_tokens=True)),
        ("tf_idf", dict(vocabulary=vocab, output_mode="tf_idf", idf_weights=[0.5, 1.0, 2.0, 0.25, 4.0])),
        (
            "tf_idf-pad-specials",
            dict(
                vocabulary=[-1] + vocab,
                output_mode="tf_idf",
                idf_weights=[0.1, 0.5, 1.0, 2.0, 0.25, 4.0],
                max_tokens=8,
                pad_to_max_tokens=True,
            ),
        ),
    ]
    rows = [
        Row(
            f"IntegerLookup-{tag}",
            lambda k, kw=kw: k.layers.IntegerLookup(**kw),
            lambda K, kw=kw: K.IntegerLookup(**kw),
            ids,
            exact=True,
        )
        for tag, kw in cases
    ]
    rows.append(
        Row(
            "IntegerLookup-invert",
            lambda k: k.layers.IntegerLookup(vocabulary=vocab, invert=True, mask_token=0, oov_token=-7),
            lambda K: K.IntegerLookup(vocabulary=vocab, invert=True, mask_token=0, oov_token=-7),
            lambda rng: [np.array([[0, 1, 2, 3], [4, 5, 6, 7]], dtype=np.int64)],
            exact=True,
        )
    )
    rows.append(
        Row(
            "IntegerLookup-scalar",
            lambda k: k.layers.IntegerLookup(vocabulary=vocab),
            lambda K: K.IntegerLookup(vocabulary=vocab),
            lambda rng: [np.array(42, dtype=np.int64)],
            exact=True,
        )
    )
    return rows


ROWS += _encoding_rows() + _hashing_rows() + _lookup_rows()


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_against_keras(row, keras):
    _check(row, keras)


def test_row_ids_unique():
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------ gradients
GRADIENT_ROWS = [
    "PReLU-shared-1",
    "ReLU-threshold-slope-max",
    "ELU-0.5",
    "Softmax-mask",
    "Softmax-axes-12",
    "Embedding",
    "Masking",
    "Maximum-masks-both",
    "Multiply-masks-first",
    "Dot-normalize",
    "Dot-4d-3d-negative",
    "BatchNormalization-training",
    "BatchNormalization-mask-training",
    "BatchNormalization-frozen-training",
    "BatchNormalization-channels-first-training",
    "LayerNormalization-channels-first-axes123",
    "LayerNormalization-rms-scaling",
    "GroupNormalization-channels-first",
    "RMSNormalization-axes12",
    "UnitNormalization-channels-first-axes",
    "SpectralNormalization-Dense-training",
    "Normalization-vector",
]


@pytest.mark.parametrize("row", [r for r in ROWS if r.id in GRADIENT_ROWS], ids=lambda r: r.id)
def test_gradients_against_keras(row, keras, tf):
    """d sum(out * R) / d (inputs, trainable weights) against TensorFlow's tape.
    Tolerance: the backward pass of each forward step is one or two roundings
    per step, so twice the forward count: 4 * (ops + reduce) * u * scale."""
    rng = np.random.default_rng(1)
    xs = row.inputs(rng)
    klayer = row.keras(keras)
    _keras_call(row, klayer, xs)
    if klayer.weights and row.randomize:
        _randomize(klayer, rng, row.positive)
    ours = row.torch(K)
    ours.load_keras(klayer.get_weights())

    floats = [np.issubdtype(x.dtype, np.floating) for x in xs]
    kxs = [tf.Variable(x) if f else tf.constant(x) for x, f in zip(xs, floats)]
    with tf.GradientTape() as tape:
        kout = _keras_call(row, klayer, kxs, training=row.training)
        R = rng.standard_normal(kout.shape).astype(np.float32)
        loss = tf.reduce_sum(kout * R)
    watched = [v for v, f in zip(kxs, floats) if f] + list(klayer.trainable_weights)
    kgrads = tape.gradient(loss, watched)

    to_torch = row.to_torch or (lambda a: a)
    txs = [torch.tensor(np.asarray(to_torch(x)), requires_grad=bool(f)) for x, f in zip(xs, floats)]
    ours.train(row.training)
    tout = _torch_call(row, ours, txs)
    rt = torch.from_numpy(np.ascontiguousarray(cf(R) if row.out else R))
    (tout * rt).sum().backward()
    # our trainable parameters in Keras's order: the spec's trainable entries
    params = []
    for path, _, to_keras in ours.keras_weights_spec:
        p = ours._attr(path)
        if isinstance(p, torch.nn.Parameter) and p.requires_grad:
            params.append((p, to_keras))
    tgrads = [cl(t.grad.numpy()) if row.to_torch is cf else t.grad.numpy() for t, f in zip(txs, floats) if f]
    tgrads += [np.asarray(to_keras(p.grad.numpy())) for p, to_keras in params]
    assert len(tgrads) == len(kgrads)
    for got, ref in zip(tgrads, kgrads):
        ref = tf.convert_to_tensor(ref).numpy()  # IndexedSlices (Embedding) -> dense
        scale = max(1.0, float(np.abs(ref).max()))
        np.testing.assert_allclose(got, ref, rtol=0, atol=4 * (row.ops + row.reduce) * U * scale)


# ------------------------------------------------------------------ masks
def test_masks_against_keras(keras, tf):
    from keras.src import backend

    rng = np.random.default_rng(2)
    ids = np.array([[3, 0, 5, 0], [0, 2, 2, 1]], dtype=np.int32)
    emb_k = keras.layers.Embedding(6, 3, mask_zero=True)
    np.testing.assert_array_equal(
        K.Embedding(6, 3, mask_zero=True).compute_mask(torch.from_numpy(ids)), ids != 0
    )
    np.testing.assert_array_equal(_np(emb_k.compute_mask(ids)), ids != 0)
    assert K.Embedding(6, 3).compute_mask(torch.from_numpy(ids)) is None

    x = np.where(rng.random((3, 5, 1)) < 0.4, 0.0, rng.standard_normal((3, 5, 4))).astype(np.float32)
    np.testing.assert_array_equal(
        K.Masking().compute_mask(torch.from_numpy(x)).numpy(), _np(keras.layers.Masking().compute_mask(x))
    )
    # merges: the output mask Keras attaches, against compute_mask
    for name, masks in (
        ("Add", (MASK_A, MASK_B)),
        ("Maximum", (MASK_A, MASK_B)),
        ("Multiply", (MASK_A, MASK_B)),
        ("Average", (MASK_A, None)),
        ("Concatenate", (MASK_A, MASK_B)),
        ("Concatenate", (None, MASK_B)),
        ("Dot", (MASK_A, MASK_B)),
    ):
        xs = [rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(2)]
        tensors = [tf.identity(v) for v in xs]
        for t, m in zip(tensors, masks):
            if m is not None:
                backend.set_keras_mask(t, tf.constant(m))
        layer = getattr(keras.layers, name)(**({"axes": 2} if name == "Dot" else {}))
        expect = getattr(layer(tensors), "_keras_mask", None)
        ours = getattr(K, name)(**({"axes": 2} if name == "Dot" else {}))
        got = ours.compute_mask(
            [torch.from_numpy(v) for v in xs], [None if m is None else torch.from_numpy(m) for m in masks]
        )
        if expect is None:
            assert got is None, name
        else:
            np.testing.assert_array_equal(got.numpy(), expect.numpy(), err_msg=name)


# ------------------------------------------------------------------ training-time randomness
def _sigmas(n, p):
    """6 standard deviations of a Bernoulli(p) frequency over n draws (two-sided miss ~2e-9)."""
    return 6 * math.sqrt(p * (1 - p) / n)


def test_dropout_training_against_keras(keras):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((200, 50)) + 3).astype(np.float32)  # no zeros in x
    rate = 0.3
    ours = K.Dropout(rate).train()
    got = ours(torch.from_numpy(x)).numpy()
    ref = _np(keras.layers.Dropout(rate)(x, training=True))
    for out in (got, ref):
        kept = out != 0
        assert abs(kept.mean() - (1 - rate)) <= _sigmas(x.size, rate)
    both = (got != 0) & (ref != 0)
    # kept values: x scaled by 1/(1-rate), two roundings in each framework
    np.testing.assert_allclose(got[both], ref[both], rtol=4 * U, atol=0)


def test_dropout_noise_shape():
    rng = np.random.default_rng(4)
    x = torch.from_numpy((rng.standard_normal((64, 5, 7)) + 3).astype(np.float32))
    out = K.Dropout(0.5, noise_shape=(None, 1, 7)).train()(x).numpy()
    kept = out != 0
    assert (kept == kept[:, :1, :]).all()  # one mask for all steps
    assert abs(kept[:, 0].mean() - 0.5) <= _sigmas(64 * 7, 0.5)
    np.testing.assert_allclose(out[kept], (x.numpy() * 2.0)[kept], rtol=2 * U, atol=0)
    out = K.Dropout(0.5, noise_shape=(64, 1, 1)).train()(x).numpy()
    assert ((out != 0) == (out != 0)[:, :1, :1]).all()


@pytest.mark.parametrize("rank", [3, 4, 5])
def test_spatial_dropout_channels_first(rank):
    rng = np.random.default_rng(rank)
    shape = (40, 30) + (3,) * (rank - 2)
    x = torch.from_numpy((rng.standard_normal(shape) + 3).astype(np.float32))
    layer = getattr(K, f"SpatialDropout{rank - 2}D")(0.25).train()
    out = layer(x).numpy()
    kept = out != 0
    per_channel = kept.reshape(40, 30, -1)
    assert (per_channel == per_channel[:, :, :1]).all()  # whole feature maps
    assert abs(per_channel[:, :, 0].mean() - 0.75) <= _sigmas(40 * 30, 0.25)
    np.testing.assert_allclose(out[kept], (x.numpy() / 0.75)[kept], rtol=4 * U, atol=0)
    layer.eval()
    assert layer(x) is x


def test_gaussian_layers_training():
    rng = np.random.default_rng(5)
    n = 40000
    x = torch.from_numpy((rng.standard_normal(n) + 5).astype(np.float32))
    # sample mean of n normal draws: sd sigma/sqrt(n); sample std: sd ~ sigma/sqrt(2n); 6 of those
    noise = (K.GaussianNoise(0.2).train()(x) - x).numpy().astype(np.float64)
    assert abs(noise.mean()) <= 6 * 0.2 / math.sqrt(n)
    assert abs(noise.std() - 0.2) <= 6 * 0.2 / math.sqrt(2 * n) + 1e-6  # + rounding of x + e - x
    factor = (K.GaussianDropout(0.2).train()(x) / x).numpy().astype(np.float64)
    sd = math.sqrt(0.2 / 0.8)
    assert abs(factor.mean() - 1.0) <= 6 * sd / math.sqrt(n)
    assert abs(factor.std() - sd) <= 6 * sd / math.sqrt(2 * n) + 1e-6


def test_alpha_dropout_training_against_keras(keras):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((100, 60)).astype(np.float32)
    rate = 0.2
    got = K.AlphaDropout(rate).train()(torch.from_numpy(x)).numpy()
    ref = _np(keras.layers.AlphaDropout(rate)(x, training=True))
    alpha_p = np.float32(-1.6732632423543772 * 1.0507009873554805)
    a = ((1 - rate) * (1 + rate * float(alpha_p) ** 2)) ** -0.5
    b = -a * float(alpha_p) * rate
    dropped = np.float32(a) * alpha_p + np.float32(b)
    kept_values = np.float32(a) * x + np.float32(b)
    for out in (got, ref):
        # every element is the kept form or the dropped constant (2 roundings + products: 4 u)
        is_dropped = np.abs(out - dropped) <= 4 * U * abs(dropped)
        is_kept = np.abs(out - kept_values) <= 4 * U * np.maximum(np.abs(kept_values), 1)
        assert (is_dropped | is_kept).all()
        assert abs((~is_kept).mean() - rate) <= _sigmas(x.size, rate)


def test_alpha_dropout_noise_shape():
    x = torch.zeros(50, 4, 6)
    out = K.AlphaDropout(0.5, noise_shape=(None, 1, 6)).train()(x).numpy()
    assert (out == out[:, :1, :]).all()


def test_activity_regularization_against_keras(keras):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((6, 4, 5)).astype(np.float32)
    klayer = keras.layers.ActivityRegularization(l1=0.01, l2=0.02)
    klayer(x)
    expect = float(sum(float(_np(v)) for v in klayer.losses))
    ours = K.ActivityRegularization(l1=0.01, l2=0.02)
    y = ours(torch.from_numpy(x))
    assert torch.equal(y, torch.from_numpy(x))
    # sums of 120 terms (|x| and x**2), two products, a sum and a division: (120 + 5) roundings
    assert abs(float(ours.activity_loss) - expect) <= 2 * 125 * U * expect
    ours(torch.from_numpy(x))  # a second call adds its penalty (a layer shared twice)
    assert abs(float(ours.activity_loss) - 2 * expect) <= 4 * 125 * U * expect
    net = torch.nn.Sequential(ours, K.Dense(5, 2), K.ActivityRegularization(l2=1.0))
    net(torch.from_numpy(x))
    second = float(net[2].activity_loss)
    assert abs(float(K.take_activity_loss(net)) - (3 * expect + second)) <= 8 * 125 * U * (
        3 * expect + second
    )
    assert ours.activity_loss is None and net[2].activity_loss is None
    assert K.take_activity_loss(net) is None


def test_embedding_sparse_square_against_tensorflow(keras, tf):
    """Per-occurrence squared gradients: what TensorFlow's IndexedSlices gradient
    squares row by row before Keras's optimizers sum them."""
    rng = np.random.default_rng(8)
    ids = np.array([[1, 3, 3, 0], [3, 1, 2, 3]], dtype=np.int32)
    klayer = keras.layers.Embedding(5, 4)
    klayer(ids)
    g = rng.standard_normal((2, 4, 4)).astype(np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(klayer(ids) * g)
    slices = tape.gradient(loss, klayer.trainable_weights)[0]
    expect = tf.math.unsorted_segment_sum(tf.square(slices.values), slices.indices, 5).numpy()
    ours = K.Embedding(5, 4, sparse_square=True)
    ours.load_keras(klayer.get_weights())
    (ours(torch.from_numpy(ids)) * torch.from_numpy(g)).sum().backward()
    # a sum of at most 4 squares per entry: 4 + 1 roundings
    np.testing.assert_allclose(ours.weight.keras_sq_grad.numpy(), expect, rtol=10 * U, atol=0)
    np.testing.assert_allclose(ours.weight.grad.numpy(), tf.convert_to_tensor(slices).numpy(), rtol=10 * U)
    assert not hasattr(K.Embedding(5, 4).weight, "keras_sq_grad")


def test_embedding_initial_weights_argument(keras):
    w = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(K.Embedding(4, 3, weights=[w]).weight.detach().numpy(), w)
    np.testing.assert_array_equal(K.Embedding(4, 3, weights=w).weight.detach().numpy(), w)


# ------------------------------------------------------------------ initializers
def _uniform_ok(w, limit):
    """U(-limit, limit): bounds; mean within 6 sd (sd = limit/sqrt(3n)); sample std
    within 6 sd of its estimator (uniform kurtosis 1.8: sd = sigma * sqrt(0.8 / (4n)))."""
    w = w.astype(np.float64).ravel()
    n, sigma = w.size, limit / math.sqrt(3)
    assert np.abs(w).max() <= limit
    assert abs(w.mean()) <= 6 * sigma / math.sqrt(n)
    assert abs(w.std() - sigma) <= 6 * sigma * math.sqrt(0.8 / (4 * n))


def test_initializers(keras):
    from graphc_runtime.torch.layers.core import keras_fans
    from keras.src.initializers.random_initializers import compute_fans

    _uniform_ok(K.Embedding(400, 50).weight.detach().numpy(), 0.05)  # Keras's "uniform": U(-0.05, 0.05)
    shape = (20, 30, 40)
    fan_in, fan_out = compute_fans(shape)
    assert keras_fans(shape) == (fan_in, fan_out)
    alpha = K.PReLU(shape, alpha_initializer="glorot_uniform").weight.detach().numpy()
    _uniform_ok(alpha, math.sqrt(6 / (fan_in + fan_out)))
    assert not K.PReLU((3, 4)).weight.detach().numpy().any()  # Keras's default: zeros
    ln = K.LayerNormalization((50, 60), [1, 2], gamma_initializer="lecun_uniform", beta_initializer="ones")
    fan_in, fan_out = compute_fans((50, 60))
    _uniform_ok(ln.weight.detach().numpy(), math.sqrt(3 / fan_in))
    assert (ln.bias.detach().numpy() == 1).all()
    bn = K.BatchNormalization(7, moving_variance_initializer="zeros", moving_mean_initializer="ones")
    assert (bn.running_var.numpy() == 0).all() and (bn.running_mean.numpy() == 1).all()
    assert (bn.weight.detach().numpy() == 1).all() and (bn.bias.detach().numpy() == 0).all()
    # vector_u: TruncatedNormal(stddev=0.02), cut at 2 sd: its std is 0.02 * 0.87962566
    u = K.SpectralNormalization(K.Dense(1, 20000)).vector_u.numpy().astype(np.float64).ravel()
    sigma = 0.02 * 0.8796256610342398
    assert np.abs(u).max() <= 0.04
    assert abs(u.mean()) <= 6 * sigma / math.sqrt(u.size)
    # truncated normal kurtosis (cut at 2 sd) is below 3: sd of the std estimator <= sigma * sqrt(2 / (4n))
    assert abs(u.std() - sigma) <= 6 * sigma * math.sqrt(2 / (4 * u.size))


# ------------------------------------------------------------------ model-level helpers and wrappers
def test_model_helpers_with_spectral_normalization(keras):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.sn = K.SpectralNormalization(K.Dense(3, 4, kernel_regularizer="l2"), name="sn")
            self.bn = K.BatchNormalization(4, name="bn")

        def forward(self, x):
            return self.bn(self.sn(x))

    inp = keras.Input((3,))
    kmodel = keras.Model(
        inp,
        keras.layers.BatchNormalization(name="bn")(
            keras.layers.SpectralNormalization(keras.layers.Dense(4, kernel_regularizer="l2"), name="sn")(inp)
        ),
    )
    weights = {layer.name: layer.get_weights() for layer in kmodel.layers if layer.weights}
    net = K.load_keras_weights(Net(), weights)
    for name, arrays in K.keras_weights(net).items():
        for a, b in zip(arrays, weights[name]):
            np.testing.assert_array_equal(a, b)
    assert set(K.keras_weights(net)) == {"sn", "bn"}
    trainable = sum(int(np.prod(w.shape)) for w in kmodel.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in kmodel.non_trainable_weights)
    assert K.count_params(net) == (trainable, non_trainable)
    x = np.random.default_rng(9).standard_normal((5, 3)).astype(np.float32)
    kmodel(x)
    kloss = float(sum(float(_np(v)) for v in kmodel.losses))
    assert abs(float(K.regularization_loss(net).detach()) - kloss) <= 2 * 14 * U * kloss


def test_batch_normalization_trainable_toggle():
    bn = K.BatchNormalization(3)
    assert K.count_params(bn) == (6, 6)
    bn.trainable = False
    assert K.count_params(bn) == (0, 12) and not bn.weight.requires_grad
    bn.train()
    x = torch.randn(4, 3)
    before = bn.running_mean.clone()
    bn(x)
    assert torch.equal(bn.running_mean, before)  # frozen: inference mode, no update
    bn.trainable = True
    bn(x)
    assert not torch.equal(bn.running_mean, before)
    assert "num_batches_tracked" not in bn.state_dict()


# ------------------------------------------------------------------ what raises
def test_keras_errors_match(keras, tf):
    # negative ids: TensorFlow's bincount raises, so do we
    with pytest.raises(tf.errors.InvalidArgumentError):
        keras.layers.CategoryEncoding(4, output_mode="multi_hot")(np.array([[1, -2]]))
    with pytest.raises(ValueError, match="non-negative"):
        K.CategoryEncoding(4, output_mode="multi_hot")(torch.tensor([[1, -2]]))
    # num_oov_indices=0 with an OOV id
    with pytest.raises(tf.errors.InvalidArgumentError):
        keras.layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)(np.array([3]))
    with pytest.raises(ValueError, match="vocabulary"):
        K.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)(torch.tensor([3]))


@pytest.mark.parametrize(
    "build, arg",
    [
        (lambda: K.Embedding(5, 3, lora_rank=2), "lora_rank"),
        (lambda: K.Embedding(5, 3, quantization_config={"mode": "int8"}), "quantization_config"),
        (lambda: K.BatchNormalization(3, renorm=True), "renorm"),
        (lambda: K.BatchNormalization(3, synchronized=True), "synchronized"),
        (lambda: K.SpectralNormalization(K.LayerNormalization(3)), "LayerNormalization"),
        (lambda: K.CategoryEncoding(3, sparse=True), "sparse"),
        (lambda: K.Hashing(3, sparse=True, output_mode="one_hot"), "sparse"),
        (lambda: K.Discretization(num_bins=4), "bin_boundaries"),
        (lambda: K.IntegerLookup(), "vocabulary"),
        (lambda: K.IntegerLookup(vocabulary="vocab.txt"), "vocabulary"),
    ],
)
def test_not_implemented(build, arg):
    with pytest.raises(NotImplementedError, match=arg):
        build()


def _conv_stand_ins():
    """Minimal K.Conv2D / K.Conv2DTranspose as LAYERS.md defines them (torch's
    nn.Conv2d / nn.ConvTranspose2d weight layouts, Keras's kernel transposed in
    load_keras), for SpectralNormalization until the conv family is merged."""

    class Conv2D(K.KerasLayer, torch.nn.Conv2d):
        keras_weights_spec = (
            ("weight", lambda a: a.transpose(3, 2, 0, 1), lambda t: t.transpose(2, 3, 1, 0)),
            ("bias", lambda a: a, lambda t: t),
        )

        def __init__(self, cin, filters, k):
            torch.nn.Conv2d.__init__(self, cin, filters, k)
            self._keras_init("conv")

    class Conv2DTranspose(K.KerasLayer, torch.nn.ConvTranspose2d):
        keras_weights_spec = (
            ("weight", lambda a: a.transpose(3, 2, 0, 1), lambda t: t.transpose(2, 3, 1, 0)),
            ("bias", lambda a: a, lambda t: t),
        )

        def __init__(self, cin, filters, k):
            torch.nn.ConvTranspose2d.__init__(self, cin, filters, k)
            self._keras_init("convt")

    return Conv2D, Conv2DTranspose


@pytest.mark.parametrize("kind", ["Conv2D", "Conv2DTranspose"])
def test_spectral_normalization_of_convolutions(kind, keras):
    """Keras's kernel axes vs torch's weight dimensions: the power iteration runs
    over Keras's last kernel axis (filters for Conv2D, the input channels for
    Conv2DTranspose), torch's dimension 0 for both."""
    stand_in = dict(zip(("Conv2D", "Conv2DTranspose"), _conv_stand_ins()))[kind]
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 5, 5, 3)).astype(np.float32)
    klayer = keras.layers.SpectralNormalization(getattr(keras.layers, kind)(4, 3), power_iterations=2)
    klayer(x)
    _randomize(klayer, rng)
    ours = K.SpectralNormalization(stand_in(3, 4, 3), power_iterations=2)
    ours.load_keras(klayer.get_weights())
    ref = _np(klayer(x, training=True))
    ours.train()
    got = cl(ours(torch.from_numpy(cf(x)).contiguous()).detach().numpy())
    # power iteration over a 27 x 4 / 36 x 3 kernel (2 iterations: ~4 sums of 36), a division,
    # then a convolution summing 27 / 36 products: (40 + 4 * 36 + 36) roundings
    scale = max(1.0, float(np.abs(ref).max()))
    np.testing.assert_allclose(got, ref, rtol=0, atol=2 * (40 + 5 * 36) * U * scale)
    for a, b in zip(klayer.get_weights(), ours.keras_arrays()):
        np.testing.assert_allclose(
            b, a, rtol=0, atol=2 * (40 + 4 * 36) * U * max(1.0, float(np.abs(a).max()))
        )
