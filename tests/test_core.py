"""The compiler core: IR invariants on every program, visitor completeness,
provenance of block values, `use` confinement and evaluation limits."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest

from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.interpreter import Interpreter, compile_program
from graphc.compiler.ir import BlockInstance, Executed, ForRegion, IfRegion, lint
from graphc.compiler.session import Session

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.gdl"))


def codes(program):
    return [(d.code, d.span.line) for d in program.diagnostics if d.is_error]


# ------------------------------------------------------------------ IR lint
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_graph_passes_lint(path):
    program = compile_program(str(path))
    assert not program.errors
    for graph in program.graphs.values():
        stack = [graph]
        while stack:
            g = stack.pop()
            assert lint(g) == [], g.name
            stack.extend(layer.graph for layer in g.layers if layer.graph is not None)


@pytest.mark.parametrize(
    "app", ["Xception", "ResNet50", "InceptionV3", "DenseNet121", "MobileNetV2", "EfficientNetB0"]
)
def test_every_application_graph_passes_lint(app):
    src = f"model m {{\n  x = Input(shape=(96, 96, 3))\n  output y = {app}(weights=None, input_shape=(96, 96, 3), classes=5)(x)\n}}\n"
    program = compile_program("app.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]
    sub = program.entry().layers[0].graph
    assert lint(sub) == []


def test_lint_reports_broken_invariants():
    program = compile_program(str(ROOT / "examples" / "residual.gdl"))
    g = program.entry()
    assert lint(g) == []
    g.layers[1].name = g.layers[0].name  # two layers with one name
    g.nodes.reverse()  # consumers before producers
    problems = lint(g)
    assert any("two layers are named" in p for p in problems)
    assert any("before it is made" in p for p in problems)


# ------------------------------------------------------------------ visitors
def _classes(kind):
    return {
        c
        for c in vars(S).values()
        if isinstance(c, type)
        and issubclass(c, S.Node)
        and c is not S.Node
        and dataclasses.is_dataclass(c)
        and c.__doc__ is not None
        and kind(c)
    }


def test_visitors_cover_every_syntax_class():
    it = Interpreter(Session())
    exprs = set(it.exprs.dispatch)
    stmts = set(it.stmts.dispatch)
    structural = {S.Keyword, S.Ident, S.Param, S.Use, S.Const, S.Def, S.Module}
    # `extern` declarations: top-level, read by graphc/compiler/externs.py (not evaluated as code)
    structural |= {S.Extern, S.ExternParam, S.ExternField, S.ExternRule, S.ExternCall}
    every = {c for c in vars(S).values() if isinstance(c, type) and issubclass(c, S.Node) and c is not S.Node}
    missing = every - exprs - stmts - structural
    assert not missing, f"syntax classes no visitor handles: {sorted(c.__name__ for c in missing)}"
    assert not exprs & stmts


# ------------------------------------------------------------------ provenance
def test_block_values_remember_their_source():
    src = """
