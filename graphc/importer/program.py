"""The imported model as a GDL program, before it is printed: statements over
tensor values (`Val`), layer constructions (`Ctor`), blocks and loops.  The
converter (to_gdl.py) builds it flat, the folder (fold.py) rewrites it, and
`render` prints it.  Every piece of text from the Keras file is printed
through `lit` (a GDL literal, escaped by graphc.fmt.quote) or is an identifier
chosen by a `Namespace` (checked against GDL's grammar and reserved names)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from graphc.fmt import quote

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# ------------------------------------------------------------------ names
def reserved_names() -> frozenset:
    """Names a generated variable, block or model must not take: GDL's and
    Python's keywords, the layer catalog, merge functions, builtins, optimizer
    and loss classes, the applications, and the module prefixes of Keras objects."""
    import graphc.ops  # noqa: F401
    from graphc import stdlib
    from graphc.compiler import vocab
    from graphc.compiler.builtins import BUILTIN_FUNCS
    from graphc.compiler.parse import RESERVED
    from graphc.importer import externs
    from graphc.ops.base import FUNCTIONS, REGISTRY

    names = set(RESERVED) | set(REGISTRY) | set(FUNCTIONS) | set(BUILTIN_FUNCS)
    names |= {cls for cls, _ in vocab.OPTIMIZERS.values()} | {cls for cls, _ in vocab.LOSSES.values()}
    names |= set(stdlib.APPLICATIONS)
    names |= externs.names()
    names |= {
        "compile",
        "fit",
        "ops",
        "keras",
        "layers",
        "initializers",
        "regularizers",
        "constraints",
        "losses",
        "metrics",
        "optimizers",
        "schedules",
        "callbacks",
        "activations",
        "random",
        "name",
        "Input",
    }
    return frozenset(names)


_RESERVED: frozenset | None = None


def is_reserved(name: str) -> bool:
    global _RESERVED
    if _RESERVED is None:
        _RESERVED = reserved_names()
    return name in _RESERVED


def is_identifier(name: str) -> bool:
    return bool(IDENT.match(name)) and not is_reserved(name)


def sanitize(name: str, fallback: str = "v") -> str:
    """A GDL identifier that resembles `name` (not necessarily free)."""
    s = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")
    s = re.sub(r"_{2,}", "_", s)[:60].rstrip("_")
    if not s:
        s = fallback
    if s[0].isdigit():
        s = f"{fallback}_{s}"
    if is_reserved(s):
        s = f"{s}_"
    return s


class Namespace:
    """Identifiers in one scope (a model or block body, or the top level)."""

    def __init__(self, parent: "Namespace | None" = None):
        self.parent = parent
        self.taken: set = set()

    def is_free(self, name: str) -> bool:
        ns = self
        while ns is not None:
            if name in ns.taken:
                return False
            ns = ns.parent
        return is_identifier(name)

    def take(self, name: str) -> str:
        self.taken.add(name)
        return name

    def fresh(self, hint: str, fallback: str = "v") -> str:
        base = sanitize(hint, fallback)
        name, n = base, 2
        while not self.is_free(name):
            name = f"{base}_{n}"
            n += 1
        return self.take(name)


# ------------------------------------------------------------------ values
@dataclass(eq=False)
class Val:
    """A tensor of the program.  `key` identifies it in the Keras graph:
    ("input", name) or (layer name, call index, result index)."""

    key: tuple
    var: str | None = None  # the GDL variable, once allocated
    pinned: bool = False  # inputs, outputs, block parameters: the name is fixed
    reusable: bool = False  # a pinned variable that later values may take over (a block parameter)

    def __repr__(self):
        return f"Val({self.key}, {self.var})"


@dataclass(frozen=True)
class Param:
    """A reference to a block parameter or loop variable in a template."""

    name: str


@dataclass(frozen=True)
class Scaled:
    """`k * param` (a value that is k times another parameter)."""

    k: int
    param: str


@dataclass(frozen=True)
class FStr:
    """An f-string: parts are text or Param/Offset references."""

    parts: tuple


@dataclass(frozen=True)
class Offset:
    """`param + k` inside an f-string field."""

    param: str
    k: int


@dataclass(eq=False)
class Ctor:
    """A layer construction: `Cls(pos..., kw=...)` (`kw` keeps its order)."""

    cls: str
    pos: list
    kw: list  # [(name, value)]

    def sig(self):
        return (self.cls, tuple(map(freeze, self.pos)), tuple((k, freeze(v)) for k, v in self.kw))


def freeze(v):
    """A hashable form of a value (for comparing constructions)."""
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, tuple(freeze(x) for x in v))
    if isinstance(v, dict):
        return ("dict", tuple((k, freeze(x)) for k, x in v.items()))
    if isinstance(v, Ctor):
        return ("ctor", v.sig())
    if type(v).__name__ == "ObjExpr":
        return ("obj", v.spelled, tuple((k, freeze(x)) for k, x in v.kw))
    if type(v).__name__ == "KerasObject":
        return ("kobj", v.key())
    if isinstance(v, float):
        return ("float", v)
    if isinstance(v, bool):
        return ("bool", v)
    return v


# ------------------------------------------------------------------ statements
@dataclass(eq=False)
class Input:
    val: Val
    ctor: Ctor  # Input(shape=..., dtype=..., name=...)


@dataclass(eq=False)
class Share:
    var: str
    ctor: object  # Ctor, or a ModelRef


@dataclass(eq=False)
class OpRef:
    """A function of `keras.ops`: written `a + b` where it has an operator, else `ops.name(...)`."""

    name: str
    operator: str | None = None


@dataclass(eq=False)
class ModelRef:
    """`defname()`: instantiating a GDL model definition."""

    name: str


@dataclass(eq=False)
class Call:
    """`outs = callee(ins..., kw...)`; callee is a Ctor (constructed here), a
    shared variable name (str) or a ModelRef."""

    outs: list  # [Val]
    callee: object
    ins: list  # positional tensor arguments: Val or [Val]
    kw: list = field(default_factory=list)  # [(name, Val | value)]
    layer: str | None = None  # the Keras layer name
    call_index: int = 0
    output: str | None = None  # declared inline as `output NAME = ...`
    auto_named: bool = False  # written without name=: graphc's own name is the Keras one

    def tensor_inputs(self) -> list:
        out = []
        for a in list(self.ins) + [v for _, v in self.kw]:
            if isinstance(a, Val):
                out.append(a)
            elif isinstance(a, (list, tuple)):
                out.extend(x for x in a if isinstance(x, Val))
        return out


@dataclass(eq=False)
class BlockDef:
    name: str
    params: list  # [(name, default or NO_DEFAULT)]
    body: list  # statements (Calls) over parameter Vals
    ins: list  # [Val] the tensor parameters, in order
    returns: list  # [Val]
    doc: str = ""


@dataclass(eq=False)
class BlockCall:
    outs: list
    block: BlockDef
    ins: list  # [Val]
    kw: list  # [(param name, value)]
    prefix: str = ""  # the instance's name prefix
    layer_names: list = field(default_factory=list)  # the Keras names of its layers

    def tensor_inputs(self) -> list:
        return list(self.ins)


@dataclass(eq=False)
class Loop:
    """`for var in range(start, stop) { body }`: `body` runs with Param(var)
    in its values; `carried` is the tensor the body reads and writes."""

    var: str
    start: int
    stop: int
    body: list
    ins: list  # [Val] read before the loop
    outs: list  # [Val] written by the last iteration
    body_in: Val = None
    body_out: Val = None

    def tensor_inputs(self) -> list:
        return list(self.ins)


@dataclass(eq=False)
class OutputList:
    names: list


@dataclass(eq=False)
class Comment:
    text: str


@dataclass(eq=False)
class Alias:
    """`var = other`: a second name for a tensor (an output declared twice)."""

    var: str
    val: Val

    def tensor_inputs(self) -> list:
        return [self.val]


NO_DEFAULT = object()


# ------------------------------------------------------------------ literals
class Unprintable(Exception):
    """A value GDL has no literal for."""


def fmt_float(v: float) -> str:
    if not math.isfinite(v):
        raise Unprintable(f"the number {v} (GDL numbers are finite)")
    r = repr(v)
    if r.startswith("-"):
        return "-" + fmt_float(-v)
    return r


def lit(v) -> str:
    """The GDL text of a compile-time value."""
    if v is None:
        return "None"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        if v.bit_length() > 256:
            raise Unprintable(f"an integer of {v.bit_length()} bits (GDL's limit is 256)")
        return str(v)
    if isinstance(v, float):
        return fmt_float(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, tuple):
        if len(v) == 1:
            return f"({lit(v[0])},)"
        return "(" + ", ".join(lit(x) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{lit(k)}: {lit(x)}" for k, x in v.items()) + "}"
    if isinstance(v, Param):
        return v.name
    if isinstance(v, Scaled):
        return f"{v.k} * {v.param}"
    if isinstance(v, FStr):
        out = []
        for p in v.parts:
            if isinstance(p, str):
                out.append(quote(p)[1:-1].replace("{", "{{").replace("}", "}}"))
            elif isinstance(p, Offset):
                out.append(
                    f"{{{p.param} + {p.k}}}"
                    if p.k > 0
                    else f"{{{p.param} - {-p.k}}}"
                    if p.k
                    else f"{{{p.param}}}"
                )
            else:
                out.append(f"{{{p.name}}}")
        return 'f"' + "".join(out) + '"'
    if isinstance(v, Ctor):
        return ctor_text(v)
    if type(v).__name__ == "ObjExpr":  # graphc.importer.objects.ObjExpr
        args = [lit(x) if i < v.npos else f"{k}={lit(x)}" for i, (k, x) in enumerate(v.kw)]
        return f"{v.spelled}({', '.join(args)})"
    if isinstance(v, ModelRef):
        return f"{v.name}()"
    raise Unprintable(f"a value of type {type(v).__name__}")


def ctor_text(c: Ctor) -> str:
    args = [lit(v) for v in c.pos] + [f"{k}={lit(v)}" for k, v in c.kw]
    return f"{c.cls}({', '.join(args)})"


def tensors_text(a) -> str:
    if isinstance(a, Val):
        return a.var
    if isinstance(a, (list, tuple)):
        return "[" + ", ".join(tensors_text(x) for x in a) + "]"
    return lit(a)


def call_text(st: Call) -> str:
    if isinstance(st.callee, OpRef):
        op = st.callee
        # GDL's `a + b` of two tensors is the Add layer; with a number it is keras.ops.add
        if op.operator and len(st.ins) == 2 and not st.kw and not all(isinstance(a, Val) for a in st.ins):
            return f"{tensors_text(st.ins[0])} {op.operator} {tensors_text(st.ins[1])}"
        args = [tensors_text(a) for a in st.ins] + [f"{k}={tensors_text(v)}" for k, v in st.kw]
        return f"ops.{op.name}({', '.join(args)})"
    if isinstance(st.callee, Ctor):
        fn = ctor_text(st.callee)
    elif isinstance(st.callee, ModelRef):
        fn = f"{st.callee.name}()"
    else:
        fn = st.callee
    args = [tensors_text(a) for a in st.ins] + [f"{k}={tensors_text(v)}" for k, v in st.kw]
    return f"{fn}({', '.join(args)})"


def targets_text(outs: list) -> str:
    return ", ".join(v.var for v in outs)


def render_body(items: list, indent: str) -> list:
    lines: list = []
    for st in items:
        if isinstance(st, Input):
            lines.append(f"{indent}{st.val.var} = {ctor_text(st.ctor)}")
        elif isinstance(st, Share):
            rhs = ctor_text(st.ctor) if isinstance(st.ctor, Ctor) else f"{st.ctor.name}()"
            lines.append(f"{indent}share {st.var} = {rhs}")
        elif isinstance(st, Call):
            if st.output is not None:
                lines.append(f"{indent}output {st.output} = {call_text(st)}")
            else:
                lines.append(f"{indent}{targets_text(st.outs)} = {call_text(st)}")
        elif isinstance(st, BlockCall):
            args = [tensors_text(v) for v in st.ins] + [f"{k}={lit(v)}" for k, v in st.kw]
            lines.append(f"{indent}{targets_text(st.outs)} = {st.block.name}({', '.join(args)})")
        elif isinstance(st, Loop):
            rng = f"range({st.stop})" if st.start == 0 else f"range({st.start}, {st.stop})"
            inner = render_body(st.body, indent + "  ")
            lines.append(f"{indent}for {st.var} in {rng} {{")
            lines.extend(inner)
            lines.append(f"{indent}}}")
        elif isinstance(st, Alias):
            lines.append(f"{indent}{st.var} = {st.val.var}")
        elif isinstance(st, OutputList):
            lines.append(f"{indent}output {', '.join(st.names)}")
        elif isinstance(st, Comment):
            for t in st.text.splitlines() or [""]:
                lines.append(f"{indent}# {comment_safe(t)}".rstrip())
        elif isinstance(st, str):  # a prepared line (compile(...))
            lines.append(f"{indent}{st}")
        else:  # pragma: no cover
            raise TypeError(type(st))
    return lines


def comment_safe(text: str) -> str:
    """Text for a `#` comment: one line, printable characters only."""
    return "".join(ch if ch.isprintable() else "?" for ch in text.replace("\n", " "))
