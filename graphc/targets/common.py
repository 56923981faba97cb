"""Target-independent facts the code generators need, computed from the IR."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graphc.compiler.ir import BlockCall, Call, Graph, Tensor
from graphc.targets.escape import Safe, py_literal


def literal(v) -> Safe:
    return Safe(py_literal(v))


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _only_safe(value):
    """Every `{{ ... }}` of a template must be code or text made by
    graphc.targets.escape / graphc.targets.code (marked Safe)."""
    if not isinstance(value, Safe):
        raise TypeError(f"unescaped value reached a template: {value!r:.80}")
    return value


@lru_cache(maxsize=None)
def _env(strict: bool):
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_only_safe if strict else None,
    )


STRICT_TEMPLATES = {"keras_module.py.j2", "torch_module.py.j2"}


def render(template: str, ctx: dict) -> str:
    text = _env(template in STRICT_TEMPLATES).get_template(template).render(**ctx)
    # normalise blank lines: at most two in a row, none at the end
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    blank = 0
    for line in lines:
        blank = blank + 1 if not line else 0
        if blank <= 2:
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def table_code(name: str, items: list, comment: str | None = None) -> str:
    """`NAME = {key: code, ...}` exploded one entry per line, as ruff keeps it."""
    lines = [f"# {comment}"] if comment else []
    if not items:
        return "\n".join(lines + [f"{name} = {{}}"])
    lines.append(f"{name} = {{")
    lines += [f"    {literal(k)}: {v}," for k, v in items]
    lines.append("}")
    return "\n".join(lines)


def where(obj) -> str:
    """`file.gdl:12`: the GDL line a statement comes from."""
    span = obj.span
    return f"{Path(obj.file).name}:{span.line}"


def where_def(bc) -> str:
    return f"{Path(bc.def_file).name}:{bc.def_span.line}"


def input_name(t) -> str:
    return t.input_name or t.var or f"input_{t.id}"


def item_inputs(it) -> list:
    """The tensors a Call or a BlockCall reads."""
    if isinstance(it, Call):
        return list(it.inputs)
    return [v for _, v in it.params if isinstance(v, Tensor)]


def inline_plan(items: list, uses: dict, result_ids: set, may_inline) -> set:
    """Calls whose single, unnamed, single-use result is written inside its consumer
    (`concatenate([lstm(left), lstm(right)])`): a call is inlined only when every
    item between it and its consumer is inlined into the same consumer, and
    `may_inline(layer)` allows it.  Block calls are never inlined."""
    consumer: dict[int, int] = {}
    for i, it in enumerate(items):
        for t in item_inputs(it):
            consumer.setdefault(t.id, i)
    inlined: set = set()
    for k, it in enumerate(items):
        if isinstance(it, BlockCall):
            continue
        group, j = {k}, k - 1
        while j >= 0:
            prev = items[j]
            if isinstance(prev, BlockCall) or len(prev.outputs) != 1:
                break
            t = prev.outputs[0]
            if not (
                t.var is None
                and uses.get(t.id, 0) == 1
                and t.id not in result_ids
                and consumer.get(t.id) in group
                and prev.id not in inlined
                and may_inline(prev.layer)
            ):
                break
            inlined.add(prev.id)
            group.add(j)
            j -= 1
    return inlined


def subgraphs_postorder(g: Graph) -> list:
    seen: list = []

    def visit(graph):
        for layer in graph.layers:
            if layer.graph is not None and all(s is not layer.graph for s in seen):
                visit(layer.graph)
                seen.append(layer.graph)

    visit(g)
    return seen


def _embedding_high(g: Graph, t) -> int:
    """Synthetic ids for an int input must stay below every Embedding's input_dim."""
    high = None
    for call in g.calls:
        if any(x is t for x in call.inputs):
            layer = call.layer
            if layer.op is not None and layer.op.name == "Embedding":
                dim = layer.full_args["input_dim"]
                high = dim if high is None else min(high, dim)
            elif layer.graph is not None:
                idx = next(i for i, x in enumerate(call.inputs) if x is t)
                h = _embedding_high(layer.graph, layer.graph.inputs[idx])
                high = h if high is None else min(high, h)
    return high if high is not None else 2


def training_context(g: Graph) -> dict:
    """LOSSES, LOSS_WEIGHTS, METRICS, FIT defaults and the synthetic-data specs."""
    comp = g.compile or {"losses": [], "metrics": {}, "optimizer": None}
    losses = {e.output: e for e in comp["losses"]}
    inputs = []
    for t in g.inputs:
        shape = tuple(t.type.shape)  # None: any size (the runtime's synthetic data picks one)
        kind = "int" if t.type.dtype.startswith(("int", "uint")) else "float"
        inputs.append(
            {
                "name": input_name(t),
                "shape": shape,
                "dtype": t.type.dtype,
                "kind": kind,
                "high": _embedding_high(g, t) if kind == "int" else None,
            }
        )
    outputs = []
    for name, t, _ in g.outputs:
        shape = tuple(t.type.shape)  # None: any size (the runtime's synthetic data picks one)
        e = losses.get(name)
        loss = e.loss if e else "mean_squared_error"
        if loss in ("categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge"):
            kind = "onehot"
        elif loss in ("sparse_categorical_crossentropy", "categorical_generalized_cross_entropy", "circle"):
            kind = "sparse"
            shape = shape[:-1]
        elif loss in (
            "binary_crossentropy",
            "binary_focal_crossentropy",
            "hinge",
            "squared_hinge",
            "dice",
            "tversky",
        ):
            kind = "binary"
        elif loss in ("poisson", "kl_divergence"):
            kind = "positive"
        else:
            kind = "float"
        outputs.append(
            {"name": name, "shape": shape, "kind": kind, "classes": t.type.shape[-1] if t.type.shape else 1}
        )
    fit = {"batch_size": 32, "epochs": 1, "steps_per_epoch": None, "validation_split": 0.0, "shuffle": True}
    fit.update({k: v for k, v in g.fit.items() if k in fit})
    return {
        "weights_items": [(e.output, literal(e.weight)) for e in comp["losses"]],
        "fit_items": [(k, literal(v)) for k, v in fit.items()],
        "input_items": [
            (s["name"], Safe(f"({literal(s['shape'])}, {literal(s['dtype'])}, {literal(s['high'])})"))
            for s in inputs
        ],
        "output_items": [
            (s["name"], Safe(f"({literal(s['shape'])}, {literal(s['kind'])}, {literal(s['classes'])})"))
            for s in outputs
        ],
        "losses": {e.output: e.loss for e in comp["losses"]},
        "loss_weights": {e.output: e.weight for e in comp["losses"]},
        "metrics": comp.get("metrics", {}),
        "fit": fit,
        "input_specs": inputs,
        "output_specs": outputs,
        "output_names": [n for n, _, _ in g.outputs],
        "input_names": [input_name(t) for t in g.inputs],
        "lit": literal,
    }
