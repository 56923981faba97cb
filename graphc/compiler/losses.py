"""compile(...) and fit(...): losses, loss weights, optimizer and metrics resolved
into one table, with Keras's rules (a single loss for every output, a list in
output order, or a dict keyed by output name; missing weights are 1.0)."""

from __future__ import annotations

import math

from graphc.compiler import vocab
from graphc.compiler.ir import LossEntry, Optimizer, Tensor
from graphc.compiler.objects import take
from graphc.compiler.values import POISON
from graphc.diagnostics import Note, suggestion
from graphc.ops import objects as O


def _canonical_loss(name: str) -> str | None:
    c = O.from_id("loss", name)
    return c.canonical if c is not None else None


def _is_obj(v, kind: str) -> bool:
    return (
        isinstance(v, O.KerasObject) and v.kind == kind or (isinstance(v, O.ObjChoice) and kind in v.options)
    )


def _final_activation(t: Tensor) -> str | None:
    """The activation a tensor was produced by, when known ("linear" for none)."""
    call = t.call
    if call is None:
        return None
    layer = call.layer
    if layer.op is None:
        return None
    name = layer.op.name
    args = getattr(layer, "full_args", {})
    if name == "Activation":
        return args.get("activation")
    if name == "Softmax":
        return "softmax"
    if name == "Identity":
        return _final_activation(call.inputs[0])
    if "activation" in args:
        return args.get("activation") or "linear"
    return None


