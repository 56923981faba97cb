"""No input, however broken, makes the compiler raise: mutated example programs
and random token soup only ever produce diagnostics."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.compiler.lower import compile_program
from graphc.diagnostics import render_text

SOURCES = [p.read_text() for p in EXAMPLES] + [
    (Path(__file__).parent / "data" / "seed_mistakes.gdl").read_text()
]
TOKENS = [
    "model",
    "block",
    "share",
    "output",
    "use",
    "for",
    "in",
    "if",
    "else",
    "return",
    "range",
    "true",
    "None",
    "x",
    "y",
    "Dense",
    "LSTM",
    "Conv2D",
    "Input",
    "add",
    "concatenate",
    "compile",
    "fit",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ":",
    ";",
    "\n",
    "+",
    "-",
    "*",
    "/",
    "**",
    "==",
    ".",
    "1",
    "0",
    "-1",
    "2.5",
    "1e-3",
    '"same"',
    "'relu'",
    'f"a{x}"',
    "shape=(3,)",
    "#c\n",
]


def _check(text: str) -> None:
    program = compile_program("fuzz.gdl", text)
    for d in program.diagnostics:  # rendering must not fail either
        render_text(d, program.sources)
    if not program.errors:
        for g in program.graphs.values():
            assert g.trainable_params >= 0


@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_N", 150)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.sampled_from(SOURCES), st.data())
def test_mutated_examples_never_raise(src, data):
    ops = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(["del", "ins", "rep", "dup"]),
                st.integers(0, len(src)),
                st.integers(1, 12),
                st.sampled_from(TOKENS),
            ),
            min_size=1,
            max_size=4,
        )
    )
    text = src
    for op, pos, n, tok in ops:
        pos = min(pos, len(text))
        if op == "del":
            text = text[:pos] + text[pos + n :]
        elif op == "ins":
            text = text[:pos] + tok + text[pos:]
        elif op == "rep":
            text = text[:pos] + tok + text[pos + n :]
        else:
            text = text[:pos] + text[pos : pos + n] * 2 + text[pos + n :]
    _check(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_token_soup_never_raises(tokens):
    _check(" ".join(tokens))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text):
    _check(text)


def test_deep_nesting_is_a_diagnostic():
    _check("model m {\n  x = Input(shape=(3,))\n  y = " + "Dense(1)(" * 400 + "x" + ")" * 400 + "\n}\n")
    _check("k = " + "(" * 500 + "1" + ")" * 500 + "\nmodel m {\n  x = Input(shape=(3,))\n  output y = x\n}\n")
    _check("k = " + "-" * 2000 + "1\n")
