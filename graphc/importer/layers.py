"""One Keras layer configuration -> one GDL layer construction (`Ctor`).

The layer catalog (graphc/ops) knows each class's parameters, their order and
defaults; an argument is written only when its value differs from the
catalog's default, positionally when it is a required leading parameter (as
Keras code is written: `Conv2D(64, 3, strides=2)`).  What GDL cannot say (a
custom class, an argument the catalog lacks, an initializer with a seed, a
mixed-precision policy...) is reported, one line per finding, and nothing is
written for that layer."""

from __future__ import annotations

import re

from graphc.importer.program import Ctor

OBJECT_KINDS = ("initializer", "regularizer", "constraint")

# config keys that a catalog entry does not list, with the value that means
# "not used" (what Keras writes when the user did not set them)
IGNORED_KEYS = {
    "activity_regularizer": None,  # every Keras layer takes it
    "zero_output_for_mask": False,  # RNN layers (only masked inputs read it)
    "input_dim": None,
    "input_length": None,
}
# (class, key): arguments of one Keras class that graphc's catalog does not list, at the
# value that leaves them off
IGNORED_CLASS_KEYS = {
    ("LayerNormalization", "rms_scaling"): False,
}


class Unsupported(Exception):
    """A value or layer GDL cannot express; the message says what (one line)."""


