"""`graphc fmt`: one canonical layout for GDL source.

The formatter parses the file into the AST (graphc.compiler.parse) and prints
it again:

- 2-space indentation inside `{}` bodies, one statement per line;
- `x = f(a, b=1)` spacing, spaces around binary operators, `, ` separators;
- strings double-quoted (re-escaped), `true`/`false`/`None`;
- numbers keep the lexeme the user wrote (`1e-3` stays `1e-3`);
- one blank line between top-level definitions, user blank lines inside
  bodies collapsed to at most one, a final newline;
- a call, list, tuple or dict that does not fit in 100 columns is broken one
  item per line (newlines are free inside brackets), with a trailing comma.

Comments are not part of the AST (the grammar ignores them), so they are
recovered from the source text by position: the statement extents come from a
second parse with the same generated LALR tables (graphc/grammar/gdl_tables.py,
no Lark at run time) that builds a plain tree with Lark's positions
(`propagate_positions`), walked in step with the AST.  A comment on its own line stays where it is (attached to
the statement after it, or at the end of its body); a comment after the end of
a statement stays at the end of that statement's last line; a comment after a
`{` stays after the `{`; a comment inside a statement (a multi-line call, a
header) moves to its own line just before that statement.

Formatting is idempotent and never changes meaning: parse(format(x)) equals
parse(x) up to source positions.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from graphc.compiler import syntax as S
from graphc.compiler.parse import Token, _load_tables, _Parser, parse
from graphc.records import dataclass, field

__all__ = ["format_source", "fmt_check", "WIDTH", "INDENT"]

WIDTH = 100
INDENT = 2

_NUMBER = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")
_SCAN = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(?P<c>\#[^\n]*)|[^"'\#]+|[\s\S]""")


# ====================================================================== API
def format_source(text: str, path: str = "<string>") -> str:
    """Return the canonical layout of GDL `text` (raises CompileError when it
    does not parse)."""
    module = parse(text, path)
    return _Formatter(text, module).run()


def fmt_check(text: str, path: str = "<string>") -> bool:
    """True when `text` is already in canonical layout."""
    return format_source(text, path) == text


# ============================================================ layout (positions)
@dataclass
class _Comment:
    pos: int
    line: int
    text: str
    standalone: bool  # nothing but whitespace before it on its line


@dataclass
class _Body:
    start: int  # offset of `{` (synthetic bodies: of the statement)
    end: int  # offset just after `}`
    line: int | None  # line of `{`; None for a synthetic body (`else if`)
    stmts: list  # [(ast node, _Ext)]
    header: list = field(default_factory=list)  # comments after `{` on its line
    comments: list = field(default_factory=list)  # standalone comments, in order


@dataclass
class _Ext:
    start: int
    end: int
    line: int
    end_line: int
    bodies: list = field(default_factory=list)  # [_Body]
    leading: list = field(default_factory=list)  # comments moved before it
    trailing: list = field(default_factory=list)  # comments at the end of its last line


class Tree:
    """A rule's node with Lark's positions (what `Lark(..., propagate_positions=True)`
    makes): `meta` is the node itself; `line`... are None while it is empty.  The
    container_* fields are where the node's text starts and ends with the tokens
    its rule drops (brackets, keywords), as Lark's PropagatePositions keeps them."""

    __slots__ = (
        "data",
        "children",
        "line",
        "column",
        "start_pos",
        "end_line",
        "end_column",
        "end_pos",
        "container_line",
        "container_column",
        "container_start_pos",
        "container_end_line",
        "container_end_column",
        "container_end_pos",
    )

    def __init__(self, data, children):
        self.data, self.children = data, children
        self.line = self.end_line = self.container_line = self.container_end_line = None

    @property
    def meta(self):
        return self

    @property
    def empty(self) -> bool:
        return self.line is None and self.end_line is None


class _TreeBuilder:
    """A Tree for every rule; tokens stay tokens (no terminal callbacks)."""

    def __getattr__(self, name):
        if name.lstrip("_")[:1].isupper():  # a terminal
            raise AttributeError(name)
        return lambda children: Tree(name, children)


def _pp_meta(children):
    """Lark's PropagatePositions._pp_get_meta: the first positioned child, as
    (line, column, start, end_line, end_column, end) of its container."""
    for c in children:
        if type(c) is Tree:
            if c.container_line is not None or c.container_end_line is not None:
                return c
        elif isinstance(c, Token):
            return c
    return None


