"""The compile-time language: conditional expressions, list and dict
comprehensions, tuple unpacking in `for`, zip / enumerate / sum, subscripts
with slices, `...` and None, and what a tensor tells at compile time
(`x.shape`, `x.dtype`, `x.ndim`).

Each construct: parsed into its AST, evaluated as Python evaluates the same
text (Python is the reference for compile-time values), bounded by the
evaluation budget, recorded for the targets, written by both targets as code
that compiles; the slow tests build the emitted Keras modules with real Keras
and run the PyTorch modules against them."""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.api import emit
from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.interpreter import compile_program
from graphc.compiler.ir import BlockInstance, ForRegion, IfRegion, lint
from graphc.compiler.parse import parse
from graphc.fmt import format_source

MODEL_TAIL = """
model m {
  x = Input(shape=(3,))
  output z = Dense(1)(x)
}
"""


def compiled(src: str, path: str = "t.gdl"):
    program = compile_program(path, src)
    assert not program.errors, [d.header() + " | " + str(d.hint) for d in program.errors]
    return program


def const(expr: str):
    """The value GDL gives a top-level constant."""
    program = compiled(f"v = {expr}\n" + MODEL_TAIL)
    return program.env.names["v"]


def errors(src: str) -> list:
    program = compile_program("t.gdl", src)
    return [(d.code, d.span.line) for d in program.diagnostics if d.is_error]


def messages(src: str) -> list:
    return [d.message + " | " + str(d.hint) for d in compile_program("t.gdl", src).errors]


