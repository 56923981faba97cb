"""The Keras target, checked against real Keras: every example program's emitted
module builds a model whose parameter counts, trainable split, per-layer counts
and output shapes equal graphc's; its loss table equals the resolved one; it
trains from the command line on the TensorFlow and the torch backends."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import EXAMPLES, ROOT, LazyModule, compile_example, emit_to, import_file

from graphc.api import emit

keras = LazyModule("keras")

IDS = [p.stem for p in EXAMPLES]


def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_emitted_model_matches_graphc(tmp_path, path):
    program, graph, out = emit_to(tmp_path, path, "keras")
    mod = import_file(out)
    model = mod.build_model()
    assert model.count_params() == graph.trainable_params + graph.non_trainable_params
    assert _count(model.trainable_weights) == graph.trainable_params
    assert _count(model.non_trainable_weights) == graph.non_trainable_params
    assert [tuple(t.shape) for t in model.outputs] == [(None, *t.type.shape) for _, t, _ in graph.outputs]
    assert [tuple(t.shape) for t in model.inputs] == [(None, *t.type.shape) for t in graph.inputs]
    keras_names = {k.name for k in model.layers}
    for layer in graph.layers:
        if layer.name not in keras_names:
            # a weightless merge that Keras names itself, from the counter its keras.ops share
            # (keras_emit.KerasEmitter.auto_named): nothing to count
            assert not layer.weights and not layer.explicit_name, layer.name
            continue
        k = model.get_layer(layer.name)
        assert k.count_params() == layer.trainable_params + layer.non_trainable_params, layer.name
    assert model.output_names == graph.output_names  # Keras logs and dict keys use these
    losses = {e.output: e for e in graph.compile["losses"]}
    assert set(mod.LOSSES) == set(losses)
    assert mod.LOSS_WEIGHTS == {n: e.weight for n, e in losses.items()}
    from graphc_runtime.keras import compile_model

    compile_model(mod, model)  # Keras accepts the loss, weight and metric tables


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_emitted_code_is_deterministic_and_ruff_clean(tmp_path, path):
    program, graph = compile_example(path)
    a = emit(program, graph, "keras", path.name)
    program2, graph2 = compile_example(path)
    assert emit(program2, graph2, "keras", path.name) == a
    out = tmp_path / "m.py"
    out.write_text(a)
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run(ruff + ["format", "--isolated", "--check", str(out)], check=True, capture_output=True)
    subprocess.run(ruff + ["check", "--isolated", str(out)], check=True, capture_output=True)
    assert "graphc" not in "".join(line for line in a.splitlines() if line.startswith(("import", "from")))


def _run(out, backend, *args):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    return subprocess.run(
        [sys.executable, str(out), "--epochs", "1", "--steps-per-epoch", "2", *args],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "torch"])
@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_module_trains_from_the_command_line(request, tmp_path, path, backend):
    if backend == "torch" and path.stem == "unet":
        reason = (
            "Keras 3.15.1's torch backend fails in backward for sparse_categorical_crossentropy on "
            "4-D predictions ('grad_input must be contiguous'); the same module trains on TensorFlow"
        )
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    program, graph, out = emit_to(tmp_path, path, "keras")
    r = _run(out, backend, "--batch-size", "4")
    assert r.returncode == 0, r.stderr[-3000:]
    last = r.stdout.strip().splitlines()[-1]
    # the epoch line both targets print: `epoch 1/1 - loss: 9.3527 - age_loss: 0.4747 - ...`
    assert last.startswith("epoch 1/1 - loss: "), last
    logs = dict(item.split(": ") for item in last.split(" - ")[1:])
    if len(graph.outputs) > 1:
        for name in graph.output_names:
            assert f"{name}_loss" in logs
    assert all(np.isfinite(float(v)) for v in logs.values())


@pytest.mark.slow
def test_trains_on_npz_data_and_saves(tmp_path):
    path = ROOT / "examples" / "siamese_lstm.gdl"
    program, graph, out = emit_to(tmp_path, path, "keras")
    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "d.npz",
        left=rng.normal(size=(16, 5, 128)).astype("float32"),
        right=rng.normal(size=(16, 5, 128)).astype("float32"),
        predictions=rng.integers(0, 2, size=(16, 1)).astype("float32"),
    )
    r = _run(out, "tensorflow", "--data", "d.npz", "--batch-size", "8", "--save", "m.keras")
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "m.keras").exists()
    bad = tmp_path / "bad.npz"
    np.savez(bad, left=np.zeros((2, 5, 128), "float32"))
    r = _run(out, "tensorflow", "--data", "bad.npz")
    assert r.returncode == 2 and "bad.npz: missing input 'right'" in r.stderr


@pytest.mark.slow
def test_training_reduces_the_loss(tmp_path):
    """Real training on a small learnable problem: the loss must go down."""
    src = """
model xor_ish {
  x = Input(shape=(4,))
  h = Dense(16, activation="relu")(x)
  output y = Dense(1, activation="sigmoid")(h)
  compile(optimizer=Adam(learning_rate=0.01), loss="binary_crossentropy")
}
"""
    (tmp_path / "t.gdl").write_text(src)
    program, graph, out = emit_to(tmp_path, tmp_path / "t.gdl", "keras")
    mod = import_file(out)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = ((x[:, :1] * x[:, 1:2]) > 0).astype("float32")
    hist = mod.train(data=({"x": x}, {"y": y}), epochs=30, batch_size=32)
    losses = hist.history["loss"]
    assert losses[-1] < 0.8 * losses[0]
