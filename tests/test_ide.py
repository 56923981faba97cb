"""graphc.ide: hover, go-to-definition and completion at marked positions of
small GDL snippets, diagnostics equal to `graphc check`, and no exception on
broken text.  No framework is imported (fast tier).

Snippets mark positions with `$` (the cursor) and `@` (where go-to-definition
must land); neither character occurs in GDL.

Expected shapes and parameter counts are derived in comments beside each case
from Keras's rules (Conv2D "same" keeps the spatial size; a Conv2D has
k*k*c_in*filters + filters weights; a Dense has in*units + units); graphc's
own agreement with Keras is tested in test_catalog/test_keras_target.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import EXAMPLES

from graphc.api import check_file
from graphc.ide import analyze


def marked(text: str) -> tuple[str, dict]:
    """Remove the `$`/`@` markers; return the clean text and {marker: offset}."""
    text = textwrap.dedent(text)
    out, marks = [], {}
    for ch in text:
        if ch in "$@":
            marks[ch] = len(out)
        else:
            out.append(ch)
    return "".join(out), marks


def at(path, snippet):
    text, marks = marked(snippet)
    a = analyze(str(path), text)
    return a, marks, a.position(marks["$"])


IMAGE = """
model m {
  image = Input(shape=(32, 32, 3))
  x = Conv2D(64, 3, padding="same", activation="relu")(image)
  x = MaxPooling2D()(x)
  feats = Flatten()(x)
  output y = Dense(10, activation="softmax")(feats)
  compile(optimizer="adam", loss="categorical_crossentropy")
}
"""

# (name, snippet with $, substrings the hover must contain)
HOVERS = [
    # Input(shape=(32, 32, 3)): batch axis None in front
    ("input tensor", IMAGE.replace("(image)", "($image)"), ["`image`", "(None, 32, 32, 3) float32"]),
    # Conv2D "same" keeps 32x32, 64 filters
    (
        "bound tensor",
        IMAGE.replace("  x = Conv2D", "  $x = Conv2D"),
        ["(None, 32, 32, 64) float32", "Conv2D"],
    ),
    # MaxPooling2D default pool 2 halves 32 -> 16
    ("tensor use", IMAGE.replace("Flatten()(x)", "Flatten()($x)"), ["(None, 16, 16, 64) float32"]),
    # 16*16*64 = 16384 features
    ("flattened", IMAGE.replace("(feats)", "(fe$ats)"), ["(None, 16384) float32"]),
    # layer call: 3*3*3*64 + 64 = 1,792 trainable parameters
    (
        "layer call",
        IMAGE.replace("x = Conv2D", "x = Con$v2D"),
        ["**Conv2D**", "(None, 32, 32, 64) float32", "1,792 trainable", "0 non-trainable"],
    ),
    # Dense 16384*10 + 10 = 163,850; the output's layer is named after the output
    (
        "output",
        IMAGE.replace("output y", "output $y"),
        ["output `y`", "(None, 10) float32", "163,850 trainable"],
    ),
    # BatchNormalization on 8 features: gamma, beta trainable (16), moving mean/var not (16)
    (
        "non-trainable",
        """
        model m {
          a = Input(shape=(8,))
          output b = Batch$Normalization()(a)
        }
        """,
        ["**BatchNormalization**", "16 trainable", "16 non-trainable"],
    ),
    (
        "block signature",
        """
        block res$idual(x, filters=128) {
          return x
        }
        """,
        ["block residual(x, filters=128)"],
    ),
    (
        "model signature with its inputs and outputs",
        """
        model enc$oder(units=4) {
          s = Input(shape=(3,))
          output e = Dense(units)(s)
        }
        """,
        ["model encoder(units=4)", "(None, 3) float32", "(None, 4) float32", "16 trainable"],  # 3*4+4
    ),
    (
        "shared layer variable",
        """
        model m {
          l = Input(shape=(5, 2))
          r = Input(shape=(5, 2))
          share lstm = LSTM(3)
          a = ls$tm(l)
          b = lstm(r)
          output o = concatenate([a, b])
        }
        """,
        # LSTM: 4 gates * (2 inputs + 3 units + 1 bias) * 3 units = 72, counted once
        ["**LSTM**", "(shared)", "applied 2 times", "(None, 3) float32", "72 trainable"],
    ),
    (
        "constant",
        """
        width = 16
        model m {
          a = Input(shape=(4,))
          output b = Dense(wid$th)(a)
        }
        """,
        ["width = 16"],
    ),
    (
        "block variable, one value per call",
        """
        block twice(x, n) {
          $y = Dense(n)(x)
          return y
        }
        model m {
          a = Input(shape=(4,))
          b = twice(a, 3)
          output c = twice(b, 5)
        }
        """,
        ["(None, 3) float32", "(None, 5) float32"],
    ),
    (
        "keyword argument of a layer",
        IMAGE.replace('padding="same"', 'pad$ding="same"'),
        ["`Conv2D` argument `padding`", '"valid"'],
    ),
    (
        "compile shows the resolved loss table",
        IMAGE.replace("  compile(", "  comp$ile("),
        ["| y | categorical_crossentropy | 1 |", "optimizer: adam"],
    ),
]


@pytest.mark.parametrize("name,snippet,want", HOVERS, ids=[h[0] for h in HOVERS])
def test_hover(tmp_path, name, snippet, want):
    a, _, (line, col) = at(tmp_path / "m.gdl", snippet)
    h = a.hover(line, col)
    assert h is not None, name
    for w in want:
        assert w in h.text, (w, h.text)


def test_hover_on_nothing(tmp_path):
    a, _, (line, col) = at(tmp_path / "m.gdl", "# a com$ment\n" + IMAGE)
    assert a.hover(line, col) is None


# (name, snippet with $ at the use and @ at the definition)
DEFINITIONS = [
    (
        "variable",
        IMAGE.replace("  x = Conv2D", "  @x = Conv2D").replace("MaxPooling2D()(x)", "MaxPooling2D()($x)"),
    ),
    (
        "the binding before the statement, not the one it makes",
        IMAGE.replace("  x = Conv2D", "  @x = Conv2D").replace(
            "  x = MaxPooling2D()(x)", "  x = MaxPooling2D()($x)"
        ),
    ),
    (
        "block parameter",
        """
        block b(@x, n=2) {
          y = Dense(n)($x)
          return y
        }
        """,
    ),
    (
        "block",
        """
        block @twice(x) {
          return x
        }
        model m {
          a = Input(shape=(4,))
          output c = tw$ice(a)
        }
        """,
    ),
    (
        "keyword argument to the block parameter",
        """
        block twice(x, @n=3) {
          return Dense(n)(x)
        }
        model m {
          a = Input(shape=(4,))
          output c = twice(a, $n=5)
        }
        """,
    ),
    (
        "constant",
        """
        @width = 16
        model m {
          a = Input(shape=(4,))
          output b = Dense(wid$th)(a)
        }
        """,
    ),
    (
        "loop variable",
        """
        model m {
          x = Input(shape=(4,))
          for @i in range(2) { x = Dense(4 + $i)(x) }
          output y = x
        }
        """,
    ),
    (
        "output name in a loss dict",
        """
        model m {
          x = Input(shape=(4,))
          output @age = Dense(1)(x)
          compile(optimizer="adam", loss={a$ge: "mse"})
        }
        """,
    ),
]


@pytest.mark.parametrize("name,snippet", DEFINITIONS, ids=[d[0] for d in DEFINITIONS])
def test_definition(tmp_path, name, snippet):
    a, marks, (line, col) = at(tmp_path / "m.gdl", snippet)
    loc = a.definition(line, col)
    assert loc is not None, name
    assert loc.file == str(tmp_path / "m.gdl")
    assert (loc.span.line, loc.span.col) == a.position(marks["@"])


BLOCKS = """\
scale = 2

