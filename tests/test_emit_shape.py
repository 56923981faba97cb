"""The shape of emitted code: short modules, byte-identical across runs (the block
rule and unused code: tests/test_emitted_quality.py).  No framework is imported."""

from __future__ import annotations

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
