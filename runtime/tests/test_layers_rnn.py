"""graphc_runtime.torch.layers recurrent and attention layers against real Keras (TensorFlow
backend, CPU): forward outputs (masks, states, dropout with masks shared with Keras), parameter
counts, keras_arrays round trips, regularization and constraints, initial distributions.

Every Keras layer gets random weights (biases too) before they are copied, so a wrong gate
order or a dropped bias cannot hide behind Keras's zero initial biases.  Each case runs twice:
Keras and torch in float32, and Keras (dtype="float64") and torch (.double()) in float64 on
the same float32-representable weights and inputs.  The float64 run checks the semantics to
~1e-10 (~1e-4 for MultiHeadAttention/GroupQueryAttention and gelu, where Keras rounds a
constant to float32 even in float64, allowed for in their bounds); the float32 run checks the
float32 path, under the same worst-case bounds, which are loose (up to ~1) for the longest or
stacked recurrences.

Tolerances (unit roundoff u: 2**-24 in float32, 2**-53 in float64).  A dot product of n terms
is off by at most gamma_n * sum|w_i a_i| <= n*u*S (Higham, Accuracy and Stability of
Numerical Algorithms, 3.1), S bounding sum|w_i a_i|; the two implementations round
independently, so they differ by at most twice that.  Elementwise steps (activations, gates,
products) add a few u*|y| each (16 allowed); tanh and sigmoid are 1-Lipschitz.  In a
recurrence an error in the state reaches the next step through the recurrent kernel:
amplified at most by g = 1 + 2*||R|| (||R||: the largest column abs-sum of Keras's recurrent
kernel, the 2 covering the gates and the carry), so after T steps the error is at most
e * (1 + g + ... + g**(T-1)).  `rnn_tol` writes that out; `dense_tol` is one step.  The
attention bound (`mha_tol`) chains the projections, the scores, the softmax (its Jacobian maps
a logit error d to at most 2*|d| in the 1-norm) and the weighted sums.  Wrong semantics (a gate
order, a mask rule, a missing bias) move outputs by 1e-2 or more.
"""

from __future__ import annotations

import copy
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow

U = {"float32": 2.0**-24, "float64": 2.0**-53}
TORCH = {"float32": torch.float32, "float64": torch.float64}


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


# ------------------------------------------------------------------ helpers
def colsum(a) -> float:
    """max_j sum_i |a_ij| of a Keras kernel flattened to (inputs, outputs)."""
    a = np.asarray(a, dtype=np.float64)
    return float(np.abs(a.reshape(-1, a.shape[-1])).sum(0).max()) if a.size else 0.0


def amax(*arrays) -> float:
    return max([0.0] + [float(np.abs(np.asarray(a, np.float64)).max()) for a in arrays if np.asarray(a).size])


def rnn_tol(u, n, s, g, steps, y=1.0):
    """|torch - keras| after `steps` steps: per step 2*(n*u*s + 16*u*y) (two implementations;
    n-term dot products bounded by s; 16 elementwise roundings of values bounded by y), carried
    through the recurrence with gain g (module docstring)."""
    e = 2 * (n * u * s + 16 * u * y)
    g = max(g, 1.0)
    return e * (steps if g == 1.0 else (g**steps - 1) / (g - 1))


def dense_tol(u, n, s, y=1.0):
    return rnn_tol(u, n, s, 1.0, 1, y)


def rand_weights(kl, rng):
    """Random normal weights for a built Keras layer: recurrent kernels sd 0.1 (a contracting
    recurrence keeps the bound of rnn_tol meaningful), the others sd 0.5, biases included."""
    ws = []
    for w in kl.weights:
        sd = 0.1 if "recurrent" in w.path else 0.5
        ws.append(rng.normal(0, sd, tuple(w.shape)).astype(np.float32))
    return ws


def to_np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


def as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def compare(got, want, tol, what=""):
    got, want = as_list(got), as_list(want)
    assert len(got) == len(want), f"{what}: {len(got)} outputs, Keras {len(want)}"
    for i, (a, b) in enumerate(zip(got, want)):
        a, b = to_np(a).astype(np.float64), np.asarray(b, np.float64)
        assert a.shape == b.shape, f"{what} output {i}: shape {a.shape}, Keras {b.shape}"
        err = float(np.abs(a - b).max()) if a.size else 0.0
        if os.environ.get("SHOW_ERR"):
            print(f"{what} [{i}] err={err:.2e} tol={tol:.2e}")
        assert err <= tol, f"{what} output {i}: max |diff| {err:.3g} > tol {tol:.3g}"


def parity(make_keras, call_keras, layer, call_torch, tol, rng, what, ws=None):
    """Keras's layer in float32 and float64 with the same random weights, copied into `layer`
    (float32) and a float64 copy of it; compares call_keras(kl, dtype) with
    call_torch(layer, dtype) within tol(u, ws, keras outputs).  Returns the weights."""
    for dtype in ("float32", "float64"):
        kl = make_keras(dtype)
        call_keras(kl, dtype)  # builds the weights
        if ws is None:
            ws = rand_weights(kl, rng)
        kl.set_weights(ws)
        want = [np.asarray(w) for w in as_list(call_keras(kl, dtype))]
        if dtype == "float32":
            layer.load_keras(ws)
            tl = layer
        else:
            tl = copy.deepcopy(layer).double()
        got = call_torch(tl, dtype)
        compare(got, want, tol(U[dtype], ws, want), f"{what} {dtype}")
    return ws


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


def tmask(mask):
    return None if mask is None else torch.from_numpy(np.asarray(mask))


def tt(a, dtype):
    return torch.from_numpy(np.asarray(a, dtype=np.float64)).to(TORCH[dtype])


def seed_of(*parts):
    return sum(ord(c) * (i + 1) for i, c in enumerate(repr(parts))) % 2**31


def cell_tol(cells_ws, x, y, steps, parallel=False):
    """rnn_tol for one cell, a stack of cells (one recurrence: a state error reaches the next
    step through the recurrent kernels and, within a step, the next cells through their
    kernels), or with parallel=True independent layers (Bidirectional: the sum of their bounds,
    times the outputs' size for merge_mode="mul")."""

    def one(u, parts, outs):
        n = s = r = 0.0
        xm = amax(x)
        ym = max(1.0, amax(*outs), y)
        for i, (k, rk, b) in enumerate(parts):
            n += k.shape[0] + rk.shape[0] + 2
            s += xm * colsum(k) + ym * colsum(rk) + 2 * amax(b)
            r += colsum(rk) + (colsum(k) if i else 0.0)
            xm = ym
        return rnn_tol(u, n, s, 1 + 2 * r, steps, ym)

    def f(u, ws, outs):
        parts = cells_ws(ws)
        if not parallel:
            return one(u, parts, outs)
        return max(1.0, amax(*outs)) * sum(one(u, [p], outs) for p in parts)

    return f


def split_cells(*use_bias):
    """A function splitting Keras weights into (kernel, recurrent kernel, bias) per cell or
    layer, in order; `use_bias` per cell."""

    def f(ws):
        out, i = [], 0
        for b in use_bias:
            out.append((ws[i], ws[i + 1], ws[i + 2] if b else np.zeros(0)))
            i += 3 if b else 2
        assert i == len(ws)
        return out

    return f


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
    ("LSTM", dict(units=2, return_sequences=True), (2, 1, 3), None, False),
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
    ("GRU", dict(units=3, go_backwards=True, return_state=True), (4, 6, 3), "post", False),
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


def _keras_rnn(keras, name, kw, dtype):
    kw = dict(kw)
    zero = kw.pop("zero_output_for_mask", False)
    kl = getattr(keras.layers, name)(**kw, dtype=dtype)
    kl.zero_output_for_mask = zero
    return kl


