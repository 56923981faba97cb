"""keras.ops functions in generated modules: Keras (TensorFlow backend) against the
PyTorch module graphc writes for the same GDL program.

Each program is compiled by graphc to both targets; the Keras module is built with
Keras, the PyTorch module runs on graphc_runtime; layers with weights get Keras's
weights through `load_keras_weights`; both run on the same inputs and every output
is compared: the dtype exactly, integer and bool outputs exactly, float outputs
within a tolerance derived from float32 rounding (below).  Programs cover every
function of the catalog that has a PyTorch spelling, with integer and float
inputs, broadcasting against constants, and tensors the PyTorch module keeps
channels-first (after Conv2D), whose axis arguments it converts.

Tolerance (float32, u = 2**-24 the unit roundoff), as in test_layers_core.py: an
element that both frameworks compute with k roundings differs by at most 2*k*u
relative to the magnitude of the values involved; a reduction over n terms adds at
most n*u times the sum of their magnitudes (recursive summation's gamma_n bound,
the two frameworks summing in different orders), i.e. n*n*u*max|term|.  A
transcendental function (exp, log, tanh, sin, erf...) counts as 4 roundings: each
library is faithful or within a few ulps.  Each output states its k (`ops`) and n
(`reduce`); tol = 2 * (ops + n*n) * u * scale, scale = max(1, max|output|,
max|input|).  Inputs are drawn in [-2, 2] so that no term exceeds e**2 in magnitude;
the scale covers it.  Nothing below was tuned.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

pytestmark = pytest.mark.slow

U = 2.0**-24
TRANSCENDENTAL = 4

# name -> (GDL program, {output: (ops, reduce)}); outputs not listed are exact (ops=1, reduce=0)
PROGRAMS = {
    "elementwise": (
        """
model elementwise {
  x = Input(shape=(4, 6))
  ids = Input(shape=(4, 6), dtype="int32")
  pos = ops.abs(x) + 0.1
  output o_abs = ops.abs(x)
  output o_neg = -x
  output o_sign = ops.sign(x)
  output o_square = ops.square(x)
  output o_sqrt = ops.sqrt(pos)
  output o_exp = ops.exp(x)
  output o_log = ops.log(pos)
  output o_log1p = keras.ops.log1p(pos)
  output o_trig = ops.sin(x) + ops.cos(x) * ops.tanh(x)
  output o_act = ops.relu(x) + ops.sigmoid(x)
  output o_gelu = ops.gelu(x)
  output o_gelu_erf = ops.gelu(x, approximate=false)
  output o_softmax = ops.softmax(x)
  output o_softmax1 = ops.softmax(x, axis=1)
  output o_round = ops.round(x * 2.0)
  output o_round2 = ops.round(x, decimals=1)
  output o_floor = ops.floor(x) + ops.ceil(x)
  output o_floor_int = ops.floor(ids)
  output o_clip = ops.clip(x, -0.5, 0.5)
  output o_clip_int = ops.clip(ids, 0, 3)
  output o_minmax = ops.minimum(x, 0.25) + ops.maximum(-0.25, x)
  output o_arith = (x + 1) * 2.5 - x / 3.0
  output o_rsub = 1 - x
  output o_div_int = ids / 2
  output o_floordiv = ids // 3
  output o_floordiv_f = x // 0.3
  output o_mod = ids % 3
  output o_mod_f = x % 0.7
  output o_pow = x ** 2 + ops.power(pos, 0.5)
  output o_int_scalar = ids + 1
  output o_int_float = ids * 1.5
  output o_cmp = x > 0.1
  output o_eq = ids == 2
  output o_ne = ids != 2
  output o_logic = ops.logical_and(x > 0, ids < 2)
  output o_not = ops.logical_not(x > 0)
  output o_where = ops.where(x > 0, x, 0.0)
  output o_where_int = ops.where(ids > 1, 1, 0)
  output o_cast = ops.cast(x * 3.0, "int32")
  output o_cast_bool = ops.cast(ids, "bool")
  output o_like = ops.ones_like(x) + ops.zeros_like(ids, dtype="float32")
  output o_bcast = x * ops.cast(ops.arange(6), "float32")
}
""",
        {
            "o_sqrt": (1, 0),
            "o_exp": (TRANSCENDENTAL, 0),
            "o_log": (TRANSCENDENTAL, 0),
            "o_log1p": (TRANSCENDENTAL, 0),
            "o_trig": (3 * TRANSCENDENTAL + 2, 0),
            "o_act": (TRANSCENDENTAL + 2, 0),
            "o_gelu": (2 * TRANSCENDENTAL + 8, 0),
            "o_gelu_erf": (TRANSCENDENTAL + 4, 0),
            "o_softmax": (TRANSCENDENTAL + 2, 6),
            "o_softmax1": (TRANSCENDENTAL + 2, 4),
            "o_round2": (3, 0),
            "o_minmax": (1, 0),
            "o_arith": (4, 0),
            "o_floordiv_f": (2, 0),
            "o_mod_f": (2, 0),
            "o_pow": (TRANSCENDENTAL + 2, 0),
        },
    ),
    "reductions": (
        """
