"""How the PyTorch target writes each function of the catalog
(graphc/catalog/functions.py): the torch expression a PyTorch user writes,
with Keras's semantics (ops.gelu's tanh default, population std/var,
half-to-even rounding, floor division and modulo, one_hot of out-of-range
ids, Keras's result dtypes) and the tensors' layouts.

Layouts: the PyTorch module keeps image tensors channels-first.  A tensor in
layout `lay` of rank r is the Keras tensor with its axes permuted by
`perm(lay, r)` (torch dimension i holds Keras axis perm[i]).  `plan` decides,
from the catalog's `layout` kind, whether a function works on its inputs as
they are (element-wise functions; functions along an axis, whose axis
arguments are converted; reductions, whose result keeps what remains of the
permutation) or needs them in Keras's layout first; TorchEmitter.make_plan
and the walk both ask it.

A function or configuration that cannot be written exactly raises
`Unsupported` (a located diagnostic naming it).
"""

from __future__ import annotations

import math

from graphc.catalog.functions import BATCH, FLOATX, Spec, is_float, is_intlike
from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.functions import spec_of
from graphc.compiler.ir import Tensor
from graphc.compiler.specialize import Unexpressible
from graphc.targets import code as C
from graphc.targets.torch_layers import CF, CL, Unsupported

TORCH = C.Name("torch")
FN = C.Name("F")


# ====================================================================== layouts
def perm(layout: str, rank: int) -> list:
    """Keras axis held by each torch dimension of a tensor in `layout`."""
    if layout == CF and rank > 2:
        return [0, rank - 1, *range(1, rank - 1)]
    return list(range(rank))


def layout_of_perm(q: list) -> str | None:
    r = len(q)
    if q == list(range(r)):
        return CL
    if r > 2 and q == perm(CF, r):
        return CF
    return None


def _canon(axis, rank) -> list:
    axes = [axis] if isinstance(axis, int) else list(axis)
    return [a + rank if a < 0 else a for a in axes]


def _rank(t) -> int:
    return t.type.rank


def reduced_axes(node) -> list:
    x = node.args["x"]
    axis = node.args.get("axis")
    if axis is None:
        return list(range(_rank(x)))
    return _canon(axis, _rank(x))


def _flat_keep(node) -> bool:
    """A function along an axis that flattens instead (axis=None): Keras's layout."""
    name = node.fn.name
    return name in ("softmax", "roll", "cumsum", "repeat") and node.args.get("axis") is None


def plan(node, lays: list) -> tuple:
    """(the layout every tensor input must have, or None to keep them as they are;
    the layout of each output) for OpNode `node` whose tensor inputs have `lays`."""
    outs = node.outputs
    cl = (CL, [CL] * len(outs))
    ts = node.tensor_inputs()
    lays = [lay if _rank(t) > 2 else CL for t, lay in zip(ts, lays)]
    if not ts or all(lay == CL for lay in lays):
        return None, [CL] * len(outs)
    kind = node.fn.layout
    if len(set(lays)) != 1:
        return cl
    lay = lays[0]
    if kind == "elementwise":
        r = _rank(outs[0])
        if all(_rank(t) == r for t in ts):
            return None, [lay] * len(outs)
        return cl
    if kind == "keep":
        if _flat_keep(node) or any(_rank(o) != _rank(ts[0]) for o in outs):
            return cl
        return None, [lay] * len(outs)
    if kind == "reduce":
        x = node.args["x"]
        p = perm(lay, _rank(x))
        if node.args.get("keepdims"):
            q = p
        else:
            axes = set(reduced_axes(node))
            left = [k for k in p if k not in axes]
            order = sorted(left)
            q = [order.index(k) for k in left]
        out = layout_of_perm(q)
        if out is None:
            return cl
        return None, [out if _rank(o) > 2 else CL for o in outs]
    return cl


# ====================================================================== torch dtypes
_INTS = ("uint8", "int8", "int16", "int32", "int64")
_FLOATS = ("float16", "bfloat16", "float32", "float64")
_UNSUPPORTED_DTYPES = ("uint16", "uint32", "uint64")


def _cat(dt: str) -> int:
    return 0 if dt == "bool" else 1 if dt in _INTS else 2


def promote(a: str, b: str) -> str:
    """torch.promote_types."""
    if a == b:
        return a
    ca, cb = _cat(a), _cat(b)
    if ca != cb:
        return a if ca > cb else b
    if ca == 2:
        if {a, b} == {"float16", "bfloat16"}:
            return "float32"
        return max(a, b, key=_FLOATS.index)
    if {a, b} == {"uint8", "int8"}:
        return "int16"
    if "uint8" in (a, b):
        return b if a == "uint8" else a
    return max(a, b, key=_INTS.index)


