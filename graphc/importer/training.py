"""A Keras compile configuration (`model.get_compile_config()`, the
`compile_config` of a .keras file) -> GDL's `compile(...)`.

What GDL's compile can say: an optimizer by name or as an object of the
classes graphc knows with its arguments, losses and loss weights (one, a list,
or a dict by output name), metrics by name.  What it cannot (a learning-rate
schedule, EMA, gradient accumulation, a custom loss, a metric object, weighted
metrics...) is returned as notes, and written as comments next to compile."""

from __future__ import annotations

import math
import re

from graphc.importer.layers import same, short, snake
from graphc.importer.program import Ctor, lit

# the BaseOptimizer arguments graphc's optimizers do not take, with the value meaning "off"
OPTIMIZER_OFF = {
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}
LOSS_COMMON = {"reduction": "sum_over_batch_size", "dtype": None, "axis": -1}


class _Inexpressible(Exception):
    pass


def _number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Inexpressible(f"{short(v)} is not a finite number")
    return v


class F32:
    """A float written as the shortest decimal of the same float32."""

    def __init__(self, v: float):
        self.v = v

    def text(self) -> str:
        from graphc.importer.to_gdl import float32_text

        return float32_text(self.v)


def optimizer_text(v) -> str:
    from graphc.compiler import vocab

    if isinstance(v, str):
        if v.lower() in vocab.OPTIMIZERS:
            return lit(v.lower())
        raise _Inexpressible(f"optimizer {short(v)}")
    if not isinstance(v, dict) or not isinstance(v.get("class_name"), str):
        raise _Inexpressible(f"optimizer {short(v)}")
    cls = v["class_name"]
    module = v.get("module")
    if cls not in vocab.OPTIMIZER_CLASSES or (isinstance(module, str) and not module.startswith("keras")):
        raise _Inexpressible(f"optimizer {short(cls)} (graphc knows {', '.join(vocab.OPTIMIZER_CLASSES)})")
    canon = vocab.OPTIMIZER_CLASSES[cls]
    defaults = vocab.OPTIMIZERS[canon][1]
    cfg = v.get("config") or {}
    if not isinstance(cfg, dict):
        raise _Inexpressible(f"optimizer {cls} has a malformed config")
    args = []
    for k, x in cfg.items():
        if k == "name":
            # Keras names an optimizer after its class (auto_name: "adam", "adam_1")
            if not (isinstance(x, str) and re.fullmatch(re.escape(snake(cls)) + r"(_\d+)?", x)):
                raise _Inexpressible(f"optimizer name {short(x)}")
            continue
        if k in OPTIMIZER_OFF:
            if not same(x, OPTIMIZER_OFF[k]):
                raise _Inexpressible(f"optimizer {cls} {k}={short(x)}")
            continue
        if k not in defaults:
            raise _Inexpressible(f"optimizer {cls} argument {k}={short(x)}")
        if isinstance(x, dict):
            raise _Inexpressible(f"optimizer {cls} {k}={short(x)} (a schedule or object)")
        if isinstance(x, float):
            xs = F32(_number(x)).text()
            if float(xs) == defaults[k] or same(x, defaults[k]):
                continue
            args.append(f"{k}={xs}")
        else:
            if same(x, defaults[k]):
                continue
            args.append(f"{k}={lit(x)}")
    if not args:
        return lit(canon)
    return f"{cls}({', '.join(args)})"


