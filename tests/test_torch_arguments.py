"""Every argument of every catalog layer is honoured or refused by the PyTorch target.

The PyTorch module builds each layer from a graphc_runtime.torch.layers class with
Keras's own keyword arguments, so an argument reaches the runtime unless the
layer's entry (graphc/targets/torch_layers.py) drops it (the compiler handles it),
maps it (an axis becomes a torch dim) or refuses the configuration (a located
`unsupported` error).  This meta-test reads the runtime's constructors from their
source (no framework imported) and fails for an argument none of these covers:
one the runtime would reject with a TypeError when the module is built, after
`graphc check` accepted the program (Dense(lora_alpha=...) did).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from graphc.api import emit
from graphc.compiler.interpreter import compile_program
from graphc.targets.errors import EmitError
from graphc.targets.torch_layers import ENTRIES

LAYERS_DIR = Path(__file__).resolve().parent.parent / "runtime" / "graphc_runtime" / "torch" / "layers"
BASE = {"name", "trainable", "dtype"}  # Keras's base-layer keywords: the compiler handles or refuses them


def _classes() -> dict:
    out = {}
    for f in LAYERS_DIR.glob("*.py"):
        for node in ast.parse(f.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                out[node.name] = node
    return out


def _init(classes, name, seen=()):
    c = classes.get(name)
    if c is None:
        return None
    for node in c.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            return node
    for base in c.bases:
        b = base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)
        if b and b not in seen:
            found = _init(classes, b, (*seen, b))
            if found is not None:
                return found
    return None


def test_every_catalog_argument_reaches_a_runtime_parameter_or_is_handled():
    classes = _classes()
    uncovered = {}
    checked = 0
    for op, e in ENTRIES.items():
        if e.inline is not None:
            continue
        init = _init(classes, op.name)
        assert init is not None, f"no constructor for {op.name} in graphc_runtime.torch.layers"
        if init.args.kwarg is not None:
            continue  # **kwargs: passed on to a base class (none today)
        accepted = {a.arg for a in init.args.args + init.args.kwonlyargs}
        mapped = {k for k, _ in e.dims} | ({"axis"} if e.last_dim else set())
        params = {p.name for p in op.all_params()} - BASE - set(e.drop) - mapped
        missing = sorted(params - accepted)
        checked += 1
        if missing:
            uncovered[op.name] = missing
    assert checked > 100
    assert not uncovered, f"arguments neither passed, dropped, mapped nor refused: {uncovered}"


@pytest.mark.parametrize(
    "layer",
    [
        "Dense(3, lora_rank=2)",
        'EinsumDense("ab,bc->ac", output_shape=3, lora_rank=2)',
        "Embedding(10, 3, lora_rank=2)",
    ],
)
def test_lora_is_refused_at_its_line(layer):
    src = f'model m {{\n  x = Input(shape=(4,))\n  output y = {layer}(x)\n  compile(optimizer="adam", loss="mse")\n}}\n'
    program = compile_program("l.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]
    with pytest.raises(EmitError) as info:
        emit(program, program.entry(), "torch", "l.gdl")
    d = info.value.diagnostic
    assert d.code == "unsupported" and d.span.line == 3 and "lora_rank" in d.message, d.header()


def test_lora_alpha_without_lora_is_dropped_as_keras_ignores_it():
    src = "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3, lora_alpha=4.0)(x)\n}\n"
    program = compile_program("l.gdl", src)
    text = emit(program, program.entry(), "torch", "l.gdl")
    assert "lora" not in text.split('"""', 2)[2]