def torch_result(operands: list) -> str:
    """torch.result_type of tensors (Specs) and Python scalars."""
    dim = zero = wrapped = None

    def join(cur, dt):
        return dt if cur is None else promote(cur, dt)

    for v in operands:
        if hasattr(v, "shape"):
            if len(v.shape):
                dim = join(dim, v.dtype)
            else:
                zero = join(zero, v.dtype)
        else:
            dt = "bool" if isinstance(v, bool) else "int64" if isinstance(v, int) else FLOATX
            wrapped = join(wrapped, dt)

    def combine(higher, lower):
        if higher is None:
            return lower
        if lower is None or _cat(higher) == 2:
            return higher
        if higher == "bool" or _cat(lower) == 2:
            return promote(higher, lower)
        return higher

    return combine(dim, combine(zero, wrapped))


# ====================================================================== code helpers
def call(name: str, *args, obj=TORCH, **kw) -> C.Expr:
    return C.Call(C.Attr(obj, name), tuple(args), tuple((k, v) for k, v in kw.items() if v is not None))


def meth(x: C.Expr, name: str, *args, **kw) -> C.Expr:
    return C.Call(C.Attr(x, name), tuple(args), tuple((k, v) for k, v in kw.items() if v is not None))


def dt_expr(dt: str) -> C.Expr:
    return C.Attr(TORCH, dt)


def cast(x: C.Expr, dt: str) -> C.Expr:
    return meth(x, "to", dt_expr(dt))


def lit(v) -> C.Expr:
    return C.lit(v)


def dims_lit(dims: list) -> C.Expr:
    return C.lit(dims[0]) if len(dims) == 1 else C.lit(tuple(dims))


# ====================================================================== the site
class Site:
    """What a spelling reads: the tensor inputs' code (converted to the planned
    layout), compile-time values with their provenance, values computed per
    occurrence, and decisions that must be the same in every occurrence."""

    def __init__(self, walk, nodes, e, occs, want):
        self.walk, self.nodes, self.e, self.occs = walk, nodes, e, occs
        self.node = nodes[0]
        self.fn = self.node.fn
        self.want = want
        self.names = [p.name for p in self.fn.params]
        self.pending: list = []

    # -- decisions
    def same(self, f):
        vals = [f(n) for n in self.nodes]
        if any(v != vals[0] for v in vals[1:]):
            raise Unexpressible()
        return vals[0]

    def arg(self, pname):
        return self.same(lambda n: _plain(n.args.get(pname)))

    def none(self, pname) -> bool:
        """Whether argument `pname` is None (in every occurrence; else Unexpressible)."""
        return self.same(lambda n: n.args.get(pname) is None)

    def spec(self, pname) -> object:
        """The Spec of a tensor argument (or the Python scalar) of the first occurrence; its
        dtype and rank (or the scalar) are the same in every occurrence."""

        def kind(v):  # what spellings decide on: tensor or number, dtype, rank
            v = _spec_or_value(v)
            return (v.dtype, v.rank, v.batched) if hasattr(v, "shape") else (type(v), v)

        self.same(lambda n: kind(n.args.get(pname)))
        return _spec_or_value(self.node.args.get(pname))

    def out_dtype(self, i: int = 0) -> str:
        return self.same(lambda n: n.outputs[i].type.dtype)

    def in_layout(self, pname) -> str:
        def f(n, occ):
            t = n.args[pname]
            t = t[0] if isinstance(t, (list, tuple)) else t
            if not isinstance(t, Tensor):
                return CL
            return self.want or (self.walk.em.layout(occ, t) if _rank(t) > 2 else CL)

        lays = [f(n, o) for n, o in zip(self.nodes, self.occs)]
        if any(x != lays[0] for x in lays):
            raise Unexpressible()
        return lays[0]

    def perm(self, pname="x") -> list:
        t = self.node.args[pname]
        t = t[0] if isinstance(t, (list, tuple)) else t
        return perm(self.in_layout(pname), _rank(t))

    # -- code
    def ast(self, pname):
        e = self.e
        if isinstance(e, S.Call):
            for k in e.kwargs:
                if k.name == pname:
                    return k.value
            if "#" in pname:
                return e.args[len(self.names) + int(pname.split("#")[1])]
            i = self.names.index(pname)
            return e.args[i] if i < len(e.args) else None
        if isinstance(e, S.BinOp):
            return (e.left, e.right)[self.names.index(pname)]
        if isinstance(e, S.Compare):
            return (e.first, e.rest[0][1])[self.names.index(pname)]
        if isinstance(e, S.Unary):
            return e.operand
        if isinstance(e, S.Index):
            return e.obj if pname == "x" else e.index
        raise Unexpressible()

    def x(self, pname="x") -> C.Expr:
        """Code for a tensor argument, in the planned layout."""
        ts = [n.args[pname] for n in self.nodes]
        if not all(isinstance(t, Tensor) for t in ts):
            raise Unexpressible()
        code, _ = self.walk._input(self.ast(pname), ts, self.want, self.occs)
        return code

    def xs(self, pname) -> list:
        """Code for each tensor of a list argument."""
        ast = self.ast(pname)
        lists = [n.args[pname] for n in self.nodes]
        if any(len(v) != len(lists[0]) for v in lists):
            raise Unexpressible()
        if isinstance(ast, (S.ListExpr, S.TupleExpr)):
            return [
                self.walk._input(item, [v[i] for v in lists], self.want, self.occs)[0]
                for i, item in enumerate(ast.items)
            ]
        if self.want is not None:
            for n, occ in zip(self.nodes, self.occs):
                for t in n.args[pname]:
                    if _rank(t) > 2 and self.walk.em.layout(occ, t) != self.want:
                        raise Unsupported(
                            f"{self.fn.spelled()} of a list of tensors in different layouts",
                            hint="write the list in the call: ops.concatenate([a, b], axis=-1)",
                        )
        return [C.Star(self.walk.expr(ast, self.occs))]

    def operand(self, pname) -> C.Expr:
        """A tensor, or a number written with its provenance."""
        vals = [n.args.get(pname) for n in self.nodes]
        if all(isinstance(v, Tensor) for v in vals):
            return self.x(pname)
        if any(isinstance(v, Tensor) for v in vals):
            raise Unexpressible()
        return self.v(pname)

    def v(self, pname) -> C.Expr:
        """A compile-time argument, written with its provenance."""
        pairs = [(n.args.get(pname), n.arg_syms.get(pname, P.OPAQUE)) for n in self.nodes]
        return self.walk.value(pairs, self.occs, pname)

    def lit(self, base: str, f) -> C.Expr:
        """A value computed from each occurrence's arguments (a torch dimension...)."""
        pairs = [(f(n), P.OPAQUE) for n in self.nodes]
        return self.walk.value(pairs, self.occs, base)

    def dims(self, axes_of, base="dim") -> C.Expr:
        """The torch dimension(s) of the Keras axes `axes_of(node)` (canonical) of input x."""

        def f(n):
            r = _rank(n.args["x"])
            p = perm(self.want or self._lay(n), r)
            dims = [p.index(a) for a in axes_of(n)]
            if p == list(range(r)):  # Keras's layout: the axes as the user wrote them (-1 stays -1)
                given = n.args.get("axis")
                given = [given] if isinstance(given, int) else list(given or ())
                written = {a + r if a < 0 else a: a for a in given}
                dims = [written.get(d, d) for d in dims]
            return dims[0] if len(dims) == 1 else tuple(dims)

        return self.lit(base, f)

    def _lay(self, n):
        occ = self.occs[self.nodes.index(n)]
        t = n.args["x"]
        t = t[0] if isinstance(t, (list, tuple)) else t
        return self.walk.em.layout(occ, t) if _rank(t) > 2 else CL


