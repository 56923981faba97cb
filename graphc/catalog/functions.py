"""The catalog of functions: `keras.ops` and the operators on tensors.

One entry per function (a subclass of `Fn` registered with `@function`),
declarative like the layer catalog (graphc/ops/base.py): Keras's argument
names, order and defaults (`P` with validators), and a rule `infer` that
computes the output shapes and dtypes exactly as `keras.ops.NAME` computes
them on KerasTensors (`compute_output_spec` in keras/src/ops/*.py, Keras 3
on the TensorFlow backend, whose dtype rules are the reference).

Shapes here are *full* shapes, the batch axis included: a tensor of a model
is `Spec((BATCH, 3, 4), "float32")`; a tensor made from constants only
(`ops.arange(10)`) has no batch axis: `Spec((10,), "int32")`.  `BATCH` is an
unknown size (None in Keras) that the rules carry like None, so that a
function that would reduce the batch axis, move it, or align it with another
axis is a compile error: graphc keeps every tensor of a model batch-first.

Every error is raised as `ArgError` (a bad argument; `arg` names it) or
`ShapeError` (tensors the function cannot combine), in the user's terms.
"""

from __future__ import annotations

import math
from functools import lru_cache

from graphc.ops.base import (
    DTYPES,
    REQUIRED,
    ArgError,
    Args,
    P,
    ShapeError,
    bool_,
    describe_value,
    is_int,
    is_num,
    str_,
    type_error,
)
from graphc.records import dataclass

TYPE_CHECKING = False  # (importing typing costs a cold `graphc check` 4%)
if TYPE_CHECKING:
    from typing import Callable, ClassVar

FUNCTIONS: dict[str, "type[Fn]"] = {}  # keras.ops name (and aliases) -> entry
FLOATX = "float32"


# ====================================================================== dims
class _Batch:
    """The batch axis's size: unknown (None to Keras), and tracked."""

    __slots__ = ()

    def __repr__(self):
        return "None"


BATCH = _Batch()


def unknown(d) -> bool:
    return d is None or d is BATCH


@dataclass(frozen=True)
class Spec:
    """What a function sees of a tensor: its full shape and its dtype."""

    shape: tuple
    dtype: str = FLOATX
    kind_name: ClassVar[str] = "a tensor"

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def batched(self) -> bool:
        return bool(self.shape) and self.shape[0] is BATCH

    def __str__(self) -> str:
        return fmt(self.shape)


def fmt(shape) -> str:
    items = ["None" if unknown(d) else str(d) for d in shape]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def keras_shape(shape) -> tuple:
    """A full shape as Keras writes it (BATCH is None)."""
    return tuple(None if unknown(d) else d for d in shape)


