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

from graphc.compiler import syntax as S
from graphc.records import dataclass


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
class TensorAttr(Sym):
    """`x.shape`, `x.dtype`, `x.ndim` of the tensor the GDL variable `var` holds
    where it is read (a target writes it as that attribute, or as the value)."""

    var: str
    attr: str


@dataclass(frozen=True, slots=True)
class Cond(Sym):
    """`body if test else orelse`."""

    test: Sym
    body: Sym
    orelse: Sym


@dataclass(frozen=True, slots=True)
class Slice(Sym):
    """`lower:upper:step` in a subscript (None: left out)."""

    lower: Sym | None
    upper: Sym | None
    step: Sym | None


@dataclass(frozen=True, slots=True)
class Local(Sym):
    """A compile-time local variable of the block, and the sym of its value."""

    name: str
    value: Sym


@dataclass(frozen=True, slots=True)
class LocalRef(Sym):
    """The variable of a Local, where calls bound it to different expressions
    (the function then writes the variable and its assignments)."""

    name: str


@dataclass(frozen=True, slots=True)
class FnCall(Sym):
    """A call of a block used as a compile-time function (`make_divisible(v, 8)`):
    targets write the block as a plain Python function."""

    name: str
    node: object  # the syntax.Def
    module: object  # its ModuleEnv
    args: tuple
    kwargs: tuple = ()  # ((name, Sym), ...)


@dataclass(frozen=True, slots=True)
class Builtin(Sym):
    """A call of a pure builtin (`len`, `min`, `range`, ...)."""

    name: str
    args: tuple


@dataclass(frozen=True, slots=True)
class Obj(Sym):
    """A Keras object made by the program (`HeNormal(seed=s)`, graphc/ops/objects.py):
    targets write its class from their own module, with these argument syms."""

    kind: str
    name: str
    args: tuple
    kwargs: tuple = ()  # ((name, Sym), ...)


def _collect(s: Sym, out: set) -> None:
    if isinstance(s, (Param, Loop)):
        out.add(s.name)
    elif isinstance(s, Local):
        _collect(s.value, out)
    elif isinstance(s, Bin):
        _collect(s.left, out)
        _collect(s.right, out)
    elif isinstance(s, Unary):
        _collect(s.operand, out)
    elif isinstance(s, Compare):
        _collect(s.first, out)
        for _, x in s.rest:
            _collect(x, out)
    elif isinstance(s, (FnCall, Obj)):
        for x in s.args:
            _collect(x, out)
        for _, x in s.kwargs:
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
    elif isinstance(s, Cond):
        _collect(s.test, out)
        _collect(s.body, out)
        _collect(s.orelse, out)
    elif isinstance(s, Slice):
        for x in (s.lower, s.upper, s.step):
            if x is not None:
                _collect(x, out)


def strip(s: Sym) -> Sym:
    """`s` with every Local replaced by the sym of its value."""
    if isinstance(s, Local):
        return strip(s.value)
    if isinstance(s, Bin):
        return Bin(s.op, strip(s.left), strip(s.right))
    if isinstance(s, Unary):
        return Unary(s.op, strip(s.operand))
    if isinstance(s, Compare):
        return Compare(strip(s.first), tuple((op, strip(x)) for op, x in s.rest))
    if isinstance(s, BoolOp):
        return BoolOp(s.op, tuple(strip(x) for x in s.values))
    if isinstance(s, Seq):
        return Seq(s.kind, tuple(strip(x) for x in s.items))
    if isinstance(s, Builtin):
        return Builtin(s.name, tuple(strip(x) for x in s.args))
    if isinstance(s, FnCall):
        return FnCall(
            s.name,
            s.node,
            s.module,
            tuple(strip(x) for x in s.args),
            tuple((k, strip(x)) for k, x in s.kwargs),
        )
    if isinstance(s, FStr):
        return FStr(tuple(p if isinstance(p, str) else (strip(p[0]), p[1]) for p in s.parts))
    if isinstance(s, Index):
        return Index(strip(s.obj), strip(s.index))
    if isinstance(s, Cond):
        return Cond(strip(s.test), strip(s.body), strip(s.orelse))
    if isinstance(s, Slice):
        return Slice(*(None if x is None else strip(x) for x in (s.lower, s.upper, s.step)))
    if isinstance(s, Obj):
        return Obj(s.kind, s.name, tuple(strip(x) for x in s.args), tuple((k, strip(x)) for k, x in s.kwargs))
    return s


