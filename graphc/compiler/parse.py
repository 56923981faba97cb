"""Source text -> AST, with one cached LALR parser and no parse tree.

The transformer runs inline (Lark calls it on every reduction), so the AST is
built while parsing; `_Postlex` handles the newline rules of the spec.
"""

from __future__ import annotations

import ast as pyast
import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark.lexer import Lexer

from graphc.compiler import syntax as S
from graphc.diagnostics import CompileError, Diagnostic

GRAMMAR = Path(__file__).resolve().parent.parent / "grammar" / "gdl.lark"

KEYWORDS = frozenset(
    "model block share output use for in if else return range true false None True False".split()
)
PY_KEYWORDS = frozenset(
    "and as assert async await break class continue def del elif except finally from global "
    "import is lambda nonlocal not or pass raise try while with yield".split()
)
RESERVED = KEYWORDS | PY_KEYWORDS

_VALUE_END = {"NAME", "NUMBER", "STRING", "FSTRING", "TRUE", "FALSE", "NONE", "RPAR", "RSQB", "RBRACE"}
_OPEN = {"LPAR": ")", "LSQB": "]"}


class _Lexer(Lexer):
    """The GDL lexer: one master regex built from the grammar's own terminals,
    plus the newline rules of the spec (what a Lark post-lexer would do, in the
    same pass):

    1. newlines inside (), [] and dict {} are dropped;
    2. newlines just before `else` are dropped;
    3. a `{` that opens a dict literal is re-typed DICT_LBRACE, and a `;`
       between statements becomes a newline;
    4. every statement before a block's `}` and at the end of the file is
       ended with a newline, so every simple statement has a separator.
    """

    __future_interface__ = 0
    opened: list = []  # open bracket tokens of the last run, for "`(` is never closed"

    def __init__(self, conf):
        terms = {t.name: t for t in conf.terminals}
        word = re.compile(terms["NAME"].pattern.to_regexp())
        self.keywords: dict[str, str] = {}
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
                    self.keywords[w] = name
            else:
                order.append(name)
        first = ["_NL", *conf.ignore, "FSTRING", "NAME", "NUMBER", "STRING"]
        rest = sorted(
            (n for n in order if n not in first),
            key=lambda n: (-terms[n].pattern.max_width, -terms[n].priority, n),
        )
        self.ignore = set(conf.ignore)
        pats = [f"(?P<{n}>{terms[n].pattern.to_regexp()})" for n in first + rest]
        self.master = re.compile("|".join([*pats, "(?P<SEMICOLON>;)"]))  # %declare'd in the grammar

    def lex(self, text):
        match = self.master.match
        keywords = self.keywords
        ignore = self.ignore
        stack: list[str] = []  # "LPAR", "LSQB", "dict", "block"
        opened = _Lexer.opened = []
        prev_type = None
        closed_block = False  # the last `}` closed a block (not a dict)
        stmt_else = False  # the last `else` follows a block: an `if` statement's (not `a if c else b`)
        pending_nl = None
        pos, line, line_start, n = 0, 1, 0, len(text)
        while pos < n:
            m = match(text, pos)
            if m is None:
                raise UnexpectedCharacters(text, pos, line, pos - line_start + 1, state=None)
            t = m.lastgroup
            value = m.group()
            end = m.end()
            col = pos - line_start + 1
            nl = value.count("\n")
            if nl:
                end_line = line + nl
                end_col = end - (pos + value.rindex("\n"))
            else:
                end_line, end_col = line, col + len(value)
            tok_pos, tok_line = pos, line
            pos = end
            if nl:
                line, line_start = end_line, tok_pos + value.rindex("\n") + 1
            if t in ignore:
                continue
            if t == "NAME":
                t = keywords.get(value, "NAME")
            if t == "_NL":
                if stack and stack[-1] != "block":
                    continue
                if pending_nl is None:
                    pending_nl = Token(t, value, tok_pos, tok_line, col, end_line, end_col, end)
                continue
            if pending_nl is not None:
                if t != "ELSE":
                    yield pending_nl
                    prev_type = "_NL"
                pending_nl = None
            if t == "SEMICOLON" and (not stack or stack[-1] == "block"):
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
                closed_block = False
                if stack and (stack[-1] == "block" or stack[-1] == "dict"):
                    kind = stack.pop()
                    opened.pop()
                elif stack:
                    kind = "unbalanced"  # a `(` or `[` is still open: the parser reports it
                if kind == "block":
                    closed_block = True
                    yield Token("_NL", "", tok_pos, tok_line, col, end_line, end_col, end)
            if t == "ELSE":
                stmt_else = prev_type == "RBRACE" and closed_block
            tok = Token(t, value, tok_pos, tok_line, col, end_line, end_col, end)
            if t in ("LPAR", "LSQB", "LBRACE", "DICT_LBRACE"):
                opened.append(tok)
            yield tok
            prev_type = t
        if pending_nl is not None:
            yield pending_nl
        yield Token("_NL", "", n, line, n - line_start + 1, line, n - line_start + 1, n)