def resolve_compile(c, scope, graph) -> None:
    file = scope.module.path
    raw = graph.compile["raw"]
    cspan = graph.compile["span"]
    outputs = graph.outputs
    names = [n for n, _, _ in outputs]
    result = {"optimizer": Optimizer("rmsprop"), "losses": [], "metrics": {}, "span": cspan}
    graph.compile = result

    # optimizer
    opt = raw.get("optimizer")
    if opt is not None and opt[0] is not POISON:  # Keras's default is "rmsprop"
        value, span, _ = opt
        obj = take(c, value, "optimizer")
        if isinstance(value, str):
            key = value.lower()
            cls = O.from_id("optimizer", key)
            if cls is None:
                c.report(
                    file,
                    span,
                    "unknown-optimizer",
                    f'unknown optimizer "{value}"',
                    suggestion(value, vocab.OPTIMIZERS),
                )
            else:
                result["optimizer"] = Optimizer(key, {}, True)
                result["optimizer_span"] = span
        elif obj is POISON:
            pass
        elif obj is not None:
            result["optimizer"] = Optimizer(obj.cls.name.lower(), dict(obj.args), False)
            result["optimizer_obj"] = obj
        else:
            c.report(
                file,
                span,
                "argument-type",
                'optimizer must be a name such as "adam" or an object such as Adam(learning_rate=1e-3)',
            )

    if not names:
        return
    # losses
    loss = raw.get("loss")
    per_output: dict[str, tuple] = {}
    if loss is None:
        c.report(file, cspan, "missing-loss", "compile needs `loss=`", 'e.g. loss="mse"')
        return
    value, span, kspan = loss
    if value is POISON:
        return
    if isinstance(value, str) or _is_obj(value, "loss"):
        for n in names:
            per_output[n] = (value, span)
    elif isinstance(value, (list, tuple)):
        if len(value) != len(names):
            c.report(
                file,
                span,
                "loss-count",
                f"{len(value)} loss{'es' * (len(value) != 1)} for {len(names)} "
                f"output{'s' * (len(names) != 1)} ({', '.join(names)})",
                "give one loss per output, in `output` order, or use a dict",
            )
            return
        for n, v in zip(names, value):
            per_output[n] = (v, span)
    elif isinstance(value, dict):
        spans = value.pop("__spans__", {})
        for k, v in value.items():
            ks = spans.get(k, span)
            if k not in names:
                c.report(
                    file,
                    ks,
                    "unknown-output",
                    f"loss given for `{k}`, which is not an output of `{graph.name}`",
                    suggestion(str(k), names) or f"outputs: {', '.join(names)}",
                )
                continue
            per_output[k] = (v, ks)
        for n, _, ospan in outputs:
            if n not in per_output:
                c.report(
                    file,
                    span,
                    "missing-loss",
                    f"output `{n}` has no loss",
                    f'add `{n}: "..."` to the loss dict',
                    [Note(file, ospan, "output declared here")],
                )
    else:
        c.report(file, span, "argument-type", "loss must be a name, a loss object, a list or a dict")
        return

    # loss weights
    weights = {n: 1.0 for n in names}
    lw = raw.get("loss_weights")
    if lw is not None and lw[0] is not POISON:
        wv, wspan, _ = lw
        items = []
        if wv == "auto" and isinstance(wv, str):  # learned uncertainty weights (Kendall et al. 2018)
            result["auto_weights"] = True
            if len(names) < 2:
                c.warn(
                    file,
                    wspan,
                    "degenerate",
                    'loss_weights="auto" learns one weight per output; this model has one output',
                    "drop loss_weights",
                )
        elif isinstance(wv, str):
            c.report(
                file,
                wspan,
                "argument-value",
                f'loss_weights "{wv}" is not "auto"',
                'give numbers (a list or a dict by output), or "auto" for learned weights',
            )
        elif isinstance(wv, (list, tuple)):
            if len(wv) != len(names):
                c.report(
                    file,
                    wspan,
                    "loss-count",
                    f"{len(wv)} loss weights for {len(names)} outputs ({', '.join(names)})",
                    "give one weight per output, in `output` order, or use a dict",
                )
            else:
                items = [(n, v, wspan) for n, v in zip(names, wv)]
        elif isinstance(wv, dict):
            spans = wv.pop("__spans__", {})
            for k, v in wv.items():
                ks = spans.get(k, wspan)
                if k not in names:
                    c.report(
                        file,
                        ks,
                        "unknown-output",
                        f"loss weight given for `{k}`, which is not an output of `{graph.name}`",
                        suggestion(str(k), names) or f"outputs: {', '.join(names)}",
                    )
                    continue
                items.append((k, v, ks))
        else:
            c.report(
                file, wspan, "argument-type", 'loss_weights must be a list or a dict of numbers, or "auto"'
            )
        for n, v, s in items:
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                c.report(file, s, "argument-type", f"loss weight for `{n}` must be a number, got `{v!r}`")
            elif not math.isfinite(v) or v < 0:
                c.report(
                    file,
                    s,
                    "bad-loss-weight",
                    f"loss weight for `{n}` is {v}; weights must be finite and >= 0",
                )
            else:
                weights[n] = float(v)

    tensors = {n: (t, s) for n, t, s in outputs}
    for n in names:
        if n not in per_output:
            continue
        v, s = per_output[n]
        if v is POISON:
            continue
        obj = take(c, v, "loss")
        if isinstance(v, str):
            canon = _canonical_loss(v)
            if canon is None:
                hint = suggestion(v, vocab.LOSS_NAMES)
                if v.lower() in ("crossentropy", "ce"):
                    hint = "name the crossentropy: binary_crossentropy, categorical_crossentropy, ..."
                c.report(file, s, "unknown-loss", f'unknown loss "{v}"', hint)
                continue
            entry = LossEntry(n, canon, weights[n], {}, v)
        elif obj is POISON:
            continue
        elif obj is not None:
            entry = LossEntry(n, obj.cls.canonical, weights[n], dict(obj.args), obj.cls.name)
            entry.obj = obj
        else:
            c.report(file, s, "argument-type", f"the loss for `{n}` must be a loss name or object")
            continue
        _check_fit(c, file, s, entry, *tensors[n])
        result["losses"].append(entry)

    metrics = raw.get("metrics")
    if metrics is not None and metrics[0] is not POISON:
        mv, mspan, _ = metrics

        def check_metric(m, span):
            if isinstance(m, str):
                if m not in vocab.METRICS:
                    c.report(
                        file, span, "unknown-keyword", f'unknown metric "{m}"', suggestion(m, vocab.METRICS)
                    )
                    return None
                return m
            obj = take(c, m, "metric")
            if obj is None:
                c.report(
                    file,
                    span,
                    "argument-type",
                    f'metrics are names such as "accuracy" or objects such as AUC(), got {kind_of(m)}',
                )
            return obj if obj is not None and obj is not POISON else None

        def metric_list(v, span):
            lst = v if isinstance(v, (list, tuple)) else [v]
            return [x for x in (check_metric(m, span) for m in lst) if x is not None]

        if isinstance(mv, dict):
            spans = mv.pop("__spans__", {})
            for k, v in mv.items():
                if k not in names:
                    c.report(
                        file,
                        spans.get(k, mspan),
                        "unknown-output",
                        f"metric given for `{k}`, which is not an output",
                        suggestion(str(k), names),
                    )
                    continue
                result["metrics"][k] = metric_list(v, spans.get(k, mspan))
        elif isinstance(mv, (list, tuple)) and mv and all(isinstance(x, (list, tuple)) for x in mv):
            # a list of lists: one list per output, in `output` order (Keras)
            if len(mv) != len(names):
                c.report(
                    file,
                    mspan,
                    "loss-count",
                    f"{len(mv)} metric lists for {len(names)} outputs ({', '.join(names)})",
                    "give one list per output, in `output` order, or use a dict",
                )
            else:
                for n, v in zip(names, mv):
                    result["metrics"][n] = metric_list(v, mspan)
        elif isinstance(mv, (list, tuple)):
            ok = metric_list(mv, mspan)
            for n in names:
                result["metrics"][n] = list(ok)
        else:
            c.report(file, mspan, "argument-type", "metrics must be a list or a dict keyed by output name")