def reads_tensor(s) -> bool:
    """Whether `s` reads a tensor's attribute (`x.shape[-1]`)."""
    if isinstance(s, TensorAttr):
        return True
    if isinstance(s, Sym):
        return any(reads_tensor(getattr(s, f)) for f in s.__dataclass_fields__ if f not in ("node", "module"))
    if isinstance(s, tuple):
        return any(reads_tensor(x) for x in s)
    return False


def _head(s) -> tuple:
    if isinstance(s, Seq):
        return (s.kind, len(s.items))
    if isinstance(s, Builtin):
        return (s.name, len(s.args))
    return (s.op, len(s.values))


def _children(s) -> tuple:
    if isinstance(s, Seq):
        return s.items
    if isinstance(s, Builtin):
        return s.args
    return s.values


def _fshape(s) -> tuple:
    return tuple(p if isinstance(p, str) else p[1] for p in s.parts)


def merge(syms: list):
    """One sym for several (the same after stripping Locals; where they differ,
    a local variable that every one of them read), or None."""
    stripped = [strip(s) for s in syms]
    if all(x == stripped[0] for x in stripped[1:]):
        return stripped[0]
    if all(isinstance(s, Local) and s.name == syms[0].name for s in syms):
        return LocalRef(syms[0].name)
    syms = [s.value if isinstance(s, Local) else s for s in syms]
    first = syms[0]
    if any(type(s) is not type(first) for s in syms):
        return None
    if isinstance(first, Bin):
        if any(s.op != first.op for s in syms):
            return None
        left, right = merge([s.left for s in syms]), merge([s.right for s in syms])
        return None if left is None or right is None else Bin(first.op, left, right)
    if isinstance(first, Unary):
        if any(s.op != first.op for s in syms):
            return None
        x = merge([s.operand for s in syms])
        return None if x is None else Unary(first.op, x)
    if isinstance(first, (Seq, Builtin, BoolOp)):
        if any(_head(s) != _head(first) for s in syms):
            return None
        items = _children
        merged = [merge(list(xs)) for xs in zip(*(items(s) for s in syms))]
        if any(m is None for m in merged):
            return None
        if isinstance(first, Seq):
            return Seq(first.kind, tuple(merged))
        if isinstance(first, Builtin):
            return Builtin(first.name, tuple(merged))
        return BoolOp(first.op, tuple(merged))
    if isinstance(first, FStr):
        if any(_fshape(s) != _fshape(first) for s in syms):
            return None
        parts = []
        for i, p in enumerate(first.parts):
            if isinstance(p, str):
                parts.append(p)
                continue
            m = merge([s.parts[i][0] for s in syms])
            if m is None:
                return None
            parts.append((m, p[1]))
        return FStr(tuple(parts))
    if isinstance(first, Index):
        obj, idx = merge([s.obj for s in syms]), merge([s.index for s in syms])
        return None if obj is None or idx is None else Index(obj, idx)
    if isinstance(first, Cond):
        parts = [merge([getattr(s, f) for s in syms]) for f in ("test", "body", "orelse")]
        return None if any(x is None for x in parts) else Cond(*parts)
    return None


def is_expressible(s: Sym) -> bool:
    """True when `s` contains nothing opaque."""
    if isinstance(s, Opaque):
        return False
    if isinstance(s, LocalRef):
        return True
    if isinstance(s, Local):
        return is_expressible(s.value)
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
    if isinstance(s, (FnCall, Obj)):
        return all(is_expressible(x) for x in s.args) and all(is_expressible(x) for _, x in s.kwargs)
    if isinstance(s, FStr):
        return all(isinstance(p, str) or is_expressible(p[0]) for p in s.parts)
    if isinstance(s, Index):
        return is_expressible(s.obj) and is_expressible(s.index)
    if isinstance(s, TensorAttr):
        return True
    if isinstance(s, Cond):
        return is_expressible(s.test) and is_expressible(s.body) and is_expressible(s.orelse)
    if isinstance(s, Slice):
        return all(x is None or is_expressible(x) for x in (s.lower, s.upper, s.step))
    return False


PURE_BUILTINS = frozenset(
    {"len", "min", "max", "abs", "int", "float", "str", "round", "range", "sum", "zip", "enumerate"}
)
TENSOR_ATTRS = frozenset({"shape", "dtype", "ndim"})
MODULE_NAMES = frozenset(
    {"keras", "layers", "applications", "optimizers", "losses", "metrics", "models", "ops"}
)


