"""Generates graphc/grammar/gdl_tables.py (the GDL parser's tables) from gdl.lark.

    make parser          (= python -m graphc.grammar.generate)

Lark reads the grammar and computes its LALR(1) automaton and parse-tree
shaping rules here, at build time; the generated module holds them as Python
literals (so `import` loads them from bytecode) plus one small reduce function
per grammar rule that does what Lark's tree builder would do for that rule
(drop filtered tokens, inline `_rules`, insert None for empty `[x]`, pass a
single child of a `?rule` through) and then calls the transformer's method.
graphc.compiler.parse runs the tables with a plain LALR loop, so a `check` never
imports Lark.  tests/test_parser.py fails when the module is stale, and
graphc.compiler.parse rebuilds the tables in memory (with Lark) when gdl.lark no
longer matches them, so an edited grammar works before `make parser` is run.

Everything Lark-specific the parser needs is derived from Lark's own objects
(ParseTreeBuilder's wrapper chains, the IntParseTable), not re-implemented.
"""

from __future__ import annotations

import re
import sys
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAMMAR = HERE / "gdl.lark"
TABLES = HERE / "gdl_tables.py"
START = "module"


def _lark(grammar_text: str):
    from lark import Lark
    from lark.lexer import Lexer

    class _NoLexer(Lexer):  # the grammar's terminals are read below; graphc lexes itself
        def __init__(self, conf):
            pass

        def lex(self, text):  # pragma: no cover - never called
            raise NotImplementedError

    return Lark(grammar_text, start=START, parser="lalr", lexer=_NoLexer, maybe_placeholders=True)


def lexer_spec(terminals, ignore) -> tuple:
    """(master regex, keyword -> terminal, ignored terminal names): one regex
    with a named group per terminal; words the grammar spells as string
    terminals ("model", "true", "and"...) are lexed as NAME and re-typed."""
    terms = {t.name: t for t in terminals}
    word = re.compile(terms["NAME"].pattern.to_regexp())
    keywords: dict[str, str] = {}
    order: list[str] = []
    for name, t in terms.items():
        if name == "NAME":
            continue
        rx = t.pattern.to_regexp()
        words = [
            w
            for w in re.findall(r"[A-Za-z_]\w*", t.pattern.value if t.pattern.type == "str" else rx)
            if re.fullmatch(rx, w)
        ]
        if (
            words
            and all(word.fullmatch(w) for w in words)
            and t.pattern.type == "str"
            or (name in ("TRUE", "FALSE") and words)
        ):
            for w in words:
                keywords[w] = name
        else:
            order.append(name)
    first = ["_NL", *ignore, "FSTRING", "NAME", "NUMBER", "STRING"]
    rest = sorted(
        (n for n in order if n not in first),
        key=lambda n: (-terms[n].pattern.max_width, -terms[n].priority, n),
    )
    # each alternative ends with an empty group named after its terminal (m.lastgroup
    # names it; the token is the whole match): an alternative that starts with a
    # literal or a character set is then skipped by the regex engine on its first
    # character, where one that starts with a group is entered and backed out of
    pats = [f"(?:{terms[n].pattern.to_regexp()})(?P<{n}>)" for n in first + rest]
    master = "|".join([*pats, "(?:;)(?P<SEMICOLON>)"])  # SEMICOLON is %declare'd in the grammar
    return master, dict(sorted(keywords.items())), tuple(sorted(ignore))


def _reducer_source(k: int, rule, chain, n_size: int, cb: str) -> tuple[str | None, str]:
    """Python source of rule k's reduce function (None: its single child passes
    through unchanged), mirroring the wrapper chain Lark's ParseTreeBuilder built
    for the rule: [ExpandSingleChild][, ChildFilterLALR*]."""
    from lark.parse_tree_builder import (
        ChildFilterLALR,
        ChildFilterLALR_NoPlaceholders,
        ExpandSingleChild,
    )

    expand1 = False
    include = [(i, False, 0) for i in range(n_size)]
    append_none = 0
    for w in chain:
        if w is ExpandSingleChild:
            expand1 = True
        elif isinstance(w, partial) and w.func is ChildFilterLALR:
            include, append_none = list(w.args[0]), w.args[1]
        elif isinstance(w, partial) and w.func is ChildFilterLALR_NoPlaceholders:
            include = [(i, x, 0) for i, x in w.args[0]]
        else:
            raise SystemExit(f"generate: unsupported tree-builder wrapper {w!r} for rule {rule}")
    if expand1 and n_size == 1 and include == [(0, False, 0)] and not append_none:
        return None, ""

    call = f"{cb}(c)"
    ret = f"return c[0] if len(c) == 1 else {call}" if expand1 else f"return {call}"
    if n_size and include == [(i, False, 0) for i in range(n_size)] and not append_none:
        # every child, in order: one slice
        take = "c = [v.pop()]" if n_size == 1 else f"c = v[-{n_size}:]\n        del v[-{n_size}:]"
        return f"r{k}", f"    def r{k}(v):  # {rule}\n        {take}\n        {ret}\n"

    # the statements ChildFilterLALR.__call__ executes, unrolled for this rule
    lines: list[str] = []
    items: list[str] = []  # list items not yet added to `c`
    started = False

    def flush():
        nonlocal started
        if not items:
            return
        lines.append(("c += [" if started else "c = [") + ", ".join(items) + "]")
        items.clear()
        started = True

    for i, to_expand, add_none in include:
        items.extend(["None"] * add_none)
        ref = f"v[{i - n_size}]"
        if to_expand:
            if not started and not items:
                lines.append(f"c = {ref}.children")  # Lark's left-recursion shortcut
                started = True
            else:
                flush()
                lines.append(f"c += {ref}.children")
        else:
            items.append(ref)
    items.extend(["None"] * append_none)
    flush()
    if not started:
        lines.append("c = []")
    if n_size:
        lines.append(f"del v[-{n_size}:]")
    lines.append(ret)
    body = "\n".join("        " + line for line in lines)
    return f"r{k}", f"    def r{k}(v):  # {rule}\n{body}\n"