model reductions {
  x = Input(shape=(4, 6))
  ids = Input(shape=(4, 6), dtype="int32")
  flags = Input(shape=(4, 6), dtype="bool")
  output o_mean = ops.mean(x, axis=-1)
  output o_mean2 = ops.mean(x, axis=(1, 2), keepdims=true)
  output o_mean_int = ops.mean(ids, axis=1)
  output o_sum = ops.sum(x, axis=1)
  output o_sum_int = ops.sum(ids, axis=-1)
  output o_sum_bool = ops.sum(flags, axis=-1, keepdims=true)
  output o_max = ops.max(x, axis=-1) - ops.min(x, axis=-1)
  output o_max_init = ops.max(x, axis=1, initial=0.5)
  output o_prod = ops.prod(x, axis=(1, 2))
  output o_prod_int = ops.prod(ids, axis=-1)
  output o_std = ops.std(x, axis=-1)
  output o_var = ops.var(x, axis=(1, 2))
  output o_std_int = ops.std(ids, axis=1, keepdims=true)
  output o_argmax = ops.argmax(x, axis=-1)
  output o_argmin = ops.argmin(x, axis=1, keepdims=true)
  output o_lse = ops.logsumexp(x, axis=-1)
  output o_norm = ops.norm(x, axis=-1)
  output o_norm1 = ops.norm(x, ord=1, axis=-1)
  output o_norm_inf = ops.norm(x, ord=-inf_, axis=1)
  output o_norm0 = ops.norm(ids, ord=0, axis=-1)
  output o_norm3 = ops.norm(x, ord=3, axis=-1, keepdims=true)
  output o_fro = ops.norm(x, axis=(1, 2))
  output o_mat1 = ops.norm(x, ord=1, axis=(1, 2))
  output o_mat2 = ops.norm(x, ord=2, axis=(1, 2))
  output o_nuc = ops.norm(x, ord="nuc", axis=(1, 2))
}
""".replace("-inf_", "-1e400"),
        {
            "o_mean": (2, 6),
            "o_mean2": (2, 24),
            "o_mean_int": (2, 4),
            "o_sum": (1, 4),
            "o_max": (1, 0),
            "o_prod": (2, 24),
            "o_std": (4, 12),
            "o_var": (3, 48),
            "o_std_int": (4, 8),
            "o_lse": (2 * TRANSCENDENTAL + 2, 6),
            "o_norm": (2, 6),
            "o_norm1": (1, 6),
            "o_norm3": (2 * TRANSCENDENTAL + 2, 6),
            "o_fro": (2, 24),
            "o_mat1": (1, 4),
            # singular values: an iterative SVD in each library, accurate to a few ulps of the
            # largest singular value per sweep (LAPACK's bound, O(n) roundings for a 4x6 matrix)
            "o_mat2": (4 * TRANSCENDENTAL, 24),
            "o_nuc": (4 * TRANSCENDENTAL, 24),
        },
    ),
    "shapes": (
        """
