"""Code as trees: the Python that targets generate, built as small expression
and statement nodes and printed once, the way ruff/black lay it out (88
columns; a statement too long for one line puts its arguments on one
indented line, else one per line with a trailing comma; parentheses only
where precedence needs them).

Leaves are identifiers (made by graphc.targets.names.Namespace) and literals
(made by graphc.targets.escape): no text from a .gdl file reaches the output
any other way.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from graphc.targets import escape

LINE = 88
INDENT = "    "

# precedence, low to high (Python's grammar)
P_LAMBDA, P_IFEXP, P_OR, P_AND, P_NOT, P_CMP = 1, 2, 3, 4, 5, 6
P_BOR, P_BXOR, P_BAND, P_SHIFT, P_ADD, P_MUL, P_UNARY, P_POW, P_AWAIT, P_ATOM = range(7, 17)
BIN_PREC = {
    "|": P_BOR,
    "^": P_BXOR,
    "&": P_BAND,
    "+": P_ADD,
    "-": P_ADD,
    "*": P_MUL,
    "/": P_MUL,
    "//": P_MUL,
    "%": P_MUL,
    "@": P_MUL,
    "**": P_POW,
}


class Expr:
    prec = P_ATOM


@dataclass(frozen=True)
class Name(Expr):
    id: str


@dataclass(frozen=True)
class Lit(Expr):
    """A literal, as escape.py_literal / escape.number_text spell it."""

    text: str

    @property
    def prec(self):
        return P_UNARY if self.text.startswith("-") else P_ATOM


def lit(value, text: str | None = None) -> Lit:
    """The literal for a compile-time value (`text`: how a number was written)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Lit(escape.number_text(value, text))
    return Lit(escape.py_literal(value))


@dataclass(frozen=True)
class Attr(Expr):
    obj: Expr
    attr: str


@dataclass(frozen=True)
class Call(Expr):
    func: Expr
    args: tuple = ()
    kwargs: tuple = ()  # ((name, Expr), ...)


@dataclass(frozen=True)
class Star(Expr):
    value: Expr
    double: bool = False


@dataclass(frozen=True)
class Sub(Expr):
    obj: Expr
    index: Expr


@dataclass(frozen=True)
class Slice(Expr):
    lower: Expr | None = None
    upper: Expr | None = None
    step: Expr | None = None


@dataclass(frozen=True)
class Bin(Expr):
    op: str
    left: Expr
    right: Expr

    @property
    def prec(self):
        return BIN_PREC[self.op]


@dataclass(frozen=True)
class Unary(Expr):
    op: str  # "-", "+", "not", "~"

    operand: Expr

    @property
    def prec(self):
        return P_NOT if self.op == "not" else P_UNARY


@dataclass(frozen=True)
class Compare(Expr):
    left: Expr
    rest: tuple  # ((op, Expr), ...)
    prec = P_CMP


@dataclass(frozen=True)
class BoolOp(Expr):
    op: str  # "and" | "or"
    values: tuple

    @property
    def prec(self):
        return P_AND if self.op == "and" else P_OR


@dataclass(frozen=True)
class IfExp(Expr):
    body: Expr
    test: Expr
    orelse: Expr
    prec = P_IFEXP


@dataclass(frozen=True)
class Tuple(Expr):
    items: tuple


@dataclass(frozen=True)
class List(Expr):
    items: tuple


@dataclass(frozen=True)
class Dict(Expr):
    pairs: tuple  # ((key Expr, value Expr), ...)


@dataclass(frozen=True)
class FStr(Expr):
    """An f-string: parts are text (escaped here) or (Expr, format spec)."""

    parts: tuple


@dataclass(frozen=True)
class Generator(Expr):
    """`elt for target in iter` (inside a call or a list)."""

    elt: Expr
    target: Expr
    iter: Expr


# ------------------------------------------------------------------ statements
class Stmt:
    pass


@dataclass
class Assign(Stmt):
    targets: list  # [Expr]: several = tuple unpacking
    value: Expr
    comment: str | None = None


@dataclass
class ExprStmt(Stmt):
    value: Expr
    comment: str | None = None


@dataclass
class Return(Stmt):
    value: Expr | None = None
    comment: str | None = None


@dataclass
class If(Stmt):
    test: Expr
    body: list
    orelse: list = field(default_factory=list)
    comment: str | None = None


@dataclass
class For(Stmt):
    target: Expr
    iter: Expr
    body: list
    comment: str | None = None


@dataclass
class Comment(Stmt):
    text: str