@pytest.mark.parametrize("name,kw,shape,mask_kind,with_state", RNN_ROWS)
def test_rnn_forward(keras, K, name, kw, shape, mask_kind, with_state):
    rng = np.random.default_rng(seed_of(name, kw, shape, mask_kind))
    x = rng.normal(0, 1, shape).astype(np.float32)
    mask = make_mask(mask_kind, shape[0], shape[1], rng)
    n_states = 2 if name == "LSTM" else 1
    init = (
        [rng.normal(0, 0.5, (shape[0], kw["units"])).astype(np.float32) for _ in range(n_states)]
        if with_state
        else None
    )

    def call_keras(kl, dtype):
        return kl(
            x.astype(dtype),
            mask=None if mask is None else keras.ops.convert_to_tensor(mask),
            initial_state=None if init is None else [s.astype(dtype) for s in init],
        )

    def call_torch(layer, dtype):
        layer.eval()
        return layer(
            tt(x, dtype),
            mask=tmask(mask),
            initial_state=None if init is None else [tt(s, dtype) for s in init],
        )

    tol = cell_tol(split_cells(kw.get("use_bias", True)), x, amax(*(init or [])), shape[1])
    parity(
        lambda dt: _keras_rnn(keras, name, kw, dt),
        call_keras,
        getattr(K, name)(shape[-1], **kw, name="r"),
        call_torch,
        tol,
        rng,
        f"{name}{kw} mask={mask_kind}",
    )


# ------------------------------------------------------------------ dropout (masks shared with Keras)
DROPOUT_ROWS = [
    ("LSTM", dict(units=4, dropout=0.3, return_sequences=True)),  # one input mask: torch's kernel
    ("LSTM", dict(units=4, dropout=0.3, recurrent_dropout=0.4, return_state=True)),  # 4 + 4 masks
    ("LSTM", dict(units=3, recurrent_dropout=0.4, go_backwards=True, return_sequences=True)),
    ("GRU", dict(units=4, dropout=0.3, return_sequences=True)),
    ("GRU", dict(units=4, dropout=0.3, recurrent_dropout=0.4, return_sequences=True)),
    ("GRU", dict(units=4, dropout=0.3, recurrent_dropout=0.4, reset_after=False, return_sequences=True)),
    ("SimpleRNN", dict(units=4, dropout=0.3, recurrent_dropout=0.4, return_sequences=True)),
]


def _masks(rng, count, shape, rate):
    keep = 1 - rate
    return [(rng.random(shape) < keep).astype(np.float32) / np.float32(keep) for _ in range(count)]


def _inject(kl_cell, dp, rdp, dtype, single):
    import tensorflow as tf

    def conv(ms):
        if ms is None:
            return None
        ms = [tf.constant(m.astype(dtype)) for m in ms]
        return ms[0] if single else ms

    kl_cell._dropout_mask = conv(dp)
    kl_cell._recurrent_dropout_mask = conv(rdp)


def _fake_masks(queue):
    """A replacement for a layer's `_dropout_masks`: serves the prepared masks in call order
    (the input's, then the recurrent ones)."""

    def fake(like, rate, count):
        ms = queue.pop(0)
        if ms is None:
            return None
        assert len(ms) == count and ms[0].shape == tuple(like.shape), (
            len(ms),
            count,
            ms[0].shape,
            like.shape,
        )
        return [torch.from_numpy(m).to(like.dtype) for m in ms]

    return fake


@pytest.mark.parametrize("name,kw", DROPOUT_ROWS)
def test_rnn_dropout(keras, K, name, kw):
    rng = np.random.default_rng(seed_of(name, kw, "dropout"))
    n, t, f, units = 3, 5, 3, kw["units"]
    x = rng.normal(0, 1, (n, t, f)).astype(np.float32)
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[name]
    count = gates if kw.get("recurrent_dropout") else 1
    dp = _masks(rng, count, (n, f), kw["dropout"]) if kw.get("dropout") else None
    rdp = _masks(rng, count, (n, units), kw["recurrent_dropout"]) if kw.get("recurrent_dropout") else None
    single = count == 1

    def call_keras(kl, dtype):
        _inject(kl.cell, dp, rdp, dtype, single)
        return kl(x.astype(dtype), training=True)

    def call_torch(layer, dtype):
        layer.train()
        layer._dropout_masks = _fake_masks([dp, rdp])
        return layer(tt(x, dtype))

    parity(
        lambda dt: getattr(keras.layers, name)(**kw, dtype=dt),
        call_keras,
        getattr(K, name)(f, **kw),
        call_torch,
        cell_tol(split_cells(True), x, 0.0, t),
        rng,
        f"{name}{kw}",
    )


def test_rnn_dropout_eval_and_draws(K):
    """Out of training, dropout changes nothing; in training the masks are Keras's: one per
    sequence (the same for every step), entries 0 or 1/(1-rate), kept with probability 1-rate."""
    torch.manual_seed(0)
    layer = K.SimpleRNN(3, 4, dropout=0.25, recurrent_dropout=0.5)
    x = torch.randn(2, 5, 3)
    ref = K.SimpleRNN(3, 4)
    ref.load_keras(layer.keras_arrays())
    layer.eval()
    assert torch.equal(layer(x), ref(x))
    layer.train()
    m = layer._dropout_masks(torch.ones(20000, 3), 0.25, 4)
    assert len(m) == 4 and m[0].shape == (20000, 3)
    vals = torch.unique(torch.cat(m))
    assert set(vals.tolist()) <= {0.0, float(np.float32(1) / np.float32(0.75))}
    kept = float((torch.cat(m) > 0).double().mean())
    # 240000 Bernoulli(0.75) draws: sd sqrt(0.75*0.25/240000) = 8.8e-4; 5 sd
    assert abs(kept - 0.75) < 5 * 8.8e-4


# ------------------------------------------------------------------ weights, penalties, constraints
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
    ("ConvLSTM2D", dict(filters=2, kernel_size=(3, 2))),
    ("ConvLSTM1D", dict(filters=3, kernel_size=2, use_bias=False)),
]