def both(src: str, tmp_path: Path, stem: str = "prog") -> dict:
    """Emit both targets; each must parse as Python and be ruff-clean."""
    path = tmp_path / f"{stem}.gdl"
    path.write_text(src)
    program = compiled(src, str(path))
    out = {}
    for target in ("keras", "torch"):
        text = emit(program, program.entry(), target, path.name)
        ast.parse(text)
        f = tmp_path / f"{stem}_{target}.py"
        f.write_text(text)
        out[target] = text
    ruff = [sys.executable, "-m", "ruff"]
    files = [str(tmp_path / f"{stem}_{t}.py") for t in ("keras", "torch")]
    r = subprocess.run(
        ruff + ["check", "--isolated", "--select", "E,F,W,B,ARG", *files], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout
    r = subprocess.run(ruff + ["format", "--isolated", "--check", *files], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


# ===================================================================== syntax
def test_ast_of_each_construct():
    mod = parse(
        "a = b if c else d\n"
        "l = [f(k) for k in ks if k > 1 for j in js]\n"
        "m = {o: 1 for o in names}\n"
        "s = sum(w for w in ws)\n"
        "t = x[:, 0, ..., None, 1:2:3, ::-1]\n"
        "u = x[0,]\n"
        "model q { for i, (p, r) in zip(a, b) {} }\n"
    )
    a, lc, m, s, t, u, q = (item.value if isinstance(item, S.Const) else item for item in mod.items)
    assert isinstance(a, S.IfExp) and (a.cond.id, a.body.id, a.orelse.id) == ("c", "b", "d")
    assert isinstance(lc, S.ListComp) and not lc.genexp and len(lc.generators) == 2
    assert [len(g.ifs) for g in lc.generators] == [1, 0] and lc.generators[0].target.id == "k"
    assert isinstance(m, S.DictComp) and m.key.id == "o"
    assert isinstance(s, S.Call) and isinstance(s.args[0], S.ListComp) and s.args[0].genexp
    assert isinstance(t.index, S.TupleExpr)
    kinds = [type(i).__name__ for i in t.index.items]
    assert kinds == ["Slice", "Literal", "EllipsisExpr", "Literal", "Slice", "Slice"]
    assert t.index.items[5].has_step and t.index.items[5].lower is None
    assert isinstance(u.index, S.TupleExpr) and len(u.index.items) == 1  # `x[0,]` is a tuple index
    target = q.body[0].var
    assert [i.id for i in S.target_idents(target)] == ["i", "p", "r"]


@pytest.mark.parametrize(
    "src",
    [
        "x = {k: v for k in ks}",
        "x = a if b else {}",  # `else {` in an expression opens a dict, not a block
        "x = a if b else {1: 2}",
        "model m { if a { x = 1 } else { x = 2 } }",
        "model m { if a { x = {} } else { x = {1: 2} } }",
    ],
)
def test_braces_after_else(src):
    mod = parse(src + "\n")
    assert mod.items


def test_fmt_writes_each_construct_canonically():
    src = (
        "a=(b if c else d)\nl=[ f(k) for k in ks if k>1 ]\nm={ o : 1 for o in names }\n"
        "s=sum( w for w in ws )\nt=x[ :,0,...,None,1:2:3,::-1 ]\nu=x[0,]\nv=x[(1,2)]\n"
        "w = (a if b else c) + 1\ne = a if b else {}\n"
        "model q {\n  for i,(p,r) in zip(a,b) { y = p }\n  for (k) in a {}\n}\n"
    )
    out = format_source(src)
    assert out == (
        "a = b if c else d\n"
        "l = [f(k) for k in ks if k > 1]\n"
        "m = {o: 1 for o in names}\n"
        "s = sum(w for w in ws)\n"
        "t = x[:, 0, ..., None, 1:2:3, ::-1]\n"
        "u = x[0,]\n"
        "v = x[1, 2]\n"
        "w = (a if b else c) + 1\n"
        "e = a if b else {}\n"
        "\n"
        "model q {\n  for i, (p, r) in zip(a, b) {\n    y = p\n  }\n  for k in a {}\n}\n"
    )
    assert format_source(out) == out


# ================================================================= evaluation
# expressions written the same in GDL and Python: Python's value is the reference
PYTHON_SAME = [
    "[2 * w for w in [8, 16, 32] if w > 8]",
    "[(i, j) for i in range(3) for j in range(i)]",
    "[i + j for i in range(3) if i for j in range(4) if j % 2 == 0 if j]",
    "{o: len(o) for o in ['mse', 'mae']}",
    "{k: v for k, v in zip('abc', range(3))}",
    "sum(w for w in [1, 2, 3])",
    "sum([0.5, 1.5], 2)",
    "sum(range(10))",
    "list(zip([1, 2, 3], 'ab'))",
    "list(enumerate(['a', 'b'], 1))",
    "list(enumerate('xy', start=5))",
    "[i * w for i, w in enumerate([3, 4])]",
    "[a + b + c for i, (a, (b, c)) in enumerate(zip([1, 2], [(3, 4), (5, 6)]))]",
    "1 if 2 > 3 else 4",
    "'a' if '' else 'b' if [] else 'c'",
    "(1 if None == None else 2) + 1",
    "[8, 16, 32, 64][1:]",
    "[8, 16, 32, 64][::-1]",
    "[8, 16, 32, 64][-3:-1]",
    "[8, 16, 32, 64][1::2]",
    "(1, 2, 3)[:2]",
    "'block_conv'[::-1]",
    "'block_conv'[6:]",
    "range(10)[2:8:3][1]",
    "len([x for x in range(5)][2:])",
    "max([abs(v) for v in [-3, 2]])",
    "min(len(s) for s in ['ab', 'c'])",
]


@pytest.mark.parametrize("expr", PYTHON_SAME)
def test_values_equal_pythons(expr):
    gdl = expr.replace("list(", "(")  # GDL's zip/enumerate give lists already
    expected = eval(expr, {})  # noqa: S307  (the reference: Python itself)
    got = const(gdl)
    if isinstance(got, range):
        got = list(got)
    assert got == expected and type(got) is type(expected), (got, expected)


def test_only_the_chosen_branch_is_evaluated():
    # the other branch names nothing that exists and would divide by zero
    assert const("1 if true else undefined_name") == 1
    assert const("1 / 0 if false else 2") == 2
    program = compiled(
        "model m {\n  x = Input(shape=(3,))\n  output z = Dense(1)(x) if true else Dense(2)(missing)\n}\n"
    )
    assert [la.type_name for la in program.entry().layers] == ["Dense"]


def test_comprehension_variables_are_their_own():
    src = """
model m(k=7) {
  x = Input(shape=(3,))
  ys = [Dense(k)(x) for k in [1, 2]]
  output z = Dense(k)(concatenate(ys))
}
"""
    g = compiled(src).entry()
    assert [la.full_args.get("units") for la in g.layers if la.type_name == "Dense"] == [1, 2, 7]


def test_for_unpacks_tuples():
    src = """
model m {
  x = Input(shape=(3,))
  for i, (u, act) in enumerate(zip([4, 5], ["relu", "tanh"])) {
    x = Dense(u + i, activation=act, name=f"d{i}")(x)
  }
  output z = x
}
"""
    g = compiled(src).entry()
    dense = [la for la in g.layers if la.type_name == "Dense"]
    assert [(la.name, la.full_args["units"], la.full_args["activation"]) for la in dense] == [
        ("d0", 4, "relu"),
        ("d1", 6, "tanh"),
    ]


def test_tensor_attributes_are_compile_time_values():
    src = """
model m {
  x = Input(shape=(None, 8), dtype="float16")
  s = x.shape
  d = x.dtype
  n = x.ndim
  last = x.shape[-1]
  y = Dense(last * 2)(x)
  output z = Dense(len(s) + n)(y)
}
"""
    program = compiled(src)
    g = program.entry()
    # Keras: KerasTensor.shape has the batch axis (None), .dtype is a string, .ndim counts the batch
    # axis (checked against real Keras in test_tensor_attributes_match_keras)
    assert [la.full_args["units"] for la in g.layers] == [16, 6]
    assert str(g.outputs[0].tensor.type) == "(None, None, 6)"


def test_shape_read_keeps_its_provenance():
    src = """
block widen(x, k=2) {
  c = x.shape[-1]
  return Dense(k * c)(x)
}
model m {
  x = Input(shape=(5,))
  output z = widen(x)
}
"""
    g = compiled(src).entry()
    dense = g.layers[0]
    units = P.strip(dense.arg_syms["units"])
    assert units == P.Bin(
        "*", P.Param("k"), P.Index(P.TensorAttr("x", "shape"), P.Unary("-", P.Const(1, "1")))
    )
    assert dense.full_args["units"] == 10


def test_comprehension_builds_the_graph_it_says():
    src = """
model m(widths=[4, 8, 16]) {
  x = Input(shape=(6,))
  hs = [Dense(w, name=f"h{w}")(x) for w in widths if w > 4]
  y = concatenate(hs) if len(hs) > 1 else hs[0]
  output z = Dense(1)(y)
}
"""
    g = compiled(src).entry()
    assert lint(g) == []
    assert [la.name for la in g.layers] == ["h8", "h16", "concatenate", "z"]
    concat = next(n for n in g.nodes if getattr(n, "layer", None) is g.layers[2])
    assert str(concat.outputs[0].type) == "(None, 24)"
    # what ran is recorded for the targets: the comprehension, then the chosen branch
    kinds = [type(r).__name__ for r in g.region]
    assert "ForRegion" in kinds and "IfRegion" in kinds
    comp = next(r for r in g.region if isinstance(r, ForRegion) and isinstance(r.stmt, S.ListComp))
    assert comp.positions == [(1,), (2,)]  # the items the filter kept
    pick = next(r for r in g.region if isinstance(r, IfRegion) and isinstance(r.stmt, S.IfExp))
    assert pick.branch == "body"


def test_block_calls_record_their_branches():
    src = """
block maybe(x, proj) {
  return Dense(4)(x) if proj else x
}
model m {
  x = Input(shape=(4,))
  y = maybe(x, true)
  output z = maybe(y, false)
}
"""
    g = compiled(src).entry()
    blocks = [it for it in g.items if isinstance(it, BlockInstance)]
    branches = [next(r for r in b.region if isinstance(r, IfRegion)).branch for b in blocks]
    assert branches == ["body", "orelse"]


# ============================================================== budget
@pytest.mark.parametrize(
    "expr",
    [
        "[i * j for i in range(100000) for j in range(100000)]",  # 10^10 elements
        "len(zip(range(10 ** 9), range(10 ** 9)))",
        "sum(range(2 ** 100))",
        "[(s * 100000)[i:] for i in range(100000)]",
    ],
)
def test_hostile_comprehensions_end_with_a_limit(expr):
    start = time.perf_counter()
    program = compile_program("t.gdl", f"s = 'x'\nv = {expr}\n" + MODEL_TAIL)
    assert [d.code for d in program.errors] == ["limit"]
    assert time.perf_counter() - start < 60  # bounded: the step budget, not the size of the loop


# ============================================================== targets
PROGRAMS = {
    # conditional expressions: a compile-time condition picks a branch; a block whose calls
    # chose differently keeps the condition (Keras) or becomes one class per choice (PyTorch)
    "ifexp": """
block maybe_proj(x, proj=false, act="relu") {
  y = Dense(x.shape[-1] * 2 if proj else 4, activation=act if proj else None)(x)
  return Dense(6)(y) if proj else y
}
model m {
  x = Input(shape=(5,))
  a = maybe_proj(x, proj=true)
  b = maybe_proj(x)
  output z = concatenate([a, b])
  compile(optimizer="adam", loss="mse")
}
""",
    # comprehensions building tensors, with filters, a dict comprehension, `for` over tensors
    "comprehension": """
widths = [4, 8, 16]
block heads(x, units) {
  hs = [Dense(u, name=f"{n}_head")(x) for u, n in zip(units, ["a", "b", "c"])]
  return concatenate(hs)
}
model m {
  x = Input(shape=(6,))
  h = heads(x, widths)
  feats = [Dense(w)(h) for w in widths if w > 4]
  outs = {f"o{i}": Dense(1)(f) for i, f in enumerate(feats)}
  output z = add([outs["o0"], outs["o1"]])
  compile(optimizer="adam", loss={o: "mse" for o in ["z"]})
}
""",
    # tuple unpacking, zip, enumerate, sum, slices of compile-time lists and strings
    "unpacking": """
blocks = [(8, "relu"), (12, "tanh"), (16, "relu")]
block stack(x, specs) {
  for i, (units, act) in enumerate(specs) {
    x = Dense(units, activation=act)(x)
  }
  return x
}
model m {
  x = Input(shape=(3,))
  y = stack(x, blocks[:2])
  y = stack(y, blocks[1:])
  total = sum(u for u, _ in blocks)
  output z = Dense(total // len(blocks), name="head"[::-1])(y)
  compile(optimizer="sgd", loss="mse")
}
""",
    # shape reads: written as `x.shape[-1]` by Keras, as values by PyTorch
    "shapes": """
block residual(x, width) {
  c = x.shape[-1]
  y = Dense(2 * c, activation="relu")(x)
  y = Dense(c)(y)
  s = x if c == width else Dense(width)(x)
  return add([s, Dense(width)(y)])
}
model m {
  x = Input(shape=(4,), dtype=x_dtype if false else "float32")
  y = residual(x, 4)
  y = residual(y, 6)
  n = y.ndim + len(y.shape)
  output z = Dense(n)(y)
  compile(optimizer="adam", loss="mse")
}
""",
    # subscripts of tensors: the getitem function, with the index the syntax makes
    "slices": """
model m {
  x = Input(shape=(5, 32))
  a = x[:, 0]
  b = x[..., :16]
  c = x[:, ::2]
  d = x[:, -1, :]
  e = x[:, None]
  parts = [x[:, i] for i in range(1, 3)]
  rest = [a, d, Flatten()(b), Flatten()(c), Flatten()(e)]
  g = concatenate(parts + rest)
  output z = Dense(1)(g)
  compile(optimizer="adam", loss="mse")
}
""",
    # loops and comprehensions over tensors the loop itself builds: the list is written once
    "tensor_loops": """
model m {
  x = Input(shape=(6,))
  for t in [Dense(6)(x), Dense(6)(x)] { x = add([x, t, t]) }
  ys = [add([u, u]) for u in [Dense(2)(x), Dense(2)(x)]]
  zs = [Dense(1)(v) for v in [Dense(2)(x), Dense(2)(x)]]
  output z = concatenate(ys + zs)
  compile(optimizer="adam", loss="mse")
}
""",
}


def test_keras_writes_conditions_shapes_and_lists(tmp_path):
    k = both(PROGRAMS["ifexp"], tmp_path, "ifexp")["keras"]
    assert "x.shape[-1] * 2 if proj else 4" in k  # the condition is a parameter of the function
    assert "if proj else y" in k
    k = both(PROGRAMS["shapes"], tmp_path, "shapes")["keras"]
    assert "c = x.shape[-1]" in k and "x if c == width else" in k
    k = both(PROGRAMS["comprehension"], tmp_path, "comp")["keras"]
    assert '"o0": layers.Dense(1' in k and "(feats[0])" in k  # a dict comprehension over tensors, unrolled


def test_iterables_of_new_tensors_are_written_once(tmp_path):
    out = both(PROGRAMS["tensor_loops"], tmp_path, "loops")
    for text in out.values():
        # each Dense of an iterable is applied once, in the list the loop reads by index
        assert text.count("items[0]") == 2 and text.count("items_1[0]") == 2
        assert "(items_2[0])" in text


def test_torch_writes_values_and_splits_choices(tmp_path):
    t = both(PROGRAMS["ifexp"], tmp_path, "ifexp")["torch"]
    assert "class MaybeProj(" in t and "class MaybeProj_1(" in t  # one class per choice
    assert ".shape" not in t  # sizes are values (or constructor parameters) in the PyTorch module
    t = both(PROGRAMS["shapes"], tmp_path, "shapes")["torch"]
    assert ".shape" not in t


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_programs_compile_to_both_targets(name, tmp_path):
    out = both(PROGRAMS[name], tmp_path, name)
    assert "def build_model" in out["keras"] and "def build_model" in out["torch"]


def test_compile_time_functions_translate_the_new_syntax(tmp_path):
    src = """
block pick(ws, k=1) {
  return sum(w * k for w in ws[1:]) if len(ws) > 1 else ws[0]
}
block head(x, ws) {
  return Dense(pick(ws, k=2))(x)
}
model m {
  x = Input(shape=(3,))
  a = head(x, [1, 2, 3])
  output z = head(a, [4, 5])
}
"""
    g = compiled(src).entry()
    assert [la.full_args["units"] for la in g.layers] == [10, 10]
    out = both(src, tmp_path, "fns")
    assert "def build_model" in out["keras"]


# ================================================================ slow: real Keras and PyTorch
def _keras_module(text: str, tmp_path: Path, name: str):
    from helpers import import_file

    f = tmp_path / f"{name}_keras.py"
    f.write_text(text)
    return import_file(f)


def _torch_module(text: str, tmp_path: Path, name: str):
    from helpers import import_file

    try:  # building and running a model needs no optimizer; the runtime's may not be installed
        import graphc_runtime.torch.optim  # noqa: F401
    except ImportError:
        sys.modules.setdefault("graphc_runtime.torch.optim", types.ModuleType("graphc_runtime.torch.optim"))
    f = tmp_path / f"{name}_torch.py"
    f.write_text(text)
    return import_file(f)


@pytest.mark.slow
def test_tensor_attributes_match_keras():
    import keras

    x = keras.Input(shape=(None, 8), dtype="float16")
    program = compiled(
        'model m {\n  x = Input(shape=(None, 8), dtype="float16")\n'
        "  output z = Dense(len(x.shape) + x.ndim)(x)\n}\n"
    )
    ev = program.interpreter.exprs
    t = program.entry().inputs[0]

    class E:
        def __init__(self, name):
            self.name, self.span = name, S.NOSPAN

    assert ev.tensor_attr(None, t, E("shape")) == tuple(x.shape)
    assert ev.tensor_attr(None, t, E("dtype")) == x.dtype
    assert ev.tensor_attr(None, t, E("ndim")) == x.ndim
    # a tensor made from constants has no batch axis
    p = keras.ops.arange(8)
    g = compiled(
        "model m {\n  x = Input(shape=(3,))\n  p = ops.arange(8)\n"
        "  output z = Dense(p.shape[0] + 10 * p.ndim + 100 * len(p.shape))(x)\n}\n"
    ).entry()
    units = next(la for la in g.layers if la.type_name == "Dense").full_args["units"]
    assert units == p.shape[0] + 10 * p.ndim + 100 * len(p.shape)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROGRAMS))
