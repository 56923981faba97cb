"""Builtin names: compile-time functions (range, len, ...), Keras's lowercase
merge functions (`add([a, b])`), the Keras object classes (initializers,
losses, optimizers, ...: graphc/compiler/objects.py), and the layer classes
of the catalog.  Every builtin takes (interpreter, scope, args,
kwargs, call expression)."""

from __future__ import annotations

import math

from graphc.compiler.budget import MAX_ITEMS, LimitExceeded, check_value, safe_len
from graphc.compiler.ir import Tensor
from graphc.compiler.values import Builtin, LayerVal, OpClass


def _known(it, scope, args, e, name) -> None:
    """A None argument read from a tensor's shape is an unknown dimension: say so."""
    for i, a in enumerate(args):
        if a is None and i < len(e.args):
            it.exprs.unknown_dim(scope, e.args[i], a, f"passed to {name}(...)")


def _b_range(it, scope, args, kwargs, e):
    _known(it, scope, args, e, "range")
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
        if any(isinstance(a, (Tensor, LayerVal)) for a in args) or (
            iterates and any(_holds_tensor(a) for a in args)
        ):
            it.session.error(
                scope.file,
                e.span,
                "type-error",
                f"{name} takes compile-time values",
                "for tensors use the layers or ops: add([a, b]), maximum([a, b]), ops.abs(x)..."
                if name in ("sum", "max", "min", "abs")
                else None,
            )
        _known(it, scope, args, e, name)
        if iterates:
            # min/max/sum walk their argument: charge its length first
            for a in args:
                if isinstance(a, (range, list, tuple, str, dict)):
                    if safe_len(a) > MAX_ITEMS:
                        raise LimitExceeded("items")
                    it.session.budget.step(len(a))
        try:
            v = fn(*args, **kwargs)
        except (TypeError, ValueError, OverflowError) as exc:
            hint = None
            if any(a is None or isinstance(a, (list, tuple)) and None in a for a in args):
                hint = "a None here may be an unknown dimension read from `.shape`; give it a size in Input(shape=...)"
            it.session.error(scope.file, e.span, "value-error", f"{name}: {exc}", hint)
        check_value(v)
        return v

    return call


def _holds_tensor(v) -> bool:
    if isinstance(v, (Tensor, LayerVal)):
        return True
    return isinstance(v, (list, tuple)) and any(_holds_tensor(x) for x in v)


def _items_of(it, scope, v, e, name, arg_index):
    """The items of one iterable argument of zip/enumerate (a list is made: charged)."""
    if isinstance(v, dict):
        v = list(v)
    if not isinstance(v, (range, list, tuple, str)):
        span = e.args[arg_index].span if arg_index < len(e.args) else e.span
        it.session.error(
            scope.file,
            span,
            "type-error",
            f"{name} takes lists, tuples, ranges or strings, got {_kind(v)}",
        )
    if safe_len(v) > MAX_ITEMS:
        raise LimitExceeded("items", f"{name}(...)")
    return v


def _kind(v) -> str:
    from graphc.compiler.expressions import kind_of

    return kind_of(v)


def _b_sum(items, start=0):
    """Python's sum, of numbers only (adding lists or strings is quadratic)."""
    if not isinstance(items, (range, list, tuple)):
        raise TypeError(f"sum takes a list of numbers, got {_kind(items)}")
    for x in (start, *items):
        if not isinstance(x, (int, float)):
            raise TypeError(f"sum adds numbers, got {_kind(x)}")
    return sum(items, start)


def _b_zip(it, scope, args, kwargs, e):
    """zip(a, b, ...): a list of tuples, as long as the shortest argument."""
    if kwargs:
        it.session.error(scope.file, e.span, "type-error", "zip takes only positional arguments: zip(a, b)")
    seqs = [_items_of(it, scope, a, e, "zip", i) for i, a in enumerate(args)]
    n = min((len(x) for x in seqs), default=0)
    it.session.budget.step(n * max(len(seqs), 1))
    return [tuple(x[i] for x in seqs) for i in range(n)]


def _b_enumerate(it, scope, args, kwargs, e):
    """enumerate(xs, start=0): a list of (index, item) tuples."""
    if len(args) == 2 and "start" not in kwargs:
        args, kwargs = args[:1], {"start": args[1]}
    if len(args) != 1 or set(kwargs) - {"start"}:
        it.session.error(
            scope.file, e.span, "type-error", "enumerate takes one list and start=: enumerate(xs, start=0)"
        )
    start = kwargs.get("start", 0)
    if not isinstance(start, int) or isinstance(start, bool):
        it.session.error(
            scope.file, e.span, "type-error", f"enumerate's start must be an int, got {_kind(start)}"
        )
    check_value(start)
    seq = _items_of(it, scope, args[0], e, "enumerate", 0)
    it.session.budget.step(len(seq))
    return [(start + i, x) for i, x in enumerate(seq)]


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
    "sum": _pyfn(_b_sum, "sum", iterates=True),
    "zip": _b_zip,
    "enumerate": _b_enumerate,
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


_BUILTINS: dict = {}  # name -> what it names, made on the name's first use
_OBJECTS: dict = {}  # Keras objects (graphc/ops/objects.py) by name, made on first use
_NOTHING = object()


def builtin(name: str):
    """What a built-in name means: a layer class, a merge function, a Python
    function, a Keras object, in that order of precedence (None: not built in).
    Made one name at a time, so that a check imports only the layer families
    its file names (graphc.ops.base's lazy REGISTRY)."""
    b = _BUILTINS.get(name, _NOTHING)
    if b is _NOTHING:
        b = _BUILTINS[name] = _make_builtin(name)
    return b


def _make_builtin(name: str):
    from graphc.ops.base import FUNCTIONS, REGISTRY

    op = REGISTRY.get(name)
    if op is not None:
        return OpClass(op)
    cls = FUNCTIONS.get(name)
    if cls is not None:
        return Builtin(name, _merge_fn(cls))
    fn = BUILTIN_FUNCS.get(name)
    if fn is not None:
        return Builtin(name, fn)
    if not _OBJECTS:
        # (a layer keeps its name: `Identity`)
        from graphc.compiler.objects import NotWritable, ObjClassVal
        from graphc.ops import objects as O

        for n in O.all_class_names():
            _OBJECTS.setdefault(n, ObjClassVal(n, O.classes_named(n)))
        for n, why in O.NOT_WRITABLE.items():
            _OBJECTS.setdefault(n, NotWritable(n, why))
    return _OBJECTS.get(name)
