"""`extern` declarations (docs/extern.md): a layer, loss and metric of the user's own
Python package, declared in GDL with their arguments and a shape rule.

Fast tests: parsing, `graphc fmt`, `check`/`summary` (shapes and parameter counts
from the rules, no import), the located diagnostics, and the emitted imports
(names through names.py, paths checked).  Slow tests (examples/custom): both
targets built from forecast.gdl, the Keras weights copied into the PyTorch module,
outputs, loss and metric compared, one SGD step in each compared, and one step of
each module's own `train()`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_hostile import check_module, gdl_string, hostile_text

from graphc.api import emit
from graphc.compiler import syntax as S
from graphc.compiler.interpreter import compile_program
from graphc.compiler.ir import lint
from graphc.compiler.parse import parse
from graphc.diagnostics import render_text
from graphc.fmt import format_source
from graphc.summary import summary
from graphc.targets import code as C

ROOT = Path(__file__).resolve().parent.parent
CUSTOM = ROOT / "examples" / "custom"
FORECAST = CUSTOM / "forecast.gdl"

GRU = """\
extern layer GatedResidual(units: int, dropout: float = 0.0) {
  keras = "gru_layers.keras_layers.GatedResidual"
  torch = "gru_layers.torch_layers.GatedResidual"
  output_shape(x) = x[:-1] + (units,)
  params(x) = (x[-1] + 1) * units * (2 if x[-1] != units else 1) + 3 * (units + 1) * units + 2 * units
}
"""


def _compile(src: str, path: str = "case.gdl"):
    return compile_program(path, src)


def _errors(program) -> list:
    """[(code, line)] of the errors, in order."""
    return [(d.code, d.span.line) for d in program.errors]


def _model(body: str, decls: str = GRU) -> str:
    return decls + "\nmodel m {\n  x = Input(shape=(5, 3))\n" + body + "}\n"


# ------------------------------------------------------------------ parse and fmt
def test_parse_builds_the_declaration():
    (ext,) = parse(GRU).items
    assert isinstance(ext, S.Extern)
    assert (ext.kind.id, ext.name.id, ext.has_params) == ("layer", "GatedResidual", True)
    assert [(p.name.id, p.type.id, p.default is None) for p in ext.params] == [
        ("units", "int", True),
        ("dropout", "float", False),
    ]
    assert [f.name.id for f in ext.fields] == ["keras", "torch"]
    assert [(r.name.id, [a.id for a in r.args]) for r in ext.rules] == [
        ("output_shape", ["x"]),
        ("params", ["x"]),
    ]
    assert ext.span.line == 1 and ext.kind.span.col == 8


def test_parse_without_parameters_and_untyped_parameters():
    src = 'extern loss L {\n  keras = "a.L"\n  torch = "b.L"\n}\nextern metric M(k=2, name: str = "m") {\n}\n'
    a, b = parse(src).items
    assert a.params == [] and not a.has_params and [f.name.id for f in a.fields] == ["keras", "torch"]
    assert [(p.name.id, p.type) for p in b.params][0] == ("k", None)
    assert b.params[1].type.id == "str" and b.items == []


def test_extern_is_a_keyword():
    with pytest.raises(Exception) as exc:
        parse("model m {\n  extern = 3\n}\n")
    assert "syntax" in str(getattr(exc.value, "diagnostics", [exc.value])[0].code)


MESSY = """\
extern   layer  GatedResidual( units:int,dropout : float=0.0 ) {   # the unit
  keras="gru_layers.keras_layers.GatedResidual"
  # the torch class
  torch =   "gru_layers.torch_layers.GatedResidual"


  output_shape( x )=x[:-1]+(units,)
}
extern metric Coverage{
keras = "a.b.Coverage"; torch = "a.c.Coverage"
}
"""

MESSY_FORMATTED = """\
extern layer GatedResidual(units: int, dropout: float = 0.0) {  # the unit
  keras = "gru_layers.keras_layers.GatedResidual"
  # the torch class
  torch = "gru_layers.torch_layers.GatedResidual"

  output_shape(x) = x[:-1] + (units,)
}

