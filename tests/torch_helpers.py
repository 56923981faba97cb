"""Helpers for the PyTorch-target parity tests: emit the Keras and the PyTorch
module of one GDL program, import both, copy weights Keras -> torch, compare."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from graphc.compiler.lower import compile_program
from graphc.targets.keras_target import emit_keras
from graphc.targets.torch_target import emit_torch


def compile_gdl(text: str, path: Path):
    path.write_text(text, encoding="utf-8")
    program = compile_program(str(path))
    assert not program.errors, "\n".join(str(d) for d in program.errors)
    return program, program.entry()


def import_file(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def emit_pair(text: str, tmp_path: Path, stem: str):
    """(keras module, torch module, torch source path) for a GDL program."""
    program, graph = compile_gdl(text, tmp_path / f"{stem}.gdl")
    kpath = tmp_path / f"{stem}_keras.py"
    tpath = tmp_path / f"{stem}_torch.py"
    kpath.write_text(emit_keras(program, graph, f"{stem}.gdl"), encoding="utf-8")
    tpath.write_text(emit_torch(program, graph, f"{stem}.gdl"), encoding="utf-8")
    km = import_file(kpath, f"{stem}_keras_{abs(hash(str(tmp_path)))}")
    tm = import_file(tpath, f"{stem}_torch_{abs(hash(str(tmp_path)))}")
    return km, tm, tpath


def keras_weights(model, prefix: str = "") -> dict:
    """{layer name: layer.get_weights()}, nested models as "outer/inner"."""
    import keras

    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.update(keras_weights(layer, prefix + layer.name + "/"))
        elif layer.weights:
            out[prefix + layer.name] = layer.get_weights()
    return out


def randomize(model, seed: int = 0) -> None:
    """Non-trivial biases and normalization statistics (kernels keep Keras's init)."""
    rng = np.random.default_rng(seed)
    for v in model.weights:
        name = v.path.split("/")[-1]
        shape = tuple(v.shape)
        if name in ("bias", "beta", "moving_mean", "mean"):
            v.assign(rng.normal(0.0, 0.3, shape).astype("float32"))
        elif name in ("gamma", "moving_variance", "variance"):
            v.assign(rng.uniform(0.5, 1.5, shape).astype("float32"))
    for layer in model._flatten_layers():
        if hasattr(layer, "finalize_state"):  # Normalization reads its adapted weights here
            layer.finalize_state()


def scale_layer(model, name: str, factor: float) -> None:
    """Multiply a layer's weights (to saturate its activation)."""
    layer = model.get_layer(name)
    layer.set_weights([w * factor for w in layer.get_weights()])


def weighted_producer(model, name: str) -> str:
    """The nearest layer with weights at or before layer `name` (through Activation/Identity)."""
    layer = model.get_layer(name)
    while not layer.weights:
        layer = layer.input._keras_history.operation
    return layer.name


def torch_from_keras(tmod, kmodel):
    model = tmod.build_model()
    tmod.load_keras_weights(model, keras_weights(kmodel))
    return model


def keras_layout(tmod, name: str, array):
    """A torch output as Keras lays it out (NCHW -> NHWC)."""
    array = np.asarray(array)
    if name in tmod.CHANNELS_FIRST and array.ndim == 4:
        return array.transpose(0, 2, 3, 1)
    return array


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def predict_both(kmod, tmod, kmodel, tmodel, x):
    """Eval-mode outputs of both models, Keras layout, in output order."""
    import torch

    xs = [x[n] for n in kmod.INPUT_SPECS]
    k_out = [np.asarray(o) for o in as_list(kmodel(xs, training=False))]
    xt, _ = tmod.to_torch(x, {})
    tmodel.eval()
    with torch.no_grad():
        t_out = as_list(tmodel(*[xt[n] for n in tmod.INPUT_SPECS]))
    names = list(tmod.OUTPUT_SPECS)
    t_out = [keras_layout(tmod, n, o.numpy()) for n, o in zip(names, t_out)]
    return k_out, t_out


def rel_diff(a, b) -> float:
    """max |a - b| relative to max(1, max |a|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(a)))))


def state_diff(m1, m2) -> tuple[float, str]:
    """Largest absolute difference between two torch models' states, and where."""
    s1, s2 = m1.state_dict(), m2.state_dict()
    assert s1.keys() == s2.keys()
    worst, where = 0.0, ""
    for k in s1:
        if not s1[k].is_floating_point():
            continue
        d = float((s1[k] - s2[k]).abs().max()) if s1[k].numel() else 0.0
        if d > worst:
            worst, where = d, k
    return worst, where


def keras_param_counts(model) -> tuple[int, int]:
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    non_trainable = sum(int(np.prod(v.shape)) for v in model.non_trainable_weights)
    return trainable, non_trainable


def disable_dropout(kmodel, tmodel) -> None:
    """Dropout masks cannot match across frameworks: turn them off in both."""
    import torch

    for layer in kmodel._flatten_layers():
        if hasattr(layer, "rate"):
            layer.rate = 0.0
    for m in tmodel.modules():
        if isinstance(m, torch.nn.modules.dropout._DropoutNd):
            m.p = 0.0


def keras_targets(kmod, y):
    """Labels as Keras takes them: a dict by output name, or the array of a single output."""
    return y[next(iter(kmod.OUTPUT_SPECS))] if len(kmod.OUTPUT_SPECS) == 1 else y


def train_both(kmod, tmod, kmodel, tmodel, x, y, steps: int = 3):
    """`steps` identical training steps on one batch; returns the two per-step totals."""

    kmod.compile_model(kmodel)
    xs = [x[n] for n in kmod.INPUT_SPECS]
    k_losses = [
        float(np.asarray(kmodel.train_on_batch(xs, keras_targets(kmod, y), return_dict=True)["loss"]))
        for _ in range(steps)
    ]
    xt, yt = tmod.to_torch(x, y)
    opt = tmod.make_optimizer(tmodel)
    tmodel.train()
    t_losses = []
    for _ in range(steps):
        outputs = tmodel(*[xt[n] for n in tmod.INPUT_SPECS], logits=True)
        if hasattr(tmodel, "regularization_loss"):
            total, _ = tmod.compute_loss(outputs, yt, tmodel)
        else:
            total, _ = tmod.compute_loss(outputs, yt)
        opt.zero_grad()
        total.backward()
        opt.step()
        t_losses.append(float(total.detach()))
    return k_losses, t_losses