REGS = dict(
    kernel_regularizer={"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}},
    recurrent_regularizer="l2",
    bias_regularizer={"class_name": "L1", "config": {"l1": 0.03}},
)
CONSTRAINTS = dict(
    kernel_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": 0}},
    recurrent_constraint={"class_name": "UnitNorm", "config": {"axis": 0}},  # other axes: refused
    bias_constraint={
        "class_name": "MinMaxNorm",
        "config": {"min_value": 0.2, "max_value": 0.4, "rate": 0.7, "axis": 0},
    },
)


def keras_counts(kl):
    tr = sum(int(np.prod(w.shape)) for w in kl.trainable_weights)
    nt = sum(int(np.prod(w.shape)) for w in kl.non_trainable_weights)
    return tr, nt


def _reg_and_constraint_checks(keras, layer, kl, ws, constraint_of):
    """keras_arrays round trip; regularization_loss vs Keras's layer.losses; apply_constraints
    vs Keras's constraint objects on the same weights."""
    layer.load_keras(ws)
    for a, b in zip(layer.keras_arrays(), ws):
        assert a.shape == b.shape and np.array_equal(a, b)  # exact: transposes and permutations only
    want = float(sum(np.asarray(v, np.float64) for v in kl.losses))
    got = float(layer.regularization_loss().detach())
    # a sum of m terms (m = the weights' size) of float32 values: relative error <= 2*m*u
    m = sum(w.size for w in ws)
    assert abs(got - want) <= 2 * m * U["float32"] * abs(want) + 1e-12
    layer.apply_constraints()
    for (wname, *_), got_w, w in zip(layer._views(), layer.keras_arrays(), ws):
        cons = constraint_of(wname)
        want_w = np.asarray(cons(keras.ops.convert_to_tensor(w))) if cons is not None else w
        # a norm of <= w.shape[axis] terms, a division, a product: (n + 4) u relative
        n = max(w.shape) + 4
        assert np.abs(got_w - want_w).max() <= 2 * n * U["float32"] * max(1.0, amax(want_w)), wname


@pytest.mark.parametrize("name,kw", WEIGHT_ROWS)
def test_rnn_weights(keras, K, name, kw):
    rng = np.random.default_rng(seed_of(name, kw, "weights"))
    f = 3
    kl = getattr(keras.layers, name)(**kw, **REGS, **CONSTRAINTS)
    if name.startswith("ConvLSTM"):
        rank = int(name[-2])
        x = rng.normal(0, 1, (2, 3) + (5,) * rank + (f,)).astype(np.float32)
        kl(x)
    elif "Cell" in name:
        x = rng.normal(0, 1, (2, f)).astype(np.float32)
        kl(x, kl.get_initial_state(2))
    else:
        x = rng.normal(0, 1, (2, 5, f)).astype(np.float32)
        kl(x)
    ws = rand_weights(kl, rng)
    kl.set_weights(ws)
    # Keras's `losses` has the weight penalties of the current weights
    layer = getattr(K, name)(f, **kw, **REGS, **CONSTRAINTS)
    assert K.count_params(layer) == keras_counts(kl)
    cell = getattr(kl, "cell", kl)
    cons = {
        "kernel": cell.kernel_constraint,
        "recurrent_kernel": cell.recurrent_constraint,
        "bias": cell.bias_constraint,
    }
    _reg_and_constraint_checks(keras, layer, kl, ws, cons.get)


def test_rnn_initializers(K):
    """Keras's initial distributions, drawn at construction (statistics with 5-sigma bounds)."""
    f, u = 40, 30
    kernel, rec, bias = K.LSTM(f, u).keras_arrays()
    check_uniform(kernel, np.sqrt(6 / (f + 4 * u)))  # glorot_uniform over (f, 4u)
    # orthogonal over the whole (u, 4u) recurrent kernel: orthonormal rows (float32: 1e-5)
    np.testing.assert_allclose(rec @ rec.T, np.eye(u), atol=1e-5)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(u), np.ones(u), np.zeros(2 * u)])  # unit_forget_bias
    k, r, b = K.GRU(
        f, u, bias_initializer={"class_name": "Constant", "config": {"value": 0.25}}
    ).keras_arrays()
    check_uniform(k, np.sqrt(6 / (f + 3 * u)))
    np.testing.assert_allclose(r @ r.T, np.eye(u), atol=1e-5)
    assert b.shape == (2, 3 * u) and np.all(b == 0.25)
    # identity recurrent kernel: Keras's eye over (u, 3u) lands on its first (z) gate
    np.testing.assert_array_equal(
        K.GRU(f, u, recurrent_initializer="identity").keras_arrays()[1], np.eye(u, 3 * u)
    )
    k = K.SimpleRNN(f, u, kernel_initializer="he_normal").keras_arrays()[0]
    std = np.sqrt(2 / f)  # he_normal: truncated at 2 sd of sqrt(2/fan_in)/0.8796, whose sd is sqrt(2/fan_in)
    assert np.abs(k).max() <= 2 * std / 0.87962566103423978 * (1 + 1e-6)
    check_mean_std(k, std)
    k, r, b = K.ConvLSTM2D(5, 6, 3).keras_arrays()
    assert k.shape == (3, 3, 5, 24) and r.shape == (3, 3, 6, 24)
    check_uniform(k, np.sqrt(6 / (9 * 5 + 9 * 24)))  # conv fans include the receptive field
    flat = r.reshape(-1, 24)  # orthogonal over (prod(shape[:-1]), shape[-1]): orthonormal columns
    np.testing.assert_allclose(flat.T @ flat, np.eye(24), atol=1e-5)
    np.testing.assert_array_equal(b, np.r_[np.zeros(6), np.ones(6), np.zeros(12)])
    k, r, b = K.LSTMCell(f, u, bias_initializer="ones", unit_forget_bias=False).keras_arrays()
    check_uniform(k, np.sqrt(6 / (f + 4 * u)))
    assert np.all(b == 1)


def check_uniform(a, limit):
    """U(-L, L): |a| <= L; mean within 5 sd (sd L/sqrt(3n)); the sample variance within 5 sd
    of L^2/3 (sd L^2 * sqrt(4/(45 n)))."""
    a = np.asarray(a, np.float64).ravel()
    n = a.size
    assert np.abs(a).max() <= limit * (1 + 1e-6)
    assert abs(a.mean()) <= 5 * limit / np.sqrt(3 * n)
    assert abs(a.var() - limit**2 / 3) <= 5 * limit**2 * np.sqrt(4 / (45 * n))


def check_mean_std(a, std):
    """Mean within 5 sd (std/sqrt(n)); sample sd within 5 sd of its estimate (<= std/sqrt(2n)
    for the truncated normal, lighter-tailed than the normal)."""
    a = np.asarray(a, np.float64).ravel()
    n = a.size
    assert abs(a.mean()) <= 5 * std / np.sqrt(n)
    assert abs(a.std() - std) <= 5 * std / np.sqrt(2 * n)


def test_rnn_unsupported(K):
    for cls in (K.LSTM, K.GRU, K.SimpleRNN):
        with pytest.raises(NotImplementedError, match="stateful"):
            cls(3, 4, stateful=True)
        with pytest.raises(NotImplementedError, match="dropout"):
            cls(3, 4, dropout=1.0)
    with pytest.raises(NotImplementedError, match="stateful"):
        K.ConvLSTM2D(3, 2, 3, stateful=True)
    with pytest.raises(NotImplementedError, match="stateful"):
        K.RNN(K.LSTMCell(3, 2), stateful=True)
    with pytest.raises(NotImplementedError, match="regularizer"):
        K.LSTM(3, 4, kernel_regularizer="orthogonal_regularizer")
    with pytest.raises(ValueError, match="go_backwards"):
        K.Bidirectional(K.LSTM(3, 4, go_backwards=True))


# ------------------------------------------------------------------ cells, RNN(cell), StackedRNNCells
CELL_ROWS = [
    ("LSTMCell", dict(units=4)),
    ("GRUCell", dict(units=3)),
    ("GRUCell", dict(units=3, reset_after=False, activation="relu")),
    ("SimpleRNNCell", dict(units=3, activation="sigmoid")),
]


@pytest.mark.parametrize("name,kw", CELL_ROWS)
def test_cell_call(keras, K, name, kw):
    """A cell called on one step: (output, new states), as Keras's cell call."""
    rng = np.random.default_rng(seed_of(name, kw, "cell"))
    f, units = 3, kw["units"]
    x = rng.normal(0, 1, (2, f)).astype(np.float32)
    n_states = 2 if name == "LSTMCell" else 1
    st = [rng.normal(0, 0.5, (2, units)).astype(np.float32) for _ in range(n_states)]

    def call_keras(kl, dtype):
        out, new = kl(x.astype(dtype), [s.astype(dtype) for s in st])
        return [out, *new]

    def call_torch(layer, dtype):
        out, new = layer(tt(x, dtype), [tt(s, dtype) for s in st])
        return [out, *new]

    parity(
        lambda dt: getattr(keras.layers, name)(**kw, dtype=dt),
        call_keras,
        getattr(K, name)(f, **kw),
        call_torch,
        cell_tol(split_cells(True), x, 1.0, 1),
        rng,
        f"{name}{kw}",
    )


# (cells as (name, kwargs), RNN kwargs, mask kind, initial state?)
RNN_CELL_ROWS = [
    ([("LSTMCell", dict(units=4))], dict(return_sequences=True, return_state=True), None, False),
    (
        [("GRUCell", dict(units=3, reset_after=False))],
        dict(return_state=True, zero_output_for_mask=True),
        "post",
        True,
    ),
    ([("SimpleRNNCell", dict(units=3))], dict(return_sequences=True, go_backwards=True), "holes", False),
    (
        [("LSTMCell", dict(units=4)), ("GRUCell", dict(units=3)), ("SimpleRNNCell", dict(units=2))],
        dict(return_sequences=True, return_state=True),
        "holes",
        True,
    ),
    (
        [("GRUCell", dict(units=3)), ("LSTMCell", dict(units=2))],
        dict(return_state=True, go_backwards=True),
        "pre",
        False,
    ),
    (
        [
            ("LSTMCell", dict(units=3, dropout=0.3, recurrent_dropout=0.4)),
            ("GRUCell", dict(units=2, dropout=0.2)),
        ],
        dict(return_sequences=True),
        None,
        False,
    ),
]


