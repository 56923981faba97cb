"""graphc_runtime.torch.optim against Keras 3 on TensorFlow, step by step.

Every case starts Keras's optimizer (on keras.Variables) and ours (on torch
Parameters) from the same weights and feeds both the same gradient sequence;
the weights must agree after every step.  Both of our code paths are checked:
the CPU one (NumPy on pieces of `CPU_CHUNK` elements, here 7 so that tensors
are split unevenly, on torch.get_num_threads() threads) and the multi-tensor
torch one (`CPU_CHUNK = 0`, what CUDA runs).

Tolerance (`_tolerance`), derived from float32 rounding rather than tuned:
our update repeats Keras's float32 operations one for one, so results are
bit-identical unless an input of an operation differs, and the only inputs
that may differ are a scalar `pow` (C library here, Eigen in TensorFlow: 1 ulp
of a bias correction), sums taken in another order (norms for clipping,
Adafactor's means, the dense gradient of a repeated embedding row: at most
n * 2^-24 relative for n terms) and Ftrl's elementwise `pow`.  So after step t
(1-based) the weights may differ by at most
    t * (W_ULPS * 2^-24 * W  +  2^-17 * U)
where W is the largest weight magnitude (the final `p - u` rounds to half an
ulp of p, 2^-24 * |p|, on each side: W_ULPS = 2; Ftrl recomputes the weight
from elementwise pows and a quotient, a few ulps each: W_ULPS = 16) and U the
largest change one Keras step made to a weight ("what an update can move"):
2^-17 = 128 * 2^-24 covers ten-odd rounded operations in an update, each at
most one ulp relative, plus a one-ulp pow and sums of up to 36 terms; the
factor t lets differences carried in the optimizer state add up linearly.
Weights are drawn small (sd 0.05, as initial weights are) and gradients span
1e-8..1 so Adam-like optimizers make lr-sized steps from near-zero gradients
(where a misplaced epsilon shows); a formula error (torch's epsilon placement,
an unrounded hyperparameter, a missing weight decay) is orders of magnitude
above these bounds.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest

pytestmark = pytest.mark.slow

SHAPES = [(3, 4), (5,), (2, 3, 3, 2), (7, 1)]
STEPS = 5


@pytest.fixture(scope="module")
def fw():
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    torch = pytest.importorskip("torch")
    from graphc_runtime.torch import optim, schedules

    return SimpleNamespace(keras=keras, tf=tf, torch=torch, optim=optim, schedules=schedules)


@pytest.fixture(params=["numpy", "torch"])
def path(request, fw, monkeypatch):
    """Which update path our optimizers take."""
    monkeypatch.setattr(fw.optim, "CPU_CHUNK", 7 if request.param == "numpy" else 0)
    return request.param


def _weights(seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [(0.05 * rng.standard_normal(s)).astype(np.float32) for s in shapes]


def _grads(seed=1, steps=STEPS, shapes=SHAPES):
    """Gradients from 1e-8 to 1 in magnitude, both signs."""
    rng = np.random.default_rng(seed)
    return [
        [(rng.standard_normal(s) * 10.0 ** rng.integers(-8, 1, s)).astype(np.float32) for s in shapes]
        for _ in range(steps)
    ]


def _schedule(spec, module):
    """('schedule', class name, kwargs) -> that schedule from `module`."""
    return getattr(module, spec[1])(**spec[2])


def _materialize(kwargs, schedules_module):
    out = dict(kwargs)
    if isinstance(out.get("learning_rate"), tuple):
        out["learning_rate"] = _schedule(out["learning_rate"], schedules_module)
    return out


EXP_DECAY = (
    "schedule",
    "ExponentialDecay",
    {"initial_learning_rate": 0.05, "decay_steps": 2, "decay_rate": 0.5},
)
COSINE = (
    "schedule",
    "CosineDecay",
    {"initial_learning_rate": 0.0, "decay_steps": 4, "warmup_target": 0.01, "warmup_steps": 2, "alpha": 0.1},
)

CASES = [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.5, "nesterov": True, "clipnorm": 0.5}),
    ("SGD", {"momentum": 0.9, "weight_decay": 0.1, "global_clipnorm": 0.3}),
    ("SGD", {"momentum": 0.9, "learning_rate": EXP_DECAY, "clipvalue": 0.01}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": 0.5}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": 0.5, "centered": True, "global_clipnorm": 1.0, "weight_decay": 0.05}),
    ("RMSprop", {"rho": 0.8, "epsilon": 1e-4, "clipnorm": 0.1}),
    ("Adam", {}),
    ("Adam", {"amsgrad": True}),
    ("Adam", {"weight_decay": 0.1}),
    ("Adam", {"amsgrad": True, "weight_decay": 0.01, "clipvalue": 0.1}),
    ("Adam", {"clipnorm": 0.5}),
    ("Adam", {"global_clipnorm": 0.5}),
    ("Adam", {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("Adam", {"learning_rate": COSINE}),
    ("Adam", {"use_ema": True}),
    ("Adam", {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2}),
    ("Adam", {"loss_scale_factor": 128.0}),
    ("Adam", {"gradient_accumulation_steps": 2}),
    ("Adam", {"gradient_accumulation_steps": 2, "learning_rate": EXP_DECAY, "use_ema": True}),
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0.1, "amsgrad": True, "global_clipnorm": 0.2}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3, "clipnorm": 0.5}),
    ("Adamax", {}),
    ("Adamax", {"weight_decay": 0.05, "beta_1": 0.8}),
    ("Nadam", {}),
    ("Nadam", {"weight_decay": 0.05, "clipnorm": 0.5, "learning_rate": EXP_DECAY}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adadelta", {"learning_rate": 0.5, "rho": 0.8, "weight_decay": 0.01}),
    ("Lion", {}),
    ("Lion", {"beta_1": 0.95, "weight_decay": 0.1, "learning_rate": 0.01}),
    ("Adafactor", {}),
    ("Adafactor", {"relative_step": False, "learning_rate": 0.01, "clip_threshold": 0.5}),
    ("Adafactor", {"learning_rate": EXP_DECAY, "weight_decay": 0.01}),
    ("Ftrl", {}),
    (
        "Ftrl",
        {
            "learning_rate": 0.05,
            "learning_rate_power": -0.3,
            "l1_regularization_strength": 0.001,
            "l2_regularization_strength": 0.01,
            "l2_shrinkage_regularization_strength": 0.01,
            "beta": 0.1,
        },
    ),
]


def _case_id(case):
    name, kwargs = case
    parts = [f"{k}={v[1] if isinstance(v, tuple) else v}" for k, v in kwargs.items()]
    return name + ("(" + ",".join(parts) + ")" if parts else "")


def _tolerance(initial, history, t, w_ulps=2):
    """Allowed max |keras - ours| after step t (0-based): see the module docstring."""
    seen = [initial] + [h["weights"] for h in history[: t + 1]]
    W = max(float(np.abs(w).max()) for ws in seen for w in ws)
    U = max(
        float(np.abs(b - a).max()) for before, after in zip(seen, seen[1:]) for a, b in zip(before, after)
    )
    return (t + 1) * (w_ulps * 2.0**-24 * W + 2.0**-17 * U)


_KERAS_CACHE: dict = {}


def _run_keras(fw, name, kwargs, weights, grads):
    key = (_case_id((name, kwargs)), id(weights), id(grads))
    if key in _KERAS_CACHE:
        return _KERAS_CACHE[key]
    kv = [fw.keras.Variable(w) for w in weights]
    opt = getattr(fw.keras.optimizers, name)(**_materialize(kwargs, fw.keras.optimizers.schedules))
    history = []
    for G in grads:
        lr = float(np.asarray(opt.learning_rate))
        opt.apply_gradients(zip([fw.tf.constant(g) for g in G], kv))
        history.append(
            {"weights": [v.numpy().copy() for v in kv], "iterations": int(opt.iterations.numpy()), "lr": lr}
        )
    final = None
    if kwargs.get("use_ema"):
        opt.finalize_variable_values(kv)
        final = [v.numpy().copy() for v in kv]
    _KERAS_CACHE[key] = history, final
    return history, final


def _torch_params(fw, weights):
    return [fw.torch.nn.Parameter(fw.torch.tensor(w)) for w in weights]


def _ours(fw, name, kwargs, params):
    return getattr(fw.optim, name)(params, **_materialize(kwargs, fw.schedules))


def _set_grads(fw, params, G):
    for p, g in zip(params, G):
        p.grad = fw.torch.tensor(g)


W0, GRADS = _weights(), _grads()


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_updates_match_keras_step_by_step(fw, path, case):
    name, kwargs = case
    history, final = _run_keras(fw, name, kwargs, W0, GRADS)
    params = _torch_params(fw, W0)
    opt = _ours(fw, name, kwargs, params)
    w_ulps = 16 if name == "Ftrl" else 2
    for t, G in enumerate(GRADS):
        assert opt.learning_rate == history[t]["lr"]
        _set_grads(fw, params, G)
        opt.step()
        ours = [p.detach().numpy() for p in params]
        diff = max(float(np.abs(a - b).max()) for a, b in zip(history[t]["weights"], ours))
        tol = _tolerance(W0, history, t, w_ulps)
        assert diff <= tol, f"step {t + 1}: max |keras - ours| = {diff:.3g} > {tol:.3g}"
        assert opt.iterations == history[t]["iterations"]
    if final is not None:
        opt.finalize_variable_values()
        diff = max(float(np.abs(a - p.detach().numpy()).max()) for a, p in zip(final, params))
        assert diff <= _tolerance(W0, history, len(GRADS) - 1, w_ulps)


def test_the_two_paths_agree_bit_for_bit_and_threads_do_not_matter(fw, monkeypatch):
    """The NumPy path (any number of threads) and the torch path compute the
    same float32 operations; larger tensors so that pieces go to threads."""
    torch = fw.torch
    shapes = [(64, 33), (300,), (8, 8, 3, 5), (1,)]
    weights, grads = _weights(3, shapes), _grads(4, 3, shapes)
    threads = torch.get_num_threads()
    for name, kwargs in [
        c for c in CASES if c[0] != "Ftrl"
    ]:  # Ftrl: NumPy's and torch's elementwise pow differ
        results = []
        for chunk, n_threads in [(0, threads), (100, 1), (100, 3)]:
            monkeypatch.setattr(fw.optim, "CPU_CHUNK", chunk)
            torch.set_num_threads(n_threads)
            try:
                params = _torch_params(fw, weights)
                opt = _ours(fw, name, kwargs, params)
                for G in grads:
                    _set_grads(fw, params, G)
                    opt.step()
            finally:
                torch.set_num_threads(threads)
            results.append([p.detach().clone() for p in params])
        for other in results[1:]:
            assert all(torch.equal(a, b) for a, b in zip(results[0], other)), _case_id((name, kwargs))


LOW_PRECISION_CASES = [
    ("Adam", {}),
    ("Adam", {"weight_decay": 0.1, "clipnorm": 0.5}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1}),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("case", LOW_PRECISION_CASES, ids=_case_id)
def test_low_precision_weights_match_keras(fw, path, case, dtype):
    """Keras computes in the variable's dtype, hyperparameters cast to it: the
    same bound with that dtype's unit roundoff u (2^-11, 2^-8) for 2^-24."""
    tf, keras, torch = fw.tf, fw.keras, fw.torch
    name, kwargs = case
    u = {"float16": 2.0**-11, "bfloat16": 2.0**-8}[dtype]
    kv = [keras.Variable(w, dtype=dtype) for w in W0]
    k_opt = getattr(keras.optimizers, name)(**kwargs)
    params = [torch.nn.Parameter(torch.tensor(w).to(getattr(torch, dtype))) for w in W0]
    opt = _ours(fw, name, kwargs, params)
    previous = [np.asarray(v.numpy(), np.float32) for v in kv]
    W, U = max(float(np.abs(w).max()) for w in previous), 0.0
    for t, G in enumerate(_grads(11, STEPS)):
        G = [np.clip(g, -1e3, 1e3) for g in G]
        k_opt.apply_gradients(zip([tf.cast(tf.constant(g), dtype) for g in G], kv))
        for p, g in zip(params, G):
            p.grad = torch.tensor(g).to(p.dtype)
        opt.step()
        keras_w = [np.asarray(v.numpy(), np.float32) for v in kv]
        W = max(W, max(float(np.abs(w).max()) for w in keras_w))
        U = max(U, max(float(np.abs(a - b).max()) for a, b in zip(keras_w, previous)))
        previous = keras_w
        diff = max(float(np.abs(a - p.detach().float().numpy()).max()) for a, p in zip(keras_w, params))
        assert diff <= (t + 1) * (2 * u * W + 128 * u * U), f"step {t + 1}: {diff:.3g}"