@dataclass
class Pass(Stmt):
    pass


@dataclass
class Raise(Stmt):
    value: Expr


@dataclass
class ImportFrom(Stmt):
    """`from module import a, b` or `from module import a as b`; `module` a dotted path of
    identifiers (checked again here: graphc/compiler/externs.py validated it where it
    was written).  `names`: names, or (name, asname) pairs."""

    module: str
    names: tuple

    def members(self) -> list:
        out = []
        for n in self.names:
            name, asname = n if isinstance(n, tuple) else (n, None)
            out.append(
                _checked_path(name) + (f" as {_checked_path(asname)}" if asname not in (None, name) else "")
            )
        return out


_IDENT_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _checked_path(path: str) -> str:
    parts = path.split(".")
    if not all(_IDENT_PART.match(p) and not keyword.iskeyword(p) for p in parts):
        raise ValueError(f"not a dotted Python path: {path!r}")
    return path


@dataclass
class Param:
    name: str
    default: Expr | None = None


@dataclass
class FunctionDef(Stmt):
    name: str
    params: list  # [Param]
    body: list
    doc: list | None = None  # docstring lines (escaped with escape.doc)


@dataclass
class ClassDef(Stmt):
    name: str
    bases: list
    body: list
    doc: list | None = None


# ------------------------------------------------------------------ printing
def text(e: Expr) -> str:
    """One-line rendering of an expression."""
    if isinstance(e, Name):
        return e.id
    if isinstance(e, Lit):
        return e.text
    if isinstance(e, Attr):
        obj = e.obj
        t = _wrap(obj, P_ATOM)
        if isinstance(obj, Lit) and obj.text[:1].isdigit():
            t = f"({t})"
        return f"{t}.{e.attr}"
    if isinstance(e, Call):
        return f"{_wrap(e.func, P_ATOM)}({', '.join(_args(e))})"
    if isinstance(e, Star):
        return ("**" if e.double else "*") + _wrap(e.value, P_UNARY)
    if isinstance(e, Sub):
        idx = e.index
        if isinstance(idx, Tuple) and idx.items:
            inner = ", ".join(text(x) for x in idx.items) + ("," if len(idx.items) == 1 else "")
        else:
            inner = text(idx)
        return f"{_wrap(e.obj, P_ATOM)}[{inner}]"
    if isinstance(e, Slice):
        parts = [text(x) if x is not None else "" for x in (e.lower, e.upper)]
        s = ":".join(parts)
        if e.step is not None:
            s += ":" + text(e.step)
        return s
    if isinstance(e, Bin):
        p = e.prec
        if e.op == "**":  # right-associative
            return (
                f"{_wrap(e.left, p + 1)}**{_wrap(e.right, p)}"
                if _simple_power(e)
                else (f"{_wrap(e.left, p + 1)} ** {_wrap(e.right, p)}")
            )
        return f"{_wrap(e.left, p)} {e.op} {_wrap(e.right, p + 1)}"
    if isinstance(e, Unary):
        sep = " " if e.op == "not" else ""
        return f"{e.op}{sep}{_wrap(e.operand, e.prec)}"
    if isinstance(e, Compare):
        out = _wrap(e.left, P_CMP + 1)
        for op, x in e.rest:
            out += f" {op} {_wrap(x, P_CMP + 1)}"
        return out
    if isinstance(e, BoolOp):
        return f" {e.op} ".join(_wrap(x, e.prec + 1) for x in e.values)
    if isinstance(e, IfExp):
        return f"{_wrap(e.body, P_IFEXP + 1)} if {_wrap(e.test, P_IFEXP + 1)} else {_wrap(e.orelse, P_IFEXP)}"
    if isinstance(e, Tuple):
        if len(e.items) == 1:
            return f"({text(e.items[0])},)"
        return "(" + ", ".join(text(x) for x in e.items) + ")"
    if isinstance(e, List):
        return "[" + ", ".join(text(x) for x in e.items) + "]"
    if isinstance(e, Dict):
        return "{" + ", ".join(f"{text(k)}: {text(v)}" for k, v in e.pairs) + "}"
    if isinstance(e, FStr):
        return _fstring(e)
    if isinstance(e, Generator):
        return f"{text(e.elt)} for {text(e.target)} in {_wrap(e.iter, P_OR)}"
    raise TypeError(f"cannot print {type(e).__name__}")