@pytest.mark.parametrize("cells,kw,mask_kind,with_state", RNN_CELL_ROWS)
def test_rnn_cell_layer(keras, K, cells, kw, mask_kind, with_state):
    rng = np.random.default_rng(seed_of(cells, kw, mask_kind))
    n, t, f = 4, 5, 3
    x = rng.normal(0, 1, (n, t, f)).astype(np.float32)
    mask = make_mask(mask_kind, n, t, rng)
    sizes = [2 if c == "LSTMCell" else 1 for c, _ in cells]
    init = None
    if with_state:
        init = [
            [rng.normal(0, 0.5, (n, ck["units"])).astype(np.float32) for _ in range(s)]
            for (_, ck), s in zip(cells, sizes)
        ]
    # dropout masks, shared: per cell (input, recurrent), one per gate with recurrent_dropout
    drops, in_dim = [], f
    for c, ck in cells:
        gates = {"LSTMCell": 4, "GRUCell": 3, "SimpleRNNCell": 1}[c]
        count = gates if ck.get("recurrent_dropout") else 1
        dp = _masks(rng, count, (n, in_dim), ck["dropout"]) if ck.get("dropout") else None
        rdp = (
            _masks(rng, count, (n, ck["units"]), ck["recurrent_dropout"])
            if ck.get("recurrent_dropout")
            else None
        )
        drops.append((dp, rdp, count == 1))
        in_dim = ck["units"]
    training = any(d[0] is not None or d[1] is not None for d in drops)

    def make_keras(dtype):
        ks = [getattr(keras.layers, c)(**ck, dtype=dtype) for c, ck in cells]
        # an explicit StackedRNNCells: RNN([cells]) makes one in float32, which casts float64 steps
        cell = keras.layers.StackedRNNCells(ks, dtype=dtype) if len(ks) > 1 else ks[0]
        return keras.layers.RNN(cell, **kw, dtype=dtype)

    def call_keras(kl, dtype):
        kcells = kl.cell.cells if len(cells) > 1 else [kl.cell]
        for kc, (dp, rdp, single) in zip(kcells, drops):
            _inject(kc, dp, rdp, dtype, single)
        st = None
        if init is not None:
            st = [[s.astype(dtype) for s in cs] for cs in init]
            st = st if len(cells) > 1 else st[0]
        out = kl(
            x.astype(dtype),
            mask=None if mask is None else keras.ops.convert_to_tensor(mask),
            initial_state=st,
            training=training,
        )
        return keras.tree.flatten(out)  # the nested per-cell states, flattened

    tcells, in_dim = [], f
    for c, ck in cells:
        tcells.append(getattr(K, c)(in_dim, **ck))
        in_dim = ck["units"]
    layer = K.RNN(tcells if len(tcells) > 1 else tcells[0], **kw)

    def call_torch(layer, dtype):
        layer.train(training)
        tc = layer.cell.cells if len(cells) > 1 else [layer.cell]
        for c, (dp, rdp, _) in zip(tc, drops):
            c._dropout_masks = _fake_masks([dp, rdp])
        st = None if init is None else [tt(s, dtype) for cs in init for s in cs]
        return layer(tt(x, dtype), mask=tmask(mask), initial_state=st)

    tol = cell_tol(split_cells(*[True] * len(cells)), x, amax(*[s for cs in init or [] for s in cs]), t)
    parity(make_keras, call_keras, layer, call_torch, tol, rng, f"RNN{cells}{kw}")
    kl = make_keras("float32")
    kl(x)
    assert K.count_params(layer) == keras_counts(kl)


# ------------------------------------------------------------------ Bidirectional
# (inner layer name, kwargs, Bidirectional kwargs, backward layer kwargs or None, mask, initial state?)
BIDI_ROWS = [
    ("LSTM", dict(units=4, return_sequences=True), dict(), None, "post", False),
    ("LSTM", dict(units=3), dict(merge_mode="sum"), None, "post", False),
    (
        "GRU",
        dict(units=3, return_sequences=True, return_state=True),
        dict(merge_mode="ave"),
        None,
        "holes",
        True,
    ),
    ("GRU", dict(units=3, return_state=True), dict(merge_mode=None), None, "pre", False),
    ("SimpleRNN", dict(units=3, return_sequences=True), dict(merge_mode="mul"), None, None, False),
    (
        "LSTM",
        dict(units=3, return_sequences=True, return_state=True),
        dict(merge_mode=None),
        None,
        None,
        True,
    ),
    (
        "LSTM",
        dict(units=3, return_sequences=True),
        dict(),
        dict(units=3, activation="relu", return_sequences=True, go_backwards=True),
        "post",
        False,
    ),
    ("GRU", dict(units=4, reset_after=False), dict(merge_mode="concat"), None, "empty", False),
]


@pytest.mark.parametrize("name,kw,bkw,back,mask_kind,with_state", BIDI_ROWS)
def test_bidirectional(keras, K, name, kw, bkw, back, mask_kind, with_state):
    rng = np.random.default_rng(seed_of(name, kw, bkw, back, mask_kind))
    n, t, f = 4, 5, 3
    x = rng.normal(0, 1, (n, t, f)).astype(np.float32)
    mask = make_mask(mask_kind, n, t, rng)
    n_states = 2 if name == "LSTM" else 1
    init = (
        [rng.normal(0, 0.5, (n, kw["units"])).astype(np.float32) for _ in range(2 * n_states)]
        if with_state
        else None
    )

    def make_keras(dtype):
        inner = getattr(keras.layers, name)(**kw, dtype=dtype)
        b = getattr(keras.layers, name)(**back, dtype=dtype) if back else None
        return keras.layers.Bidirectional(inner, backward_layer=b, **bkw, dtype=dtype)

    def call_keras(kl, dtype):
        return kl(
            x.astype(dtype),
            mask=None if mask is None else keras.ops.convert_to_tensor(mask),
            initial_state=None if init is None else [s.astype(dtype) for s in init],
        )

    inner = getattr(K, name)(f, **kw, name="inner")
    b = getattr(K, name)(f, **back) if back else None
    layer = K.Bidirectional(inner, backward_layer=b, **bkw, name="bidi")
    assert layer.forward_layer.name == "forward_inner"

    def call_torch(layer, dtype):
        layer.eval()
        return layer(
            tt(x, dtype),
            mask=tmask(mask),
            initial_state=None if init is None else [tt(s, dtype) for s in init],
        )

    tol = cell_tol(split_cells(True, True), x, amax(*(init or [])), t, parallel=True)
    parity(make_keras, call_keras, layer, call_torch, tol, rng, f"Bidirectional({name}{kw}){bkw}")
    kl = make_keras("float32")
    call_keras(kl, "float32")
    assert K.count_params(layer) == keras_counts(kl)


def test_bidirectional_fresh_backward_weights(K):
    layer = K.Bidirectional(K.LSTM(3, 4))
    f, b = layer.keras_arrays()[:3], layer.keras_arrays()[3:]
    assert not np.array_equal(f[0], b[0])  # the backward copy draws its own weights
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards


def test_module_functions_count_wrapped(K):
    model = torch.nn.Module()
    model.bidi = K.Bidirectional(K.GRU(3, 4, reset_after=False), name="bidi")
    model.td = K.TimeDistributed(K.Dense(3, 2), name="td")
    # Keras: 2 * (3*12 + 4*12 + 12) + (3*2 + 2); torch's frozen second GRU biases are not counted
    assert K.count_params(model) == (2 * (36 + 48 + 12) + 8, 0)


def test_module_functions_load_wrapped(K):
    """A wrapper's sub-layers are its own business: weights by the wrapper's name."""
    model = torch.nn.Module()
    model.bidi = K.Bidirectional(K.LSTM(3, 4), name="bidi")
    weights = K.keras_weights(model)
    assert list(weights) == ["bidi"]
    K.load_keras_weights(model, weights)


# ------------------------------------------------------------------ TimeDistributed
@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 3, 5, 3)])
def test_time_distributed_dense(keras, K, shape):
    rng = np.random.default_rng(seed_of(shape))
    x = rng.normal(0, 1, shape).astype(np.float32)

    def tol(u, ws, outs):
        return dense_tol(u, 4, amax(x) * colsum(ws[0]) + amax(ws[1]), amax(*outs))

    parity(
        lambda dt: keras.layers.TimeDistributed(keras.layers.Dense(4, activation="tanh", dtype=dt), dtype=dt),
        lambda kl, dt: kl(x.astype(dt)),
        K.TimeDistributed(K.Dense(3, 4, activation="tanh")),
        lambda layer, dt: layer(tt(x, dt)),
        tol,
        rng,
        f"TimeDistributed(Dense) {shape}",
    )