block residual(x, filters=8) {
  y = Dense(filters * scale, activation="relu")(x)
  return add([x, y])
}
"""


def test_definition_across_use(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "blocks.gdl").write_text(BLOCKS)
    a, marks, (line, col) = at(
        tmp_path / "main.gdl",
        """
        use "lib/bl$ocks.gdl"
        model m {
          a = Input(shape=(16,))
          h = resi@dual(a)
          output y = Dense(scale)(h)
        }
        """,
    )
    lib = str(tmp_path / "lib" / "blocks.gdl")
    # the path in `use` -> the file
    loc = a.definition(line, col)
    assert loc is not None and Path(loc.file) == Path(lib) and loc.span.line == 1
    # a block imported with `use` -> its definition there (line 3, col 7 of BLOCKS)
    loc = a.definition(*a.position(marks["@"]))
    assert loc is not None and Path(loc.file) == Path(lib) and (loc.span.line, loc.span.col) == (3, 7)
    # a constant imported with `use` (line 1, col 1 of BLOCKS)
    loc = a.definition(*a.position(a.text.index("Dense(scale)") + len("Dense(s")))
    assert loc is not None and Path(loc.file) == Path(lib) and (loc.span.line, loc.span.col) == (1, 1)
    # hover on the imported block: its signature
    h = a.hover(*a.position(marks["@"]))
    assert h is not None and "block residual(x, filters=8)" in h.text


def test_definition_of_an_application_is_in_the_stdlib(tmp_path):
    a, _, (line, col) = at(
        tmp_path / "m.gdl",
        """
        model m {
          a = Input(shape=(96, 96, 3))
          share base = Mobile$NetV2(weights=None, include_top=false)
          output y = GlobalAveragePooling2D()(base(a))
        }
        """,
    )
    loc = a.definition(line, col)
    assert (
        loc is not None and Path(loc.file).name == "mobilenet.gdl" and Path(loc.file).parent.name == "stdlib"
    )
    assert Path(loc.file).read_text().splitlines()[loc.span.line - 1].startswith("model MobileNetV2(")


def labels(a, line, col):
    return [c.label for c in a.completions(line, col)]


# (name, snippet with $, labels that must be offered, labels that must not)
COMPLETIONS = [
    (
        "keyword arguments inside a layer's parentheses (the line is unfinished)",
        IMAGE.replace("  x = MaxPooling2D()(x)", "  z = Conv2D($\n  x = MaxPooling2D()(x)"),
        ["filters", "kernel_size", "strides", "padding", "activation", "x", "image", "Dense"],
        [],
    ),
    (
        "arguments already given are not offered again",
        IMAGE.replace(
            "  x = MaxPooling2D()(x)", '  z = Conv2D(8, 3, padding="same", $)(x)\n  x = MaxPooling2D()(x)'
        ),
        ["strides", "activation"],
        ["filters", "kernel_size", "padding"],
    ),
    (
        "values of a choice argument, inside the string",
        IMAGE.replace('padding="same"', 'padding="$"'),
        ["valid", "same"],
        ["Dense"],
    ),
    (
        "activations after `activation=`",
        IMAGE.replace('activation="relu"', "activation=$"),
        ['"relu"', '"softmax"', '"gelu"'],
        [],
    ),
    (
        "variables in scope: only those bound before the cursor",
        IMAGE.replace("  feats = Flatten()(x)", "  feats = Flatten()($)"),
        ["x", "image", "Conv2D", "Flatten", "add"],
        ["feats", "y"],
    ),
    (
        "block and model names, keywords in a body",
        """
        block twice(x) {
          return x
        }
        model m {
          a = Input(shape=(4,))
          $
        }
        """,
        ["twice", "m", "a", "output", "share", "for", "compile", "fit", "Xception"],
        [],
    ),
    (
        "block parameters as keyword arguments",
        """
        block twice(x, n=3, act="relu") {
          return Dense(n, activation=act)(x)
        }
        model m {
          a = Input(shape=(4,))
          output c = twice(a, $)
        }
        """,
        ["n", "act"],
        ["x"],
    ),
    (
        "compile keywords",
        IMAGE.replace('compile(optimizer="adam", ', "compile($"),
        ["optimizer", "loss", "loss_weights", "metrics"],
        [],
    ),
    (
        "loss names",
        IMAGE.replace('loss="categorical_crossentropy"', 'loss="$"'),
        ["mse", "binary_crossentropy"],
        [],
    ),
    (
        "after a Keras prefix: layers only",
        IMAGE.replace("Flatten()(x)", "layers.$"),
        ["Dense", "LSTM"],
        ["image", "model"],
    ),
    ("top level", "$", ["model", "block", "use"], ["output"]),
    ("nothing in a comment", IMAGE.replace("model m {", "model m {  # Con$"), [], ["Conv2D"]),
]


@pytest.mark.parametrize("name,snippet,want,reject", COMPLETIONS, ids=[c[0] for c in COMPLETIONS])
def test_completion(tmp_path, name, snippet, want, reject):
    a, _, (line, col) = at(tmp_path / "m.gdl", snippet)
    got = labels(a, line, col)
    for w in want:
        assert w in got, (w, got[:40])
    for r in reject:
        assert r not in got, r


def test_completion_details_carry_defaults(tmp_path):
    a, _, (line, col) = at(tmp_path / "m.gdl", IMAGE.replace("MaxPooling2D()(x)", "MaxPooling2D($)(x)"))
    items = {c.label: c for c in a.completions(line, col)}
    # Keras: MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid", ...)
    assert "(2, 2)" in items["pool_size"].detail
    assert items["pool_size"].insert_text == "pool_size="
    assert '"valid"' in items["padding"].detail


def test_use_path_completion(tmp_path):
    (tmp_path / "blocks.gdl").write_text(BLOCKS)
    a, _, (line, col) = at(tmp_path / "m.gdl", 'use "$"\n')
    assert "blocks.gdl" in labels(a, line, col)


BAD = """\
use "missing.gdl"
model bad {
  text = Input(shape=(None,), dtype="int32")
  e = Embedding(1000, 64)(text)
  x = LSTM(256)(e)
  x = LSTM(256)(x)
  x = Dense(8, activaton="relu")(x)
  output y = Dense(1)(zz)
}
"""


@pytest.mark.parametrize(
    "text", [BAD, IMAGE, "model m {\n  x = Dense(\n}\n", 'model m {\n  s = "unclosed\n}\n']
)
def test_diagnostics_equal_graphc_check(tmp_path, text):
    path = tmp_path / "f.gdl"
    path.write_text(text)
    want = [d.to_json() for d in check_file(str(path))]
    got = [d.to_json() for d in analyze(str(path), text).diagnostics]
    assert got == want
    assert bool(want) == (text is not IMAGE)


def test_unsaved_text_is_what_is_checked(tmp_path):
    path = tmp_path / "f.gdl"
    path.write_text(BAD)
    assert analyze(str(path), IMAGE).diagnostics == []


def test_broken_buffer_still_answers(tmp_path):
    # the unclosed call makes the file unparsable; hover and definition use the repaired text
    text, marks = marked(IMAGE.replace("  feats = Flatten()(x)", "  feats = Flatten(\n  q = Dense(3)($x)"))
    a = analyze(str(tmp_path / "m.gdl"), text)
    assert [d.code for d in a.diagnostics] == ["syntax"] and a.repaired
    h = a.hover(*a.position(marks["$"]))
    assert h is not None and "(None, 16, 16, 64) float32" in h.text


def _cuts(text: str, deletions: bool):
    """Prefixes of `text` cut in the middle of each line, and the text with each
    line deleted: what a buffer looks like while it is typed."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        yield "\n".join(lines[:i]) + "\n" + line[: len(line) // 2]
        if deletions:
            yield "\n".join(lines[:i] + lines[i + 1 :])


