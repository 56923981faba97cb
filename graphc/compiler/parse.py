"""Source text -> AST, with a table-driven LALR(1) parser and no parse tree.

Lark is the parser generator: graphc/grammar/generate.py has Lark compute the
LALR tables and the tree-shaping of every rule from gdl.lark, and writes them
to graphc/grammar/gdl_tables.py (`make parser`).  This module runs those tables
with a plain LALR loop and calls `_Builder` on every reduction, so the AST is
built while parsing, and `graphc check` never imports Lark.  If gdl.lark was
edited after the tables were generated, the tables are rebuilt in memory (with
Lark) at the first parse, so the edited grammar is the one used.
"""

from __future__ import annotations

import gc
import os
import re
from operator import itemgetter

from graphc.compiler import syntax as S
from graphc.compiler.budget import MAX_NESTING, MAX_TOKENS, LimitExceeded
from graphc.diagnostics import CompileError, Diagnostic

# the grammar file; GRAMMAR (a pathlib.Path, made on first use) names it too
_GRAMMAR_FILE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "grammar", "gdl.lark"
)

KEYWORDS = frozenset(
    "model block share output use for in if else return range true false None True False extern".split()
)
PY_KEYWORDS = frozenset(
    "and as assert async await break class continue def del elif except finally from global "
    "import is lambda nonlocal not or pass raise try while with yield".split()
)
RESERVED = KEYWORDS | PY_KEYWORDS

_VALUE_END = {"NAME", "NUMBER", "STRING", "FSTRING", "TRUE", "FALSE", "NONE", "RPAR", "RSQB", "RBRACE"}


class Token(tuple):
    """A token with Lark's attribute names; str(token) is its text.  A tuple
    (type, value, line, column, end_line, end_column, start_pos, end_pos), so the
    lexer makes one without running Python code."""

    __slots__ = ()
    type = property(itemgetter(0))
    value = property(itemgetter(1))
    line = property(itemgetter(2))
    column = property(itemgetter(3))
    end_line = property(itemgetter(4))
    end_column = property(itemgetter(5))
    start_pos = property(itemgetter(6))
    end_pos = property(itemgetter(7))

    def __new__(cls, type_, value, start_pos=None, line=None, column=None, end_line=None, end_column=None, end_pos=None):  # fmt: skip
        return tuple.__new__(cls, (type_, value, line, column, end_line, end_column, start_pos, end_pos))

    def __str__(self):
        return self[1]

    def __repr__(self):
        return f"Token({self[0]!r}, {self[1]!r})"


# what the builder treats as a token: graphc's, and Lark's once a Lark parser runs
# over this lexer (graphc.fmt, the tests' reference parser): see _make_lark_lexer
_TOKEN_TYPES: tuple = (Token,)
_new_token = tuple.__new__


class UnexpectedToken(Exception):
    """A token the grammar does not allow where it is (Lark's attribute names)."""

    def __init__(self, token: Token, expected: set):
        super().__init__(f"unexpected {token!r}")
        self.token, self.expected = token, expected


class UnexpectedCharacters(Exception):
    """Text no terminal matches (Lark's attribute names)."""

    def __init__(self, pos: int, line: int, column: int):
        super().__init__(f"unexpected character at {line}:{column}")
        self.pos_in_stream, self.line, self.column = pos, line, column


class _Tree:
    """What a rule without a `_Builder` method makes, as Lark's default callback
    does (in gdl.lark only `_rules`, whose children the parent rule inlines)."""

    __slots__ = ("data", "children")

    def __init__(self, data, children):
        self.data, self.children = data, children


# ---------------------------------------------------------------- lexer
class _LexState:
    opened: list = []  # open bracket tokens of the last run, for "`(` is never closed"
    field_cost = 0  # tokens charged for the f-string fields of the file being parsed


