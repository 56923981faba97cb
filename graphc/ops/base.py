"""The layer catalog's machinery: parameters, validation, the Op base class.

One catalog entry per layer: a subclass of `Op` registered with `@register`,
declaring Keras's arguments (`params`), a shape rule (`infer`) and the weights
it creates (`weights`).  Everything is pure Python: no TensorFlow, no torch.
"""

from __future__ import annotations

import math

from graphc.records import dataclass
from graphc.types import Mask, TensorType, Weight

TYPE_CHECKING = False  # (importing typing costs a cold `graphc check` 4%)
if TYPE_CHECKING:
    from typing import Any, Callable, ClassVar


# The layer families (graphc/ops/<family>.py) in the order `import graphc.ops` loads them
# (augmentation imports preprocessing, conv imports core); the catalog dicts below load
# a family on first use, and every family before iterating.
FAMILIES = (
    "attention",
    "preprocessing",
    "augmentation",
    "core",
    "conv",
    "merge",
    "normalization",
    "pooling",
    "recurrent",
    "reshaping",
)
_loaded_all = False


def load_all() -> None:
    """Import every layer family (what `import graphc.ops` did up front before the
    catalog was loaded lazily), then put the catalog dicts in that import's order."""
    global _loaded_all
    if _loaded_all:
        return
    for fam in FAMILIES:
        __import__("graphc.ops." + fam)
    _loaded_all = True
    rank = {"graphc.ops." + f: i for i, f in enumerate(FAMILIES)}

    def module_rank(cls) -> int:
        return rank.get(cls.__module__, len(FAMILIES))  # graphc.ops.special and others: after

    for d, cls_of in ((REGISTRY, lambda v: v), (FUNCTIONS, _cls_named), (ALIASES, _cls_named)):
        items = sorted(dict.items(d), key=lambda kv: module_rank(cls_of(kv[1])))  # (stable)
        if items != list(dict.items(d)):
            dict.clear(d)
            dict.update(d, items)


_FAMILY_OF: dict = {}  # graphc/ops/index.py's, once a lookup needed it


def _cls_named(name: str):
    return dict.__getitem__(REGISTRY, name)


class _Catalog(dict):
    """A dict that imports the family defining a name on first lookup (graphc/ops/index.py
    says which), and every family before anything that lists it: a cold `graphc check`
    imports only the families its file uses.  Writes (`register`) are plain dict writes."""

    __slots__ = ()

    def _load(self, key) -> bool:
        if _loaded_all:
            return False
        if not _FAMILY_OF:
            from graphc.ops.index import FAMILY_OF

            _FAMILY_OF.update(FAMILY_OF)
        fam = _FAMILY_OF.get(key) if type(key) is str else None
        if fam is None:
            return False
        __import__("graphc.ops." + fam)
        return dict.__contains__(self, key)

    def __getitem__(self, key):
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            if not self._load(key):
                raise
            return dict.__getitem__(self, key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or self._load(key)

    def get(self, key, default=None):
        if dict.__contains__(self, key) or self._load(key):
            return dict.__getitem__(self, key)
        return default

    def __iter__(self):
        load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        load_all()
        return dict.__len__(self)

    def __repr__(self) -> str:
        load_all()
        return dict.__repr__(self)

    def __eq__(self, other) -> bool:
        load_all()
        return dict.__eq__(self, other)

    __hash__ = None

    def keys(self):
        load_all()
        return dict.keys(self)

    def values(self):
        load_all()
        return dict.values(self)

    def items(self):
        load_all()
        return dict.items(self)

    def copy(self) -> dict:
        load_all()
        return dict(dict.items(self))


REGISTRY: dict[str, "type[Op]"] = _Catalog()  # Keras name (class name or alias) -> Op subclass
FUNCTIONS: dict[str, str] = _Catalog()  # lowercase merge function -> class name ("add" -> "Add")
ALIASES: dict[str, str] = (
    _Catalog()
)  # other names keras.layers exports for a class ("Convolution2D" -> "Conv2D")


def register(cls):
    REGISTRY[cls.name] = cls
    for alias in cls.aliases:
        REGISTRY[alias] = cls
        ALIASES[alias] = cls.name
    if cls.function:
        FUNCTIONS[cls.function] = cls.name
    return cls


def canonical_names() -> list[str]:
    """Every registered layer once, by its canonical name (aliases left out)."""
    return [n for n in REGISTRY if n not in ALIASES]


def lookup(name: str):
    return REGISTRY.get(name)


# ------------------------------------------------------------------- errors
class ArgError(Exception):
    """A bad argument; `arg` names it (for the caret), `code` is a diagnostics code."""

    def __init__(
        self, message: str, arg: str | None = None, code: str = "argument-value", hint: str | None = None
    ):
        super().__init__(message)
        self.message, self.arg, self.code, self.hint = message, arg, code, hint


class ShapeError(Exception):
    """The layer cannot take its input shapes.  `input_index` points at the culprit."""

    def __init__(
        self,
        message: str,
        code: str = "shape-mismatch",
        hint: str | None = None,
        input_index: int | None = None,
        arg: str | None = None,
    ):
        super().__init__(message)
        self.message, self.code, self.hint, self.input_index, self.arg = message, code, hint, input_index, arg


# --------------------------------------------------------------- validators
# A validator takes the GDL value and returns the normalized value, or raises
# ArgError with code "argument-type" / "argument-value" (the arg name is added later).


def describe_value(v) -> str:
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "a bool"
    if isinstance(v, int):
        return "an int"
    if isinstance(v, float):
        return "a float"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, tuple):
        return "a tuple"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a dict"
    return getattr(v, "kind_name", type(v).__name__)


