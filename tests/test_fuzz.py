"""No input, however broken, makes the compiler raise: grammar-derived programs,
programs built from the layer catalog, mutated examples and standard-library
files, token soup and arbitrary text only ever produce diagnostics (and, when
they compile, emit and format).  `make fuzz` runs 100,000 of them with a time
limit each (tests/fuzz.py); here a few hundred run with the suite."""

from __future__ import annotations

from pathlib import Path

import fuzz
import pytest
from helpers import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.compiler.lower import compile_program
from graphc.diagnostics import render_text

SOURCES = [p.read_text() for p in EXAMPLES] + [
    (Path(__file__).parent / "data" / "seed_mistakes.gdl").read_text()
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
                st.sampled_from(fuzz.TOKENS),
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
@given(st.lists(st.sampled_from(fuzz.TOKENS), max_size=60))
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


# ------------------------------------------------------------ the make-fuzz generators
N = int(__import__("os").environ.get("FUZZ_N", 150))


@pytest.mark.parametrize("kind", fuzz.GENERATORS)
def test_generated_programs_only_give_diagnostics(kind):
    """The `make fuzz` generators, a few hundred inputs each, with its time limit."""
    findings = []
    for seed in range(N):
        result = fuzz.run_one(fuzz.generate(kind, seed), timeout=30, fmt=seed % fuzz.FMT_EVERY == 0)
        if result is not None:
            findings.append((seed, result))
    assert findings == [], findings[:3]


def test_grammar_generator_reaches_definitions_and_statements():
    texts = [fuzz.generate("grammar", seed) for seed in range(200)]
    joined = "\n".join(texts)
    for word in ("model", "block", "for", "if", "else", "output", "share", "return", "use", "{", "["):
        assert word in joined, word


@pytest.mark.parametrize(
    "text",
    [
        "k = 10 ** 10 ** 10\n",
        'k = "ab" * 10 ** 10\n',
        "k = [0] * 2 ** 40\n",
        "model m { for i in range(10 ** 9) { } }\n",
        "model m { for i in range(9999) { for j in range(9999) { for k in range(9999) { } } } }\n",
    ],
)
def test_formerly_unbounded_inputs_are_ordinary_fuzz_inputs(text):
    """The generators used to skip these (the evaluator hung on them); the budget
    bounds them now, so the harness runs them like any input, within its time limit."""
    assert fuzz.run_one(text, timeout=30) is None


@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_LARK_N", 25)),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.data())
def test_hypothesis_lark_strategy_never_raises(data):
    """hypothesis's own grammar strategy (slow and shallow on this grammar: a few
    inputs; tests/fuzz.py's derivation walker does the volume)."""

    _check(data.draw(_lark_strategy()))


_LARK = []


def _lark_strategy():
    if not _LARK:
        import lark
        from hypothesis.extra.lark import from_lark

        from graphc.compiler.parse import GRAMMAR

        g = lark.Lark(GRAMMAR.read_text(), start="module", parser="lalr", lexer="basic")
        explicit = {"DICT_LBRACE": st.just(" {")}
        for t in g.terminals:  # spaces around every token, so that neighbours stay apart
            if t.pattern.type == "str":
                explicit[t.name] = st.just(f" {t.pattern.value} ")
        explicit["NAME"] = st.sampled_from(fuzz.NAMES).map(lambda s: f" {s} ")
        explicit["NUMBER"] = st.sampled_from(fuzz.NUMBERS).map(lambda s: f" {s} ")
        explicit["STRING"] = st.sampled_from(fuzz.STRINGS)
        explicit["_NL"] = st.sampled_from(["\n", ";"])
        _LARK.append(from_lark(g, start="module", explicit=explicit))
    return _LARK[0]


def test_the_harness_reports_crashes_and_hangs(monkeypatch):
    """make fuzz can fail: a traceback and a hang are findings, with where they happened."""
    import time

    import graphc.compiler.lower as lower

    monkeypatch.setattr(lower, "compile_program", lambda path, text: 1 / 0)
    kind, where, _ = fuzz.run_one("k = 1\n", timeout=5)
    assert kind == "compile: ZeroDivisionError" and where.startswith("test_fuzz.py:")
    monkeypatch.setattr(lower, "compile_program", lambda path, text: time.sleep(10))
    assert fuzz.run_one("k = 1\n", timeout=0.2)[0] == "hang"


def test_minimize_keeps_the_finding(monkeypatch):
    import graphc.compiler.lower as lower

    def crash_on_boom(path, text):
        if "boom" in text:
            raise KeyError("boom")
        return lower_compile(path, text)

    lower_compile = lower.compile_program
    monkeypatch.setattr(lower, "compile_program", crash_on_boom)
    text = "k = 1\nj = 2\nx = boom\ny = 3\n"
    signature = fuzz.run_one(text, timeout=5)
    assert signature[0] == "compile: KeyError"
    assert fuzz.minimize(text, signature, timeout=5) == "boom"


# ------------------------------------------------------------ findings of `make fuzz`, kept
FOUND = {
    # walk.py: "cannot write the expression" (an Internal error) for `+x` on a tensor,
    # which evaluates to x itself and records no operation
    "unary plus on a tensor": "model m {\n  x = Input(shape=(3,))\n  y = +x\n  output z = Dense(1)(+y)\n}\n",
    # keras_emit.py: "'LayerNode' object has no attribute 'fn'": one block written once for
    # two calls where `x + f` is a broadcasting op in the first (widths 1 and 8) and an
    # Add layer in the second (widths 8 and 8)
    # walk.py: "cannot write the expression" for a bare constant statement in a model
    "a constant as a statement": (
        'model t {\n  1\n  -2 + 3\n  x = Input(shape=(4, 4, 1))\n  output m = Conv2D(3, 1, activation="softmax")(x)\n}\n'
    ),
    "one expression, two kinds of node": (
        "block enc(x) {\n  f = Dense(8)(x)\n  return LayerNormalization()(x + f)\n}\n"
        "model r {\n  x = Input(shape=(2, 1))\n  for i in range(2) { x = enc(x) }\n"
        '  output s = Dense(1, activation="sigmoid")(x)\n}\n'
    ),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_fuzz_findings_stay_fixed(name):
    assert fuzz.run_one(FOUND[name], timeout=30) is None