def _lex(text: str, tables):
    """The GDL lexer: one master regex built from the grammar's own terminals
    (graphc/grammar/generate.py), plus the newline rules of the spec (what a
    Lark post-lexer would do, in the same pass):

    1. newlines inside (), [] and dict {} are dropped;
    2. newlines just before `else` are dropped;
    3. a `{` that opens a dict literal is re-typed DICT_LBRACE, and a `;`
       between statements becomes a newline;
    4. every statement before a block's `}` and at the end of the file is
       ended with a newline, so every simple statement has a separator.
    """
    scan = tables.master.scanner(text).match
    keywords = tables.KEYWORDS
    ignore = tables.ignore
    new = _new_token
    stack: list[str] = []  # "LPAR", "LSQB", "dict", "block"
    opened = _LexState.opened = []
    prev_type = None
    closed_block = False  # the last `}` closed a block (not a dict)
    stmt_else = False  # the last `else` follows a block: an `if` statement's (not `a if c else b`)
    pending_nl = None
    pos, line, line_start, n = 0, 1, 0, len(text)
    while pos < n:
        m = scan()
        if m is None:
            raise UnexpectedCharacters(pos, line, pos - line_start + 1)
        t = m.lastgroup
        value = m.group()
        start = pos
        pos += len(value)
        tok_line, tok_line_start = line, line_start
        if "\n" in value:
            line += value.count("\n")
            line_start = start + value.rindex("\n") + 1
        if t in ignore:
            continue
        col = start - tok_line_start + 1
        end_col = pos - line_start + 1
        if t == "NAME":
            t = keywords.get(value, "NAME")
        elif t == "_NL":
            if stack and stack[-1] != "block":
                continue
            if pending_nl is None:
                pending_nl = new(Token, (t, value, tok_line, col, line, end_col, start, pos))
            continue
        if pending_nl is not None:
            if t != "ELSE":
                yield pending_nl
                prev_type = "_NL"
            pending_nl = None
        if t == "SEMICOLON":
            if not stack or stack[-1] == "block":
                t = "_NL"
        elif t == "LPAR" or t == "LSQB":
            stack.append(t)
        elif t == "LBRACE":
            if prev_type in _VALUE_END or (prev_type == "ELSE" and stmt_else):
                stack.append("block")
            else:
                t = "DICT_LBRACE"
                stack.append("dict")
        elif t == "RPAR" or t == "RSQB":
            if stack and stack[-1] == ("LPAR" if t == "RPAR" else "LSQB"):
                stack.pop()
                opened.pop()
        elif t == "RBRACE":
            kind = "block"
            if stack and (stack[-1] == "block" or stack[-1] == "dict"):
                kind = stack.pop()
                opened.pop()
            elif stack:
                kind = "unbalanced"  # a `(` or `[` is still open: the parser reports it
            closed_block = kind == "block"
            if kind == "block":
                yield new(Token, ("_NL", "", tok_line, col, line, end_col, start, pos))
        elif t == "ELSE":
            stmt_else = prev_type == "RBRACE" and closed_block
        tok = new(Token, (t, value, tok_line, col, line, end_col, start, pos))
        if t == "LPAR" or t == "LSQB" or t == "LBRACE" or t == "DICT_LBRACE":
            opened.append(tok)
            if len(stack) > MAX_NESTING:
                raise _LimitError(tok, "nesting")
        yield tok
        prev_type = t
    if pending_nl is not None:
        yield pending_nl
    col = n - line_start + 1
    yield new(Token, ("_NL", "", line, col, line, col, n, n))


# ---------------------------------------------------------------- parser
class _Tables:
    """gdl_tables.py, or the same tables built in memory when gdl.lark changed."""

    def __init__(self, mod):
        self.mod = mod
        self.KEYWORDS = mod.KEYWORDS
        self.ignore = frozenset(mod.IGNORE)
        self.master = re.compile(mod.MASTER)


def _load_tables() -> _Tables:
    from graphc.grammar import gdl_tables

    with open(_GRAMMAR_FILE, encoding="utf-8") as f:
        grammar = f.read()
    if gdl_tables.GRAMMAR == grammar:
        return _Tables(gdl_tables)
    # gdl.lark was edited and `make parser` not run yet: build the tables (Lark)
    import types

    from graphc.grammar.generate import build

    mod = types.ModuleType("graphc.grammar.gdl_tables")
    exec(compile(build(grammar), "<gdl_tables>", "exec"), mod.__dict__)
    return _Tables(mod)