def _plain(v):
    if isinstance(v, Tensor):
        return ("tensor", v.type)
    if isinstance(v, (list, tuple)) and any(isinstance(x, Tensor) for x in v):
        return tuple(_plain(x) for x in v)
    return v


def _spec_or_value(v):
    if isinstance(v, Tensor):
        return spec_of(v)
    return v


# ====================================================================== spellings
SPELL: dict = {}


def spells(*names):
    def deco(f):
        for n in names:
            SPELL[n] = f
        return f

    return deco


def _unsupported_dtypes(s: Site):
    for n in s.nodes:
        for t in n.tensor_inputs() + n.outputs:
            if t.type.dtype in _UNSUPPORTED_DTYPES:
                raise Unsupported(
                    f"{s.fn.spelled()} on a {t.type.dtype} tensor: PyTorch has no arithmetic for {t.type.dtype}",
                    hint='cast it first: ops.cast(x, "int32")',
                )


# -- one tensor, element-wise
UNARY_TORCH = {
    "abs": "abs",
    "absolute": "abs",
    "sign": "sign",
    "sqrt": "sqrt",
    "exp": "exp",
    "log": "log",
    "log1p": "log1p",
    "sin": "sin",
    "cos": "cos",
    "tanh": "tanh",
    "relu": "relu",
    "sigmoid": "sigmoid",
    "logical_not": "logical_not",
}


@spells(*UNARY_TORCH)
def _unary(s: Site):
    x = s.spec("x")
    name = UNARY_TORCH[s.fn.name]
    code = s.x()
    if name in ("sqrt", "exp", "log", "log1p", "sin", "cos", "tanh") and is_intlike(x.dtype):
        return call(name, code), FLOATX  # torch computes integers in the default float dtype
    if name == "logical_not":
        return call(name, code), "bool"
    return call(name, code), x.dtype


@spells("negative")
def _negative(s: Site):
    return C.Unary("-", s.x()), s.spec("x").dtype