def _propagate(reduce, size):
    def run(values):
        raw = values[len(values) - size :] if size else []
        res = reduce(values)
        if type(res) is Tree:
            first = _pp_meta(raw)
            if first is not None:
                if type(first) is Tree:
                    pos = (first.container_line, first.container_column, first.container_start_pos)
                else:  # Token: (type, value, line, column, end_line, end_column, start_pos, end_pos)
                    pos = (first[2], first[3], first[6])
                if res.line is None:
                    res.line, res.column, res.start_pos = pos
                res.container_line, res.container_column, res.container_start_pos = pos
            last = _pp_meta(reversed(raw))
            if last is not None:
                if type(last) is Tree:
                    pos = (last.container_end_line, last.container_end_column, last.container_end_pos)
                else:
                    pos = (last[4], last[5], last[7])
                if res.end_line is None:
                    res.end_line, res.end_column, res.end_pos = pos
                res.container_end_line, res.container_end_column, res.container_end_pos = pos
        return res

    return run


@lru_cache(maxsize=None)
def _tree_parser() -> _Parser:
    """graphc's LALR loop over the generated tables, building positioned Trees."""
    parser = _Parser(_load_tables(), _TreeBuilder())
    parser.rules = [
        (size, origin, None if reduce is None else _propagate(reduce, size))
        for size, origin, reduce in parser.rules
    ]
    return parser


def _subtrees(t: Tree) -> list:
    return [c for c in t.children if isinstance(c, Tree)]


def _ext(t: Tree) -> _Ext:
    m = t.meta
    return _Ext(m.start_pos, m.end_pos, m.line, m.end_line)


def _body(stmts: list, t: Tree) -> _Body:
    m = t.meta
    return _Body(m.start_pos, m.end_pos, m.line, _pair(stmts, _subtrees(t)))


def _pair(stmts: list, trees: list) -> list:
    if len(stmts) != len(trees):  # pragma: no cover - both come from one grammar
        raise AssertionError("formatter: AST and layout tree disagree")
    out = []
    for node, t in zip(stmts, trees):
        e = _ext(t)
        if isinstance(node, (S.Def, S.For)):
            e.bodies = [_body(node.body, [c for c in _subtrees(t) if c.data == "body"][-1])]
        elif isinstance(node, S.Extern):
            e.bodies = [_body(node.items, [c for c in _subtrees(t) if c.data == "ext_body"][-1])]
        elif isinstance(node, S.If):
            kids = _subtrees(t)
            e.bodies = [_body(node.body, kids[1])]
            if node.orelse is not None:
                other = kids[2]
                if other.data == "body":
                    e.bodies.append(_body(node.orelse, other))
                else:  # `else if`: a synthetic body holding the inner `if`
                    inner = _pair(node.orelse, [other])
                    e.bodies.append(_Body(inner[0][1].start, inner[0][1].end, None, inner))
        out.append((node, e))
    return out


# ================================================================= comments
def _scan_comments(text: str, line_starts: list) -> list:
    out = []
    for m in _SCAN.finditer(text):
        if m.group("c") is None:
            continue
        pos = m.start()
        line = bisect.bisect_right(line_starts, pos)
        before = text[line_starts[line - 1] : pos]
        out.append(_Comment(pos, line, m.group("c").rstrip(), before.strip() == ""))
    return out


def _place_in_body(body: _Body, c: _Comment) -> None:
    prev = None
    for _node, e in body.stmts:
        if e.start <= c.pos < e.end:
            _place_in_stmt(e, c)
            return
        if e.end <= c.pos:
            prev = e
    if not c.standalone:
        if prev is not None and prev.end_line == c.line:
            prev.trailing.append(c)
            return
        if prev is None and body.line == c.line:
            body.header.append(c)
            return
    body.comments.append(c)


def _place_in_stmt(e: _Ext, c: _Comment) -> None:
    for b in e.bodies:
        if b.start <= c.pos < b.end:
            _place_in_body(b, c)
            return
    e.leading.append(c)


# ============================================================ documents
# A small Wadler/Prettier-style document: str (text), list (concatenation),
# ("L",) a line break or a space, ("S",) a line break or nothing,
# ("N", doc) indent, ("G", doc) a group printed flat when it fits,
# ("B", str) text printed only when the enclosing group is broken.
_LINE = ("L",)
_SOFT = ("S",)