# ====================================================================== dtypes
# Keras 3's type promotion (keras/src/backend/common/dtypes.py), with the
# TensorFlow backend's choices: a Python int is int64 before it is resolved,
# 64-bit types stay 64-bit.
_LATTICE = {
    "bool": ("int",),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int": ("uint8", "int8", "complex64"),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _upper_bounds() -> dict:
    ub = {n: {n} for n in _LATTICE}
    for n in _LATTICE:
        while True:
            new = set().union(*(set(_LATTICE[b]) for b in ub[n]))
            if new <= ub[n]:
                break
            ub[n] |= new
    return ub


_UB = _upper_bounds()


@lru_cache(256)
def _lub(*nodes) -> str:
    bounds = [_UB[n] for n in set(nodes)]
    cub = set.intersection(*bounds)
    lub = (cub & set(nodes)) or {c for c in cub if cub <= _UB[c]}
    if len(lub) != 1:
        raise ArgError(
            f"the dtypes {', '.join(sorted(set(nodes)))} have no common type", code="argument-type"
        )
    return lub.pop()


_PY = {int: "int64", float: "float32", bool: "bool"}


def _resolve_weak(dtype: str) -> str:
    if dtype == "bool":
        return "bool"
    head = "f" if dtype == "bfloat16" else dtype[:1]
    return {"i": "int32", "u": "uint32", "b": "bool"}.get(head, "float32")


def result_type(*args) -> str:
    """keras.backend.result_type: args are dtype names or the Python types int, float, bool."""
    if not args:
        return FLOATX
    pairs = []
    for a in args:
        if a is None:
            a = FLOATX
        weak = a is int or a is float
        pairs.append((_PY.get(a, a), weak))
    dts = [d for d, _ in pairs]
    weaks = [w for _, w in pairs]
    if len(dts) == 1:
        out, weak = dts[0], weaks[0]
    elif len(set(dts)) == 1 and not all(weaks):
        out, weak = dts[0], False
    elif all(weaks):
        out, weak = _lub(*sorted(set(dts))), True
    else:
        nodes = set()
        for d, w in pairs:
            if w and d != "bool":
                d = "float" if "float" in d else "int" if "int" in d else d
            nodes.add(d)
        out = _lub(*sorted(nodes))
        weak = out in ("int", "float")
    weak = out != "bool" and weak
    if weak:
        out = _resolve_weak(out)
    return {"uint64": "uint32", "complex128": "complex64"}.get(out, out)


def dtype_of(v) -> str | type:
    """What result_type takes for an operand: a tensor's dtype, a Python scalar's type."""
    if isinstance(v, Spec):
        return v.dtype
    return type(v)


def is_float(dt: str) -> bool:
    return "float" in dt


def is_intlike(dt: str) -> bool:
    return "int" in dt or dt == "bool"


# ====================================================================== validators
def tensor_(v):
    if not isinstance(v, Spec):
        e = type_error("a tensor", v)
        if is_num(v):
            e.hint = "keras.ops functions take tensors; compute a number in GDL itself (16 ** 0.5, abs(x), max(a, b))"
        raise e
    return v


tensor_.doc = "tensor"
tensor_.tensor = True


def operand_(v):
    """A tensor, or a number that Keras broadcasts (a Python scalar: weakly typed)."""
    if isinstance(v, Spec) or is_num(v) or isinstance(v, bool):
        return v
    raise type_error("a tensor or a number", v)


operand_.doc = "tensor or number"
operand_.tensor = True


def tensors_(v):
    if not isinstance(v, (list, tuple)) or not v or not all(isinstance(x, Spec) for x in v):
        raise type_error("a non-empty list of tensors, as in [a, b]", v)
    return list(v)


tensors_.doc = "list of tensors"
tensors_.tensor = True


def number_(v):
    if not (is_num(v) or isinstance(v, bool)):
        raise type_error("a number", v)
    return v


number_.doc = "number"


def opt_number_(v):
    return None if v is None else number_(v)


opt_number_.doc = "number or None"


def int_axis_(v):
    if not is_int(v):
        raise type_error("an int axis", v)
    return v


int_axis_.doc = "int"


def opt_int_axis_(v):
    return None if v is None else int_axis_(v)


opt_int_axis_.doc = "int or None"


def axes_(v):
    """None, an int, or a tuple/list of ints (Keras's `axis` of reductions)."""
    if v is None or is_int(v):
        return v
    if isinstance(v, (tuple, list)) and all(is_int(x) for x in v):
        return tuple(v)
    raise type_error("an int axis, a tuple of axes, or None", v)


axes_.doc = "axis, axes or None"


def int_or_ints_(v):
    if is_int(v):
        return v
    if isinstance(v, (tuple, list)) and all(is_int(x) for x in v):
        return tuple(v)
    raise type_error("an int or a tuple of ints", v)


int_or_ints_.doc = "int or ints"


def count_(v):
    if not is_int(v) or v < 1:
        if is_int(v):
            raise ArgError(f"must be >= 1, got {v}")
        raise type_error("an int >= 1", v)
    return v


count_.doc = "int >= 1"


def dtype_arg_(v):
    if not isinstance(v, str) or v not in DTYPES:
        from graphc.diagnostics import suggestion

        raise ArgError(
            f"unknown dtype `{v!r}`"
            if isinstance(v, str)
            else f"expected a dtype name, got {describe_value(v)}",
            code="argument-value" if isinstance(v, str) else "argument-type",
            hint=suggestion(str(v), DTYPES) or "one of " + ", ".join(f'"{d}"' for d in DTYPES),
        )
    return v


dtype_arg_.doc = "dtype"


def opt_dtype_(v):
    return None if v is None else dtype_arg_(v)


opt_dtype_.doc = "dtype or None"


def key_(v):
    """A numpy index: an int, a slice, Ellipsis, None, or a tuple of them."""
    items = v if isinstance(v, tuple) else (v,)
    for k in items:
        if not (is_int(k) or isinstance(k, slice) or k is Ellipsis or k is None):
            raise type_error("ints, slices, `...` or None", k)
        if isinstance(k, slice):
            for b in (k.start, k.stop, k.step):
                if b is not None and not is_int(b):
                    raise type_error("slice bounds that are ints", b)
    return tuple(items)


key_.doc = "index"


# ====================================================================== the entry
class Fn:
    """One function of `keras.ops`.  Subclasses set `name`, `params` (Keras's
    signature) and `infer`; `layout` tells the PyTorch target how the function
    treats a channels-first tensor ("elementwise": any layout, "keep": the same
    layout with its axis arguments converted, "reduce": the layout of what
    remains, "cl": Keras's layout)."""

    name: ClassVar[str] = ""
    params: ClassVar[tuple] = ()
    varargs: ClassVar[str | None] = None  # a `*name` parameter after the others (einsum's operands)
    aliases: ClassVar[tuple] = ()
    layout: ClassVar[str] = "cl"
    operator: ClassVar[str | None] = None  # the Python operator that means this function
    doc: ClassVar[str] = ""

    @classmethod
    def spelled(cls) -> str:
        return f"ops.{cls.name}"

    @classmethod
    def bind(cls, pos: list, kw: dict) -> Args:
        """Validate arguments (ArgError: `arg` is the parameter name or "#i")."""
        from graphc.diagnostics import suggestion

        by_name = {p.name: p for p in cls.params}
        out = Args()
        fixed = [p for p in cls.params]
        if len(pos) > len(fixed) and cls.varargs is None:
            raise ArgError(
                f"{cls.spelled()} takes at most {len(fixed)} positional argument"
                f"{'s' if len(fixed) != 1 else ''} ({', '.join(p.name for p in fixed)}), got {len(pos)}",
                arg=f"#{len(fixed)}",
                code="argument-type",
            )
        for i, (p, v) in enumerate(zip(fixed, pos)):
            out[p.name] = cls._check(p, v, f"#{i}")
        if cls.varargs is not None:
            rest = pos[len(fixed) :]
            out[cls.varargs] = [
                cls._check(P(cls.varargs, tensor_), v, f"#{len(fixed) + i}") for i, v in enumerate(rest)
            ]
        for k, v in kw.items():
            p = by_name.get(k)
            if p is None:
                raise ArgError(
                    f"{cls.spelled()} has no argument `{k}`",
                    arg=k,
                    code="unknown-argument",
                    hint=suggestion(k, by_name)
                    or ("it takes " + ", ".join(f"`{n}`" for n in by_name) if by_name else None),
                )
            if k in out:
                raise ArgError(
                    f"{cls.spelled()} got `{k}` twice (positionally and by keyword)",
                    arg=k,
                    code="duplicate-argument",
                )
            out[k] = cls._check(p, v, k)
        for p in cls.params:
            if p.name not in out:
                if p.default is REQUIRED:
                    raise ArgError(
                        f"{cls.spelled()} needs the argument `{p.name}`",
                        code="missing-argument",
                        hint=f"as in Keras: {cls.signature()}",
                    )
                out[p.name] = p.default
        cls.validate(out)
        return out

    @classmethod
    def _check(cls, p: P, v, where: str):
        try:
            return p.check(v)
        except ArgError as e:
            e.arg = e.arg or where
            e.message = f"{cls.spelled()} argument `{p.name}`: {e.message}"
            raise

    @classmethod
    def signature(cls) -> str:
        parts = []
        for p in cls.params:
            parts.append(p.name if p.default is REQUIRED else f"{p.name}={_lit(p.default)}")
        if cls.varargs:
            parts.insert(1, f"*{cls.varargs}")
        return f"{cls.spelled()}({', '.join(parts)})"

    @classmethod
    def validate(cls, a: Args) -> None:
        """Cross-argument checks (ArgError)."""

    @classmethod
    def tensor_params(cls) -> list:
        names = [p.name for p in cls.params if getattr(p.check, "tensor", False)]
        return names + ([cls.varargs] if cls.varargs else [])

    @classmethod
    def infer(cls, a: Args) -> list:
        raise NotImplementedError

    @classmethod
    def run(cls, a: Args) -> list:
        """`infer`, then the batch rule: a function of tensors of a model keeps
        the batch axis first (and only there)."""
        outs = cls.infer(a)
        outs = outs if isinstance(outs, list) else [outs]
        ins = [t for t in _tensors(a) if t.batched]
        if ins:
            for o in outs:
                if not o.batched or any(d is BATCH for d in o.shape[1:]):
                    raise ShapeError(
                        f"{cls.spelled()} would not keep the batch axis first: {_which(a)} has shape "
                        f"{ins[0]} and the result would have shape {fmt(o.shape)}",
                        code="shape-mismatch",
                        hint="graphc keeps the batch axis (axis 0) first in every tensor of a model; "
                        "leave axis 0 alone (Keras counts the batch axis as axis 0)",
                    )
        return outs


def _lit(v) -> str:
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    return repr(v)


def _tensors(a: Args) -> list:
    out = []
    for v in a.values():
        if isinstance(v, Spec):
            out.append(v)
        elif isinstance(v, (list, tuple)):
            out.extend(x for x in v if isinstance(x, Spec))
    return out


def _which(a: Args) -> str:
    for k, v in a.items():
        if isinstance(v, Spec) and v.batched:
            return f"`{k}`"
        if isinstance(v, (list, tuple)) and any(isinstance(x, Spec) and x.batched for x in v):
            return f"`{k}`"
    return "the input"


def function(cls):
    FUNCTIONS[cls.name] = cls
    for alias in cls.aliases:
        FUNCTIONS[alias] = cls
    return cls


def lookup(name: str):
    return FUNCTIONS.get(name)


# ====================================================================== shape helpers
def fail(fn, message: str, arg: str | None = None, hint: str | None = None, code: str = "argument-value"):
    return ArgError(f"{fn.spelled()}: {message}", arg=arg, code=code, hint=hint)


def canon_axis(fn, axis: int, rank: int, arg: str = "axis") -> int:
    if not -rank <= axis < rank:
        span = f"axes {-rank}..{rank - 1}" if rank else "it has no axes"
        raise fail(fn, f"axis {axis} is out of range for a {rank}D tensor ({span})", arg)
    return axis + rank if axis < 0 else axis


def canon_axes(fn, axis, rank: int, arg: str = "axis") -> list:
    axes = [axis] if is_int(axis) else list(axis)
    out = [canon_axis(fn, a, rank, arg) for a in axes]
    if len(set(out)) != len(out):
        raise fail(fn, f"an axis appears twice in {axis!r}", arg)
    return out


def batch_axis_error(fn, what: str, arg: str | None = "axis", hint: str | None = None):
    return ArgError(
        f"{fn.spelled()} {what}",
        arg=arg,
        code="argument-value",
        hint=hint
        or "graphc keeps the batch axis (axis 0) in every tensor of a model; Keras counts it as axis 0, "
        "so the first axis of a sample is 1 (or count from the end: -1 is the last)",
    )


def broadcast(fn, a: tuple, b: tuple, names=("x1", "x2")) -> list:
    """keras.ops's broadcast_shapes, refusing to align the batch axis with another axis."""
    la, lb = len(a), len(b)
    n = max(la, lb)
    A = (1,) * (n - la) + tuple(a)
    B = (1,) * (n - lb) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(A, B)):
        if (x is BATCH) != (y is BATCH) and not (x == 1 or y == 1):
            bx, other = (names[0], names[1]) if x is BATCH else (names[1], names[0])
            raise ShapeError(
                f"{fn.spelled()} cannot broadcast shapes {fmt(a)} ({names[0]}) and {fmt(b)} ({names[1]}): "
                f"the batch axis of `{bx}` would be aligned with an axis of `{other}` of size "
                f"{'None' if unknown(y if x is BATCH else x) else (y if x is BATCH else x)}",
                hint="give both tensors the same rank (ops.expand_dims adds axes of size 1), so that "
                "their batch axes line up",
            )
        if x == 1 and x is not BATCH:
            out.append(y)
        elif unknown(x):
            out.append(x if y == 1 or (y is BATCH and x is BATCH) else y)
        elif y == 1 or unknown(y) or y == x:
            out.append(x)
        else:
            raise ShapeError(
                f"{fn.spelled()} cannot broadcast shapes {fmt(a)} ({names[0]}) and {fmt(b)} ({names[1]}): "
                f"axis {i - n + la if i >= n - la else i} of `{names[0]}` has size {x} and the matching "
                f"axis of `{names[1]}` has size {y}",
                hint="broadcasting aligns the last axes; each pair of sizes must be equal or one of them 1",
            )
    return out