@spells("square")
def _square(s: Site):
    x = s.spec("x")
    code = s.x()
    if x.dtype == "bool":
        code = cast(code, "int32")
        return call("square", code), "int32"
    return call("square", code), x.dtype


@spells("floor", "ceil")
def _floor(s: Site):
    x = s.spec("x")
    out = s.out_dtype()
    code = s.x()
    if is_intlike(x.dtype):  # an integer is its own floor; Keras returns it as a float
        return cast(code, out), out
    return call(s.fn.name, code), x.dtype


@spells("gelu")
def _gelu(s: Site):
    approx = s.arg("approximate")
    code = s.x()
    if approx:
        return call("gelu", code, obj=FN, approximate=lit("tanh")), s.out_dtype()
    return call("gelu", code, obj=FN), s.out_dtype()


@spells("softmax")
def _softmax(s: Site):
    code = s.x()
    if s.none("axis"):  # every axis (a constant tensor): flatten, normalize, reshape
        flat = call("softmax", meth(code, "flatten"), lit(0))
        return meth(flat, "reshape", C.Attr(code, "shape")), s.out_dtype()
    d = s.dims(lambda n: _canon(n.args["axis"], _rank(n.args["x"])))
    return call("softmax", code, obj=FN, dim=d), s.out_dtype()


@spells("round")
def _round(s: Site):
    x = s.spec("x")
    decimals = s.arg("decimals")
    code = s.x()
    if decimals == 0:
        if is_intlike(x.dtype):
            return code, x.dtype
        return call("round", code), x.dtype  # torch.round rounds half to even, as tf.round
    if is_intlike(x.dtype):
        if decimals > 0:
            return code, x.dtype
        code = cast(code, FLOATX)
    factor = lit(math.pow(10, decimals))  # as Keras: x * 10**d, round, / 10**d, in the tensor's dtype
    out = C.Bin("/", call("round", C.Bin("*", code, factor)), factor)
    return out, (x.dtype if not is_intlike(x.dtype) else FLOATX)


@spells("clip")
def _clip(s: Site):
    x = s.spec("x")
    code = s.x()
    if x.dtype == "bool":
        code = cast(code, "int32")
    return call("clamp", code, s.v("x_min"), s.v("x_max")), "int32" if x.dtype == "bool" else x.dtype


@spells("cast")
def _cast(s: Site):
    dt = s.arg("dtype")
    x = s.spec("x")
    code = s.x()
    if dt == x.dtype:
        return code, dt
    return cast(code, dt), None  # exact


@spells("ones_like", "zeros_like")
def _like(s: Site):
    x = s.spec("x")
    dt = s.arg("dtype")
    code = s.x()
    if dt is None or dt == x.dtype:
        return call(s.fn.name, code), x.dtype
    return call(s.fn.name, code, dtype=dt_expr(dt)), dt


# -- two operands, element-wise
OPS = {
    "add": "+",
    "subtract": "-",
    "multiply": "*",
    "divide": "/",
    "true_divide": "/",
    "power": "**",
    "mod": "%",
    "equal": "==",
    "not_equal": "!=",
    "less": "<",
    "less_equal": "<=",
    "greater": ">",
    "greater_equal": ">=",
}


def _operands(s: Site):
    a, b = s.spec("x1"), s.spec("x2")
    if not hasattr(a, "shape") and not hasattr(b, "shape"):
        raise Unsupported(f"{s.fn.spelled()} of two numbers", hint="compute the number in GDL instead")
    return a, b


@spells(*OPS)
def _binop(s: Site):
    a, b = _operands(s)
    op = OPS[s.fn.name]
    ca, cb = s.operand("x1"), s.operand("x2")
    out = s.out_dtype()
    if s.fn.name == "mod" and out == "int32" and torch_result([a, b]) == "bool":
        ca, cb = (
            (cast(ca, "int32") if hasattr(a, "shape") else ca),
            (cast(cb, "int32") if hasattr(b, "shape") else cb),
        )
        return C.Bin("%", ca, cb), "int32"
    if op in ("==", "!=", "<", "<=", ">", ">="):
        return C.Compare(ca, ((op, cb),)), "bool"
    tdt = torch_result([a, b])
    if op == "/":
        tdt = tdt if _cat(tdt) == 2 else FLOATX
    return C.Bin(op, ca, cb), tdt


@spells("floor_divide")
def _floordiv(s: Site):
    a, b = _operands(s)
    ca, cb = s.operand("x1"), s.operand("x2")
    out = s.out_dtype()
    if is_float(out):  # TensorFlow's floordiv of floats is floor(x1 / x2)
        return call("floor", C.Bin("/", ca, cb)), torch_result([a, b]) if _cat(
            torch_result([a, b])
        ) == 2 else FLOATX
    return C.Bin("//", ca, cb), torch_result([a, b])


