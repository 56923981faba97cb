"""Bounded output: a file that repeats one mistake a million times gets a bounded
number of diagnostics (a located [limit] diagnostic after MAX_DIAGNOSTICS), and
rendering them reads the source once, not once per diagnostic (50,000 repeated
errors took more than 300 s in `graphc check` before)."""

from __future__ import annotations

import subprocess
import sys

from graphc.compiler.budget import MAX_DIAGNOSTICS
from graphc.compiler.interpreter import compile_program
from graphc.diagnostics import Sources, render_text

REPEATED = "a = 1\n" * (MAX_DIAGNOSTICS + 500)


def test_a_repeated_mistake_stops_at_the_diagnostics_limit():
    program = compile_program("r.gdl", REPEATED)
    diags = program.diagnostics
    assert len(diags) == MAX_DIAGNOSTICS + 1
    assert [d.code for d in diags[:-1]] == ["redefinition"] * MAX_DIAGNOSTICS
    last = diags[-1]
    assert last.code == "limit" and f"limit of {MAX_DIAGNOSTICS:,} errors and warnings" in last.message
    assert last.span.line == MAX_DIAGNOSTICS + 2  # located: the first one not reported


class _CountingText(str):
    splits = 0

    def splitlines(self, *args, **kwargs):
        type(self).splits += 1
        return super().splitlines(*args, **kwargs)


def test_rendering_splits_a_source_once():
    program = compile_program("r.gdl", REPEATED)
    sources = Sources()
    sources.texts["r.gdl"] = _CountingText(REPEATED)
    for d in program.diagnostics:
        assert " | a = 1" in render_text(d, sources)
    assert _CountingText.splits == 1


def test_check_on_a_repeated_mistake_is_bounded(tmp_path):
    (tmp_path / "r.gdl").write_text("a = 1\n" * 20_000)
    r = subprocess.run(
        [sys.executable, "-m", "graphc", "check", "r.gdl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.count("[redefinition]") == MAX_DIAGNOSTICS
    assert r.stderr.count("[limit]") == 1


def _located_limit(src: str, kind_words: str):
    program = compile_program("h.gdl", src)
    errs = [d for d in program.diagnostics if d.is_error]
    assert [d.code for d in errs] == ["limit"], [d.header() for d in errs]
    assert kind_words in errs[0].message and errs[0].span.line >= 1, errs[0].header()
    return errs[0]


def test_too_many_tokens_is_a_located_limit(monkeypatch):
    import graphc.compiler.parse as P

    monkeypatch.setattr(P, "MAX_TOKENS", 1_000)  # the real limit (1,000,000) takes seconds to reach
    d = _located_limit("a = 1\n" * 400, "tokens in a source file")
    assert d.span.line == 251  # the 1,001st token: line 251's first (4 tokens a line)


def test_deep_brackets_stop_at_the_nesting_limit():
    from graphc.compiler.budget import MAX_NESTING

    d = _located_limit("n = " + "(" * (MAX_NESTING + 10) + "1", "brackets and blocks open at once")
    assert d.span.col == 5 + MAX_NESTING  # the bracket one over the limit
    assert not [x for x in compile_program("n.gdl", "n = " + "(" * 50 + "1" + ")" * 50 + "\n").errors]


def test_a_long_string_literal_parses_in_bounded_memory(tmp_path):
    """5 MB in one string literal, then a string computed from it: over the string
    limit, reported as such, in well under 1 GB of address space (the lexer's string pattern took ~500 bytes per
    character before: 2.5 GB here)."""
    (tmp_path / "s.gdl").write_text('s = "' + "a" * 5_000_000 + '"\nt = s + "b"\n')
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from graphc.cli import main\n"
        "sys.exit(main(['check', 's.gdl']))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr and "MemoryError" not in r.stderr, r.stderr[
        -2000:
    ]
    assert "[limit]" in r.stderr and "characters in a string" in r.stderr, r.stderr[-2000:]


def test_f_string_fields_share_the_token_limit(monkeypatch):
    """Each f-string field is parsed on its own: a file of many tiny fields is charged for them."""
    import graphc.compiler.parse as P

    monkeypatch.setattr(P, "MAX_TOKENS", 1_000)
    d = _located_limit('s = f"{1}{2}{3}{4}"\n' * 40, "tokens in a source file")
    # 8 + 1 token-equivalents a field, 4 fields (36) a line: 972 after line 27, over 1,000 on line 28
    assert d.span.line == 28