def shape_of(v) -> tuple:
    return v.shape if isinstance(v, Spec) else ()


# ====================================================================== elementwise: one tensor
def _same(dt: str) -> str:
    return dt


def _bool_int32(dt: str) -> str:
    return "int32" if dt == "bool" else dt


def _float_result(dt: str) -> str:
    """sqrt, log, log1p, floor, ceil, sin, cos, tanh: int64 -> floatx, else result_type(dtype, float)."""
    return FLOATX if dt == "int64" else result_type(dt, float)


def _exp_result(dt: str) -> str:
    return FLOATX if ("int" in dt or dt == "bool") else dt


class Unary(Fn):
    params = (P("x", tensor_),)
    layout = "elementwise"
    rule: ClassVar[Callable] = staticmethod(_same)
    float_only: ClassVar[bool] = False  # TensorFlow refuses integer inputs
    refused: ClassVar[tuple] = ()  # input dtypes TensorFlow's kernel does not take

    @classmethod
    def validate(cls, a):
        x = a["x"]
        if isinstance(x, Spec) and x.dtype in cls.refused:
            raise ArgError(
                f"{cls.spelled()} of a {x.dtype} tensor: Keras on TensorFlow cannot compute it",
                arg="x",
                code="argument-type",
                hint='cast it first, e.g. ops.cast(x, "int32")',
            )
        if cls.float_only and isinstance(x, Spec) and not is_float(x.dtype):
            raise ArgError(
                f"{cls.spelled()} needs a float tensor, got {x.dtype} (Keras on TensorFlow cannot compute it)",
                arg="x",
                code="argument-type",
                hint='cast it first: ops.cast(x, "float32")',
            )

    @classmethod
    def infer(cls, a):
        x = a["x"]
        return Spec(x.shape, cls.rule(x.dtype))


def _unary(name: str, rule=_same, doc: str = "", float_only: bool = False, aliases=(), refused=()) -> type:
    cls = type(
        name.title().replace("_", ""),
        (Unary,),
        {
            "name": name,
            "rule": staticmethod(rule),
            "doc": doc,
            "float_only": float_only,
            "aliases": tuple(aliases),
            "refused": tuple(refused),
        },
    )
    return function(cls)


_unary("abs", doc="absolute value", aliases=("absolute",))
_unary("negative", doc="-x", refused=("bool", "uint8", "uint16", "uint32", "uint64"))
_unary("sign", doc="-1, 0 or 1", refused=("bool",))
_unary("square", _bool_int32, "x * x")
_unary("sqrt", _float_result, "square root")
_unary("exp", _exp_result, "e ** x")
_unary("log", _float_result, "natural logarithm")
_unary("log1p", _float_result, "log(1 + x)")
_unary("sin", _float_result, "sine")
_unary("cos", _float_result, "cosine")
_unary("tanh", _float_result, "hyperbolic tangent")
_unary("floor", _float_result, "largest integer <= x, as a float")
_unary("ceil", _float_result, "smallest integer >= x, as a float")
_unary("relu", doc="max(x, 0)", refused=("bool",))
_unary("sigmoid", doc="1 / (1 + exp(-x))", float_only=True)
_unary("logical_not", lambda dt: "bool", "not x, element-wise (a bool tensor)")


@function
class Gelu(Unary):
    """ops.gelu defaults to the tanh approximation (the layer activation "gelu" does not)."""

    name = "gelu"
    params = (P("x", tensor_), P("approximate", bool_, True))
    float_only = True
    doc = "Gaussian error linear unit; approximate=true (Keras's default) uses tanh"


@function
class Softmax(Unary):
    name = "softmax"
    params = (P("x", tensor_), P("axis", opt_int_axis_, -1))
    float_only = True
    layout = "keep"
    doc = "exp(x) / sum(exp(x)) along `axis`"

    @classmethod
    def infer(cls, a):
        x = a["x"]
        if a["axis"] is None:
            if x.batched:
                raise batch_axis_error(cls, "with axis=None normalizes over every axis, the batch axis too")
        else:
            ax = canon_axis(cls, a["axis"], x.rank)
            if ax == 0 and x.batched:
                raise batch_axis_error(cls, "over axis 0 normalizes across the batch")
        return Spec(x.shape, x.dtype)


@function
class Round(Unary):
    name = "round"
    params = (P("x", tensor_), P("decimals", int_axis_, 0))
    refused = ("bool",)
    doc = "round half to even, to `decimals` digits"


@function
class Clip(Unary):
    name = "clip"
    params = (P("x", tensor_), P("x_min", number_), P("x_max", number_))
    rule = staticmethod(_bool_int32)
    doc = "limit the values to [x_min, x_max]"

    @classmethod
    def validate(cls, a):
        x = a["x"]
        if is_intlike(x.dtype):
            for k in ("x_min", "x_max"):
                if isinstance(a[k], float):
                    raise ArgError(
                        f"{cls.spelled()} of an integer tensor ({x.dtype}) needs integer bounds, got {a[k]!r} "
                        "(TensorFlow cannot convert it)",
                        arg=k,
                        hint='write an int, or cast the tensor first: ops.cast(x, "float32")',
                    )


@function
class Cast(Unary):
    name = "cast"
    params = (P("x", tensor_), P("dtype", dtype_arg_))
    doc = "the tensor converted to `dtype` (floats to ints truncate toward zero)"

    @classmethod
    def infer(cls, a):
        return Spec(a["x"].shape, a["dtype"])


class _Like(Unary):
    params = (P("x", tensor_), P("dtype", opt_dtype_, None))

    @classmethod
    def infer(cls, a):
        return Spec(a["x"].shape, a["dtype"] or a["x"].dtype)


@function
class OnesLike(_Like):
    name = "ones_like"
    doc = "a tensor of ones of the shape of x"


@function
class ZerosLike(_Like):
    name = "zeros_like"
    doc = "a tensor of zeros of the shape of x"


