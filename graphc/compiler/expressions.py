"""Expressions: a visitor with one method per AST expression class.

Every evaluation step is charged to the compilation's budget, and every value
it makes is checked against the size limits before it is made (so
`10 ** 10 ** 10` is an error, not a hang).
"""

from __future__ import annotations

import operator

from graphc.compiler import objects
from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.budget import (
    GLOBAL,
    MAX_EXPR_DEPTH,
    MAX_ITEMS,
    LimitExceeded,
    check_binop,
    check_value,
    safe_len,
)
from graphc.compiler.functions import is_unbatched
from graphc.compiler.ir import ForRegion, IfRegion, Indexed, Tensor
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
    "@": operator.matmul,
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
TENSOR_ATTRS = ("shape", "dtype", "ndim")  # what a tensor tells at compile time (KerasTensor's names)


def kind_of(v) -> str:
    """What a value is, in the user's terms ("a tensor of shape (None, 3)", "an int")."""
    from graphc.ops.base import describe_value

    if v is POISON:
        return "an erroneous value"
    if isinstance(v, Tensor):
        return f"a tensor of shape {v.type}"
    if isinstance(v, range):
        return "a range"
    if isinstance(v, slice):
        return "a slice"
    if v is Ellipsis:
        return "`...`"
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
            S.IfExp: self.ifexp,
            S.ListComp: self.listcomp,
            S.DictComp: self.dictcomp,
            S.Slice: self.slice_,
            S.EllipsisExpr: self.ellipsis,
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
        if name in scope.vars:  # (first: the imports below cost a microsecond each, on every read)
            return scope.vars[name]
        if name in scope.module.names:
            return scope.module.names[name]
        from graphc.compiler.builtins import BUILTIN_FUNCS, builtin
        from graphc.ops.base import FUNCTIONS, REGISTRY
        from graphc.ops.objects import all_class_names

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
        if _after_c_comment(scope, span):
            hint = "comments start with `#`: `# ...` (`//` is floor division in GDL)"
        scope.vars[name] = POISON
        if getattr(scope.module, "failed_use", False):
            raise Abort()  # a `use` of this file failed: the name may be one it would define
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
        obj = self.eval(e.obj, scope)
        if obj is POISON:
            raise Abort()
        if isinstance(obj, Tensor):
            return self.tensor_attr(scope, obj, e)
        if isinstance(obj, Results) and e.name in TENSOR_ATTRS:
            self.s.error(
                scope.file,
                e.span,
                "type-error",
                f"`.{e.name}` needs one tensor, got {len(obj.items)} tensors",
                "unpack them first: `a, b = ...`",
            )
        self.s.error(
            scope.file,
            e.span,
            "type-error",
            f"{kind_of(obj)} has no attribute `{e.name}`",
            "attributes are for tensors (`x.shape`, `x.dtype`, `x.ndim`) and Keras module prefixes "
            "such as `layers.Dense`",
        )

    def tensor_attr(self, scope, t: Tensor, e):
        """`x.shape` (a tuple with the batch axis, None for unknown sizes), `x.dtype`, `x.ndim`:
        compile-time values, as a KerasTensor gives them."""
        if e.name == "shape":
            if is_unbatched(t):  # made from constants (ops.arange(8)): no batch axis
                return tuple(
                    d if isinstance(d, int) and not isinstance(d, bool) else None for d in t.type.shape
                )
            return (None, *t.type.shape)
        if e.name == "dtype":
            return t.type.dtype
        if e.name == "ndim":
            return t.type.rank
        self.s.error(
            scope.file,
            e.span,
            "type-error",
            f"a tensor has no attribute `{e.name}`",
            suggestion(e.name, list(TENSOR_ATTRS)) or "a tensor has `.shape`, `.dtype` and `.ndim`",
        )

    def unknown_dim(self, scope, operand, value, what: str) -> None:
        """Using None as a number: when it is a size read from a tensor's shape, say
        so (the dimension is unknown while the model is built) and how to fix it."""
        if value is not None:
            return
        read = _shape_read(scope.sym(operand)) if operand is not None else None
        if read is None:
            return
        var, axis = read
        t = scope.vars.get(var)
        text = _source_text(scope, operand) or f"{var}.shape[{axis}]"
        quoted = f"`{text}`"
        if not text.startswith(f"{var}.shape") and axis != "?":
            quoted += f" (`{var}.shape[{axis}]`)"
        if isinstance(t, Tensor) and isinstance(axis, int) and -t.type.rank <= axis < t.type.rank:
            k = axis % t.type.rank
            if k == 0 and not is_unbatched(t):
                self.s.error(
                    scope.file,
                    operand.span,
                    "value-error",
                    f"{quoted} is the batch size, which is unknown (None) while the model is built; "
                    f"it cannot be {what}",
                    "use the sizes of the other axes; the batch axis is only known when the model runs",
                )
        self.s.error(
            scope.file,
            operand.span,
            "value-error",
            f"{quoted} is an unknown dimension (None) while the model is built; it cannot be {what}",
            "give that size in the model's Input(shape=...) (None there means any size)",
        )

    def index(self, e, scope):
        obj = self.eval(e.obj, scope)
        idx = self.eval(e.index, scope)
        if obj is POISON or idx is POISON or poisoned(idx):
            raise Abort()
        if isinstance(obj, Results):
            obj = obj.items
        if isinstance(obj, Tensor):
            return self.tensor_index(scope, obj, _index_tuple(scope, self.s, idx, e), e)
        if isinstance(obj, (LayerVal, Builtin, OpClass, DefVal)):
            self.s.error(scope.file, e.span, "type-error", f"{kind_of(obj)} cannot be indexed")
        if isinstance(idx, tuple) and any(isinstance(i, slice) or i is Ellipsis for i in idx):
            self.s.error(
                scope.file,
                e.index.span,
                "type-error",
                f"{kind_of(obj)} takes one index or slice, not `{_index_text(idx)}`",
                "several indices and `...` are for tensors",
            )
        if idx is Ellipsis or idx is None and not isinstance(obj, dict):
            self.s.error(
                scope.file,
                e.index.span,
                "type-error",
                f"{kind_of(obj)} cannot be indexed with `{_index_text(idx)}` (that is for tensors)",
            )
        if isinstance(idx, slice) and isinstance(obj, (list, tuple, str, range)):
            self.s.budget.step(min(safe_len(obj), MAX_ITEMS))  # what the slice copies
        try:
            v = obj[idx]
        except (TypeError, IndexError, KeyError) as exc:
            self.s.error(
                scope.file,
                e.span,
                "value-error",
                f"cannot index {kind_of(obj)} with `{_index_text(idx)}`: {exc}",
                _index_hint(obj, idx),
            )
        if scope.tracks_syms and _holds_tensors(v):  # `skips[level]`: recorded for the targets
            scope.region.append(Indexed(e, idx, scope.sym(e.index)))
        return v

    def tensor_index(self, scope, t: Tensor, index: tuple, e):
        """`x[:, 0]`, `x[..., :16]`, `x[:, None]`: the `getitem` function of the catalog
        (keras.ops semantics), with the index as a tuple of int / slice / Ellipsis / None."""
        return self.it.functions.getitem(scope, t, index, e)

    def slice_(self, e, scope):
        parts = []
        for part, what in ((e.lower, "start"), (e.upper, "stop"), (e.step, "step")):
            v = None if part is None else self.eval(part, scope)
            if v is POISON:
                raise Abort()
            if v is not None and not (isinstance(v, int) and not isinstance(v, bool)):
                if isinstance(v, Tensor):
                    self.s.error(
                        scope.file,
                        part.span,
                        "type-error",
                        f"a slice's {what} must be a compile-time int, not {kind_of(v)}",
                    )
                self.s.error(
                    scope.file,
                    part.span,
                    "type-error",
                    f"a slice's {what} must be an int or None, got {kind_of(v)} `{v!r}`",
                )
            if what == "step" and v == 0:
                self.s.error(scope.file, part.span, "value-error", "a slice's step must not be zero")
            parts.append(v)
        return slice(*parts)

    def ellipsis(self, e, scope):
        return Ellipsis

    def binop(self, e, scope):
        file = scope.file
        left = self.eval(e.left, scope)
        right = self.eval(e.right, scope)
        if POISON in (left, right) if not isinstance(left, (list, dict)) else right is POISON:
            raise Abort()
        if left is None or right is None:
            self.unknown_dim(scope, e.left, left, f"used in `{e.op}`")
            self.unknown_dim(scope, e.right, right, f"used in `{e.op}`")
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
            self.unknown_dim(scope, e.operand, v, f"used in unary `{e.op}`")
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
            if op not in ("==", "!=") and (left is None or right is None):
                prev = e.first if right_e is e.rest[0][1] else None
                for x, v in ((prev, left), (right_e, right)):
                    self.unknown_dim(scope, x, v, f"compared with `{op}`")
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

    # ------------------------------------------------------------ control and data
    def ifexp(self, e, scope):
        """`a if cond else b`: the condition is a compile-time value, and only the
        chosen branch is evaluated (its nodes are recorded in an IfRegion whose
        `stmt` is this expression, for the targets)."""
        cond = self.eval(e.cond, scope)
        if cond is POISON:
            raise Abort()
        if isinstance(cond, (Tensor, LayerVal, Results)):  # a list of tensors has a length
            self.s.error(
                scope.file,
                e.cond.span,
                "type-error",
                f"the condition of `... if ... else ...` must be a compile-time value, not {kind_of(cond)}",
                "choose per element with a layer or `ops.where(cond, a, b)`",
            )
        branch = "body" if cond else "orelse"
        chosen = e.body if cond else e.orelse
        if not scope.tracks_syms:
            return self.eval(chosen, scope)
        record = IfRegion(e, cond, scope.sym(e.cond), branch)
        outer = scope.region
        scope.region = record.region
        try:
            v = self.eval(chosen, scope)
        finally:
            scope.region = outer
        if record.region or _runtime(v):
            scope.region.append(record)
        return v

    def listcomp(self, e, scope):
        out: list = []

        def element():
            v = self.eval(e.elt, scope)
            if v is POISON:
                raise Abort()
            out.append(v)
            if len(out) > MAX_ITEMS:
                raise LimitExceeded("items", "a comprehension")

        self._record(scope, self.comprehend(e, scope, element), out)
        return out

    def dictcomp(self, e, scope):
        out: dict = {}
        keys: list = []  # per element, for the targets

        def element():
            key = self.eval(e.key, scope)
            if key is POISON:
                raise Abort()
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.s.error(
                    scope.file,
                    e.key.span,
                    "type-error",
                    f"dict keys must be strings or numbers, got {kind_of(key)}",
                )
            v = self.eval(e.value, scope)
            if v is POISON:
                raise Abort()
            out[key] = v
            keys.append(key)
            if len(out) > MAX_ITEMS:
                raise LimitExceeded("items", "a comprehension")

        record = self.comprehend(e, scope, element)
        if record is not None:
            record.keys = keys
        self._record(scope, record, out)
        return out

    @staticmethod
    def _record(scope, record, value) -> None:
        """A comprehension that builds or holds tensors is recorded for the targets."""
        if record is not None and (_runtime(value) or any(reg for _, reg in record.iterations)):
            scope.region.append(record)

    def comprehend(self, e, scope, element):
        """Run `element` once per combination of the comprehension's `for`s that
        passes its filters, with the loop variables bound (and unbound after:
        they are the comprehension's own, as in Python).

        Inside a model or block, what each element builds is recorded as one
        iteration of a ForRegion whose `stmt` is `e`: (loop variables -> values,
        region); `positions` has, per element, the position of its item in each
        `for`'s iterable (the targets write a tensor-valued variable as that item)."""
        stmts = self.it.stmts
        names = [i.id for g in e.generators for i in S.target_idents(g.target)]
        saved = {n: (scope.vars.get(n, _UNSET), scope.syms.get(n, _UNSET)) for n in names}
        saved_rebound = set(scope.rebound)
        record = None
        if scope.tracks_syms:
            record = ForRegion(e, None, P.OPAQUE)
            record.positions = []
            if len(e.generators) == 1:
                record.iter_sym = scope.sym(e.generators[0].iter)
        outer = scope.region

        def run(k: int, env: dict, region: list, positions: tuple):
            if k == len(e.generators):
                if record is not None:
                    record.iterations.append((dict(env), region))
                    record.positions.append(positions)
                    scope.region = region
                try:
                    element()
                finally:
                    scope.region = outer
                return
            gen = e.generators[k]
            if record is not None and k:  # the first iterable is evaluated where the comprehension is
                scope.region = region
            try:
                items = stmts.iterable(scope, self.eval(gen.iter, scope), gen.iter, "a comprehension")
            finally:
                scope.region = outer
            if record is not None and k == 0:
                record.iter = items
            for pos, v in enumerate(items):
                self.s.budget.step()
                sub = list(region)  # each element: its own region (after the records of outer `for`s)
                if record is not None:
                    scope.region = sub
                try:
                    bound = stmts.bind_target(scope, gen.target, v, gen.iter.span)
                    ok = all(self._filter(scope, c) for c in gen.ifs)
                finally:
                    scope.region = outer
                if ok:
                    run(k + 1, {**env, **bound}, sub, (*positions, pos))

        try:
            run(0, {}, [], ())
        finally:
            scope.region = outer
            for n, (v, sym) in saved.items():
                if v is _UNSET:
                    scope.vars.pop(n, None)
                else:
                    scope.vars[n] = v
                if sym is _UNSET:
                    scope.syms.pop(n, None)
                else:
                    scope.syms[n] = sym
            scope.rebound = saved_rebound
        return record

    def _filter(self, scope, cond_e) -> bool:
        c = self.eval(cond_e, scope)
        if c is POISON:
            raise Abort()
        if isinstance(c, (Tensor, LayerVal, Results)):
            self.s.error(
                scope.file,
                cond_e.span,
                "type-error",
                f"a comprehension's `if` needs a compile-time value, not {kind_of(c)}",
            )
        return bool(c)

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


