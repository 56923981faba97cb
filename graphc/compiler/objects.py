"""Keras objects in GDL programs (graphc/ops/objects.py is the catalog).

`HeNormal(seed=1)`, `initializers.VarianceScaling(scale=2.0)`,
`keras.losses.Huber(delta=2.0)`, `Adam(learning_rate=ExponentialDecay(1e-3,
1000, 0.9))` evaluate to `KerasObject`s, their arguments checked as Keras
checks them, with located diagnostics.  A bare name Keras has in two modules
(`MeanSquaredError`: a loss and a metric) evaluates to an `ObjChoice`, settled
where it is used (`take`).  Bare `Identity` is the layer, as in
`from keras.layers import *`; the initializer is `initializers.Identity`.
"""

from __future__ import annotations

from graphc.compiler import syntax as S
from graphc.compiler.values import POISON
from graphc.diagnostics import Abort, suggestion
from graphc.ops import objects as O
from graphc.ops.base import ArgError
from graphc.records import dataclass


@dataclass(eq=False)
class ObjClassVal:
    """A catalog class used as a callable: `HeNormal`, `initializers.HeNormal`."""

    name: str
    classes: list  # ObjClass, one per kind the spelling may mean

    @property
    def kind_name(self) -> str:
        return f"the Keras class {self.name}"


@dataclass(eq=False)
class NotWritable:
    """A Keras class GDL cannot write (`LearningRateScheduler` takes a Python function)."""

    name: str
    why: str
    kind_name: str = "a Keras class"


def dotted(e) -> tuple | None:
    """("keras", "initializers", "HeNormal") for `keras.initializers.HeNormal`."""
    parts = []
    while isinstance(e, S.Attr):
        parts.append(e.name)
        e = e.obj
    if not isinstance(e, S.Name):
        return None
    parts.append(e.id)
    return tuple(reversed(parts))


def class_value(path: tuple):
    """The value a dotted spelling with an object module names (`initializers.HeNormal`),
    None when the module is not an object module, or an error text."""
    mods = [m for m in path[:-1] if m != "keras"]
    if not mods or mods[-1] not in O.PREFIX_KIND:
        return None
    name = path[-1]
    classes = O.class_for_path(path)
    if classes:
        return ObjClassVal(name, classes)
    if name in O.NOT_WRITABLE:
        return NotWritable(name, O.NOT_WRITABLE[name])
    kind = O.PREFIX_KIND[mods[-1]]
    hint = suggestion(name, list(O.CATALOG[kind]))
    return f"unknown Keras name `{name}` in {O.KINDS[kind][0]}", hint


def construct(it, scope, fn: ObjClassVal, args: list, kwargs: dict, e: S.Call):
    """Evaluate `Class(args...)` for each kind the name may mean."""
    from graphc.compiler.graphs import arg_span

    file = scope.file
    from graphc.compiler.expressions import kind_of
    from graphc.compiler.ir import Tensor
    from graphc.compiler.values import LayerVal, Results

    names = [p.name for p in fn.classes[0].params]
    for where, v in [*((f"#{i}", a) for i, a in enumerate(args)), *kwargs.items()]:
        if isinstance(v, (Tensor, Results, LayerVal)):  # objects are compile-time values
            it.session.error(
                file,
                arg_span(e, where),
                "argument-type",
                f"{fn.name} takes compile-time values, got {kind_of(v)}",
                f"`{names[int(where[1:])] if where.startswith('#') and int(where[1:]) < len(names) else where}` "
                "is a number, string, list or object",
            )
    results: dict = {}
    for cls in fn.classes:
        try:
            bound = cls.bind(list(args), dict(kwargs))
        except ArgError as err:
            results[cls.kind] = (file, arg_span(e, err.arg), err.code, err.message, err.hint)
            continue
        names = [p.name for p in cls.params]
        spans = {names[i]: e.args[i].span for i in range(min(len(e.args), len(names)))}
        spans.update({k.name: k.value.span for k in e.kwargs})
        results[cls.kind] = O.KerasObject(cls, bound, len(args), e.span, file, e, spans)
    made = [v for v in results.values() if isinstance(v, O.KerasObject)]
    if not made:
        f, span, code, message, hint = next(iter(results.values()))
        it.session.error(f, span, code, message, hint)
    if len(results) == 1:
        return made[0]
    return O.ObjChoice(fn.name, results, e.span, file)


def not_writable(it, scope, v: NotWritable, e):
    it.session.error(scope.file, e.func.span, "unsupported", f"GDL cannot write `{v.name}`: {v.why}")


def take(session, v, kind: str):
    """The object of `kind` that `v` is: a KerasObject, POISON when `v` is an
    ObjChoice whose arguments do not fit `kind` (that error is reported), or None
    when `v` is no object of `kind`."""
    if isinstance(v, O.KerasObject):
        return v if v.kind == kind else None
    if isinstance(v, O.ObjChoice):
        opt = v.options.get(kind)
        if isinstance(opt, O.KerasObject):
            return opt
        if opt is not None:
            session.report(*opt[:2], *opt[2:])
            return POISON
    return None


def torch_problems(value) -> list:
    """(object, reason) for every object inside `value` the PyTorch target refuses."""
    out = []
    if isinstance(value, O.KerasObject):
        why = value.cls.torch_problem(value.args)
        if why:
            out.append((value, why))
        for v in value.args.values():
            out += torch_problems(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            out += torch_problems(v)
    elif isinstance(value, dict):
        for v in value.values():
            out += torch_problems(v)
    return out


__all__ = ["ObjClassVal", "NotWritable", "construct", "take", "dotted", "class_value", "Abort"]