# ====================================================================== elementwise: two operands
class Binary(Fn):
    params = (P("x1", operand_), P("x2", operand_))
    layout = "elementwise"
    no_bool: ClassVar[bool] = False  # TensorFlow's kernel does not take two bools

    @classmethod
    def validate(cls, a):
        x1, x2 = a["x1"], a["x2"]
        if cls.no_bool and result_type(dtype_of(x1), dtype_of(x2)) == "bool":
            raise ArgError(
                f"{cls.spelled()} of bool values: Keras on TensorFlow cannot compute it",
                arg="x1",
                code="argument-type",
                hint='cast them first, e.g. ops.cast(x, "int32"); for bools, ops.logical_and/logical_or',
            )

    @classmethod
    def dtype(cls, d1, d2) -> str:
        return result_type(d1, d2)

    @classmethod
    def infer(cls, a):
        x1, x2 = a["x1"], a["x2"]
        shape = broadcast(cls, shape_of(x1), shape_of(x2))
        return Spec(tuple(shape), cls.dtype(dtype_of(x1), dtype_of(x2)))


def _binary(name: str, operator: str | None, dtype=None, doc: str = "", aliases=(), no_bool=False) -> type:
    attrs = {"name": name, "operator": operator, "doc": doc, "aliases": tuple(aliases), "no_bool": no_bool}
    if dtype is not None:
        attrs["dtype"] = classmethod(lambda cls, d1, d2: dtype(d1, d2))
    return function(type(name.title().replace("_", ""), (Binary,), attrs))


def _mod_dtype(d1, d2):
    dt = result_type(d1, d2)
    return "int32" if dt == "bool" else dt


def _bool(d1, d2):
    return "bool"


_binary("add", "+", doc="x1 + x2", no_bool=True)
_binary("subtract", "-", doc="x1 - x2", no_bool=True)
_binary("multiply", "*", doc="x1 * x2", no_bool=True)
_binary("divide", None, lambda d1, d2: result_type(d1, d2, float), "x1 / x2 (always a float)")
_binary("true_divide", "/", lambda d1, d2: result_type(d1, d2, float), "x1 / x2 (always a float)")
_binary("floor_divide", "//", doc="floor(x1 / x2)", no_bool=True)
_binary("mod", "%", _mod_dtype, "x1 - floor(x1 / x2) * x2 (the sign of x2)")
_binary("power", "**", doc="x1 ** x2", no_bool=True)
_binary("minimum", None, doc="the smaller of x1 and x2", no_bool=True)
_binary("maximum", None, doc="the larger of x1 and x2", no_bool=True)
_binary("equal", "==", _bool, "x1 == x2 (a bool tensor)")
_binary("not_equal", "!=", _bool, "x1 != x2 (a bool tensor)")
_binary("less", "<", _bool, "x1 < x2 (a bool tensor)", no_bool=True)
_binary("less_equal", "<=", _bool, "x1 <= x2 (a bool tensor)", no_bool=True)
_binary("greater", ">", _bool, "x1 > x2 (a bool tensor)", no_bool=True)
_binary("greater_equal", ">=", _bool, "x1 >= x2 (a bool tensor)", no_bool=True)
_binary("logical_and", None, _bool, "x1 and x2, element-wise (a bool tensor)")
_binary("logical_or", None, _bool, "x1 or x2, element-wise (a bool tensor)")


@function
class Where(Fn):
    name = "where"
    params = (P("condition", tensor_), P("x1", operand_, None), P("x2", operand_, None))
    layout = "elementwise"
    doc = "x1 where condition is true, else x2"

    @classmethod
    def validate(cls, a):
        if a["x1"] is None or a["x2"] is None:
            raise ArgError(
                f"{cls.spelled()} needs both `x1` and `x2`: with neither it returns the indices of the "
                "true values, whose number is only known at run time",
                arg="x1" if a["x1"] is None else "x2",
                code="unsupported" if a["x1"] is None and a["x2"] is None else "missing-argument",
                hint="write ops.where(condition, x1, x2)",
            )

    @classmethod
    def infer(cls, a):
        c, x1, x2 = a["condition"], a["x1"], a["x2"]
        shape = broadcast(cls, c.shape, shape_of(x1), ("condition", "x1"))
        shape = broadcast(cls, tuple(shape), shape_of(x2), ("condition/x1", "x2"))
        return Spec(tuple(shape), result_type(dtype_of(x1), dtype_of(x2)))


# ====================================================================== reductions
class Reduce(Fn):
    params = (P("x", tensor_), P("axis", axes_, None), P("keepdims", bool_, False))
    layout = "reduce"

    @classmethod
    def dtype(cls, a) -> str:
        return a["x"].dtype

    @classmethod
    def reduced(cls, a) -> tuple:
        x, axis, keepdims = a["x"], a["axis"], a["keepdims"]
        if axis is None:
            if x.batched:
                raise batch_axis_error(
                    cls,
                    "without `axis` reduces every axis, the batch axis too",
                    arg=None,
                    hint="give the axes of a sample, e.g. axis=-1, or axis=(1, 2) for the spatial axes "
                    "of an image (Keras counts the batch axis as axis 0)",
                )
            return (1,) * x.rank if keepdims else ()
        axes = canon_axes(cls, axis, x.rank)
        if 0 in axes and x.batched:
            raise batch_axis_error(cls, "over axis 0 reduces the batch axis")
        if keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        return tuple(d for i, d in enumerate(x.shape) if i not in axes)

    @classmethod
    def infer(cls, a):
        return Spec(cls.reduced(a), cls.dtype(a))


@function
class Mean(Reduce):
    name = "mean"
    doc = "the mean along `axis`"

    @classmethod
    def dtype(cls, a):
        dt = a["x"].dtype
        return result_type(dt, "float32") if is_intlike(dt) else dt


@function
class Sum(Reduce):
    name = "sum"
    doc = "the sum along `axis`"

    @classmethod
    def dtype(cls, a):
        dt = result_type(a["x"].dtype)
        if dt in ("bool", "int8", "int16"):
            return "int32"
        if dt in ("uint8", "uint16"):
            return "uint32"
        return dt


class _MaxMin(Reduce):
    params = (
        P("x", tensor_),
        P("axis", axes_, None),
        P("keepdims", bool_, False),
        P("initial", opt_number_, None),
    )


@function
class Max(_MaxMin):
    name = "max"
    doc = "the largest value along `axis` (at least `initial`)"


@function
class Min(_MaxMin):
    name = "min"
    doc = "the smallest value along `axis` (at most `initial`)"


@function
class Prod(Reduce):
    name = "prod"
    params = (
        P("x", tensor_),
        P("axis", axes_, None),
        P("keepdims", bool_, False),
        P("dtype", opt_dtype_, None),
    )
    doc = "the product along `axis`"

    @classmethod
    def validate(cls, a):
        if a["dtype"] is not None and a["dtype"] != a["x"].dtype:
            raise ArgError(
                f"{cls.spelled()}(dtype=...): Keras on TensorFlow ignores it (the product keeps the dtype "
                "of x, while Keras declares the result as `dtype`)",
                arg="dtype",
                code="unsupported",
                hint=f'cast x first: ops.prod(ops.cast(x, "{a["dtype"]}"), ...)',
            )

    @classmethod
    def dtype(cls, a):
        if a["dtype"] is not None:
            return a["dtype"]
        dt = a["x"].dtype
        if dt in ("bool", "int8", "int16"):
            return "int32"
        if dt in ("uint8", "uint16"):
            return "uint32"
        return dt


@function
class Std(Reduce):
    name = "std"
    doc = "the population standard deviation along `axis` (divides by n)"

    @classmethod
    def dtype(cls, a):
        dt = a["x"].dtype
        return FLOATX if is_intlike(dt) else dt


@function
class Var(Reduce):
    name = "var"
    doc = "the population variance along `axis` (divides by n)"

    @classmethod
    def dtype(cls, a):
        return result_type(a["x"].dtype, float)


class _Arg(Reduce):
    params = (P("x", tensor_), P("axis", opt_int_axis_, None), P("keepdims", bool_, False))

    @classmethod
    def dtype(cls, a):
        return "int32"


