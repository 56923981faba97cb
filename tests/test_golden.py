"""Golden files of emitted code, reviewed as diffs.

Re-generate with `make golden` (GRAPHC_UPDATE_GOLDEN=1), then read `git diff tests/golden`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import ROOT, compile_example

from graphc.api import emit

GOLDEN = Path(__file__).parent / "golden"
CASES = ["profile", "residual", "siamese_encoder", "mnist_cnn"]
UPDATE = os.environ.get("GRAPHC_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("target", ["keras", "torch"])
@pytest.mark.parametrize("name", CASES)
def test_golden(name, target):
    path = ROOT / "examples" / f"{name}.gdl"
    program, graph = compile_example(path)
    text = emit(program, graph, target, path.name)
    golden = GOLDEN / f"{name}_{target}.py"
    if UPDATE:
        golden.write_text(text)
    assert golden.exists(), f"missing {golden}: run `make golden`"
    assert text == golden.read_text(), f"{golden} is stale: run `make golden` and review the diff"
