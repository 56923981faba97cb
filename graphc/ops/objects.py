"""The catalog of Keras objects a GDL program writes: initializers,
regularizers, constraints, losses, metrics, optimizers, learning-rate
schedules and callbacks.

One entry per Keras class, in the table at the end of this file: its kind,
its arguments in Keras's signature order with Keras's defaults and the checks
Keras makes when the object is constructed (`P(...)` as in the layer catalog),
the string identifiers `keras.<module>.get` (or `compile`) accepts for it, the
cross-argument checks, and what the PyTorch target does with it (exact, or
refused with a reason).  Adding a class is one entry here and one row in
tests/test_objects.py.

`KerasObject` is the value an object call evaluates to (`HeNormal(seed=1)`):
the class and the validated arguments the program gave.  Pure Python: no
TensorFlow, no torch.
"""

from __future__ import annotations

import math
import re

from graphc.ops.base import (
    REQUIRED,
    ArgError,
    P,
    bool_,
    dtype_,
    int_,
    is_int,
    is_num,
    optional,
    seed_,
    str_,
    type_error,
)
from graphc.records import dataclass, field

TYPE_CHECKING = False  # (importing typing costs a cold `graphc check` 4%)
if TYPE_CHECKING:
    from typing import Any, Callable

# kind -> (Keras module, GDL prefix, what one is called, runtime module of the PyTorch target)
KINDS = {
    "initializer": ("keras.initializers", "initializers", "an initializer", "initializers"),
    "regularizer": ("keras.regularizers", "regularizers", "a regularizer", "regularizers"),
    "constraint": ("keras.constraints", "constraints", "a constraint", "constraints"),
    "loss": ("keras.losses", "losses", "a loss", "losses"),
    "metric": ("keras.metrics", "metrics", "a metric", "metrics"),
    "optimizer": ("keras.optimizers", "optimizers", "an optimizer", "optim"),
    "schedule": ("keras.optimizers.schedules", "schedules", "a learning-rate schedule", "schedules"),
    "callback": ("keras.callbacks", "callbacks", "a callback", "callbacks"),
}
# GDL module prefixes (`initializers.HeNormal`, `keras.optimizers.schedules.CosineDecay`) -> kind
PREFIX_KIND = {v[1]: k for k, v in KINDS.items()}


def snake(name: str) -> str:
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


@dataclass(frozen=True, eq=False, repr=False)
class ObjClass:
    """One Keras class of the catalog."""

    kind: str
    name: str
    params: tuple  # P(...) in Keras's signature order (every one may be given positionally)
    ids: tuple = ()  # string identifiers naming this class with its defaults ("he_normal")
    check: Callable | None = None  # cross-argument checks: (args with defaults) -> raise ArgError
    torch: Callable | str | None = None  # None: exact in PyTorch; a reason; or args -> reason | None
    doc: str = ""
    # the loss/metric function Keras names it by ("mean_squared_error"), for losses
    canonical: str = ""

    def __repr__(self):
        return f"<{self.kind} {self.name}>"

    @property
    def module(self) -> str:
        return KINDS[self.kind][0]

    @property
    def prefix(self) -> str:
        return KINDS[self.kind][1]

    @property
    def by_name(self) -> dict:
        return {p.name: p for p in self.params}

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params if p.default is not REQUIRED}

    def bind(self, pos: list, kw: dict) -> dict:
        """Validated arguments (normalized values, by parameter name); raises ArgError
        whose `arg` is the parameter name or "#i" for the i-th positional argument."""
        from graphc.diagnostics import suggestion

        params = self.params
        out: dict = {}
        if len(pos) > len(params):
            raise ArgError(
                f"{self.name} takes at most {len(params)} positional argument"
                f"{'s' if len(params) != 1 else ''}, got {len(pos)}",
                arg=f"#{len(params)}",
                code="argument-type",
            )
        for i, (p, v) in enumerate(zip(params, pos)):
            out[p.name] = self._check(p, v, f"#{i}")
        by_name = self.by_name
        for k, v in kw.items():
            p = by_name.get(k)
            if p is None:
                raise ArgError(
                    f"{self.name} has no argument `{k}`",
                    arg=k,
                    code="unknown-argument",
                    hint=suggestion(k, by_name)
                    or (f"{self.name} takes {', '.join(by_name)}" if by_name else f"{self.name} takes none"),
                )
            if k in out:
                raise ArgError(
                    f"{self.name} got `{k}` twice (positionally and by keyword)",
                    arg=k,
                    code="duplicate-argument",
                )
            out[k] = self._check(p, v, k)
        for p in params:
            if p.default is REQUIRED and p.name not in out:
                raise ArgError(
                    f"{self.name} needs the argument `{p.name}`",
                    code="missing-argument",
                    hint=f"for example {self.name}({p.name}=...)",
                )
        if self.check is not None:
            self.check({**self.defaults(), **out})
        return out

    def _check(self, p: P, v, where: str):
        try:
            return p.check(v)
        except ArgError as e:
            e.arg = e.arg or where
            e.message = f"{self.name} argument `{p.name}`: {e.message}"
            raise

    def torch_problem(self, args: dict) -> str | None:
        """Why the PyTorch target cannot compute this object exactly, or None."""
        if self.torch is None:
            return None
        if isinstance(self.torch, str):
            return self.torch
        return self.torch({**self.defaults(), **args})


def _key(v):
    if isinstance(v, list):
        return ("list", tuple(_key(x) for x in v))
    if isinstance(v, tuple):
        return ("tuple", tuple(_key(x) for x in v))
    if isinstance(v, KerasObject):
        return v.key()
    return (type(v).__name__, v)


@dataclass(eq=False)
class KerasObject:
    """A Keras object the program made: `HeNormal(seed=1)`.  Objects compare by
    value (class and arguments); the compiler fills in where it was written."""

    cls: ObjClass
    args: dict  # validated arguments the program gave, by parameter name
    npos: int = 0  # how many were given positionally (the first ones)
    span: Any = None
    file: str = ""
    site: Any = None  # the call (AST)
    arg_spans: dict = field(default_factory=dict)  # parameter -> span of its value

    @property
    def kind(self) -> str:
        return self.cls.kind

    @property
    def kind_name(self) -> str:
        return f"{KINDS[self.kind][2]} ({self.cls.name})"

    def config(self) -> dict:
        """Every argument, defaults filled in."""
        return {**self.cls.defaults(), **self.args}

    def __repr__(self):
        return self.text()

    def key(self):
        return (self.cls.kind, self.cls.name, tuple(sorted((k, _key(v)) for k, v in self.args.items())))

    def __eq__(self, other):
        return isinstance(other, KerasObject) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def text(self) -> str:
        """`HeNormal(seed=1)`: how it reads in messages and `graphc summary`."""
        parts = []
        for k, v in self.args.items():
            parts.append(f"{k}={v.text() if isinstance(v, KerasObject) else _gdl(v)}")
        return f"{self.cls.name}({', '.join(parts)})"