block stage(x, filters, n=2) {
  x = Conv2D(4 * filters, 1, name=f"s{filters}_conv")(x)
  for i in range(n) {
    x = Dense(filters + i)(x)
  }
  if filters > 8 { x = Dropout(0.5)(x) }
  return x
}
model m {
  x = Input(shape=(8, 8, 3))
  x = stage(x, 4)
  output y = stage(x, 16, n=1)
}
"""
    program = compile_program("p.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]
    g = program.entry()
    blocks = [it for it in g.items if isinstance(it, BlockInstance)]
    assert [b.instance for b in blocks] == ["stage", "stage_1"]
    conv = g.layers[0]
    assert conv.arg_syms["filters"] == P.Bin("*", P.Const(4, "4"), P.Param("filters"))
    assert conv.arg_syms["name"] == P.FStr(("s", (P.Param("filters"), ""), "_conv"))
    region = [r for r in blocks[0].region if not isinstance(r, Executed)]
    assert isinstance(region[1], ForRegion) and region[1].iter_sym == P.Builtin("range", (P.Param("n"),))
    assert len(region[1].iterations) == 2
    dense = region[1].iterations[1][1][0].layer
    assert dense.arg_syms["units"] == P.Bin("+", P.Param("filters"), P.Loop("i"))
    assert isinstance(region[2], IfRegion) and region[2].branch is None
    assert [r for r in blocks[1].region if not isinstance(r, Executed)][2].branch == "body"
    assert blocks[1].param_syms == {"x": P.OPAQUE, "filters": P.Const(16, "16"), "n": P.Const(1, "1")}


# ------------------------------------------------------------------ use
def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


MODEL = "model m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n"


@pytest.mark.parametrize(
    "target",
    ["/proc/self/environ", "../../etc/passwd", "/etc/passwd", "../outside.gdl", "secret.txt"],
)
def test_use_outside_the_project_is_refused_and_quotes_nothing(tmp_path, target):
    (tmp_path / "outside.gdl").write_text("leak = 1\n")
    (tmp_path / "proj" / "secret.txt").parent.mkdir()
    (tmp_path / "proj" / "secret.txt").write_text("TOKEN=hunter2\n")
    main = _write(tmp_path / "proj" / "main.gdl", f'use "{target}"\n' + MODEL)
    program = compile_program(main)
    errs = [d for d in program.diagnostics if d.is_error]
    assert [(d.code, d.span.line) for d in errs] == [("use-outside", 1)]
    text = " ".join(d.message + (d.hint or "") for d in program.diagnostics)
    assert "hunter2" not in text and "root:" not in text and "leak" not in text
    assert not any(p.endswith(("passwd", "environ", "secret.txt")) for p in program.sources.texts)


def test_use_through_a_symlink_out_of_the_project_is_refused(tmp_path):
    _write(tmp_path / "elsewhere" / "lib.gdl", "width = 3\n")
    proj = tmp_path / "proj"
    proj.mkdir()
    os.symlink(tmp_path / "elsewhere" / "lib.gdl", proj / "lib.gdl")
    main = _write(proj / "main.gdl", 'use "lib.gdl"\n' + MODEL)
    assert codes(compile_program(main)) == [("use-outside", 1)]
    # with the project root one level up it is inside
    assert codes(compile_program(main, root=str(tmp_path))) == []


def test_use_inside_the_project_and_subdirectories_works(tmp_path):
    _write(tmp_path / "lib" / "blocks.gdl", "width = 3\n")
    main = _write(
        tmp_path / "main.gdl",
        'use "lib/blocks.gdl"\nmodel m {\n  x = Input(shape=(3,))\n  output y = Dense(width)(x)\n}\n',
    )
    assert codes(compile_program(main)) == []


def test_a_file_with_a_byte_order_mark_is_accepted(tmp_path):
    p = tmp_path / "bom.gdl"
    p.write_bytes("\ufeff".encode() + MODEL.encode())
    assert codes(compile_program(str(p))) == []


# ------------------------------------------------------------------ limits
HOSTILE = {
    "power tower": "n = 10 ** 10 ** 10\n",
    "string repeat": 's = "ab" * 10 ** 10\n',
    "list repeat": "l = [0] * 10 ** 9\n",
    "list doubling": "model m {\n  l = [0]\n  for i in range(60) { l = l + l }\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n",
    "nested loops": "model m {\n  n = 0\n  for i in range(10000) { for j in range(10000) { n = n + 1 } }\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n",
    "format width": 's = f"{1:999999999}"\n',
    "huge range sum": "n = max(range(10 ** 12))\n",
    "deep expression": "n = " + "-" * 500 + "1\n",
    "deep list": "n = " + "[" * 100000 + "]" * 100000 + "\n",
    "int growth": "model m {\n  n = 2\n  for i in range(100) { n = n * n }\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n",
    "many layers": "model m {\n  x = Input(shape=(3,))\n  for i in range(100000) { x = Dense(1)(x) }\n  output y = Dense(1)(x)\n}\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_unbounded_programs_end_with_a_located_limit_error(name):
    start = time.process_time()
    program = compile_program("hostile.gdl", HOSTILE[name])
    elapsed = time.process_time() - start
    errs = [d for d in program.diagnostics if d.is_error]
    assert errs and errs[0].code in ("limit", "syntax"), [d.header() for d in errs]
    assert errs[0].span.line >= 1
    if errs[0].code == "limit":
        assert "limit of" in errs[0].message
    assert elapsed < 30, f"{name} took {elapsed:.1f} s of CPU"


def test_duplicate_keras_names_are_reported_not_left_to_keras():
    src = """
model m {
  image = Input(shape=(4,))
  h = Dense(3, name="image")(image)
  output y = Dense(1)(h)
}
model auto {
  image = Input(shape=(4,))
  output image = Dense(4)(image)
}
model named {
  a = Input(shape=(4,), name="y")
  output y = Dense(4)(a)
}
"""
    program = compile_program("d.gdl", src)
    assert sorted(codes(program)) == [("duplicate-name", 4), ("duplicate-name", 9), ("duplicate-name", 13)]


def test_an_auto_named_layer_avoids_an_input_name():
    src = "model m {\n  dense = Input(shape=(4,))\n  output y = Dense(2)(Dense(3)(dense))\n}\n"
    program = compile_program("n.gdl", src)
    assert codes(program) == []
    names = [layer.name for layer in program.entry().layers]
    assert "dense" not in names and names[0] == "dense_1"