def _nest(d):
    return ("N", d)


def _group(d):
    return ("G", d)


def _bracket(open_: str, items: list, close: str, force_comma: bool = False):
    if not items:
        return open_ + close
    inner: list = []
    for i, it in enumerate(items):
        if i:
            inner += [",", _LINE]
        inner.append(it)
    inner.append("," if force_comma else ("B", ","))
    return _group([open_, _nest([_SOFT, inner]), _SOFT, close])


def _render(doc, col: int, indent: int, width: int = WIDTH) -> str:
    out: list = []
    stack = [(indent, True, doc)]
    while stack:
        i, brk, d = stack.pop()
        if type(d) is str:
            out.append(d)
            col += len(d)
        elif type(d) is list:
            stack.extend((i, brk, x) for x in reversed(d))
        else:
            k = d[0]
            if k == "L" or k == "S":
                if brk:
                    out.append("\n" + " " * i)
                    col = i
                elif k == "L":
                    out.append(" ")
                    col += 1
            elif k == "N":
                stack.append((i + INDENT, brk, d[1]))
            elif k == "B":
                if brk:
                    out.append(d[1])
                    col += len(d[1])
            else:  # group
                flat = (not brk) or _fits(width - col, d[1], stack)
                stack.append((i, not flat, d[1]))
    return "".join(out)


def _fits(w: int, doc, stack: list) -> bool:
    todo = [(False, doc)]
    rest = len(stack) - 1
    while w >= 0:
        if not todo:
            if rest < 0:
                return True
            _, brk, x = stack[rest]
            rest -= 1
            todo.append((brk, x))
            continue
        brk, d = todo.pop()
        if type(d) is str:
            w -= len(d)
        elif type(d) is list:
            todo.extend((brk, x) for x in reversed(d))
        else:
            k = d[0]
            if k == "L" or k == "S":
                if brk:
                    return True
                if k == "L":
                    w -= 1
            elif k == "B":
                if brk:
                    w -= len(d[1])
            else:
                todo.append((brk, d[1]))
    return False


# ============================================================ expressions
(P_OR, P_AND, P_NOT, P_CMP, P_ARITH, P_TERM, P_UNARY, P_POW, P_POSTFIX, P_ATOM) = range(1, 11)
P_IFEXP = 0  # `a if c else b`: looser than `or`


def quote(s: str) -> str:
    """A double-quoted GDL string literal whose value is `s`."""
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            o = ord(ch)
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