def loss_text(v) -> str:
    from graphc.compiler import vocab

    if isinstance(v, str):
        if v in vocab.LOSS_NAMES:
            return lit(v)
        raise _Inexpressible(f"loss {short(v)}")
    if isinstance(v, dict) and v.get("class_name") == "function" and isinstance(v.get("config"), str):
        return loss_text(v["config"])
    if not isinstance(v, dict) or not isinstance(v.get("class_name"), str):
        raise _Inexpressible(f"loss {short(v)}")
    cls = v["class_name"]
    module = v.get("module")
    if cls not in vocab.LOSS_CLASSES or (isinstance(module, str) and not module.startswith("keras")):
        raise _Inexpressible(f"loss {short(cls)}")
    canon = vocab.LOSS_CLASSES[cls]
    defaults = vocab.LOSSES[canon][1]
    cfg = v.get("config") or {}
    if not isinstance(cfg, dict):
        raise _Inexpressible(f"loss {cls} has a malformed config")
    args = []
    for k, x in cfg.items():
        if k == "name":
            if x != canon:
                raise _Inexpressible(f"loss {cls} name={short(x)}")
            continue
        if k in LOSS_COMMON and k not in defaults:
            if not same(x, LOSS_COMMON[k]):
                raise _Inexpressible(f"loss {cls} {k}={short(x)}")
            continue
        if k not in defaults:
            raise _Inexpressible(f"loss {cls} argument {k}={short(x)}")
        if not same(x, defaults[k]):
            args.append(f"{k}={lit(x)}")
    if not args:
        return lit(canon)
    return f"{cls}({', '.join(args)})"


def metric_text(v) -> str:
    from graphc.compiler import vocab

    if isinstance(v, dict) and v.get("class_name") == "function" and isinstance(v.get("config"), str):
        v = v["config"]
    if isinstance(v, str) and v in vocab.METRICS:
        return lit(v)
    raise _Inexpressible(f"metric {short(v)} (GDL's metrics are names: {', '.join(vocab.METRICS[:6])}, ...)")


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


def compile_line(cc: dict, names: list, output_struct: str) -> tuple:
    """(`compile(...)` text or None, [notes])"""
    notes: list = []
    parts: list = []
    try:
        opt = cc.get("optimizer")
        if opt is not None:
            t = optimizer_text(opt)
            if t != '"rmsprop"':
                parts.append(f"optimizer={t}")
        loss = cc.get("loss")
        if loss is None:
            raise _Inexpressible("no loss")
        parts.append(f"loss={_per_output(loss, names, loss_text, 'loss')}")
        lw = cc.get("loss_weights")
        if lw is not None:
            parts.append(f"loss_weights={_per_output(lw, names, lambda x: lit(_number(x)), 'loss weight')}")
    except _Inexpressible as exc:
        return None, [f"{exc}; the compile configuration is {short(cc, 400)}"]
    metrics = cc.get("metrics")
    if metrics is not None:
        try:
            if isinstance(metrics, dict):
                for k in metrics:
                    if k not in names:
                        raise _Inexpressible(f"metrics for {short(k)}, which is not an output name")
                text = (
                    "{"
                    + ", ".join(
                        f"{k}: [{', '.join(metric_text(m) for m in (x if isinstance(x, list) else [x]))}]"
                        for k, x in metrics.items()
                    )
                    + "}"
                )
            elif isinstance(metrics, list):
                if any(
                    isinstance(m, (list, dict)) and not (isinstance(m, dict) and "class_name" in m)
                    for m in metrics
                ):
                    raise _Inexpressible(f"per-output metric lists {short(metrics)}")
                text = "[" + ", ".join(metric_text(m) for m in metrics) + "]"
            else:
                text = "[" + metric_text(metrics) + "]"
            parts.append(f"metrics={text}")
        except _Inexpressible as exc:
            notes.append(f"metrics={short(metrics, 200)}: {exc}")
    for k, off in (("weighted_metrics", None), ("run_eagerly", False), ("steps_per_execution", 1)):
        v = cc.get(k, off)
        if not same(v, off):
            notes.append(f"{k}={short(v, 200)}")
    if cc.get("jit_compile") is True:
        notes.append("jit_compile=True (GDL leaves compilation to the backend)")
    for k in cc:
        if k not in (
            "optimizer",
            "loss",
            "loss_weights",
            "metrics",
            "weighted_metrics",
            "run_eagerly",
            "steps_per_execution",
            "jit_compile",
        ):
            notes.append(f"{k}={short(cc[k], 200)}")
    return "compile(" + ", ".join(parts) + ")", notes


__all__ = ["compile_line", "Ctor"]
