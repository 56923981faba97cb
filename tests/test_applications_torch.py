"""Issue 6, PyTorch side: every application compiles to a PyTorch module whose
parameter counts equal keras.applications', and which computes the same
outputs (within 1e-4 relative) after load_keras_weights copies the weights of
a real keras.applications model, layer by layer, by name."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import LazyModule, import_file
from test_applications import APPS, wrapper_source

from graphc.api import compile_source

keras = LazyModule("keras")
torch = LazyModule("torch")

CASES = [
    (app, {"include_top": False, "input_shape": small, "pooling": "avg"}) for app, (small, _) in APPS.items()
]
CASES += [("ResNet50", {"include_top": True, "input_shape": (32, 32, 3), "classes": 10})]


def _randomize(model, rng):
    """Random values everywhere (batch-norm statistics included, variances > 0)."""
    out = {}
    for layer in model.layers:
        if layer.weights:
            ws = [rng.normal(size=w.shape).astype("float32") * 0.1 for w in layer.weights]
            ws = [np.abs(v) + 0.5 if w.path.endswith("variance") else v for w, v in zip(layer.weights, ws)]
            layer.set_weights(ws)
            out[layer.name] = layer.get_weights()
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    "app, kwargs", CASES, ids=[f"{a}-{'top' if k['include_top'] else 'avg'}" for a, k in CASES]
)
def test_torch_application_matches_keras(tmp_path, app, kwargs):
    shape = kwargs["input_shape"]
    path = tmp_path / f"{app.lower()}_torch.py"
    path.write_text(compile_source(wrapper_source(app, shape, kwargs), "torch", path=f"{app.lower()}.gdl"))
    mod = import_file(path)
    keras.backend.clear_session()
    reference = getattr(keras.applications, app)(weights=None, **kwargs)
    rng = np.random.default_rng(0)
    # the wrapper names the application layer after its output, `y`
    weights = {f"y/{name}": ws for name, ws in _randomize(reference, rng).items()}

    model = mod.build_model()
    trainable, non_trainable = mod.count_params(model)
    assert trainable == sum(int(np.prod(w.shape)) for w in reference.trainable_weights)
    assert non_trainable == sum(int(np.prod(w.shape)) for w in reference.non_trainable_weights)
    mod.load_keras_weights(model, weights)
    model.eval()
    x = rng.uniform(0, 1, size=(2, *shape)).astype("float32")
    want = reference.predict(x, verbose=0)
    with torch.no_grad():
        got = model(torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()).numpy()
    assert got.shape == want.shape
    scale = np.abs(want).max()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * scale)
    keras.backend.clear_session()


@pytest.mark.slow
def test_stereo_depth_trains_a_step_in_torch(tmp_path):
    """The spec's stereo_depth (a shared Xception base): its PyTorch module trains."""
    import subprocess
    import sys

    from helpers import ROOT, emit_to

    _, graph, out = emit_to(tmp_path, ROOT / "examples" / "stereo_depth.gdl", "torch")
    mod = import_file(out)
    assert sum(mod.count_params(mod.build_model())) == graph.trainable_params + graph.non_trainable_params
    r = subprocess.run(
        [
            sys.executable,
            str(out),
            "--epochs",
            "1",
            "--steps-per-epoch",
            "1",
            "--batch-size",
            "2",
            "--device",
            "cpu",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "loss: " in r.stdout