def test_keras_modules_build_and_agree_with_graphc(name, tmp_path):
    import keras  # noqa: F401

    out = both(PROGRAMS[name], tmp_path, name)
    graph = compiled(PROGRAMS[name]).entry()
    model = _keras_module(out["keras"], tmp_path, name).build_model()
    count = int(sum(np.prod(w.shape) for w in model.weights))
    assert count == graph.trainable_params + graph.non_trainable_params
    assert [tuple(t.shape) for t in model.outputs] == [(None, *o.tensor.type.shape) for o in graph.outputs]
    for layer in graph.layers:
        assert model.get_layer(layer.name).count_params() == layer.trainable_params, layer.name


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROGRAMS))
def test_torch_modules_compute_what_keras_computes(name, tmp_path):
    import torch
    from torch_helpers import keras_weights, randomize

    out = both(PROGRAMS[name], tmp_path, name)
    kmod = _keras_module(out["keras"], tmp_path, name)
    tmod = _torch_module(out["torch"], tmp_path, name)
    kmodel = kmod.build_model()
    randomize(kmodel)
    tmodel = tmod.build_model()
    tmod.load_keras_weights(tmodel, keras_weights(kmodel))
    assert sum(p.numel() for p in tmodel.parameters()) == kmodel.count_params()
    rng = np.random.default_rng(0)
    graph = compiled(PROGRAMS[name]).entry()
    xs = [rng.normal(size=(3, *t.type.shape)).astype("float32") for t in graph.inputs]
    k_out = np.asarray(kmodel(xs, training=False))
    tmodel.eval()
    with torch.no_grad():
        t_out = tmodel(*[torch.from_numpy(x) for x in xs]).numpy()
    # float32: each Dense output sums at most 48 products (|error| <= 48 * 2**-24 relative to
    # the sum of magnitudes), over at most 6 layers with O(1) activations: below 1e-4 relative
    # to the output's scale whatever the summation order of the two frameworks
    scale = max(1.0, float(np.max(np.abs(k_out))))
    assert float(np.max(np.abs(k_out - t_out))) / scale < 1e-4