@function
class Argmax(_Arg):
    name = "argmax"
    doc = "the index of the largest value along `axis` (int32; the first one on ties)"


@function
class Argmin(_Arg):
    name = "argmin"
    doc = "the index of the smallest value along `axis` (int32; the first one on ties)"


@function
class Logsumexp(Reduce):
    name = "logsumexp"
    doc = "log(sum(exp(x))) along `axis`, computed stably"

    @classmethod
    def validate(cls, a):
        if not is_float(a["x"].dtype):
            raise ArgError(
                f"{cls.spelled()} needs a float tensor, got {a['x'].dtype} (Keras on TensorFlow cannot compute it)",
                arg="x",
                code="argument-type",
                hint='cast it first: ops.cast(x, "float32")',
            )

    @classmethod
    def dtype(cls, a):
        return FLOATX  # Keras's KerasTensor for logsumexp takes the default dtype


def ord_(v):
    if v is None or is_num(v) or v in ("fro", "nuc"):
        if isinstance(v, str) or v is None:
            return v
        return v
    if isinstance(v, str):
        raise ArgError(f'"{v}" is not a norm order; strings are "fro" and "nuc"')
    raise type_error('a number, "fro", "nuc" or None', v)


ord_.doc = 'number, "fro", "nuc" or None'