# ------------------------------------------------------------------ sparse squares
def _keras_sq_hook(torch, weight, ids):
    """What the emitted KerasEmbedding records (the keras_sq_grad protocol):
    the squared output gradient summed into the rows of the ids."""

    def record(grad):
        rows = (grad * grad).reshape(-1, grad.shape[-1]).to(weight.dtype)
        sq = torch.zeros_like(weight).index_add_(0, ids.reshape(-1), rows)
        prev = getattr(weight, "keras_sq_grad", None)
        weight.keras_sq_grad = sq if prev is None else prev + sq

    return record


EMBEDDING_CASES = [
    ("Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "clipnorm": 0.3}),
    # (no loss_scale_factor: Keras 3.15 on TF cannot divide IndexedSlices by it, TypeError)
    ("Adam", {"learning_rate": 0.01, "global_clipnorm": 0.3}),
    ("AdamW", {"learning_rate": 0.01, "amsgrad": True}),
    ("Nadam", {}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Ftrl", {"learning_rate": 0.1}),
    ("Adafactor", {}),
    ("SGD", {"momentum": 0.9}),
    ("Lion", {}),
]


def _embedding_data(seed=5, steps=4, vocab=12, dim=3):
    rng = np.random.default_rng(seed)
    w0 = (0.05 * rng.standard_normal((vocab, dim))).astype(np.float32)
    batches = []
    for _ in range(steps):
        ids = rng.integers(0, vocab, (4, 6))
        ids[:, :3] = 7  # token 7 occurs at least 12 times per batch
        ids[0, 3:] = 2
        coef = rng.standard_normal((4, 6, dim)).astype(np.float32)
        batches.append((ids, coef))
    return w0, batches


def _keras_embedding_run(fw, name, kwargs, w0, batches):
    tf, keras = fw.tf, fw.keras
    layer = keras.layers.Embedding(w0.shape[0], w0.shape[1])
    layer.build((None, 6))
    layer.embeddings.assign(w0)
    opt = getattr(keras.optimizers, name)(**kwargs)
    history = []
    for ids, coef in batches:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.tanh(layer(ids)) * coef)
            loss = opt.scale_loss(loss)
        grads = tape.gradient(loss, layer.trainable_variables)
        assert isinstance(grads[0], tf.IndexedSlices)  # one row per occurrence
        opt.apply_gradients(zip(grads, layer.trainable_variables))
        history.append({"weights": [layer.embeddings.numpy().copy()]})
    return history


def _our_embedding_run(fw, name, kwargs, w0, batches, hook=True):
    torch = fw.torch
    weight = torch.nn.Parameter(torch.tensor(w0))
    opt = getattr(fw.optim, name)([weight], **kwargs)
    out = []
    for ids, coef in batches:
        ids = torch.tensor(ids)
        emb = torch.nn.functional.embedding(ids, weight)
        if hook:
            emb.register_hook(_keras_sq_hook(torch, weight, ids))
        loss = opt.scale_loss((torch.tanh(emb) * torch.tensor(coef)).sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
        assert not hasattr(weight, "keras_sq_grad")  # consumed by the step
        out.append(weight.detach().numpy().copy())
    return out


@pytest.mark.parametrize("case", EMBEDDING_CASES, ids=_case_id)
def test_embedding_sparse_squares_match_keras_on_tensorflow(fw, path, case):
    """Repeated ids: Keras-on-TF squares the sparse gradient per occurrence.
    Keras sums the occurrences' contributions in its own order (scatter-adds,
    its dense gradient), so the sum-order term of the tolerance gets a factor
    of the largest multiplicity (14 occurrences of token 7)."""
    name, kwargs = case
    w0, batches = _embedding_data()
    history = _keras_embedding_run(fw, name, kwargs, w0, batches)
    ours = _our_embedding_run(fw, name, kwargs, w0, batches)
    multiplicity = max(int(np.bincount(ids.reshape(-1)).max()) for ids, _ in batches)
    w_ulps = 16 if name == "Ftrl" else 2
    for t, (k, o) in enumerate(zip(history, ours)):
        diff = float(np.abs(k["weights"][0] - o).max())
        tol = multiplicity * _tolerance([w0], history, t, w_ulps)
        assert diff <= tol, f"step {t + 1}: {diff:.3g} > {tol:.3g}"


def test_embedding_without_sparse_squares_would_not_match(fw):
    """Control for the test above: with the dense gradient's square (no
    keras_sq_grad) Adam is far outside that tolerance."""
    w0, batches = _embedding_data()
    kwargs = {"learning_rate": 0.01}
    history = _keras_embedding_run(fw, "Adam", kwargs, w0, batches)
    ours = _our_embedding_run(fw, "Adam", kwargs, w0, batches, hook=False)
    multiplicity = max(int(np.bincount(ids.reshape(-1)).max()) for ids, _ in batches)
    diff = float(np.abs(history[-1]["weights"][0] - ours[-1]).max())
    assert diff > 100 * multiplicity * _tolerance([w0], history, len(history) - 1)


# ------------------------------------------------------------------ loss scaling
def test_loss_scale_optimizer_matches_keras(fw, path):
    """Dynamic loss scaling: skipped steps on inf/nan (scale halved), growth
    after `dynamic_growth_steps` finite steps, gradients divided by the scale."""
    tf, keras, torch, optim = fw.tf, fw.keras, fw.torch, fw.optim
    grads = [[g * np.float32(2.0**10) for g in G] for G in _grads(7, 7)]
    grads[1][2][0, 0, 0, 0] = np.inf
    grads[4][0][1, 1] = np.nan
    kv = [keras.Variable(w) for w in W0]
    k_opt = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.Adam(), initial_scale=2.0**10, dynamic_growth_steps=2
    )
    params = _torch_params(fw, W0)
    t_opt = optim.LossScaleOptimizer(optim.Adam(params), initial_scale=2.0**10, dynamic_growth_steps=2)
    assert float(t_opt.scale_loss(torch.tensor(1.5))) == float(k_opt.scale_loss(1.5))
    history = []
    for t, G in enumerate(grads):
        k_opt.apply_gradients(zip([tf.constant(g) for g in G], kv))
        history.append({"weights": [v.numpy().copy() for v in kv]})
        _set_grads(fw, params, G)
        t_opt.step()
        diff = max(float(np.abs(a - p.detach().numpy()).max()) for a, p in zip(history[t]["weights"], params))
        assert diff <= _tolerance(W0, history, t)
        assert t_opt.dynamic_scale == float(k_opt.dynamic_scale.numpy())
        assert t_opt.iterations == int(k_opt.iterations.numpy())
    assert t_opt.iterations == 5  # two steps skipped


# ------------------------------------------------------------------ checkpoints
ROUND_TRIP_CASES = [
    ("SGD", {"momentum": 0.9, "nesterov": True, "learning_rate": EXP_DECAY}),
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adam", {"amsgrad": True, "weight_decay": 0.01, "clipnorm": 0.5}),
    ("Adam", {"use_ema": True, "ema_overwrite_frequency": 4}),
    ("Adam", {"gradient_accumulation_steps": 2}),
    ("AdamW", {"learning_rate": COSINE}),
    ("Adagrad", {}),
    ("Adamax", {}),
    ("Nadam", {}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Lion", {}),
    ("Adafactor", {}),
    ("Ftrl", {"l1_regularization_strength": 0.001}),
    ("LossScaleOptimizer", {}),
]


def _make(fw, name, kwargs, params):
    if name == "LossScaleOptimizer":
        return fw.optim.LossScaleOptimizer(fw.optim.Adam(params), initial_scale=8.0, dynamic_growth_steps=2)
    return _ours(fw, name, kwargs, params)


@pytest.mark.parametrize("case", ROUND_TRIP_CASES, ids=_case_id)
def test_state_dict_round_trip_resumes_bit_for_bit(fw, path, case):
    """3 steps, save (torch.save / torch.load with weights_only), load into a
    fresh optimizer on fresh parameters, 3 more steps == 6 straight steps."""
    torch = fw.torch
    name, kwargs = case
    grads = _grads(9, 6)
    grads[1][0][0, 0] = np.inf  # LossScaleOptimizer: a skipped step before the checkpoint

    def run(params, opt, steps):
        for G in steps:
            _set_grads(fw, params, G)
            opt.step()

    if name != "LossScaleOptimizer":
        grads[1][0][0, 0] = 0.5
    straight = _torch_params(fw, W0)
    opt = _make(fw, name, kwargs, straight)
    run(straight, opt, grads)

    first = _torch_params(fw, W0)
    opt1 = _make(fw, name, kwargs, first)
    run(first, opt1, grads[:3])
    buffer = io.BytesIO()
    torch.save({"weights": [p.detach() for p in first], "optimizer": opt1.state_dict()}, buffer)
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=True)
    resumed = [torch.nn.Parameter(w.clone()) for w in checkpoint["weights"]]
    opt2 = _make(fw, name, kwargs, resumed)
    opt2.load_state_dict(checkpoint["optimizer"])
    run(resumed, opt2, grads[3:])

    for a, b in zip(straight, resumed):
        assert torch.equal(a, b)
    assert opt2.iterations == opt.iterations
    if kwargs.get("use_ema"):
        opt.finalize_variable_values()
        opt2.finalize_variable_values()
        assert all(torch.equal(a, b) for a, b in zip(straight, resumed))


# ------------------------------------------------------------------ groups, exclusions, errors
def test_param_groups_and_weight_decay_exclusion_match_keras(fw, path):
    """Two groups with their own learning rate and weight decay == two Keras
    optimizers; exclude_from_weight_decay by tensor and by name == Keras's."""
    tf, keras, optim = fw.tf, fw.keras, fw.optim
    kv = [keras.Variable(w, name=n) for w, n in zip(W0, ["kernel", "bias", "kernel", "bias"])]
    k_a = keras.optimizers.Adam(learning_rate=0.01, weight_decay=0.1)
    k_a.exclude_from_weight_decay(var_names=["bias"])
    k_b = keras.optimizers.Adam(learning_rate=0.001, weight_decay=0.2)
    k_b.exclude_from_weight_decay(var_list=[kv[3]])
    params = _torch_params(fw, W0)
    named = [
        ("dense.kernel", params[0]),
        ("dense.bias", params[1]),
        ("conv.kernel", params[2]),
        ("conv.bias", params[3]),
    ]
    opt_a = optim.Adam(named[:2], learning_rate=0.01, weight_decay=0.1)
    opt_a.exclude_from_weight_decay(var_names=["bias"])
    opt_b = optim.Adam(
        [
            {"params": [params[2]], "learning_rate": 0.001, "weight_decay": 0.2},
            {"params": [params[3]], "lr": 0.001},
        ],
        weight_decay=0.2,
    )
    opt_b.exclude_from_weight_decay(var_list=[params[3]])
    history = []
    for t, G in enumerate(GRADS):
        k_a.apply_gradients(zip([tf.constant(g) for g in G[:2]], kv[:2]))
        k_b.apply_gradients(zip([tf.constant(g) for g in G[2:]], kv[2:]))
        history.append({"weights": [v.numpy().copy() for v in kv]})
        _set_grads(fw, params, G)
        opt_a.step()
        opt_b.step()
        diff = max(float(np.abs(a - p.detach().numpy()).max()) for a, p in zip(history[t]["weights"], params))
        assert diff <= _tolerance(W0, history, t)


def test_clear_errors(fw):
    torch, optim = fw.torch, fw.optim
    p = torch.nn.Parameter(torch.zeros(3))
    with pytest.raises(ValueError, match="Only one of `clipnorm`"):
        optim.Adam([p], clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        optim.AdamW([p], weight_decay=None)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optim.SGD([p], gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="not recognized"):
        optim.Adam([p], betas=(0.9, 0.99))
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        optim.LossScaleOptimizer(optim.Adam([p]), clipnorm=1.0)
    with pytest.raises(ValueError, match="No gradients"):
        optim.Adam([p]).step()
    emb = torch.nn.Embedding(4, 2, sparse=True)
    emb(torch.tensor([1, 1])).sum().backward()
    with pytest.raises(NotImplementedError, match="sparse gradients"):
        optim.Adam(emb.parameters()).step()
