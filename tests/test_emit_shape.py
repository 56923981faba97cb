"""The shape of emitted code: short modules, byte-identical across runs (the block
rule and unused code: tests/test_emitted_quality.py).  No framework is imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graphc.api import emit
from graphc.compiler.interpreter import compile_program
from graphc.stdlib import APPLICATIONS

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(APPLICATIONS)
# modules a reviewer would accept (issue: ResNet50 torch < 800, Xception < 900, Keras < 400)
LINE_BUDGET = {
    ("ResNet50", "torch"): 800,
    ("Xception", "torch"): 900,
    ("ResNet50", "keras"): 400,
    ("Xception", "keras"): 400,
}


def app_source(app: str) -> str:
    return (
        "model m {\n  x = Input(shape=(96, 96, 3))\n"
        f"  output y = {app}(weights=None, input_shape=(96, 96, 3), classes=5)(x)\n"
        '  compile(optimizer="adam", loss="categorical_crossentropy")\n}\n'
    )


@pytest.fixture(scope="module")
def emitted():
    cache = {}

    def get(app, target):
        if (app, target) not in cache:
            p = compile_program(f"{app}.gdl", app_source(app))
            assert not p.errors, [d.header() for d in p.errors]
            cache[(app, target)] = (p, emit(p, p.entry(), target, f"{app}.gdl"))
        return cache[(app, target)]

    return get


@pytest.mark.parametrize("key", sorted(LINE_BUDGET))
def test_modules_stay_short(emitted, key):
    app, target = key
    _, text = emitted(app, target)
    assert len(text.splitlines()) < LINE_BUDGET[key]


@pytest.mark.parametrize("target", ["keras", "torch"])
def test_emission_is_deterministic(target):
    src = app_source("InceptionV3")
    texts = set()
    for _ in range(2):
        p = compile_program("InceptionV3.gdl", src)
        texts.add(emit(p, p.entry(), target, "InceptionV3.gdl"))
    assert len(texts) == 1


@pytest.mark.parametrize("target", ["keras", "torch"])
def test_long_operator_expression_as_sole_argument_is_split_like_ruff(target, tmp_path):
    # a Euclidean distance: `ops.sqrt(<call> + 1e-6)` too long for one line was written on one
    # line (98 columns); ruff puts one operand per line, the operator first
    src = """
model m {
  a = Input(shape=(4,))
  b = Input(shape=(4,))
  output l2 = ops.sqrt(ops.sum(ops.square(a - b), axis=-1, keepdims=true) + 1e-6)
  compile(optimizer="adam", loss="mse")
}
"""
    prog = compile_program("m.gdl", src)
    assert not prog.errors
    p = tmp_path / "m.py"
    p.write_text(emit(prog, prog.entry(), target, "m.gdl"))
    r = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--diff", str(p)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    if target == "keras":  # (PyTorch's spelling is shorter and fits one line)
        assert "+ 1e-6" in [line.strip() for line in p.read_text().splitlines()]