@spells("minimum", "maximum")
def _minmax(s: Site):
    a, b = _operands(s)
    bound = "max" if s.fn.name == "minimum" else "min"
    if hasattr(a, "shape") and hasattr(b, "shape"):
        return call(s.fn.name, s.x("x1"), s.x("x2")), torch_result([a, b])
    t, v = ("x1", "x2") if hasattr(a, "shape") else ("x2", "x1")
    return call("clamp", s.x(t), **{bound: s.v(v)}), torch_result([a, b])


@spells("logical_and", "logical_or")
def _logical(s: Site):
    a, b = _operands(s)
    if hasattr(a, "shape") and hasattr(b, "shape"):
        return call(s.fn.name, s.x("x1"), s.x("x2")), "bool"
    t, v = ("x1", "x2") if hasattr(a, "shape") else ("x2", "x1")
    value = bool(s.arg(v))
    code = s.x(t)
    if (s.fn.name == "logical_and") == value:  # x and true, x or false: x as bools
        return meth(code, "bool"), "bool"
    fill = "ones_like" if value else "zeros_like"
    return call(fill, code, dtype=dt_expr("bool")), "bool"


@spells("where")
def _where(s: Site):
    c, a, b = s.spec("condition"), s.spec("x1"), s.spec("x2")
    cond = s.x("condition")
    if c.dtype != "bool":
        cond = meth(cond, "bool")
    ca, cb = s.operand("x1"), s.operand("x2")
    return call("where", cond, ca, cb), torch_result([a, b])


# -- reductions
def _reduce_dims(s: Site) -> C.Expr | None:
    """dim= for a reduction (None: every axis, when the call reduces all of them)."""
    if s.none("axis"):
        return None
    return s.dims(lambda n: sorted(reduced_axes(n)))


def _keep(s: Site):
    return lit(True) if s.arg("keepdims") else None


def _all_dims(s: Site):
    return s.lit("dim", lambda n: tuple(range(_rank(n.args["x"]))))


@spells("mean")
def _mean(s: Site):
    x = s.spec("x")
    code = s.x()
    if is_intlike(x.dtype):
        code = cast(code, FLOATX)
    d = _reduce_dims(s)
    if d is None and s.arg("keepdims"):
        d = _all_dims(s)
    if d is None:
        return meth(code, "mean"), s.out_dtype()
    return meth(code, "mean", d, keepdim=_keep(s)), s.out_dtype()


@spells("sum")
def _sum(s: Site):
    out = s.out_dtype()
    if out in _UNSUPPORTED_DTYPES:
        _unsupported_dtypes(s)
    code = s.x()
    d = _reduce_dims(s)
    if d is None and s.arg("keepdims"):
        d = _all_dims(s)
    dtype = dt_expr(out) if is_intlike(out) else None
    exact = None if dtype is not None else out
    if d is None:
        return meth(code, "sum", dtype=dtype), exact
    return meth(code, "sum", d, keepdim=_keep(s), dtype=dtype), exact


@spells("max", "min")
def _amax(s: Site):
    code = s.x()
    name = "amax" if s.fn.name == "max" else "amin"
    d = _reduce_dims(s)
    if d is None:
        d = _all_dims(s) if s.arg("keepdims") else None
    out = meth(code, name, d, keepdim=_keep(s)) if d is not None else meth(code, name)
    if not s.none("initial"):
        bound = "min" if s.fn.name == "max" else "max"
        out = call("clamp", out, **{bound: s.v("initial")})
        return out, torch_result([s.spec("x"), s.arg("initial")])
    return out, s.spec("x").dtype


@spells("prod")
def _prod(s: Site):
    out = s.out_dtype()
    _unsupported_dtypes(s)
    code = s.x()
    keep = bool(s.arg("keepdims"))
    dtype = dt_expr(out) if out != s.spec("x").dtype or is_intlike(out) else None
    if s.none("axis") and not keep:
        return meth(code, "prod", dtype=dtype), out
    dims = s.same(
        lambda n: sorted(
            (perm(s.want or s._lay(n), _rank(n.args["x"])).index(a) for a in reduced_axes(n)),
            reverse=not keep,
        )
    )
    if len(dims) > 1 and s.walk.template is not None and len(s.nodes) > 1:
        raise Unexpressible()
    for i, d in enumerate(dims):
        code = meth(
            code, "prod", lit(d), keepdim=lit(True) if keep else None, dtype=dtype if i == 0 else None
        )
    return code, out


@spells("std", "var")
def _stdvar(s: Site):
    x = s.spec("x")
    out = s.out_dtype()
    code = s.x()
    if x.dtype != out or is_intlike(x.dtype):
        code = cast(code, out if is_float(out) else FLOATX)
    d = _reduce_dims(s)
    if d is None:
        d = _all_dims(s)
    return call(s.fn.name, code, d, correction=lit(0), keepdim=_keep(s)), out