class _Exprs:
    def __init__(self, source: str):
        self.source = source

    def doc(self, n, need: int = 0):
        d, p = self._doc(n)
        return ["(", d, ")"] if p < need else d

    def _subscript(self, idx):
        """What goes between `[` and `]`: several items without parentheses."""
        if isinstance(idx, S.TupleExpr) and idx.items:
            d: list = []
            for i, x in enumerate(idx.items):
                if i:
                    d.append(", ")
                d.append(self.doc(x))
            if len(idx.items) == 1:
                d.append(",")
            return d
        return self.doc(idx)

    def _comp(self, open_: str, head: list, generators: list, close: str):
        """A comprehension: broken before each `for` and `if` when it does not fit."""
        clauses: list = []
        for g in generators:
            clauses += [_LINE, "for " + target_text(g.target) + " in ", self.doc(g.iter, P_OR)]
            for c in g.ifs:
                clauses += [_LINE, "if ", self.doc(c, P_OR)]
        return _group([open_, _nest([_SOFT, *head, *clauses]), _SOFT, close])

    def flat(self, n) -> str:
        return _render(self.doc(n), 0, 0, width=10**9)

    def _number(self, n) -> str:
        sp = n.span
        if sp is not S.NOSPAN and sp.end > sp.start:
            lex = self.source[sp.start : sp.end]
            if _NUMBER.fullmatch(lex):
                try:
                    v = int(lex) if lex.isdigit() else float(lex)
                except ValueError:  # pragma: no cover
                    v = None
                if type(v) is type(n.value) and v == n.value:
                    return lex
        return repr(n.value)

    def _doc(self, n):
        if isinstance(n, S.Name):
            return n.id, P_ATOM
        if isinstance(n, S.Literal):
            v = n.value
            if v is True:
                return "true", P_ATOM
            if v is False:
                return "false", P_ATOM
            if v is None:
                return "None", P_ATOM
            if isinstance(v, str):
                return quote(v), P_ATOM
            return self._number(n), P_ATOM
        if isinstance(n, S.FString):
            body = []
            for part in n.parts:
                if isinstance(part, str):
                    body.append(part.replace("{", "{{").replace("}", "}}"))
                else:
                    e, spec = part
                    body.append("{" + self.flat(e) + (":" + spec if spec else "") + "}")
            return "f" + quote("".join(body)), P_ATOM
        if isinstance(n, S.TupleExpr):
            items = [self.doc(x) for x in n.items]
            return _bracket("(", items, ")", force_comma=len(items) == 1), P_ATOM
        if isinstance(n, S.ListExpr):
            return _bracket("[", [self.doc(x) for x in n.items], "]"), P_ATOM
        if isinstance(n, S.DictExpr):
            pairs = [[self.doc(k), ": ", self.doc(v)] for k, v in n.pairs]
            return _bracket("{", pairs, "}"), P_ATOM
        if (
            isinstance(n, S.Call)
            and len(n.args) == 1
            and isinstance(n.args[0], S.ListComp)
            and n.args[0].genexp
        ):
            gen = n.args[0]  # `sum(w for w in widths)`
            return [
                self.doc(n.func, P_POSTFIX),
                self._comp("(", [self.doc(gen.elt)], gen.generators, ")"),
            ], P_POSTFIX
        if isinstance(n, S.Call):
            args = [self.doc(a) for a in n.args]
            args += [[k.name, "=", self.doc(k.value)] for k in n.kwargs]
            return [self.doc(n.func, P_POSTFIX), _bracket("(", args, ")")], P_POSTFIX
        if isinstance(n, S.Index):
            return [self.doc(n.obj, P_POSTFIX), "[", self._subscript(n.index), "]"], P_POSTFIX
        if isinstance(n, S.Slice):
            parts = [
                "" if n.lower is None else self.doc(n.lower),
                ":",
                "" if n.upper is None else self.doc(n.upper),
            ]
            if n.has_step or n.step is not None:
                parts += [":", "" if n.step is None else self.doc(n.step)]
            return parts, P_ATOM
        if isinstance(n, S.EllipsisExpr):
            return "...", P_ATOM
        if isinstance(n, S.IfExp):
            return [
                self.doc(n.body, P_OR),
                " if ",
                self.doc(n.cond, P_OR),
                " else ",
                self.doc(n.orelse, P_IFEXP),
            ], P_IFEXP
        if isinstance(n, S.ListComp):
            return self._comp("[", [self.doc(n.elt)], n.generators, "]"), P_ATOM
        if isinstance(n, S.DictComp):
            return self._comp("{", [self.doc(n.key), ": ", self.doc(n.value)], n.generators, "}"), P_ATOM
        if isinstance(n, S.Attr):
            obj = n.obj
            need = P_ATOM + 1 if _is_number(obj) else P_POSTFIX  # `(1).x`, never `1.x`
            return [self.doc(obj, need), "." + n.name], P_POSTFIX
        if isinstance(n, S.BinOp):
            if n.op == "**":
                lp, rp, p = P_POSTFIX, P_UNARY, P_POW
            elif n.op in ("+", "-"):
                lp, rp, p = P_ARITH, P_TERM, P_ARITH
            else:
                lp, rp, p = P_TERM, P_UNARY, P_TERM
            return [self.doc(n.left, lp), f" {n.op} ", self.doc(n.right, rp)], p
        if isinstance(n, S.Unary):
            if n.op == "not":
                return ["not ", self.doc(n.operand, P_NOT)], P_NOT
            return [n.op, self.doc(n.operand, P_UNARY)], P_UNARY
        if isinstance(n, S.Compare):
            d = [self.doc(n.first, P_ARITH)]
            for op, e in n.rest:
                d += [f" {op} ", self.doc(e, P_ARITH)]
            return d, P_CMP
        if isinstance(n, S.BoolOp):
            need, p = (P_AND, P_OR) if n.op == "or" else (P_NOT, P_AND)
            d: list = []
            for i, v in enumerate(n.values):
                if i:
                    d.append(f" {n.op} ")
                d.append(self.doc(v, need))
            return d, p
        raise TypeError(f"formatter: unknown expression node {type(n).__name__}")  # pragma: no cover