def type_error(expected: str, v) -> ArgError:
    return ArgError(
        f"expected {expected}, got {describe_value(v)} `{v!r}`"
        if not hasattr(v, "kind_name")
        else f"expected {expected}, got {describe_value(v)}",
        code="argument-type",
    )


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def int_(min: int | None = None, max: int | None = None) -> Callable:
    def check(v):
        if not is_int(v):
            raise type_error("an int", v)
        if min is not None and v < min:
            raise ArgError(f"must be >= {min}, got {v}")
        if max is not None and v > max:
            raise ArgError(f"must be <= {max}, got {v}")
        return v

    check.doc = "int"
    return check


def float_(min: float | None = None, max: float | None = None, min_open=False, max_open=False) -> Callable:
    def check(v):
        if not is_num(v):
            raise type_error("a number", v)
        v = float(v)
        if not math.isfinite(v):
            raise ArgError(f"must be finite, got {v}")
        if min is not None and (v < min or (min_open and v == min)):
            raise ArgError(f"must be {'>' if min_open else '>='} {min}, got {v}")
        if max is not None and (v > max or (max_open and v == max)):
            raise ArgError(f"must be {'<' if max_open else '<='} {max}, got {v}")
        return v

    check.doc = "float"
    return check


def instance_of(cls: type, expected: str, doc: str) -> Callable:
    """A validator taking values of type `cls` as they are (`expected` names them in the
    error, `doc` in the layer tables)."""

    def check(v):
        if not isinstance(v, cls):
            raise type_error(expected, v)
        return v

    check.doc = doc
    return check


bool_ = instance_of(bool, "true or false", "bool")
str_ = instance_of(str, "a string", "str")


def choice(*options: str, lower: bool = True) -> Callable:
    def check(v):
        if not isinstance(v, str):
            raise type_error("one of " + ", ".join(f'"{o}"' for o in options), v)
        w = v.lower() if lower else v
        if w not in options:
            from graphc.diagnostics import suggestion

            raise ArgError(
                f'"{v}" is not one of ' + ", ".join(f'"{o}"' for o in options), hint=suggestion(v, options)
            )
        return w

    check.doc = "|".join(options)
    return check


def optional(inner: Callable) -> Callable:
    def check(v):
        return None if v is None else inner(v)

    check.doc = f"{getattr(inner, 'doc', '?')} or None"
    return check


