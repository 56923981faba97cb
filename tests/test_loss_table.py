"""graphc's loss table against Keras's own reading of the same compile(...).

graphc resolves `compile(loss=..., loss_weights=...)` into LOSSES/LOSS_WEIGHTS
(dicts by output name).  A bug there (a list of weights matched to outputs in
sorted-name order instead of `output` order) is invisible when the table is only
compared with graphc itself, so here each example's raw compile arguments go to
Keras's `model.compile` and the total loss must be the one graphc's table gives.
"""

from __future__ import annotations

import re

import pytest
from helpers import EXAMPLES, LazyModule, emit_to, import_file

keras = LazyModule("keras")

pytestmark = pytest.mark.slow

IDS = [p.stem for p in EXAMPLES]


def _gdl_compile_call(text: str) -> str:
    """The source of the file's compile(...) call (comments dropped), read without graphc."""
    text = "\n".join(re.sub(r"#[^\"']*$", "", line) for line in text.splitlines())
    start = text.index("compile(")
    depth = 0
    for i in range(start + len("compile"), len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start : i + 1]
    raise AssertionError("compile( is never closed")


def _gdl_output_order(text: str) -> list:
    """The output names of the model with compile(...), in declaration order
    (`output a = ...`, `output a, b`)."""
    end = text.index("compile(")
    text = text[[m.start() for m in re.finditer(r"^model\s", text[:end], flags=re.M)][-1] : end]
    names = []
    for m in re.finditer(r"^\s*output\s+(\w+(?:\s*,\s*\w+)*)", text, flags=re.M):
        names += [n.strip() for n in m.group(1).split(",")]
    return names


def _raw_compile_arguments(text: str, outputs: list) -> dict:
    """compile(...)'s loss and loss_weights as Keras takes them: the GDL call is
    Python with true/false, output names as dict keys and Keras loss classes."""

    class Names(dict):
        def __missing__(self, name):
            if name in outputs:
                return name
            if name in ("losses", "metrics", "optimizers"):  # `losses.MeanAbsoluteError(...)`
                return getattr(keras, name)
            if hasattr(keras.losses, name):
                return getattr(keras.losses, name)
            return lambda *a, **k: None  # an optimizer or metric object: not part of the loss table

    captured = {}

    def compile(**kwargs):  # noqa: A001 - the GDL statement's name
        captured.update(kwargs)

    namespace = Names(true=True, false=False, compile=compile)
    eval(_gdl_compile_call(text), {"__builtins__": {}}, namespace)  # noqa: S307 - the repository's own examples
    raw = {k: captured[k] for k in ("loss", "loss_weights") if k in captured}
    weights = raw.get("loss_weights")
    if isinstance(weights, dict):
        # GDL's rule, Keras 2's too: an output missing from a loss_weights dict weighs
        # 1.0.  Keras 3 raises KeyError for it, so the dict is completed here.
        raw["loss_weights"] = {n: weights.get(n, 1.0) for n in outputs}
    return raw


def _with_compile(paths):
    out = []
    for p in paths:
        text = p.read_text()
        if "compile(" in text and 'loss_weights="auto"' not in text and "loss_weights='auto'" not in text:
            out.append(p)
    return out


CASES = _with_compile(EXAMPLES)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_loss_table_is_the_one_keras_resolves(tmp_path, path):
    """graphc's LOSSES/LOSS_WEIGHTS apply the same loss and weight to every output
    as Keras's own reading of the GDL's compile(...) arguments (a list in output
    order, a dict by name, missing weights 1.0): the total loss of one model
    compiled both ways agrees on random labels."""
    from graphc_runtime import data
    from graphc_runtime.keras import compile_model

    text = path.read_text()
    _, graph, out = emit_to(tmp_path, path, "keras")
    mod = import_file(out)
    model = mod.build_model()
    order = _gdl_output_order(text)
    assert list(model.output_names) == order  # Keras resolves lists against this order
    raw = _raw_compile_arguments(text, order)
    xs, ys, preds = [], [], []
    for seed in range(3):
        x, y = data.synthetic(mod, 4, seed)
        xs.append([x[n] for n in mod.INPUT_SPECS])
        ys.append({n: y[n] for n in order} if len(order) > 1 else y[order[0]])
        preds.append(model(xs[-1], training=False))

    def totals():
        return [
            float(model.compute_loss(x=x, y=y, y_pred=p, training=False)) for x, y, p in zip(xs, ys, preds)
        ]

    model.compile(optimizer="sgd", **raw)
    keras_reading = totals()
    compile_model(mod, model)  # graphc's table
    graphc_table = totals()
    # the same reductions of the same float32 values: equal but for the order of the
    # weighted sum over outputs, i.e. within a rounding of each term (n_outputs * u)
    bound = len(order) * 2.0**-24
    for a, b in zip(keras_reading, graphc_table):
        assert abs(a - b) <= bound * max(1.0, abs(a)), (
            raw,
            mod.LOSSES,
            mod.LOSS_WEIGHTS,
            keras_reading,
            graphc_table,
        )
    if len(order) > 1:  # the probes differ, so a loss or weight given to the wrong output would show
        assert len(set(keras_reading)) == 3, keras_reading