# ================================================================ generated programs
_INTS = [
    "2",
    "3",
    "k",
    "k + 1",
    "n",
    "2 * n",
    "c",
    "c + k",
    "len(ws)",
    "sum(ws)",
    "ws[-1]",
    "ws[n % len(ws)]",
]
_CONDS = ["flag", "not flag", "k > 2", "n % 2 == 0", "c == 4", "len(ws) > 1", "true", "ws[1:]"]


@st.composite
def _stmt(draw, depth=0):
    i = lambda: draw(st.sampled_from(_INTS))  # noqa: E731
    cond = lambda: draw(st.sampled_from(_CONDS))  # noqa: E731
    kind = draw(st.sampled_from(["dense", "ifexp", "comp", "unpack", "shape", "dict", "loop_t"]))
    if kind == "dense":
        return f"x = Dense({i()})(x)"
    if kind == "ifexp":
        return f"x = Dense({i()})(x) if {cond()} else x"
    if kind == "comp":
        return (
            f"hs = [Dense({i()})(x) for k in ws if {cond()}]\n"
            "  x = concatenate(hs) if len(hs) > 1 else (hs[0] if hs else x)"
        )
    if kind == "unpack":
        return "for i, (k, a) in enumerate(zip(ws, ws[::-1])) { x = Dense(k + a + i)(x) }"
    if kind == "shape":
        return f"c = x.shape[-1]\n  x = Dense(c * 2 if {cond()} else {i()})(x)"
    if kind == "dict":
        return 'd = {f"o{k}": Dense(k)(x) for k in ws}\n  x = concatenate([d[o] for o in d]) if len(d) > 1 else d[f"o{ws[0]}"]'
    return "for t in [Dense(2)(x), x] { x = concatenate([x, t]) }"