_UNSET = object()


def _runtime(v) -> bool:
    """A value that exists only in the generated code (a tensor, a layer, several tensors)."""
    if isinstance(v, (Tensor, LayerVal, Results)):
        return True
    if isinstance(v, dict):
        return any(_runtime(x) for x in v.values())
    return isinstance(v, (list, tuple)) and any(_runtime(x) for x in v)


def _index_tuple(scope, session, idx, e) -> tuple:
    """A tensor's index as a tuple of int / slice / Ellipsis / None (`x[0]` is `(0,)`)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for k, i in enumerate(items):
        if i is None or i is Ellipsis or isinstance(i, slice):
            continue
        if isinstance(i, int) and not isinstance(i, bool):
            continue
        span = e.index.items[k].span if isinstance(e.index, S.TupleExpr) else e.index.span
        session.error(
            scope.file,
            span,
            "type-error",
            f"a tensor index must be an int, a slice (`a:b:c`), `...` or None; got {kind_of(i)}",
            "indices are compile-time values; gathering by a tensor of indices (ops.take) is not in GDL yet",
        )
    if sum(1 for i in items if i is Ellipsis) > 1:
        session.error(scope.file, e.index.span, "value-error", "an index can have only one `...`")
    return tuple(items)


def _index_text(idx) -> str:
    """An index as GDL writes it (`:, 0`, `..., :16`)."""

    def one(i):
        if i is Ellipsis:
            return "..."
        if isinstance(i, slice):
            text = ("" if i.start is None else str(i.start)) + ":" + ("" if i.stop is None else str(i.stop))
            return text + (":" + str(i.step) if i.step is not None else "")
        return repr(i)

    if isinstance(idx, tuple) and idx:
        return ", ".join(one(i) for i in idx) + ("," if len(idx) == 1 else "")
    return one(idx)


def _index_hint(obj, idx) -> str | None:
    if isinstance(obj, (list, tuple, str, range)) and isinstance(idx, int) and not isinstance(idx, bool):
        n = len(obj)
        return (
            f"it has {n} item{'s' if n != 1 else ''}: indices run from {-n} to {n - 1}"
            if n
            else "it is empty"
        )
    if isinstance(obj, dict) and obj:
        keys = ", ".join(repr(k) for k in list(obj)[:8])
        return f"its keys are {keys}" + (", ..." if len(obj) > 8 else "")
    return None


def _shape_read(sym):
    """(tensor variable, axis) when `sym` is a size read from a tensor's shape (`x.shape[-1]`)."""
    s = P.strip(sym)
    if isinstance(s, P.Index):
        obj = P.strip(s.obj)
        if isinstance(obj, P.TensorAttr) and obj.attr == "shape":
            axis = s.index.value if isinstance(s.index, P.Const) else "?"
            return obj.var, axis
    return None


def _source_text(scope, e) -> str:
    """The text of expression `e` as written (brackets its span leaves open closed)."""
    try:
        text = scope.source[e.span.start : e.span.end]
    except (AttributeError, TypeError):
        return ""
    if not text or "\n" in text or len(text) > 60:
        return ""
    opened = []
    for ch in text:
        if ch in "([{":
            opened.append({"(": ")", "[": "]", "{": "}"}[ch])
        elif ch in ")]}" and opened and opened[-1] == ch:
            opened.pop()
    return text + "".join(reversed(opened))


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


def _after_c_comment(scope, span) -> bool:
    """The name follows a `//` on its line, outside strings: a C comment that parsed as floor division."""
    from graphc.compiler.parse import _c_comment

    try:
        text = scope.source
    except AttributeError:
        return False
    if not text or not (0 < span.start <= len(text)):
        return False
    at = _c_comment(text, span.start)
    return at is not None and text[at : at + 2] == "//" and not text[at + 2 : span.start].strip(" \t")
