"""AST nodes: one small dataclass per grammar rule, each with its source span."""

from __future__ import annotations

from collections import namedtuple

from graphc.records import dataclass, field

TYPE_CHECKING = False  # (importing typing costs a cold `graphc check` 4%)
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int
    start: int = 0  # character offsets into the file
    end: int = 0


NOSPAN = Span(0, 0, 0, 0)


@dataclass(slots=True, eq=False)
class Node:
    span: Span = field(default=NOSPAN, compare=False, repr=False, kw_only=True)


# ---------------------------------------------------------------- expressions
@dataclass(slots=True, eq=False)
class Name(Node):
    id: str


@dataclass(slots=True, eq=False)
class Literal(Node):
    value: Any  # int, float, str, bool, None


@dataclass(slots=True, eq=False)
class FString(Node):
    parts: list  # str pieces and (expr, format_spec) tuples


@dataclass(slots=True, eq=False)
class TupleExpr(Node):
    items: list


@dataclass(slots=True, eq=False)
class ListExpr(Node):
    items: list


@dataclass(slots=True, eq=False)
class DictExpr(Node):
    pairs: list  # [(key_expr, value_expr)]


@dataclass(slots=True, eq=False)
class Keyword(Node):
    name: str
    value: Any


@dataclass(slots=True, eq=False)
class Call(Node):
    func: Any
    args: list
    kwargs: list  # [Keyword]


@dataclass(slots=True, eq=False)
class Index(Node):
    obj: Any
    index: Any


@dataclass(slots=True, eq=False)
class Attr(Node):
    obj: Any
    name: str


@dataclass(slots=True, eq=False)
class BinOp(Node):
    op: str
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class Unary(Node):
    op: str  # "-", "+", "not"
    operand: Any


@dataclass(slots=True, eq=False)
class Compare(Node):
    first: Any
    rest: list  # [(op, expr)]


@dataclass(slots=True, eq=False)
class BoolOp(Node):
    op: str  # "and" | "or"
    values: list


@dataclass(slots=True, eq=False)
class IfExp(Node):
    """`body if cond else orelse` (the condition is a compile-time value)."""

    cond: Any
    body: Any
    orelse: Any


class CompFor(namedtuple("CompFor", "target iter ifs")):
    """One `for target in iter if cond ...` clause of a comprehension (not a
    node of its own: a comprehension's part, like a call's Keyword): `target` an
    Ident, or a TupleExpr of targets (`for i, (a, b) in ...`); `iter`; `ifs` a list."""

    __slots__ = ()


@dataclass(slots=True, eq=False)
class ListComp(Node):
    """`[elt for ... in ... if ...]`; `genexp`: written as a call's only
    argument without brackets (`sum(w for w in widths)`), evaluated as a list."""

    elt: Any
    generators: list  # [CompFor]
    genexp: bool = False


@dataclass(slots=True, eq=False)
class DictComp(Node):
    """`{key: value for ... in ... if ...}`."""

    key: Any
    value: Any
    generators: list  # [CompFor]


@dataclass(slots=True, eq=False)
class Slice(Node):
    """`lower:upper:step` inside a subscript (each part optional)."""

    lower: Any
    upper: Any
    step: Any
    has_step: bool = False  # written with a second `:` (`x[::2]`, `x[1::]`)


@dataclass(slots=True, eq=False)
class EllipsisExpr(Node):
    """`...` inside a subscript (`x[..., 0]`)."""


# ----------------------------------------------------------------- statements
@dataclass(slots=True, eq=False)
class Ident(Node):
    """A name in binding position (assignment target, parameter, output)."""

    id: str


@dataclass(slots=True, eq=False)
class Assign(Node):
    targets: list  # [Ident]
    value: Any


@dataclass(slots=True, eq=False)
class Share(Node):
    target: Ident
    value: Any


@dataclass(slots=True, eq=False)
class Output(Node):
    target: Ident
    value: Any  # None for the `output a, b` form


@dataclass(slots=True, eq=False)
class OutputList(Node):
    names: list  # [Ident]


@dataclass(slots=True, eq=False)
class Return(Node):
    values: list


@dataclass(slots=True, eq=False)
class ExprStmt(Node):
    value: Any


@dataclass(slots=True, eq=False)
class For(Node):
    var: Any  # Ident, or a TupleExpr of targets (`for i, (a, b) in ...`)
    iter: Any
    body: list


@dataclass(slots=True, eq=False)
class If(Node):
    cond: Any
    body: list
    orelse: list | None


@dataclass(slots=True, eq=False)
class Param(Node):
    name: Ident
    default: Any  # expression or None


@dataclass(slots=True, eq=False)
class Use(Node):
    path: str


@dataclass(slots=True, eq=False)
class Const(Node):
    target: Ident
    value: Any


@dataclass(slots=True, eq=False)
class Def(Node):
    kind: str  # "model" | "block"
    name: Ident
    params: list  # [Param]
    body: list
    has_params: bool = False
    close_span: Span = NOSPAN


@dataclass(slots=True, eq=False)
class ExternParam(Node):
    """`units: int = 8` in an `extern` declaration's parameters."""

    name: Ident
    type: Ident | None  # the declared type (`int`), None when left out
    default: Any  # expression or None


@dataclass(slots=True, eq=False)
class ExternField(Node):
    """`keras = "pkg.mod.Class"` in an `extern` body."""

    name: Ident
    value: Any


@dataclass(slots=True, eq=False)
class ExternRule(Node):
    """`output_shape(x) = expr` in an `extern` body: a compile-time function of shapes."""

    name: Ident
    params: list  # [ExternParam]: plain names (the evaluator refuses types and defaults here)
    value: Any

    @property
    def args(self) -> list:
        return [p.name for p in self.params]


@dataclass(slots=True, eq=False)
class ExternCall(Node):
    """`call(training: bool = None)` in an `extern layer` body: the call-time arguments
    (compile-time values) its class's `call`/`forward` takes."""

    name: Ident
    params: list  # [ExternParam]


@dataclass(slots=True, eq=False)
class Extern(Node):
    """`extern layer|loss|metric Name(params) { fields and rules }` (docs/extern.md)."""

    kind: Ident  # "layer" | "loss" | "metric" (checked by the evaluator: a name in the grammar)
    name: Ident
    params: list  # [ExternParam]
    items: list  # [ExternField | ExternRule] in source order
    has_params: bool = False

    @property
    def fields(self) -> list:
        return [i for i in self.items if isinstance(i, ExternField)]

    @property
    def rules(self) -> list:
        return [i for i in self.items if isinstance(i, ExternRule)]

    @property
    def calls(self) -> list:
        return [i for i in self.items if isinstance(i, ExternCall)]


def target_idents(target) -> list:
    """The names a `for` target binds, in order (`i, (a, b)`: i, a, b)."""
    if isinstance(target, TupleExpr):
        out: list = []
        for t in target.items:
            out.extend(target_idents(t))
        return out
    return [target]


@dataclass(slots=True, eq=False)
class Module(Node):
    items: list
    path: str = "<string>"
    source: str = ""