def int_tuple(n: int, min: int = 1, allow_none: bool = False) -> Callable:
    """An int or a tuple/list of `n` ints (Keras's standardize_tuple)."""

    def check(v):
        if is_int(v):
            v = (v,) * n
        elif isinstance(v, (tuple, list)):
            v = tuple(v)
            if len(v) != n or not all(is_int(x) or (allow_none and x is None) for x in v):
                raise ArgError(f"expected an int or a tuple of {n} ints, got `{v!r}`", code="argument-type")
        else:
            raise type_error(f"an int or a tuple of {n} ints", v)
        for x in v:
            if x is not None and x < min:
                raise ArgError(f"every value must be >= {min}, got `{v!r}`")
        return v

    check.doc = f"int or {n}-tuple"
    return check


def shape_(v):
    if is_int(v):
        v = (v,)
    if not isinstance(v, (tuple, list)):
        raise type_error("a shape tuple such as (28, 28, 1)", v)
    for d in v:
        if d is not None and (not is_int(d) or d < 0):
            raise ArgError(
                f"shape sizes must be non-negative ints or None, got `{tuple(v)!r}`", code="argument-type"
            )
    return tuple(v)


shape_.doc = "shape tuple"


def axis_(v):
    if is_int(v):
        return v
    if isinstance(v, (tuple, list)) and v and all(is_int(x) for x in v):
        return tuple(v)
    raise type_error("an int axis or a list of axes", v)


axis_.doc = "axis"


def any_(v):
    return v


any_.doc = "any"


# Keras 3 activations by every name it accepts (keras/src/activations/__init__.py)
ACTIVATIONS = (
    "celu",
    "elu",
    "exponential",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
)


def activation_(v):
    if v is None:
        return "linear"
    if not isinstance(v, str):
        raise type_error('an activation name such as "relu"', v)
    if v not in ACTIVATIONS:
        from graphc.diagnostics import suggestion

        raise ArgError(
            f'unknown activation "{v}"', code="unknown-activation", hint=suggestion(v, ACTIVATIONS)
        )
    return v


activation_.doc = "activation"

INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "zeros",
    "ones",
    "orthogonal",
    "identity",
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "variance_scaling",
    "constant",
    # further identifiers keras.initializers.get accepts (keras/src/initializers/__init__.py)
    "uniform",
    "normal",
    "zero",
    "one",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "Zeros",
    "Ones",
    "Orthogonal",
    "Identity",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Constant",
)


def _keras_object(v, kind: str, example: str, none_ok: bool):
    """A layer argument that takes a Keras object of `kind` (graphc/ops/objects.py):
    None (where allowed), a string identifier `keras.<kind>s.get` accepts, or an object."""
    from graphc.ops import objects as O

    if v is None and none_ok:
        return None
    if isinstance(v, O.KerasObject):
        if v.kind != kind:
            raise ArgError(
                f"expected {O.KINDS[kind][2]}, got {v.kind_name}",
                code="argument-type",
                hint=f"e.g. {example}",
            )
        return v
    if isinstance(v, str):
        if O.from_id(kind, v) is None:
            from graphc.diagnostics import suggestion

            raise ArgError(
                f'unknown {kind} "{v}"',
                hint=suggestion(v, O.ids_of(kind)) or f"e.g. {example}",
            )
        return v
    if (
        getattr(v, "op", None) is not None
        and getattr(v.op, "name", "") == "Identity"
        and kind == "initializer"
    ):
        raise ArgError(
            '`Identity` here is the layer; the initializer is `initializers.Identity(...)` or "identity"',
            code="argument-type",
        )
    err = type_error(f"{O.KINDS[kind][2]} such as {example}", v)
    if hasattr(v, "classes"):  # the class itself: Keras's `get` would call it
        err.hint = f"call it: {v.name}()"
    raise err


def initializer_(v):
    return _keras_object(v, "initializer", '"glorot_uniform" or HeNormal(seed=1)', False)


initializer_.doc = "initializer"


REGULARIZERS = ("l1", "l2", "l1l2", "orthogonal_regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer")


def regularizer_(v):
    return _keras_object(v, "regularizer", '"l2" or L2(1e-4)', True)


regularizer_.doc = "regularizer"

DTYPES = ("float32", "float16", "bfloat16", "float64", "int32", "int64", "int8", "int16", "uint8", "bool")