extern metric Coverage {
  keras = "a.b.Coverage"
  torch = "a.c.Coverage"
}
"""


def test_fmt_lays_out_a_declaration_and_is_idempotent():
    out = format_source(MESSY)
    assert out == MESSY_FORMATTED
    assert format_source(out) == out


def test_fmt_keeps_the_meaning():
    def dump(node):
        if isinstance(node, S.Node):
            return (type(node).__name__, tuple(dump(getattr(node, f)) for f in node.__slots__ if f != "span"))
        if isinstance(node, (list, tuple)):
            return tuple(dump(x) for x in node)
        return node

    for src in (MESSY, GRU, FORECAST.read_text()):
        assert dump(parse(format_source(src)).items) == dump(parse(src).items)


def test_the_example_is_formatted():
    text = FORECAST.read_text()
    assert format_source(text) == text


# ------------------------------------------------------------------ check and summary
def test_the_example_checks_with_shapes_and_counts_from_its_rules():
    program = compile_program(str(FORECAST))
    assert not program.diagnostics, [d.header() for d in program.diagnostics]
    g = program.entry()
    assert lint(g) == []  # extern applications are ordinary LayerNodes of the IR
    layers = {la.name: la for la in g.layers}
    first, second = layers["gated_residual"], layers["gated_residual_1"]
    assert first.nodes[0].outputs[0].type.shape == (24, 16)
    # the rule's count, derived by hand: input width 6 -> 16 (with a skip projection):
    # hidden 6*16+16, skip 6*16+16, output/gate/value 3*(16*16+16), norm 2*16
    assert first.trainable_params == 112 + 112 + 816 + 32 == 1072
    assert second.trainable_params == 272 + 816 + 32 == 1120  # width 16 -> 16: no skip projection
    text = summary(g)
    assert "gated_residual (GatedResidual)" in text and "1,072" in text and "1,120" in text
    assert "QuantileLoss(quantile=0.9)" in text and "Coverage()" in text
    assert "Total params: 2,260" in text


def test_check_imports_nothing_of_the_package():
    code = (
        "import sys\n"
        "from graphc.compiler.interpreter import compile_program\n"
        f"p = compile_program({str(FORECAST)!r})\n"
        "assert not p.errors\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('gru_layers', 'keras', 'torch', 'tensorflow')]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CUSTOM)
    assert r.returncode == 0, r.stderr[-2000:]


def test_several_inputs_and_untyped_arguments():
    src = """\
extern layer Mix(scale = 1, mode: str = "sum") {
  keras = "pkg.k.Mix"
  torch = "pkg.t.Mix"
  output_shape(a, b) = a[:-1] + (a[-1] + b[-1],)
}

