"""The example programs of issues 10 and 11, proven in both targets.

Each row names an example in examples/ (a real model written in GDL) and what
it demonstrates.  The fast test checks each program as a user would run it:
`graphc check` finds nothing, `graphc fmt` leaves it unchanged, and both
targets emit.  The slow test builds the Keras module and the PyTorch module,
copies Keras's weights (randomized biases and normalization statistics) into
PyTorch, and compares parameter counts, inference outputs, the evaluated loss,
then one training step in each framework (the step's loss, and every weight
after it).

Tolerances, derived from float32 rounding (unit roundoff u = 2**-24 = 6e-8):
- outputs and losses, 1e-4 relative (to max(1, |reference|)): the two
  frameworks sum in different orders (GEMM/convolution blocking, reduction
  trees), so a dot product of n terms may differ by about n*u relative to the
  sum of |terms|.  The longest reductions here are a few hundred terms (the
  Conv3D's 3*3*3*8 = 216 taps, a ConvLSTM2D gate's 3*3*(8+8) = 144, an LSTM
  gate's 32+48 = 80 repeated over at most 14 steps, whose errors add rather than
  multiply since the recurrent maps are contractions through tanh/sigmoid): at
  most ~2000*u = 1.2e-4 in the worst case, far less in practice; 1e-4 is the
  repository's bound (tests/test_torch_target.py), with a margin for these depths.
- weights after one step, 1e-5 absolute: every program trains with Adam or AdamW
  at learning rate <= 1e-3.  Adam's first step moves a weight by
  lr * g / (|g| + eps) (bias-corrected m / sqrt(v) = g / |g|): a relative error
  r of the gradient moves this by lr * r * eps / (|g| + eps) <= lr * r = 1e-7,
  and the weight's own rounding adds |w| * u <= 4 * 6e-8.  The one case this
  does not bound, a gradient whose true value is within rounding of 0 (its sign
  could flip), would move a weight by 2 * lr; 1e-5 leaves room for the bound
  above, and a flip would fail the test (it would be reported, not hidden).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch_helpers as th
from helpers import ROOT

from graphc.api import emit
from graphc.compiler.lower import compile_program
from graphc.fmt import format_source

OUT_TOL = 1e-4  # relative, outputs and losses (module docstring)
WEIGHT_TOL = 1e-5  # absolute, weights after one training step (module docstring)


@dataclass(frozen=True)
class Row:
    stem: str  # examples/<stem>.gdl
    what: str  # what the program demonstrates (the requirement)
    batch: int = 3
    random_in_training: bool = False  # augmentation: one step's draws differ between frameworks


PROGRAMS = [
    Row("gpt", "issue 10: decoder-only transformer, ops.arange positions, use_causal_mask, x.shape[-1]"),
    Row("seq2seq", "issue 10: LSTM encoder-decoder, return_state, initial_state, mask="),
    Row("siamese_distance", "issue 10: shared encoder, L1 and L2 distances (ops.abs, ops.sqrt, ops.sum)"),
    Row("multiscale_text", "issue 10: list and dict comprehensions, x.shape[-1], len(), if-else"),
    Row("churn", "issue 10: initializer, regularizer, constraint, loss, metric and schedule objects"),
    Row("video", "issue 11: TimeDistributed CNN, ConvLSTM2D, Conv3D, MaxPooling3D"),
    Row("masked_text", "issue 11: Embedding(mask_zero), Bidirectional LSTM, attention, masked pooling"),
    Row("augmented_images", "issue 11: preprocessing and augmentation layers", random_in_training=True),
]
IDS = [r.stem for r in PROGRAMS]


def _path(row: Row) -> Path:
    return ROOT / "examples" / f"{row.stem}.gdl"


# ------------------------------------------------------------------ fast: check, fmt, emit
@pytest.mark.parametrize("row", PROGRAMS, ids=IDS)
def test_program_checks_formats_and_emits(row):
    path = _path(row)
    text = path.read_text(encoding="utf-8")
    program = compile_program(str(path), text)
    assert not program.diagnostics, [d.header() for d in program.diagnostics]
    assert format_source(text, str(path)) == text, "run `graphc fmt` on " + path.name
    graph = program.entry()
    for target in ("keras", "torch"):
        assert emit(program, graph, target, path.name).strip()


# ------------------------------------------------------------------ slow: both frameworks
def _disable_dropout(kmodel, tmodel) -> None:
    """th.disable_dropout, plus the attention-probability dropout (MultiHeadAttention's
    `dropout` argument: `_dropout` in Keras, `dropout` in graphc_runtime)."""
    th.disable_dropout(kmodel, tmodel)
    for layer in kmodel._flatten_layers():
        if isinstance(getattr(layer, "_dropout", None), float):
            layer._dropout = 0.0
    for m in tmodel.modules():
        if isinstance(getattr(m, "dropout", None), float):
            m.dropout = 0.0


def _keras_compiled(kmod, kmodel):
    """The model compiled as the module says, run eagerly: the same computation as a traced
    `fit` (Keras's train_step, unchanged), without tracing a tf.function for one batch -- which
    is most of the time a tiny model takes."""
    kmodel = th.compile_keras(kmod, kmodel)
    kmodel.run_eagerly = True
    return kmodel


def _evaluate(kmod, tmod, kmodel, tmodel, x, y) -> dict:
    """{log key: (Keras value, torch value)} of one full-batch evaluate (th.evaluate_both, eagerly)."""
    from graphc_runtime import torch as rt

    n = len(next(iter(x.values())))
    xs = [x[k] for k in kmod.INPUT_SPECS]
    kev = _keras_compiled(kmod, kmodel).evaluate(
        xs, th.keras_targets(kmod, y), batch_size=n, verbose=0, return_dict=True
    )
    tev = rt.evaluate(tmod, tmodel, (x, y), batch_size=n)
    keys = [k for k in tev if k in kev]
    assert "loss" in keys, (sorted(kev), sorted(tev))
    return {k: (float(np.asarray(kev[k])), float(tev[k])) for k in keys}


def _one_step(kmod, tmod, kmodel, tmodel, x, y) -> tuple[float, float]:
    """One full-batch training step through each trainer (Keras's `fit`, graphc_runtime.torch.fit);
    the step's loss (before its update) in each.  Unlike th.train_both, the module's `fit(...)`
    defaults are overridden where Keras's `fit` here does not see them: graphc_runtime.torch.fit
    would hold out the module's validation_split and train on fewer samples."""
    from graphc_runtime import torch as rt

    n = len(next(iter(x.values())))
    xs = [x[k] for k in kmod.INPUT_SPECS]
    kh = _keras_compiled(kmod, kmodel).fit(
        xs, th.keras_targets(kmod, y), epochs=1, batch_size=n, shuffle=False, verbose=0
    )
    thist = rt.fit(
        tmod,
        tmodel,
        (x, y),
        epochs=1,
        batch_size=n,
        shuffle=False,
        validation_split=0.0,
        quiet=True,
        callbacks=[],
    )
    return float(kh.history["loss"][0]), float(thist.history["loss"][0])


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(a))


@pytest.mark.slow
@pytest.mark.parametrize("row", PROGRAMS, ids=IDS)
def test_program_agrees_in_both_frameworks(row, tmp_path):
    import keras
    import torch

    start = time.perf_counter()
    path = _path(row)
    km, tm, _ = th.emit_pair(path.read_text(encoding="utf-8"), tmp_path, row.stem)
    keras.utils.set_random_seed(0)
    torch.manual_seed(0)
    kmodel = km.build_model()
    th.randomize(kmodel, seed=1)
    tmodel = th.torch_from_keras(tm, kmodel)
    assert tm.count_params(tmodel) == th.keras_param_counts(kmodel)

    # inference: every output, Keras layout
    x, y = th.synthetic(km, row.batch)
    k_out, t_out = th.predict_both(km, tm, kmodel, tmodel, x)
    assert len(k_out) == len(t_out) == len(km.OUTPUT_SPECS)
    out_diff = max(th.rel_diff(a, b) for a, b in zip(k_out, t_out))
    assert out_diff < OUT_TOL, out_diff

    # the compiled loss (and metrics) on the same batch
    values = _evaluate(km, tm, kmodel, tmodel, x, y)
    loss_diff = max(_rel(a, b) for a, b in values.values())
    assert loss_diff < OUT_TOL, values

    if row.random_in_training:
        # the augmentation is part of the graph: in training mode it changes the images (and so
        # the outputs) in both frameworks, at inference it does not (compared above)
        xs = [x[n] for n in km.INPUT_SPECS]
        k_train = np.asarray(th.as_list(kmodel(xs, training=True))[0])
        tmodel.train()
        with torch.no_grad():
            xt = th.to_torch(tm, x)
            t_train = th.as_list(tmodel(*[xt[n] for n in tm.INPUT_SPECS]))[0].numpy()
        assert th.rel_diff(k_out[0], k_train) > OUT_TOL and th.rel_diff(k_out[0], t_train) > OUT_TOL

    # one training step in each framework
    if not row.random_in_training:
        _disable_dropout(kmodel, tmodel)
    before = th.torch_from_keras(tm, kmodel)
    k_loss, t_loss = _one_step(km, tm, kmodel, tmodel, x, y)
    assert np.isfinite(k_loss) and np.isfinite(t_loss), (k_loss, t_loss)
    moved, _ = th.state_diff(before, tmodel)
    assert moved > 0.0, "the PyTorch step changed no weight"
    if row.random_in_training:
        # the augmentation layers draw differently in each framework: both must train, and the
        # step's loss stays near the evaluated loss (the draws move the images, not the labels)
        print(f"[programs] {row.stem}: augmented step losses keras={k_loss:.4g} torch={t_loss:.4g}")
        step_diff = weight_diff = float("nan")
    else:
        step_diff = _rel(k_loss, t_loss)
        assert step_diff < OUT_TOL, (k_loss, t_loss)
        weight_diff, where = th.state_diff(th.torch_from_keras(tm, kmodel), tmodel)
        assert weight_diff < WEIGHT_TOL, (weight_diff, where)
    print(
        f"[programs] {row.stem}: outputs {out_diff:.2g}, loss {loss_diff:.2g}, step loss {step_diff:.2g}, "
        f"weights {weight_diff:.2g} ({time.perf_counter() - start:.1f} s)"
    )
