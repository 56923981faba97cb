"""Helpers for the PyTorch-target parity tests: emit the Keras and the PyTorch
module of one GDL program, import both, copy weights Keras -> torch, compare.

Both modules follow runtime/PROTOCOL.md: training goes through
graphc_runtime.keras (Keras's own `fit`) and graphc_runtime.torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import import_file

from graphc.api import emit
from graphc.compiler.interpreter import compile_program


def compile_gdl(text: str, path: Path):
    path.write_text(text, encoding="utf-8")
    program = compile_program(str(path), text)
    assert not program.errors, "\n".join(d.header() for d in program.errors)
    return program, program.entry()


def emit_pair(text: str, tmp_path: Path, stem: str):
    """(keras module, torch module, torch source path) for a GDL program."""
    program, graph = compile_gdl(text, tmp_path / f"{stem}.gdl")
    kpath = tmp_path / f"{stem}_keras.py"
    tpath = tmp_path / f"{stem}_torch.py"
    kpath.write_text(emit(program, graph, "keras", f"{stem}.gdl"), encoding="utf-8")
    tpath.write_text(emit(program, graph, "torch", f"{stem}.gdl"), encoding="utf-8")
    km = import_file(kpath, f"{stem}_keras_{abs(hash(str(tmp_path)))}")
    tm = import_file(tpath, f"{stem}_torch_{abs(hash(str(tmp_path)))}")
    return km, tm, tpath


def synthetic(module, n: int, seed: int = 3):
    """Inputs and labels shaped from the module (graphc_runtime.data.synthetic)."""
    from graphc_runtime import data

    return data.synthetic(module, n, seed)


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
    finalize_states(model)


def finalize_states(model) -> None:
    """After weights are assigned: Normalization reads its adapted weights in finalize_state."""
    for layer in model._flatten_layers():
        if hasattr(layer, "finalize_state"):
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
    if name in tmod.CHANNELS_FIRST and array.ndim >= 3:
        return np.moveaxis(array, 1, -1)
    return array


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def to_torch(tmod, x: dict) -> dict:
    """Model inputs as the torch module takes them (graphc_runtime's conversion)."""
    from graphc_runtime.torch import batches

    return batches.to_tensors(x, "cpu", tmod.CHANNELS_FIRST, "input")


def predict_both(kmod, tmod, kmodel, tmodel, x):
    """Eval-mode outputs of both models, Keras layout, in output order."""
    import torch

    xs = [x[n] for n in kmod.INPUT_SPECS]
    k_out = [np.asarray(o) for o in as_list(kmodel(xs, training=False))]
    xt = to_torch(tmod, x)
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
    if a.size == 0:
        return 0.0
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
    for layer in kmodel._flatten_layers():
        if hasattr(layer, "rate"):
            layer.rate = 0.0
    for m in tmodel.modules():
        if hasattr(m, "rate") and isinstance(m.rate, float):
            m.rate = 0.0
        if hasattr(m, "p") and isinstance(m.p, float):
            m.p = 0.0


def keras_targets(kmod, y):
    """Labels as Keras takes them: a dict by output name, or the array of a single output."""
    return y[next(iter(kmod.OUTPUT_SPECS))] if len(kmod.OUTPUT_SPECS) == 1 else y


def compile_keras(kmod, kmodel):
    from graphc_runtime.keras import compile_model

    return compile_model(kmod, kmodel)


def evaluate_both(kmod, tmod, kmodel, tmodel, x, y) -> dict:
    """{log key: (Keras value, torch value)} of one full-batch evaluate."""
    from graphc_runtime import torch as rt

    n = len(next(iter(x.values())))
    kmodel = compile_keras(kmod, kmodel)
    xs = [x[k] for k in kmod.INPUT_SPECS]
    kev = kmodel.evaluate(xs, keras_targets(kmod, y), batch_size=n, verbose=0, return_dict=True)
    tev = rt.evaluate(tmod, tmodel, (x, y), batch_size=n)
    keys = [k for k in tev if k in kev]
    assert "loss" in keys, (sorted(kev), sorted(tev))
    return {k: (float(np.asarray(kev[k])), float(tev[k])) for k in keys}


def train_both(kmod, tmod, kmodel, tmodel, x, y, steps: int = 3, moved: dict | None = None):
    """`steps` identical full-batch training steps in both frameworks, through
    their trainers (Keras's `fit`, graphc_runtime.torch.fit), unshuffled;
    returns the two per-step losses (each step's loss before its update).
    `moved`, if given, receives {torch parameter name: the sum over the steps of
    |Keras's step| + |torch's step|} (one step per epoch: the batch is the data)."""
    import keras
    from graphc_runtime import torch as rt
    from graphc_runtime.torch.callbacks import LambdaCallback

    n = len(next(iter(x.values())))
    kmodel = compile_keras(kmod, kmodel)
    xs = [x[k] for k in kmod.INPUT_SPECS]
    k_cbs, t_cbs = [], []
    if moved is not None:
        names = [name for name, _ in tmodel.named_parameters()]

        def recorder(state_of):
            previous = [state_of()]

            def record(epoch, logs=None):
                current = state_of()
                for name in names:
                    moved[name] = moved.get(name, 0) + (current[name] - previous[0][name]).abs()
                previous[0] = current

            return record

        def keras_state():
            return torch_from_keras(tmod, kmodel).state_dict()

        def torch_state():
            return {k: v.detach().clone() for k, v in tmodel.state_dict().items()}

        k_cbs = [keras.callbacks.LambdaCallback(on_epoch_end=recorder(keras_state))]
        t_cbs = [LambdaCallback(on_epoch_end=recorder(torch_state))]
    kh = kmodel.fit(
        xs, keras_targets(kmod, y), epochs=steps, batch_size=n, shuffle=False, verbose=0, callbacks=k_cbs
    )
    th = rt.fit(tmod, tmodel, (x, y), epochs=steps, batch_size=n, shuffle=False, quiet=True, callbacks=t_cbs)
    return [float(v) for v in kh.history["loss"]], [float(v) for v in th.history["loss"]]


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
