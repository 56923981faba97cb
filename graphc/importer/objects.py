"""Serialized Keras objects (initializers, regularizers, constraints, losses,
metrics, optimizers, learning-rate schedules) -> GDL, with graphc's object
catalog (graphc/ops/objects.py): Keras's classes, arguments and defaults.

An object with Keras's default arguments is written by its string name where
Keras's `get` builds it from that name (`"he_normal"`, `"adam"`,
`"mean_squared_error"`); otherwise as a call with the arguments that differ from
the defaults (`VarianceScaling(scale=2.0, mode="fan_out")`).  Keras keeps some
hyperparameters as float32 (a learning rate in a variable, a regularizer's
strength): they are compared, and written, as float32 (0.0020000000949949026
is 0.002).  Anything else is `Unsupported`, with the reason."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from graphc.importer.layers import Unsupported, plain, same, short

# classes whose string name Keras's `get` cannot build (Constant needs `value`)
NO_STRING = {("initializer", "Constant"), ("initializer", "STFT")}


@dataclass(eq=False)
class ObjExpr:
    """`Cls(k=v, ...)` in GDL, and the catalog's object it makes (for checking)."""

    spelled: str
    kw: tuple
    obj: object  # graphc.ops.objects.KerasObject
    npos: int = 0  # the first `npos` arguments are written positionally


def f32(v: float) -> float:
    """The shortest decimal with the same float32 value, as a float."""
    from graphc.importer.to_gdl import float32_text

    return float(float32_text(v))


def _is_f32(v: float) -> bool:
    """Whether `v` is exactly a float32 value (Keras kept it as float32); a Python float
    that is not (VarianceScaling's scale=1/3) is written in full."""
    try:
        return struct.unpack("<f", struct.pack("<f", v))[0] == v
    except (OverflowError, struct.error):
        return False


def same_f32(a, b) -> bool:
    if type(a) in (int, float) and type(b) in (int, float):
        try:
            return struct.pack("<f", a) == struct.pack("<f", b)
        except (OverflowError, struct.error):
            return a == b
    return same(a, b)


def _catalog():
    from graphc.ops import objects as O

    return O


def _kind_of_check(p) -> str | None:
    """The object kind a parameter of an object takes (a schedule as learning_rate...)."""
    doc = getattr(p.check, "doc", "") or ""
    if p.name == "learning_rate":
        return "schedule"
    objs = _catalog()
    for kind, (_, _, what, _) in objs.KINDS.items():
        if doc and doc == what.split(" ", 1)[1]:
            return kind
    return None


def _auto_name(cls, x) -> bool:
    """Keras's automatic name of an object (`adam`, `adam_1`, the loss's function name)."""
    if not isinstance(x, str):
        return False
    objs = _catalog()
    bases = {objs.snake(cls.name), cls.name.lower()}
    if cls.canonical:
        bases.add(cls.canonical)
    d = cls.defaults().get("name")
    if isinstance(d, str):
        bases.add(d)
    return any(re.fullmatch(re.escape(b) + r"(_\d+)?", x) for b in bases)


