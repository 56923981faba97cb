"""Functions on tensors: `ops.NAME(...)`, `keras.ops.NAME(...)`, the operators on
tensors (`x + 1`, `x @ w`, `-x`, `x < 0`) and indexing (`x[:, 0]`).

Each application runs the catalog's rule (graphc/catalog/functions.py) at
once, so shapes and dtypes are known and errors are located, and becomes one
IR `OpNode`: the function, its arguments by parameter name (tensors, lists of
tensors, compile-time values), the provenance of the compile-time ones, and
the expression it came from (for the targets' walk).

Tensors of a model have their batch axis first and only there; a function of
constants only (`ops.arange(10)`) makes a tensor without batch axis, whose
type is `UnbatchedType` (its shape is its whole shape).
"""

from __future__ import annotations

from graphc.compiler import syntax as S
from graphc.compiler.ir import OpNode, Tensor
from graphc.compiler.values import POISON, Builtin, Results
from graphc.diagnostics import Abort, suggestion
from graphc.ops.base import ArgError, ShapeError, is_num
from graphc.records import dataclass
from graphc.types import TensorType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from graphc.catalog.functions import Spec

# graphc.catalog.functions (the keras.ops catalog) is imported where a function is
# used, not here: a check of a file that calls none does without it


@dataclass(frozen=True)
class UnbatchedType(TensorType):
    """The type of a tensor without batch axis (made from constants, as by
    ops.arange): `shape` is its whole shape."""

    @property
    def rank(self) -> int:
        return len(self.shape)

    def __str__(self) -> str:
        from graphc.catalog.functions import fmt

        return fmt(self.shape)


def is_unbatched(t) -> bool:
    return isinstance(t, Tensor) and isinstance(t.type, UnbatchedType)


def spec_of(t: Tensor) -> Spec:
    from graphc.catalog.functions import BATCH, Spec

    if isinstance(t.type, UnbatchedType):
        return Spec(tuple(t.type.shape), t.type.dtype)
    return Spec((BATCH, *t.type.shape), t.type.dtype)


def type_of(spec: Spec) -> TensorType:
    from graphc.catalog.functions import unknown

    if spec.batched:
        return TensorType(tuple(None if unknown(d) else d for d in spec.shape[1:]), spec.dtype)
    return UnbatchedType(tuple(spec.shape), spec.dtype)


MULTI = {"split", "top_k"}  # functions that return several tensors (unpacked like a layer's results)