@spells("argmax", "argmin")
def _argmax(s: Site):
    code = s.x()
    if s.none("axis"):
        if s.arg("keepdims"):
            raise Unsupported(f"{s.fn.spelled()} with axis=None and keepdims=true")
        return cast(call(s.fn.name, code), "int32"), None
    d = _reduce_dims(s)
    return cast(call(s.fn.name, code, dim=d, keepdim=_keep(s)), "int32"), None


@spells("logsumexp")
def _logsumexp(s: Site):
    x = s.spec("x")
    code = s.x()
    if x.dtype != FLOATX:
        code = cast(code, FLOATX)
    d = _reduce_dims(s)
    if d is None:
        d = _all_dims(s)
    return call("logsumexp", code, d, keepdim=_keep(s)), FLOATX


@spells("norm")
def _norm(s: Site):
    x = s.spec("x")
    out = s.out_dtype()
    code = s.x()
    if x.dtype != out:
        code = cast(code, out)
    o = s.arg("ord")
    keep = _keep(s)
    n_axes = s.same(lambda n: len(reduced_axes(n)))
    d = s.dims(lambda n: sorted(reduced_axes(n)) if n_axes == 1 else reduced_axes(n))
    if n_axes == 1:
        if o is None or o == 2:  # as Keras: sqrt(sum(x * x))
            return call("sqrt", meth(C.Bin("*", code, code), "sum", d, keepdim=keep)), out
        if o == math.inf:
            return meth(meth(code, "abs"), "amax", d, keepdim=keep), out
        if o == -math.inf:
            return meth(meth(code, "abs"), "amin", d, keepdim=keep), out
        if o == 0:
            return meth(cast(C.Compare(code, (("!=", lit(0)),)), out), "sum", d, keepdim=keep), out
        p = s.v("ord")
        inner = meth(C.Bin("**", meth(code, "abs"), p), "sum", d, keepdim=keep)
        return C.Bin("**", inner, C.Bin("/", lit(1.0), p)), out
    if o is None or o == "fro":
        return call("sqrt", meth(C.Bin("*", code, code), "sum", d, keepdim=keep)), out
    return call("matrix_norm", code, s.v("ord"), dim=d, keepdim=keep, obj=C.Attr(TORCH, "linalg")), out


# -- along an axis
def _axis_dim(s: Site, base="dim"):
    return s.dims(lambda n: _canon(n.args["axis"], _rank(n.args["x"])), base)


@spells("cumsum")
def _cumsum(s: Site):
    out = s.out_dtype()
    x = s.spec("x")
    code = s.x()
    dtype = dt_expr(out) if out != x.dtype or is_intlike(out) else None
    exact = None if dtype is not None else out
    if s.none("axis"):
        return call("cumsum", meth(code, "flatten"), lit(0), dtype=dtype), exact
    return call("cumsum", code, _axis_dim(s), dtype=dtype), exact


@spells("flip")
def _flip(s: Site):
    code = s.x()
    if s.none("axis"):
        return call("flip", code, _all_dims(s)), s.out_dtype()
    dims = s.dims(lambda n: _canon(n.args["axis"], _rank(n.args["x"])), "dims")
    if isinstance(dims, C.Lit) and not dims.text.startswith("("):  # torch.flip takes a tuple
        dims = C.Tuple((dims,))
    return call("flip", code, dims), s.out_dtype()


@spells("roll")
def _roll(s: Site):
    code = s.x()
    if s.none("axis"):
        return call("roll", code, s.v("shift")), s.out_dtype()
    one_shift = s.same(lambda n: isinstance(n.args["shift"], int))
    n_axes = s.same(lambda n: len(_canon(n.args["axis"], 0)))
    if one_shift and n_axes > 1:
        shifts = s.lit("shifts", lambda n: (n.args["shift"],) * n_axes)
    else:
        shifts = s.v("shift")
    return call("roll", code, shifts, _axis_dim(s, "dims")), s.out_dtype()


@spells("top_k")
def _topk(s: Site):
    if not s.arg("sorted"):
        raise Unsupported(
            "ops.top_k(sorted=false): TensorFlow and PyTorch return the unsorted values in different orders",
            hint="use sorted=true",
        )
    code = s.x()
    d = s.dims(lambda n: [_rank(n.args["x"]) - 1])
    top = C.Name(s.walk.ns.take("top"))
    s.walk.pending.append(C.Assign([top], call("topk", code, s.v("k"), dim=d), s.walk.where(s.node)))
    return C.Tuple((C.Attr(top, "values"), cast(C.Attr(top, "indices"), "int32"))), None


@spells("concatenate")
def _concat(s: Site):
    xs = s.xs("xs")
    d = s.lit(
        "dim",
        lambda n: perm(s.want or _lay_list(s, n), _rank(n.args["xs"][0])).index(
            _canon(n.args["axis"], _rank(n.args["xs"][0]))[0]
        ),
    )
    specs = s.same(lambda n: tuple(Spec((), t.type.dtype) for t in n.args["xs"]))
    return call("cat", C.List(tuple(xs)), dim=d), torch_result(list(specs))