def dtype_(v):
    if v is None:
        return None
    if not isinstance(v, str) or v not in DTYPES:
        from graphc.diagnostics import suggestion

        raise ArgError(f"unknown dtype `{v!r}`", hint=suggestion(str(v), DTYPES))
    return v


dtype_.doc = "dtype"


# ---------------------------------------------------------------- parameters
REQUIRED = object()


@dataclass(frozen=True)
class P:
    name: str
    check: Callable = any_
    default: Any = REQUIRED
    positional: bool = True  # may be given positionally (Keras's signature order)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


# arguments every Keras layer takes
COMMON = (
    P("name", optional(str_), None, positional=False),
    P("dtype", dtype_, None, positional=False),
    P("trainable", bool_, True, positional=False),
)


class Args(dict):
    """Validated arguments with defaults filled: `a.units`, `a["units"]`."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


# ------------------------------------------------------------------ the Op
class Op:
    """One Keras layer class.  Subclasses set `name`, `params`, and override
    `infer` (shapes) and `weights` (the variables it creates)."""

    name: ClassVar[str] = ""
    function: ClassVar[str | None] = None  # lowercase functional form (merges)
    params: ClassVar[tuple] = ()
    takes_list: ClassVar[bool] = False  # called with a list of tensors (merges)
    min_inputs: ClassVar[int] = 1
    call_params: ClassVar[tuple] = ()  # names of several tensor arguments (MultiHeadAttention)
    max_inputs: ClassVar[int | None] = 1  # None: any number (merges)
    doc: ClassVar[str] = ""
    aliases: ClassVar[tuple] = ()  # other names keras.layers exports for this class
    # the arguments every layer takes (name, dtype, trainable); a Keras class without
    # **kwargs (Discretization, ...) takes fewer
    common: ClassVar[tuple] = ()
    # call-time options that are not tensors (`layer(q, v, return_attention_scores=true)`):
    # validated by `bind_call`, merged into the arguments by `with_call` before `infer`,
    # `weights` and `num_outputs`; their defaults apply when the call gives none
    call_options: ClassVar[tuple] = ()
    # call-time arguments that are tensors but not the layer's inputs (`initial_state`,
    # `mask`, `attention_mask`, `value_mask`...), as Keras's `call()` names them
    call_tensors: ClassVar[tuple] = ()
    # Keras's `layer.supports_masking`: the layer passes a mask on (see `masking`, `compute_mask`)
    supports_masking: ClassVar[bool] = False

    @classmethod
    def all_params(cls) -> tuple:
        return tuple(cls.params) + (cls.common or COMMON)

    @classmethod
    def _signature(cls) -> tuple:
        """(all params, by name, positional ones, defaults), computed once per class."""
        sig = cls.__dict__.get("_sig")
        if sig is None:
            params = cls.all_params()
            sig = (
                params,
                {p.name: p for p in params},
                [p for p in params if p.positional],
                {p.name: p.default for p in params if p.default is not REQUIRED},
            )
            cls._sig = sig
        return sig

    @classmethod
    def bind(cls, pos: list, kw: dict) -> Args:
        """Validate arguments.  `pos` is a list of values, `kw` maps name -> value.
        Raises ArgError (with `arg` = the parameter name, or "#i" for positional i)."""
        from graphc.diagnostics import suggestion

        params, by_name, positional, _ = cls._signature()
        out = Args()
        if len(pos) > len(positional):
            raise ArgError(
                f"{cls.name} takes at most {len(positional)} positional argument"
                f"{'s' if len(positional) != 1 else ''} ({', '.join(p.name for p in positional)}), got {len(pos)}",
                arg=f"#{len(positional)}",
                code="argument-type",
                hint="pass the others by keyword, as in Keras",
            )
        for i, (p, v) in enumerate(zip(positional, pos)):
            out[p.name] = cls._check(p, v, f"#{i}")
        for k, v in kw.items():
            p = by_name.get(k)
            if p is None:
                hint = suggestion(k, by_name)
                if not hint and k in cls.call_arguments():
                    hint = f"`{k}` is an argument of the call, not of the layer: {cls.name}(...)(x, {k}=...)"
                raise ArgError(
                    f"{cls.name} has no argument `{k}`",
                    arg=k,
                    code="unknown-argument",
                    hint=hint,
                )
            if k in out:
                raise ArgError(
                    f"{cls.name} got `{k}` twice (positionally and by keyword)",
                    arg=k,
                    code="duplicate-argument",
                )
            out[k] = cls._check(p, v, k)
        for p in params:
            if p.default is REQUIRED and p.name not in out:
                if True:
                    raise ArgError(
                        f"{cls.name} needs the argument `{p.name}`",
                        code="missing-argument",
                        hint=f"for example {cls.name}({p.name}=...)",
                    )
        given = Args(out)
        cls.validate(given)
        return given

    @classmethod
    def _check(cls, p: P, v, where: str):
        try:
            return p.check(v)
        except ArgError as e:
            e.arg = e.arg or where
            e.message = f"{cls.name} argument `{p.name}`: {e.message}"
            raise

    @classmethod
    def defaults(cls) -> dict:
        return dict(cls._signature()[3])

    @classmethod
    def full(cls, given: dict) -> Args:
        """The given arguments with every default filled in."""
        a = Args(cls._signature()[3])
        a.update(given)
        return a

    @classmethod
    def validate(cls, a: Args) -> None:
        """Cross-argument checks (raise ArgError)."""

    @classmethod
    def bind_call(cls, kw: dict) -> Args:
        """Validate call-time options (`return_attention_scores=true`); ArgError names the option."""
        from graphc.diagnostics import suggestion

        by_name = {p.name: p for p in cls.call_options}
        out = Args()
        for k, v in kw.items():
            p = by_name.get(k)
            if p is None:
                raise ArgError(
                    f"applying {cls.name} takes no option `{k}`"
                    + (f" (it takes {', '.join(by_name)})" if by_name else ""),
                    arg=k,
                    code="unknown-argument",
                    hint=suggestion(k, by_name),
                )
            try:
                out[k] = p.check(v)
            except ArgError as e:
                e.arg = k
                e.message = f"{cls.name} call option `{k}`: {e.message}"
                raise
        return out

    @classmethod
    def with_call(cls, a: Args, call: dict | None = None) -> Args:
        """The layer's full arguments plus its call options (defaults filled in)."""
        if not cls.call_options:
            return a
        out = Args(a)
        for p in cls.call_options:
            out.setdefault(p.name, p.default)
        out.update(call or {})
        return out

    @classmethod
    def call_arguments(cls) -> tuple:
        """Every argument a call of the layer takes besides its input(s), as Keras's `call()`
        names them: tensors (`call_tensors`) and values (`call_options`)."""
        return tuple(cls.call_tensors) + tuple(p.name for p in cls.call_options)

    @classmethod
    def call_option(cls, a: Args, name: str):
        """A call option's value in `a` (its default when the compiler passed none)."""
        if name in a:
            return a[name]
        return next(p.default for p in cls.call_options if p.name == name)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        # `trainable=False` on any layer freezes all of its weights, as in Keras:
        # wrap each `weights` override so no subclass has to remember it.
        w = cls.__dict__.get("weights")
        if w is not None and not getattr(w, "_honors_trainable", False):

            def weights(self, a, inputs, _w=w):
                ws = _w(self, a, inputs)
                if a.get("trainable", True) is False:
                    ws = [Weight(x.name, x.shape, False) for x in ws]
                return ws

            weights.__doc__ = w.__doc__
            weights._honors_trainable = True
            cls.weights = weights
        # the number of input tensors is checked once, here, against min_inputs/max_inputs
        f = cls.__dict__.get("infer")
        if f is not None and not getattr(f, "_checks_arity", False):

            def infer(self, a, inputs, _f=f):
                check_num_inputs(inputs, self.name, self.min_inputs, self.max_inputs)
                return _f(self, a, inputs)

            infer.__doc__ = f.__doc__
            infer._checks_arity = True
            cls.infer = infer

    # --- shape rules; `a` has defaults filled in
    def infer(self, a: Args, inputs: list[TensorType]) -> list[TensorType]:
        raise NotImplementedError

    def weights(self, a: Args, inputs: list[TensorType]) -> list[Weight]:
        return []

    def num_outputs(self, a: Args) -> int:
        return 1

    def warnings(self, a: Args, inputs: list[TensorType], outputs: list[TensorType]) -> list[tuple]:
        """Combinations that compile but cannot learn: [(message, hint), ...] (code "degenerate")."""
        return []

    # --- masks (Keras's supports_masking / compute_mask; graphc/compiler/masks.py applies them)
    def masking(self, a: Args) -> bool:
        """Keras's `supports_masking` for these arguments: False drops the input's mask."""
        return self.supports_masking

    def compute_mask(self, a: Args, inputs: list[TensorType], mask) -> list:
        """The output masks, one per output (None: no mask), from `mask`: what Keras calls the
        previous mask (the `mask=` passed to the call, else the first argument's mask: one
        Mask or None, or a list of them for a list of inputs).  Keras's default: the previous
        mask, flattened, on the outputs in order."""
        n = self.num_outputs(a)
        flat = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        return (flat + [None] * n)[:n]

    def check_masks_in(self, a: Args, inputs: list[TensorType], masks: dict) -> None:
        """Validate the masks the call receives (`masks`: call argument -> Mask, TensorType or a
        list of them); raise ShapeError.  Most layers take any."""

    def check_call_tensors(self, a: Args, inputs: list[TensorType], given: dict) -> None:
        """Validate the tensors given as call arguments (`given`: name -> TensorType or a list
        of them, None entries allowed); raise ShapeError/ArgError with `arg` set."""
        if "mask" in given and given["mask"] is not None and not isinstance(given["mask"], list):
            check_mask(self.name, given["mask"], inputs[0], "mask")


