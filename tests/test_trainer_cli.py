"""The emitted trainers' command lines at their edges: bfloat16 autocast on a CPU
with recurrent layers, a device that is not there, arguments and files a user
gets wrong.  Each either runs or stops with one `PROG: error: ...` line and
exit status 2."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers import LazyModule, import_file

from graphc.api import compile_source

torch = LazyModule("torch")

pytestmark = pytest.mark.slow

# an LSTM fed by an Embedding (float32 under autocast), a GRU and a SimpleRNN fed by
# bfloat16 Dense outputs, a Bidirectional LSTM: every recurrent case of the CPU autocast
RECURRENT = """
model rec {
  tokens = Input(shape=(6,), dtype="int32")
  e = Embedding(20, 8)(tokens)
  a = LSTM(4, return_sequences=true)(e)
  g = GRU(4, return_sequences=true)(Dense(5)(a))
  s = SimpleRNN(3)(Dense(4)(g))
  b = Bidirectional(LSTM(3))(e)
  output y = Dense(2, activation="softmax")(concatenate([s, b]))
  compile(optimizer="adam", loss="categorical_crossentropy")
}
"""


@pytest.fixture(scope="module")
def trainers(tmp_path_factory):
    d = tmp_path_factory.mktemp("trainers")
    paths = {}
    for target in ("torch", "keras"):
        p = d / f"rec_{target}.py"
        p.write_text(compile_source(RECURRENT, target, path="rec.gdl"), encoding="utf-8")
        paths[target] = p
    return paths


def _run(path, *args):
    return subprocess.run(
        [sys.executable, str(path), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=path.parent,
    )


class _Result:
    def __init__(self, returncode, stderr):
        self.returncode, self.stderr = returncode, stderr


def _main(path, capsys, *args):
    """The trainer's main(ARGS) in this process (its framework is imported once)."""
    import os

    mod = import_file(path)
    old = os.getcwd()
    os.chdir(path.parent)
    try:
        mod.main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        os.chdir(old)
    return _Result(code, capsys.readouterr().err)


def _one_error(r, prog) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    lines = [line for line in r.stderr.splitlines() if f"{prog}: error:" in line]
    assert len(lines) == 1, r.stderr[-2000:]
    return lines[0]


def test_amp_on_cpu_trains_a_model_with_recurrent_layers(trainers):
    r = _run(trainers["torch"], "--amp", "--device", "cpu", "--epochs", "1", "--steps-per-epoch", "2")
    assert r.returncode == 0, r.stderr[-3000:]
    loss = float(r.stdout.strip().splitlines()[-1].split("loss=")[1].split()[0])
    assert np.isfinite(loss)


def test_amp_keeps_bfloat16_outside_the_recurrent_layers(trainers):
    mod = import_file(trainers["torch"])
    model = mod.build_model()
    mod._recurrent_in_float32(model)
    seen = {}

    def record(module, inputs, output):
        seen[module] = (output[0] if isinstance(output, tuple) else output).dtype

    for m in model.modules():
        if isinstance(m, (torch.nn.Linear, torch.nn.RNNBase)):
            m.register_forward_hook(record)
    x, _ = mod.to_torch(*mod.synthetic_data(2))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        model(*[x[n] for n in mod.INPUT_SPECS])
    rnn = [d for m, d in seen.items() if isinstance(m, torch.nn.RNNBase)]
    linear = [d for m, d in seen.items() if isinstance(m, torch.nn.Linear)]
    assert len(rnn) == 4 and set(rnn) == {torch.float32}
    assert len(linear) == 3 and set(linear) == {torch.bfloat16}
    with torch.no_grad():  # without autocast the wrapped layers are the plain ones
        out = model(*[x[n] for n in mod.INPUT_SPECS])
    assert out.dtype == torch.float32


def test_cuda_without_cuda_is_one_line(trainers):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    line = _one_error(_run(trainers["torch"], "--device", "cuda", "--epochs", "1"), "rec_torch.py")
    assert "--device cuda:" in line and "use --device cpu" in line


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
        (["--batch-size", "-3"], "argument --batch-size: must be at least 1, got -3"),
        (["--steps-per-epoch", "two"], "argument --steps-per-epoch: not a whole number: 'two'"),
        (["--data", "missing.npz"], "--data missing.npz: cannot read: No such file or directory"),
        (["--data", "junk.npz"], "--data junk.npz: not an .npz file of arrays"),
        (["--data", "partial.npz"], "missing arrays ['y']"),
        (["--save", "nowhere/w.pt"], "--save nowhere/w.pt: its directory does not exist"),
    ],
)
def test_torch_trainer_arguments(trainers, args, message, capsys, monkeypatch):
    d = trainers["torch"].parent
    (d / "junk.npz").write_bytes(b"not a zip file at all")
    np.savez(d / "partial.npz", tokens=np.zeros((4, 6), "int32"))
    monkeypatch.setattr(sys, "argv", ["rec_torch.py"])  # argparse names the program after argv[0]
    line = _one_error(_main(trainers["torch"], capsys, *args), "rec_torch.py")
    assert message in line, line


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
        (["--save", "model.pt"], "--save model.pt: the name must end in .keras or .weights.h5"),
        (["--save", "nowhere/m.keras"], "--save nowhere/m.keras: its directory does not exist"),
        (["--data", "missing.npz"], "--data missing.npz: cannot read: No such file or directory"),
    ],
)
def test_keras_trainer_arguments(trainers, args, message, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["rec_keras.py"])
    line = _one_error(_main(trainers["keras"], capsys, *args), "rec_keras.py")
    assert message in line, line