def _simple_power(e: Bin) -> bool:
    """ruff/black hug `**` when both operands are simple (names, numbers, attributes)."""

    def simple(x):
        if isinstance(x, Unary) and x.op == "-":
            x = x.operand
        return isinstance(x, (Name, Lit)) or (isinstance(x, Attr) and simple(x.obj))

    return simple(e.left) and simple(e.right)


def _args(e: Call) -> list:
    out = [text(a) for a in e.args]
    out += [f"{k}={text(v)}" for k, v in e.kwargs]
    return out


def _wrap(e: Expr, prec: int) -> str:
    t = text(e)
    return f"({t})" if e.prec < prec or isinstance(e, Generator) else t


def _fstring(e: FStr) -> str:
    texts = [p for p in e.parts if isinstance(p, str)]
    joined = "".join(texts)
    quote = "'" if joined.count('"') > joined.count("'") else '"'
    out = []
    for p in e.parts:
        if isinstance(p, str):
            out.append(escape.fstring_text(p, quote))
        else:
            expr, spec = p
            inner = text(expr)
            if quote in inner or "\\" in inner:  # a string literal inside the field
                return _format_call(e)
            spec_text = escape.fstring_text(spec, quote) if spec else ""
            out.append("{" + inner + (":" + spec_text if spec else "") + "}")
    return "f" + quote + "".join(out) + quote


def _format_call(e: FStr) -> str:
    """An f-string whose fields cannot be written inside one: "".join of parts."""
    parts = []
    for p in e.parts:
        if isinstance(p, str):
            parts.append(escape.py_string(p))
        else:
            expr, spec = p
            parts.append(f"format({text(expr)}, {escape.py_string(spec)})" if spec else f"str({text(expr)})")
    return '"".join([' + ", ".join(parts) + "])"


def fits(line: str, indent: int = 0) -> bool:
    return indent + len(line) <= LINE


def _explodable(e: Expr) -> bool:
    return isinstance(e, (Call, List, Tuple, Dict)) and bool(_items(e))


def _items(e: Expr) -> list:
    """(prefix, Expr) items inside the outer brackets of e."""
    if isinstance(e, Call):
        return [("", a) for a in e.args] + [(f"{k}=", v) for k, v in e.kwargs]
    if isinstance(e, (List, Tuple)):
        return [("", x) for x in e.items]
    if isinstance(e, Dict):
        return [(text(k) + ": ", v) for k, v in e.pairs]
    return []


def _brackets(e: Expr) -> tuple:
    if isinstance(e, Call):
        return _wrap(e.func, P_ATOM) + "(", ")"
    if isinstance(e, List):
        return "[", "]"
    if isinstance(e, Tuple):
        return "(", ")"
    return "{", "}"


def split_expr(e: Expr, indent: int, first_prefix: str = "", last_suffix: str = "") -> list:
    """Lines for `first_prefix + e + last_suffix` starting at column `indent`:
    one line; else the items on one indented line; else one item per line with
    a trailing comma (each item split again when it is too long)."""
    one = first_prefix + text(e) + last_suffix
    if (
        not fits(one, indent)
        and first_prefix.endswith(("= ", "return "))
        and isinstance(e, (Bin, BoolOp, Compare))
    ):
        # an operator expression too long for the line: in parentheses, as ruff does
        # (its operands one per line when still too long)
        inner = text(e)
        if fits(inner, indent + 4):
            body = [INDENT + inner]
        elif isinstance(e, BoolOp):
            ops = [_wrap(x, e.prec + 1) for x in e.values]
            body = [INDENT + ops[0]] + [f"{INDENT}{e.op} {x}" for x in ops[1:]]
        elif isinstance(e, Bin) and e.op != "**":  # one operand per line, the operator first
            first, rest = _bin_chain(e)
            body = [INDENT + first] + [f"{INDENT}{op} {x}" for op, x in rest]
        else:
            body = [INDENT + inner]
        return [first_prefix + "("] + body + [")" + last_suffix]
    if not fits(one, indent) and not first_prefix and not last_suffix and _splittable_bin(e):
        # an operator expression alone in brackets (a sole argument): one operand per line,
        # the operator first, each operand split again when still too long (as ruff does)
        lines = []
        for op, x in _bin_operands(e):
            wrapped = _wrap(x, e.prec + (op != ""))  # a right operand of equal precedence too
            if wrapped != text(x):  # an operand in parentheses stays whole
                lines.append(op + wrapped)
            else:
                lines.extend(split_expr(x, indent, op, ""))
        return lines
    if fits(one, indent) or not _explodable(e):
        if (
            isinstance(e, Call)
            and not fits(one, indent)
            and isinstance(e.func, Call)
            and not e.args + e.kwargs
        ):
            return split_expr(e.func, indent, first_prefix, "()" + last_suffix)
        return [one]
    if isinstance(e, Call) and not fits(first_prefix + _brackets(e)[0], indent) and isinstance(e.func, Call):
        # the head before the last bracket is too long: split inside the callee and
        # keep this call's arguments on the closing line (`)(x)`), as ruff does
        return split_expr(e.func, indent, first_prefix, "(" + ", ".join(_args(e)) + ")" + last_suffix)
    open_, close = _brackets(e)
    items = _items(e)
    inner = ", ".join(p + text(x) for p, x in items)
    if len(items) == 1 and isinstance(items[0][1], Generator):
        inner = text(items[0][1])
    if fits(inner, indent + 4) and isinstance(e, Call):  # ruff explodes a list, tuple or dict display
        return [first_prefix + open_, INDENT + inner, close + last_suffix]
    if len(items) == 1 and not isinstance(e, Tuple):  # a sole argument is split itself, no comma
        p, x = items[0]
        sub = split_expr(x, indent + 4, p, "")
        return [first_prefix + open_] + [INDENT + line for line in sub] + [close + last_suffix]
    lines = [first_prefix + open_]
    for p, x in items:
        sub = split_expr(x, indent + 4, p, ",")
        lines.extend(INDENT + line for line in sub)
    lines.append(close + last_suffix)
    return lines