@pytest.mark.parametrize("example,deletions", [("residual.gdl", True), ("siamese_encoder.gdl", False)])
def test_never_raises_on_partial_text(example, deletions):
    path = next(p for p in EXAMPLES if p.name == example)
    for text in _cuts(path.read_text(), deletions):
        a = analyze(str(path), text)
        assert a.internal_error is None, (a.internal_error, text)
        n = len(text)
        for off in {0, n // 3, n // 2, n - 1, n}:
            line, col = a.position(max(min(off, n), 0))
            a.hover(line, col)
            a.definition(line, col)
            a.completions(line, col)


def test_positions_out_of_range_are_harmless(tmp_path):
    a = analyze(str(tmp_path / "m.gdl"), IMAGE)
    for line, col in [(0, 0), (-3, 5), (999, 1), (2, 999)]:
        a.hover(line, col)
        a.definition(line, col)
        assert isinstance(a.completions(line, col), list)


def test_ide_and_lsp_modules_import_no_framework():
    code = (
        "import sys, graphc.ide, graphc.cli\n"
        "try:\n    import graphc.lsp\nexcept ImportError:\n    pass\n"
        "a = graphc.ide.analyze('m.gdl', open(sys.argv[1]).read()); a.hover(3, 5); a.completions(3, 5)\n"
        "bad = [m for m in ('tensorflow', 'torch', 'keras', 'jax') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    path = next(p for p in EXAMPLES if p.name == "stereo_depth.gdl")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_crlf_and_tabs(tmp_path):
    text, marks = marked(
        IMAGE.replace("Flatten()(x)", "Flatten()($x)").replace("\n", "\r\n").replace("  ", "\t")
    )
    a = analyze(str(tmp_path / "m.gdl"), text)
    assert a.diagnostics == []
    h = a.hover(*a.position(marks["$"]))
    assert h is not None and "(None, 16, 16, 64) float32" in h.text