def sym_of(e, syms: dict, source: str = "", fns=None) -> Sym:
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
        s = syms.get(e.id, OPAQUE)
        if s is OPAQUE or isinstance(s, (Param, Loop)):
            return s
        return Local(e.id, s)
    if isinstance(e, S.BinOp):
        return Bin(e.op, sym_of(e.left, syms, source, fns), sym_of(e.right, syms, source, fns))
    if isinstance(e, S.Unary):
        return Unary(e.op, sym_of(e.operand, syms, source, fns))
    if isinstance(e, S.Compare):
        return Compare(
            sym_of(e.first, syms, source, fns), tuple((op, sym_of(x, syms, source, fns)) for op, x in e.rest)
        )
    if isinstance(e, S.BoolOp):
        return BoolOp(e.op, tuple(sym_of(x, syms, source, fns) for x in e.values))
    if isinstance(e, S.TupleExpr):
        return Seq("tuple", tuple(sym_of(x, syms, source, fns) for x in e.items))
    if isinstance(e, S.ListExpr):
        return Seq("list", tuple(sym_of(x, syms, source, fns) for x in e.items))
    if isinstance(e, S.FString):
        parts = []
        for p in e.parts:
            if isinstance(p, str):
                parts.append(p)
            else:
                parts.append((sym_of(p[0], syms, source, fns), p[1]))
        return FStr(tuple(parts))
    if isinstance(e, S.Index):
        return Index(sym_of(e.obj, syms, source, fns), sym_of(e.index, syms, source, fns))
    if isinstance(e, S.IfExp):
        return Cond(
            sym_of(e.cond, syms, source, fns),
            sym_of(e.body, syms, source, fns),
            sym_of(e.orelse, syms, source, fns),
        )
    if isinstance(e, S.Slice):
        return Slice(
            *(None if x is None else sym_of(x, syms, source, fns) for x in (e.lower, e.upper, e.step))
        )
    if isinstance(e, S.EllipsisExpr):
        return Const(Ellipsis)
    if (
        isinstance(e, S.Attr)
        and e.name in TENSOR_ATTRS
        and isinstance(e.obj, S.Name)
        and e.obj.id not in MODULE_NAMES
        and isinstance(syms.get(e.obj.id, OPAQUE), (Opaque, Param))
    ):
        # a tensor variable (or tensor parameter) of the body: `x.shape`
        return TensorAttr(e.obj.id, e.name)
    if (
        isinstance(e, S.Call)
        and isinstance(e.func, S.Name)
        and e.func.id in PURE_BUILTINS
        and e.func.id not in syms
        and not e.kwargs
    ):
        return Builtin(e.func.id, tuple(sym_of(a, syms, source, fns) for a in e.args))
    if isinstance(e, S.Call) and fns is not None:
        cls = _object_class(e.func, syms, fns)
        if cls is not None:  # HeNormal(seed=s), initializers.Constant(0.1)
            return Obj(
                cls.kind,
                cls.name,
                tuple(sym_of(a, syms, source, fns) for a in e.args),
                tuple((k.name, sym_of(k.value, syms, source, fns)) for k in e.kwargs),
            )
    if isinstance(e, S.Call) and isinstance(e.func, S.Name) and e.func.id not in syms and fns is not None:
        dv = fns(e.func.id)
        if dv is not None:  # a block used as a compile-time function
            return FnCall(
                e.func.id,
                dv.node,
                dv.module,
                tuple(sym_of(a, syms, source, fns) for a in e.args),
                tuple((k.name, sym_of(k.value, syms, source, fns)) for k in e.kwargs),
            )
    return OPAQUE


def _object_class(func, syms: dict, fns):
    """The Keras object class a call's callee names (`HeNormal`, `initializers.HeNormal`,
    `keras.optimizers.schedules.CosineDecay`), when it names exactly one."""
    path = []
    while isinstance(func, S.Attr):
        path.append(func.name)
        func = func.obj
    if not isinstance(func, S.Name) or func.id in syms:
        return None
    path.append(func.id)
    path.reverse()
    from graphc.ops.base import REGISTRY
    from graphc.ops.objects import class_for_path

    if len(path) == 1 and (path[0] in REGISTRY or fns(path[0]) is not None):
        return None  # a layer (`Identity`) or a block
    classes = class_for_path(tuple(path))
    return classes[0] if len(classes) == 1 else None


def const_of(value) -> Sym:
    """The sym of a plain compile-time value (no source text)."""
    if isinstance(value, (int, float, str, bool)) or value is None:
        return Const(value)
    if isinstance(value, tuple) and all(isinstance(x, (int, float, str, bool)) or x is None for x in value):
        return Seq("tuple", tuple(Const(x) for x in value))
    if isinstance(value, list) and all(isinstance(x, (int, float, str, bool)) or x is None for x in value):
        return Seq("list", tuple(Const(x) for x in value))
    return OPAQUE