def _splittable_bin(e: Expr) -> bool:
    return isinstance(e, Bin) and e.op != "**"


def _bin_operands(e: Bin) -> list:
    """`a + b - c` as [("", a), ("+ ", b), ("- ", c)]: the left-associative chain of
    operators of e's precedence, each operand with the operator before it."""
    rest = []
    while isinstance(e.left, Bin) and e.left.prec == e.prec and e.left.op != "**":
        rest.append((e.op + " ", e.right))
        e = e.left
    rest.append((e.op + " ", e.right))
    return [("", e.left)] + rest[::-1]


def _bin_chain(e: Bin) -> tuple:
    """`a + b - c` as ("a", [("+", "b"), ("-", "c")]): the left-associative chain of
    operators of e's precedence."""
    rest = []
    while isinstance(e, Bin) and e.op != "**" and rest is not None:
        rest.append((e.op, _wrap(e.right, e.prec + 1)))
        if not (isinstance(e.left, Bin) and e.left.prec == e.prec):
            return _wrap(e.left, e.prec), rest[::-1]
        e = e.left
    return text(e), rest[::-1]


def _with_comment(lines: list, comment: str | None, indent: int) -> list:
    if not comment:
        return lines
    c = "# " + escape.comment(comment)
    if len(lines) == 1 and fits(f"{lines[0]}  {c}", indent):
        return [f"{lines[0]}  {c}"]
    return [c] + lines


def stmt_lines(s: Stmt, indent: int = 0) -> list:
    """The lines of one statement, relative to `indent` (nested blocks indented)."""
    if isinstance(s, Assign):
        lhs = ", ".join(text(t) for t in s.targets)
        return _with_comment(split_expr(s.value, indent, lhs + " = "), s.comment, indent)
    if isinstance(s, ExprStmt):
        return _with_comment(split_expr(s.value, indent), s.comment, indent)
    if isinstance(s, Return):
        if s.value is None:
            return _with_comment(["return"], s.comment, indent)
        v = s.value
        if isinstance(v, Tuple) and v.items:
            one = "return " + ", ".join(text(x) for x in v.items)
            if fits(one, indent):
                return _with_comment([one], s.comment, indent)
            # a bare tuple that breaks: in parentheses, one item per line (as ruff does)
            lines = ["return ("]
            for x in v.items:
                lines.extend(INDENT + line for line in split_expr(x, indent + 4, "", ","))
            return _with_comment(lines + [")"], s.comment, indent)
        return _with_comment(split_expr(v, indent, "return "), s.comment, indent)
    if isinstance(s, Raise):
        return split_expr(s.value, indent, "raise ")
    if isinstance(s, Pass):
        return ["pass"]
    if isinstance(s, ImportFrom):
        head = f"from {_checked_path(s.module)} import "
        members = s.members()
        line = head + ", ".join(members)
        if fits(line, indent):
            return [line]
        return [head + "("] + [f"{INDENT}{m}," for m in members] + [")"]
    if isinstance(s, Comment):
        return ["# " + escape.comment(s.text)]
    if isinstance(s, If):
        return _if_lines(s, indent, "if ")
    if isinstance(s, For):
        target = s.target
        tgt = ", ".join(text(x) for x in target.items) if isinstance(target, Tuple) else text(target)
        head = split_expr(s.iter, indent, f"for {tgt} in ", ":")
        return _with_comment(head, s.comment, indent) + _block(s.body, indent)
    if isinstance(s, FunctionDef):
        return _def_lines(s, indent)
    if isinstance(s, ClassDef):
        bases = f"({', '.join(text(b) for b in s.bases)})" if s.bases else ""
        lines = [f"class {s.name}{bases}:"]
        docl = _doc_lines(s.doc)
        body = docl + ([""] if docl and s.body else []) + _join_members(s.body, indent + 4)
        return lines + [INDENT + x if x else x for x in body]
    raise TypeError(f"cannot print {type(s).__name__}")