class LayerArg:
    """A layer passed as an argument (Bidirectional(LSTM(8))): its Op and full Args."""

    kind_name = "a layer"

    def __init__(self, op: Op, args: Args, given: dict):
        self.op, self.args, self.given = op, args, given


def layer_(v):
    if not isinstance(v, LayerArg):
        raise type_error("a layer such as LSTM(32)", v)
    return v


layer_.doc = "layer"


def as_layer_arg(v):
    """A layer value as a LayerArg, or None.  The compiler converts layers given directly as
    arguments; layers inside a list (`StackedRNNCells([LSTMCell(4), GRUCell(2)])`) may still be
    its layer values (an Op class, full `args`, `given`)."""
    if isinstance(v, LayerArg):
        return v
    op = getattr(v, "op", None)
    if isinstance(op, type) and issubclass(op, Op) and isinstance(getattr(v, "given", None), dict):
        return LayerArg(op(), op.full(v.given), v.given)
    return None


def layers_(v):
    """A non-empty list of layers (StackedRNNCells's `cells`, Pipeline's `layers`)."""
    if not isinstance(v, (list, tuple)) or not v:
        raise type_error("a list of layers such as [LSTMCell(32), LSTMCell(16)]", v)
    out = []
    for x in v:
        la = as_layer_arg(x)
        if la is None:
            raise ArgError(f"expected a list of layers, got {describe_value(x)} in it", code="argument-type")
        out.append(la)
    return tuple(out)