def test_time_distributed_lstm_mask(keras, K):
    """TimeDistributed(LSTM) over (N, T1, T2, F) with a (N, T1, T2) mask: each outer step's
    mask reaches the LSTM."""
    rng = np.random.default_rng(12)
    n, t1, t2, f = 3, 2, 5, 3
    x = rng.normal(0, 1, (n, t1, t2, f)).astype(np.float32)
    mask = np.stack([make_mask("holes", n, t2, rng) for _ in range(t1)], 1)
    parity(
        lambda dt: keras.layers.TimeDistributed(
            keras.layers.LSTM(3, return_sequences=True, dtype=dt), dtype=dt
        ),
        lambda kl, dt: kl(x.astype(dt), mask=keras.ops.convert_to_tensor(mask)),
        K.TimeDistributed(K.LSTM(f, 3, return_sequences=True)),
        lambda layer, dt: layer(tt(x, dt), mask=tmask(mask)),
        cell_tol(split_cells(True), x, 1.0, t2),
        rng,
        "TimeDistributed(LSTM)",
    )


def test_time_distributed_batch_statistics(keras, K):
    """In training, a layer with running statistics runs once per timestep, as Keras (each
    step its own batch statistics; the moving mean updated T times).  torch's BatchNorm1d
    normalizes with the biased variance like Keras; its moving mean follows Keras's with
    momentum 1 - Keras's momentum."""
    rng = np.random.default_rng(13)
    x = rng.normal(1, 2, (4, 3, 5)).astype(np.float32)
    kl = keras.layers.TimeDistributed(keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3))
    want = np.asarray(kl(x, training=True))
    bn = torch.nn.BatchNorm1d(5, eps=1e-3, momentum=0.1)
    layer = K.TimeDistributed(bn)
    layer.train()
    got = layer(torch.from_numpy(x))
    # (x - mean) / sqrt(var + eps) over 4 samples: a few u relative to |y| <= sqrt(3)
    compare(got, want, 64 * U["float32"] * 2)
    mm = np.asarray(kl.layer.moving_mean)
    assert np.abs(bn.running_mean.numpy() - mm).max() <= 64 * U["float32"] * amax(x)
    folded = K.TimeDistributed(torch.nn.BatchNorm1d(5, eps=1e-3))
    folded.eval()
    assert folded(torch.from_numpy(x)).shape == (4, 3, 5)


# ------------------------------------------------------------------ ConvLSTM
# (rank, kwargs, (N, T, *spatial, C) Keras shape, mask kind)
CONV_ROWS = [
    (1, dict(filters=3, kernel_size=3, padding="same", return_sequences=True), (2, 4, 7, 2), None),
    (
        2,
        dict(filters=2, kernel_size=(3, 2), strides=2, padding="same", return_state=True),
        (2, 3, 7, 5, 2),
        None,
    ),
    (2, dict(filters=2, kernel_size=3, dilation_rate=2, return_sequences=True), (2, 3, 7, 6, 2), "holes"),
    (
        2,
        dict(filters=2, kernel_size=2, padding="same", go_backwards=True, return_sequences=True),
        (3, 4, 4, 5, 1),
        "post",
    ),
    (
        2,
        dict(filters=2, kernel_size=3, activation="relu", use_bias=False, unit_forget_bias=False),
        (2, 3, 5, 5, 2),
        None,
    ),
    (
        3,
        dict(filters=2, kernel_size=2, padding="same", strides=(1, 2, 1), return_sequences=True),
        (2, 3, 3, 4, 3, 2),
        None,
    ),
    (
        2,
        dict(filters=2, kernel_size=3, padding="same", dropout=0.3, recurrent_dropout=0.4, return_state=True),
        (2, 3, 5, 4, 2),
        None,
    ),
]


def _cl(a, rank):
    """channels_last (N, T, *S, C) -> channels-first frames (N, T, C, *S)."""
    return np.moveaxis(a, -1, 2)


@pytest.mark.parametrize("rank,kw,shape,mask_kind", CONV_ROWS)
def test_conv_lstm(keras, K, rank, kw, shape, mask_kind):
    rng = np.random.default_rng(seed_of(rank, kw, shape, mask_kind))
    x = rng.normal(0, 1, shape).astype(np.float32)
    n, t, c = shape[0], shape[1], shape[-1]
    mask = make_mask(mask_kind, n, t, rng)
    name = f"ConvLSTM{rank}D"
    training = bool(kw.get("dropout") or kw.get("recurrent_dropout"))
    dp = rdp = None
    if training:
        probe = getattr(keras.layers, name)(**kw)
        out_spatial = probe.compute_output_shape(shape)
        out_spatial = (out_spatial[0] if kw.get("return_state") else out_spatial)[1:-1]
        dp = _masks(rng, 4, (n,) + shape[2:], kw["dropout"])
        rdp = _masks(rng, 4, (n,) + tuple(out_spatial[-rank:]) + (kw["filters"],), kw["recurrent_dropout"])

    def call_keras(kl, dtype):
        if training:
            _inject(kl.cell, dp, rdp, dtype, False)
        return kl(
            x.astype(dtype),
            mask=None if mask is None else keras.ops.convert_to_tensor(mask),
            training=training,
        )

    def call_torch(layer, dtype):
        layer.train(training)
        if training:
            layer._dropout_masks = _fake_masks(
                [[np.moveaxis(m, -1, 1).copy() for m in ms] for ms in (dp, rdp)]
            )
        outs = as_list(layer(tt(_cl(x, rank), dtype), mask=tmask(mask)))
        # back to Keras's channels_last for the comparison
        return [
            np.moveaxis(to_np(o), 2 if (i == 0 and kw.get("return_sequences")) else 1, -1)
            for i, o in enumerate(outs)
        ]

    def tol(u, ws, outs):
        k, r = ws[0], ws[1]
        b = ws[2] if len(ws) > 2 else np.zeros(0)
        y = max(1.0, amax(*outs))
        kk = int(np.prod(k.shape[:-2]))
        s = amax(x) * colsum(k) + y * colsum(r) + 2 * amax(b)
        return rnn_tol(u, kk * (c + kw["filters"]) + 2, s, 1 + 2 * colsum(r), t, y)

    layer = getattr(K, name)(c, **kw)
    parity(
        lambda dt: getattr(keras.layers, name)(**kw, dtype=dt),
        call_keras,
        layer,
        call_torch,
        tol,
        rng,
        f"{name}{kw}",
    )


def test_bidirectional_conv_lstm(keras, K):
    """Bidirectional over ConvLSTM1D concatenates on the channels (torch dimension 2 of the
    sequences)."""
    rng = np.random.default_rng(14)
    x = rng.normal(0, 1, (2, 3, 6, 2)).astype(np.float32)
    kw = dict(filters=2, kernel_size=3, padding="same", return_sequences=True)

    def call_torch(layer, dt):
        layer.eval()
        return np.moveaxis(to_np(layer(tt(_cl(x, 1), dt))), 2, -1)

    def tol(u, ws, outs):
        return rnn_tol(
            u, 3 * 4 + 2, amax(x) * colsum(ws[0]) + colsum(ws[1]) + 2 * amax(ws[2]), 1 + 2 * colsum(ws[1]), 3
        )

    parity(
        lambda dt: keras.layers.Bidirectional(keras.layers.ConvLSTM1D(**kw, dtype=dt), dtype=dt),
        lambda kl, dt: kl(x.astype(dt)),
        K.Bidirectional(K.ConvLSTM1D(2, **kw)),
        call_torch,
        tol,
        rng,
        "Bidirectional(ConvLSTM1D)",
    )


# ------------------------------------------------------------------ EinsumDense
# (equation, input shape without batch, output_shape, bias_axes, activation)
EINSUM_ROWS = [
    ("ab,bc->ac", (6,), 4, "c", None),
    ("abc,cd->abd", (5, 6), (None, 4), "d", "relu"),
    ("abc,cde->abde", (5, 6), (None, 3, 4), "de", None),
    ("abc,cde->abde", (5, 6), (None, 3, 4), "e", "gelu"),
    ("...b,bc->...c", (3, 5, 6), 4, "c", None),
    ("ab...,bc->ac...", (6, 3), (4,), "c", None),
    ("abcd,cde->abe", (2, 3, 4), (None, 5), None, "softmax"),
]