@function
class Norm(Reduce):
    name = "norm"
    params = (
        P("x", tensor_),
        P("ord", ord_, None),
        P("axis", axes_, None),
        P("keepdims", bool_, False),
    )
    doc = "a vector norm (one axis; default 2) or a matrix norm (two axes; default Frobenius)"

    @classmethod
    def dtype(cls, a):
        dt = a["x"].dtype
        return FLOATX if is_intlike(dt) else dt

    @classmethod
    def infer(cls, a):
        x, axis, o = a["x"], a["axis"], a["ord"]
        shape = cls.reduced(a)  # the axes (and the batch axis) first
        n = x.rank if axis is None else (1 if is_int(axis) else len(axis))
        if n == 1 and isinstance(o, str):
            raise fail(cls, f'ord="{o}" is a matrix norm; a vector norm (one axis) takes a number', "ord")
        if n == 2 and o not in (None, "fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2):
            raise fail(
                cls, f'ord={o!r} is not a matrix norm; use None, "fro", "nuc", 1, -1, 2, -2 or ±inf', "ord"
            )
        if n > 2 or n == 0:
            raise fail(
                cls,
                f"norms are taken over one axis (a vector norm) or two (a matrix norm), got {n}",
                "axis" if axis is not None else None,
                hint="give axis=-1 for a vector norm, or two axes for a matrix norm",
            )
        return Spec(shape, cls.dtype(a))


# ====================================================================== shape-keeping, along an axis
@function
class Cumsum(Fn):
    name = "cumsum"
    params = (P("x", tensor_), P("axis", opt_int_axis_, None), P("dtype", opt_dtype_, None))
    layout = "keep"
    doc = "the running sum along `axis`"

    @classmethod
    def infer(cls, a):
        x = a["x"]
        dt = a["dtype"] or x.dtype
        dt = "int32" if dt == "bool" else dt
        if a["axis"] is None:
            if x.batched:
                raise batch_axis_error(
                    cls,
                    "without `axis` flattens the tensor, the batch axis too",
                    arg=None,
                    hint="give axis=-1",
                )
            return Spec((None if any(unknown(d) for d in x.shape) else math.prod(x.shape),), dt)
        ax = canon_axis(cls, a["axis"], x.rank)
        if ax == 0 and x.batched:
            raise batch_axis_error(cls, "along axis 0 sums across the batch")
        return Spec(x.shape, dt)


@function
class Flip(Fn):
    name = "flip"
    params = (P("x", tensor_), P("axis", axes_, None))
    layout = "keep"
    doc = "the elements in reverse order along `axis` (every axis when None)"

    @classmethod
    def infer(cls, a):
        x = a["x"]
        if a["axis"] is not None:
            canon_axes(cls, a["axis"], x.rank)
        return Spec(x.shape, x.dtype)


@function
class Roll(Fn):
    name = "roll"
    params = (P("x", tensor_), P("shift", int_or_ints_), P("axis", axes_, None))
    layout = "keep"
    doc = "the elements shifted by `shift` along `axis`, wrapping around"

    @classmethod
    def infer(cls, a):
        x, shift, axis = a["x"], a["shift"], a["axis"]
        if axis is None:
            if x.batched:
                raise batch_axis_error(
                    cls,
                    "without `axis` rolls the flattened tensor across the batch",
                    arg=None,
                    hint="give axis=",
                )
            if not is_int(shift):
                raise fail(cls, "without `axis`, `shift` is one int", "shift")
        else:
            axes = canon_axes(cls, axis, x.rank)
            n = 1 if is_int(shift) else len(shift)
            if n != len(axes):
                raise fail(
                    cls,
                    f"`shift` has {n} value(s) for {len(axes)} axes (TensorFlow needs one per axis)",
                    "shift",
                )
        return Spec(x.shape, x.dtype)


@function
class TopK(Fn):
    name = "top_k"
    params = (P("x", tensor_), P("k", count_), P("sorted", bool_, True))
    layout = "keep"
    doc = "(values, indices) of the k largest values along the last axis"

    @classmethod
    def infer(cls, a):
        x, k = a["x"], a["k"]
        if x.rank == 0:
            raise fail(cls, "needs a tensor with at least one axis", "x", code="rank-mismatch")
        if x.batched and x.rank == 1:
            raise batch_axis_error(
                cls, "works along the last axis, and this tensor has only the batch axis", "x"
            )
        last = x.shape[-1]
        if not unknown(last) and k > last:
            raise fail(cls, f"k={k} is larger than the last axis ({last})", "k")
        shape = x.shape[:-1] + (k,)
        return [Spec(shape, x.dtype), Spec(shape, "int32")]


# ====================================================================== linear algebra
@function
class Matmul(Fn):
    name = "matmul"
    params = (P("x1", tensor_), P("x2", tensor_))
    operator = "@"
    doc = "the matrix product (batched over leading axes)"

    @classmethod
    def infer(cls, a):
        x1, x2 = a["x1"], a["x2"]
        s1, s2 = list(x1.shape), list(x2.shape)
        for name, s in (("x1", s1), ("x2", s2)):
            if not s:
                raise fail(
                    cls, f"`{name}` is a scalar; matmul needs at least one axis", name, code="rank-mismatch"
                )
        one1, one2 = len(s1) == 1, len(s2) == 1
        if one1:
            s1 = [1, s1[0]]
        if one2:
            s2 = [s2[0], 1]
        if not unknown(s1[-1]) and not unknown(s2[-2]) and s1[-1] != s2[-2]:
            raise ShapeError(
                f"{cls.spelled()}: the last axis of x1 {fmt(x1.shape)} has size {s1[-1]} but the "
                f"second-to-last axis of x2 {fmt(x2.shape)} has size {s2[-2]}",
                hint="they must be equal (x1 is (..., n, k), x2 is (..., k, m))",
            )
        if s1[-1] is BATCH or s2[-2] is BATCH:
            raise batch_axis_error(cls, "would sum over the batch axis", None)
        lead = broadcast(cls, tuple(s1[:-2]), tuple(s2[:-2]))
        out = list(lead) + [s1[-2], s2[-1]]
        if one1:
            del out[-2]
        if one2:
            del out[-1]
        if x1.dtype == "int8" and x2.dtype == "int8":
            dt = "int32"
        else:
            dt = result_type(x1.dtype, x2.dtype)
        return Spec(tuple(out), dt)


def subscripts_(v):
    v = str_(v)
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,->.")
    bad = sorted(set(v) - allowed)
    if bad:
        raise ArgError(
            f"unexpected {''.join(bad)!r} in einsum subscripts {v!r}",
            hint='letters, commas, "->" and "..." only, as in "bij,bjk->bik"',
        )
    return v


subscripts_.doc = "einsum subscripts"


@function
class Einsum(Fn):
    name = "einsum"
    params = (P("subscripts", subscripts_),)
    varargs = "operands"
    doc = 'Einstein summation, as in ops.einsum("bij,bjk->bik", a, b)'

    @classmethod
    def infer(cls, a):
        sub, ops_ = a["subscripts"], a["operands"]
        if not ops_:
            raise fail(cls, "needs at least one operand", None, code="missing-argument")
        parts = sub.split("->")
        if len(parts) > 2:
            raise fail(cls, f'at most one "->" in {sub!r}', "subscripts")
        lhs, out_spec = parts[0], (parts[1] if len(parts) == 2 else None)
        specs = lhs.split(",")
        if len(specs) != len(ops_):
            raise fail(
                cls, f"{sub!r} describes {len(specs)} operand(s), got {len(ops_)}", "subscripts", code="arity"
            )
        for s in specs + ([out_spec] if out_spec is not None else []):
            if s.count("...") > 1 or s.replace("...", "").count(".") or "-" in s or ">" in s:
                raise fail(cls, f"malformed subscripts {sub!r}", "subscripts")
        reduced: set = set()
        kept: set = set()
        for s in lhs:
            if not s.isalpha():
                continue
            if s not in reduced and s not in kept:
                kept.add(s)
            elif s in kept:
                kept.discard(s)
                reduced.add(s)
        if out_spec is not None:
            for s in out_spec:
                if s.isalpha() and s not in kept and s not in reduced:
                    raise fail(cls, f"output letter {s!r} is not in any operand", "subscripts")
            kept, reduced = (
                {d for d in kept | reduced if d in out_spec},
                {d for d in kept | reduced if d not in out_spec},
            )
        target = out_spec if out_spec is not None else "..." + "".join(sorted(kept))
        # a letter that is summed over must not be the batch axis
        sizes: dict = {}
        expanded = []
        for i, (x, spec) in enumerate(zip(ops_, specs)):
            shape = list(x.shape)
            m: dict = {}
            if "..." not in spec:
                if len(shape) != len(spec):
                    raise ShapeError(
                        f"{cls.spelled()}: subscript {spec!r} has {len(spec)} letters but operand {i} has "
                        f"shape {fmt(x.shape)} ({len(shape)}D)",
                        code="rank-mismatch",
                    )
                for d, s in zip(shape, spec):
                    m.setdefault(s, d)
                wildcard: list = []
            else:
                pre, post = spec.split("...")
                if len(pre) + len(post) > len(shape):
                    raise ShapeError(
                        f"{cls.spelled()}: subscript {spec!r} needs at least {len(pre) + len(post)} axes, operand "
                        f"{i} has shape {fmt(x.shape)}",
                        code="rank-mismatch",
                    )
                for j, s in enumerate(pre):
                    m.setdefault(s, shape[j])
                for j in range(len(post)):
                    m.setdefault(post[-j - 1], shape[-j - 1])
                wildcard = shape[len(pre) : len(shape) - len(post)]
            for s, d in m.items():
                sizes.setdefault(s, []).append((d, i))
            out = []
            t = target
            while t:
                if t.startswith("..."):
                    out.extend(wildcard)
                    t = t[3:]
                    continue
                out.append(m.get(t[0], 1))
                t = t[1:]
            expanded.append(out)
        for s, ds in sizes.items():
            known = {d for d, _ in ds if not unknown(d) and d != 1}
            if len(known) > 1:
                raise ShapeError(
                    f"{cls.spelled()}: letter {s!r} has sizes {', '.join(str(k) for k in sorted(known))} in "
                    f"{sub!r}"
                )
            if s in reduced and any(d is BATCH for d, _ in ds):
                raise batch_axis_error(cls, f"sums over letter {s!r}, the batch axis", "subscripts")
        shape = expanded[0]
        for e in expanded[1:]:
            shape = broadcast(cls, tuple(shape), tuple(e), ("operand", "operand"))
        dts = sorted({x.dtype for x in ops_})
        dt = "int32" if dts == ["int8"] else result_type(*dts)
        return Spec(tuple(shape), dt)


# ====================================================================== shapes
@function
class Transpose(Fn):
    name = "transpose"
    params = (P("x", tensor_), P("axes", lambda v: v if v is None else int_or_ints_(v), None))
    doc = "the axes permuted (reversed when `axes` is None)"

    @classmethod
    def infer(cls, a):
        x, axes = a["x"], a["axes"]
        if axes is None:
            return Spec(tuple(reversed(x.shape)), x.dtype)
        axes = (axes,) if is_int(axes) else axes
        if len(axes) != x.rank:
            raise fail(
                cls, f"`axes` must list all {x.rank} axes of a {x.rank}D tensor, got {len(axes)}", "axes"
            )
        norm = canon_axes(cls, axes, x.rank, "axes")
        if x.batched and norm[0] != 0:
            raise batch_axis_error(
                cls,
                f"with axes={tuple(axes)!r} moves the batch axis",
                "axes",
                hint="keep 0 first, e.g. ops.transpose(x, (0, 2, 1)) to swap the two axes of a sequence",
            )
        return Spec(tuple(x.shape[i] for i in norm), x.dtype)


def newshape_(v):
    if is_int(v):
        v = (v,)
    if not isinstance(v, (tuple, list)) or not all(is_int(d) for d in v):
        raise type_error("a shape: a tuple of ints, with at most one -1", v)
    v = tuple(v)
    if any(d < -1 for d in v):
        raise ArgError(f"sizes must be >= 0 or -1, got {v!r}")
    if v.count(-1) > 1:
        raise ArgError(f"at most one size can be -1, got {v!r}")
    return v


newshape_.doc = "shape"


@function
class Reshape(Fn):
    name = "reshape"
    params = (P("x", tensor_), P("newshape", newshape_))
    doc = "the same elements in a new shape (-1: the size that fits)"

    @classmethod
    def infer(cls, a):
        x, new = a["x"], a["newshape"]
        if x.batched:
            sample = x.shape[1:]
            rest = new[1:]
            if not new or new[0] != -1 or -1 in rest:
                raise batch_axis_error(
                    cls,
                    f"to {new!r} would change the batch axis: the first size must be -1 (the batch) and the "
                    "others must be the sizes of one sample",
                    "newshape",
                    hint=f"write ops.reshape(x, (-1, ...)) with sizes whose product is the sample's "
                    f"({fmt(x.shape)} has {_sample_size(sample)} elements per sample)",
                )
            if any(unknown(d) for d in sample):
                raise ArgError(
                    f"{cls.spelled()} needs the size of a sample, and {fmt(x.shape)} has an unknown size "
                    "besides the batch axis",
                    arg="x",
                    code="unsupported",
                    hint="give the size in Input(shape=...)",
                )
            if math.prod(rest) != math.prod(sample):
                raise ArgError(
                    f"{cls.spelled()} to {new!r} would change the batch axis: a sample of {fmt(x.shape)} has "
                    f"{math.prod(sample)} elements, the new shape has {math.prod(rest)} per sample",
                    arg="newshape",
                    hint="the sizes after -1 must multiply to the size of a sample",
                )
            return Spec((BATCH,) + rest, x.dtype)
        size = math.prod(x.shape)
        if -1 not in new:
            if size != math.prod(new):
                raise ArgError(
                    f"{cls.spelled()} cannot reshape {fmt(x.shape)} ({size} elements) to {new!r}",
                    arg="newshape",
                )
            return Spec(new, x.dtype)
        known = math.prod(d for d in new if d != -1)
        if known == 0 or size % known:
            raise ArgError(
                f"{cls.spelled()} cannot reshape {fmt(x.shape)} ({size} elements) to {new!r}", arg="newshape"
            )
        return Spec(tuple(size // known if d == -1 else d for d in new), x.dtype)


def _sample_size(sample) -> str:
    return "?" if any(unknown(d) for d in sample) else str(math.prod(sample))


@function
class ExpandDims(Fn):
    name = "expand_dims"
    params = (P("x", tensor_), P("axis", int_or_ints_))
    doc = "the tensor with new axes of size 1 at `axis`"

    @classmethod
    def infer(cls, a):
        x, axis = a["x"], a["axis"]
        axes = (axis,) if is_int(axis) else axis
        n = len(axes) + x.rank
        norm = canon_axes(cls, axes, n)
        it = iter(x.shape)
        shape = tuple(1 if i in norm else next(it) for i in range(n))
        if x.batched and 0 in norm:
            raise batch_axis_error(
                cls, "at axis 0 puts a new axis before the batch axis", hint="use axis=1 or later"
            )
        return Spec(shape, x.dtype)


@function
class Squeeze(Fn):
    name = "squeeze"
    params = (P("x", tensor_), P("axis", axes_, None))
    doc = "the tensor without its axes of size 1 (those of `axis`)"

    @classmethod
    def infer(cls, a):
        x, axis = a["x"], a["axis"]
        if axis is None:
            return Spec(tuple(d for d in x.shape if d is BATCH or d != 1), x.dtype)
        axes = canon_axes(cls, axis, x.rank)
        for ax in axes:
            d = x.shape[ax]
            if d != 1 or d is BATCH:
                size = "the batch axis" if d is BATCH else "an unknown size" if d is None else f"size {d}"
                raise fail(cls, f"axis {ax} has {size}, not 1", "axis")
        return Spec(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype)


def _same_shapes(fn, xs, skip, arg):
    first = xs[0]
    for i, t in enumerate(xs[1:], 1):
        bad = t.rank != first.rank or t.batched != first.batched
        if not bad:
            for j, (d, e) in enumerate(zip(first.shape, t.shape)):
                if j in skip:
                    continue
                if not unknown(d) and not unknown(e) and d != e:
                    bad = True
        if bad:
            if t.batched != first.batched and t.rank == first.rank:
                raise ShapeError(
                    f"{fn.spelled()}: tensor {i} {'has' if t.batched else 'has no'} batch axis and tensor 0 "
                    f"{'has' if first.batched else 'has none'} ({fmt(first.shape)} and {fmt(t.shape)})",
                    hint="combine tensors of the model with constants by broadcasting (x + c) instead",
                )
            what = "except along the axis" if skip else ""
            raise ShapeError(
                f"{fn.spelled()}: the tensors must have the same shape {what}; tensor 0 has shape "
                f"{fmt(first.shape)} and tensor {i} has shape {fmt(t.shape)}".replace("  ", " ")
            )


@function
class Concatenate(Fn):
    name = "concatenate"
    params = (P("xs", tensors_), P("axis", int_axis_, 0))
    layout = "keep"
    doc = "the tensors joined along `axis` (Keras's default axis is 0: give axis=-1 for features)"

    @classmethod
    def infer(cls, a):
        xs = a["xs"]
        first = xs[0]
        ax = canon_axis(cls, a["axis"], first.rank)
        if ax == 0 and first.batched:
            raise batch_axis_error(
                cls,
                "along axis 0 (Keras's default) joins the batches",
                hint="give the axis of the features, e.g. axis=-1 (Keras counts the batch axis as axis 0)",
            )
        _same_shapes(cls, xs, {ax}, "xs")
        total = 0
        for t in xs:
            d = t.shape[ax]
            total = None if total is None or unknown(d) else total + d
        shape = list(first.shape)
        shape[ax] = total
        return Spec(tuple(shape), result_type(*[t.dtype for t in xs]))


@function
class Stack(Fn):
    name = "stack"
    params = (P("x", tensors_), P("axis", int_axis_, 0))
    doc = "the tensors stacked along a new axis `axis` (Keras's default axis is 0: give axis=1 or later)"

    @classmethod
    def infer(cls, a):
        xs = a["x"]
        first = xs[0]
        ax = canon_axis(cls, a["axis"], first.rank + 1)
        if ax == 0 and first.batched:
            raise batch_axis_error(
                cls,
                "at axis 0 (Keras's default) puts the new axis before the batch axis",
                hint="give axis=1 or later",
            )
        _same_shapes(cls, xs, set(), "x")
        shape = list(first.shape)
        shape.insert(ax, len(xs))
        return Spec(tuple(shape), result_type(*[t.dtype for t in xs]))


def sections_(v):
    if is_int(v):
        if v < 1:
            raise ArgError(f"must be >= 1, got {v}")
        return v
    if isinstance(v, (tuple, list)) and all(is_int(x) for x in v):
        return tuple(v)
    raise type_error("a number of sections, or a list of split indices", v)


sections_.doc = "int or indices"


@function
class Split(Fn):
    name = "split"
    params = (P("x", tensor_), P("indices_or_sections", sections_), P("axis", int_axis_, 0))
    layout = "keep"
    doc = "the tensor cut into equal sections, or at the given indices, along `axis`"

    @classmethod
    def infer(cls, a):
        x, sec = a["x"], a["indices_or_sections"]
        ax = canon_axis(cls, a["axis"], x.rank)
        if ax == 0 and x.batched:
            raise batch_axis_error(
                cls, "along axis 0 (Keras's default) cuts the batch", hint="give axis=-1 or another"
            )
        n = x.shape[ax]
        if is_int(sec):
            if unknown(n):
                size = None
            else:
                if n % sec:
                    raise fail(
                        cls,
                        f"axis {ax} has size {n}, which {sec} sections cannot divide",
                        "indices_or_sections",
                    )
                size = n // sec
            return [Spec(_with(x.shape, ax, size), x.dtype) for _ in range(sec)]
        bounds = [0, *sec]
        if (
            any(b < 0 for b in sec)
            or any(b > c for b, c in zip(bounds, bounds[1:]))
            or (not unknown(n) and sec and sec[-1] > n)
        ):
            raise fail(
                cls,
                f"split indices {list(sec)} must be increasing, from 0 to the size of the axis"
                + ("" if unknown(n) else f" ({n})"),
                "indices_or_sections",
            )
        bounds.append(n)
        return [
            Spec(_with(x.shape, ax, None if unknown(e) else e - s), x.dtype)
            for s, e in zip(bounds, bounds[1:])
        ]


def _with(shape, ax, size) -> tuple:
    out = list(shape)
    out[ax] = size
    return tuple(out)


def reps_(v):
    if is_int(v):
        v = (v,)
    if not isinstance(v, (tuple, list)) or not all(is_int(x) for x in v) or not v:
        raise type_error("an int or a tuple of ints", v)
    if any(x < 0 for x in v):
        raise ArgError(f"repeats must be >= 0, got {tuple(v)!r}")
    return tuple(v)


reps_.doc = "int or ints"


@function
class Tile(Fn):
    name = "tile"
    params = (P("x", tensor_), P("repeats", reps_))
    doc = "the tensor repeated `repeats` times along each axis (aligned to the last axes)"

    @classmethod
    def infer(cls, a):
        x, reps = a["x"], list(a["repeats"])
        shape = list(x.shape)
        if len(shape) > len(reps):
            reps = [1] * (len(shape) - len(reps)) + reps
        elif len(reps) > len(shape):
            if x.batched:
                raise batch_axis_error(
                    cls,
                    f"with {len(reps)} repeats for a {len(shape)}D tensor adds axes before the batch axis",
                    "repeats",
                    hint="give at most one repeat per axis, 1 for the batch axis",
                )
            shape = [1] * (len(reps) - len(shape)) + shape
        if x.batched and reps[0] != 1:
            raise batch_axis_error(
                cls, f"repeats the batch axis {reps[0]} times", "repeats", hint="give 1 for the batch axis"
            )
        out = [d if d is BATCH else (d * r if not unknown(d) else None) for d, r in zip(shape, reps)]
        return Spec(tuple(out), x.dtype)


@function
class Repeat(Fn):
    name = "repeat"
    params = (P("x", tensor_), P("repeats", reps_), P("axis", opt_int_axis_, None))
    layout = "keep"
    doc = "each element repeated `repeats` times along `axis`"

    @classmethod
    def infer(cls, a):
        x, reps, axis = a["x"], a["repeats"], a["axis"]
        if axis is None:
            if x.batched:
                raise batch_axis_error(
                    cls, "without `axis` flattens the tensor, the batch axis too", None, "give axis="
                )
            size = math.prod(x.shape)
            if len(reps) == 1:
                return Spec((size * reps[0],), x.dtype)
            if len(reps) != size:
                raise fail(cls, f"{len(reps)} repeats for {size} elements", "repeats")
            return Spec((sum(reps),), x.dtype)
        ax = canon_axis(cls, axis, x.rank)
        if ax == 0 and x.batched:
            raise batch_axis_error(cls, "along axis 0 repeats samples of the batch")
        n = x.shape[ax]
        if unknown(n):
            if len(reps) != 1:
                raise fail(cls, f"a list of repeats needs a known size along axis {ax}", "repeats")
            return Spec(x.shape, x.dtype)
        if len(reps) == 1:
            return Spec(_with(x.shape, ax, n * reps[0]), x.dtype)
        if len(reps) != n:
            raise fail(cls, f"{len(reps)} repeats for an axis of size {n}", "repeats")
        return Spec(_with(x.shape, ax, sum(reps)), x.dtype)


@function
class OneHot(Fn):
    name = "one_hot"
    params = (
        P("x", tensor_),
        P("num_classes", count_),
        P("axis", int_axis_, -1),
        P("dtype", opt_dtype_, None),
        P("sparse", bool_, False),
    )
    doc = "integer ids as one-hot vectors (ids outside [0, num_classes) give a row of zeros)"

    @classmethod
    def validate(cls, a):
        if a["sparse"]:
            raise ArgError(f"{cls.spelled()}: sparse=true is not supported", arg="sparse", code="unsupported")

    @classmethod
    def infer(cls, a):
        x, n, axis = a["x"], a["num_classes"], a["axis"]
        shape = list(x.shape)
        if axis == -1:
            shape.append(n)
        elif 0 <= axis < len(shape):
            if axis == 0 and x.batched:
                raise batch_axis_error(cls, "at axis 0 puts the classes before the batch axis")
            shape.insert(axis, n)
        else:
            raise fail(cls, f"axis must be -1 or in 0..{len(shape) - 1}, got {axis}", "axis")
        return Spec(tuple(shape), a["dtype"] or FLOATX)


@function
class Arange(Fn):
    name = "arange"
    params = (
        P("start", number_),
        P("stop", opt_number_, None),
        P("step", opt_number_, None),
        P("dtype", opt_dtype_, None),
    )
    doc = "evenly spaced values in [start, stop) (a constant: no batch axis)"

    @classmethod
    def infer(cls, a):
        start, stop, step = a["start"], a["stop"], a["step"]
        types = (
            [type(start)]
            + ([type(stop)] if stop is not None else [])
            + ([type(step)] if step is not None else [])
        )
        if stop is None:
            start, stop = 0, start
        if step is None:
            step = 1
        if step == 0:
            raise fail(cls, "step must not be 0", "step")
        if (stop - start) * step < 0:  # TensorFlow refuses an empty range the wrong way round
            raise fail(
                cls,
                f"a range from {start} to {stop} with step {step} is empty; TensorFlow refuses it",
                "stop" if a["stop"] is not None else "start",
            )
        n = max(0, math.ceil((stop - start) / step))
        if n > 10_000_000:
            raise fail(cls, f"{n} values is too many", None)
        return Spec((n,), a["dtype"] or result_type(*types))


@function
class GetItem(Fn):
    """`x[key]` with numpy's meaning (the syntax calls it; Keras: KerasTensor.__getitem__)."""

    name = "getitem"
    params = (P("x", tensor_), P("key", key_))
    doc = "x[key]: ints, slices, `...` and None, as in numpy"

    @classmethod
    def spelled(cls) -> str:
        return "indexing"

    @classmethod
    def infer(cls, a):
        x, key = a["x"], list(a["key"])
        shape = list(x.shape)
        if key.count(Ellipsis) > 1:
            raise fail(cls, "at most one `...` in an index", "key")
        if Ellipsis not in key:
            key.append(Ellipsis)
        needed = sum(1 for k in key if k is not None and k is not Ellipsis)
        if needed > len(shape):
            raise fail(
                cls,
                f"{needed} indices for a {len(shape)}D tensor {fmt(x.shape)}",
                "key",
                code="rank-mismatch",
            )
        out: list = []
        pos = 0  # the input axis the next key consumes
        for k in key:
            if k is Ellipsis:
                rest = sum(1 for j in key[key.index(Ellipsis) + 1 :] if j is not None)
                take = len(shape) - pos - rest
                out.extend(shape[pos : pos + take])
                pos += take
                continue
            if k is None:
                if x.batched and pos == 0:
                    raise batch_axis_error(
                        cls,
                        "with None before the batch axis adds an axis in front of it",
                        "key",
                        hint="write the new axis after the batch axis: x[:, None]",
                    )
                out.append(1)
                continue
            d = shape[pos]
            if is_int(k):
                if d is BATCH:
                    raise batch_axis_error(
                        cls,
                        f"with {k} as the first index picks one sample of the batch",
                        "key",
                        hint="the first index is the batch axis: write `:` there, as in x[:, 0]",
                    )
                if not unknown(d) and not -d <= k < d:
                    raise fail(cls, f"index {k} is out of range for axis {pos} of size {d}", "key")
            else:
                if k.step == 0:
                    raise fail(cls, "slice step cannot be zero", "key")
                if d is BATCH:
                    if k != slice(None):
                        raise batch_axis_error(
                            cls,
                            "slices the batch axis",
                            "key",
                            hint="the first index is the batch axis: write `:` there, as in x[:, 1:]",
                        )
                    out.append(BATCH)
                elif unknown(d):
                    out.append(None)
                else:
                    for b in (k.start, k.stop):
                        if b is not None and not -d <= b <= d:
                            raise fail(
                                cls,
                                f"slice bound {b} is past the end of axis {pos} (size {d})",
                                "key",
                                hint=f"the bounds of an axis of size {d} are -{d}..{d}",
                            )
                    out.append(len(range(*k.indices(d))))
            pos += 1
        return Spec(tuple(out), x.dtype)


# the Python operators on tensors -> their function ("+" -> add, "@" -> matmul)
OPERATORS = {cls.operator: cls for cls in FUNCTIONS.values() if cls.operator}


def keras_op_base(fn) -> str:
    """The name Keras gives the Operation of `fn` (then `_1`, `_2`...)."""
    return {"abs": "absolute", "absolute": "absolute", "getitem": "get_item"}.get(fn.name, fn.name)


def keras_op_bases(graph) -> set:
    """The Keras names of the operations of the functions a graph (and its sub-models) applies."""
    out: set = set()
    seen: set = set()

    def walk(g):
        if id(g) in seen:
            return
        seen.add(id(g))
        for n in g.nodes:
            fn = getattr(n, "fn", None)
            if fn is not None:
                out.add(keras_op_base(fn))
        for layer in g.layers:
            if layer.graph is not None:
                walk(layer.graph)

    walk(graph)
    return out
