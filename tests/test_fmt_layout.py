"""graphc fmt's layout tree (graphc/fmt.py: the generated LALR tables, no Lark
at run time) is the tree Lark itself builds from gdl.lark with
propagate_positions=True over the same lexer: the same rules, nesting and
positions, on every .gdl file of the repository and on tricky layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark, Tree

from graphc.compiler.parse import GRAMMAR, _Lexer
from graphc.fmt import Tree as LayoutTree
from graphc.fmt import _tree_parser

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for p in ROOT.rglob("*.gdl")
    if not any(part.startswith(".") or part in ("build", "dist", "out") for part in p.relative_to(ROOT).parts)
)
TRICKY = [
    "model m {\n  x = Input(shape=(3,))  # c\n  if true { y = Dense(1)(x) } else if false { y = x } else {\n    y = x\n  }\n"
    "  output y = y\n}\n",
    "block f(a, b=(1,\n 2)) {\n  for i, (j, k) in [(1, (2, 3))] { a = a }\n  return a\n}\n"
    "model m { x = Input(shape=(3,)); output y = f(x) }\n",
    'c = {"a": [1, 2][0:1], "b": (1 if true else 2)}\nuse "x.gdl"\n',
    "\n\n# only a comment\n",
    "",
]

META = ("line", "column", "start_pos", "end_line", "end_column", "end_pos")


@pytest.fixture(scope="module")
def lark_parser():
    return Lark(
        GRAMMAR.read_text(),
        start="module",
        parser="lalr",
        lexer=_Lexer,
        propagate_positions=True,
        maybe_placeholders=True,
    )


def shape(t):
    """(rule, positions, subtrees) of a tree, Lark's or graphc's."""
    m = t.meta
    pos = None if m.empty else tuple(getattr(m, k, None) for k in META)
    return (t.data, pos, [shape(c) for c in t.children if isinstance(c, (Tree, LayoutTree))])


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in FILES] + TRICKY)
def test_layout_tree_is_larks(text, lark_parser):
    assert shape(_tree_parser().parse(text)) == shape(lark_parser.parse(text))


def test_covers_the_repository():
    assert len(FILES) >= 20
