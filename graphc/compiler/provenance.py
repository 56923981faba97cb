"""Where a compile-time value inside a block came from (its provenance).

The evaluator runs blocks with concrete values (they drive shape inference and
diagnostics); next to each value it keeps a `Sym`: an expression over the
block's parameters, the variables of the `for` loops it is in, and constants
as the user wrote them.  A target that turns a block into one function per
block writes a `Sym` instead of the value, so `Conv2D(4 * filters, ...)` stays
`4 * filters` in the emitted code.  `OPAQUE` is a value whose provenance is
not expressible (it then differs between calls only as a plain value).

Syms are immutable and compare structurally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphc.compiler import syntax as S


class Sym:
    __slots__ = ()

    def names(self) -> set:
        """The parameter and loop-variable names it reads."""
        out: set = set()
        _collect(self, out)
        return out


@dataclass(frozen=True, slots=True)
class Opaque(Sym):
    def __repr__(self):
        return "?"


OPAQUE = Opaque()


@dataclass(frozen=True, slots=True)
class Param(Sym):
    """A block parameter."""

    name: str


@dataclass(frozen=True, slots=True)
class Loop(Sym):
    """The variable of an enclosing `for` (inside the block)."""

    name: str


_NUMBER = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?\Z")


@dataclass(frozen=True, slots=True)
class Const(Sym):
    """A constant; `text` is how a number was written (`1e-3`), when it was one."""

    value: object
    text: str | None = None

    def __eq__(self, other):
        return (
            isinstance(other, Const)
            and type(self.value) is type(other.value)
            and self.value == other.value
            and self.text == other.text
        )

    def __hash__(self):
        return hash((type(self.value).__name__, repr(self.value), self.text))


@dataclass(frozen=True, slots=True)
class Bin(Sym):
    op: str  # + - * / // % **
    left: Sym
    right: Sym


@dataclass(frozen=True, slots=True)
class Unary(Sym):
    op: str  # - + not
    operand: Sym


@dataclass(frozen=True, slots=True)
class Compare(Sym):
    first: Sym
    rest: tuple  # ((op, Sym), ...)


@dataclass(frozen=True, slots=True)
class BoolOp(Sym):
    op: str  # and | or
    values: tuple


@dataclass(frozen=True, slots=True)
class FStr(Sym):
    parts: tuple  # str | (Sym, format spec)


@dataclass(frozen=True, slots=True)
class Seq(Sym):
    kind: str  # "tuple" | "list"
    items: tuple


@dataclass(frozen=True, slots=True)
class Index(Sym):
    obj: Sym
    index: Sym


@dataclass(frozen=True, slots=True)
class Builtin(Sym):
    """A call of a pure builtin (`len`, `min`, `range`, ...)."""

    name: str
    args: tuple


def _collect(s: Sym, out: set) -> None:
    if isinstance(s, (Param, Loop)):
        out.add(s.name)
    elif isinstance(s, Bin):
        _collect(s.left, out)
        _collect(s.right, out)
    elif isinstance(s, Unary):
        _collect(s.operand, out)
    elif isinstance(s, Compare):
        _collect(s.first, out)
        for _, x in s.rest:
            _collect(x, out)
    elif isinstance(s, (BoolOp, Seq, Builtin)):
        for x in s.values if isinstance(s, BoolOp) else s.items if isinstance(s, Seq) else s.args:
            _collect(x, out)
    elif isinstance(s, FStr):
        for p in s.parts:
            if not isinstance(p, str):
                _collect(p[0], out)
    elif isinstance(s, Index):
        _collect(s.obj, out)
        _collect(s.index, out)


def is_expressible(s: Sym) -> bool:
    """True when `s` contains nothing opaque."""
    if isinstance(s, Opaque):
        return False
    if isinstance(s, (Param, Loop, Const)):
        return True
    if isinstance(s, Bin):
        return is_expressible(s.left) and is_expressible(s.right)
    if isinstance(s, Unary):
        return is_expressible(s.operand)
    if isinstance(s, Compare):
        return is_expressible(s.first) and all(is_expressible(x) for _, x in s.rest)
    if isinstance(s, BoolOp):
        return all(is_expressible(x) for x in s.values)
    if isinstance(s, Seq):
        return all(is_expressible(x) for x in s.items)
    if isinstance(s, Builtin):
        return all(is_expressible(x) for x in s.args)
    if isinstance(s, FStr):
        return all(isinstance(p, str) or is_expressible(p[0]) for p in s.parts)
    if isinstance(s, Index):
        return is_expressible(s.obj) and is_expressible(s.index)
    return False


PURE_BUILTINS = frozenset({"len", "min", "max", "abs", "int", "float", "str", "round", "range", "sum"})


def sym_of(e, syms: dict, source: str = "") -> Sym:
    """The provenance of expression `e`, given the syms of the names in scope
    (`syms`: block parameters -> Param, loop variables -> Loop, compile-time
    locals -> the sym of what they were bound to).  Names not in `syms`
    (module constants, layers, tensors) are opaque: their value is used."""
    if isinstance(e, S.Literal):
        v = e.value
        text = None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and source:
            t = source[e.span.start : e.span.end]
            if _NUMBER.match(t):
                text = t
        return Const(v, text)
    if isinstance(e, S.Name):
        return syms.get(e.id, OPAQUE)
    if isinstance(e, S.BinOp):
        return Bin(e.op, sym_of(e.left, syms, source), sym_of(e.right, syms, source))
    if isinstance(e, S.Unary):
        return Unary(e.op, sym_of(e.operand, syms, source))
    if isinstance(e, S.Compare):
        return Compare(
            sym_of(e.first, syms, source), tuple((op, sym_of(x, syms, source)) for op, x in e.rest)
        )
    if isinstance(e, S.BoolOp):
        return BoolOp(e.op, tuple(sym_of(x, syms, source) for x in e.values))
    if isinstance(e, S.TupleExpr):
        return Seq("tuple", tuple(sym_of(x, syms, source) for x in e.items))
    if isinstance(e, S.ListExpr):
        return Seq("list", tuple(sym_of(x, syms, source) for x in e.items))
    if isinstance(e, S.FString):
        parts = []
        for p in e.parts:
            if isinstance(p, str):
                parts.append(p)
            else:
                parts.append((sym_of(p[0], syms, source), p[1]))
        return FStr(tuple(parts))
    if isinstance(e, S.Index):
        return Index(sym_of(e.obj, syms, source), sym_of(e.index, syms, source))
    if (
        isinstance(e, S.Call)
        and isinstance(e.func, S.Name)
        and e.func.id in PURE_BUILTINS
        and e.func.id not in syms
        and not e.kwargs
    ):
        return Builtin(e.func.id, tuple(sym_of(a, syms, source) for a in e.args))
    return OPAQUE


def const_of(value) -> Sym:
    """The sym of a plain compile-time value (no source text)."""
    if isinstance(value, (int, float, str, bool)) or value is None:
        return Const(value)
    if isinstance(value, tuple) and all(isinstance(x, (int, float, str, bool)) or x is None for x in value):
        return Seq("tuple", tuple(Const(x) for x in value))
    if isinstance(value, list) and all(isinstance(x, (int, float, str, bool)) or x is None for x in value):
        return Seq("list", tuple(Const(x) for x in value))
    return OPAQUE
