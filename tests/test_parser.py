"""The table-driven parser (graphc/compiler/parse.py over graphc/grammar/gdl_tables.py)
is Lark's LALR parser: the tables are current, and on every example, stdlib file,
bad program and a hundred broken variants of them it gives the AST (spans
included) and the syntax diagnostic that Lark's own LALR parser gives when it
runs gdl.lark over the same lexer (with Lark's tokens) and the same builder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters as LarkUnexpectedCharacters
from lark.exceptions import UnexpectedToken as LarkUnexpectedToken

from graphc.compiler import parse as P
from graphc.compiler import syntax as S
from graphc.diagnostics import CompileError
from graphc.grammar import generate

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "examples").glob("*.gdl")) + sorted((ROOT / "graphc" / "stdlib").glob("*.gdl"))
BAD = [
    chunk.partition("\n")[2]
    for chunk in re.split(
        r"^### ", (ROOT / "tests" / "data" / "bad_programs.gdltest").read_text(), flags=re.M
    )[1:]
]


def fields_of(cls):
    return [f for c in reversed(cls.__mro__) for f in getattr(c, "__slots__", ())]


def dump_node(x):
    """Every field of the AST, spans and value types included (nodes compare by identity)."""
    if isinstance(x, S.Node):
        return (type(x).__name__, *(dump_node(getattr(x, f)) for f in fields_of(type(x))))
    if isinstance(x, S.Span):
        return ("Span", x.line, x.col, x.end_line, x.end_col, x.start, x.end)
    if isinstance(x, list):
        return ["list", *(dump_node(y) for y in x)]
    if isinstance(x, tuple):
        return ("tuple", *(dump_node(y) for y in x))
    return (type(x).__name__, x)


class _LarkBuilder(P._Builder, Transformer):
    pass


class _LarkParser:
    def __init__(self):
        self.lark = Lark(
            P.GRAMMAR.read_text(),
            start="module",
            parser="lalr",
            lexer=P._Lexer,  # graphc's lexer, giving Lark tokens
            transformer=_LarkBuilder(),
            maybe_placeholders=True,
        )
        self.tables = P._parser().tables

    def parse(self, text):
        return self.lark.parse(text)


@pytest.fixture(scope="module")
def lark_parser():
    return _LarkParser()


def outcome(text, parser=None):
    """The AST dump, or the syntax diagnostic, of `text` with graphc's parser, or
    with `parser` standing in for it (f-string fields are parsed by it too)."""
    saved = list(P._PARSER)
    if parser is not None:
        P._PARSER[:] = [parser]
    try:
        try:
            module = P._parser().parse(text)
        except (P.UnexpectedToken, P.UnexpectedCharacters) as exc:
            return ("error", P._syntax_diag("f.gdl", exc, text))
        except LarkUnexpectedToken as exc:
            return ("error", P._syntax_diag("f.gdl", P.UnexpectedToken(exc.token, exc.expected), text))
        except LarkUnexpectedCharacters as exc:
            err = P.UnexpectedCharacters(exc.pos_in_stream, exc.line, exc.column)
            return ("error", P._syntax_diag("f.gdl", err, text))
        except P._TokenError as exc:
            return ("token-error", P._tspan(exc.tok), exc.message)
        return ("ok", dump_node(module))
    finally:
        P._PARSER[:] = saved


def test_tables_are_current():
    current = generate.TABLES.read_text(encoding="utf-8")
    assert current == generate.build(generate.GRAMMAR.read_text(encoding="utf-8")), (
        "graphc/grammar/gdl_tables.py is stale: run `make parser`"
    )


def test_generation_does_not_depend_on_hash_seed():
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-m", "graphc.grammar.generate", "--check"], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_same_ast_as_lark(path, lark_parser):
    text = path.read_text()
    ours = outcome(text)
    assert ours[0] == "ok"
    assert ours == outcome(text, lark_parser)


def test_same_syntax_diagnostics_as_lark(lark_parser):
    cases = list(BAD) + [
        "",
        "\n",
        "# only a comment",
        "x = 1",
        "model m {}",
        "model m { x = 1 }",
        "{",
        "}",
        "@",
    ]
    # broken variants of real programs: a character cut out at 6 places per file
    for path in SOURCES:
        text = path.read_text()
        step = max(1, len(text) // 6)
        cases += [text[:i] + text[i + 1 :] for i in range(0, len(text), step)]
    kinds = set()
    for text in cases:
        ours = outcome(text)
        kinds.add(ours[0])
        assert ours == outcome(text, lark_parser), text
    assert kinds == {"ok", "error", "token-error"} or kinds == {"ok", "error"}


def test_diagnostics_name_the_unclosed_bracket():
    with pytest.raises(CompileError) as e:
        P.parse("model m {\n  x = Input(shape=(3,)\n}\n", "f.gdl")
    (d,) = e.value.diagnostics
    assert (d.span.line, d.span.col, d.message) == (2, 12, "`(` is never closed")


def test_edited_grammar_is_used_before_make_parser(tmp_path, monkeypatch):
    """A grammar change the generated tables do not have yet: the tables are
    rebuilt in memory, so the new syntax parses at once."""
    grammar = P.GRAMMAR.read_text()
    edited = grammar.replace(
        'output_stmt: "output" NAME "=" expr',
        'output_stmt: "output" NAME "=" expr\n           | "output" NAME ":" expr',
    )
    assert edited != grammar
    path = tmp_path / "gdl.lark"
    path.write_text(edited)
    text = "model m {\n  output y: 1\n}\n"
    with pytest.raises(CompileError):
        P.parse(text)
    monkeypatch.setattr(P, "_GRAMMAR_FILE", str(path))
    monkeypatch.setattr(P, "_PARSER", [])
    module = P.parse(text)
    (stmt,) = module.items[0].body
    assert isinstance(stmt, S.Output) and stmt.target.id == "y" and stmt.value.value == 1


def test_fmt_lexer_gives_lark_tokens():
    """graphc.fmt builds a Lark tree parser over P._Lexer (made on first use)."""
    from lark import Token

    lexer = P._Lexer(None)
    toks = list(lexer.lex("model m {\n  x = 1\n}\n"))
    assert all(isinstance(t, Token) for t in toks)
    assert [t.type for t in toks][:6] == ["MODEL", "NAME", "LBRACE", "_NL", "NAME", "EQUAL"]
    assert (toks[4].line, toks[4].column, toks[4].start_pos) == (2, 3, 12)


def test_check_imports_neither_lark_nor_jinja2():
    """`graphc check` needs only the generated tables (what makes it start fast)."""
    code = (
        "import sys; from graphc.cli import main; rc = main(['check', sys.argv[1]]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'jinja2')))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "examples" / "inception.gdl")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "lark" not in r.stdout and "jinja2" not in r.stdout, r.stdout
