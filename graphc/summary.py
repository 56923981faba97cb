"""`graphc summary`: a Keras-style table of one model."""

from __future__ import annotations

from graphc.compiler.ir import Graph


def _shape(types) -> str:
    return ", ".join(str(t) for t in types) if types else "-"


def _uncounted(layer) -> bool:
    """An `extern` layer whose declaration has no params rule: graphc does not know its weights."""
    from graphc.compiler.externs import is_extern_op

    return is_extern_op(layer.op) and "params" not in layer.op.decl.rules


def summary(graph: Graph) -> str:
    rows = [("Layer (type)", "Output Shape", "Param #", "Connected to")]
    for t in graph.inputs:
        rows.append((f"{t.input_name or t.var} (InputLayer)", str(t.type), "0", "-"))
    names = {}
    for layer in graph.layers:
        for k, call in enumerate(layer.calls):
            for i, t in enumerate(call.outputs):
                names[t.id] = (
                    layer.name
                    + (f"[{k}]" if len(layer.calls) > 1 else "")
                    + (f"[{i}]" if len(call.outputs) > 1 else "")
                )
    for t in graph.inputs:
        names[t.id] = t.input_name or t.var
    for node in graph.nodes:  # keras.ops results (no layer): the function that made them
        fn = getattr(node, "fn", None)
        if fn is not None:
            for t in node.outputs:
                names.setdefault(t.id, f"ops.{fn.name}" + (f":{t.var}" if t.var else ""))
    for layer in graph.layers:  # creation order = first-call order
        kind = layer.type_name
        if layer.inner is not None:
            kind += f"({layer.inner.type_name})"
        n = len(layer.calls)
        label = f"{layer.name} ({kind})" + (f" x{n} shared" if n > 1 else "")
        params = layer.trainable_params + layer.non_trainable_params
        unknown = _uncounted(layer)
        shapes = {_shape([t.type for t in c.outputs]) for c in layer.calls}
        ins = "; ".join(", ".join(names.get(t.id, "?") for t in c.inputs) for c in layer.calls)
        rows.append(
            (
                label,
                " | ".join(sorted(shapes)) if len(shapes) > 1 else shapes.pop(),
                "?" if unknown else f"{params:,}",
                ins,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    widths = [min(w, 48) for w in widths]
    total_w = sum(widths) + 3 * 3
    out = [f'Model: "{graph.name}"', "=" * total_w]
    for i, r in enumerate(rows):
        out.append(" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            out.append("-" * total_w)
    tr, nt = graph.trainable_params, graph.non_trainable_params
    out += [
        "=" * total_w,
        f"Total params: {tr + nt:,}",
        f"Trainable params: {tr:,}",
        f"Non-trainable params: {nt:,}",
    ]
    uncounted = sorted({la.type_name for la in graph.layers if _uncounted(la)})
    if uncounted:
        out.append(
            f"(not counted: the weights of {', '.join(uncounted)}, whose extern declaration has no params rule)"
        )
    if graph.compile and graph.compile.get("losses"):
        out += _training(graph)
    return "\n".join(out)


def _training(graph: Graph) -> list:
    """The losses, metrics, optimizer and callbacks of compile(...)/fit(...), with their
    arguments as the program gave them."""
    from graphc.ops.objects import KerasObject

    comp = graph.compile
    auto = comp.get("auto_weights")
    out = ["", "Losses:"]
    metrics = comp.get("metrics", {})

    def loss_text(e):
        if e.obj is not None:
            return e.obj.text()
        return e.loss + (f" {e.config}" if e.config else "")

    def metric_text(m):
        return m.text() if isinstance(m, KerasObject) else f'"{m}"'

    lrows = [("Output", "Loss", "Weight", "Metrics")] + [
        (
            e.output,
            loss_text(e),
            "auto" if auto else f"{e.weight:g}",
            ", ".join(metric_text(m) for m in metrics.get(e.output, [])) or "-",
        )
        for e in comp["losses"]
    ]
    lw = [max(len(r[i]) for r in lrows) for i in range(4)]
    for i, r in enumerate(lrows):
        out.append("  " + " | ".join(c.ljust(w) for c, w in zip(r, lw)).rstrip())
        if i == 0:
            out.append("  " + "-" * (sum(lw) + 9))
    if auto:
        out.append("Loss weights: auto (learned, one per output)")
    obj = comp.get("optimizer_obj")
    if obj is not None:
        out.append(f"Optimizer: {obj.text()}")
    else:
        opt = comp["optimizer"]
        cfg = ", ".join(f"{k}={v!r}" for k, v in opt.config.items())
        out.append(f"Optimizer: {opt.name}" + (f" ({cfg})" if cfg else ""))
    cbs = (graph.fit or {}).get("callbacks") or []
    if cbs:
        out.append("Callbacks: " + ", ".join(cb.text() for cb in cbs))
    return out