def _first(x):
    if isinstance(x, Token):
        return _tspan(x) if x.line is not None else None
    if isinstance(x, S.Node):
        return x.span if x.span is not S.NOSPAN else None
    if isinstance(x, (list, tuple)):
        for y in x:
            s = _first(y)
            if s is not None:
                return s
    return None


def _last(x):
    if isinstance(x, (list, tuple)):
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
    return _join(a, b)


def _tspan(tok: Token) -> S.Span:
    return S.Span(tok.line, tok.column, tok.end_line, tok.end_column, tok.start_pos, tok.end_pos)


def _unescape(tok: Token, body: str) -> str:
    try:
        return pyast.literal_eval(body)
    except (ValueError, SyntaxError) as exc:
        raise _TokenError(tok, f"bad string literal: {exc}") from None


class _TokenError(Exception):
    def __init__(self, tok, message):
        self.tok, self.message = tok, message


class _Builder(Transformer):
    # ------------------------------------------------------------ atoms
    def name(self, c):
        return S.Name(str(c[0]), span=_tspan(c[0]))

    def number(self, c):
        text = str(c[0])
        value = int(text) if re.fullmatch(r"\d+", text) else float(text)
        return S.Literal(value, span=_tspan(c[0]))

    def string(self, c):
        return S.Literal(_unescape(c[0], str(c[0])), span=_tspan(c[0]))

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
            return _finish(c[0])
        return _climb(list(c))

    def not_prefix(self, c):
        return _NotPrefix(c[1], _tspan(c[0]))

    def unary(self, c):
        return S.Unary(str(c[0]), _finish(c[1]), span=_cspan(c))

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
        return S.Keyword(str(c[0]), c[1], span=_tspan(c[0]))

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
        return S.Attr(c[0], str(c[1]), span=_cspan(c))

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
        return [x for x in c[1:] if x is not None and not isinstance(x, Token)]

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

    def use_stmt(self, c):
        return S.Use(_unescape(c[0], str(c[0])), span=_cspan(c))

    def const_stmt(self, c):
        return S.Const(_ident(c[0]), c[1], span=_cspan(c))

    def module(self, c):
        return S.Module([x for x in c if x is not None and not isinstance(x, Token)])


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
    if isinstance(x, Token):
        return S.EllipsisExpr(span=_tspan(x))
    return x


def _ident(tok: Token) -> S.Ident:
    return S.Ident(str(tok), span=_tspan(tok))


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
        try:
            # the field is parsed by the same parser, as the value of a constant
            saved = _Lexer.opened
            try:
                expr = _parser().parse(f"_ = ({inner.strip()})\n").items[0].value
            finally:
                _Lexer.opened = saved
        except UnexpectedInput:
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


@lru_cache(maxsize=None)
def _parser() -> Lark:
    return Lark(
        GRAMMAR.read_text(),
        start="module",
        parser="lalr",
        lexer=_Lexer,
        transformer=_Builder(),
        maybe_placeholders=True,
        cache=True,
    )


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


def _syntax_diag(path: str, exc: UnexpectedInput, text: str) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else "?"
        span = S.Span(exc.line, exc.column, exc.line, exc.column + 1)
        hint = None
        if ch in "\"'":
            hint = "close the string on the same line"
        return Diagnostic(path, span, "error", "syntax", f"unexpected character `{ch}`", hint)
    tok = getattr(exc, "token", None)
    expected = sorted({_describe(t) for t in getattr(exc, "expected", ()) or ()})
    opened = _Lexer.opened
    at_end = (
        tok is None
        or tok.type == "$END"
        or isinstance(exc, UnexpectedEOF)
        or (tok.type == "_NL" and not tok.value and tok.line is None)
    )
    unclosed = opened if at_end else [o for o in opened if o.type != "LBRACE"]
    if unclosed and (at_end or tok.type in ("RBRACE", "_NL") or str(tok) in KEYWORDS):
        o = unclosed[-1]
        close = {"(": ")", "[": "]", "{": "}"}[o.value]
        where = f" before line {tok.line}" if not at_end and tok is not None and tok.line else " at the end"
        return Diagnostic(
            path, _tspan(o), "error", "syntax", f"`{o.value}` is never closed", f"add `{close}`{where}"
        )
    if tok is None or tok.type == "$END" or isinstance(exc, UnexpectedEOF) or tok.line is None:
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
    try:
        module = _parser().parse(text)
    except UnexpectedInput as exc:
        raise CompileError([_syntax_diag(path, exc, text)]) from None
    except _TokenError as exc:
        raise CompileError([Diagnostic(path, _tspan(exc.tok), "error", "syntax", exc.message)]) from None
    except Exception as exc:  # lark wraps transformer errors in VisitError
        orig = getattr(exc, "orig_exc", None)
        if isinstance(orig, _TokenError):
            raise CompileError(
                [Diagnostic(path, _tspan(orig.tok), "error", "syntax", orig.message)]
            ) from None
        raise
    module.path = path
    module.source = text
    return module
