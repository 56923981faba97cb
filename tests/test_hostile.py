"""Hostile input: text from a .gdl file (and its name) reaches emitted code only
through graphc.targets.escape, so an emitted module defines exactly what the
contract says, whatever the names and strings are."""

from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.api import emit
from graphc.compiler.interpreter import compile_program
from graphc.targets import code as C
from graphc.targets.escape import comment, doc, py_string

# what a module may define at top level (besides functions and classes)
KERAS_NAMES = {
    "RUNTIME_API",
    "LOSSES",
    "LOSS_WEIGHTS",
    "METRICS",
    "FIT_DEFAULTS",
    "INPUT_SPECS",
    "OUTPUT_SPECS",
}
TORCH_NAMES = KERAS_NAMES | {"RUNTIME_API", "LOGIT_ACTIVATIONS", "LOGIT_OUTPUTS", "CHANNELS_FIRST"}

NASTY = [
    "\n",
    "\r",
    "\u2028",
    "\u2029",
    "\u0085",
    "\x0b",
    "\x0c",
    "\x00",
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "{",
    "}",
    "#",
    "\ufeff",
    "é",
    "\U0001f600",
    "\nimport os; os.system('x')\n",
    '"); __import__("os").system("x"); ("',
    "\ndef _p(_=__import__('os').system('x')):\n    pass\n",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY + list("abc_ 1")), min_size=1, max_size=8).map("".join),
    st.text(min_size=1, max_size=20),
)


def check_module(text: str, target: str) -> None:
    """The module parses, and its top level is only the docstring, imports, the
    contract's tables, functions, classes and the __main__ guard; no default
    argument value calls anything."""
    tree = ast.parse(text)  # a SyntaxError fails the test
    allowed = KERAS_NAMES if target == "keras" else TORCH_NAMES
    for i, node in enumerate(tree.body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for fn in ast.walk(node):
                if isinstance(fn, ast.FunctionDef):
                    for d in fn.args.defaults + fn.args.kw_defaults:
                        assert d is None or not any(isinstance(x, ast.Call) for x in ast.walk(d)), ast.dump(d)
            continue
        if isinstance(node, ast.Assign):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
            assert names <= allowed, names
            continue
        if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'":
            continue
        pytest.fail(f"unexpected top-level statement: {ast.unparse(node)[:200]}")
    for line in text.splitlines():
        assert "\u2028" not in line and "\u2029" not in line and "\x85" not in line


def gdl_string(s: str) -> str:
    return py_string(s)  # GDL strings take Python's escapes


def program(layer_name: str) -> str:
    return f"""
block unit(x, label) {{
  return Dense(4, name=label)(x)
}}
model m {{
  x = Input(shape=(3,))
  h = unit(x, {gdl_string(layer_name)})
  output y = Dense(2, activation="softmax", name=f"{{'out'}}")(h)
  compile(optimizer="adam", loss="categorical_crossentropy")
}}
"""


@pytest.mark.parametrize("target", ["keras", "torch"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, fname=hostile_text)
def test_hostile_names_and_file_names_cannot_inject_code(target, name, fname):
    src = program(name)
    p = compile_program("m.gdl", src)
    errors = [d for d in p.errors]
    if errors:  # e.g. a name Keras would reject as a duplicate: a located error, not a module
        assert all(d.span.line >= 1 for d in errors)
        return
    text = emit(p, p.entry(), target, fname + ".gdl")
    check_module(text, target)


@pytest.mark.parametrize("target", ["keras", "torch"])
@pytest.mark.parametrize("nasty", NASTY)
def test_every_nasty_string_round_trips_as_the_same_value(target, nasty):
    """A layer name survives escaping exactly (Keras needs the real name)."""
    p = compile_program("m.gdl", program("a" + nasty))
    if p.errors:
        pytest.skip("rejected by the compiler")
    text = emit(p, p.entry(), target, "m.gdl")
    check_module(text, target)
    strings = {
        n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    assert "a" + nasty in strings


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_escape_helpers_produce_inert_text(s):
    assert ast.literal_eval(py_string(s)) == s
    c = comment(s)
    assert ast.parse(f"x = 1  # {c}\n").body[0].value.value == 1
    d = doc(s)
    assert ast.literal_eval(f'"""{d} """') == d + " "
    f = C.text(C.FStr((s, (C.Name("x"), ""), s)))
    assert eval(f, {"x": 7}) == f"{s}7{s}"  # noqa: S307 - the point: it is just an f-string


# every name issue 9 lists, plus the modules' other own names and import aliases
RESERVED_CANDIDATES = [
    *sorted(TORCH_NAMES),
    *(
        "argparse",
        "np",
        "keras",
        "torch",
        "nn",
        "F",
        "K",
        "rt",
        "sys",
        "math",
        "layers",
        "ops",
        "losses",
        "optim",
    ),
    *(
        "build_model",
        "main",
        "train",
        "make_optimizer",
        "make_callbacks",
        "load_keras_weights",
        "count_params",
    ),
]


def test_reserved_module_names_do_not_shadow_the_module():
    blocks = "\n".join(f"block {n}(x) {{ return Dense(3)(x) }}" for n in RESERVED_CANDIDATES)
    body = "x"
    for n in RESERVED_CANDIDATES:
        body = f"{n}({body})"
    src = (
        blocks
        + f'\nmodel m {{\n  x = Input(shape=(3,))\n  output y = {body}\n  compile(optimizer="adam", loss="mse")\n}}\n'
    )
    p = compile_program("r.gdl", src)
    assert not p.errors, [d.header() for d in p.errors]
    for target in ("keras", "torch"):
        text = emit(p, p.entry(), target, "r.gdl")
        check_module(text, target)
        tree = ast.parse(text)
        defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert len(defined) == len(set(defined)), defined
        imported = {
            (a.asname or a.name).split(".")[0]
            for n in tree.body
            if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names
        }
        tables = {
            t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
        }
        assert not (set(defined) & (imported | tables)), (target, set(defined) & (imported | tables))
        # the blocks' functions/classes take other names; the module's own functions stay its own
        own = {"build_model", "main", "train", "make_optimizer", "make_callbacks"}
        assert own <= set(defined), defined


def test_parameters_and_locals_do_not_shadow_module_names():
    """A block parameter called `layers` (or `keras`, `ops`, `F`...) must not hide the
    module's import inside the function that uses it."""
    src = """
block f(x, layers, keras=2, ops=1, F=1) {
  y = Dense(layers * keras)(x)
  return Dense(ops + F)(y)
}
model m {
  x = Input(shape=(4,))
  y = f(x, 3)
  output out = f(y, layers=5, keras=1)
  compile(optimizer="adam", loss="mse")
}
"""
    p = compile_program("s.gdl", src)
    assert not p.errors, [d.header() for d in p.errors]
    for target in ("keras", "torch"):
        tree = ast.parse(emit(p, p.entry(), target, "s.gdl"))
        top = set()
        for n in tree.body:
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                top |= {(a.asname or a.name).split(".")[0] for a in n.names}
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
                top.add(n.name)
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                used = {x.id for x in ast.walk(fn) if isinstance(x, ast.Name)}
                bound = {a.arg for a in fn.args.args + fn.args.kwonlyargs}
                bound |= {
                    t.id
                    for s in ast.walk(fn)
                    if isinstance(s, ast.Assign)
                    for t in s.targets
                    if isinstance(t, ast.Name)
                }
                assert not (bound & top & used), (target, fn.name, bound & top & used)
