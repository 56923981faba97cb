"""graphc_runtime.torch.layers recurrent and attention layers against real Keras (TensorFlow
backend, CPU): forward outputs (masks, states, dropout with shared masks), parameter counts,
keras_arrays round trips, regularization and constraints, initial distributions.

Every Keras layer gets random weights (biases too) before they are copied, so a wrong gate
order or a dropped bias cannot hide behind Keras's zero initial biases.

Tolerances (float32, unit roundoff U = 2**-24).  A dot product of n terms computed in float32
is off by at most gamma_n * sum|w_i a_i| <= n*U*S (Higham, Accuracy and Stability, 3.1), S
bounding sum|w_i a_i|; each implementation makes that error independently, so two differ by
at most twice it.  Elementwise steps (activations, gates) add a few U*|y| each; tanh and
sigmoid are 1-Lipschitz.  In a recurrence an error in the state reaches the next step through
the recurrent kernel: amplified at most by g = 1 + 2*||R|| (||R||: largest column abs-sum of
Keras's recurrent kernel, the factor 2 covering the gates and the carry, both 1-Lipschitz in
the state), so after T steps the error is at most e * (1 + g + ... + g**(T-1)).  `rnn_tol`
writes that out; `dense_tol` is the one-step case.  Wrong semantics (a gate order, a mask
rule, a missing bias) move outputs by 1e-2 or more, far above these bounds for the small
layers used here.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.slow

U = 2.0**-24


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    assert keras.backend.backend() == "tensorflow"
    return keras


@pytest.fixture(scope="module")
def K():
    from graphc_runtime.torch import layers as K

    return K


def colsum(a) -> float:
    """max_j sum_i |a_ij| of a Keras kernel flattened to (inputs, outputs)."""
    a = np.asarray(a, dtype=np.float64)
    return float(np.abs(a.reshape(-1, a.shape[-1])).sum(0).max())


def rnn_tol(n, s, g, steps, y=1.0):
    """Bound on |torch - keras| after `steps` steps: per step 2*(n*U*s + 16*U*y) (two
    implementations; n-term dot products bounded by s; 16 elementwise roundings of values
    bounded by y), carried through the recurrence with gain g (module docstring)."""
    e = 2 * (n * U * s + 16 * U * y)
    g = max(g, 1.0)
    return e * (steps if g == 1.0 else (g**steps - 1) / (g - 1))


def dense_tol(n, s, y=1.0):
    return rnn_tol(n, s, 1.0, 1, y)


def rand_weights(layer, rng, scale=0.5):
    """Random normal weights (biases included) for a built Keras layer; returns them."""
    ws = [rng.normal(0, scale, w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(ws)
    return ws


def to_np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


def as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def compare(got, want, tol, what=""):
    got, want = as_list(got), as_list(want)
    assert len(got) == len(want), f"{what}: {len(got)} outputs, Keras {len(want)}"
    for i, (a, b) in enumerate(zip(got, want)):
        a, b = to_np(a), np.asarray(b)
        assert a.shape == b.shape, f"{what} output {i}: shape {a.shape}, Keras {b.shape}"
        err = float(np.abs(a - b).max()) if a.size else 0.0
        if os.environ.get("SHOW_ERR"):
            print(f"{what} [{i}] err={err:.2e} tol={tol:.2e}")
        assert err <= tol, f"{what} output {i}: max |diff| {err:.3g} > tol {tol:.3g}"


def make_mask(kind, n, t, rng):
    """(N, T) bool masks: post-padded, pre-padded, holes, an empty row, all True."""
    if kind is None:
        return None
    ar = np.arange(t)
    if kind == "post":
        lengths = rng.integers(1, t + 1, n)
        lengths[0] = t
        return ar[None] < lengths[:, None]
    if kind == "pre":
        lengths = rng.integers(1, t + 1, n)
        lengths[0] = t - 1
        return ar[None] >= (t - lengths)[:, None]
    if kind == "holes":
        m = rng.random((n, t)) < 0.6
        m[:, 1] = False
        m[0, :] = True
        return m
    if kind == "empty":
        m = ar[None] < rng.integers(1, t + 1, n)[:, None]
        m[1] = False
        return m
    if kind == "all":
        return np.ones((n, t), bool)
    raise ValueError(kind)


# ------------------------------------------------------------------ LSTM, GRU, SimpleRNN
# (class, kwargs, (N, T, F), mask kind, initial_state?)
RNN_ROWS = [
    ("LSTM", dict(units=4), (3, 5, 3), None, False),
    ("LSTM", dict(units=5, return_sequences=True, return_state=True), (2, 6, 4), None, True),
    ("LSTM", dict(units=3, go_backwards=True, return_sequences=True), (2, 5, 2), None, False),
    ("LSTM", dict(units=4, use_bias=False, return_state=True), (2, 4, 3), None, False),
    (
        "LSTM",
        dict(units=4, unit_forget_bias=False, activation="relu", return_sequences=True),
        (2, 4, 3),
        None,
        False,
    ),
    ("LSTM", dict(units=3, recurrent_activation="hard_sigmoid", return_state=True), (2, 5, 3), None, False),
    ("LSTM", dict(units=4, return_sequences=True, return_state=True), (4, 6, 3), "post", False),
    ("LSTM", dict(units=4), (4, 6, 3), "post", True),
    (
        "LSTM",
        dict(units=4, return_sequences=True, go_backwards=True, return_state=True),
        (4, 6, 3),
        "post",
        False,
    ),
    ("LSTM", dict(units=4, return_sequences=True, return_state=True), (4, 6, 3), "pre", False),
    ("LSTM", dict(units=4, return_sequences=True, return_state=True), (4, 6, 3), "holes", True),
    ("LSTM", dict(units=4, return_sequences=True, return_state=True), (4, 5, 3), "empty", False),
    ("LSTM", dict(units=4, return_sequences=True), (3, 5, 3), "all", False),
    ("LSTM", dict(units=3, return_sequences=True, activation="softsign"), (4, 6, 2), "holes", False),
    ("LSTM", dict(units=4, return_sequences=True, zero_output_for_mask=True), (4, 6, 3), "post", False),
    ("LSTM", dict(units=4, zero_output_for_mask=True), (4, 6, 3), "post", False),
    ("LSTM", dict(units=4, zero_output_for_mask=True, return_sequences=True), (4, 6, 3), "holes", False),
    ("GRU", dict(units=4), (3, 5, 3), None, False),
    ("GRU", dict(units=5, return_sequences=True, return_state=True), (2, 6, 4), None, True),
    (
        "GRU",
        dict(units=4, reset_after=False, return_sequences=True, return_state=True),
        (2, 5, 3),
        None,
        True,
    ),
    ("GRU", dict(units=3, reset_after=False, use_bias=False), (2, 5, 3), None, False),
    ("GRU", dict(units=3, use_bias=False, go_backwards=True), (2, 5, 3), None, False),
    (
        "GRU",
        dict(units=4, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True),
        (2, 5, 3),
        None,
        False,
    ),
    ("GRU", dict(units=4, return_sequences=True, return_state=True), (4, 6, 3), "post", False),
    ("GRU", dict(units=4, go_backwards=True, return_sequences=True), (4, 6, 3), "post", True),
    ("GRU", dict(units=4, reset_after=False, return_sequences=True), (4, 6, 3), "pre", False),
    ("GRU", dict(units=4, return_sequences=True, return_state=True), (4, 6, 3), "holes", False),
    ("GRU", dict(units=4, return_sequences=True), (4, 5, 3), "empty", True),
    ("SimpleRNN", dict(units=4), (3, 5, 3), None, False),
    (
        "SimpleRNN",
        dict(units=4, activation="relu", return_sequences=True, return_state=True),
        (2, 5, 3),
        None,
        True,
    ),
    ("SimpleRNN", dict(units=3, activation="sigmoid", return_sequences=True), (2, 5, 3), None, False),
    (
        "SimpleRNN",
        dict(units=3, activation=None, return_sequences=True, go_backwards=True),
        (2, 4, 3),
        None,
        False,
    ),
    ("SimpleRNN", dict(units=4, use_bias=False, return_sequences=True), (4, 6, 3), "post", False),
    (
        "SimpleRNN",
        dict(units=4, return_sequences=True, go_backwards=True, return_state=True),
        (4, 6, 3),
        "pre",
        False,
    ),
    ("SimpleRNN", dict(units=4, return_sequences=True), (4, 6, 3), "holes", True),
]


def _rnn_tol(kl, ws, x, outs, steps):
    kernel, rec = ws[0], ws[1]
    bias = float(np.abs(ws[2]).max()) if len(ws) > 2 else 0.0
    y = max(1.0, max(float(np.abs(np.asarray(o)).max()) for o in outs))
    r = colsum(rec)
    s = float(np.abs(x).max()) * colsum(kernel) + y * r + 2 * bias
    n = kernel.shape[0] + rec.shape[0] + 2
    return rnn_tol(n, s, 1 + 2 * r, steps, y)


def _keras_rnn(keras, name, kw, shape, x):
    kw = dict(kw)
    zero = kw.pop("zero_output_for_mask", False)
    kl = getattr(keras.layers, name)(**kw)
    kl.build(shape)
    kl.zero_output_for_mask = zero
    return kl


@pytest.mark.parametrize("name,kw,shape,mask_kind,with_state", RNN_ROWS)
def test_rnn_forward(keras, K, name, kw, shape, mask_kind, with_state):
    rng = np.random.default_rng(abs(hash((name, str(kw), shape, mask_kind))) % 2**32)
    x = rng.normal(0, 1, shape).astype(np.float32)
    kl = _keras_rnn(keras, name, kw, shape, x)
    ws = rand_weights(kl, rng)
    layer = getattr(K, name)(shape[-1], **kw, name="r")
    layer.load_keras(ws)
    layer.eval()
    mask = make_mask(mask_kind, shape[0], shape[1], rng)
    n_states = 2 if name == "LSTM" else 1
    init = (
        [rng.normal(0, 0.5, (shape[0], kw["units"])).astype(np.float32) for _ in range(n_states)]
        if with_state
        else None
    )
    want = kl(x, mask=None if mask is None else keras.ops.convert_to_tensor(mask), initial_state=init)
    want = [np.asarray(w) for w in as_list(want)]
    got = layer(
        torch.from_numpy(x),
        mask=None if mask is None else torch.from_numpy(mask),
        initial_state=None if init is None else [torch.from_numpy(s) for s in init],
    )
    compare(got, want, _rnn_tol(kl, ws, x, want, shape[1]), f"{name}{kw} mask={mask_kind}")


# (class, kwargs): the weight-level checks
WEIGHT_ROWS = [
    ("LSTM", dict(units=4)),
    ("LSTM", dict(units=3, use_bias=False)),
    ("GRU", dict(units=4)),
    ("GRU", dict(units=4, reset_after=False)),
    ("GRU", dict(units=3, use_bias=False)),
    ("SimpleRNN", dict(units=4)),
    ("LSTMCell", dict(units=4)),
    ("GRUCell", dict(units=3)),
    ("GRUCell", dict(units=3, reset_after=False)),
    ("SimpleRNNCell", dict(units=2)),
]

REGS = dict(
    kernel_regularizer={"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}},
    recurrent_regularizer="l2",
    bias_regularizer={"class_name": "L1", "config": {"l1": 0.03}},
)
CONSTRAINTS = dict(
    kernel_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": 0}},
    recurrent_constraint={"class_name": "UnitNorm", "config": {"axis": 1}},
    bias_constraint={
        "class_name": "MinMaxNorm",
        "config": {"min_value": 0.2, "max_value": 0.4, "rate": 0.7, "axis": 0},
    },
)


def _keras_counts(kl):
    tr = sum(int(np.prod(w.shape)) for w in kl.trainable_weights)
    nt = sum(int(np.prod(w.shape)) for w in kl.non_trainable_weights)
    return tr, nt


@pytest.mark.parametrize("name,kw", WEIGHT_ROWS)
def test_rnn_weights(keras, K, name, kw):
    rng = np.random.default_rng(7)
    f = 3
    kl = getattr(keras.layers, name)(**kw, **REGS, **CONSTRAINTS)
    kl.build((2, 5, f) if "Cell" not in name else (2, f))
    ws = rand_weights(kl, rng)
    layer = getattr(K, name)(f, **kw, **REGS, **CONSTRAINTS)
    assert K.count_params(layer) == _keras_counts(kl)
    layer.load_keras(ws)
    for a, b in zip(layer.keras_arrays(), ws):
        assert a.shape == b.shape and np.array_equal(a, b)  # exact: transposes and permutations only
    # regularization: Keras's penalties of the same weights (layer.losses after a call)
    kl(
        np.zeros((2, 5, f) if "Cell" not in name else (2, f), np.float32),
        *([] if "Cell" not in name else [kl.get_initial_state(2)]),
    )
    want = float(sum(np.asarray(v) for v in kl.losses))
    got = float(layer.regularization_loss())
    # sums of <= 3*4*12 terms of size <= ~3 in float32: relative error <= n*U
    assert abs(got - want) <= 200 * U * abs(want) + 1e-6
    # constraints: Keras's constraint on each weight vs apply_constraints
    layer.apply_constraints()
    cons = {
        "kernel": kl.kernel_constraint,
        "recurrent_kernel": kl.recurrent_constraint,
        "bias": kl.bias_constraint,
    }
    cell = getattr(kl, "cell", kl)
    cons = {
        "kernel": cell.kernel_constraint,
        "recurrent_kernel": cell.recurrent_constraint,
        "bias": cell.bias_constraint,
    }
    for (wname, *_), got_w, w in zip(layer._views(), layer.keras_arrays(), ws):
        want_w = np.asarray(cons[wname](keras.ops.convert_to_tensor(w)))
        # a norm of <= 12 terms, a division and a product: a few U relative
        assert np.abs(got_w - want_w).max() <= 64 * U * max(1.0, np.abs(want_w).max()), wname


def test_rnn_initializers(K):
    """Keras's initial distributions, drawn at construction (statistics with 5-sigma bounds)."""
    f, u = 40, 30
    layer = K.LSTM(f, u)
    kernel, rec, bias = layer.keras_arrays()
    _check_uniform(kernel, np.sqrt(6 / (f + 4 * u)))  # glorot_uniform over (f, 4u)
    # orthogonal over the whole (u, 4u) recurrent kernel: orthonormal rows
    np.testing.assert_allclose(rec @ rec.T, np.eye(u), atol=1e-5)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(u), np.ones(u), np.zeros(2 * u)])  # unit_forget_bias
    gru = K.GRU(f, u, bias_initializer={"class_name": "Constant", "config": {"value": 0.25}})
    k, r, b = gru.keras_arrays()
    _check_uniform(k, np.sqrt(6 / (f + 3 * u)))
    np.testing.assert_allclose(r @ r.T, np.eye(u), atol=1e-5)
    assert b.shape == (2, 3 * u) and np.all(b == 0.25)
    # identity recurrent kernel: Keras's eye over (u, 3u) lands on its first (z) gate
    gru = K.GRU(f, u, recurrent_initializer="identity")
    np.testing.assert_array_equal(gru.keras_arrays()[1], np.eye(u, 3 * u))
    rnn = K.SimpleRNN(f, u, kernel_initializer="he_normal")
    k = rnn.keras_arrays()[0]
    std = np.sqrt(2 / f)  # he_normal: truncated normal, std sqrt(2/fan_in) after truncation at 2 sigma
    assert np.abs(k).max() <= 2 * std / 0.87962566103423978 + 1e-6
    _check_mean_std(k, std)
    conv = K.ConvLSTM2D(5, 6, 3)
    k, r, b = conv.keras_arrays()
    assert k.shape == (3, 3, 5, 24) and r.shape == (3, 3, 6, 24)
    _check_uniform(k, np.sqrt(6 / (9 * 5 + 9 * 24)))  # conv fans include the receptive field
    flat = r.reshape(-1, 24)  # orthogonal over (prod(shape[:-1]), shape[-1]): orthonormal columns
    np.testing.assert_allclose(flat.T @ flat, np.eye(24), atol=1e-5)


def _check_uniform(a, limit):
    """U(-L, L): |a| <= L; mean within 5 sd (sd L/sqrt(3n)); variance L^2/3 within 5 sd of the
    sample variance (sd L^2 * sqrt(4/(45 n)))."""
    a = np.asarray(a, np.float64).ravel()
    n = a.size
    assert np.abs(a).max() <= limit * (1 + 1e-6)
    assert abs(a.mean()) <= 5 * limit / np.sqrt(3 * n)
    assert abs(a.var() - limit**2 / 3) <= 5 * limit**2 * np.sqrt(4 / (45 * n))


def _check_mean_std(a, std):
    """mean within 5 sd (std/sqrt(n)); sample std within 5 sd of its estimate (~std/sqrt(2n))
    plus the Keras truncation's exact scale (its std after truncation is `std`)."""
    a = np.asarray(a, np.float64).ravel()
    n = a.size
    assert abs(a.mean()) <= 5 * std / np.sqrt(n)
    assert abs(a.std() - std) <= 5 * std / np.sqrt(2 * n)
