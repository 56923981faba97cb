"""Expressions: a visitor with one method per AST expression class.

Every evaluation step is charged to the compilation's budget, and every value
it makes is checked against the size limits before it is made (so
`10 ** 10 ** 10` is an error, not a hang).
"""

from __future__ import annotations

import operator

from graphc.compiler import objects
from graphc.compiler import syntax as S
from graphc.compiler.budget import GLOBAL, MAX_EXPR_DEPTH, LimitExceeded, check_binop, check_value
from graphc.compiler.functions import is_unbatched
from graphc.compiler.ir import Indexed, Tensor
from graphc.compiler.values import POISON, Builtin, DefVal, LayerVal, OpClass, Results
from graphc.diagnostics import Abort, suggestion

MODULE_PREFIXES = {
    "keras",
    "layers",
    "applications",
    "optimizers",
    "losses",
    "metrics",
    "models",
    "initializers",
    "regularizers",
    "constraints",
    "schedules",
    "callbacks",
}

BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}
COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
TENSOR_MERGES = {"+": "Add", "-": "Subtract", "*": "Multiply"}


def kind_of(v) -> str:
    """What a value is, in the user's terms ("a tensor of shape (None, 3)", "an int")."""
    from graphc.ops.base import describe_value

    if v is POISON:
        return "an erroneous value"
    if isinstance(v, Tensor):
        return f"a tensor of shape {v.type}"
    if isinstance(v, range):
        return "a range"
    return describe_value(v)


def poisoned(v) -> bool:
    if v is POISON:
        return True
    if isinstance(v, (list, tuple)):
        return any(x is POISON for x in v)
    return False