@pytest.mark.parametrize("eq,ishape,oshape,bias_axes,act", EINSUM_ROWS)
def test_einsum_dense(keras, K, eq, ishape, oshape, bias_axes, act):
    rng = np.random.default_rng(seed_of(eq, ishape, bias_axes))
    x = rng.normal(0, 1, (2,) + ishape).astype(np.float32)
    layer = K.EinsumDense(ishape, eq, oshape, activation=act, bias_axes=bias_axes)

    def tol(u, ws, outs):
        k = ws[0]
        n = int(np.prod(k.shape))  # a bound on the contraction length
        s = amax(x) * np.abs(k).sum() + (amax(ws[1]) if len(ws) > 1 else 0.0)
        extra = 0.0
        if act == "gelu":
            # TensorFlow's gelu divides by tf.cast(sqrt(2)), a float32 constant even in float64:
            # d/dc 0.5x(1 + erf(x/c)) is bounded by 0.4 x^2 / c, so 0.4 s^2 2^-24 / sqrt(2)
            extra = 0.4 * s * s * U["float32"]
        return dense_tol(u, n, s, max(1.0, amax(*outs))) + extra

    parity(
        lambda dt: keras.layers.EinsumDense(eq, oshape, activation=act, bias_axes=bias_axes, dtype=dt),
        lambda kl, dt: kl(x.astype(dt)),
        layer,
        lambda layer, dt: layer(tt(x, dt)),
        tol,
        rng,
        f"EinsumDense({eq})",
    )
    kl = keras.layers.EinsumDense(eq, oshape, activation=act, bias_axes=bias_axes)
    kl(x)
    assert K.count_params(layer) == keras_counts(kl)
    assert [a.shape for a in layer.keras_arrays()] == [tuple(w.shape) for w in kl.weights]


def test_einsum_dense_weights(keras, K):
    rng = np.random.default_rng(15)
    regs = dict(kernel_regularizer="l1", bias_regularizer={"class_name": "L2", "config": {"l2": 0.05}})
    cons = dict(
        kernel_constraint="non_neg",
        bias_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.3, "axis": 0}},
    )
    kl = keras.layers.EinsumDense("abc,cde->abde", (None, 3, 4), bias_axes="de", **regs, **cons)
    x = rng.normal(0, 1, (2, 5, 6)).astype(np.float32)
    kl(x)
    ws = rand_weights(kl, rng)
    kl.set_weights(ws)
    layer = K.EinsumDense((5, 6), "abc,cde->abde", (None, 3, 4), bias_axes="de", **regs, **cons)
    _reg_and_constraint_checks(
        keras, layer, kl, ws, {"kernel": kl.kernel_constraint, "bias": kl.bias_constraint}.get
    )
    # fans from the equation: kernel (6, 3, 4), input axis 0, output axes 1, 2
    big = K.EinsumDense((5, 60), "abc,cde->abde", (None, 30, 40))
    check_uniform(big.keras_arrays()[0], np.sqrt(6 / (60 + 30 * 40)))
    with pytest.raises(NotImplementedError, match="lora"):
        K.EinsumDense((6,), "ab,bc->ac", 4, lora_rank=2)


# ------------------------------------------------------------------ MultiHeadAttention, GroupQueryAttention
def mha_tol(x_q, x_v, x_k, proj_ws, out_w, n_s, kd, u_scale):
    """The attention chain of the module docstring, from the inputs and the Keras weights:
    projections q, k, v (errors eq, ek, ev), logits (kd-term dot products scaled by u_scale),
    softmax (1-norm error <= 2 * logit error + 4u), the n_s-term weighted sum of v, the output
    projection (its column abs-sums carry the error; its own dot products add theirs)."""

    def f(u, ws, outs):
        (wq, bq), (wk, bk), (wv, bv) = proj_ws(ws)
        wo, bo = out_w(ws)

        def proj(x, w, b):
            s = amax(x) * colsum(w.reshape(w.shape[0], -1)) + amax(b)
            return s, 2 * w.shape[0] * u * s  # magnitude bound, error

        q, eq = proj(x_q, wq, bq)
        k, ek = proj(x_k, wk, bk)
        v, ev = proj(x_v, wv, bv)
        el = u_scale * (kd * (q * ek + k * eq) + 2 * kd * u * q * k) + 4 * u * u_scale * kd * q * k
        # Keras multiplies by tf.cast(1/sqrt(key_dim)) of a Python float: a float32 constant even
        # in float64, relative error <= 2^-24 of the logits
        el += U["float32"] * u_scale * kd * q * k
        ep = 2 * el + 8 * u
        eo = ep * v + ev + 2 * n_s * u * v
        heads_v = wo.reshape(wo.shape[0] * wo.shape[1], -1)  # (heads * value_dim, *output_shape)
        s_out = v * colsum(heads_v) + amax(bo)
        return colsum(heads_v) * eo + 2 * heads_v.shape[0] * u * s_out + 16 * u * max(1.0, amax(*outs))

    return f


def _mha_ws(ws, use_bias, use_gate):
    per = 2 if use_bias else 1
    blocks = [ws[i : i + per] for i in range(0, len(ws), per)]
    if use_gate:
        blocks = blocks[:2] + blocks[3:]
    fill = [(b[0], b[1] if use_bias else np.zeros(0)) for b in blocks]
    return fill[:3], fill[3]


# (kwargs, query shape, value shape, key shape or None, call kwargs, masks)
MHA_ROWS = [
    (dict(num_heads=2, key_dim=3), (2, 4, 5), (2, 6, 5), None, dict(), None),
    (
        dict(num_heads=2, key_dim=3, value_dim=4, output_shape=7),
        (2, 4, 5),
        (2, 6, 3),
        (2, 6, 2),
        dict(),
        None,
    ),
    (
        dict(num_heads=3, key_dim=2, use_bias=False),
        (2, 4, 5),
        (2, 4, 5),
        None,
        dict(use_causal_mask=True),
        None,
    ),
    (
        dict(num_heads=2, key_dim=3),
        (2, 4, 5),
        (2, 6, 5),
        None,
        dict(return_attention_scores=True),
        "attention",
    ),
    (dict(num_heads=2, key_dim=3), (2, 4, 5), (2, 6, 5), None, dict(), "attention"),  # fused: uniform rows
    (dict(num_heads=2, key_dim=3), (3, 4, 5), (3, 6, 5), None, dict(), "query_value"),
    (
        dict(num_heads=2, key_dim=3, use_gate=True),
        (2, 4, 5),
        (2, 4, 5),
        None,
        dict(use_causal_mask=True, return_attention_scores=True),
        "value",
    ),
    (
        dict(num_heads=2, key_dim=2, sliding_window=2),
        (2, 5, 4),
        (2, 5, 4),
        None,
        dict(use_causal_mask=True),
        None,
    ),
    (dict(num_heads=2, key_dim=2, attention_axes=(1, 2)), (2, 3, 4, 5), (2, 3, 4, 5), None, dict(), None),
    (
        dict(num_heads=2, key_dim=2, attention_axes=2, output_shape=(3, 2)),
        (2, 3, 4, 5),
        (2, 3, 2, 5),
        None,
        dict(return_attention_scores=True),
        None,
    ),
]


def _attn_masks(kind, q_shape, v_shape, rng):
    b, t, s = q_shape[0], q_shape[1], v_shape[1]
    if kind is None:
        return {}
    if kind == "attention":
        m = rng.random((b, t, s)) < 0.6
        m[0, 1, :] = False  # a query with nothing to attend to
        m[:, :, 0] |= m.any(-1) == 0  # keep the rest attending somewhere
        m[0, 1, :] = False
        return {"attention_mask": m}
    if kind == "query_value":
        return {"query_mask": make_mask("post", b, t, rng), "value_mask": make_mask("post", b, s, rng)}
    if kind == "value":
        return {"value_mask": make_mask("holes", b, s, rng)}
    raise ValueError(kind)