layers_.doc = "list of layers"


def layer_or_layers_(v):
    """RNN's `cell`: one cell or a list of cells (stacked)."""
    la = as_layer_arg(v)
    if la is not None:
        return la
    if isinstance(v, (list, tuple)):
        return layers_(v)
    raise type_error("a cell such as LSTMCell(32), or a list of cells", v)


layer_or_layers_.doc = "cell or list of cells"

INPUT_DTYPES = DTYPES + ("uint16", "uint32", "string")


def input_dtype_(v):
    """Input(dtype=...): the layer dtypes plus "string" (StringLookup, Hashing, TextVectorization)."""
    if v is None:
        return None
    if not isinstance(v, str) or v not in INPUT_DTYPES:
        from graphc.diagnostics import suggestion

        raise ArgError(f"unknown dtype `{v!r}`", hint=suggestion(str(v), INPUT_DTYPES))
    return v


input_dtype_.doc = "dtype"


# ------------------------------------------------------------ shape helpers
def conv_out(n: int | None, k: int, s: int, padding: str, d: int = 1) -> int | None:
    """Keras's compute_conv_output_shape for one spatial axis."""
    if n is None:
        return None
    ke = (k - 1) * d + 1
    if padding == "same":
        return (n + s - 1) // s
    if padding == "causal":
        return (n + s - 1) // s
    return (n - ke) // s + 1 if n >= ke else -1


