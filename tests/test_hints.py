"""Habits from other languages get a located diagnostic with the GDL spelling
(Python's `elif` and colons, C's `//` comments, a word processor's curly quotes,
non-ASCII names, lookalike characters), not a hint that points elsewhere."""

from __future__ import annotations

import pytest

from graphc.compiler.lower import compile_program
from graphc.diagnostics import render_text

HEAD = "k = 3\nmodel m {\n  x = Input(shape=(4,))\n"
TAIL = "  output y = Dense(1)(x)\n}\n"


def one(src: str):
    program = compile_program("t.gdl", src)
    assert len(program.diagnostics) == 1, [render_text(d, program.sources) for d in program.diagnostics]
    (d,) = program.diagnostics
    text = render_text(d, program.sources)
    return d, text


def at(d) -> tuple:
    return (d.span.line, d.span.col, d.span.end_col)


CASES = {
    # name: (source, (line, col, end_col), message, hint)
    "elif after }": (
        HEAD + "  if k > 2 {\n    x = Dense(2)(x)\n  } elif k > 1 {\n    x = Dense(3)(x)\n  }\n" + TAIL,
        (6, 5, 9),
        "GDL has no `elif`",
        "write `else if`: `} else if CONDITION {`",
    ),
    "elif on its own line": (
        HEAD + "  if k > 2 {\n    x = Dense(2)(x)\n  }\n  elif k > 1 {\n    x = Dense(3)(x)\n  }\n" + TAIL,
        (7, 3, 7),
        "GDL has no `elif`",
        "write `else if`: `} else if CONDITION {`",
    ),
    "python colon": (
        HEAD + "  if k > 2:\n    x = Dense(2)(x)\n" + TAIL,
        (4, 11, 12),
        "unexpected `:`: GDL blocks are written in braces, not after a colon",
        "write `if ... {` and close the block with `}`",
    ),
    "// comment line": (
        "model m {\n  // the input\n  x = Input(shape=(4,))\n" + TAIL,
        (2, 3, 5),
        "`//` does not start a comment in GDL",
        "comments start with `#`: `# ...`",
    ),
    "// comment at the top": (
        "// a model\nmodel m {\n  x = Input(shape=(4,))\n" + TAIL,
        (1, 1, 3),
        "`//` does not start a comment in GDL",
        "comments start with `#`: `# ...`",
    ),
    "// comment after a statement": (
        "model m {\n  x = Input(shape=(4,))  // the input\n" + TAIL,
        (2, 26, 28),
        "`//` does not start a comment in GDL",
        "comments start with `#`: `# ...`",
    ),
    "// comment inside a call": (
        'model m {\n  x = Input(shape=(4,))\n  output y = Dense(1, // units\n    activation="relu")(x)\n}\n',
        (3, 23, 25),
        "`//` does not start a comment in GDL",
        "comments start with `#`: `# ...`",
    ),
    "// comment with an apostrophe": (
        "model m {\n  x = Input(shape=(4,))  // it's the input\n" + TAIL,
        (2, 26, 28),
        "`//` does not start a comment in GDL",
        "comments start with `#`: `# ...`",
    ),
    "/* comment */": (
        "/* a model */\nmodel m {\n  x = Input(shape=(4,))\n" + TAIL,
        (1, 1, 3),
        "`/*` does not start a comment in GDL",
        "comments start with `#`: write `#` at the start of each line",
    ),
    "curly double quotes": (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(1, activation=\u201crelu\u201d)(x)\n}\n",
        (3, 34, 40),
        "typographic quotes `\u201c\u201d` (a word processor's curly quotes)",
        'write strings with straight quotes: "relu"',
    ),
    "curly single quotes": (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(1, activation=\u2018relu\u2019)(x)\n}\n",
        (3, 34, 40),
        "typographic quotes `\u2018\u2019` (a word processor's curly quotes)",
        'write strings with straight quotes: "relu"',
    ),
    "an unclosed curly quote": (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(1, activation=\u201crelu)(x)\n}\n",
        (3, 34, 35),
        "typographic quote `\u201c` (a word processor's curly quote)",
        'use `"` for strings',
    ),
    "non-ASCII name": (
        "model m {\n  entr\u00e9e = Input(shape=(4,))\n  output y = Dense(1)(entr\u00e9e)\n}\n",
        (2, 3, 9),
        "`entr\u00e9e` is not a valid name: GDL names use ASCII letters, digits and `_`",
        "rename it `entree`",
    ),
    "non-Latin name": (
        "model m {\n  \u0432\u0445\u043e\u0434 = Input(shape=(4,))\n" + TAIL,
        (2, 3, 7),
        "`\u0432\u0445\u043e\u0434` is not a valid name: GDL names use ASCII letters, digits and `_`",
        "rename it with ASCII letters, digits and `_`",
    ),
    "unicode minus": (
        "k = \u22121\n",
        (1, 5, 6),
        "unexpected character `\u2212` (U+2212 MINUS SIGN)",
        "write `-`",
    ),
    "non-breaking space": (
        "model m {\n  x =\u00a0Input(shape=(4,))\n" + TAIL,
        (2, 6, 7),
        "invisible character `\u00a0` (U+00A0 NO-BREAK SPACE)",
        "delete it, or replace it with a normal space",
    ),
    "C's &&": (
        "k = true && false\n",
        (1, 10, 11),
        "unexpected character `&`",
        "GDL writes `and`",
    ),
    "C's !": (
        "k = !true\n",
        (1, 5, 6),
        "unexpected character `!`",
        "GDL writes `not`",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_habit_from_another_language(name):
    src, where, message, hint = CASES[name]
    d, text = one(src)
    assert (d.code, d.severity) == ("syntax", "error"), text
    assert (d.message, d.hint) == (message, hint), text
    assert at(d) == where, text


def test_legitimate_floor_division_and_else_if_are_untouched():
    src = (
        HEAD
        + "  n = 7 // 2  # floor division\n"
        + "  if k > 2 {\n    x = Dense(n)(x)\n  } else if k > 1 {\n    x = Dense(3)(x)\n  }\n"
        + '  s = "// not a comment"\n'
        + TAIL
    )
    program = compile_program("t.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]


def test_unrelated_syntax_errors_keep_their_own_message():
    d, text = one("model m {\n  x = Input(shape=(4,))\n  y = 7 // 2 )\n" + TAIL)
    assert "`//`" not in d.message, text
    d, text = one("model m {\n  x = Input(shape=(4,))\n  output y = Dense(1)(x) 'relu'\n}\n")
    assert "comment" not in (d.hint or ""), text


def test_a_layer_option_passed_at_call_time():
    d, text = one('model m {\n  x = Input(shape=(4,))\n  output y = Dense(1)(x, activation="relu")\n}\n')
    assert d.code == "unknown-argument" and at(d)[:2] == (3, 26), text
    assert "`activation` is an option of the layer itself: Dense(activation=...)(x)" in d.hint, text


def test_a_call_argument_passed_to_the_constructor():
    """The reverse mistake: a call-time argument (training, mask...) given when the layer is made."""
    d, text = one("model m {\n  x = Input(shape=(4,))\n  output y = Dropout(0.5, training=true)(x)\n}\n")
    assert d.code == "unknown-argument", text
    assert (
        d.hint == "`training` is an argument of the call, not of the layer: Dropout(...)(x, training=...)"
    ), text


def test_a_keras_call_argument_is_accepted_at_call_time():
    program = compile_program(
        "t.gdl", "model m {\n  x = Input(shape=(4,))\n  output y = Dropout(0.5)(x, training=true)\n}\n"
    )
    assert not program.errors, [d.header() for d in program.errors]


def test_a_slash_comment_that_parses_as_floor_division():
    d, text = one("model m {\n  x = Input(shape=(4,))\n  output y = Dense(1)(x) // out\n}\n")
    assert d.hint == "comments start with `#`: `# ...` (`//` is floor division in GDL)", text