@pytest.mark.parametrize("kw,qs,vs,ks,call,mask_kind", MHA_ROWS)
def test_multi_head_attention(keras, K, kw, qs, vs, ks, call, mask_kind):
    from keras.src import backend as kb

    rng = np.random.default_rng(seed_of(kw, qs, vs, ks, call, mask_kind))
    q = rng.normal(0, 1, qs).astype(np.float32)
    v = rng.normal(0, 1, vs).astype(np.float32)
    k = rng.normal(0, 1, ks).astype(np.float32) if ks else None
    masks = _attn_masks(mask_kind, qs, vs, rng)

    def call_keras(kl, dtype):
        import tensorflow as tf

        qt = tf.constant(q.astype(dtype))
        if "query_mask" in masks:  # Keras reads the query's mask from the tensor
            kb.set_keras_mask(qt, tf.constant(masks["query_mask"]))
        extra = {n: tf.constant(m) for n, m in masks.items() if n != "query_mask"}
        return kl(qt, v.astype(dtype), key=None if k is None else k.astype(dtype), **extra, **call)

    layer = K.MultiHeadAttention(qs[-1], vs[-1], (ks or vs)[-1], **kw)

    def call_torch(layer, dtype):
        layer.eval()
        return layer(
            tt(q, dtype),
            tt(v, dtype),
            None if k is None else tt(k, dtype),
            **{n: torch.from_numpy(m) for n, m in masks.items()},
            **call,
        )

    use_bias, use_gate = kw.get("use_bias", True), kw.get("use_gate", False)
    n_s = int(np.prod(vs[1:-1]))
    tol = mha_tol(
        q,
        v,
        v if k is None else k,
        lambda ws: _mha_ws(ws, use_bias, use_gate)[0],
        lambda ws: _mha_ws(ws, use_bias, use_gate)[1],
        n_s,
        kw["key_dim"],
        1 / np.sqrt(kw["key_dim"]),
    )
    parity(
        lambda dt: keras.layers.MultiHeadAttention(**kw, dtype=dt),
        call_keras,
        layer,
        call_torch,
        tol,
        rng,
        f"MHA{kw}{call}{mask_kind}",
    )
    kl = keras.layers.MultiHeadAttention(**kw)
    call_keras(kl, "float32")
    assert K.count_params(layer) == keras_counts(kl)
    assert [a.shape for a in layer.keras_arrays()] == [tuple(w.shape) for w in kl.weights]


def test_mha_fully_masked_row_paths(K):
    """A query row with every key masked: Keras's fused path averages the values uniformly,
    its explicit path (return_attention_scores) gives zeros before the output projection."""
    layer = K.MultiHeadAttention(4, 4, 4, 1, 4, use_bias=False)
    q, v = torch.randn(1, 2, 4), torch.randn(1, 3, 4)
    m = torch.tensor([[[True, True, False], [False, False, False]]])
    fused = layer(q, v, attention_mask=m)
    explicit, scores = layer(q, v, attention_mask=m, return_attention_scores=True)
    assert torch.equal(scores[0, :, 1], torch.zeros(1, 3))
    assert torch.equal(explicit[0, 1], torch.zeros(4))  # no bias: zeros stay zeros
    vp = torch.einsum("bsd,dnh->bsnh", v, layer.value.kernel).mean(1)  # uniform average of the values
    want = torch.einsum("bnh,nhd->bd", vp, layer.attention_output.kernel)
    assert torch.allclose(fused[0, 1], want[0], atol=1e-5)
    torch.testing.assert_close(fused[0, 0], explicit[0, 0], rtol=1e-5, atol=1e-6)


GQA_ROWS = [
    (dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (2, 4, 6), (2, 5, 6), None, dict(), None),
    (
        dict(head_dim=2, num_query_heads=2, num_key_value_heads=1, use_bias=False),
        (2, 4, 6),
        (2, 5, 3),
        (2, 5, 4),
        dict(return_attention_scores=True),
        "attention",
    ),
    (
        dict(head_dim=2, num_query_heads=4, num_key_value_heads=4, use_gate=True),
        (2, 4, 6),
        (2, 4, 6),
        None,
        dict(use_causal_mask=True),
        None,
    ),
    (
        dict(head_dim=3, num_query_heads=4, num_key_value_heads=2, sliding_window=2),
        (2, 5, 6),
        (2, 5, 6),
        None,
        dict(),
        "value",
    ),
]


@pytest.mark.parametrize("kw,qs,vs,ks,call,mask_kind", GQA_ROWS)
def test_group_query_attention(keras, K, kw, qs, vs, ks, call, mask_kind):
    rng = np.random.default_rng(seed_of(kw, qs, vs, ks, call, mask_kind))
    q = rng.normal(0, 1, qs).astype(np.float32)
    v = rng.normal(0, 1, vs).astype(np.float32)
    k = rng.normal(0, 1, ks).astype(np.float32) if ks else None
    masks = _attn_masks(mask_kind, qs, vs, rng)

    def call_keras(kl, dtype):
        return kl(
            q.astype(dtype), v.astype(dtype), key=None if k is None else k.astype(dtype), **masks, **call
        )

    layer = K.GroupQueryAttention(qs[-1], vs[-1], (ks or vs)[-1], **kw)

    def call_torch(layer, dtype):
        layer.eval()
        return layer(
            tt(q, dtype),
            tt(v, dtype),
            None if k is None else tt(k, dtype),
            **{n: torch.from_numpy(m) for n, m in masks.items()},
            **call,
        )

    use_bias, use_gate = kw.get("use_bias", True), kw.get("use_gate", False)
    tol = mha_tol(
        q,
        v,
        v if k is None else k,
        lambda ws: _mha_ws(ws, use_bias, use_gate)[0],
        lambda ws: _mha_ws(ws, use_bias, use_gate)[1],
        vs[1],
        kw["head_dim"],
        1 / np.sqrt(kw["head_dim"]),
    )
    parity(
        lambda dt: keras.layers.GroupQueryAttention(**kw, dtype=dt),
        call_keras,
        layer,
        call_torch,
        tol,
        rng,
        f"GQA{kw}",
    )
    kl = keras.layers.GroupQueryAttention(**kw)
    call_keras(kl, "float32")
    assert K.count_params(layer) == keras_counts(kl)


def test_attention_dropout(keras, K, monkeypatch):
    """MultiHeadAttention's dropout on the probabilities (masks shared with Keras): the output
    uses the dropped probabilities, the returned scores are the undropped ones."""
    import tensorflow as tf

    rng = np.random.default_rng(16)
    q, v = rng.normal(0, 1, (2, 4, 5)).astype(np.float32), rng.normal(0, 1, (2, 6, 5)).astype(np.float32)
    drop = _masks(rng, 1, (2, 2, 4, 6), 0.3)[0]
    layer = K.MultiHeadAttention(5, 5, 5, 2, 3, dropout=0.3)

    def call_keras(kl, dtype):
        kl._dropout_layer = lambda x, training=None: x * tf.constant(drop.astype(dtype))
        return kl(q.astype(dtype), v.astype(dtype), training=True, return_attention_scores=True)

    def call_torch(layer, dtype):
        layer.train()
        layer._dropout_probs = lambda p: p * torch.from_numpy(drop).to(p.dtype)
        return layer(tt(q, dtype), tt(v, dtype), return_attention_scores=True)

    tol = mha_tol(
        q, v, v, lambda ws: [(ws[i], ws[i + 1]) for i in (0, 2, 4)], lambda ws: (ws[6], ws[7]), 6, 3, 3**-0.5
    )

    def tol_dropped(u, ws, outs):  # the dropped probabilities are scaled by 1/0.7
        return tol(u, ws, outs) / 0.7

    parity(
        lambda dt: keras.layers.MultiHeadAttention(2, 3, dropout=0.3, dtype=dt),
        call_keras,
        layer,
        call_torch,
        tol_dropped,
        rng,
        "MHA dropout",
    )