model m {
  a = Input(shape=(4, 3))
  b = Input(shape=(4, 2))
  output y = Mix(scale=2.5)([a, b])
}
"""
    program = _compile(src)
    assert not program.errors, [d.header() for d in program.errors]
    (layer,) = program.entry().layers
    assert layer.nodes[0].outputs[0].type.shape == (4, 5)
    assert layer.trainable_params == 0  # no params rule: no weights known to graphc
    text = summary(program.entry())
    assert "y (Mix)" in text and "| ?" in text
    assert "(not counted: the weights of Mix, whose extern declaration has no params rule)" in text
    torch_code = emit(program, program.entry(), "torch", "case.gdl")
    assert "input_shape=[(None, 4, 3), (None, 4, 2)]" in torch_code


# ------------------------------------------------------------------ diagnostics
HOSTILE_PATHS = [
    "GatedResidual",  # no module
    "gru_layers..GatedResidual",
    "gru_layers.keras_layers.GatedResidual\nimport os",
    'gru_layers"; import os; x = "',
    "gru_layers.class.GatedResidual",  # a keyword
    "gru layers.GatedResidual",
    "gru_layers.keras_layers.GatedResidual()",
    "1gru.GatedResidual",
    "gru_layers.kéras.GatedResidual",
    ".gru_layers.GatedResidual",
    "",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_a_class_path_that_is_not_a_dotted_identifier_path_is_a_located_error(path):
    lit = '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    src = (
        GRU.replace('"gru_layers.torch_layers.GatedResidual"', lit)
        + "\nmodel m {\n  x = Input(shape=(3,))\n  output y = GatedResidual(4)(x)\n}\n"
    )
    program = _compile(src)
    assert _errors(program) == [("bad-extern", 3)]
    d = program.errors[0]
    assert (d.span.col, d.span.end_col) == (11, 11 + len(lit))
    assert "dotted Python path" in d.message


def test_a_class_path_written_as_an_expression_is_an_error():
    src = GRU.replace('"gru_layers.torch_layers.GatedResidual"', '"gru_layers." + "x.Y"')
    assert _errors(_compile(src + "\nmodel m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n")) == [
        ("bad-extern", 3)
    ]


def test_the_printer_refuses_a_path_the_evaluator_would_have_refused():
    with pytest.raises(ValueError):
        C.stmt_lines(C.ImportFrom("os; import sys", ("X",)))
    with pytest.raises(ValueError):
        C.stmt_lines(C.ImportFrom("a.b", (("X", "y\nimport os"),)))
    with pytest.raises(ValueError):
        C.stmt_lines(C.ImportFrom("a.b", ("X()",)))
    assert C.stmt_lines(C.ImportFrom("a.b", (("X", "X_1"),))) == ["from a.b import X as X_1"]
    assert C.stmt_lines(C.ImportFrom("a.b", ("X", "Y"))) == ["from a.b import X, Y"]


def test_unknown_argument_with_did_you_mean():
    program = _compile(_model("  output y = GatedResidual(8, dropuot=0.1)(x)\n"))
    assert _errors(program) == [("unknown-argument", 10)]
    assert program.errors[0].hint == "did you mean `dropout`?"


def test_argument_of_the_wrong_declared_type():
    program = _compile(_model('  output y = GatedResidual("8")(x)\n'))
    assert _errors(program) == [("argument-type", 10)]
    assert "GatedResidual argument `units`" in program.errors[0].message


def test_missing_argument():
    program = _compile(_model("  output y = GatedResidual(dropout=0.1)(x)\n"))
    assert _errors(program) == [("missing-argument", 10)]


def test_call_time_argument_it_does_not_declare():
    program = _compile(_model("  output y = GatedResidual(8)(x, training=true)\n"))
    assert _errors(program) == [("unknown-argument", 10)]
    d = program.errors[0]
    assert "applying GatedResidual takes no argument `training`" in d.message
    assert "applied to its input tensor only" in d.hint


def test_applied_to_more_tensors_than_its_shape_rule_takes():
    program = _compile(_model("  output y = GatedResidual(8)([x, x])\n"))
    assert _errors(program) == [("type-error", 10)]  # one input: a list is refused, as for Dense
    src = _model("  output y = GatedResidual(8)(x)\n").replace("output_shape(x) =", "output_shape(a, b) =")
    src = src.replace("params(x) = (x[-1]", "params(a, b) = (a[-1]").replace(
        "x[-1] != units", "a[-1] != units"
    )
    program = _compile(src)
    assert _errors(program) == [("type-error", 10)]  # two inputs: it takes a list
    program = _compile(src.replace("GatedResidual(8)(x)", "GatedResidual(8)([x, x, x])"))
    assert _errors(program) == [("arity", 10)]
    assert "takes 2 input tensors (its rule `output_shape(a, b)`), got 3" in program.errors[0].message


def test_rules_of_different_arity():
    src = GRU.replace("params(x) =", "params(x, y) =")
    program = _compile(src)
    assert _errors(program) == [("bad-extern", 5)]
    assert "`params` takes 2 input shapes, `output_shape` 1" in program.errors[0].message


def test_shape_rule_giving_a_non_shape_is_located_at_the_rule_with_the_call_as_note():
    src = GRU.replace("x[:-1] + (units,)", "units")
    program = _compile(_model("  output y = GatedResidual(8)(x)\n", src))
    assert _errors(program) == [("bad-extern", 4)]
    d = program.errors[0]
    assert "must give a shape tuple" in d.message and "got an int" in d.message
    assert [(n.span.line, n.message) for n in d.notes] == [(10, "GatedResidual applied here to (None, 5, 3)")]
    for rule, what in [("x[1:] + (units,)", "batch axis first"), ("x[:-1] + (-1,)", "non-negative")]:
        program = _compile(
            _model("  output y = GatedResidual(8)(x)\n", GRU.replace("x[:-1] + (units,)", rule))
        )
        assert _errors(program) == [("bad-extern", 4)] and what in program.errors[0].message


def test_an_error_inside_a_rule_is_located_there_with_the_call_as_note():
    src = GRU.replace("x[:-1] + (units,)", "x[:-1] + (x[7],)")
    program = _compile(_model("  output y = GatedResidual(8)(x)\n", src))
    (d,) = program.errors
    assert d.span.line == 4 and d.notes[-1].span.line == 10
    text = render_text(d, program.sources)
    assert "GatedResidual applied here to (None, 5, 3)" in text


def test_params_rule_giving_a_non_count():
    for edit in ("- 100000\n", "/ 2\n"):  # negative; a float
        src = GRU.replace("+ 2 * units\n", edit)
        assert src != GRU
        program = _compile(_model("  output y = GatedResidual(8)(x)\n", src))
        assert _errors(program) == [("bad-extern", 5)]
        assert "must give a non-negative int" in program.errors[0].message


@pytest.mark.parametrize(
    "edit, line, text",
    [
        (("extern layer", "extern lyer"), 1, "did you mean `layer`?"),
        (("keras =", "kras ="), 2, "did you mean `keras`?"),
        (('  torch = "gru_layers.torch_layers.GatedResidual"\n', ""), 1, 'needs `torch = "package'),
        (("units: int", "units: integer"), 1, "unknown parameter type `integer`"),
        (("dropout: float = 0.0", "dropout: float = true"), 1, "the default of `dropout`"),
        (
            ("(units: int, dropout", "(dropout: float = 0.0, units: int, dropout2"),
            1,
            "without default follows",
        ),
        (("output_shape(x)", "output_shap(x)"), 4, "did you mean `output_shape`?"),
        (("params(x) =", "params() ="), 5, "takes the input shapes"),
        (("output_shape(x) = x[:-1] + (units,)", "output_shape(units) = units"), 4, "names two things"),
    ],
)
def test_malformed_declarations(edit, line, text):
    src = GRU.replace(*edit)
    assert src != GRU
    program = _compile(src + "\nmodel m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n")
    assert [c for c, _ in _errors(program)] == ["bad-extern"], [d.header() for d in program.errors]
    d = program.errors[0]
    assert d.span.line == line and text in (d.message + " " + (d.hint or ""))


def test_layer_needs_a_shape_rule_and_a_loss_takes_no_rules():
    src = GRU.replace("  output_shape(x) = x[:-1] + (units,)\n", "").replace("  params(x)", "  #")
    assert _errors(_compile(src)) == [("bad-extern", 1)]
    src = 'extern loss L {\n  keras = "a.L"\n  torch = "b.L"\n  output_shape(x) = x\n}\n'
    assert _errors(_compile(src)) == [("bad-extern", 4)]


def test_a_broken_declaration_gives_one_error_not_one_per_use():
    src = GRU.replace("units: int", "units: integer")
    program = _compile(_model("  h = GatedResidual(8)(x)\n  output y = GatedResidual(8)(h)\n", src))
    assert _errors(program) == [("bad-extern", 1)]


def test_loss_and_metric_are_used_where_keras_takes_them():
    decls = (
        'extern loss Pinball(quantile: float = 0.5) {\n  keras = "k.losses.Pinball"\n  torch = "t.losses.Pinball"\n}\n'
        'extern metric Coverage {\n  keras = "k.metrics.Coverage"\n  torch = "t.metrics.Coverage"\n}\n'
    )
    ok = _model(
        '  output y = Dense(2)(x)\n  compile(loss=Pinball(0.9), metrics=[Coverage(), "mae"])\n', decls
    )
    program = _compile(ok)
    assert not program.errors, [d.header() for d in program.errors]
    e = program.entry().compile["losses"][0]
    assert e.obj.text() == "Pinball(quantile=0.9)"
    for wrong in ("loss=Coverage()", 'loss="mse", metrics=[Pinball()]'):
        bad = _model(f"  output y = Dense(2)(x)\n  compile({wrong})\n", decls)
        assert _errors(_compile(bad)) == [("argument-type", 13)]
    bad = _model('  output y = Dense(2)(x)\n  compile(loss=Pinball(quantile="high"))\n', decls)
    assert _errors(_compile(bad)) == [("argument-type", 13)]
    bad = _model("  output y = Pinball()(x)\n", decls)
    assert [c for c, _ in _errors(_compile(bad))] == ["type-error"]


def test_extern_layer_cannot_be_wrapped():
    program = _compile(_model("  output y = TimeDistributed(GatedResidual(8))(x)\n"))
    assert _errors(program) == [("unsupported", 10)]


# ------------------------------------------------------------------ emitted code
def _emit_both(src: str):
    program = _compile(src)
    assert not program.errors, [d.header() for d in program.errors]
    g = program.entry()
    return emit(program, g, "keras", "case.gdl"), emit(program, g, "torch", "case.gdl")


def _ruff_clean(code: str, tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_text(code)
    ruff = Path(sys.executable).parent / "ruff"
    for args in (
        ["format", "--isolated", "--check", "--diff"],
        ["check", "--isolated", "--select", "E,F,W,B,I"],
    ):
        r = subprocess.run([str(ruff), *args, str(f)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]


def test_both_targets_import_the_classes_and_construct_them_by_keyword(tmp_path):
    keras_code, torch_code = _emit_both(FORECAST.read_text())
    # one statement per module, in isort's order among the framework's imports
    assert (
        "import keras\nfrom gru_layers.keras_layers import Coverage, GatedResidual, QuantileLoss\n"
        in keras_code
    )
    assert (
        "\nfrom gru_layers.torch_layers import Coverage, GatedResidual, QuantileLoss\nfrom torch import nn\n"
        in (torch_code)
    )
    assert 'GatedResidual(units=16, dropout=0.1, name="gated_residual")(series)' in keras_code
    assert "input_shape=(None, 24, 6)" in torch_code and "input_shape=(None, 24, 16)" in torch_code
    assert (
        '"demand": QuantileLoss(quantile=0.9),' in keras_code and "QuantileLoss(quantile=0.9)" in torch_code
    )
    assert '"demand": [Coverage()],' in keras_code and '"demand": [Coverage()],' in torch_code
    assert "layers.GatedResidual" not in keras_code and "K.GatedResidual" not in torch_code
    _ruff_clean(keras_code, tmp_path, "k.py")
    _ruff_clean(torch_code, tmp_path, "t.py")


def test_a_class_name_that_clashes_is_aliased_and_never_shadowed(tmp_path):
    decls = (
        'extern layer A(n: int) {\n  keras = "p.one.Block"\n  torch = "p.tone.Block"\n'
        "  output_shape(x) = x[:-1] + (n,)\n}\n"
        'extern layer B(n: int) {\n  keras = "p.two.Block"\n  torch = "p.ttwo.Block"\n'
        "  output_shape(x) = x[:-1] + (n,)\n}\n"
        'extern layer C {\n  keras = "p.three.layers"\n  torch = "p.tthree.nn"\n  output_shape(x) = x\n}\n'
    )
    body = "block f(t, Block) {\n  return A(Block)(t)\n}\n"
    src = (
        decls
        + body
        + (
            "model m {\n  x = Input(shape=(3,))\n  Block = B(4)(f(x, 2))\n  Block_1 = C()(Block)\n"
            "  output y = Dense(1)(Block_1)\n}\n"
        )
    )
    keras_code, torch_code = _emit_both(src)
    assert "from p.one import Block\n" in keras_code and "from p.two import Block as Block_1\n" in keras_code
    assert "from p.three import layers as layers_1\n" in keras_code
    assert "from p.tthree import nn as nn_1\n" in torch_code
    for code in (keras_code, torch_code):
        tree = ast.parse(code)
        # no function assigns or takes a parameter named like an imported class
        imported = {
            a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
        }
        for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            bound = {a.arg for a in fn.args.args} | {
                t.id
                for n in ast.walk(fn)
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Name)
            }
            assert not bound & {"Block", "Block_1", "layers_1", "nn_1"} & imported, (fn.name, bound)
    _ruff_clean(keras_code, tmp_path, "k.py")
    _ruff_clean(torch_code, tmp_path, "t.py")


# ------------------------------------------------------------------ slow: both targets run
def _pair(tmp_path: Path, text: str):
    from torch_helpers import emit_pair

    if str(CUSTOM) not in sys.path:
        sys.path.insert(0, str(CUSTOM))
    return emit_pair(text, tmp_path, "forecast")


def _weights(kmodel) -> dict:
    return {la.name: la.get_weights() for la in kmodel.layers}


@pytest.mark.slow
def test_example_both_targets_agree_after_a_weight_copy(tmp_path):
    import numpy as np
    import torch

    km, tm, _ = _pair(tmp_path, FORECAST.read_text())
    kmodel, tmodel = km.build_model(), tm.build_model()
    # the parameter count of the GDL rule is what both frameworks count
    assert kmodel.count_params() == sum(tm.count_params(tmodel)) == 2260
    tm.load_keras_weights(tmodel, _weights(kmodel))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 24, 6)).astype("float32")
    y = rng.normal(size=(16, 4)).astype("float32")
    ko = np.asarray(kmodel(x, training=False))
    tmodel.eval()
    with torch.no_grad():
        to = tmodel(torch.from_numpy(x)).numpy()
    # Tolerance: float32 rounds each operation by at most u = 2**-24 (6e-8) relative.
    # The model is two GRN units (4 matmuls of <= 16 terms each, elu/sigmoid, a
    # layer normalization dividing by sqrt(var + 1e-3) ~ 1 on these values), an
    # average over 24 steps and a Dense of 16 terms: about 12 reductions of <= 24
    # terms, each off by <= 24 u relative to its terms' magnitude (<= ~5 here), so
    # the two frameworks' orders of summation differ by <= 12 * 24 * u * 5 ~ 9e-5
    # absolute on outputs of magnitude ~1: 1e-4 of the largest output is a bound
    # (measured: ~1e-7).
    scale = float(np.abs(ko).max())
    np.testing.assert_allclose(to, ko, rtol=1e-4, atol=1e-4 * scale)
    # the loss on the same predictions: a mean of 64 terms, <= 64 u ~ 4e-6 relative
    kl = float(km.LOSSES["demand"](y, ko))
    tl = float(tm.LOSSES["demand"](torch.from_numpy(y), torch.from_numpy(ko)))
    assert tl == pytest.approx(kl, rel=1e-5)
    # the metric on the same predictions: comparisons, then a mean of 0/1 values
    km_metric, tm_metric = km.METRICS["demand"][0], tm.METRICS["demand"][0]
    km_metric.update_state(y, ko)
    tm_metric.update_state(torch.from_numpy(y), torch.from_numpy(ko))
    assert float(tm_metric.result()) == pytest.approx(float(km_metric.result()), abs=1e-6)
    assert 0.0 < float(km_metric.result()) < 1.0


@pytest.mark.slow
def test_example_one_sgd_step_agrees(tmp_path):
    """One SGD step on one batch in each framework, from the same weights (dropout
    off: its random masks differ between frameworks), then the same outputs."""
    import keras
    import numpy as np
    import torch

    text = FORECAST.read_text()
    no_dropout = text.replace("dropout=0.1", "dropout=0.0")
    assert no_dropout != text
    km, tm, _ = _pair(tmp_path, no_dropout)
    kmodel, tmodel = km.build_model(), tm.build_model()
    tm.load_keras_weights(tmodel, _weights(kmodel))
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 24, 6)).astype("float32")
    y = rng.normal(size=(8, 4)).astype("float32")
    kmodel.compile(optimizer=keras.optimizers.SGD(0.1), loss=km.LOSSES["demand"])
    k_loss = float(kmodel.train_on_batch(x, y))
    opt = torch.optim.SGD(tmodel.parameters(), lr=0.1)
    tmodel.train()
    loss = tm.LOSSES["demand"](torch.from_numpy(y), tmodel(torch.from_numpy(x)))
    opt.zero_grad()
    loss.backward()
    opt.step()
    # the loss before the step: the outputs' bound above (1e-4 relative), through a
    # mean of 32 pinball terms (1-Lipschitz in the outputs)
    assert float(loss) == pytest.approx(k_loss, rel=1e-4)
    # after the step: weights moved by 0.1 * gradient; the pinball loss's gradient is
    # piecewise constant (q or q - 1 per element; an element within ~1e-6 of its
    # kink, probability ~1e-5 on these random values, would flip it), so the
    # gradients agree to the outputs' bound, and so do the new outputs
    ko = np.asarray(kmodel(x, training=False))
    tmodel.eval()
    with torch.no_grad():
        to = tmodel(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(to, ko, rtol=1e-4, atol=1e-4 * float(np.abs(ko).max()))


@pytest.mark.slow
def test_example_trains_a_step_with_each_modules_own_train(tmp_path):
    """The generated `train()` of each module (graphc_runtime's fit: Keras's compile with
    the user's loss and metric objects, and the PyTorch trainer) runs one step."""
    import numpy as np

    km, tm, _ = _pair(tmp_path, FORECAST.read_text())
    rng = np.random.default_rng(2)
    data = (
        {"series": rng.normal(size=(8, 24, 6)).astype("float32")},
        {"demand": rng.normal(size=(8, 4)).astype("float32")},
    )
    for module, quiet in ((km, {"verbose": 0}), (tm, {"quiet": True})):
        history = module.train(data=data, epochs=1, batch_size=8, **quiet)
        logs = history.history
        assert set(logs) >= {"loss", "coverage"}, logs
        assert np.isfinite(logs["loss"][-1]) and 0.0 <= logs["coverage"][-1] <= 1.0


def test_the_editor_goes_to_the_declaration():
    from graphc.ide import analyze

    text = FORECAST.read_text()
    lines = text.split("\n")
    use = next(i for i, line in enumerate(lines, 1) if "GatedResidual(16, dropout" in line)
    a = analyze(str(FORECAST), text)
    loc = a.definition(use, lines[use - 1].index("GatedResidual") + 2)
    decl = next(i for i, line in enumerate(lines, 1) if line.startswith("extern layer GatedResidual"))
    assert loc is not None and loc.span.line == decl
    kw = a.definition(use, lines[use - 1].index("dropout") + 2)  # the argument: its declared parameter
    assert (
        kw is not None and kw.span.line == decl and lines[decl - 1][kw.span.col - 1 :].startswith("dropout")
    )
    assert "1,072" in a.hover(use, lines[use - 1].index("GatedResidual") + 2).text


def test_torch_gives_an_extern_layer_kerass_layout_and_takes_it_back():
    src = """\
extern layer Scale(k: float) {
  keras = "p.k.Scale"
  torch = "p.t.Scale"
  output_shape(x) = x
}
model m {
  x = Input(shape=(8, 8, 3))
  h = Conv2D(4, 3, padding="same")(x)
  share s = Scale(2.0)
  h = s(h)
  h = Conv2D(4, 3)(h)
  h = s(h)
  output y = Dense(1)(Flatten()(h))
}
"""
    _, torch_code = _emit_both(src)
    # channels-first inside the PyTorch module: converted to channels-last for the
    # extern layer (one module, shared), and back for the next convolution
    assert 'self.s = Scale(k=2.0, input_shape=(None, 8, 8, 4), name="s")' in torch_code
    assert "h = self.s(h.permute(0, 2, 3, 1))" in torch_code
    assert "h = self.conv2d_1(h.permute(0, 3, 1, 2))" in torch_code
    assert torch_code.count("Scale(") == 1


MC = """\
extern layer MCDropout(rate: float) {
  keras = "p.k.MCDropout"
  torch = "p.t.MCDropout"
  output_shape(x) = x
  call(training: bool = None, scale: float = 1.0)
}
"""


def test_declared_call_time_arguments_are_checked_and_passed_in_both_targets():
    src = MC + (
        "\nmodel m {\n  x = Input(shape=(4,))\n  h = MCDropout(0.5)(x, training=true)\n"
        "  h = MCDropout(0.5)(h, scale=2.5)\n  output y = Dense(1)(h)\n}\n"
    )
    keras_code, torch_code = _emit_both(src)
    assert 'MCDropout(rate=0.5, name="mc_dropout")(x, training=True)' in keras_code
    assert 'MCDropout(rate=0.5, name="mc_dropout_1")(h, scale=2.5)' in keras_code
    assert (
        "self.mc_dropout(x, training=True)" in torch_code and "self.mc_dropout_1(h, scale=2.5)" in torch_code
    )
    assert format_source(src) == src
    body = "model m {\n  x = Input(shape=(4,))\n  output y = MCDropout(0.5)(x, %s)\n}\n"
    program = _compile(MC + body % "trainig=true")
    assert _errors(program) == [("unknown-argument", 9)]
    assert "takes `training`, `scale`; did you mean `training`?" in program.errors[0].hint
    program = _compile(MC + body % 'training="yes"')
    assert _errors(program) == [("argument-type", 9)]
    assert "MCDropout call option `training`" in program.errors[0].message


@pytest.mark.parametrize(
    "edit, text",
    [
        (("  call(training", "  calls(training"), "did you mean `call`?"),
        (("output_shape(x)", "output_shape(x: int)"), "takes the input shapes by name only"),
        (("scale: float = 1.0", "inputs: float = 1.0"), "is the input tensors' argument"),
        (("scale: float = 1.0", "scale: flaot = 1.0"), "unknown parameter type `flaot`"),
    ],
)
def test_malformed_call_declarations(edit, text):
    src = MC.replace(*edit)
    assert src != MC
    program = _compile(src)
    assert [c for c, _ in _errors(program)] == ["bad-extern"], [d.header() for d in program.errors]
    d = program.errors[0]
    assert text in d.message + " " + (d.hint or "")


def test_a_loss_takes_no_call_declaration():
    src = 'extern loss L {\n  keras = "a.L"\n  torch = "b.L"\n  call(training: bool = None)\n}\n'
    program = _compile(src)
    assert _errors(program) == [("bad-extern", 4)]


def test_a_declaration_in_a_used_file_serves_nested_models(tmp_path):
    (tmp_path / "layers.gdl").write_text(GRU)
    main = tmp_path / "main.gdl"
    main.write_text(
        'use "layers.gdl"\n\nmodel encoder {\n  x = Input(shape=(5, 3))\n  output h = GatedResidual(8)(x)\n}\n\n'
        "model m {\n  x = Input(shape=(5, 3))\n  output y = Dense(1)(encoder()(x))\n}\n"
    )
    program = compile_program(str(main))
    assert not program.errors, [d.header() for d in program.errors]
    g = program.entry("m")
    assert g.trainable_params == (3 + 1) * 8 * 2 + 3 * 9 * 8 + 2 * 8 + 9
    keras_code, torch_code = emit(program, g, "keras", "main.gdl"), emit(program, g, "torch", "main.gdl")
    assert keras_code.count("from gru_layers.keras_layers import GatedResidual\n") == 1
    assert torch_code.count("from gru_layers.torch_layers import GatedResidual\n") == 1
    assert "input_shape=(None, 5, 3)" in torch_code


_SENSITIVE = ["layers", "keras", "ops", "K", "nn", "torch", "F", "rt", "sys", "math", "LOSSES", "build_model"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.one_of(
        hostile_text, st.lists(st.sampled_from(_SENSITIVE + ["a", "b"]), min_size=1, max_size=4).map(".".join)
    )
)
@example(path="A.sys")  # found by the fuzzer: the PyTorch module's namespace lacked `sys`
def test_hostile_class_paths_are_refused_or_imported_verbatim(path):
    """A class path is either a located `bad-extern` error or, when it is a dotted path of
    identifiers, one import statement of exactly those names (aliased where the module
    already uses the class's name), in a module that parses with only the contract's
    top-level names."""
    src = (
        GRU.replace('"gru_layers.keras_layers.GatedResidual"', gdl_string(path)).replace(
            '"gru_layers.torch_layers.GatedResidual"', gdl_string(path)
        )
        + '\nmodel m {\n  x = Input(shape=(5, 3))\n  output y = GatedResidual(4)(x)\n  compile(loss="mse")\n}\n'
    )
    program = _compile(src)
    if program.errors:
        # the first bad path ends the declaration (one diagnostic); or the string does not lex
        codes = [(d.code, d.span.line) for d in program.errors]
        assert codes == [("bad-extern", 2)] or [c for c, _ in codes] == ["syntax"], codes
        return
    module, _, cls = path.rpartition(".")
    for target in ("keras", "torch"):
        text = emit(program, program.entry(), target, "case.gdl")
        check_module(text, target)
        tree = ast.parse(text)
        ours = [
            n
            for n in tree.body
            if isinstance(n, ast.ImportFrom) and n.module == module and n.names[0].name == cls
        ]
        assert len(ours) == 1 and len(ours[0].names) == 1
        alias = ours[0].names[0].asname or cls
        others = {
            a.asname or a.name
            for n in tree.body
            if isinstance(n, (ast.Import, ast.ImportFrom))
            if n is not ours[0]
            for a in n.names
        }
        assert alias not in others and alias in text.split("import", 1)[1]
        assert f"{alias}(units=4" in text
