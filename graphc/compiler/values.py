"""Compile-time values of the GDL evaluator (besides Python numbers/strings/...)."""

from __future__ import annotations

from graphc.compiler.syntax import NOSPAN, Span
from graphc.records import dataclass, field

TYPE_CHECKING = False  # (importing typing costs a cold `graphc check` 4%)
if TYPE_CHECKING:
    from typing import Any


class _Poison:
    """The value of anything that failed: every use of it silently fails again,
    so one mistake gives one diagnostic (no cascades)."""

    kind_name = "an erroneous value"

    def __repr__(self):
        return "<poison>"


POISON = _Poison()


@dataclass(eq=False)
class LayerVal:
    """A constructed layer (or model instance), not necessarily applied yet."""

    op: Any  # Op class, or None for a model instance
    given: dict  # validated arguments the user gave
    args: dict  # with defaults
    span: Span
    file: str
    graph: Any = None  # Graph, for a model instance
    shared: bool = False
    var: str | None = None
    layer: Any = None  # ir.Layer once applied
    first_call_span: Span = NOSPAN
    first_call_file: str = ""
    kind_name: str = "a layer"
    inner: Any = None  # wrapped LayerVal (Bidirectional)
    site: Any = None  # the construction call (AST)
    raw: dict = field(default_factory=dict)  # arguments as given, by parameter name
    arg_syms: dict = field(default_factory=dict)  # parameter name -> provenance
    function_form: bool = False

    @property
    def type_name(self) -> str:
        return self.op.name if self.op is not None else self.graph.name


@dataclass(eq=False)
class OpClass:
    """A catalog layer class used as a callable: `Dense`."""

    op: Any
    kind_name: str = "a layer class"


@dataclass(eq=False)
class DefVal:
    """A `block` or `model` definition."""

    node: Any  # syntax.Def
    module: Any  # the ModuleEnv it was defined in

    @property
    def kind_name(self) -> str:
        return f"a {self.node.kind}"


@dataclass(eq=False)
class Builtin:
    name: str
    fn: Any
    kind_name: str = "a function"


@dataclass(eq=False)
class Results:
    """Several tensors from one call (LSTM(return_state=true), a block's `return a, b`)."""

    items: list
    kind_name: str = "several tensors"
