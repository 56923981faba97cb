"""A Keras compile configuration (`model.get_compile_config()`, the
`compile_config` of a .keras file) -> GDL's `compile(...)`.

Optimizers (with their learning-rate schedules), losses and metrics are Keras
objects in GDL (graphc/ops/objects.py): written by name when they have Keras's
defaults, else as calls with the arguments that differ (objects.py).  What GDL's
compile cannot say (a custom loss or metric, weighted metrics, run_eagerly,
steps_per_execution...) is returned as notes, written as comments beside it;
when the optimizer or the loss itself cannot be written, the whole compile
configuration becomes the comment."""

from __future__ import annotations

import math

from graphc.importer.layers import Unsupported, same, short
from graphc.importer.objects import keras_object
from graphc.importer.program import lit


class _Inexpressible(Exception):
    pass


def _number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Inexpressible(f"{short(v)} is not a finite number")
    return v


def _object(kind: str, v) -> str:
    try:
        return lit(keras_object(kind, v))
    except Unsupported as exc:
        raise _Inexpressible(str(exc)) from None


def _metric(v) -> str:
    from graphc.ops.objects import METRIC_SPECIAL

    if isinstance(v, dict) and v.get("class_name") == "function" and isinstance(v.get("config"), str):
        v = v["config"]
    if isinstance(v, str) and v in METRIC_SPECIAL:
        return lit(v)
    return _object("metric", v)


def _per_output(v, names: list, fn, what: str) -> str:
    """One value, a list (one per output) or a dict by output name."""
    if isinstance(v, dict) and "class_name" not in v:
        for k in v:
            if k not in names:
                raise _Inexpressible(f"{what} for {short(k)}, which is not an output name")
        return "{" + ", ".join(f"{k}: {fn(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        if len(v) != len(names):
            raise _Inexpressible(f"{len(v)} {what}es for {len(names)} outputs")
        return "[" + ", ".join(fn(x) for x in v) + "]"
    return fn(v)


def _metrics(m, names: list) -> str:
    def one_list(x) -> str:
        return "[" + ", ".join(_metric(i) for i in (x if isinstance(x, list) else [x])) + "]"

    if isinstance(m, dict) and "class_name" not in m:
        for k in m:
            if k not in names:
                raise _Inexpressible(f"metrics for {short(k)}, which is not an output name")
        return "{" + ", ".join(f"{k}: {one_list(x)}" for k, x in m.items()) + "}"
    if isinstance(m, list):
        if m and all(isinstance(x, list) for x in m):  # one list per output
            if len(m) != len(names):
                raise _Inexpressible(f"{len(m)} metric lists for {len(names)} outputs")
            return "[" + ", ".join(one_list(x) for x in m) + "]"
        return one_list(m)
    return one_list(m)


KNOWN = (
    "optimizer",
    "loss",
    "loss_weights",
    "metrics",
    "weighted_metrics",
    "run_eagerly",
    "steps_per_execution",
    "jit_compile",
    "auto_scale_loss",
)


def compile_line(cc: dict, names: list, output_struct: str) -> tuple:
    """(`compile(...)` text or None, [notes])"""
    notes: list = []
    parts: list = []
    try:
        opt = cc.get("optimizer")
        if opt is not None:
            t = _object("optimizer", opt)
            if t != '"rmsprop"':  # Keras's default
                parts.append(f"optimizer={t}")
        loss = cc.get("loss")
        if loss is None:
            raise _Inexpressible("no loss")
        parts.append(f"loss={_per_output(loss, names, lambda x: _object('loss', x), 'loss')}")
        lw = cc.get("loss_weights")
        if lw is not None:
            parts.append(f"loss_weights={_per_output(lw, names, lambda x: lit(_number(x)), 'loss weight')}")
    except _Inexpressible as exc:
        return None, [f"{exc}; the compile configuration is {short(cc, 400)}"]
    metrics = cc.get("metrics")
    if metrics is not None:
        try:
            parts.append(f"metrics={_metrics(metrics, names)}")
        except _Inexpressible as exc:
            notes.append(f"metrics={short(metrics, 200)}: {exc}")
    for k, off in (("weighted_metrics", None), ("run_eagerly", False), ("steps_per_execution", 1)):
        v = cc.get(k, off)
        if not same(v, off):
            notes.append(f"{k}={short(v, 200)}")
    if cc.get("jit_compile") is True:
        notes.append("jit_compile=True (GDL leaves compilation to the backend)")
    for k in cc:
        if k not in KNOWN:
            notes.append(f"{k}={short(cc[k], 200)}")
    return "compile(" + ", ".join(parts) + ")", notes


__all__ = ["compile_line"]