def target_text(t) -> str:
    """A `for` target: `x`, `i, (a, b)`, `a,`."""
    if isinstance(t, S.TupleExpr):
        inner = [
            target_text(x) if not isinstance(x, S.TupleExpr) else "(" + target_text(x) + ")" for x in t.items
        ]
        return ", ".join(inner) + ("," if len(inner) == 1 else "")
    return t.id


def _is_number(n) -> bool:
    return isinstance(n, S.Literal) and type(n.value) in (int, float)


# ============================================================ statements
class _Formatter:
    def __init__(self, text: str, module: S.Module):
        self.text = text
        self.module = module
        self.ex = _Exprs(text)
        self.lines_src = text.split("\n")
        starts = [0]
        for m in re.finditer("\n", text):
            starts.append(m.end())
        self.line_starts = starts
        self.out: list[str] = []

    # ---------------------------------------------------------------- driver
    def run(self) -> str:
        tree = _tree_parser().parse(self.text)
        root = _Body(0, len(self.text) + 1, None, _pair(self.module.items, _subtrees(tree)))
        for c in _scan_comments(self.text, self.line_starts):
            _place_in_body(root, c)
        self._body_items(root, 0, top=True)
        while self.out and self.out[-1] == "":
            self.out.pop()
        if not self.out:
            return ""
        return "\n".join(self.out) + "\n"

    def _blank_between(self, a_end_line: int, b_line: int) -> bool:
        return any(self.lines_src[k - 1].strip() == "" for k in range(a_end_line + 1, b_line))

    def _body_items(self, body: _Body, indent: int, top: bool = False) -> None:
        items = [(c.pos, c.line, c.line, c) for c in body.comments]
        items += [(e.start, e.line, e.end_line, (node, e)) for node, e in body.stmts]
        items.sort(key=lambda it: it[0])
        if top:
            # each definition and the comments directly above it form a unit
            # that gets a blank line before and after it
            n = len(items)
            attached = [False] * n
            for k in range(n):
                obj = items[k][3]
                if isinstance(obj, tuple) and isinstance(obj[0], (S.Def, S.Extern)):
                    j = k
                    attached[k] = True
                    while (
                        j > 0
                        and isinstance(items[j - 1][3], _Comment)
                        and not self._blank_between(items[j - 1][2], items[j][1])
                    ):
                        j -= 1
                        attached[j] = True
        prev = None
        for k, (_, line, end_line, obj) in enumerate(items):
            if prev is not None:
                blank = self._blank_between(prev[2], line)
                if top and not blank:
                    is_def_prev = isinstance(prev[3], tuple) and isinstance(prev[3][0], (S.Def, S.Extern))
                    starts_unit = attached[k] and not attached[k - 1]
                    blank = is_def_prev or starts_unit
                if blank:
                    self.out.append("")
            if isinstance(obj, _Comment):
                self.out.append(" " * indent + obj.text)
            else:
                self._stmt(obj[0], obj[1], indent)
            prev = (None, line, end_line, obj)

    # -------------------------------------------------------------- statements
    def _emit(self, prefix: str, doc, indent: int) -> None:
        text = _render(doc, len(prefix), indent)
        self.out.extend((prefix + text).split("\n"))

    def _stmt(self, node, e: _Ext, indent: int) -> None:
        pad = " " * indent
        for c in e.leading:
            self.out.append(pad + c.text)
        if isinstance(node, S.Def):
            head = [node.kind + " " + node.name.id]
            if node.has_params:
                params = []
                for p in node.params:
                    params.append(
                        p.name.id if p.default is None else [p.name.id, "=", self.ex.doc(p.default)]
                    )
                head.append(_bracket("(", params, ")"))
            self._compound(pad, head, e.bodies[0], node.body, indent)
        elif isinstance(node, S.Extern):
            head = ["extern " + node.kind.id + " " + node.name.id]
            if node.has_params:
                head.append(self._ext_params(node.params))
            self._compound(pad, head, e.bodies[0], node.items, indent)
        elif isinstance(node, S.For):
            head = ["for " + target_text(node.var) + " in ", self.ex.doc(node.iter)]
            self._compound(pad, head, e.bodies[0], node.body, indent)
        elif isinstance(node, S.If):
            self._if(pad, node, e, indent)
        else:
            self._emit(pad, self._simple(node), indent)
        for c in e.trailing:
            self.out[-1] += "  " + c.text

    def _simple(self, node):
        ex = self.ex
        if isinstance(node, S.Assign):
            return [", ".join(t.id for t in node.targets) + " = ", ex.doc(node.value)]
        if isinstance(node, S.Share):
            return ["share " + node.target.id + " = ", ex.doc(node.value)]
        if isinstance(node, S.Output):
            return ["output " + node.target.id + " = ", ex.doc(node.value)]
        if isinstance(node, S.OutputList):
            return "output " + ", ".join(t.id for t in node.names)
        if isinstance(node, S.Return):
            d: list = ["return "]
            for i, v in enumerate(node.values):
                if i:
                    d.append(", ")
                d.append(ex.doc(v))
            return d
        if isinstance(node, S.ExprStmt):
            return ex.doc(node.value)
        if isinstance(node, S.Const):
            return [node.target.id + " = ", ex.doc(node.value)]
        if isinstance(node, S.Use):
            return "use " + quote(node.path)
        if isinstance(node, S.ExternField):
            return [node.name.id + " = ", ex.doc(node.value)]
        if isinstance(node, S.ExternRule):  # the parameters stay on the line (short names)
            return [node.name.id + self._ext_params_flat(node.params) + " = ", ex.doc(node.value)]
        if isinstance(node, S.ExternCall):
            return [node.name.id, self._ext_params(node.params)]
        raise TypeError(f"formatter: unknown statement {type(node).__name__}")  # pragma: no cover

    def _ext_params_flat(self, params: list) -> str:
        out = []
        for p in params:
            t = p.name.id + (": " + p.type.id if p.type is not None else "")
            if p.default is not None:
                t += (" = " if p.type is not None else "=") + self.ex.flat(p.default)
            out.append(t)
        return "(" + ", ".join(out) + ")"

    def _ext_params(self, params: list):
        """`(units: int, dropout: float = 0.0)` of an `extern` declaration, rule or call."""
        items = []
        for p in params:
            item = [p.name.id]
            if p.type is not None:
                item.append(": " + p.type.id)
            if p.default is not None:
                item += [" = " if p.type is not None else "=", self.ex.doc(p.default)]
            items.append(item)
        return _bracket("(", items, ")")

    @staticmethod
    def _empty(body: _Body) -> bool:
        return not body.stmts and not body.comments and not body.header

    def _open(self, prefix: str, head, body: _Body, indent: int, closed_empty: bool) -> None:
        """Emit `head {` (+ its comment); `head {}` when `closed_empty`."""
        self._emit(prefix, [head, " {}" if closed_empty else " {"], indent)
        for c in body.header:
            self.out[-1] += "  " + c.text

    def _compound(self, pad: str, head, body: _Body, stmts: list, indent: int) -> None:
        if self._empty(body):
            self._open(pad, head, body, indent, True)
            return
        self._open(pad, head, body, indent, False)
        self._body_items(body, indent + INDENT)
        self.out.append(pad + "}")

    def _if(self, prefix: str, node: S.If, e: _Ext, indent: int) -> None:
        pad = " " * indent
        body = e.bodies[0]
        head = ["if ", self.ex.doc(node.cond)]
        if node.orelse is None and self._empty(body):
            self._open(prefix, head, body, indent, True)
            return
        self._open(prefix, head, body, indent, False)
        self._body_items(body, indent + INDENT)
        if node.orelse is None:
            self.out.append(pad + "}")
            return
        ebody = e.bodies[1]
        if (
            len(ebody.stmts) == 1
            and isinstance(ebody.stmts[0][0], S.If)
            and not ebody.comments
            and not ebody.header
            and not ebody.stmts[0][1].leading
            and not ebody.stmts[0][1].trailing
        ):
            inner, ie = ebody.stmts[0]
            self._if(pad + "} else ", inner, ie, indent)
            return
        if self._empty(ebody):
            self.out.append(pad + "} else {")
            self.out.append(pad + "}")
            return
        self.out.append(pad + "} else {")
        for c in ebody.header:
            self.out[-1] += "  " + c.text
        self._body_items(ebody, indent + INDENT)
        self.out.append(pad + "}")