def need_rank(inp: TensorType, rank: int, layer: str, what: str = "", hint: str | None = None) -> None:
    if inp.rank != rank:
        raise ShapeError(
            f"{layer} expects a {rank}D input{(' ' + what) if what else ''}, got shape {inp} ({inp.rank}D)",
            code="rank-mismatch",
            hint=hint,
            input_index=0,
        )


def need_min_rank(inp: TensorType, rank: int, layer: str) -> None:
    if inp.rank < rank:
        raise ShapeError(
            f"{layer} expects an input of rank >= {rank}, got shape {inp} ({inp.rank}D)",
            code="rank-mismatch",
            input_index=0,
        )


def norm_axis(axis: int, rank: int, layer: str, arg: str = "axis") -> int:
    """A Keras axis (batch axis = 0) normalized to 0..rank-1."""
    ax = axis + rank if axis < 0 else axis
    if not 0 <= ax < rank:
        raise ShapeError(
            f"{layer}: axis {axis} is out of range for a {rank}D input", code="argument-value", arg=arg
        )
    return ax


def float_dtype(inputs: list[TensorType], a: Args) -> str:
    if a.get("dtype"):
        return a["dtype"]
    dt = inputs[0].dtype if inputs else "float32"
    return dt if dt.startswith(("float", "bfloat")) else "float32"


# ------------------------------------------------- more validators & helpers
CONSTRAINTS = (
    "max_norm",
    "min_max_norm",
    "non_neg",
    "unit_norm",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
)


def constraint_(v):
    return _keras_object(v, "constraint", '"non_neg" or MaxNorm(3)', True)


constraint_.doc = "constraint"


def data_format_(v):
    """Keras's data_format; graphc supports channels_last (Keras's default) only."""
    if v is None:
        return None
    if not isinstance(v, str):
        raise type_error('"channels_last"', v)
    w = v.lower()
    if w == "channels_first":
        raise ArgError(
            'only data_format="channels_last" is supported (images are (batch, height, width, channels))',
            code="unsupported",
            hint="drop data_format, and Permute the input to channels_last if it is channels_first",
        )
    if w != "channels_last":
        raise ArgError(f'"{v}" is not a data format; use "channels_last"')
    return w


data_format_.doc = "channels_last"

seed_ = optional(int_(0))


def none_only(what: str) -> Callable:
    """An argument graphc accepts only as None (e.g. initial `weights=` arrays)."""

    def check(v):
        if v is not None:
            raise ArgError(f"graphc does not support `{what}` other than None", code="unsupported")
        return None

    check.doc = "None"
    return check


def pad_pairs(n: int, min: int = 0) -> Callable:
    """ZeroPadding2D/Cropping2D style: an int, n ints (symmetric), or n pairs ((a, b), ...)."""

    def check(v):
        if is_int(v):
            v = (v,) * n
        if not isinstance(v, (tuple, list)) or len(v) != n:
            raise type_error(f"an int, a tuple of {n} ints or a tuple of {n} (before, after) pairs", v)
        out = []
        for x in v:
            if is_int(x):
                x = (x, x)
            if not isinstance(x, (tuple, list)) or len(x) != 2 or not all(is_int(y) for y in x):
                raise ArgError(
                    f"expected an int, a tuple of {n} ints or a tuple of {n} (before, after) pairs, "
                    f"got `{v!r}`",
                    code="argument-type",
                )
            if any(y < min for y in x):
                raise ArgError(f"every value must be >= {min}, got `{v!r}`")
            out.append(tuple(x))
        return tuple(out)

    check.doc = f"int, {n}-tuple or {n} pairs"
    return check