model shapes {
  x = Input(shape=(4, 6))
  y = Input(shape=(6, 3))
  ids = Input(shape=(4,), dtype="int32")
  output o_matmul = ops.matmul(x, y)
  output o_einsum = ops.einsum("bij,bjk->bik", x, y)
  output o_einsum_c = ops.einsum("bij,j->bi", x, ops.cast(ops.arange(6), "float32"))
  output o_transpose = ops.transpose(x, (0, 2, 1))
  output o_reshape = ops.reshape(x, (-1, 3, 8))
  output o_expand = ops.expand_dims(x, (1, -1))
  output o_squeeze = ops.squeeze(ops.expand_dims(x, 2), axis=2)
  output o_concat = ops.concatenate([x, ops.transpose(y, (0, 2, 1))], axis=1)
  output o_stack = ops.stack([x, x * 2.0], axis=-1)
  a, b = ops.split(x, [2], axis=-1)
  output o_split_ab = ops.concatenate([b, a], axis=-1)
  output o_split_b = ops.split(x, 3, axis=2)[1]
  output o_tile = ops.tile(x, (1, 2, 1))
  output o_repeat = ops.repeat(x, 2, axis=1)
  output o_repeat_list = ops.repeat(x, [1, 0, 2, 1], axis=1)
  output o_flip = ops.flip(x, axis=-1)
  output o_roll = ops.roll(x, 2, axis=2)
  output o_roll2 = ops.roll(x, (1, -1), axis=(1, 2))
  output o_cumsum = ops.cumsum(x, axis=1)
  output o_cumsum_int = ops.cumsum(ids, axis=-1)
  output o_one_hot = ops.one_hot(ids, 3)
  output o_one_hot_ax = ops.one_hot(ids, 3, axis=1, dtype="int32")
  output o_positions = ops.zeros_like(ids) + ops.arange(4)
  v, i = ops.top_k(x, 2)
  output o_top_values = v * 2.0
  output o_top_indices = i + 0
}
""",
        {
            "o_matmul": (1, 6),
            "o_einsum": (1, 6),
            "o_einsum_c": (1, 6),
            "o_cumsum": (1, 4),
        },
    ),
    "channels_first": (
        """
block normalize(x, axis) {
  m = ops.mean(x, axis=axis, keepdims=true)
  return (x - m) / ops.sqrt(ops.var(x, axis=axis, keepdims=true) + 0.001)
}

model channels_first {
  img = Input(shape=(6, 5, 3))
  x = Conv2D(4, 3, padding="same")(img)
  a = normalize(x, -1)
  b = normalize(x, 1)
  output o_cf = ops.relu(a + b) * 0.5
  output o_softmax_c = ops.softmax(x, axis=-1)
  output o_softmax_h = ops.softmax(x, axis=1)
  output o_rows = ops.max(x, axis=1)
  output o_cols = ops.sum(x, axis=2, keepdims=true)
  output o_pool = ops.mean(x, axis=(1, 2))
  output o_chan = ops.argmax(x, axis=-1)
  output o_cat = ops.concatenate([x, ops.flip(x, axis=2)], axis=-1)
  output o_cum = ops.cumsum(x, axis=-1)
  p, q = ops.split(x, 2, axis=-1)
  output o_split = p * q
  output o_lse = ops.logsumexp(x, axis=(1, 3))
  output o_where = ops.where(x > 0, x, ops.zeros_like(x))
  output o_broadcast = x + ops.cast(ops.arange(4), "float32")
  output o_reshape = ops.reshape(x, (-1, 30, 4))
}
""",
        {
            # Conv2D: 27 products summed (k*k*c_in), then the functions
            "o_cf": (27 + 16, 27 + 60),
            "o_softmax_c": (27 + TRANSCENDENTAL + 2, 27 + 4),
            "o_softmax_h": (27 + TRANSCENDENTAL + 2, 27 + 6),
            "o_rows": (27, 27),
            "o_cols": (27, 27 + 5),
            "o_pool": (27 + 2, 27 + 30),
            "o_cat": (27, 27),
            "o_cum": (27, 27 + 4),
            "o_split": (27 + 1, 27),
            "o_lse": (27 + 2 * TRANSCENDENTAL + 2, 27 + 24),
            "o_where": (27, 27),
            "o_broadcast": (28, 27),
            "o_reshape": (27, 27),
        },
    ),
    "dense": (
        """