class _Parser:
    """The LALR(1) loop over the generated tables, with `builder`'s methods as
    the rules' callbacks (and as token callbacks for methods named after a
    terminal), as Lark's LALR parser runs an inline transformer."""

    def __init__(self, tables: _Tables, builder):
        mod = tables.mod
        self.tables = tables
        self.action = mod.ACTION
        self.goto = mod.GOTO
        self.start = mod.START_STATE
        self.end = mod.END_STATE

        def callback(name):
            f = getattr(builder, name, None)
            if f is not None:
                return f
            return lambda children: _Tree(name, children)

        self.rules = mod.rules(callback)
        self.token_callbacks = {
            t: getattr(builder, t) for t in mod.TERMINALS if getattr(builder, t, None) is not None
        }

    def parse(self, text: str):
        action, goto, rules, tcb = self.action, self.goto, self.rules, self.token_callbacks
        state = self.start  # the top of the state stack; `below` holds the rest
        below: list = []
        values: list = []
        push_state, push_value = below.append, values.append
        tok = None
        count = 0
        for tok in _lex(text, self.tables):
            t = tok[0]
            count += 1
            if count > MAX_TOKENS:
                raise _LimitError(tok, "tokens")
            while True:
                try:
                    a = action[state][t]
                except KeyError:
                    raise UnexpectedToken(tok, self.expected(state)) from None
                if a >= 0:  # shift
                    push_state(state)
                    state = a
                    push_value(tcb[t](tok) if tcb and t in tcb else tok)
                    break
                size, origin, reduce = rules[a]
                if reduce is not None:
                    push_value(reduce(values))
                    if not size:
                        push_state(state)
                        state = goto[state][origin]
                        continue
                    if size > 1:
                        del below[1 - size :]
                # (a `?rule`'s single child passes through: its value stays)
                state = goto[below[-1]][origin]
        # end of input
        if tok is None:
            end = Token("$END", "", 0, 1, 1)
        else:  # at the last token, as Lark's Token.new_borrow_pos
            end = Token(
                "$END", "", tok.start_pos, tok.line, tok.column, tok.end_line, tok.end_column, tok.end_pos
            )
        while True:
            a = action[state].get("$END")
            if a is None or a >= 0:
                raise UnexpectedToken(end, self.expected(state))
            size, origin, reduce = rules[a]
            if reduce is not None:
                push_value(reduce(values))
                if not size:
                    push_state(state)
                    state = goto[state][origin]
                elif size > 1:
                    del below[1 - size :]
            if size:
                state = goto[below[-1]][origin]
            if state == self.end:
                return values[-1]

    def expected(self, state) -> set:
        return {s for s in self.action[state] if s.isupper()}


_PARSER: list = []  # the one parser, made at the first parse


def _parser() -> _Parser:
    if not _PARSER:
        _PARSER.append(_Parser(_load_tables(), _Builder()))
    return _PARSER[0]


def __getattr__(name):  # PEP 562: what only graphc.fmt and tests use is made on first use
    if name == "GRAMMAR":
        from pathlib import Path

        return Path(_GRAMMAR_FILE)
    if name == "_Lexer":  # a Lark custom lexer over _lex, for graphc.fmt's Lark tree parser
        global _Lexer
        _Lexer = _make_lark_lexer()
        return _Lexer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _make_lark_lexer():
    from lark import Token as LarkToken
    from lark.exceptions import UnexpectedCharacters as LarkUnexpectedCharacters
    from lark.lexer import Lexer

    global _TOKEN_TYPES
    _TOKEN_TYPES = (Token, LarkToken)

    class _Lexer(Lexer):
        """_lex for a Lark parser built from gdl.lark (lark Tokens; Lark's errors)."""

        __future_interface__ = 0

        def __init__(self, conf):
            self.tables = _parser().tables

        def lex(self, text):
            try:
                for t in _lex(text, self.tables):
                    yield LarkToken(
                        t.type, t.value, t.start_pos, t.line, t.column, t.end_line, t.end_column, t.end_pos
                    )
            except UnexpectedCharacters as exc:
                raise LarkUnexpectedCharacters(text, exc.pos_in_stream, exc.line, exc.column) from None

    return _Lexer


def _first(x):
    """The first positioned thing in x: a token or a span (None if there is none)."""
    if isinstance(x, S.Node):
        return x.span if x.span is not S.NOSPAN else None
    if isinstance(x, _TOKEN_TYPES):
        return x if x.line is not None else None
    if isinstance(x, (list, tuple)):
        for y in x:
            s = _first(y)
            if s is not None:
                return s
    return None


def _last(x):
    if isinstance(x, S.Node):
        return x.span if x.span is not S.NOSPAN else None
    if isinstance(x, (list, tuple)) and not isinstance(x, _TOKEN_TYPES):
        for y in reversed(x):
            s = _last(y)
            if s is not None:
                return s
        return None
    return _first(x)


def _cspan(children) -> S.Span:
    """From the first to the last positioned child (inline transformers get no meta)."""
    a, b = _first(children), _last(children)
    if a is None or b is None:
        return S.NOSPAN
    if not isinstance(a, S.Span):
        a = _tspan(a)
    if isinstance(b, S.Span):
        return S.Span(a.line, a.col, b.end_line, b.end_col, a.start, b.end)
    return S.Span(a.line, a.col, b.end_line, b.end_column, a.start, b.end_pos)


