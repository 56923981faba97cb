"""`graphc graph`: a model as a Graphviz picture.

`to_dot(graph)` turns an IR Graph into DOT text:

- one node per input (blue, `invhouse`), per layer (rounded box: Keras name
  and class, parameter count) and per output (orange square box: output name,
  loss, loss weight and metrics from `compile`);
- a layer applied several times (`share`) is still one node, drawn with a
  double bold border and labelled `shared ×N`; every call's edges go in and
  out of that same node, numbered `#1`, `#2`, ... so each path can be traced;
- a nested model used as a layer is one `box3d` node labelled with the model
  name (and `shared ×N` when shared);
- edges carry the tensor shape, Keras style: `(None, 32, 32, 16)`.

The output is deterministic (IR order only, no ids from memory addresses).
`render(graph, out_path)` writes `.dot`/`.gv` directly and `.svg`/`.png`/
`.pdf` through the `dot` executable when Graphviz is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from graphc.compiler.ir import Graph, Tensor

__all__ = ["to_dot", "render", "dot_escape", "IMAGE_FORMATS", "INSTALL_HINT"]

IMAGE_FORMATS = ("svg", "png", "pdf")
DOT_SUFFIXES = (".dot", ".gv")
INSTALL_HINT = (
    "install Graphviz to render images: `apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), or see https://graphviz.org/download/"
)

_FONT = "Helvetica"
_INPUT_STYLE = 'shape=invhouse, style="filled", fillcolor="#d4e6fa", color="#3d6fa8"'
_OUTPUT_STYLE = 'shape=box, style="filled,bold", fillcolor="#fde3c3", color="#b8702c"'
_LAYER_STYLE = 'shape=box, style="rounded,filled", fillcolor="#f7f7f7", color="#555555"'
_SHARED_STYLE = (
    'shape=box, style="rounded,filled,bold", fillcolor="#e6f4e1", color="#2e7d32", peripheries=2, penwidth=2'
)
_MODEL_STYLE = 'shape=box3d, style="filled", fillcolor="#ede4f7", color="#6a4c93"'
_SHARED_MODEL_STYLE = (
    'shape=box3d, style="filled,bold", fillcolor="#ede4f7", color="#6a4c93", peripheries=2, penwidth=2'
)


def dot_escape(text: str) -> str:
    """`text` as the inside of a double-quoted DOT string; newlines become
    centered line breaks, backslashes and quotes are escaped."""
    out = []
    for ch in str(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            continue
        else:
            out.append(ch)
    return "".join(out)


def _q(text: str) -> str:
    return '"' + dot_escape(text) + '"'


def _input_name(t: Tensor) -> str:
    return getattr(t, "input_name", None) or t.var or f"input_{t.id}"


def _count(n: int) -> str:
    return f"{n:,} param" + ("" if n == 1 else "s")


def _weight(w) -> str:
    try:
        return repr(float(w))
    except (TypeError, ValueError):
        return str(w)


def _loss_text(entry) -> str:
    text = str(entry.loss)
    config = getattr(entry, "config", None) or {}
    if config:
        args = ", ".join(f"{k}={_py(v)}" for k, v in sorted(config.items()))
        text += f"({args})"
    return text


def _py(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    return repr(v)


def _layer_type(layer) -> str:
    if layer.graph is not None and layer.op is None:
        return f"{layer.graph.name} (model)"
    kind = layer.type_name
    inner = getattr(layer, "inner", None)
    if inner is not None:
        inner_kind = getattr(inner, "type_name", None) or getattr(getattr(inner, "op", None), "name", None)
        if inner_kind is None and hasattr(inner, "name"):
            inner_kind = inner.name
        if inner_kind:
            kind = f"{kind}({inner_kind})"
    return kind


def _params(layer) -> int:
    try:
        return int(layer.trainable_params + layer.non_trainable_params)
    except Exception:  # a layer whose weights are unknown (after errors): no count
        return 0


def to_dot(graph: Graph) -> str:
    """The DOT text of `graph` (an IR Graph from compile_program(...).entry())."""
    lines = [
        f"digraph {_q(graph.name)} {{",
        "  graph ["
        + ", ".join(
            [
                "rankdir=TB",
                'charset="UTF-8"',
                f"fontname={_q(_FONT)}",
                "labelloc=t",
                f"label={_q(_graph_label(graph))}",
                "nodesep=0.35",
                "ranksep=0.45",
            ]
        )
        + "];",
        f'  node [fontname={_q(_FONT)}, fontsize=11, margin="0.15,0.06"];',
        f'  edge [fontname={_q(_FONT)}, fontsize=9, color="#444444"];',
    ]

    # ------------------------------------------------------------ inputs
    # tensor id -> (node, result index, number of results, call number when shared)
    producer: dict[int, tuple] = {}
    lines.append("")
    lines.append("  // inputs")
    for i, t in enumerate(graph.inputs):
        node = f"input_{i}"
        producer[t.id] = (node, 0, 1, None)
        label = f"{_input_name(t)}\nInput"
        if t.type.dtype != "float32":
            label += f"\n{t.type.dtype}"
        lines.append(f"  {node} [label={_q(label)}, {_INPUT_STYLE}];")

    # ------------------------------------------------------------ layers
    lines.append("")
    lines.append("  // layers (one node per layer object; shared layers carry every call)")
    layer_node: dict[int, str] = {}
    for layer in graph.layers:
        node = f"layer_{len(layer_node)}"
        layer_node[id(layer)] = node
        is_model = layer.graph is not None and layer.op is None
        ncalls = len(layer.calls)
        shared = bool(layer.shared) or ncalls > 1
        parts = [layer.name, _layer_type(layer)]
        if shared:
            parts.append(f"shared ×{ncalls}")
        n = _params(layer)
        if n:
            parts.append(_count(n))
        if is_model:
            style = _SHARED_MODEL_STYLE if shared else _MODEL_STYLE
        else:
            style = _SHARED_STYLE if shared else _LAYER_STYLE
        tooltip = f"{layer.name}: {_layer_type(layer)}"
        lines.append(f"  {node} [label={_q(chr(10).join(parts))}, tooltip={_q(tooltip)}, {style}];")

    # ------------------------------------------------------------ outputs
    losses = {}
    metrics = {}
    if isinstance(graph.compile, dict):
        for entry in graph.compile.get("losses") or []:
            losses[entry.output] = entry
        m = graph.compile.get("metrics")
        if isinstance(m, dict):
            metrics = m
    lines.append("")
    lines.append("  // outputs")
    out_nodes = []
    for i, (name, t, _span) in enumerate(graph.outputs):
        node = f"output_{i}"
        out_nodes.append((node, t))
        parts = [name, "output"]
        entry = losses.get(name)
        if entry is not None:
            parts.append(f"loss: {_loss_text(entry)}")
            parts.append(f"weight: {_weight(entry.weight)}")
        names = metrics.get(name)
        if names:
            parts.append("metrics: " + ", ".join(str(x) for x in names))
        lines.append(f"  {node} [label={_q(chr(10).join(parts))}, {_OUTPUT_STYLE}];")

    # ------------------------------------------------------------ edges
    lines.append("")
    lines.append("  // edges: one per tensor flowing into a call, labelled with its shape")
    call_no: dict[int, int] = {}  # call id -> its number among its layer's calls (1-based)
    for layer in graph.layers:
        if len(layer.calls) > 1:
            for k, call in enumerate(layer.calls, 1):
                call_no[call.id] = k
    edges = []
    for call in graph.calls:
        dst = layer_node.get(id(call.layer))
        if dst is None:  # pragma: no cover - every call's layer is in graph.layers
            continue
        inputs = []
        for key, value in call.tensors.items():  # named call arguments: attention(query=q, value=v)
            label = None if key == "inputs" else key
            for t in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(t, Tensor):
                    inputs.append((label, t))
        for key, t in inputs:
            edges.append(_edge(producer, t, dst, key, call_no.get(call.id)))
        for i, t in enumerate(call.outputs):
            producer[t.id] = (dst, i, len(call.outputs), call_no.get(call.id))
    for node, t in out_nodes:
        edges.append(_edge(producer, t, node, None, None))
    lines.extend(e for e in edges if e)

    # ------------------------------------------------------------ ranks
    if graph.inputs:
        lines.append("")
        lines.append("  { rank=source; " + " ".join(f"input_{i};" for i in range(len(graph.inputs))) + " }")
    if out_nodes:
        lines.append("  { rank=sink; " + " ".join(f"{node};" for node, _ in out_nodes) + " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graph_label(graph: Graph) -> str:
    label = f"model {graph.name}"
    try:
        total = graph.trainable_params + graph.non_trainable_params
        label += f" — {_count(total)}"
    except Exception:
        pass
    return label


def _edge(producer: dict, t: Tensor, dst: str, key, dst_call) -> str | None:
    """`src -> dst` labelled `[key: ][#call ][[result] ]shape`; `#k` numbers the
    calls of a shared layer (on the edges into and out of it)."""
    src = producer.get(t.id)
    if src is None:
        return None
    node, index, nresults, src_call = src
    calls = [f"#{n}" for n in (src_call, dst_call) if n is not None]
    label = str(t.type)
    if nresults > 1:
        label = f"[{index}] {label}"
    if calls:
        label = "→".join(calls) + " " + label
    if key:
        label = f"{key}: {label}"
    return f"  {node} -> {dst} [label={_q(label)}];"


def render(graph: Graph, out_path) -> tuple[str, str | None]:
    """Write the picture of `graph` to `out_path`.

    `.dot`/`.gv`: the DOT text.  `.svg`/`.png`/`.pdf`: rendered with Graphviz's
    `dot` when it is installed; otherwise the DOT is written next to it (same
    name, `.dot`) and the message says how to install Graphviz.
    Returns (path written, message or None).  Raises ValueError for any other
    extension.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    text = to_dot(graph)
    if suffix in DOT_SUFFIXES:
        out.write_text(text, encoding="utf-8")
        return str(out), None
    fmt = suffix.lstrip(".")
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"cannot write a graph to `{out.name}`: use a .svg, .png, .pdf or .dot file name")
    exe = shutil.which("dot")
    dot_path = out.with_suffix(".dot")
    if exe is None:
        dot_path.write_text(text, encoding="utf-8")
        return str(dot_path), (
            f"Graphviz is not installed (no `dot` on PATH), so {out.name} was not rendered; "
            f"wrote the DOT to {dot_path} instead. To get the image, {INSTALL_HINT}, "
            f"then run `dot -T{fmt} {dot_path} -o {out}`."
        )
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}", "-o", str(out)], input=text.encode("utf-8"), capture_output=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        dot_path.write_text(text, encoding="utf-8")
        return str(dot_path), f"running Graphviz failed ({exc}); wrote the DOT to {dot_path} instead"
    if proc.returncode != 0:
        dot_path.write_text(text, encoding="utf-8")
        err = proc.stderr.decode("utf-8", "replace").strip()
        return (
            str(dot_path),
            f"Graphviz `dot` failed ({err or 'exit ' + str(proc.returncode)}); wrote the DOT to {dot_path} instead",
        )
    return str(out), None