def _lay_list(s: Site, n):
    occ = s.occs[s.nodes.index(n)]
    t = n.args["xs"][0] if "xs" in n.args else n.args["x"][0]
    return s.walk.em.layout(occ, t) if _rank(t) > 2 else CL


@spells("stack")
def _stack(s: Site):
    xs = s.xs("x")
    d = s.lit("dim", lambda n: _canon(n.args["axis"], _rank(n.args["x"][0]) + 1)[0])
    specs = s.same(lambda n: tuple(Spec((), t.type.dtype) for t in n.args["x"]))
    return call("stack", C.List(tuple(xs)), dim=d), torch_result(list(specs))


@spells("split")
def _split(s: Site):
    code = s.x()
    sec = s.arg("indices_or_sections")
    arg = (
        s.v("indices_or_sections")
        if isinstance(sec, int)
        else s.lit("indices", lambda n: list(n.args["indices_or_sections"]))
    )
    return call("tensor_split", code, arg, dim=_axis_dim(s)), None


@spells("repeat")
def _repeat(s: Site):
    code = s.x()
    if s.same(lambda n: len(n.args["repeats"]) == 1):
        r = s.lit("repeats", lambda n: n.args["repeats"][0])
    else:
        r = call("tensor", s.lit("repeats", lambda n: list(n.args["repeats"])), device=C.Attr(code, "device"))
    if s.none("axis"):
        return meth(meth(code, "flatten"), "repeat_interleave", r), s.out_dtype()
    return meth(code, "repeat_interleave", r, dim=_axis_dim(s)), s.out_dtype()


# -- Keras's layout (inputs converted)
@spells("matmul")
def _matmul(s: Site):
    a, b = s.spec("x1"), s.spec("x2")
    if a.dtype == "int8" and b.dtype == "int8":
        raise Unsupported(
            "ops.matmul of int8 tensors (Keras accumulates in int32)", hint='cast them: ops.cast(x, "int32")'
        )
    return C.Bin("@", s.x("x1"), s.x("x2")), torch_result([a, b])


@spells("einsum")
def _einsum(s: Site):
    n_ops = s.same(lambda n: len(n.args["operands"]))
    codes = [_operand_code(s, i) for i in range(n_ops)]
    specs = s.same(lambda n: tuple(Spec((1,), t.type.dtype) for t in n.args["operands"]))
    if all(sp.dtype == "int8" for sp in specs):
        raise Unsupported(
            "ops.einsum of int8 tensors (Keras accumulates in int32)", hint='cast them: ops.cast(x, "int32")'
        )
    return call("einsum", s.v("subscripts"), *codes), torch_result(list(specs))


def _operand_code(s: Site, i: int):
    ts = [n.args["operands"][i] for n in s.nodes]
    ast = s.e.args[1 + i]
    return s.walk._input(ast, ts, s.want, s.occs)[0]


@spells("transpose")
def _transpose(s: Site):
    code = s.x()
    if s.none("axes"):
        axes = s.lit("axes", lambda n: tuple(reversed(range(_rank(n.args["x"])))))
    else:
        axes = s.lit("axes", lambda n: tuple(_canon(n.args["axes"], _rank(n.args["x"]))))
    return meth(code, "permute", axes), s.out_dtype()


@spells("reshape")
def _reshape(s: Site):
    return meth(s.x(), "reshape", s.v("newshape")), s.out_dtype()


@spells("expand_dims")
def _expand(s: Site):
    code = s.x()
    axes = s.same(
        lambda n: sorted(
            _canon(
                n.args["axis"],
                _rank(n.args["x"]) + (1 if isinstance(n.args["axis"], int) else len(n.args["axis"])),
            )
        )
    )
    if len(axes) == 1:
        return meth(code, "unsqueeze", s.lit("axis", lambda n: axes[0])), s.out_dtype()
    for a in axes:
        code = meth(code, "unsqueeze", lit(a))
    return code, s.out_dtype()


@spells("squeeze")
def _squeeze(s: Site):
    code = s.x()
    # the static axes of size 1 (torch would also drop a batch of one)
    dims = s.lit(
        "dims",
        lambda n: tuple(
            i
            for i, d in enumerate(spec_of(n.args["x"]).shape)
            if d is not BATCH
            and d == 1
            and (n.args["axis"] is None or i in _canon(n.args["axis"], _rank(n.args["x"])))
        ),
    )
    return meth(code, "squeeze", dims), s.out_dtype()


@spells("tile")
def _tile(s: Site):
    return call("tile", s.x(), s.v("repeats")), s.out_dtype()