def keras_object(kind: str, v):
    """A serialized Keras object of `kind` as a GDL value: None, a string name, or an ObjExpr."""
    objs = _catalog()
    if v is None:
        return None
    if isinstance(v, dict) and v.get("class_name") == "function" and isinstance(v.get("config"), str):
        v = v["config"]  # a loss or metric function (keras.losses.mean_squared_error)
    if isinstance(v, str):
        if objs.from_id(kind, v) is None:
            raise Unsupported(f"unknown {kind} {short(v)}")
        return v
    if not isinstance(v, dict) or not isinstance(v.get("class_name"), str):
        raise Unsupported(f"{kind} {short(v)} is not a Keras {kind}")
    name = v["class_name"]
    module, reg = v.get("module"), v.get("registered_name")
    cls = objs.CATALOG[kind].get(name) or objs.from_id(kind, name)
    custom = (isinstance(module, str) and not module.startswith("keras")) or (
        isinstance(reg, str) and reg != name and not reg.startswith("keras")
    )
    if cls is None or custom:
        raise Unsupported(f"{kind} {short(reg or name)} is not a Keras {kind} GDL knows")
    cfg = v.get("config") or {}
    if not isinstance(cfg, dict):
        raise Unsupported(f"{kind} {name} has a malformed config")
    by_name = cls.by_name
    defaults = cls.defaults()
    given: dict = {}
    for k, x in cfg.items():
        p = by_name.get(k)
        if p is None:
            raise Unsupported(f"{kind} {cls.name} argument `{k}`={short(x, 30)} has no GDL form")
        if k == "name":
            if x is None or _auto_name(cls, x):
                continue
            given[k] = x
            continue
        sub = _kind_of_check(p)
        if sub is not None and isinstance(x, dict):
            given[k] = keras_object(sub, x)
            continue
        x = plain(x) if not isinstance(x, list) else [plain(i) for i in x]
        if k == "dtype" and x == "float32" and defaults.get(k) is None:
            continue  # Keras writes the float32 default of losses and metrics
        if k in defaults and (same_f32(x, defaults[k]) if isinstance(x, float) else same(x, defaults[k])):
            continue
        if isinstance(x, float) and _is_f32(x):
            x = f32(x)  # a float32 in Keras (a learning rate variable): its shortest spelling
        given[k] = x
    try:
        bound = cls.bind([], {k: (g.obj if isinstance(g, ObjExpr) else g) for k, g in given.items()})
    except Exception as exc:  # noqa: BLE001 - ArgError from the catalog: its message
        raise Unsupported(f"{kind} {cls.name}: graphc rejects it: {getattr(exc, 'message', exc)}") from None
    obj = objs.KerasObject(cls, bound)
    if not given and (kind, cls.name) not in NO_STRING:
        ident = _string_name(kind, cls)
        if ident is not None:
            return ident
    # Keras's order; required leading arguments (and the one argument of a
    # one-argument class: Constant(0.1), L2(1e-4)) positionally, as Keras code writes them
    from graphc.ops.base import REQUIRED

    order = [p.name for p in cls.params]
    items = sorted(given.items(), key=lambda kv: order.index(kv[0]))
    npos = 0
    for p in cls.params:
        if p.name in given and (p.default is REQUIRED or (len(cls.params) - _n_common(cls) == 1)):
            npos += 1
        else:
            break
    return ObjExpr(_spelling(kind, cls), tuple(items), obj, npos)


def _n_common(cls) -> int:
    """Arguments every object of its kind has (name, dtype, reduction...): not its own."""
    return sum(1 for p in cls.params if p.name in ("name", "dtype", "reduction"))


def _string_name(kind: str, cls) -> str | None:
    objs = _catalog()
    ids = [i for i, c in objs.IDS[kind].items() if c is cls]
    for pref in (cls.canonical, objs.snake(cls.name), cls.name.lower()):
        if pref and pref in ids:
            return pref
    return ids[0] if ids else None


def _spelling(kind: str, cls) -> str:
    """The bare class name, or `initializers.Identity` where the bare name is a layer."""
    from graphc.ops.base import REGISTRY

    if cls.name in REGISTRY:
        return f"{cls.prefix}.{cls.name}"
    return cls.name


def as_catalog_value(v):
    """A GDL value as the compiler holds it (ObjExpr -> KerasObject)."""
    if isinstance(v, ObjExpr):
        return v.obj
    return v


def object_class(kind: str, v):
    """(catalog class, its non-default arguments) of a value of `kind`, for comparing."""
    objs = _catalog()
    if isinstance(v, ObjExpr):
        return v.obj.cls, dict(v.kw)
    if isinstance(v, objs.KerasObject):
        return v.cls, dict(v.args)
    if isinstance(v, str):
        return objs.from_id(kind, v), {}
    return None, {}


__all__ = ["ObjExpr", "keras_object", "object_class", "as_catalog_value", "f32", "same_f32"]