def _tspan(tok: Token) -> S.Span:
    if type(tok) is Token:
        return S.Span(*tok[2:])
    return S.Span(tok.line, tok.column, tok.end_line, tok.end_column, tok.start_pos, tok.end_pos)


def _unescape(tok: Token, body: str) -> str:
    if body.isascii() and body.isprintable() and "\\" not in body:
        return body[1:-1]  # what literal_eval gives for a quoted string without escapes
    try:
        import ast

        return ast.literal_eval(body)
    except (ValueError, SyntaxError) as exc:
        raise _TokenError(tok, f"bad string literal: {exc}") from None


class _TokenError(Exception):
    def __init__(self, tok, message):
        self.tok, self.message = tok, message


class _LimitError(Exception):
    """A source too big to parse within graphc's limits (graphc/compiler/budget.py), at `tok`."""

    def __init__(self, tok, kind):
        self.tok, self.kind = tok, kind


class _Builder:
    # ------------------------------------------------------------ atoms
    def name(self, c):
        tok = c[0]
        return S.Name(tok.value, span=_tspan(tok))

    def number(self, c):
        tok = c[0]
        text = tok.value
        value = int(text) if text.isdecimal() else float(text)  # isdecimal: what \d+ matches
        return S.Literal(value, span=_tspan(tok))

    def string(self, c):
        tok = c[0]
        return S.Literal(_unescape(tok, tok.value), span=_tspan(tok))

    def fstring(self, c):
        tok = c[0]
        return S.FString(_split_fstring(tok), span=_tspan(tok))

    def true(self, c):
        return S.Literal(True, span=_tspan(c[0]))

    def false(self, c):
        return S.Literal(False, span=_tspan(c[0]))

    def none(self, c):
        return S.Literal(None, span=_tspan(c[0]))

    def paren(self, c):
        return c[0]

    def tuple(self, c):
        return S.TupleExpr([x for x in c if x is not None], span=_cspan(c))

    def list(self, c):
        return S.ListExpr([x for x in c if x is not None], span=_cspan(c))

    def dict(self, c):
        return S.DictExpr([x for x in c[1:] if x is not None], span=_cspan(c))

    def pair(self, c):
        return (c[0], c[1])

    # ------------------------------------------------------------ operators
    def binexpr(self, c):
        if len(c) == 1:
            x = c[0]
            return _finish(x) if type(x) is _NotPrefix else x
        return _climb(list(c))

    def not_prefix(self, c):
        return _NotPrefix(c[1], _tspan(c[0]))

    def unary(self, c):
        return S.Unary(c[0].value, _finish(c[1]), span=_cspan(c))

    def pow_op(self, c):
        if len(c) == 1:
            return c[0]
        return S.BinOp("**", c[0], _finish(c[2]), span=_cspan(c))

    def call(self, c):
        args, kwargs = [], []
        for a in c[1] or [] if len(c) > 1 else []:
            (kwargs if isinstance(a, S.Keyword) else args).append(a)
        return S.Call(c[0], args, kwargs, span=_cspan(c))

    def args(self, c):
        return list(c)

    def kw_arg(self, c):
        return S.Keyword(c[0].value, c[1], span=_tspan(c[0]))

    def index(self, c):
        return S.Index(c[0], _sub(c[1]), span=_cspan(c))

    def sub_tuple(self, c):
        items = [_sub(x) for x in c if x is not None]
        return S.TupleExpr(items, span=_cspan(items))

    def slice(self, c):
        return S.Slice(c[0], c[1], None, span=_cspan(c))

    def slice_step(self, c):
        return S.Slice(c[0], c[1], c[2], True, span=_cspan(c))

    def ifexp(self, c):
        return S.IfExp(_finish(c[1]), _finish(c[0]), c[2], span=_cspan(c))

    def listcomp(self, c):
        return S.ListComp(c[0], list(c[1:]), span=_cspan(c))

    def dictcomp(self, c):
        return S.DictComp(c[1], c[2], list(c[3:]), span=_cspan(c))

    def call_genexp(self, c):
        gen = S.ListComp(c[1], list(c[2:]), True, span=_cspan(c[1:]))
        return S.Call(c[0], [gen], [], span=_cspan(c))

    def comp_for(self, c):
        return S.CompFor(c[0], c[1], list(c[2:]))

    def target_name(self, c):
        return _ident(c[0])

    def target_tuple(self, c):
        items = [x for x in c if x is not None]
        return S.TupleExpr(items, span=_cspan(items))

    def attr(self, c):
        return S.Attr(c[0], c[1].value, span=_cspan(c))

    # ------------------------------------------------------------ statements
    def assign(self, c):
        return S.Assign([_ident(t) for t in c[:-1]], c[-1], span=_cspan(c))

    def share_stmt(self, c):
        return S.Share(_ident(c[0]), c[1], span=_cspan(c))

    def output_stmt(self, c):
        return S.Output(_ident(c[0]), c[1], span=_cspan(c))

    def output_list(self, c):
        return S.OutputList([_ident(t) for t in c], span=_cspan(c))

    def return_stmt(self, c):
        return S.Return(list(c), span=_cspan(c))

    def expr_stmt(self, c):
        return S.ExprStmt(c[0], span=_cspan(c))

    def body(self, c):
        return [x for x in c[1:] if x is not None and not isinstance(x, _TOKEN_TYPES)]

    def for_stmt(self, c):
        return S.For(c[0], c[1], c[2], span=_cspan(c))

    def if_stmt(self, c):
        orelse = None
        if len(c) > 2:
            orelse = c[2] if isinstance(c[2], list) else [c[2]]
        return S.If(c[0], c[1], orelse, span=_cspan(c))

    def param(self, c):
        return S.Param(_ident(c[0]), c[1] if len(c) > 1 else None, span=_cspan(c))

    def params(self, c):
        return [p for p in c if p is not None]

    def block_def(self, c):
        return self._def("block", c)

    def model_def(self, c):
        return self._def("model", c)

    def _def(self, kind, c):
        has_params = len(c) == 3
        params = c[1] if has_params else []
        name = _ident(c[0])
        span = S.Span(
            name.span.line, 1, name.span.end_line, name.span.end_col, name.span.start, name.span.end
        )
        return S.Def(kind, name, params, c[-1], has_params, span=span)

    def extern_def(self, c):
        has_params = len(c) == 4
        kind, name = _ident(c[0]), _ident(c[1])
        span = S.Span(
            kind.span.line, 1, name.span.end_line, name.span.end_col, kind.span.start, name.span.end
        )
        return S.Extern(kind, name, c[2] if has_params else [], c[-1], has_params, span=span)

    def ext_params(self, c):
        return [p for p in c if p is not None]

    def ext_param(self, c):
        name = _ident(c[0])
        typ = _ident(c[1]) if len(c) > 1 and isinstance(c[1], _TOKEN_TYPES) else None
        default = c[-1] if len(c) > 1 and not isinstance(c[-1], _TOKEN_TYPES) else None
        return S.ExternParam(name, typ, default, span=_cspan(c))

    def ext_body(self, c):
        return [x for x in c[1:] if x is not None and not isinstance(x, _TOKEN_TYPES)]

    def ext_field(self, c):
        return S.ExternField(_ident(c[0]), c[1], span=_cspan(c))

    def ext_rule(self, c):
        return S.ExternRule(_ident(c[0]), c[1], c[2], span=_cspan(c))

    def ext_call(self, c):
        return S.ExternCall(_ident(c[0]), c[1], span=_cspan(c))

    def use_stmt(self, c):
        return S.Use(_unescape(c[0], c[0].value), span=_cspan(c))

    def const_stmt(self, c):
        return S.Const(_ident(c[0]), c[1], span=_cspan(c))

    def module(self, c):
        return S.Module([x for x in c if x is not None and not isinstance(x, _TOKEN_TYPES)])