@spells("one_hot")
def _one_hot(s: Site):
    x = s.spec("x")
    out = s.out_dtype()
    code = s.x()
    if is_float(x.dtype):
        code = meth(code, "long")  # tf.one_hot casts the ids to int64 (truncating)
    classes = call("arange", s.v("num_classes"), device=C.Attr(code, "device"))
    hot = C.Compare(meth(code, "unsqueeze", lit(-1)), (("==", classes),))  # ids outside [0, n): zeros
    if out != "bool":
        hot = cast(hot, out)
    if s.same(lambda n: n.args["axis"] != -1):
        hot = meth(hot, "movedim", lit(-1), s.lit("axis", lambda n: n.args["axis"]))
    return hot, None if out != "bool" else "bool"


@spells("arange")
def _arange(s: Site):
    walk = s.walk
    if walk.loops:
        raise Unexpressible()  # a buffer per iteration: unrolled
    out = s.out_dtype()
    walk.in_init = True
    try:
        args = [s.v("start")]
        if not s.none("stop"):
            args.append(s.v("stop"))
        if not s.none("step"):
            args.append(s.v("step"))
    finally:
        walk.in_init = False
    value = call("arange", *args, dtype=dt_expr(out))
    attr = walk.attrs.take("arange" if s.node.outputs[0].var is None else s.node.outputs[0].var)
    walk.init.append(
        C.ExprStmt(
            call("register_buffer", lit(attr), value, obj=C.Name("self"), persistent=lit(False)),
            walk.where(s.node),
        )
    )
    return C.Attr(C.Name("self"), attr), out


def forward_key(keys: tuple, shape: tuple) -> tuple:
    """A numpy index as PyTorch can take it: (axes to flip first, the index), with each
    slice of negative step read forward from the flipped axis (PyTorch slices forward only)."""
    items: list = []
    flips: list = []
    pos = 0
    for k in keys:
        if k is Ellipsis:
            pos = len(shape) - sum(1 for j in keys[keys.index(Ellipsis) + 1 :] if j is not None)
            items.append(Ellipsis)
            continue
        if k is None:
            items.append(None)
            continue
        if isinstance(k, slice) and k.step is not None and k.step < 0:
            size = shape[pos]
            if not isinstance(size, int) or size is BATCH:
                raise Unsupported(
                    "a negative slice step on an axis of unknown size (PyTorch slices only forward)",
                    hint="flip the axis first with ops.flip(x, axis=...)",
                )
            r = range(*k.indices(size))
            flips.append(pos)
            if not r:
                items.append(slice(0, 0))
            else:  # flipped, element i is at size - 1 - i
                a, b = size - 1 - r[0], size - 1 - r[-1] + 1
                items.append(slice(a or None, b if b != size else None, -k.step if k.step != -1 else None))
        else:
            items.append(k)
        pos += 1
    return tuple(flips), tuple(items)


@spells("getitem")
def _getitem(s: Site):
    code = s.x()
    keys = s.same(lambda n: n.args["key"])
    shape = s.same(lambda n: spec_of(n.args["x"]).shape)
    flips, items = forward_key(keys, shape)

    def one(k):
        if k is Ellipsis:
            return C.Lit("...")
        if isinstance(k, slice):
            return C.Slice(*(None if v is None else lit(v) for v in (k.start, k.stop, k.step)))
        return lit(k)

    if flips:
        code = call("flip", code, lit(flips))
    parts = tuple(one(k) for k in items)
    key = parts[0] if len(parts) == 1 else C.Tuple(parts)
    return C.Sub(code, key), s.out_dtype()


# ====================================================================== the entry point
def write(walk, nodes, e, occs) -> C.Expr:
    """The torch expression for the OpNodes `nodes` (one per occurrence) made at `e`."""
    fn = nodes[0].fn
    if any(n.fn is not fn for n in nodes):
        raise Unexpressible()
    spell = SPELL.get(fn.name)
    if spell is None:
        raise Unsupported(f"{fn.spelled()} has no PyTorch spelling yet")
    plans = []
    for n, occ in zip(nodes, occs):
        lays = [walk.em.layout(occ, t) for t in n.tensor_inputs()]
        plans.append(plan(n, lays))
    if any(p != plans[0] for p in plans[1:]):
        raise Unexpressible()
    want, _ = plans[0]
    site = Site(walk, nodes, e, occs, want)
    if fn.name not in ("sum", "prod"):
        _unsupported_dtypes(site)
    code, tdt = spell(site)
    if tdt is not None and len(nodes[0].outputs) == 1:
        out = site.out_dtype()
        # integer tensors may be int64 in the PyTorch module where Keras has int32 (model
        # inputs arrive as int64): an integer result derived from them is cast to Keras's dtype
        ints_in = any(_cat(t.type.dtype) == 1 for n in nodes for t in n.tensor_inputs())
        if tdt != out or (_cat(out) == 1 and out != "int64" and ints_in):
            code = cast(code, out)
    return code