model dense {
  x = Input(shape=(5, 8))
  h = Dense(16, activation="relu")(x)
  attn = ops.softmax(ops.matmul(h, ops.transpose(h, (0, 2, 1))) / 4.0)
  h = ops.matmul(attn, h) + h
  h = (h - ops.mean(h, axis=-1, keepdims=true)) / (ops.std(h, axis=-1, keepdims=true) + 1e-3)
  pooled = ops.concatenate([ops.max(h, axis=1), ops.mean(h, axis=1)], axis=-1)
  output score = Dense(3, activation="softmax")(ops.gelu(pooled))
  compile(optimizer="adam", loss="categorical_crossentropy")
}
""",
        # Dense 8 -> 16 (8 products), scores over 16, softmax over 5, second matmul over 5, the
        # layer normalization over 16, pooling over 5, the last Dense over 32 and its softmax
        {"score": (8 + 16 + 5 + 5 + 16 + 5 + 32 + 3 * TRANSCENDENTAL + 20, 16 + 5 + 5 + 16 + 5 + 32)},
    ),
}


@pytest.fixture(scope="module")
def frameworks():
    pytest.importorskip("graphc")
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    return keras, torch


def _emit_pair(text: str, tmp_path: Path, stem: str):
    import importlib.util
    import sys

    from graphc.api import emit
    from graphc.compiler.lower import compile_program

    src = tmp_path / f"{stem}.gdl"
    src.write_text(text, encoding="utf-8")
    program = compile_program(str(src))
    assert not program.errors, [d.header() for d in program.errors]
    graph = program.entry()
    mods = []
    for target in ("keras", "torch"):
        path = tmp_path / f"{stem}_{target}.py"
        path.write_text(emit(program, graph, target, src.name), encoding="utf-8")
        name = f"fnparity_{stem}_{target}_{abs(hash(str(tmp_path)))}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        mods.append(module)
    return mods


def _inputs(kmod, n: int = 3, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    out = {}
    for name, (shape, dtype, _) in kmod.INPUT_SPECS.items():
        full = (n, *shape)
        if dtype == "bool":
            out[name] = rng.random(full) < 0.5
        elif "int" in dtype:
            out[name] = rng.integers(-1, 4, full).astype(dtype)  # -1: one_hot's out-of-range id
        else:
            out[name] = rng.uniform(-2.0, 2.0, full).astype(dtype)
    return out


def _keras_weights(model) -> dict:
    return {layer.name: layer.get_weights() for layer in model.layers if layer.weights}


def _run(frameworks, tmp_path, name):
    keras, torch = frameworks
    text, budget = PROGRAMS[name]
    kmod, tmod = _emit_pair(text, tmp_path, name)
    kmodel = kmod.build_model()
    rng = np.random.default_rng(1)
    for v in kmodel.weights:  # non-zero biases, so that they are copied too
        if v.path.endswith("bias"):
            v.assign(rng.normal(0.0, 0.3, tuple(v.shape)).astype("float32"))
    tmodel = tmod.build_model()
    tmod.load_keras_weights(tmodel, _keras_weights(kmodel))
    x = _inputs(kmod)
    names = list(kmod.INPUT_SPECS)
    k_out = kmodel([x[n] for n in names], training=False)
    k_out = k_out if isinstance(k_out, (list, tuple)) else [k_out]
    from graphc_runtime.torch import batches

    xt = batches.to_tensors(x, "cpu", tmod.CHANNELS_FIRST, "input")
    tmodel.eval()
    with torch.no_grad():
        t_out = tmodel(*[xt[n] for n in names])
    t_out = t_out if isinstance(t_out, (list, tuple)) else [t_out]
    outputs = list(kmod.OUTPUT_SPECS)
    scale_in = max(1.0, max(float(np.max(np.abs(v.astype("float64")))) for v in x.values()))
    report = []
    for oname, k, t in zip(outputs, k_out, t_out):
        kd = keras.backend.standardize_dtype(k.dtype)
        td = str(t.dtype).split(".")[1]
        assert kd == td, f"{name}.{oname}: Keras dtype {kd}, torch dtype {td}"
        a = np.asarray(k)
        b = t.numpy()
        if oname in tmod.CHANNELS_FIRST and b.ndim == 4:
            b = b.transpose(0, 2, 3, 1)
        assert a.shape == b.shape, f"{name}.{oname}: shapes {a.shape} {b.shape}"
        if "float" not in kd:
            assert np.array_equal(a, b), f"{name}.{oname}: {a} != {b}"
            report.append((oname, 0.0, 0.0))
            continue
        ops, n = budget.get(oname, (1, 0))
        scale = max(scale_in, float(np.max(np.abs(a))) if a.size else 1.0)
        tol = 2 * (ops + n * n) * U * scale
        diff = float(np.max(np.abs(a.astype("float64") - b.astype("float64")))) if a.size else 0.0
        report.append((oname, diff, tol))
        assert diff <= tol, f"{name}.{oname}: max |keras - torch| = {diff:.3g} > {tol:.3g}"
    return report


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_parity(frameworks, tmp_path, name):
    report = _run(frameworks, tmp_path, name)
    for oname, diff, tol in report:
        print(f"{name}.{oname}: diff {diff:.3g} (tol {tol:.3g})")