class _NotPrefix:
    """`not x` before precedence climbing: `not` binds looser than comparisons."""

    __slots__ = ("operand", "span")

    def __init__(self, operand, span):
        self.operand, self.span = operand, span


_PREC = {
    "or": 1,
    "and": 2,
    "==": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "//": 6,
    "%": 6,
    "@": 6,
}
_NOT_PREC = 3


def _finish(x):
    """An operand outside a binary chain (`-not x`, `2 ** not x`)."""
    if isinstance(x, _NotPrefix):
        inner = _finish(x.operand)
        return S.Unary("not", inner, span=_join(x.span, inner.span))
    return x


def _climb(items: list):
    """Precedence climbing over [operand, op, operand, op, ...] with Python's
    rules: or < and < not < comparisons (chained) < + - < * / // %."""
    pos = 0

    def operand():
        nonlocal pos
        x = items[pos]
        if isinstance(x, _NotPrefix):
            # `not` takes the following operators that bind tighter than it
            items[pos] = x.operand
            inner = expr(_NOT_PREC + 1)
            return S.Unary("not", inner, span=_join(x.span, inner.span))
        pos += 1
        return x

    def expr(min_prec):
        nonlocal pos
        left = operand()
        while pos < len(items):
            op = str(items[pos])
            prec = _PREC[op]
            if prec < min_prec:
                break
            pos += 1
            if prec == 4:  # comparisons chain: a < b <= c
                rest = [(op, expr(5))]
                while pos < len(items) and _PREC[str(items[pos])] == 4:
                    op2 = str(items[pos])
                    pos += 1
                    rest.append((op2, expr(5)))
                left = S.Compare(left, rest, span=_join(left.span, rest[-1][1].span))
                continue
            right = expr(prec + 1)
            if op in ("and", "or"):
                if isinstance(left, S.BoolOp) and left.op == op:
                    left.values.append(right)
                    left.span = _join(left.span, right.span)
                else:
                    left = S.BoolOp(op, [left, right], span=_join(left.span, right.span))
            else:
                left = S.BinOp(op, left, right, span=_join(left.span, right.span))
        return left

    return expr(0)


