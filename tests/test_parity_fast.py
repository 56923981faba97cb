"""The fast tier's one numeric Keras-vs-PyTorch check: padding arithmetic.

'same' padding with dilation and strides (the odd pixel goes at the end, as on
TensorFlow), causal padding, pooling and transposed convolutions are where a
spelling can be off by one and still have the right shape.  A tiny model runs
in a subprocess on Keras's torch backend (Keras's own padding rules, without
importing TensorFlow; checked against the TensorFlow backend by
test_torch_target's parity tests) next to graphc's PyTorch module with the
same weights.  The pytest process itself imports no framework.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graphc.api import compile_source

PADS = """
model pads {
  img = Input(shape=(9, 8, 3))
  seq = Input(shape=(11, 3))
  a = Conv2D(4, 3, dilation_rate=2, padding="same")(img)
  b = Conv2D(4, (3, 2), strides=2, padding="same")(a)
  c = DepthwiseConv2D(3, strides=2, padding="same")(a)
  d = SeparableConv2D(4, 2, dilation_rate=(2, 1), padding="same")(img)
  e = MaxPooling2D(3, strides=2, padding="same")(a)
  f = AveragePooling2D(2, strides=2, padding="same")(a)
  t = Conv2DTranspose(3, 4, strides=2, padding="same")(b)
  s1 = Conv1D(4, 3, dilation_rate=3, padding="same")(seq)
  s2 = Conv1D(4, 4, strides=2, padding="same")(seq)
  s3 = Conv1D(4, 3, dilation_rate=2, padding="causal")(seq)
  s4 = MaxPooling1D(2, strides=2, padding="same")(seq)
  output y = concatenate([Flatten()(b), Flatten()(c), Flatten()(d), Flatten()(e), Flatten()(f), Flatten()(t)])
  output z = concatenate([Flatten()(s1), Flatten()(s2), Flatten()(s3), Flatten()(s4)])
  compile(optimizer="adam", loss="mse")
}
"""

RUN = """
import json, sys
import numpy as np
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import keras, torch
import pads_keras as km, pads_torch as tm
import tolerances
kmodel = km.build_model()
rng = np.random.default_rng(0)
for v in kmodel.weights:  # every weight random, biases included
    v.assign(rng.normal(0.0, 0.5, tuple(v.shape)).astype("float32"))
weights = {layer.name: layer.get_weights() for layer in kmodel.layers if layer.weights}
tmodel = tm.load_keras_weights(tm.build_model(), weights).eval()
x = {"img": rng.normal(size=(2, 9, 8, 3)).astype("float32"), "seq": rng.normal(size=(2, 11, 3)).astype("float32")}
want = [keras.ops.convert_to_numpy(o) for o in kmodel([x["img"], x["seq"]], training=False)]
from graphc_runtime.torch import batches
xt = batches.to_tensors(x, "cpu", tm.CHANNELS_FIRST, "input")
with torch.no_grad():
    got = [o.numpy() for o in tmodel(xt["img"], xt["seq"])]
got = [np.moveaxis(g, 1, -1) if n in tm.CHANNELS_FIRST and g.ndim >= 3 else g for n, g in zip(tm.OUTPUT_SPECS, got)]
shapes = [[list(a.shape), list(b.shape)] for a, b in zip(want, got)]
diff = max(float(np.abs(a - b).max() / max(1.0, np.abs(a).max())) for a, b in zip(want, got) if a.shape == b.shape)
print(json.dumps({"shapes": shapes, "ratio": diff / tolerances.forward_tolerance(kmodel, x)}))
"""


def test_same_and_causal_padding_match_keras(tmp_path):
    (tmp_path / "pads_keras.py").write_text(compile_source(PADS, "keras", path="pads.gdl"))
    (tmp_path / "pads_torch.py").write_text(compile_source(PADS, "torch", path="pads.gdl"))
    env = dict(os.environ, KERAS_BACKEND="torch", CUDA_VISIBLE_DEVICES="")
    r = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert all(a == b for a, b in result["shapes"]), result["shapes"]
    assert result["ratio"] <= 1, result