class Expressions:
    def __init__(self, it):
        self.it = it
        self.s = it.session
        self.depth = 0
        self.dispatch = {
            S.Literal: self.literal,
            S.Name: self.name,
            S.TupleExpr: self.tuple_,
            S.ListExpr: self.list_,
            S.DictExpr: self.dict_,
            S.FString: self.fstring,
            S.Attr: self.attr,
            S.Index: self.index,
            S.BinOp: self.binop,
            S.Unary: self.unary,
            S.Compare: self.compare,
            S.BoolOp: self.boolop,
            S.Call: self.call,
        }

    def eval(self, e, scope, dict_names=False):
        self.depth += 1
        try:
            if self.depth > MAX_EXPR_DEPTH:
                raise LimitExceeded("expr-depth")
            self.s.budget.step()
            if dict_names and isinstance(e, S.DictExpr):
                return self.dict_(e, scope, dict_names=True)
            return self.dispatch[type(e)](e, scope)
        except LimitExceeded as exc:
            # global limits end the compilation; others are reported once, at the
            # outermost expression that has a source position
            if exc.kind in GLOBAL or not e.span.line or (self.depth > 1 and exc.kind == "expr-depth"):
                raise
            self.s.limit(scope.file, e.span, exc)
        finally:
            self.depth -= 1

    def try_eval(self, e, scope):
        try:
            return self.eval(e, scope)
        except Abort:
            return POISON

    # ------------------------------------------------------------ leaves
    def literal(self, e, scope):
        return e.value

    def name(self, e, scope):
        v = self.lookup(scope, e.id, e.span)
        if self.s.trace is not None:  # IDE hook
            self.s.trace.append((scope.file, e.span, e.id, v))
        return v

    def lookup(self, scope, name: str, span):
        from graphc.compiler.builtins import BUILTIN_FUNCS, builtin
        from graphc.ops.base import FUNCTIONS, REGISTRY
        from graphc.ops.objects import all_class_names

        if name in scope.vars:
            return scope.vars[name]
        if name in scope.module.names:
            return scope.module.names[name]
        b = builtin(name)
        if b is not None:
            return b
        app = self.it.modules.application(name)
        if app is not None:
            return app
        candidates = (
            list(scope.vars)
            + list(scope.module.names)
            + list(REGISTRY)
            + list(FUNCTIONS)
            + list(BUILTIN_FUNCS)
            + all_class_names()
        )
        hint = suggestion(name, candidates)
        looks_layer = name[:1].isupper()
        code = "unknown-layer" if looks_layer else "undefined-name"
        msg = f"unknown layer or model `{name}`" if looks_layer else f"`{name}` is not defined"
        if not hint and looks_layer:
            hint = "define it with `model` or `block`, or check the spelling of the Keras layer"
        scope.vars[name] = POISON
        self.s.error(scope.file, span, code, msg, hint)

    # ------------------------------------------------------------ containers
    def tuple_(self, e, scope):
        v = tuple(self.eval(x, scope) for x in e.items)
        check_value(v)
        return v

    def list_(self, e, scope):
        v = [self.eval(x, scope) for x in e.items]
        check_value(v)
        return v

    def dict_(self, e, scope, dict_names=False):
        out = {}
        for k, v in e.pairs:
            key = k.id if isinstance(k, S.Name) else self.eval(k, scope)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.s.error(scope.file, k.span, "type-error", "dict keys must be names, strings or numbers")
            if key in out:
                self.s.error(scope.file, k.span, "duplicate-argument", f"key `{key}` appears twice")
            out[key] = self.eval(v, scope)
            if dict_names:
                out.setdefault("__spans__", {})[key] = k.span
        check_value(out)
        return out

    def fstring(self, e, scope):
        parts = []
        total = 0
        for p in e.parts:
            if isinstance(p, str):
                parts.append(p)
                total += len(p)
                continue
            expr, spec = p
            v = self.eval(expr, scope)
            if v is POISON:
                raise Abort()
            if isinstance(v, (Tensor, LayerVal, Results)):
                self.s.error(
                    scope.file, e.span, "type-error", f"f-strings take compile-time values, not {kind_of(v)}"
                )
            if _spec_width(spec) > 100_000:
                raise LimitExceeded("string", f"format width in `{{...:{spec}}}`")
            try:
                text = format(v, spec)
            except (ValueError, TypeError) as exc:
                self.s.error(scope.file, e.span, "value-error", f"bad format spec `{spec}`: {exc}")
            total += len(text)
            if total > 100_000:
                raise LimitExceeded("string")
            parts.append(text)
        return "".join(parts)

    # ------------------------------------------------------------ operators
    def attr(self, e, scope):
        from graphc.compiler.builtins import builtin
        from graphc.ops.base import FUNCTIONS, REGISTRY

        if _is_ops(e.obj, scope):  # ops.NAME, keras.ops.NAME: a function of the catalog
            return self.it.functions.value(scope, e.name, e)
        node = e
        while isinstance(node, S.Attr):
            node = node.obj
        if isinstance(node, S.Name) and node.id in MODULE_PREFIXES and node.id not in scope.vars:
            from graphc.compiler.objects import class_value, dotted

            v = class_value(dotted(e))  # keras.initializers.HeNormal, losses.Huber, ...
            if isinstance(v, tuple):
                self.s.error(scope.file, e.span, "unknown-layer", *v)
            if v is not None:
                return v
            b = builtin(e.name)
            if b is not None:
                return b
            self.s.error(
                scope.file,
                e.span,
                "unknown-layer",
                f"unknown Keras name `{e.name}`",
                suggestion(e.name, list(REGISTRY) + list(FUNCTIONS)),
            )
        self.s.error(
            scope.file,
            e.span,
            "type-error",
            "attribute access is only for Keras module prefixes such as `layers.Dense`",
        )

    def index(self, e, scope):
        obj = self.eval(e.obj, scope)
        idx = self.eval(e.index, scope)
        if obj is POISON or idx is POISON:
            raise Abort()
        if isinstance(obj, Results):
            obj = obj.items
        if isinstance(obj, Tensor):
            self.s.error(
                scope.file,
                e.span,
                "unsupported",
                "slicing tensors is not supported",
                "use Cropping1D/2D or Reshape",
            )
        try:
            v = obj[idx]
        except (TypeError, IndexError, KeyError) as exc:
            self.s.error(
                scope.file, e.span, "value-error", f"cannot index {kind_of(obj)} with `{idx!r}`: {exc}"
            )
        if scope.tracks_syms and _holds_tensors(v):  # `skips[level]`: recorded for the targets
            scope.region.append(Indexed(e, idx, scope.sym(e.index)))
        return v

    def binop(self, e, scope):
        file = scope.file
        left = self.eval(e.left, scope)
        right = self.eval(e.right, scope)
        if POISON in (left, right) if not isinstance(left, (list, dict)) else right is POISON:
            raise Abort()
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            merge = TENSOR_MERGES.get(e.op)
            if (
                merge is not None
                and isinstance(left, Tensor)
                and isinstance(right, Tensor)
                and not is_unbatched(left)
                and not is_unbatched(right)
                and left.type.shape == right.type.shape
            ):  # two tensors of one shape: Keras's Add/Subtract/Multiply layers, as always
                return self.it.graphs.merge_operator(scope, merge, [left, right], e)
            return self.it.functions.operator(scope, e.op, [left, right], e)
        if isinstance(left, Results) or isinstance(right, Results):
            return self.it.functions.operator(scope, e.op, [left, right], e)
        if (e.op == "/" and right == 0 or e.op in ("//", "%") and right == 0) and _is_num(right):
            self.s.error(file, e.span, "value-error", "division by zero")
        try:
            check_binop(e.op, left, right)
            v = BINARY[e.op](left, right)
        except TypeError:
            self.s.error(
                file, e.span, "type-error", f"cannot apply `{e.op}` to {kind_of(left)} and {kind_of(right)}"
            )
        except ZeroDivisionError:
            self.s.error(file, e.span, "value-error", "division by zero")
        except OverflowError:
            self.s.error(file, e.span, "value-error", "number too large")
        check_value(v)
        return v

    def unary(self, e, scope):
        v = self.eval(e.operand, scope)
        if v is POISON:
            raise Abort()
        if isinstance(v, (Tensor, Results)):
            if e.op == "not":
                self.s.error(
                    scope.file,
                    e.span,
                    "type-error",
                    "`not` on a tensor would ask whether the tensor itself is true",
                    "for a bool tensor, write ops.logical_not(x)",
                )
            if e.op == "+":
                return v
            return self.it.functions.operator(scope, e.op, [v], e)
        if e.op == "not":
            return not v
        if not _is_num(v):
            self.s.error(scope.file, e.span, "type-error", f"unary `{e.op}` needs a number, got {kind_of(v)}")
        return -v if e.op == "-" else +v

    def compare(self, e, scope):
        left = self.eval(e.first, scope)
        for op, right_e in e.rest:
            right = self.eval(right_e, scope)
            if POISON in (left, right):
                raise Abort()
            if any(isinstance(v, (Tensor, Results)) for v in (left, right)):
                if len(e.rest) > 1:
                    self.s.error(
                        scope.file,
                        e.span,
                        "type-error",
                        "a chained comparison of tensors (a < x < b) would ask whether a bool tensor is true",
                        "compare once per side and combine: ops.logical_and(a < x, x < b)",
                    )
                return self.it.functions.operator(scope, op, [left, right], e)
            try:
                ok = COMPARE[op](left, right)
            except TypeError:
                self.s.error(
                    scope.file, e.span, "type-error", f"cannot compare {kind_of(left)} and {kind_of(right)}"
                )
            if not ok:
                return False
            left = right
        return True

    def boolop(self, e, scope):
        v = None
        for x in e.values:
            v = self.eval(x, scope)
            if v is POISON:
                raise Abort()
            if isinstance(v, (Tensor, Results)):
                self.s.error(
                    scope.file,
                    e.span,
                    "type-error",
                    f"`{e.op}` on a tensor would ask whether the tensor itself is true",
                    f"for bool tensors, write ops.logical_{e.op}(a, b)",
                )
            if (e.op == "and" and not v) or (e.op == "or" and v):
                return v
        return v

    # ------------------------------------------------------------ calls
    def call(self, e: S.Call, scope):
        file = scope.file
        fn = self.eval(e.func, scope)
        if fn is POISON:
            for a in e.args:  # still evaluate arguments for their own errors
                self.try_eval(a, scope)
            raise Abort()
        args = [self.eval(a, scope) for a in e.args]
        kwargs = {}
        for k in e.kwargs:
            if k.name in kwargs:
                self.s.error(file, k.span, "duplicate-argument", f"`{k.name}` is given twice")
            kwargs[k.name] = self.eval(k.value, scope)
        if any(poisoned(v) for v in [*args, *kwargs.values()]):
            raise Abort()  # an argument already failed (and was reported)
        graphs = self.it.graphs
        if isinstance(fn, OpClass):
            return graphs.construct(scope, fn.op, args, kwargs, e)
        if isinstance(fn, LayerVal):
            self._no_unbatched(scope, [*args, *kwargs.values()], fn.type_name, e)
            return graphs.call_layer(scope, fn, args, kwargs, e)
        if isinstance(fn, DefVal):
            if fn.node.kind == "block":
                return self.it.blocks.call_block(scope, fn, args, kwargs, e)
            return self.it.blocks.construct_model(scope, fn, args, kwargs, e)
        if isinstance(fn, Builtin):
            return fn.fn(self.it, scope, args, kwargs, e)
        if isinstance(fn, (objects.ObjClassVal, objects.NotWritable)):  # HeNormal(seed=1)
            if isinstance(fn, objects.NotWritable):
                objects.not_writable(self.it, scope, fn, e)
            return objects.construct(self.it, scope, fn, args, kwargs, e)
        if isinstance(fn, Tensor):
            self.s.error(
                file,
                e.func.span,
                "type-error",
                f"`{_name_of(e.func)}` is a tensor, not a layer; it cannot be called",
                "apply a layer to it instead: Layer(...)(x)",
            )
        self.s.error(file, e.func.span, "type-error", f"{kind_of(fn)} cannot be called")

    def _no_unbatched(self, scope, values, what: str, e):
        """A layer applied to a tensor without batch axis (made from constants) would run
        once, when Keras builds the model, and its weights would not be trained."""
        from graphc.compiler.functions import is_unbatched

        flat = []
        for v in values:
            flat.extend(v if isinstance(v, (list, tuple)) else [v])
        for t in flat:
            if is_unbatched(t):
                self.s.error(
                    scope.file,
                    e.span,
                    "type-error",
                    f"{what} is applied to a tensor without batch axis {t.type} (made from constants "
                    "only): Keras would run it once, while it builds the model, and never train it",
                    "make it a tensor of the model first, e.g. positions = ops.zeros_like(tokens) + "
                    "ops.arange(n)",
                )


def _is_ops(e, scope) -> bool:
    """`ops` or `keras.ops` (not a variable of that name)."""
    if isinstance(e, S.Name):
        return e.id == "ops" and e.id not in scope.vars and e.id not in scope.module.names
    return (
        isinstance(e, S.Attr)
        and e.name == "ops"
        and isinstance(e.obj, S.Name)
        and e.obj.id == "keras"
        and "keras" not in scope.vars
    )


def _holds_tensors(v) -> bool:
    if isinstance(v, (Tensor, Results)):
        return True
    return isinstance(v, (list, tuple)) and any(_holds_tensors(x) for x in v)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _name_of(e) -> str:
    return e.id if isinstance(e, S.Name) else "this"


def _spec_width(spec: str) -> int:
    """The largest number in a format spec (`>12`, `08.3f`): its width or precision."""
    import re

    nums = re.findall(r"\d+", spec or "")
    return max((int(n) for n in nums if len(n) < 12), default=0) if all(len(n) < 12 for n in nums) else 10**12