def _sub(x):
    """A subscript item: `...` is a token until here."""
    if isinstance(x, _TOKEN_TYPES):
        return S.EllipsisExpr(span=_tspan(x))
    return x


def _ident(tok: Token) -> S.Ident:
    return S.Ident(tok.value, span=_tspan(tok))


def _join(a: S.Span, b: S.Span) -> S.Span:
    return S.Span(a.line, a.col, b.end_line, b.end_col, a.start, b.end)


_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _split_fstring(tok: Token) -> list:
    text = str(tok)
    body = _unescape(tok, text[1:])
    parts: list = []
    pos = 0
    for m in _FIELD.finditer(body):
        parts.append(body[pos : m.start()])
        pos = m.end()
        g = m.group(0)
        if g in ("{{", "}}"):
            parts.append(g[0])
            continue
        if m.group(1) is None:
            raise _TokenError(tok, f"unmatched `{g}` in f-string (write `{g}{g}` for a literal brace)")
        inner, _, fmt = m.group(1).partition(":")
        if not inner.strip():
            raise _TokenError(tok, "empty expression in f-string")
        # the field's expression is parsed with the same grammar (start symbol `expr`)
        offset = tok.start_pos + 2 + body.find(m.group(0), 0)
        # each field is a parse of its own (about 8 tokens with the wrapping below): the
        # fields of one file share the token limit, or a file of tiny f-strings is unbounded work
        _LexState.field_cost += 8 + len(inner)
        if _LexState.field_cost > MAX_TOKENS:
            raise _LimitError(tok, "tokens")
        try:
            # the field is parsed by the same parser, as the value of a constant
            saved = _LexState.opened
            try:
                expr = _parser().parse(f"_ = ({inner.strip()})\n").items[0].value
            finally:
                _LexState.opened = saved
        except (UnexpectedToken, UnexpectedCharacters):
            raise _TokenError(tok, f"cannot parse `{inner.strip()}` inside the f-string") from None
        _shift_spans(expr, tok, offset)
        parts.append((expr, fmt))
    parts.append(body[pos:])
    return [p for p in parts if p != ""]


def _shift_spans(node, tok: Token, offset: int) -> None:
    span = _tspan(tok)
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, S.Node):
            n.span = span
            for f in n.__slots__ if hasattr(n, "__slots__") else ():
                stack.append(getattr(n, f, None))
        elif isinstance(n, (list, tuple)):
            stack.extend(n)


_TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "FSTRING": "an f-string",
    "_NL": "end of line",
    "$END": "end of file",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LBRACE": "`{`",
    "DICT_LBRACE": "`{`",
    "RBRACE": "`}`",
    "COMMA": "`,`",
    "EQUAL": "`=`",
    "COLON": "`:`",
    "SEMICOLON": "`;`",
    "DOT": "`.`",
    "ADD_OP": "`+`/`-`",
    "MUL_OP": "an operator",
    "COMP_OP": "a comparison",
    "AND": "`and`",
    "OR": "`or`",
    "NOT": "`not`",
    "TRUE": "`true`",
    "FALSE": "`false`",
    "NONE": "`None`",
}


def _describe(term: str) -> str:
    if term in _TOKEN_NAMES:
        return _TOKEN_NAMES[term]
    if term == "POW":
        return "`**`"
    return f"`{term.lower()}`"


# ------------------------------------------------------------ syntax hints
# Each check looks at the text around a syntax error for a habit from another
# language (Python's `elif`, C's `//` comments, a word processor's curly quotes,
# a non-ASCII name) and, when it finds one, reports the error at that habit
# with the GDL spelling.  They only run once parsing has failed.