class Functions:
    def __init__(self, it):
        self.it = it
        self.s = it.session

    # ------------------------------------------------------------ values
    def value(self, scope, name: str, e) -> Builtin:
        """`ops.NAME`: the function, to be called."""
        from graphc.catalog.functions import FUNCTIONS

        if name not in FUNCTIONS or name == "getitem":
            known = sorted(n for n in FUNCTIONS if n != "getitem")
            self.s.error(
                scope.file,
                e.span,
                "undefined-name",
                f"graphc does not know `ops.{name}`",
                suggestion(name, known) or "the keras.ops functions graphc knows: " + ", ".join(known),
            )

        def call(it, scope, args, kwargs, e, _name=name):
            return it.functions.apply(scope, _name, args, kwargs, e)

        return Builtin(f"ops.{name}", call, "a function")

    # ------------------------------------------------------------ applying
    def apply(self, scope, name: str, args: list, kwargs: dict, e, exprs=None):
        """Apply function `name` to `args`/`kwargs` at expression `e`.  `exprs`:
        (positional argument expressions, {keyword: expression}) when `e` is not a
        call (an operator, an index)."""
        from graphc.catalog.functions import FUNCTIONS, Spec

        file = scope.file
        fn = FUNCTIONS[name]
        if exprs is None:
            if isinstance(e, S.Call):
                exprs = (list(e.args), {k.name: k.value for k in e.kwargs})
            elif isinstance(e, S.Index):
                exprs = ([e.obj, e.index], {})
            else:
                exprs = ([], {})
        pos_exprs, kw_exprs = exprs
        for v in [*args, *kwargs.values()]:
            if v is POISON or (isinstance(v, (list, tuple)) and any(x is POISON for x in v)):
                raise Abort()
        if scope.builder is None:
            self.s.error(
                file,
                e.span,
                "misplaced-statement",
                f"{fn.spelled()} makes a tensor, which only a model or a block can hold",
            )
        backs: dict = {}

        def to_spec(v, where):
            if isinstance(v, Results):
                self.s.error(
                    file,
                    where.span if where is not None else e.span,
                    "type-error",
                    f"{fn.spelled()} got several tensors (a multi-result layer, block or function) as one argument",
                    "unpack them first: a, b = ...",
                )
            if isinstance(v, Tensor):
                sp = spec_of(v)
                backs[id(sp)] = (sp, v)
                return sp
            if isinstance(v, (list, tuple)) and any(isinstance(x, (Tensor, Results)) for x in v):
                return type(v)(to_spec(x, where) for x in v)
            return v

        pos = [to_spec(v, pos_exprs[i] if i < len(pos_exprs) else None) for i, v in enumerate(args)]
        kw = {k: to_spec(v, kw_exprs.get(k)) for k, v in kwargs.items()}
        names = [p.name for p in fn.params]

        def expr_of(arg):
            """The expression of parameter (or "#i") `arg`, or None."""
            if arg is None:
                return None
            if isinstance(arg, str) and arg.startswith("#"):
                i = int(arg[1:])
                return pos_exprs[i] if i < len(pos_exprs) else None
            if arg in kw_exprs:
                return kw_exprs[arg]
            if arg in names:
                i = names.index(arg)
                return pos_exprs[i] if i < len(pos_exprs) else None
            return None

        def span_of(arg):
            if isinstance(e, S.Call) and any(k.name == arg for k in e.kwargs):
                from graphc.compiler.graphs import arg_span

                return arg_span(e, arg)  # `axis=5`, the keyword included
            x = expr_of(arg)
            if x is not None:
                return x.span
            return e.func.span if isinstance(e, S.Call) else e.span

        try:
            a = fn.bind(pos, kw)
            outs = fn.run(a)
        except (ArgError, ShapeError) as err:
            arg = getattr(err, "arg", None)
            self.s.error(file, span_of(arg) if arg else e.span, err.code, err.message, err.hint)

        def back(v):
            if isinstance(v, Spec):
                return backs[id(v)][1]
            if isinstance(v, (list, tuple)):
                return type(v)(back(x) for x in v)
            return v

        node_args = {k: back(v) for k, v in a.items()}
        syms = {}
        if scope.tracks_syms:
            given = {
                names[i] if i < len(names) else f"{fn.varargs}#{i - len(names)}": x
                for i, x in enumerate(pos_exprs)
            }
            given.update(kw_exprs)
            for k, x in given.items():
                if x is None or k not in node_args or _holds_tensor(node_args[k]):
                    continue
                syms[k] = scope.sym(x)
        self.s.budget.layer()  # LimitExceeded ends the compilation
        b = scope.builder
        node = OpNode(
            self.s.next_id(),
            span=e.span,
            file=file,
            block=b.current_block,
            site=e,
            fn=fn,
            args=node_args,
            arg_syms=syms,
        )
        node.outputs = [
            self.it.graphs.new_tensor(type_of(sp), node, e.span, file, i) for i, sp in enumerate(outs)
        ]
        b.graph.nodes.append(node)
        b.current_items.append(node)
        scope.region.append(node)
        if name in MULTI:
            return Results(list(node.outputs))
        return node.outputs[0]

    # ------------------------------------------------------------ operators
    def operator(self, scope, op: str, operands: list, e):
        """`a OP b` (or `-a`) where an operand is a tensor."""
        file = scope.file
        for v in operands:
            if isinstance(v, Results):
                self.s.error(
                    file,
                    e.span,
                    "type-error",
                    f"`{op}` got several tensors (a multi-result layer, block or function)",
                    "unpack them first: a, b = ...",
                )
            if not (isinstance(v, Tensor) or is_num(v) or isinstance(v, bool)):
                from graphc.compiler.expressions import kind_of

                self.s.error(
                    file,
                    e.span,
                    "type-error",
                    f"`{op}` on a tensor takes a tensor or a number on the other side, got {kind_of(v)}",
                )
        if isinstance(e, S.BinOp):
            exprs = ([e.left, e.right], {})
        elif isinstance(e, S.Compare):
            exprs = ([e.first, e.rest[0][1]], {})
        else:
            exprs = ([e.operand], {})
        from graphc.catalog.functions import OPERATORS

        name = "negative" if isinstance(e, S.Unary) else OPERATORS[op].name
        return self.apply(scope, name, operands, {}, e, exprs)

    def getitem(self, scope, x, key, e):
        """`x[key]` on a tensor, `key` a tuple of ints, slices, Ellipsis and None."""
        obj = getattr(e, "obj", None)
        idx = getattr(e, "index", None)
        return self.apply(scope, "getitem", [x, key], {}, e, ([obj, idx], {}))


def _holds_tensor(v) -> bool:
    if isinstance(v, Tensor):
        return True
    return isinstance(v, (list, tuple)) and any(isinstance(x, Tensor) for x in v)