def short(v, n: int = 60) -> str:
    import json

    try:
        text = json.dumps(v, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= n else text[: n - 3] + "..."


def _kind(p) -> str:
    doc = getattr(p.check, "doc", "") or ""
    for k in ("initializer", "regularizer", "constraint", "activation", "dtype"):
        if doc.startswith(k):
            return k
    if doc in ("layer", "layer or None"):
        return "layer"
    if doc in ("list of layers", "cell or list of cells"):
        return "layers"
    return ""


def same(a, b) -> bool:
    """Equal as Keras values (ints and floats compare by value; lists and tuples alike)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) in (int, float) and type(b) in (int, float) and a == b or a == b and type(a) is type(b)


def dtype_name(v) -> str | None:
    """A layer dtype (a string or a serialized DTypePolicy) as a dtype name."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, dict) and v.get("class_name") in ("DTypePolicy", "FloatDTypePolicy", "Policy"):
        cfg = v.get("config") or {}
        name = cfg.get("name") if isinstance(cfg, dict) else None
        if isinstance(name, str):
            return name
    raise Unsupported(f"dtype policy {short(v)} has no GDL form")


def plain(v):
    """JSON -> a GDL compile-time value: lists become tuples (Keras writes
    tuples as lists), Keras's __tuple__/__numpy__ wrappers are unwrapped;
    anything else that is an object is refused."""
    if isinstance(v, list):
        return tuple(plain(x) for x in v)
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    if isinstance(v, dict):
        cls = v.get("class_name")
        if cls in ("__tuple__", "__numpy__") and isinstance(v.get("config"), dict):
            return plain(v["config"].get("value"))
        raise Unsupported(f"the object {short(v)} has no GDL form")
    return v


def _norm(p, v):
    """The catalog's normalized form of a value (None when it rejects it)."""
    try:
        return p.check(v)
    except Exception:  # noqa: BLE001 - any rejection means "not comparable"
        return _Invalid


class _Invalid:
    pass


# Keras's image_data_format default: None means channels_last
EQUIVALENT = {("data_format", "channels_last"), ("data_format", None)}


def is_default(p, v) -> bool:
    from graphc.ops.base import REQUIRED

    if p.default is REQUIRED:
        return False
    if (p.name, v) in EQUIVALENT and (p.name, p.default) in EQUIVALENT:
        return True
    kind = _kind(p)
    if kind in OBJECT_KINDS:
        if v is None or p.default is None:
            return v is None and p.default is None
        from graphc.importer.objects import object_class

        cv, av = object_class(kind, v)
        cd, ad = object_class(kind, p.default)
        return cv is not None and cv is cd and not av and not ad
    a, b = _norm(p, v), _norm(p, p.default)
    if a is _Invalid or b is _Invalid:
        return same(v, p.default)
    return same(a, b)


def compact(p, v):
    """The shortest spelling of `v` the catalog reads the same: (3, 3) -> 3,
    ((1, 1), (1, 1)) -> 1."""
    if not isinstance(v, tuple) or not v:
        return v
    first = v[0]
    while isinstance(first, tuple) and first:
        first = first[0]
    if isinstance(first, bool) or not isinstance(first, int):
        return v
    a, b = _norm(p, first), _norm(p, v)
    if a is not _Invalid and b is not _Invalid and same(a, b):
        return first
    # ((a, a), (b, b)) -> (a, b)
    if all(isinstance(x, tuple) and len(x) == 2 and x[0] == x[1] for x in v):
        w = tuple(x[0] for x in v)
        c = _norm(p, w)
        if c is not _Invalid and same(c, b):
            return w
    return v


AUTO_NAME = re.compile(r"[a-z0-9_]+(_\d+)?\Z")


def snake(name: str) -> str:
    from graphc.compiler.graphs import snake as _snake

    return _snake(name)


class LayerSpec:
    """A planned layer: its construction (without name=), its catalog entry,
    its number of results per call."""

    def __init__(self, op, ctor: Ctor, given: dict, n_outputs: int):
        self.op, self.ctor, self.given, self.n_outputs = op, ctor, given, n_outputs


def resolve_class(cls: str, module, registered):
    """The catalog entry of a Keras layer class, or raise Unsupported (why)."""
    from graphc.importer import externs
    from graphc.ops import NOT_EXPRESSIBLE, REGISTRY
    from graphc.ops.base import ALIASES

    builtin_module = module is None or module.startswith("keras.layers") or module == "keras"
    custom = registered is not None and registered != cls and not registered.startswith("keras")
    if externs.known(cls, module) and not custom:
        return externs.op_of(cls, module)  # a class of keras.applications: an extern layer
    if custom or not builtin_module:
        if cls in NOT_EXPRESSIBLE:
            raise Unsupported(f"{NOT_EXPRESSIBLE[cls]}")
        where = f" from {module}" if module else ""
        raise Unsupported(
            f"a custom layer class ({short(registered or cls)}{where}): GDL has only Keras's built-in layers"
        )
    if cls in NOT_EXPRESSIBLE:
        raise Unsupported(NOT_EXPRESSIBLE[cls])
    op = REGISTRY.get(cls)
    if op is None:
        raise Unsupported(f"graphc has no layer {cls}")
    if cls in ALIASES:
        op = REGISTRY[ALIASES[cls]]
    return op


def layer_spec(cls: str, cfg: dict, module=None, registered=None, inner: bool = False) -> LayerSpec:
    """Plan one layer (raise Unsupported with every problem joined by '; ')."""
    from graphc.ops.base import ArgError, LayerArg

    op = resolve_class(cls, module, registered)
    params = {p.name: p for p in op.all_params()}
    problems: list = []
    given: dict = {}
    for k, v in cfg.items():
        if k == "name":
            continue
        if k == "trainable":
            if v is False:
                given["trainable"] = False
            elif v is not True:
                problems.append(f"trainable={short(v)} is not a bool")
            continue
        if k == "dtype":
            try:
                dt = dtype_name(v)
            except Unsupported as exc:
                problems.append(str(exc))
                continue
            if dt in (None, "float32"):
                continue
            v = dt
        p = params.get(k)
        if p is None:
            if k in IGNORED_KEYS and same(v, IGNORED_KEYS[k]):
                continue
            if (op.name, k) in IGNORED_CLASS_KEYS and same(v, IGNORED_CLASS_KEYS[(op.name, k)]):
                continue
            if inner and k == "zero_output_for_mask":  # Bidirectional sets it itself
                continue
            problems.append(
                f"argument `{k}`={short(v, 40)} has no GDL form ({op.name} in graphc has no `{k}`)"
            )
            continue
        try:
            val = arg_value(p, v)
        except Unsupported as exc:
            problems.append(f"argument `{k}`: {exc}")
            continue
        if is_default(p, val):
            continue
        given[k] = val
    # Keras writes the resolved strides of pooling layers (None means pool_size)
    if "strides" in given and "pool_size" in params and params["strides"].default is None:
        ps = given.get("pool_size", params["pool_size"].default)
        if same(_norm(params["pool_size"], ps), _norm(params["pool_size"], given["strides"])):
            del given["strides"]
    # MultiHeadAttention writes its resolved value_dim (None means key_dim)
    if op.name == "MultiHeadAttention" and "value_dim" in given and given["value_dim"] == cfg.get("key_dim"):
        del given["value_dim"]
    if op.name == "Bidirectional" and "layer" in given and "backward_layer" in given:
        if _default_backward(cfg):
            del given["backward_layer"]
    if problems:
        raise Unsupported("; ".join(problems))

    # validate with the catalog (nested constructions as LayerArgs, objects as KerasObjects)
    def as_arg(v):
        from graphc.importer.objects import as_catalog_value

        v = as_catalog_value(v)
        if isinstance(v, Ctor):
            return LayerArg(v.spec.op(), v.spec.op.full(v.spec.given), v.spec.given)
        if isinstance(v, tuple) and v and all(isinstance(x, Ctor) for x in v):
            return tuple(as_arg(x) for x in v)
        return v

    try:
        bound = op.bind([], {k: as_arg(v) for k, v in given.items()})
    except ArgError as exc:
        raise Unsupported(f"graphc rejects the arguments: {exc.message}") from None
    n_out = op().num_outputs(op.full(bound))
    ctor = make_ctor(op, given)
    spec = LayerSpec(op, ctor, given, n_out)
    ctor.spec = spec
    return spec


def make_ctor(op, given: dict) -> Ctor:
    """`Cls(required leading arguments..., keyword=...)` in the catalog's order,
    each value in its shortest spelling; block parameters (Param, Scaled) as they are."""
    from graphc.ops.base import REQUIRED

    pos: list = []
    kw: list = []
    lead = []
    for p in op.all_params():
        if not p.positional:
            continue
        if p.default is REQUIRED and p.name in given:
            lead.append(p.name)
        else:
            break
    for p in op.all_params():
        if p.name in given:
            v = given[p.name]
            if isinstance(v, tuple) and not any(isinstance(x, Ctor) for x in v):
                v = compact(p, v)
            if p.name in lead:
                pos.append(v)
            else:
                kw.append((p.name, v))
    return Ctor(op.name, pos, kw)


def _default_backward(cfg: dict) -> bool:
    """Bidirectional's backward_layer is the copy Keras makes of `layer` (go_backwards flipped)."""
    fwd, bwd = cfg.get("layer"), cfg.get("backward_layer")
    if not isinstance(fwd, dict) or not isinstance(bwd, dict):
        return False
    if fwd.get("class_name") != bwd.get("class_name"):
        return False
    fc, bc = dict(fwd.get("config") or {}), dict(bwd.get("config") or {})
    fname, bname = fc.pop("name", ""), bc.pop("name", "")
    if not (isinstance(fname, str) and isinstance(bname, str)):
        return False
    if fname.removeprefix("forward_") != bname.removeprefix("backward_"):
        return False
    if bc.get("go_backwards") is not (not fc.get("go_backwards", False)):
        return False
    fc.pop("go_backwards", None)
    bc.pop("go_backwards", None)
    return same(fc, bc)


def arg_value(p, v):
    """A config value as the GDL value for parameter `p` (raise Unsupported)."""
    kind = _kind(p)
    if kind in OBJECT_KINDS:
        from graphc.importer.objects import keras_object

        return keras_object(kind, v)
    if kind == "activation":
        if v is None or isinstance(v, str):
            return v
        raise Unsupported(f"activation {short(v)} is not a Keras activation name")
    if kind == "dtype":
        return dtype_name(v)
    if kind == "layer":
        if v is None:
            return None
        return nested_ctor(v)
    if kind == "layers":
        if isinstance(v, list):
            return tuple(nested_ctor(x) for x in v)
        return nested_ctor(v)
    return plain(v)


def nested_ctor(v) -> Ctor:
    """A layer given as an argument (Bidirectional(LSTM(8))): its construction."""
    if not isinstance(v, dict) or not isinstance(v.get("class_name"), str):
        raise Unsupported(f"{short(v)} is not a serialized layer")
    cfg = v.get("config") or {}
    if not isinstance(cfg, dict):
        raise Unsupported("a wrapped layer has a malformed config")
    cls = v["class_name"]
    spec = layer_spec(cls, cfg, v.get("module"), v.get("registered_name"), inner=True)
    name = cfg.get("name")
    base = name.removeprefix("forward_").removeprefix("backward_") if isinstance(name, str) else None
    # Keras renames a wrapped layer (forward_lstm); an auto name is left to graphc
    if (
        isinstance(base, str)
        and not AUTO_NAME.match(base)
        or (isinstance(base, str) and not re.fullmatch(re.escape(snake(cls)) + r"(_\d+)?", base))
    ):
        spec.ctor.kw.append(("name", base))
    return spec.ctor