_CURLY_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a"
_LOOKALIKES = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u00d7": "*",
    "\u00f7": "/",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2026": "...",
}
_ASCII_ALTERNATIVES = {"!": "`not`", "&": "`and`", "|": "`or`", "`": "a `\"` or `'` quote"}
# strings (closed or not), a `#` comment, a `//`, a `/*`, or any other character
_LINE_SCAN = re.compile(r""""(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|#.*|//|/\*|[^"'#/]+|/""")


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _span_at(text: str, start: int, end: int) -> S.Span:
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return S.Span(line, col, line, col + (end - start), start, end)


def _c_comment(text: str, pos: int) -> int | None:
    """The offset of a `//` or `/*` at or before `pos` on its line, outside strings and `#` comments."""
    start, end = _line_bounds(text, pos)
    for m in _LINE_SCAN.finditer(text, start, end):
        if m.start() > pos or m.group().startswith("#"):
            return None
        if m.group() in ("//", "/*"):
            return m.start()
    return None


def _comment_diag(path: str, text: str, at: int) -> Diagnostic:
    mark = text[at : at + 2]
    return Diagnostic(
        path,
        _span_at(text, at, at + 2),
        "error",
        "syntax",
        f"`{mark}` does not start a comment in GDL",
        "comments start with `#`: " + ("`# ...`" if mark == "//" else "write `#` at the start of each line"),
    )


def _is_name_char(ch: str) -> bool:
    return ("a" + ch).isidentifier()


def _char_diag(path: str, text: str, pos: int, span: S.Span) -> Diagnostic:
    """A character no GDL token starts with."""
    import unicodedata

    ch = text[pos] if pos < len(text) else "?"

    def diag(message, hint=None, where=span):
        return Diagnostic(path, where, "error", "syntax", message, hint)

    if ch in _CURLY_QUOTES:
        _, end = _line_bounds(text, pos)
        close = next((i for i in range(pos + 1, end) if text[i] in _CURLY_QUOTES), None)
        if close is None:
            return diag(f"typographic quote `{ch}` (a word processor's curly quote)", 'use `"` for strings')
        body = text[pos + 1 : close]
        return diag(
            f"typographic quotes `{ch}{text[close]}` (a word processor's curly quotes)",
            f"write strings with straight quotes: {quote_string(body)}",
            _span_at(text, pos, close + 1),
        )
    if ord(ch) > 127 and _is_name_char(ch):
        start, end = pos, pos + 1
        while start > 0 and _is_name_char(text[start - 1]):
            start -= 1
        while end < len(text) and _is_name_char(text[end]):
            end += 1
        word = text[start:end]
        ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        ascii_word = re.sub(r"\W", "_", ascii_word)
        if ascii_word.isidentifier() and ascii_word not in RESERVED and ascii_word != word:
            hint = f"rename it `{ascii_word}`"
        else:
            hint = "rename it with ASCII letters, digits and `_`"
        return diag(
            f"`{word}` is not a valid name: GDL names use ASCII letters, digits and `_`",
            hint,
            _span_at(text, start, end),
        )
    if ord(ch) > 127:
        name = unicodedata.name(ch, "")
        what = f"`{ch}` (U+{ord(ch):04X}{' ' + name if name else ''})"
        if ch in _LOOKALIKES:
            return diag(f"unexpected character {what}", f"write `{_LOOKALIKES[ch]}`")
        if ch == "\ufeff" and pos == 0:
            return diag(
                "the text starts with a byte-order mark (U+FEFF)", "remove it (save as UTF-8 without BOM)"
            )
        if unicodedata.category(ch) in ("Zs", "Cf", "Cc", "Zl", "Zp"):
            return diag(f"invisible character {what}", "delete it, or replace it with a normal space")
        return diag(f"unexpected character {what}")
    hint = None
    if ch in "\"'":
        hint = "close the string on the same line"
    elif ch in _ASCII_ALTERNATIVES and not (ch == "!" and text[pos + 1 : pos + 2] == "="):
        hint = f"GDL writes {_ASCII_ALTERNATIVES[ch]}"
    elif ch == "\\":
        hint = "a `\\` continues a statement only at the very end of a line"
    return diag(f"unexpected character `{ch}`", hint)