def kind_of(v) -> str:
    from graphc.compiler.expressions import kind_of as k

    return k(v)


def _check_fit(c, file, span, entry: LossEntry, tensor: Tensor, out_span) -> None:
    """Losses that cannot fit their output."""
    units = tensor.type.shape[-1] if tensor.type.shape else None
    act = _final_activation(tensor)
    logits = entry.config.get("from_logits", False)
    name = entry.loss
    note = [
        Note(
            file,
            out_span,
            f"output `{entry.output}` has shape {tensor.type}" + (f' and activation "{act}"' if act else ""),
        )
    ]
    binary = name in ("binary_crossentropy", "binary_focal_crossentropy")
    if name in vocab.PROBABILISTIC and logits and act in ("sigmoid", "softmax"):
        # Keras on TensorFlow takes the activation's logits (and warns when training);
        # Keras on torch or JAX would take the probabilities as logits.  graphc follows
        # TensorFlow in both targets, and says so.
        c.warn(
            file,
            span,
            "loss-mismatch",
            f'{name} with from_logits=true on output `{entry.output}`, whose activation "{act}" '
            "makes probabilities: the loss uses that activation's logits, as Keras on TensorFlow does",
            f'drop from_logits, or remove the final {act} (activation="linear") to output logits',
            note,
        )
        return
    if name in vocab.PROBABILISTIC and not logits and act is not None:
        ok = ("sigmoid", "softmax", "hard_sigmoid") if binary else ("softmax",)
        if act not in ok:
            fix = "sigmoid" if binary else "softmax"
            cls = O.LOSS_CANONICAL[name].name
            c.report(
                file,
                span,
                "loss-mismatch",
                f'{name} on output `{entry.output}` needs probabilities, but its activation is "{act}"',
                f'use activation="{fix}" on the layer, or {cls}(from_logits=true)',
                note,
            )
            return
    if name == "categorical_crossentropy" and units == 1:
        c.warn(
            file,
            span,
            "degenerate",
            f"categorical_crossentropy on the 1-unit output `{entry.output}` is always 0 and cannot learn",
            'use binary_crossentropy with activation="sigmoid"',
            note,
        )
    if name == "sparse_categorical_crossentropy" and units == 1:
        c.warn(
            file,
            span,
            "degenerate",
            f"sparse_categorical_crossentropy on the 1-unit output `{entry.output}` has only one class",
            'use binary_crossentropy with activation="sigmoid"',
            note,
        )


def resolve_fit(c, scope, kw: dict) -> None:
    file = scope.module.path
    out = dict(scope.graph.fit)
    checks = {
        "batch_size": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        "epochs": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        "steps_per_epoch": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 1),
        "validation_split": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1,
        "shuffle": lambda v: isinstance(v, bool),
        "verbose": lambda v: v in ("auto", 0, 1, 2),
    }
    for k, (v, span, _) in kw.items():
        if v is POISON:
            continue
        if k == "callbacks":
            cbs = _callbacks(c, file, v, span)
            if cbs is not None:
                out[k] = cbs
            continue
        if not checks[k](v):
            c.report(
                file,
                span,
                "argument-value",
                f"fit `{k}` cannot be `{v!r}`",
                {"validation_split": "a fraction in [0, 1)", "shuffle": "true or false"}.get(
                    k, "a positive int"
                ),
            )
            continue
        out[k] = v
    scope.graph.fit = out


def _callbacks(c, file, v, span):
    """fit(callbacks=[EarlyStopping(...), ...]): a list of callback objects."""
    if not isinstance(v, (list, tuple)):
        c.report(
            file,
            span,
            "argument-type",
            f"fit `callbacks` must be a list of callbacks, got {kind_of(v)}",
            'e.g. callbacks=[EarlyStopping(patience=3), CSVLogger("log.csv")]',
        )
        return None
    out = []
    for x in v:
        obj = take(c, x, "callback")
        if obj is POISON:
            continue
        if obj is None:
            c.report(
                file,
                getattr(x, "span", None) or span,
                "argument-type",
                f"fit `callbacks` takes callbacks such as EarlyStopping(...), got {kind_of(x)}",
            )
            continue
        out.append(obj)
    return out
