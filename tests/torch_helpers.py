"""Helpers for the PyTorch-target parity tests: emit the Keras and the PyTorch
module of one GDL program, import both, copy weights Keras -> torch, compare."""

from __future__ import annotations

import contextlib
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
    xt = like_model(tmodel, xt)
    tmodel.eval()
    with torch.no_grad():
        t_out = as_list(tmodel(*[xt[n] for n in tmod.INPUT_SPECS]))
    names = list(tmod.OUTPUT_SPECS)
    t_out = [keras_layout(tmod, n, o.numpy()) for n, o in zip(names, t_out)]
    return k_out, t_out


def like_model(tmodel, tensors: dict) -> dict:
    """Floating tensors in the dtype of the model's parameters (float32 or float64)."""
    dtype = next(tmodel.parameters()).dtype
    return {k: (t.to(dtype) if t.is_floating_point() else t) for k, t in tensors.items()}


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


def train_both(kmod, tmod, kmodel, tmodel, x, y, steps: int = 3, moved: dict | None = None):
    """`steps` identical training steps on one batch; returns the two per-step totals.
    `moved`, if given, receives {torch parameter name: the sum over the steps of
    |Keras's step| + |torch's step|}."""
    import torch

    kmod.compile_model(kmodel)
    xs = [x[n] for n in kmod.INPUT_SPECS]
    k_losses = []
    previous = torch_from_keras(tmod, kmodel).state_dict() if moved is not None else None
    for _ in range(steps):
        logs = kmodel.train_on_batch(xs, keras_targets(kmod, y), return_dict=True)
        k_losses.append(float(np.asarray(logs["loss"])))
        if moved is not None:  # Keras's steps, by torch parameter name
            current = torch_from_keras(tmod, kmodel).state_dict()
            for n in dict(tmodel.named_parameters()):
                moved[n] = moved.get(n, 0) + (current[n] - previous[n]).abs()
            previous = current
    xt, yt = tmod.to_torch(x, y)
    xt, yt = like_model(tmodel, xt), like_model(tmodel, yt)
    opt = tmod.make_optimizer(tmodel)
    tmodel.train()
    t_losses = []
    params = dict(tmodel.named_parameters())
    for _ in range(steps):
        before = {n: p.detach().clone() for n, p in params.items()}
        outputs = tmodel(*[xt[n] for n in tmod.INPUT_SPECS], logits=True)
        if hasattr(tmodel, "regularization_loss"):
            total, _ = tmod.compute_loss(outputs, yt, tmodel)
        else:
            total, _ = tmod.compute_loss(outputs, yt)
        opt.zero_grad()
        total.backward()
        opt.step()
        t_losses.append(float(total.detach()))
        if moved is not None:
            with torch.no_grad():
                for n, p in params.items():
                    moved[n] = moved.get(n, 0) + (p - before[n]).abs()
    return k_losses, t_losses


def compare_states(ref, model, tolerance) -> tuple[float, str]:
    """The largest |ref - model| / tolerance over the floating state (1 or less passes),
    and where; `tolerance(name, ref_value)` gives the per-element tolerance."""
    s1, s2 = ref.state_dict(), model.state_dict()
    assert s1.keys() == s2.keys()
    worst, where = 0.0, ""
    for k in s1:
        if not s1[k].is_floating_point() or not s1[k].numel():
            continue
        tol = tolerance(k, s1[k])
        ratio = float(((s1[k] - s2[k]).abs() / tol.clamp_min(1e-30)).max())
        if ratio > worst:
            worst, where = ratio, f"{k} (|diff| {float((s1[k] - s2[k]).abs().max()):.3g})"
    return worst, where


# ------------------------------------------------------------------ float64 parity
@contextlib.contextmanager
def keras_float64():
    """Keras builds float64 layers (and losses, metrics, optimizers) inside."""
    import keras

    old = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(old)


def round_weights_to_float32(model) -> None:
    """Make every Keras weight a float32 value (stored in float64): the torch
    module's loader reads float32 arrays, so the copy is then exact."""
    for v in model.weights:
        v.assign(np.asarray(v.numpy(), dtype=np.float32).astype(v.dtype))


def to_float64(arrays: dict) -> dict:
    return {k: (a.astype(np.float64) if np.asarray(a).dtype.kind == "f" else a) for k, a in arrays.items()}


def torch_double(tensors: dict) -> dict:
    return {k: (t.double() if t.is_floating_point() else t) for k, t in tensors.items()}


def torch64_from_keras(tmod, kmodel):
    """The torch module with the Keras model's weights, in float64."""
    model = tmod.build_model().double()
    tmod.load_keras_weights(model, keras_weights(kmodel))
    return model


def torch_loss(tmod, tmodel, xt: dict, yt: dict) -> dict:
    """{"loss": total, "<output>_loss": ...} in inference mode, as Keras's evaluate() names them."""
    import torch

    tmodel.eval()
    with torch.no_grad():
        outputs = tmodel(*[xt[n] for n in tmod.INPUT_SPECS], logits=True)
        if hasattr(tmodel, "regularization_loss"):
            total, losses = tmod.compute_loss(outputs, yt, tmodel)
        else:
            total, losses = tmod.compute_loss(outputs, yt)
    return {"loss": float(total), **{f"{k}_loss": float(v) for k, v in losses.items()}}