def test_mha_weights(keras, K):
    rng = np.random.default_rng(17)
    regs = dict(kernel_regularizer="l2", bias_regularizer="l1")
    cons = dict(
        kernel_constraint={"class_name": "UnitNorm", "config": {"axis": 0}}, bias_constraint="non_neg"
    )
    kl = keras.layers.MultiHeadAttention(2, 3, value_dim=4, use_gate=True, **regs, **cons)
    q, v = rng.normal(0, 1, (2, 4, 5)).astype(np.float32), rng.normal(0, 1, (2, 6, 3)).astype(np.float32)
    kl(q, v)
    ws = rand_weights(kl, rng)
    kl.set_weights(ws)
    layer = K.MultiHeadAttention(5, 3, 3, 2, 3, value_dim=4, use_gate=True, **regs, **cons)
    assert K.count_params(layer) == keras_counts(kl)
    cmap = {"kernel": kl._kernel_constraint, "bias": kl._bias_constraint}
    _reg_and_constraint_checks(keras, layer, kl, ws, lambda n: cmap[n.split("/")[-1]])
    # glorot_uniform with EinsumDense's fans: query kernel (d, H, kd): fan_in d, fan_out H*kd
    big = K.MultiHeadAttention(64, 32, 32, 4, 16, value_dim=8)
    arrays = dict(zip([v[0] for v in big._views()], big.keras_arrays()))
    check_uniform(arrays["query/kernel"], np.sqrt(6 / (64 + 4 * 16)))
    check_uniform(arrays["value/kernel"], np.sqrt(6 / (32 + 4 * 8)))
    check_uniform(arrays["attention_output/kernel"], np.sqrt(6 / (4 * 8 + 64)))
    assert np.all(arrays["query/bias"] == 0)
    with pytest.raises(NotImplementedError, match="flash"):
        K.MultiHeadAttention(4, 4, 4, 1, 2, flash_attention=True)


def test_activity_regularizer(keras, K):
    """Keras's activity penalty: each output's penalty over the batch size (MultiHeadAttention:
    of each projection, as Keras gives the regularizer to its EinsumDense sub-layers)."""
    rng = np.random.default_rng(18)
    x = rng.normal(0, 1, (3, 4, 2)).astype(np.float32)
    kl = keras.layers.LSTM(3, return_state=True, activity_regularizer="l2")
    kl(x)
    ws = rand_weights(kl, rng)
    kl.set_weights(ws)
    kl(x)
    want = float(sum(np.asarray(v) for v in kl.losses))
    layer = K.LSTM(2, 3, return_state=True, activity_regularizer="l2")
    layer.load_keras(ws)
    layer(torch.from_numpy(x))
    # sums of <= 40 squares of values <= 1: relative 2*40*u, plus the outputs' own error (~1e-6)
    assert abs(float(layer.activity_loss.detach()) - want) <= 1e-5 * max(1.0, abs(want))
    km = keras.layers.MultiHeadAttention(2, 3, activity_regularizer="l1")
    km(x, x)
    mws = rand_weights(km, rng)
    km.set_weights(mws)
    km(x, x)
    want = float(sum(np.asarray(v) for v in km.losses))
    m = K.MultiHeadAttention(2, 2, 2, 2, 3, activity_regularizer="l1")
    m.load_keras(mws)
    m(torch.from_numpy(x), torch.from_numpy(x))
    assert abs(float(m.activity_loss.detach()) - want) <= 1e-5 * max(1.0, abs(want))


# ------------------------------------------------------------------ Attention, AdditiveAttention
ATT_ROWS = [
    ("Attention", dict(), dict(), None, False),
    ("Attention", dict(use_scale=True), dict(return_attention_scores=True), "both", True),
    ("Attention", dict(score_mode="concat", use_scale=True), dict(use_causal_mask=True), "value", False),
    ("Attention", dict(score_mode="concat"), dict(return_attention_scores=True), "empty", True),
    ("AdditiveAttention", dict(), dict(return_attention_scores=True), "both", False),
    ("AdditiveAttention", dict(use_scale=False), dict(use_causal_mask=True), "value", True),
]


@pytest.mark.parametrize("name,kw,call,mask_kind,with_key", ATT_ROWS)
def test_attention(keras, K, name, kw, call, mask_kind, with_key):
    rng = np.random.default_rng(seed_of(name, kw, call, mask_kind, with_key))
    b, tq, tv, d, dv = 2, 4, 5, 3, 2
    q = rng.normal(0, 1, (b, tq, d)).astype(np.float32)
    v = rng.normal(0, 1, (b, tv, dv if with_key else d)).astype(np.float32)
    k = rng.normal(0, 1, (b, tv, d)).astype(np.float32)
    inputs = [q, v, k] if with_key else [q, v]
    mask = None
    if mask_kind == "both":
        mask = [make_mask("post", b, tq, rng), make_mask("holes", b, tv, rng)]
    elif mask_kind == "value":
        mask = [None, make_mask("holes", b, tv, rng)]
    elif mask_kind == "empty":
        vm = make_mask("post", b, tv, rng)
        vm[1] = False  # a value with nothing to attend to: the softmax of the scores minus 1e9
        mask = [None, vm]

    def call_keras(kl, dtype):
        km = None if mask is None else [None if m is None else keras.ops.convert_to_tensor(m) for m in mask]
        return kl([a.astype(dtype) for a in inputs], mask=km, **call)

    layer = getattr(K, name)(*([d] if name == "AdditiveAttention" else []), **kw)

    def call_torch(layer, dtype):
        layer.eval()
        tm = None if mask is None else [tmask(m) for m in mask]
        return layer([tt(a, dtype) for a in inputs], mask=tm, **call)

    def tol(u, ws, outs):
        w = max(1.0, amax(*ws))  # the scale weights
        qk = amax(q) * amax(k) if kw.get("score_mode", "dot") == "dot" and name == "Attention" else 1.0
        # scores: d-term sums of q*k (dot) or of tanh(scale*(q+k)) (concat, additive: the tanh
        # argument's rounding u*|scale*(q+k)| passes through tanh, 1-Lipschitz)
        s = d * w * w * qk * (1.0 if qk != 1.0 else amax(q) + amax(k) + 1)
        el = 2 * d * u * s + 8 * u * s
        if mask_kind == "empty":
            if u == U["float32"]:
                # a fully masked row's scores minus 1e9 round to -1e9 exactly (ulp(1e9) = 64 in
                # float32) while |score| < 32: uniform weights in both, no extra error
                assert s < 31
            else:
                el += 2 * u * 1e9  # float64: the subtraction's rounding, ulp(1e9)/2 on each side
        return (2 * el + 8 * u) * amax(v) + 2 * tv * u * amax(v) + 8 * u

    parity(
        lambda dt: getattr(keras.layers, name)(**kw, dtype=dt),
        call_keras,
        layer,
        call_torch,
        tol,
        rng,
        f"{name}{kw}{call}{mask_kind}",
    )


def test_attention_dropout_and_params(keras, K, monkeypatch):
    """Attention's dropout of the weights (masks shared): the returned scores are the dropped
    weights, as Keras; AdditiveAttention's scale is glorot_uniform over (dim,)."""
    from keras.src import backend as kb

    rng = np.random.default_rng(19)
    q, v = rng.normal(0, 1, (2, 3, 4)).astype(np.float32), rng.normal(0, 1, (2, 5, 4)).astype(np.float32)
    drop = _masks(rng, 1, (2, 3, 5), 0.4)[0]
    monkeypatch.setattr(kb.random, "dropout", lambda x, rate, seed=None, **_: x * drop.astype(x.dtype.name))
    layer = K.Attention(use_scale=True, dropout=0.4)

    def call_torch(layer, dtype):
        layer.train()
        layer._dropout_weights = lambda w: w * torch.from_numpy(drop).to(w.dtype)
        return layer([tt(q, dtype), tt(v, dtype)], return_attention_scores=True)

    def tol(u, ws, outs):
        el = 2 * 4 * u * amax(ws) * amax(q) * amax(v) * 4
        return ((2 * el + 8 * u) * amax(v) + 10 * u * amax(v) + 8 * u) / 0.6

    parity(
        lambda dt: keras.layers.Attention(use_scale=True, dropout=0.4, dtype=dt),
        lambda kl, dt: kl([q.astype(dt), v.astype(dt)], training=True, return_attention_scores=True),
        layer,
        call_torch,
        tol,
        rng,
        "Attention dropout",
    )
    kl = keras.layers.Attention(use_scale=True, score_mode="concat")
    kl([q, v])
    assert K.count_params(K.Attention(use_scale=True, score_mode="concat")) == keras_counts(kl) == (2, 0)
    check_uniform(K.AdditiveAttention(3000).keras_arrays()[0], np.sqrt(6 / 6000))
