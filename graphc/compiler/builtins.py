"""Builtin names: compile-time functions (range, len, ...), Keras's lowercase
merge functions (`add([a, b])`), the Keras object classes (initializers,
losses, optimizers, ...: graphc/compiler/objects.py), and the layer classes
of the catalog.  Every builtin takes (interpreter, scope, args,
kwargs, call expression)."""

from __future__ import annotations

import math

from graphc.compiler.budget import MAX_ITEMS, LimitExceeded, check_value
from graphc.compiler.ir import Tensor
from graphc.compiler.values import Builtin, LayerVal, OpClass


def _b_range(it, scope, args, kwargs, e):
    if (
        kwargs
        or not 1 <= len(args) <= 3
        or not all(isinstance(a, int) and not isinstance(a, bool) for a in args)
    ):
        it.session.error(
            scope.file,
            e.span,
            "type-error",
            "range takes 1 to 3 ints: range(stop), range(start, stop[, step])",
        )
    if len(args) == 3 and args[2] == 0:
        it.session.error(scope.file, e.span, "value-error", "range step must not be zero")
    for a in args:
        check_value(a)
    return range(*args)


def _pyfn(fn, name, iterates=False):
    def call(it, scope, args, kwargs, e):
        if any(isinstance(a, (Tensor, LayerVal)) for a in args):
            it.session.error(scope.file, e.span, "type-error", f"{name} takes compile-time values")
        if iterates:
            # min/max/sum walk their argument: charge its length first
            for a in args:
                if isinstance(a, (range, list, tuple, str, dict)):
                    if len(a) > MAX_ITEMS:
                        raise LimitExceeded("items")
                    it.session.budget.step(len(a))
        try:
            v = fn(*args, **kwargs)
        except (TypeError, ValueError, OverflowError) as exc:
            it.session.error(scope.file, e.span, "value-error", f"{name}: {exc}")
        check_value(v)
        return v

    return call


def _b_str(v, *rest):
    if isinstance(v, int) and not isinstance(v, bool):
        check_value(v)
    return str(v, *rest)


def _b_error(it, scope, args, kwargs, e):
    """`error("message")`: stop with a located error (for models' argument checks)."""
    if kwargs or len(args) != 1 or not isinstance(args[0], str):
        it.session.error(scope.file, e.span, "type-error", 'error takes one string: error("message")')
    it.session.error(scope.file, e.span, "argument-value", args[0])


BUILTIN_FUNCS = {
    "range": _b_range,
    "len": _pyfn(len, "len"),
    "min": _pyfn(min, "min", iterates=True),
    "max": _pyfn(max, "max", iterates=True),
    "abs": _pyfn(abs, "abs"),
    "int": _pyfn(int, "int"),
    "float": _pyfn(float, "float"),
    "str": _pyfn(_b_str, "str"),
    "round": _pyfn(round, "round"),
    "sqrt": _pyfn(math.sqrt, "sqrt"),
    "ceil": _pyfn(math.ceil, "ceil"),
    "floor": _pyfn(math.floor, "floor"),
    "error": _b_error,
}


def _merge_fn(cls_name):
    def call(it, scope, args, kwargs, e):
        from graphc.ops.base import REGISTRY

        op = REGISTRY[cls_name]
        if len(args) != 1 or not isinstance(args[0], list):
            it.session.error(
                scope.file,
                e.span,
                "type-error",
                f"{op.function} takes one list of tensors: {op.function}([a, b])",
            )
        lv = it.graphs.construct(scope, op, [], kwargs, e)
        lv.function_form = True
        return it.graphs.apply(scope, lv, {"inputs": args[0]}, e.span, list_input=True, site=e)

    return call


_BUILTINS: dict = {}


def builtin(name: str):
    if not _BUILTINS:
        from graphc.ops.base import FUNCTIONS, REGISTRY

        for n, op in REGISTRY.items():
            _BUILTINS[n] = OpClass(op)
        for fn, cls in FUNCTIONS.items():
            _BUILTINS[fn] = Builtin(fn, _merge_fn(cls))
        for n, fn in BUILTIN_FUNCS.items():
            _BUILTINS[n] = Builtin(n, fn)
        # Keras objects (graphc/ops/objects.py); a layer keeps its name (`Identity`)
        from graphc.compiler.objects import NotWritable, ObjClassVal
        from graphc.ops import objects as O

        for n in O.all_class_names():
            _BUILTINS.setdefault(n, ObjClassVal(n, O.classes_named(n)))
        for n, why in O.NOT_WRITABLE.items():
            _BUILTINS.setdefault(n, NotWritable(n, why))
    return _BUILTINS.get(name)