def _if_lines(s: If, indent: int, kw: str) -> list:
    head = f"{kw}{text(s.test)}:"
    if fits(head, indent):
        heads = [head]
    elif isinstance(s.test, BoolOp):  # black: the operands one per line, in parentheses
        ops = [_wrap(x, s.test.prec + 1) for x in s.test.values]
        heads = [f"{kw}("] + [INDENT + ops[0]] + [f"{INDENT}{s.test.op} {x}" for x in ops[1:]] + ["):"]
    else:
        heads = [f"{kw}("] + [INDENT + text(s.test)] + ["):"]
    lines = _with_comment(heads, s.comment, indent) + _block(s.body, indent)
    if s.orelse:
        if len(s.orelse) == 1 and isinstance(s.orelse[0], If) and not s.orelse[0].comment:
            lines += _if_lines(s.orelse[0], indent, "elif ")
        else:
            lines += ["else:"] + _block(s.orelse, indent)
    return lines


def _block(body: list, indent: int) -> list:
    out = []
    for st in body or [Pass()]:
        out.extend(INDENT + x if x else x for x in stmt_lines(st, indent + 4))
    return out


def _doc_lines(doc: list | None, width: int = LINE - 8) -> list:
    import textwrap

    if not doc:
        return []
    lines = []
    for x in doc:
        lines += textwrap.wrap(escape.doc(x), width, break_on_hyphens=False) or [""]
    if len(lines) == 1:
        return [f'"""{lines[0]}"""']
    return [f'"""{lines[0]}'] + lines[1:] + ['"""']


def _def_lines(s: FunctionDef, indent: int) -> list:
    params = [p.name if p.default is None else f"{p.name}={text(p.default)}" for p in s.params]
    head = f"def {s.name}({', '.join(params)}):"
    if fits(head, indent):
        lines = [head]
    elif fits(", ".join(params), indent + 4):
        lines = [f"def {s.name}(", INDENT + ", ".join(params), "):"]
    else:
        lines = [f"def {s.name}("] + [f"{INDENT}{p}," for p in params] + ["):"]
    body = _doc_lines(s.doc) + [x for st in (s.body or [Pass()]) for x in stmt_lines(st, indent + 4)]
    return lines + [INDENT + x if x else x for x in body]


def _join_members(body: list, indent: int) -> list:
    """Class members: one blank line between methods."""
    out: list = []
    for i, st in enumerate(body):
        if i and (isinstance(st, FunctionDef) or isinstance(body[i - 1], FunctionDef)):
            out.append("")
        out.extend(stmt_lines(st, indent))
    return out


def render(stmts: list, indent: int = 0) -> list:
    """Lines for a sequence of statements (top-level definitions two blank lines apart)."""
    out: list = []
    for i, st in enumerate(stmts):
        if (
            i
            and indent == 0
            and (isinstance(st, (FunctionDef, ClassDef)) or isinstance(stmts[i - 1], (FunctionDef, ClassDef)))
        ):
            out += ["", ""]
        out.extend(stmt_lines(st, indent))
    return out


def names_in(e) -> set:
    """The identifiers an expression reads."""
    out: set = set()

    def walk(x):
        if isinstance(x, Name):
            out.add(x.id)
        elif isinstance(x, Expr):
            for v in vars(x).values() if hasattr(x, "__dict__") else ():
                walk(v)
            for f in getattr(x, "__dataclass_fields__", {}):
                walk(getattr(x, f))
        elif isinstance(x, tuple):
            for v in x:
                walk(v)

    walk(e)
    return out