@st.composite
def _program(draw):
    body = "\n  ".join(draw(st.lists(_stmt(), min_size=1, max_size=4)))
    calls = draw(
        st.lists(
            st.tuples(st.sampled_from(["true", "false"]), st.sampled_from(["[1, 2]", "[3, 4, 5]", "[2]"])),
            min_size=1,
            max_size=3,
        )
    )
    lines = "\n  ".join(f"x = part(x, flag={f}, ws={w}, n={j + 1})" for j, (f, w) in enumerate(calls))
    return (
        f"block part(x, flag=true, ws=[1, 2], n=2, k=3, c=4) {{\n  {body}\n  return x\n}}\n"
        f"model m {{\n  x = Input(shape=(4,))\n  {lines}\n  output z = Dense(1)(x)\n"
        '  compile(optimizer="adam", loss="mse")\n}\n'
    )


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(_program())
def test_generated_programs_compile_to_both_targets(src):
    program = compiled(src, "gen.gdl")
    graph = program.entry()
    assert lint(graph) == []
    for target in ("keras", "torch"):
        ast.parse(emit(program, graph, target, "gen.gdl"))


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(_program())
def test_generated_programs_agree_with_keras(src):
    import keras  # noqa: F401
    import torch
    from torch_helpers import keras_weights, randomize

    tmp = Path(tempfile.mkdtemp())
    program = compiled(src, "gen.gdl")
    graph = program.entry()
    kmod = _keras_module(emit(program, graph, "keras", "gen.gdl"), tmp, "gen")
    tmod = _torch_module(emit(program, graph, "torch", "gen.gdl"), tmp, "gen")
    kmodel = kmod.build_model()
    assert kmodel.count_params() == graph.trainable_params
    randomize(kmodel)
    tmodel = tmod.build_model()
    tmod.load_keras_weights(tmodel, keras_weights(kmodel))
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    k_out = np.asarray(kmodel([x], training=False))
    tmodel.eval()
    with torch.no_grad():
        t_out = tmodel(torch.from_numpy(x)).numpy()
    # the bound of test_torch_modules_compute_what_keras_computes (Dense stacks, float32)
    assert float(np.max(np.abs(k_out - t_out))) / max(1.0, float(np.max(np.abs(k_out)))) < 1e-4
