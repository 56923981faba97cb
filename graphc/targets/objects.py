"""Keras objects as code, in both targets (the catalog is graphc/ops/objects.py).

The Keras module writes `keras.initializers.HeNormal(seed=1)`,
`keras.optimizers.schedules.CosineDecay(...)`; the PyTorch module writes the
same class from graphc_runtime.torch (`initializers.HeNormal(seed=1)`,
`losses.Huber(delta=2.0)`, `optim.Adam(model.parameters(), ...)`,
`schedules.CosineDecay(...)`, `callbacks.EarlyStopping(...)`), which take
Keras's arguments.  Arguments are written as the program gave them
(positional ones positionally), values through escape.py (code.lit), objects
inside objects recursively.
"""

from __future__ import annotations

from graphc.ops import objects as O
from graphc.targets import code as C

KERAS = C.Name("keras")


def keras_callee(cls: O.ObjClass) -> C.Expr:
    """keras.<module>.<Class>."""
    parts = cls.module.split(".")
    e: C.Expr = C.Name(parts[0])
    for p in parts[1:]:
        e = C.Attr(e, p)
    return C.Attr(e, cls.name)


def torch_module(cls: O.ObjClass) -> str:
    """The graphc_runtime.torch module a class lives in (`initializers`, `optim`, ...)."""
    return O.KINDS[cls.kind][3]


def torch_callee(cls: O.ObjClass) -> C.Expr:
    return C.Attr(C.Name(torch_module(cls)), cls.name)


def value(v, callee, arg=None) -> C.Expr:
    """A compile-time value that may hold objects."""
    if isinstance(v, O.KerasObject):
        return obj_expr(v, callee, arg)
    if isinstance(v, list):
        return C.List(tuple(value(x, callee, arg) for x in v))
    if isinstance(v, tuple):
        return C.Tuple(tuple(value(x, callee, arg) for x in v))
    return C.lit(v)


def obj_expr(obj: O.KerasObject, callee, arg=None, first: tuple = (), keywords_only: bool = False) -> C.Expr:
    """`callee(cls)(args as given)`; `arg(obj, name, value) -> C.Expr | None` may write
    an argument itself (provenance), `first` are positional arguments put before."""
    names = [p.name for p in obj.cls.params]
    pos, kw = list(first), []
    for i, name in enumerate(names):
        if name not in obj.args:
            continue
        v = obj.args[name]
        code = arg(obj, name, v) if arg is not None else None
        if code is None:
            code = value(v, callee, arg)
        if i < obj.npos and not keywords_only and len(pos) == len(first) + i:
            pos.append(code)
        else:
            kw.append((name, code))
    return C.Call(callee(obj.cls), tuple(pos), tuple(kw))


def torch_optimizer(obj: O.KerasObject, params: C.Expr, callee=torch_callee) -> C.Expr:
    """`optim.Adam(model.parameters(), learning_rate=...)`; a LossScaleOptimizer wraps
    its inner optimizer, which takes the parameters."""

    def arg(o, name, v):
        if o.cls.name == "LossScaleOptimizer" and name == "inner_optimizer":
            return torch_optimizer(v, params, callee)
        return None

    if obj.cls.name == "LossScaleOptimizer":
        return obj_expr(obj, callee, arg, keywords_only=False)
    return obj_expr(obj, callee, arg, first=(params,), keywords_only=True)


def objects_in(v) -> list:
    out = []
    if isinstance(v, O.KerasObject):
        out.append(v)
        for x in v.args.values():
            out += objects_in(x)
    elif isinstance(v, (list, tuple)):
        for x in v:
            out += objects_in(x)
    return out


class Recorder:
    """A callee that remembers which runtime modules the code it wrote uses."""

    def __init__(self, callee):
        self.callee = callee
        self.modules: set = set()

    def __call__(self, cls: O.ObjClass) -> C.Expr:
        self.modules.add(torch_module(cls))
        return self.callee(cls)


def loss_items(graph, callee, strings: bool) -> list:
    """[(output, code)] of the LOSSES table: objects as written; a name as the
    string (`strings`) or as its class with Keras's defaults."""
    items = []
    for e in (graph.compile or {}).get("losses", []):
        if e.obj is not None:
            items.append((e.output, obj_expr(e.obj, callee)))
        elif strings:
            items.append((e.output, C.lit(e.loss)))
        else:
            items.append((e.output, C.Call(callee(O.LOSS_CANONICAL[e.loss]))))
    return items


def metric_items(graph, callee) -> list:
    """[(output, code)] of the METRICS table: names as strings, objects as written
    (one object per output: Keras and the runtime keep a metric's state in it)."""
    items = []
    for out, ms in (graph.compile or {}).get("metrics", {}).items():
        items.append((out, C.List(tuple(value(m, callee) for m in ms))))
    return items


def weights_code(graph) -> str | None:
    """`LOSS_WEIGHTS = "auto"` for learned weights, else None (the table of numbers)."""
    if (graph.compile or {}).get("auto_weights"):
        return 'LOSS_WEIGHTS = "auto"'
    return None


def table_lines(name: str, items: list, comment: str | None = None) -> str:
    """`NAME = {key: code, ...}` exploded one entry per line, entries wrapped as ruff wraps them."""
    lines = [f"# {comment}"] if comment else []
    if not items:
        return "\n".join(lines + [f"{name} = {{}}"])
    lines.append(f"{name} = {{")
    for k, code in items:
        for line in C.split_expr(code, 4, C.text(C.lit(k)) + ": ", ","):
            lines.append("    " + line)
    lines.append("}")
    return "\n".join(lines)


def optimizer_obj(graph):
    """The optimizer of compile(...) as an object (a name: its class with Keras's defaults)."""
    comp = graph.compile or {}
    obj = comp.get("optimizer_obj")
    if obj is not None:
        return obj
    opt = comp.get("optimizer")
    name = opt.name if opt is not None else "rmsprop"
    return O.KerasObject(O.from_id("optimizer", name), {})


def callback_objs(graph) -> list:
    return list((graph.fit or {}).get("callbacks", []))


def return_lines(e: C.Expr) -> list:
    """The body lines (indented 4) of a function returning `e`."""
    return ["    " + x for x in C.stmt_lines(C.Return(e), 4)]
