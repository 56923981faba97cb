"""The emitted trainers' command lines at their edges: bfloat16 autocast on a CPU
with recurrent layers, a device that is not there, arguments and files a user
gets wrong.  Each either runs or stops with one `PROG: error: ...` line and
exit status 2."""

from __future__ import annotations

import re
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
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("epoch 1/1"), r.stdout[-2000:]
    loss = float(re.search(r"\bloss: ([-+0-9.eE]+|nan|inf)", last).group(1))
    assert np.isfinite(loss)


def test_cuda_without_cuda_is_one_line(trainers):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    line = _one_error(_run(trainers["torch"], "--device", "cuda", "--epochs", "1"), "rec_torch.py")
    assert "--device cuda:" in line and "use --device cpu" in line


@pytest.mark.parametrize(
    "device, message",
    [
        ("tpu", "--device tpu: not a device; use cpu, cuda or cuda:N"),
        ("mps", "--device mps: graphc's PyTorch trainer runs on cpu or cuda"),
        ("cuda:99", "--device cuda:99: "),
    ],
)
def test_a_device_that_is_not_there_is_one_line(trainers, device, message, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["rec_torch.py"])
    line = _one_error(_main(trainers["torch"], capsys, "--device", device, "--epochs", "1"), "rec_torch.py")
    assert message in line, line


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "argument --epochs: expected a number >= 1, got 0"),
        (["--batch-size", "-3"], "argument --batch-size: expected a number >= 1, got -3"),
        (["--steps-per-epoch", "two"], "argument --steps-per-epoch: expected a whole number, got 'two'"),
        (["--data", "missing.npz"], "missing.npz: no such file or directory"),
        (["--data", "junk.npz"], "junk.npz: not an .npz file of arrays (numpy.savez)"),
        (["--data", "partial.npz"], "data: missing target 'y'"),
        (
            ["--save", "w.keras"],
            "--save w.keras: the PyTorch module saves a state_dict (torch.save): name it .pt",
        ),
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
        (["--epochs", "0"], "argument --epochs: expected a number >= 1, got 0"),
        (["--save", "model.pt"], "--save model.pt: the name must end in .keras or .weights.h5"),
        (["--data", "missing.npz"], "missing.npz: no such file or directory"),
        (["--data", "junk.npz"], "junk.npz: not an .npz file of arrays (numpy.savez)"),
    ],
)
def test_keras_trainer_arguments(trainers, args, message, capsys, monkeypatch):
    (trainers["keras"].parent / "junk.npz").write_bytes(b"not a zip file at all")
    monkeypatch.setattr(sys, "argv", ["rec_keras.py"])
    line = _one_error(_main(trainers["keras"], capsys, *args), "rec_keras.py")
    assert message in line, line