def build(grammar_text: str) -> str:
    """The source of gdl_tables.py for `grammar_text`."""
    from lark.parsers.lalr_analysis import Shift

    lk = _lark(grammar_text)
    table = lk.parser.parser._parse_table
    rules = lk.parser.parser_conf.rules
    rule_index = {id(r): k for k, r in enumerate(rules)}
    chains = {id(r): chain for r, chain in lk._parse_tree_builder.rule_builders}

    # number the states canonically (breadth-first from the start state, symbols
    # in sorted order) so the output does not depend on Lark's set ordering
    start = table.start_states[START]
    order = [start]
    seen = {start}
    for s in order:
        for sym in sorted(table.states[s]):
            action, arg = table.states[s][sym]
            if action is Shift and arg not in seen:
                seen.add(arg)
                order.append(arg)
    assert len(order) == len(table.states), "unreachable parser states"
    num = {s: i for i, s in enumerate(order)}
    n_rules = len(rules)
    nonterminals = {r.origin.name for r in rules}

    action_rows, goto_rows = [], []
    for s in order:
        act, goto = {}, {}
        for sym in sorted(table.states[s]):
            action, arg = table.states[s][sym]
            if action is Shift:
                (goto if sym in nonterminals else act)[sym] = num[arg]
            else:
                act[sym] = rule_index[id(arg)] - n_rules  # a reduce: negative, indexes RULES from the end
        action_rows.append(act)
        goto_rows.append(goto)

    rule_rows, funcs, cb_vars = [], [], {}  # cb_vars: callback name -> variable
    for k, r in enumerate(rules):
        name = str(r.alias or r.options.template_source or r.origin.name)
        var = cb_vars.get(name, f"cb{len(cb_vars)}")
        fname, src = _reducer_source(k, r, chains[id(r)], len(r.expansion), var)
        rule_rows.append((len(r.expansion), str(r.origin.name), fname))
        if src:
            cb_vars[name] = var
            funcs.append(src)

    master, keywords, ignore = lexer_spec(lk.lexer_conf.terminals, lk.lexer_conf.ignore)
    terminals = tuple(sorted(t.name for t in lk.terminals))

    out = [
        '"""GDL parser tables, generated from gdl.lark by graphc/grammar/generate.py: do not edit.',
        "",
        "Regenerate with `make parser` (python -m graphc.grammar.generate); tests/test_parser.py",
        'fails when this file is stale."""',
        "",
        "# ruff: noqa",
        "# fmt: off",
        f"GRAMMAR = {grammar_text!r}",
        "START_STATE = 0",
        f"END_STATE = {num[table.end_states[START]]}",
        "",
        "# the lexer: one regex, keywords lexed as NAME and re-typed, ignored terminals",
        f"MASTER = {master!r}",
        f"KEYWORDS = {keywords!r}",
        f"IGNORE = {ignore!r}",
        f"TERMINALS = {terminals!r}",
        "",
        "# ACTION[state][terminal]: a shift to state n (n >= 0) or a reduce by RULES[n] (n < 0)",
        "ACTION = (",
        *[f"    {row!r}," for row in action_rows],
        ")",
        "# GOTO[state][rule name]: the state after reducing to that rule",
        "GOTO = (",
        *[f"    {row!r}," for row in goto_rows],
        ")",
        "",
        "",
        "def rules(callback):",
        '    """RULES: (size, origin, reduce function or None) per rule; callback(name)',
        '    gives the transformer\'s function for a rule (alias) name."""',
    ]
    for name, var in cb_vars.items():
        out.append(f"    {var} = callback({name!r})")
    out.append("")
    out.extend(funcs)
    out.append("    return (")
    for (size, origin, fname), r in zip(rule_rows, rules):
        out.append(f"        ({size}, {origin!r}, {fname or 'None'}),  # {r}")
    out.append("    )")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    src = build(GRAMMAR.read_text(encoding="utf-8"))
    if argv == ["--check"]:
        current = TABLES.read_text(encoding="utf-8") if TABLES.exists() else ""
        if current != src:
            print(f"{TABLES} is stale: run `make parser`", file=sys.stderr)
            return 1
        return 0
    TABLES.write_text(src, encoding="utf-8")
    print(f"wrote {TABLES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