@dataclass(eq=False)
class ObjChoice:
    """A bare name Keras has in two modules (`MeanSquaredError()`: the loss and the
    metric): which one it is is decided where it is used.  `options` maps each kind
    to its object, or to the located error its arguments gave for that kind
    (file, span, code, message, hint)."""

    name: str
    options: dict
    span: Any = None
    file: str = ""

    @property
    def kind_name(self) -> str:
        kinds = " or ".join(KINDS[k][2] for k in self.options)
        return f"{kinds} ({self.name})"

    def as_kind(self, kind: str):
        v = self.options.get(kind)
        return v if isinstance(v, KerasObject) else None


def _gdl(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "None"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        inner = ", ".join(_gdl(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, KerasObject):
        return v.text()
    return repr(v)


# ------------------------------------------------------------------ checkers
def number(min: float | None = None, max: float | None = None, min_open=False, max_open=False) -> Callable:
    """A finite int or float, kept as given (Keras stores it as is)."""

    def check(v):
        if not is_num(v):
            raise type_error("a number", v)
        if not math.isfinite(v):
            raise ArgError(f"must be finite, got {v}")
        if min is not None and (v < min or (min_open and v == min)):
            raise ArgError(f"must be {'>' if min_open else '>='} {min}, got {v}")
        if max is not None and (v > max or (max_open and v == max)):
            raise ArgError(f"must be {'<' if max_open else '<='} {max}, got {v}")
        return v

    check.doc = "number"
    return check


def as_float(inner: Callable) -> Callable:
    """A number Keras requires to be a Python float (`learning_rate`, SGD's
    `momentum`): ints are taken and written as floats."""

    def check(v):
        return float(inner(v))

    check.doc = "float"
    return check


def one_of(*options, doc: str | None = None) -> Callable:
    """Exactly one of `options` (Keras compares without changing case)."""

    def check(v):
        if not any(type(v) is type(o) and v == o for o in options):
            from graphc.diagnostics import suggestion

            shown = ", ".join(_gdl(o) for o in options)
            raise ArgError(
                f"{_gdl(v) if isinstance(v, (str, int, float, type(None))) else 'this value'} is not one of {shown}",
                hint=suggestion(str(v), [str(o) for o in options]) if isinstance(v, str) else None,
            )
        return v

    check.doc = doc or "|".join(str(o) for o in options)
    return check


def int_or_ints(min: int | None = None) -> Callable:
    def check(v):
        if is_int(v):
            items = [v]
        elif isinstance(v, (list, tuple)) and all(is_int(x) for x in v):
            items = list(v)
        else:
            raise type_error("an int or a list of ints", v)
        if min is not None and any(x < min for x in items):
            raise ArgError(f"every value must be >= {min}, got {_gdl(v)}")
        return tuple(v) if isinstance(v, tuple) else (list(v) if isinstance(v, list) else v)

    check.doc = "int or list of ints"
    return check


def ints(min_len: int = 0) -> Callable:
    def check(v):
        if not isinstance(v, (list, tuple)) or not all(is_int(x) for x in v):
            raise type_error("a list of ints", v)
        if len(v) < min_len:
            raise ArgError(f"needs at least {min_len} value{'s' if min_len != 1 else ''}")
        return v

    check.doc = "list of ints"
    return check


def numbers(v):
    if not isinstance(v, (list, tuple)) or not all(is_num(x) and math.isfinite(x) for x in v):
        raise type_error("a list of numbers", v)
    return v


numbers.doc = "list of numbers"


def thresholds_(v):
    """Keras's metric thresholds: a number or a list of numbers, each in [0, 1]."""
    items = [v] if is_num(v) else list(v) if isinstance(v, (list, tuple)) else None
    if items is None or not all(is_num(x) for x in items):
        raise type_error("a number or a list of numbers in [0, 1]", v)
    bad = [x for x in items if not 0 <= x <= 1]
    if bad:
        raise ArgError(f"threshold values must be in [0, 1], got {_gdl(bad)}")
    return v


thresholds_.doc = "number or list in [0, 1]"


def axis_(v):
    if is_int(v):
        return v
    if isinstance(v, (list, tuple)) and v and all(is_int(x) for x in v):
        return v
    raise type_error("an int axis or a list of axes", v)


axis_.doc = "axis"


def obj_(kind: str, what: str) -> Callable:
    """An object of `kind` (a schedule as `learning_rate`, the inner optimizer)."""

    def check(v):
        if isinstance(v, KerasObject) and v.kind == kind:
            return v
        alt = getattr(v, "as_kind", None)
        if alt is not None and alt(kind) is not None:
            return alt(kind)
        raise type_error(what, v)

    check.doc = KINDS[kind][2].split(" ", 1)[1]
    return check


def lr_(v):
    """`learning_rate`: a positive number or a learning-rate schedule."""
    if isinstance(v, KerasObject) or hasattr(v, "as_kind"):
        return obj_("schedule", "a number or a schedule such as ExponentialDecay(...)")(v)
    return as_float(number(0.0, min_open=True))(v)


lr_.doc = "float or schedule"


def path_(what: str) -> Callable:
    """A path a callback writes: relative, inside the working directory (no `..`,
    no absolute path, no home directory), printable, not empty."""

    def check(v):
        if not isinstance(v, str):
            raise type_error(f'a relative {what} path such as "run/best.keras"', v)
        return check_path(v, what)

    check.doc = f"relative {what} path"
    return check


_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")


def check_path(v: str, what: str, format_fields: bool = False) -> str:
    if not v:
        raise ArgError(f"the {what} path is empty")
    if any(not ch.isprintable() for ch in v):
        raise ArgError(f"the {what} path contains a control character", hint="write it on one line")
    p = v.replace("\\", "/")
    if p.startswith("/") or re.match(r"[A-Za-z]:", p) or p.startswith("~"):
        raise ArgError(
            f'the {what} path "{v}" is not relative',
            code="unsafe-path",
            hint="callbacks write under the directory training runs in: give a relative path",
        )
    if ".." in p.split("/"):
        raise ArgError(
            f'the {what} path "{v}" leaves the working directory (`..`)',
            code="unsafe-path",
            hint="callbacks write under the directory training runs in",
        )
    if format_fields:
        # ModelCheckpoint formats the path with `epoch`, `batch` and the logs: plain
        # names only (`{epoch:02d}`), no attribute access or indexing
        text = p.replace("{{", "").replace("}}", "")
        for m in _FORMAT_FIELD.finditer(text):
            name = m.group(1).split(":", 1)[0].split("!", 1)[0]
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ArgError(
                    f'the {what} path field "{{{m.group(1)}}}" is not a name',
                    code="unsafe-path",
                    hint="fields are `{epoch}`, `{batch}` or a log name such as `{val_loss:.2f}`",
                )
        if re.search(r"[{}]", _FORMAT_FIELD.sub("", text)):
            raise ArgError(
                f'the {what} path "{v}" has an unmatched brace', hint="write `{{` or `}}` for a brace"
            )
    return v


def checkpoint_path_(v):
    if not isinstance(v, str):
        raise type_error('a relative file path such as "best.keras"', v)
    return check_path(v, "checkpoint", format_fields=True)


checkpoint_path_.doc = "relative file path"


def _freq(v):
    if v == "epoch" or (is_int(v) and v >= 1):
        return v
    raise ArgError(
        f'expected "epoch" or an int >= 1, got {_gdl(v) if not hasattr(v, "kind_name") else v.kind_name}'
    )


_freq.doc = '"epoch" or int'

verbose_ = one_of(0, 1, 2, doc="0|1|2")
name_ = optional(str_)
opt_number = optional(number())
REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")
reduction_ = one_of(*REDUCTIONS, doc="reduction")


# ------------------------------------------------------------------ the table
CATALOG: dict = {k: {} for k in KINDS}  # kind -> {class name: ObjClass}
IDS: dict = {k: {} for k in KINDS}  # kind -> {string identifier: ObjClass}


def obj(kind: str, name: str, *params, ids=(), snake_id=True, check=None, torch=None, doc="", canonical=""):
    c = ObjClass(kind, name, tuple(params), tuple(ids), check, torch, doc, canonical)
    CATALOG[kind][name] = c
    names = list(ids)
    if snake_id:
        names = [name, snake(name), *names]
    for n in names:
        IDS[kind][n] = c
    return c


# ---- initializers (keras/src/initializers)
def _axes_torch(a):
    if a.get("input_axes") is not None or a.get("output_axes") is not None:
        return "input_axes/output_axes (fans over chosen axes) are not supported in the PyTorch target"
    return None


_axes = (P("input_axes", optional(ints(1)), None), P("output_axes", optional(ints(1)), None))


def _dist(v):
    if not isinstance(v, str):
        raise type_error('"truncated_normal", "untruncated_normal" or "uniform"', v)
    w = v.lower()
    w = "truncated_normal" if w == "normal" else w
    if w not in ("uniform", "truncated_normal", "untruncated_normal"):
        raise ArgError(f'"{v}" is not one of "truncated_normal", "untruncated_normal", "uniform"')
    return w


_dist.doc = "truncated_normal|untruncated_normal|uniform"

obj("initializer", "Constant", P("value", number(), 0.0), doc="every value `value`")
obj("initializer", "Zeros", ids=("zero",), doc="zeros")
obj("initializer", "Ones", ids=("one",), doc="ones")
obj(
    "initializer",
    "Identity",
    P("gain", number(), 1.0),
    ids=("IdentityInitializer",),
    doc="`gain` times the identity matrix (2D weights only)",
)
obj(
    "initializer",
    "STFT",
    P("side", one_of("real", "imag"), "real"),
    P("window", optional(str_), "hann"),
    P("scaling", one_of("density", "spectrum", None), "density"),
    P("periodic", bool_, False),
    ids=("STFTInitializer",),
    torch="the STFT initializer is not supported in the PyTorch target",
    doc="short-time Fourier transform kernels (STFTSpectrogram)",
)
obj(
    "initializer",
    "RandomNormal",
    P("mean", number(), 0.0),
    P("stddev", number(), 0.05),
    P("seed", seed_, None),
    ids=("normal",),
    doc="normal(mean, stddev)",
)
obj(
    "initializer",
    "RandomUniform",
    P("minval", number(), -0.05),
    P("maxval", number(), 0.05),
    P("seed", seed_, None),
    ids=("uniform",),
    doc="uniform(minval, maxval)",
)
obj(
    "initializer",
    "TruncatedNormal",
    P("mean", number(), 0.0),
    P("stddev", number(), 0.05),
    P("seed", seed_, None),
    doc="normal(mean, stddev) redrawn beyond two deviations",
)
obj(
    "initializer",
    "VarianceScaling",
    P("scale", number(0.0, min_open=True), 1.0),
    P("mode", one_of("fan_in", "fan_out", "fan_avg"), "fan_in"),
    P("distribution", _dist, "truncated_normal"),
    P("seed", seed_, None),
    *_axes,
    torch=_axes_torch,
    doc="scale / fan, drawn truncated-normal, untruncated-normal or uniform",
)
for _n, _d in (
    ("GlorotNormal", "VarianceScaling(1, fan_avg, truncated_normal)"),
    ("GlorotUniform", "VarianceScaling(1, fan_avg, uniform)"),
    ("HeNormal", "VarianceScaling(2, fan_in, truncated_normal)"),
    ("HeUniform", "VarianceScaling(2, fan_in, uniform)"),
    ("LecunNormal", "VarianceScaling(1, fan_in, truncated_normal)"),
    ("LecunUniform", "VarianceScaling(1, fan_in, uniform)"),
):
    obj("initializer", _n, P("seed", seed_, None), *_axes, torch=_axes_torch, doc=_d)
obj(
    "initializer",
    "Orthogonal",
    P("gain", number(), 1.0),
    P("seed", seed_, None),
    ids=("OrthogonalInitializer",),
    doc="a random orthogonal matrix times `gain`",
)

# ---- regularizers (keras/src/regularizers)
_factor = number(0.0)
obj("regularizer", "L1", P("l1", _factor, 0.01), doc="l1 * sum(|w|)")
obj("regularizer", "L2", P("l2", _factor, 0.01), doc="l2 * sum(w**2)")
obj(
    "regularizer",
    "L1L2",
    P("l1", optional(_factor), 0.0),
    P("l2", optional(_factor), 0.0),
    doc="l1 * sum(|w|) + l2 * sum(w**2)",
)
obj(
    "regularizer",
    "OrthogonalRegularizer",
    P("factor", _factor, 0.01),
    P("mode", one_of("rows", "columns"), "rows"),
    torch="OrthogonalRegularizer is not supported in the PyTorch target",
    doc="factor * mean |cosine| between rows (or columns) of a 2D kernel",
)


# ---- constraints (keras/src/constraints)
def _axis_torch(a):
    if a.get("axis", 0) != 0:
        return "a constraint over an axis other than Keras's default axis=0 is not supported in the PyTorch target"
    return None


obj(
    "constraint",
    "MaxNorm",
    P("max_value", number(), 2),
    P("axis", axis_, 0),
    torch=_axis_torch,
    doc="norms <= max_value",
)
obj(
    "constraint",
    "MinMaxNorm",
    P("min_value", number(), 0.0),
    P("max_value", number(), 1.0),
    P("rate", number(), 1.0),
    P("axis", axis_, 0),
    torch=_axis_torch,
    doc="norms moved into [min_value, max_value] at `rate`",
)
obj("constraint", "NonNeg", doc="negative weights set to 0")
obj("constraint", "UnitNorm", P("axis", axis_, 0), torch=_axis_torch, doc="norms = 1")


# ---- losses (keras/src/losses)
def _loss(name, canonical, *params, default_name=None, ids=(), check=None, doc=""):
    tail = (
        P("reduction", reduction_, "sum_over_batch_size"),
        P("name", name_, default_name or canonical),
        P("dtype", dtype_, None),
    )
    return obj(
        "loss",
        name,
        *params,
        *tail,
        ids=(canonical, *ids),
        snake_id=False,
        check=check,
        doc=doc,
        canonical=canonical,
    )


def _q_check(a):
    if not 0 < a["q"] < 1:
        raise ArgError("CategoricalGeneralizedCrossEntropy argument `q`: must be in (0, 1)", arg="q")


def _loss_axis(v):
    if isinstance(v, bool):
        raise ArgError("`axis` must be an int, not a bool", code="argument-type")
    return int_()(v)


_loss_axis.doc = "int"
_smooth = number(0.0, 1.0)
_logits = P("from_logits", bool_, False)

_loss("MeanSquaredError", "mean_squared_error", ids=("mse", "MSE"), doc="mean((y - p)**2)")
_loss("MeanAbsoluteError", "mean_absolute_error", ids=("mae", "MAE"), doc="mean(|y - p|)")
_loss(
    "MeanAbsolutePercentageError",
    "mean_absolute_percentage_error",
    ids=("mape", "MAPE"),
    doc="100 * mean(|y - p| / |y|)",
)
_loss(
    "MeanSquaredLogarithmicError",
    "mean_squared_logarithmic_error",
    ids=("msle", "MSLE"),
    doc="mean((log(1 + y) - log(1 + p))**2)",
)
_loss("CosineSimilarity", "cosine_similarity", P("axis", _loss_axis, -1), doc="-cosine(y, p) along `axis`")
_loss("Huber", "huber", P("delta", number(), 1.0), default_name="huber_loss", doc="Huber loss with `delta`")
_loss("LogCosh", "log_cosh", doc="mean(log(cosh(p - y)))")
_loss("Hinge", "hinge", doc="mean(max(1 - y * p, 0)), labels -1/1 or 0/1")
_loss("SquaredHinge", "squared_hinge", doc="mean(max(1 - y * p, 0)**2)")
_loss("CategoricalHinge", "categorical_hinge", doc="max(neg - pos + 1, 0), one-hot labels")
_loss("KLDivergence", "kl_divergence", ids=("kld", "KLD"), doc="sum(y * log(y / p))")
_loss("Poisson", "poisson", doc="mean(p - y * log(p))")
_loss(
    "BinaryCrossentropy",
    "binary_crossentropy",
    _logits,
    P("label_smoothing", _smooth, 0.0),
    P("axis", _loss_axis, -1),
    ids=("bce", "BCE"),
    doc="binary crossentropy (probabilities, or logits)",
)
_loss(
    "BinaryFocalCrossentropy",
    "binary_focal_crossentropy",
    P("apply_class_balancing", bool_, False),
    P("alpha", number(), 0.25),
    P("gamma", number(), 2.0),
    _logits,
    P("label_smoothing", _smooth, 0.0),
    P("axis", _loss_axis, -1),
    doc="focal binary crossentropy",
)
_loss(
    "CategoricalCrossentropy",
    "categorical_crossentropy",
    _logits,
    P("label_smoothing", _smooth, 0.0),
    P("axis", _loss_axis, -1),
    doc="crossentropy of one-hot labels",
)
_loss(
    "CategoricalFocalCrossentropy",
    "categorical_focal_crossentropy",
    P("alpha", number(), 0.25),
    P("gamma", number(), 2.0),
    _logits,
    P("label_smoothing", _smooth, 0.0),
    P("axis", _loss_axis, -1),
    doc="focal crossentropy of one-hot labels",
)
obj(
    "loss",
    "SparseCategoricalCrossentropy",
    _logits,
    P("ignore_class", optional(int_()), None),
    P("reduction", reduction_, "sum_over_batch_size"),
    P("axis", _loss_axis, -1),
    P("name", name_, "sparse_categorical_crossentropy"),
    P("dtype", dtype_, None),
    ids=("sparse_categorical_crossentropy",),
    snake_id=False,
    doc="crossentropy of integer class labels",
    canonical="sparse_categorical_crossentropy",
)
_loss("CTC", "ctc", doc="connectionist temporal classification")
obj(
    "loss",
    "Dice",
    P("reduction", reduction_, "sum_over_batch_size"),
    P("name", name_, "dice"),
    P("axis", optional(axis_), None),
    P("dtype", dtype_, None),
    ids=("dice",),
    snake_id=False,
    doc="1 - Dice coefficient",
    canonical="dice",
)
obj(
    "loss",
    "Tversky",
    P("alpha", number(), 0.5),
    P("beta", number(), 0.5),
    P("reduction", reduction_, "sum_over_batch_size"),
    P("name", name_, "tversky"),
    P("axis", optional(axis_), None),
    P("dtype", dtype_, None),
    ids=("tversky",),
    snake_id=False,
    doc="1 - Tversky index",
    canonical="tversky",
)
_loss(
    "Circle",
    "circle",
    P("gamma", number(), 80.0),
    P("margin", number(), 0.4),
    P("remove_diagonal", bool_, True),
    doc="circle loss of embeddings (integer labels)",
)
_loss(
    "CategoricalGeneralizedCrossEntropy",
    "categorical_generalized_cross_entropy",
    P("q", number(), 0.5),
    check=_q_check,
    doc="generalized crossentropy, robust to noisy labels (integer labels)",
)
LOSS_CANONICAL = {c.canonical: c for c in CATALOG["loss"].values()}
for _c in CATALOG["loss"].values():  # the class names too
    IDS["loss"][_c.name] = _c


# ---- metrics (keras/src/metrics, those graphc_runtime.torch.metrics implements)
def _metric(name, *params, after=(), default_name=None, ids=(), check=None, doc=""):
    """Most metrics: (their own arguments, name, dtype[, arguments after dtype])."""
    dn = default_name if default_name is not None else snake(name)
    return obj(
        "metric",
        name,
        *params,
        P("name", name_, dn),
        P("dtype", dtype_, None),
        *after,
        ids=ids,
        check=check,
        doc=doc,
    )


def _named_first(name, default_name, *after, ids=(), doc=""):
    return _metric(name, after=after, default_name=default_name, ids=ids, doc=doc)


_named_first("Accuracy", "accuracy", doc="how often predictions equal labels")
_named_first(
    "BinaryAccuracy", "binary_accuracy", P("threshold", number(), 0.5), doc="binary accuracy at `threshold`"
)
_named_first("CategoricalAccuracy", "categorical_accuracy", doc="argmax matches, one-hot labels")
_named_first("SparseCategoricalAccuracy", "sparse_categorical_accuracy", doc="argmax matches, integer labels")
_metric(
    "TopKCategoricalAccuracy",
    P("k", int_(1), 5),
    default_name="top_k_categorical_accuracy",
    doc="label among the top k",
)
obj(
    "metric",
    "SparseTopKCategoricalAccuracy",
    P("k", int_(1), 5),
    P("name", name_, "sparse_top_k_categorical_accuracy"),
    P("dtype", dtype_, None),
    P("from_sorted_ids", bool_, False),
    doc="integer label among the top k",
)
_named_first("MeanSquaredError", "mean_squared_error", ids=("mse", "MSE"), doc="mean((y - p)**2)")
_named_first("MeanAbsoluteError", "mean_absolute_error", ids=("mae", "MAE"), doc="mean(|y - p|)")
_named_first(
    "MeanAbsolutePercentageError",
    "mean_absolute_percentage_error",
    ids=("mape", "MAPE"),
    doc="100 * mean(|y - p| / |y|)",
)
_named_first(
    "MeanSquaredLogarithmicError",
    "mean_squared_logarithmic_error",
    ids=("msle", "MSLE"),
    doc="mean((log(1 + y) - log(1 + p))**2)",
)
_named_first("RootMeanSquaredError", "root_mean_squared_error", doc="sqrt(mean((y - p)**2))")
_named_first("CosineSimilarity", "cosine_similarity", P("axis", int_(), -1), doc="cosine(y, p)")
_named_first("LogCoshError", "logcosh", doc="mean(log(cosh(p - y)))")
obj(
    "metric",
    "R2Score",
    P("class_aggregation", one_of("uniform_average", "variance_weighted_average", None), "uniform_average"),
    P("num_regressors", int_(0), 0),
    P("name", name_, "r2_score"),
    P("dtype", dtype_, None),
    doc="coefficient of determination",
)
_named_first("KLDivergence", "kl_divergence", doc="sum(y * log(y / p))")
_named_first("Poisson", "poisson", doc="mean(p - y * log(p))")
_named_first(
    "BinaryCrossentropy",
    "binary_crossentropy",
    _logits,
    P("label_smoothing", _smooth, 0),
    ids=("bce", "BCE"),
    doc="binary crossentropy",
)
_named_first(
    "CategoricalCrossentropy",
    "categorical_crossentropy",
    _logits,
    P("label_smoothing", _smooth, 0),
    P("axis", _loss_axis, -1),
    doc="crossentropy of one-hot labels",
)
_named_first(
    "SparseCategoricalCrossentropy",
    "sparse_categorical_crossentropy",
    _logits,
    P("ignore_class", optional(int_()), None),
    P("axis", _loss_axis, -1),
    doc="crossentropy of integer labels",
)
_named_first("Hinge", "hinge", doc="hinge loss")
_named_first("SquaredHinge", "squared_hinge", doc="squared hinge loss")
_named_first("CategoricalHinge", "categorical_hinge", doc="categorical hinge loss")
_named_first("PearsonCorrelation", "pearson_correlation", P("axis", int_(), -1), doc="Pearson's r")
_named_first(
    "ConcordanceCorrelation", "concordance_correlation", P("axis", int_(), -1), doc="Lin's concordance"
)
for _n in ("FalseNegatives", "FalsePositives", "TrueNegatives", "TruePositives"):
    obj(
        "metric",
        _n,
        P("thresholds", optional(thresholds_), None),
        P("name", name_, None),
        P("dtype", dtype_, None),
        doc="count at `thresholds`",
    )
for _n, _d in (("Precision", "tp / (tp + fp)"), ("Recall", "tp / (tp + fn)")):
    obj(
        "metric",
        _n,
        P("thresholds", optional(thresholds_), None),
        P("top_k", optional(int_(1)), None),
        P("class_id", optional(int_(0)), None),
        P("name", name_, None),
        P("dtype", dtype_, None),
        doc=_d,
    )
for _n, _arg, _d in (
    ("PrecisionAtRecall", "recall", "best precision where recall >= `recall`"),
    ("RecallAtPrecision", "precision", "best recall where precision >= `precision`"),
    ("SensitivityAtSpecificity", "specificity", "best sensitivity where specificity >= `specificity`"),
    ("SpecificityAtSensitivity", "sensitivity", "best specificity where sensitivity >= `sensitivity`"),
):
    obj(
        "metric",
        _n,
        P(_arg, number(0, 1)),
        P("num_thresholds", int_(1), 200),
        P("class_id", optional(int_(0)), None),
        P("name", name_, None),
        P("dtype", dtype_, None),
        doc=_d,
    )


def _auc_check(a):
    if a["thresholds"] is None and a["num_thresholds"] <= 1:
        raise ArgError("AUC argument `num_thresholds`: must be > 1", arg="num_thresholds")
    if not a["multi_label"] and a["num_labels"]:
        raise ArgError(
            "AUC argument `num_labels` is needed only when `multi_label` is true", arg="num_labels"
        )


obj(
    "metric",
    "AUC",
    P("num_thresholds", int_(), 200),
    P("curve", one_of("ROC", "roc", "PR", "pr", "PRGAIN", "prgain", doc="ROC|PR|PRGAIN"), "ROC"),
    P(
        "summation_method",
        one_of("interpolation", "Interpolation", "majoring", "Majoring", "minoring", "Minoring"),
        "interpolation",
    ),
    P("name", name_, None),
    P("dtype", dtype_, None),
    P("thresholds", optional(thresholds_), None),
    P("multi_label", bool_, False),
    P("num_labels", optional(int_(1)), None),
    P("label_weights", optional(numbers), None),
    _logits,
    check=_auc_check,
    doc="area under the ROC or PR curve",
)


def _fbeta_check(a):
    t = a.get("threshold")
    if t is not None and not 0 < t <= 1:
        raise ArgError(f"argument `threshold`: must be in (0, 1], got {t}", arg="threshold")


_average = one_of(None, "micro", "macro", "weighted")
obj(
    "metric",
    "FBetaScore",
    P("average", _average, None),
    P("beta", as_float(number(0.0, min_open=True)), 1.0),
    P("threshold", optional(as_float(number())), None),
    P("name", name_, "fbeta_score"),
    P("dtype", dtype_, None),
    ids=("f_beta_score",),
    snake_id=False,
    check=_fbeta_check,
    doc="F-beta score",
)
IDS["metric"]["FBetaScore"] = CATALOG["metric"]["FBetaScore"]
obj(
    "metric",
    "F1Score",
    P("average", _average, None),
    P("threshold", optional(as_float(number())), None),
    P("name", name_, "f1_score"),
    P("dtype", dtype_, None),
    check=_fbeta_check,
    doc="F1 score",
)


def _iou_check(a):
    ids_ = a.get("target_class_ids")
    if ids_ is not None and ids_ and max(ids_) >= a["num_classes"]:
        raise ArgError(
            f"argument `target_class_ids`: {max(ids_)} is not a class below num_classes={a['num_classes']}",
            arg="target_class_ids",
        )


_classes = P("num_classes", int_(1))
obj(
    "metric",
    "IoU",
    _classes,
    P("target_class_ids", ints(1)),
    P("name", name_, None),
    P("dtype", dtype_, None),
    P("ignore_class", optional(int_()), None),
    P("sparse_y_true", bool_, True),
    P("sparse_y_pred", bool_, True),
    P("axis", int_(), -1),
    ids=("io_u",),
    snake_id=False,
    check=_iou_check,
    doc="intersection over union of the target classes",
)
obj(
    "metric",
    "BinaryIoU",
    P("target_class_ids", ints(1), (0, 1)),
    P("threshold", number(), 0.5),
    P("name", name_, None),
    P("dtype", dtype_, None),
    ids=("binary_io_u",),
    snake_id=False,
    doc="IoU of thresholded binary predictions",
)
obj(
    "metric",
    "MeanIoU",
    _classes,
    P("name", name_, None),
    P("dtype", dtype_, None),
    P("ignore_class", optional(int_()), None),
    P("sparse_y_true", bool_, True),
    P("sparse_y_pred", bool_, True),
    P("axis", int_(), -1),
    ids=("mean_io_u",),
    snake_id=False,
    doc="IoU averaged over classes",
)
obj(
    "metric",
    "OneHotIoU",
    _classes,
    P("target_class_ids", ints(1)),
    P("name", name_, None),
    P("dtype", dtype_, None),
    P("ignore_class", optional(int_()), None),
    P("sparse_y_pred", bool_, False),
    P("axis", int_(), -1),
    ids=("one_hot_io_u",),
    snake_id=False,
    check=_iou_check,
    doc="IoU of one-hot labels",
)
obj(
    "metric",
    "OneHotMeanIoU",
    _classes,
    P("name", name_, None),
    P("dtype", dtype_, None),
    P("ignore_class", optional(int_()), None),
    P("sparse_y_pred", bool_, False),
    P("axis", int_(), -1),
    ids=("one_hot_mean_io_u",),
    snake_id=False,
    doc="mean IoU of one-hot labels",
)
for _n in ("IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU"):
    IDS["metric"][_n] = CATALOG["metric"][_n]
# compile(metrics=[...]) also takes "acc" and, by the labels' shape, "accuracy" (any accuracy)
METRIC_SPECIAL = ("accuracy", "acc")


# ---- learning-rate schedules (keras/src/optimizers/schedules)
def _steps(v):
    if not is_num(v) or not math.isfinite(v):
        raise type_error("a positive number of steps", v)
    if v <= 0:
        raise ArgError(f"must be > 0, got {v}")
    return v


_steps.doc = "steps > 0"
_lr0 = P("initial_learning_rate", number())
obj(
    "schedule",
    "ExponentialDecay",
    _lr0,
    P("decay_steps", _steps),
    P("decay_rate", number()),
    P("staircase", bool_, False),
    P("name", str_, "ExponentialDecay"),
    snake_id=False,
    doc="lr0 * decay_rate ** (step / decay_steps)",
)


def _piecewise_check(a):
    if len(a["boundaries"]) != len(a["values"]) - 1:
        raise ArgError(
            "PiecewiseConstantDecay: `values` needs one more value than `boundaries` has, "
            f"got {len(a['values'])} values and {len(a['boundaries'])} boundaries",
            arg="values",
        )


obj(
    "schedule",
    "PiecewiseConstantDecay",
    P("boundaries", numbers),
    P("values", numbers),
    P("name", str_, "PiecewiseConstant"),
    snake_id=False,
    check=_piecewise_check,
    doc="values[i] between boundaries[i - 1] and boundaries[i]",
)
obj(
    "schedule",
    "PolynomialDecay",
    _lr0,
    P("decay_steps", _steps),
    P("end_learning_rate", number(), 0.0001),
    P("power", number(), 1.0),
    P("cycle", bool_, False),
    P("name", str_, "PolynomialDecay"),
    snake_id=False,
    doc="polynomial from lr0 to end_learning_rate",
)
obj(
    "schedule",
    "InverseTimeDecay",
    _lr0,
    P("decay_steps", _steps),
    P("decay_rate", number()),
    P("staircase", bool_, False),
    P("name", str_, "InverseTimeDecay"),
    snake_id=False,
    doc="lr0 / (1 + decay_rate * step / decay_steps)",
)
obj(
    "schedule",
    "CosineDecay",
    _lr0,
    P("decay_steps", _steps),
    P("alpha", number(), 0.0),
    P("name", str_, "CosineDecay"),
    P("warmup_target", opt_number, None),
    P("warmup_steps", number(0), 0),
    snake_id=False,
    doc="cosine decay, after an optional linear warmup to warmup_target",
)
obj(
    "schedule",
    "CosineDecayRestarts",
    _lr0,
    P("first_decay_steps", _steps),
    P("t_mul", number(), 2.0),
    P("m_mul", number(), 1.0),
    P("alpha", number(), 0.0),
    P("name", str_, "SGDRDecay"),
    snake_id=False,
    doc="cosine decay with warm restarts (SGDR)",
)


# ---- optimizers (keras/src/optimizers)
def _opt_check(a):
    clips = [k for k in ("clipnorm", "clipvalue", "global_clipnorm") if a.get(k) is not None]
    if len(clips) > 1:
        raise ArgError(
            f"only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set, got {', '.join(clips)}",
            arg=clips[1],
        )


_COMMON = (
    P("weight_decay", optional(number(0)), None),
    P("clipnorm", optional(number(0.0, min_open=True)), None),
    P("clipvalue", optional(number(0.0, min_open=True)), None),
    P("global_clipnorm", optional(number(0.0, min_open=True)), None),
    P("use_ema", bool_, False),
    P("ema_momentum", number(0, 1), 0.99),
    P("ema_overwrite_frequency", optional(int_(1)), None),
    P("loss_scale_factor", optional(number(0.0, min_open=True)), None),
    P("gradient_accumulation_steps", optional(int_(2)), None),
    P("name", name_, None),
)
_eps = P("epsilon", number(0.0, min_open=True), 1e-07)


def _optimizer(name, *params, lr=0.001, common=_COMMON, check=None, torch=None, doc=""):
    return obj(
        "optimizer",
        name,
        P("learning_rate", lr_, lr),
        *params,
        *common,
        ids=(name.lower(),),
        snake_id=False,
        check=(lambda a: (_opt_check(a), check(a))) if check else _opt_check,
        torch=torch,
        doc=doc,
    )


_b1, _b2 = P("beta_1", number(0, 1), 0.9), P("beta_2", number(0, 1), 0.999)
_optimizer(
    "SGD",
    P("momentum", as_float(number(0, 1)), 0.0),
    P("nesterov", bool_, False),
    lr=0.01,
    doc="gradient descent with momentum",
)
_optimizer(
    "RMSprop",
    P("rho", number(0, 1), 0.9),
    P("momentum", number(0, 1), 0.0),
    _eps,
    P("centered", bool_, False),
    doc="RMSprop",
)
_optimizer("Adam", _b1, _b2, _eps, P("amsgrad", bool_, False), doc="Adam")
obj(  # AdamW's signature puts weight_decay second
    "optimizer",
    "AdamW",
    P("learning_rate", lr_, 0.001),
    P("weight_decay", number(0), 0.004),
    _b1,
    _b2,
    _eps,
    P("amsgrad", bool_, False),
    *_COMMON[1:],
    ids=("adamw",),
    snake_id=False,
    check=_opt_check,
    doc="Adam with decoupled weight decay",
)
_optimizer("Adagrad", P("initial_accumulator_value", number(0), 0.1), _eps, doc="Adagrad")
_optimizer("Adamax", _b1, _b2, _eps, doc="Adamax (infinity norm)")
_optimizer("Nadam", _b1, _b2, _eps, doc="Adam with Nesterov momentum")
_optimizer("Adadelta", P("rho", number(0, 1), 0.95), _eps, doc="Adadelta")
_optimizer("Lion", _b1, P("beta_2", number(0, 1), 0.99), doc="Lion (sign of the interpolated momentum)")
_optimizer(
    "Adafactor",
    P("beta_2_decay", number(), -0.8),
    P("epsilon_1", number(0.0, min_open=True), 1e-30),
    P("epsilon_2", number(0.0, min_open=True), 0.001),
    P("clip_threshold", number(0.0, min_open=True), 1.0),
    P("relative_step", bool_, True),
    doc="Adafactor (factored second moments)",
)
_optimizer(
    "Ftrl",
    P("learning_rate_power", number(max=0.0), -0.5),
    P("initial_accumulator_value", number(0), 0.1),
    P("l1_regularization_strength", number(0), 0.0),
    P("l2_regularization_strength", number(0), 0.0),
    P("l2_shrinkage_regularization_strength", number(0), 0.0),
    P("beta", number(), 0.0),
    doc="follow the regularized leader",
)
_optimizer(
    "Lamb",
    _b1,
    _b2,
    _eps,
    torch="Lamb is not supported in the PyTorch target (graphc_runtime.torch.optim has no Lamb yet)",
    doc="layer-wise adaptive Adam",
)
_optimizer(
    "ScheduleFreeAdamW",
    _b1,
    _b2,
    P("epsilon", number(0.0, min_open=True), 1e-08),
    P("warmup_steps", int_(0), 0),
    lr=0.0025,
    torch="ScheduleFreeAdamW is not supported in the PyTorch target",
    doc="schedule-free AdamW",
)
obj(
    "optimizer",
    "LossScaleOptimizer",
    P("inner_optimizer", obj_("optimizer", "an optimizer such as Adam(...)")),
    P("initial_scale", number(0.0, min_open=True), 32768.0),
    P("dynamic_growth_steps", int_(1), 2000),
    P("name", name_, None),
    snake_id=False,
    torch=lambda a: a["inner_optimizer"].cls.torch_problem(a["inner_optimizer"].args),
    doc="dynamic loss scaling around `inner_optimizer`",
)


# ---- callbacks (keras/src/callbacks, those graphc_runtime.torch.callbacks implements)
_monitor = P("monitor", str_, "val_loss")
_mode = P("mode", one_of("auto", "min", "max"), "auto")
obj(
    "callback",
    "EarlyStopping",
    _monitor,
    P("min_delta", number(), 0),
    P("patience", int_(0), 0),
    P("verbose", verbose_, 0),
    _mode,
    P("baseline", opt_number, None),
    P("restore_best_weights", bool_, False),
    P("start_from_epoch", int_(0), 0),
    snake_id=False,
    doc="stop when `monitor` stops improving",
)
obj(
    "callback",
    "ModelCheckpoint",
    P("filepath", checkpoint_path_),
    _monitor,
    P("verbose", verbose_, 0),
    P("save_best_only", bool_, False),
    P("save_weights_only", bool_, False),
    _mode,
    P("save_freq", _freq, "epoch"),
    P("initial_value_threshold", opt_number, None),
    snake_id=False,
    check=lambda a: _checkpoint_check(a),
    doc="save the model (or its weights) after epochs",
)


def _checkpoint_check(a):
    path = a["filepath"]
    if a["save_weights_only"]:
        if not path.endswith(".weights.h5"):
            raise ArgError(
                f'with save_weights_only=true the path must end in ".weights.h5", got "{path}"',
                arg="filepath",
            )
    elif not path.endswith((".keras", ".h5")):
        raise ArgError(
            f'the path must end in ".keras" (or ".weights.h5" with save_weights_only=true), got "{path}"',
            arg="filepath",
        )


def _plateau_check(a):
    if a["factor"] >= 1.0:
        raise ArgError(
            "ReduceLROnPlateau does not support a factor >= 1.0", arg="factor", hint="e.g. factor=0.5"
        )


obj(
    "callback",
    "ReduceLROnPlateau",
    _monitor,
    P("factor", number(0.0, min_open=True), 0.1),
    P("patience", int_(0), 10),
    P("verbose", verbose_, 0),
    _mode,
    P("min_delta", number(), 0.0001),
    P("cooldown", int_(0), 0),
    P("min_lr", number(0), 0.0),
    snake_id=False,
    check=_plateau_check,
    doc="multiply the learning rate by `factor` when `monitor` stops improving",
)
obj("callback", "TerminateOnNaN", P("raise_error", bool_, False), snake_id=False, doc="stop at a NaN loss")
obj(
    "callback",
    "CSVLogger",
    P("filename", path_("log file")),
    P("separator", str_, ","),
    P("append", bool_, False),
    snake_id=False,
    doc="write each epoch's logs to a CSV file",
)


def _tb_freq(v):
    if v in ("epoch", "batch") or (is_int(v) and v >= 1):
        return v
    raise ArgError('expected "epoch", "batch" or an int >= 1')


_tb_freq.doc = '"epoch"|"batch"|int'


def _profile(v):
    if is_int(v) and v >= 0:
        return v
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(is_int(x) and x >= 0 for x in v):
        return v
    raise type_error("an int >= 0 or a pair (start, stop)", v)


_profile.doc = "int or pair"
obj(
    "callback",
    "TensorBoard",
    P("log_dir", path_("log directory"), "logs"),
    P("histogram_freq", int_(0), 0),
    P("write_graph", bool_, True),
    P("write_images", bool_, False),
    P("write_steps_per_second", bool_, False),
    P("update_freq", _tb_freq, "epoch"),
    P("profile_batch", _profile, 0),
    P("embeddings_freq", int_(0), 0),
    P("embeddings_metadata", optional(str_), None),
    snake_id=False,
    doc="TensorBoard logs",
)


def _backup_freq(v):
    if v is False or v == "epoch" or (is_int(v) and v >= 1):
        return v
    raise ArgError('expected "epoch", false or an int >= 1')


_backup_freq.doc = '"epoch"|false|int'
obj(
    "callback",
    "BackupAndRestore",
    P("backup_dir", path_("backup directory")),
    P("save_freq", _backup_freq, "epoch"),
    P("double_checkpoint", bool_, False),
    P("delete_checkpoint", bool_, True),
    snake_id=False,
    doc="back up training state and resume an interrupted run",
)

# Keras callbacks GDL cannot write (they take Python functions or talk to a server)
NOT_WRITABLE = {
    "LearningRateScheduler": "it takes a Python function; give the optimizer a schedule instead, "
    "e.g. Adam(learning_rate=ExponentialDecay(1e-3, 1000, 0.9))",
    "LambdaCallback": "it takes Python functions",
    "RemoteMonitor": "it sends logs over the network",
    "SwapEMAWeights": "graphc_runtime.torch has no SwapEMAWeights",
    "OrbaxCheckpoint": "it needs Orbax; use ModelCheckpoint or BackupAndRestore",
    "Mean": "it averages values, not labels and predictions: it is no compile(metrics=...) metric",
    "Sum": "it sums values, not labels and predictions: it is no compile(metrics=...) metric",
}


# ------------------------------------------------------------------ lookups
def classes_named(name: str) -> list:
    """The catalog classes a bare name may mean, in kind order (`MeanSquaredError`: the
    loss and the metric)."""
    return [CATALOG[k][name] for k in KINDS if name in CATALOG[k]]


def class_for_path(path: tuple) -> list:
    """Classes a dotted spelling names: ("initializers", "HeNormal"),
    ("keras", "optimizers", "schedules", "CosineDecay"), ("losses", "Huber")."""
    *mods, name = path
    mods = [m for m in mods if m != "keras"]
    if not mods:
        return classes_named(name)
    kind = PREFIX_KIND.get(mods[-1])
    if kind is None:
        return []
    if kind == "schedule" and mods[:-1] not in ([], ["optimizers"]):
        return []
    if kind != "schedule" and len(mods) != 1:
        return []
    c = CATALOG[kind].get(name)
    return [c] if c is not None else []


def all_class_names() -> list:
    return sorted({n for k in KINDS for n in CATALOG[k]})


def from_id(kind: str, ident: str):
    """The class a string identifier names for `kind`, or None."""
    return IDS[kind].get(ident)


def ids_of(kind: str) -> list:
    return sorted(IDS[kind])


__all__ = [
    "KINDS",
    "CATALOG",
    "IDS",
    "ObjClass",
    "KerasObject",
    "classes_named",
    "class_for_path",
    "from_id",
    "snake",
]
