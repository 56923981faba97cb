"""graphc graph: DOT output for models (shared layers, nested models, losses)."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap

import pytest

from graphc import graphviz
from graphc.compiler.lower import compile_program
from graphc.graphviz import dot_escape, render, to_dot

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
    path, msg = render(g, tmp_path / "out.svg")
    assert path == str(tmp_path / "out.dot")
    assert (tmp_path / "out.dot").read_text() == to_dot(g)
    assert not (tmp_path / "out.svg").exists()
    assert "not installed" in msg and "apt-get install graphviz" in msg and "brew install graphviz" in msg


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_render_image_with_graphviz(tmp_path, fmt):
    g = graph_of(NESTED, tmp_path, "similarity")
    path, msg = render(g, tmp_path / f"out.{fmt}")
    assert msg is None and path == str(tmp_path / f"out.{fmt}")
    data = (tmp_path / f"out.{fmt}").read_bytes()
    assert data.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in data


def test_render_rejects_unknown_extension(tmp_path):
    with pytest.raises(ValueError, match="svg"):
        render(graph_of(SIAMESE, tmp_path), tmp_path / "out.txt")
