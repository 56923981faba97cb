"""Bad programs, each with its expected diagnostics (tests/data/*.gdltest and the
seed note's mistakes), plus the rendering contract of diagnostics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphc.compiler.lower import compile_program
from graphc.diagnostics import CODES, render_text

DATA = Path(__file__).parent / "data"
MARK = re.compile(r"#!\s*(.*)$")


def expected_marks(text: str) -> set:
    out = set()
    for lineno, line in enumerate(text.splitlines(), 1):
        m = MARK.search(line)
        if not m:
            continue
        for item in m.group(1).split(","):
            item = item.strip()
            sev, _, code = item.rpartition(":")
            out.add((lineno, sev.strip() or "error", code.strip()))
    return out


def reported(program, path) -> set:
    return {(d.span.line, d.severity, d.code) for d in program.diagnostics if d.file == path}


def load_cases():
    text = (DATA / "bad_programs.gdltest").read_text()
    cases = []
    for chunk in re.split(r"^### ", text, flags=re.M)[1:]:
        name, _, body = chunk.partition("\n")
        cases.append(pytest.param(body, id=name.strip()))
    return cases


@pytest.mark.parametrize("source", load_cases())
def test_bad_program(source):
    program = compile_program("case.gdl", source)
    expected = expected_marks(source)
    assert expected, "a case must mark at least one expected diagnostic"
    got = reported(program, "case.gdl")
    rendered = "\n".join(render_text(d, program.sources) for d in program.diagnostics)
    assert got == expected, rendered


def test_seed_mistakes_are_reported_at_their_lines():
    path = str(DATA / "seed_mistakes.gdl")
    program = compile_program(path)
    text = Path(path).read_text()
    rendered = "\n".join(render_text(d, program.sources) for d in program.diagnostics)
    assert reported(program, path) == expected_marks(text), rendered


def test_every_code_is_documented_and_kebab_case():
    for code, doc in CODES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code)
        assert doc


def test_rendering_has_location_source_line_caret_and_hint():
    src = 'model m {\n  x = Input(shape=(3,))\n  output y = Dense(units=1, activaton="relu")(x)\n}\n'
    program = compile_program("m.gdl", src)
    (d,) = program.diagnostics
    text = render_text(d, program.sources)
    lines = text.splitlines()
    assert lines[0] == "m.gdl:3:29: error: Dense has no argument `activaton` [unknown-argument]"
    assert lines[1].endswith('output y = Dense(units=1, activaton="relu")(x)')
    caret = lines[2].split("| ", 1)[1]
    assert caret.index("^") == 28 and caret.count("~") == len('activaton="relu"') - 1
    assert lines[-1] == "  = help: did you mean `activation`?"


def test_reuse_error_names_both_lines_and_how_to_share():
    src = (
        "model m {\n  a = Input(shape=(3,))\n  b = Input(shape=(3,))\n  enc = Dense(4)\n"
        "  ha = enc(a)\n  hb = enc(b)\n  output y = add([ha, hb])\n}\n"
    )
    program = compile_program("m.gdl", src)
    (d,) = program.errors
    assert d.span.line == 6
    assert {n.span.line for n in d.notes} == {4, 5}
    assert "share enc = " in d.hint


def test_shape_mismatch_names_both_shapes_and_their_lines():
    src = (
        "model m {\n  x = Input(shape=(32, 32, 3))\n"
        '  y = Conv2D(128, 3, padding="same")(x)\n  output z = add([x, y])\n}\n'
    )
    program = compile_program("m.gdl", src)
    (d,) = program.errors
    text = render_text(d, program.sources)
    assert "(None, 32, 32, 3)" in text and "(None, 32, 32, 128)" in text
    assert {n.span.line for n in d.notes} >= {3}


def test_recurrent_on_2d_suggests_return_sequences_on_the_producer():
    src = (
        "model m {\n  x = Input(shape=(None, 8))\n  h = LSTM(4)(x)\n  h = LSTM(4)(h)\n"
        "  output y = Dense(1)(h)\n}\n"
    )
    program = compile_program("m.gdl", src)
    (d,) = program.errors
    assert d.code == "rank-mismatch" and d.span.line == 4
    assert "return_sequences" in d.hint
    assert any(n.span.line == 3 for n in d.notes)


def test_import_cycle_and_missing_use(tmp_path):
    (tmp_path / "a.gdl").write_text(
        'use "b.gdl"\nmodel m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n'
    )
    (tmp_path / "b.gdl").write_text('use "a.gdl"\nk = 3\n')
    program = compile_program(str(tmp_path / "a.gdl"))
    codes = [d.code for d in program.errors]
    assert "import-cycle" in codes
    (tmp_path / "c.gdl").write_text(
        'use "nope.gdl"\nmodel m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(x)\n}\n'
    )
    program = compile_program(str(tmp_path / "c.gdl"))
    assert [(d.code, d.span.line) for d in program.errors] == [("io", 1)]
    assert "relative to the file" in program.errors[0].hint