def quote_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _habit_diag(path: str, text: str, tok: Token) -> Diagnostic | None:
    """A habit from Python or C just before an unexpected token, or None."""
    at = _c_comment(text, tok.start_pos)
    if at is not None and (at == tok.start_pos or tok.type in ("NAME", "NUMBER", "STRING", "FSTRING")):
        return _comment_diag(path, text, at)
    start, _ = _line_bounds(text, tok.start_pos)
    before = text[start : tok.start_pos]
    m = re.search(r"(?<![\w.])elif\s*$", before)
    if m:
        return Diagnostic(
            path,
            _span_at(text, start + m.start(), start + m.start() + 4),
            "error",
            "syntax",
            "GDL has no `elif`",
            "write `else if`: `} else if CONDITION {`",
        )
    if tok.type == "COLON":
        m = re.match(r"\s*(\}\s*)?(if|else|for|elif|while|def)\b", before)
        if m:
            return Diagnostic(
                path,
                _tspan(tok),
                "error",
                "syntax",
                "unexpected `:`: GDL blocks are written in braces, not after a colon",
                f"write `{m.group(2)} ... {{` and close the block with `}}`",
            )
    return None


def _syntax_diag(path: str, exc: UnexpectedToken | UnexpectedCharacters, text: str) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        at = _c_comment(text, pos)
        if at is not None:
            return _comment_diag(path, text, at)
        return _char_diag(
            path, text, pos, S.Span(exc.line, exc.column, exc.line, exc.column + 1, pos, pos + 1)
        )
    tok = getattr(exc, "token", None)
    expected = sorted({_describe(t) for t in getattr(exc, "expected", ()) or ()})
    opened = _LexState.opened
    at_end = tok is None or tok.type == "$END" or (tok.type == "_NL" and not tok.value and tok.line is None)
    unclosed = opened if at_end else [o for o in opened if o.type != "LBRACE"]
    if unclosed and (at_end or tok.type in ("RBRACE", "_NL") or str(tok) in KEYWORDS):
        o = unclosed[-1]
        close = {"(": ")", "[": "]", "{": "}"}[o.value]
        where = f" before line {tok.line}" if not at_end and tok is not None and tok.line else " at the end"
        return Diagnostic(
            path, _tspan(o), "error", "syntax", f"`{o.value}` is never closed", f"add `{close}`{where}"
        )
    if tok is None or tok.type == "$END" or tok.line is None:
        lines = text.splitlines() or [""]
        span = S.Span(len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 2)
        return Diagnostic(
            path,
            span,
            "error",
            "syntax",
            "unexpected end of file" + (f"; expected {_or(expected)}" if expected else ""),
            "a bracket or block may be left open",
        )
    if tok.start_pos is not None:
        habit = _habit_diag(path, text, tok)
        if habit is not None:
            return habit
    if tok.type == "_NL":
        what = (
            "end of line"
            if tok.value
            else "`}`"
            if text[tok.start_pos : tok.start_pos + 1] == "}"
            else "end of file"
        )
        length = 1
    else:
        what = f"`{tok.value}`"
        length = max(len(tok.value), 1)
    span = S.Span(tok.line, tok.column, tok.line, tok.column + length)
    hint = None
    if tok.type == "NAME" and str(tok) in RESERVED:
        hint = f"`{tok}` is a reserved word"
    elif tok.type == "NAME" and "`,`" in expected:
        hint = "a `,` may be missing"
    elif tok.type in ("LPAR", "LSQB", "NAME", "NUMBER", "STRING") and "end of line" in expected:
        hint = "a statement ends at the end of its line; a `;` or newline may be missing"
    return Diagnostic(
        path,
        span,
        "error",
        "syntax",
        f"unexpected {what}" + (f"; expected {_or(expected)}" if expected else ""),
        hint,
    )


def _or(items: list[str]) -> str:
    if len(items) > 8:
        items = items[:8] + ["..."]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def parse(text: str, path: str = "<string>") -> S.Module:
    """Parse GDL source; raises CompileError with one syntax diagnostic."""
    # Parsing allocates many objects and frees none, so the cyclic garbage
    # collector would walk the growing tree again and again, finding nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    _LexState.field_cost = 0
    try:
        module = _parser().parse(text)
    except (UnexpectedToken, UnexpectedCharacters) as exc:
        raise CompileError([_syntax_diag(path, exc, text)]) from None
    except _TokenError as exc:
        raise CompileError([Diagnostic(path, _tspan(exc.tok), "error", "syntax", exc.message)]) from None
    except _LimitError as exc:
        message = LimitExceeded(exc.kind).message
        hint = "graphc bounds every file so that `check` ends on any input (docs/language.md, Limits)"
        raise CompileError([Diagnostic(path, _tspan(exc.tok), "error", "limit", message, hint)]) from None
    finally:
        if gc_was_enabled:
            gc.enable()
    module.path = path
    module.source = text
    return module
