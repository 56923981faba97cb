"""The README's code snippets, run as a user would."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest
from helpers import ROOT, LazyModule, emit_to, import_file

pytestmark = pytest.mark.slow

keras = LazyModule("keras")
torch = LazyModule("torch")


def _snippet(marker: str) -> str:
    text = (ROOT / "README.md").read_text()
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
        block = textwrap.dedent(block)
        if marker in block:
            return block
    raise AssertionError(f"no README snippet with {marker!r}")


def test_loading_saved_keras_weights_into_the_torch_module(tmp_path):
    """The README's recipe: a saved .keras model -> load_keras_weights (a shared sub-model)."""
    path = ROOT / "examples" / "siamese_encoder.gdl"
    _, graph, kpath = emit_to(tmp_path, path, "keras")
    _, _, tpath = emit_to(tmp_path, path, "torch")
    model_keras, model_torch = import_file(kpath), import_file(tpath)
    kmodel = model_keras.build_model()
    rng = np.random.default_rng(0)
    for v in kmodel.weights:  # non-trivial weights, biases included
        v.assign(rng.normal(scale=0.3, size=v.shape).astype("float32"))
    kmodel.save(tmp_path / "model.keras")

    code = _snippet("def keras_weights")
    code = code.replace("import model_keras, model_torch  # the two modules graphc emitted\n", "")
    code = code.replace('"model.keras"', repr(str(tmp_path / "model.keras")))
    ns = {"model_keras": model_keras, "model_torch": model_torch}
    exec(compile(code, "README.md", "exec"), ns)
    tmodel = ns["tmodel"].eval()

    x = {t.var: rng.normal(size=(3, 5, 16)).astype("float32") for t in graph.inputs}
    want = kmodel.predict([x["a"], x["b"]], verbose=0)
    with torch.no_grad():
        got = tmodel(*(torch.from_numpy(x[n]) for n in ("a", "b"))).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