def number_or_list(v):
    if is_num(v):
        return float(v)
    if isinstance(v, (tuple, list)) and v and all(is_num(x) for x in v):
        return tuple(float(x) for x in v)
    raise type_error("a number or a list of numbers", v)


number_or_list.doc = "number or list"


def fmt_shape(shape: tuple) -> str:
    """A shape without the batch axis, printed as Keras prints it: (None, 3, 4)."""
    return str(TensorType(tuple(shape)))


def layer_dtype(a: Args) -> str:
    """A layer's output dtype: its dtype= or Keras's float32 policy."""
    return a.get("dtype") or "float32"


def is_float_dtype(dt: str) -> bool:
    return dt.startswith(("float", "bfloat"))


def passthrough_dtype(inp: TensorType, a: Args) -> str:
    """Flatten/Reshape/Permute keep non-float inputs' dtype; float inputs are autocast."""
    return layer_dtype(a) if is_float_dtype(inp.dtype) else inp.dtype


def check_num_inputs(inputs: list, layer: str, lo: int, hi: int | None) -> None:
    n = len(inputs)
    if n < lo or (hi is not None and n > hi):
        want = f"exactly {lo}" if lo == hi else f"at least {lo}" if hi is None else f"{lo} to {hi}"
        plural = "s" if (hi if hi is not None else lo) != 1 else ""
        raise ShapeError(
            f"{layer} takes {want} input tensor{plural}, got {n}",
            code="shape-mismatch",
            input_index=hi if hi is not None and n > hi else None,
        )


def need_known(inp: TensorType, axis: int, layer: str, what: str, input_index: int = 0) -> int:
    """The size of `axis` (a Keras axis, batch = 0) which must be known to create weights."""
    d = inp.shape[axis - 1 if axis > 0 else axis]
    if d is None:
        raise ShapeError(
            f"{layer} needs a known {what}, got shape {inp}",
            input_index=input_index,
            hint="give the size in Input(shape=...), or Reshape to a known size first",
        )
    return d


def op_instance(op) -> "Op":
    return op() if isinstance(op, type) else op


def softmax_warning(layer: str, activation, out: TensorType, axis: int = -1) -> list:
    """A softmax over an axis of size 1 outputs 1.0 whatever its input: it cannot learn."""
    if activation != "softmax":
        return []
    rank = out.rank
    ax = axis + rank if axis < 0 else axis
    if 0 < ax < rank and out.shape[ax - 1] == 1:
        return [
            (
                f"{layer}: softmax over an axis of size 1 always outputs 1.0 (output shape {out}), "
                "so nothing before it can learn",
                'use activation="sigmoid" for a single probability, or give the layer more units',
            )
        ]
    return []


# ------------------------------------------------------------------ call-time helpers
TRAINING = P("training", optional(bool_), None)


def check_mask(layer: str, m: TensorType, x: TensorType, arg: str = "mask", steps: int = 1) -> None:
    """A mask given at a call: bool, shaped like the first `steps` axes of `x` after the batch."""
    want = tuple(x.shape[:steps])
    if m.dtype != "bool":
        raise ShapeError(
            f"{layer}: `{arg}` must be a bool tensor (True = keep), got dtype {m.dtype}",
            code="argument-type",
            arg=arg,
            hint="compare to make one, e.g. ops.not_equal(tokens, 0)",
        )
    if len(m.shape) != len(want) or any(
        p is not None and q is not None and p != q for p, q in zip(m.shape, want)
    ):
        raise ShapeError(
            f"{layer}: `{arg}` must have the shape {TensorType(want)} (batch, timesteps) of the input "
            f"{x}, got {m}",
            arg=arg,
        )


def mask_or(masks: list) -> "Mask | None":
    """Keras's merge layers: the OR of the masks, None when any input has none."""
    if not masks or any(m is None for m in masks):
        return None
    distinct = []
    for m in masks:
        if all(m is not d for d in distinct):
            distinct.append(m)
    if len(distinct) == 1:
        return distinct[0]
    return Mask("or", distinct[0].shape, tuple(distinct))
