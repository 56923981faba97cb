"""Keras objects in GDL (graphc/ops/objects.py): initializers, regularizers,
constraints, losses, metrics, optimizers, learning-rate schedules, callbacks.

ROWS has one row per catalog class: (kind, class, GDL arguments, the same
arguments as Python values).  Fast tests compile each row in its place in a
program (a layer argument, compile(...), fit(...)) and check what graphc
resolved; slow tests build the class with real Keras from the same arguments
and compare its signature and configuration, evaluate the code both targets
emit for it, and check that the PyTorch runtime computes what Keras computes
(initial distributions, penalties, constraints, loss and metric values,
schedule values, one training step).  Keras is the oracle, at test time.
"""

from __future__ import annotations

import inspect
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from graphc.api import emit  # noqa: E402
from graphc.compiler.lower import compile_program  # noqa: E402
from graphc.ops import objects as O  # noqa: E402
from graphc.ops.base import REQUIRED  # noqa: E402
from graphc.targets import code as C  # noqa: E402
from graphc.targets import objects as OB  # noqa: E402
from graphc.targets.errors import EmitError  # noqa: E402

slow = pytest.mark.slow


class Obj:
    """An object as a Python argument value in a row (LossScaleOptimizer's inner optimizer)."""

    def __init__(self, kind, name, **kw):
        self.kind, self.name, self.kw = kind, name, kw


# (kind, class, GDL arguments, Python arguments)
ROWS = [
    # initializers
    ("initializer", "Constant", "0.1", {"value": 0.1}),
    ("initializer", "Zeros", "", {}),
    ("initializer", "Ones", "", {}),
    ("initializer", "Identity", "gain=2.0", {"gain": 2.0}),
    (
        "initializer",
        "STFT",
        'side="imag", window="hamming", scaling="spectrum", periodic=true',
        {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True},
    ),
    ("initializer", "RandomNormal", "mean=0.5, stddev=0.2, seed=3", {"mean": 0.5, "stddev": 0.2, "seed": 3}),
    ("initializer", "RandomUniform", "-0.1, 0.3, seed=4", {"minval": -0.1, "maxval": 0.3, "seed": 4}),
    (
        "initializer",
        "TruncatedNormal",
        "mean=0.1, stddev=0.3, seed=5",
        {"mean": 0.1, "stddev": 0.3, "seed": 5},
    ),
    (
        "initializer",
        "VarianceScaling",
        'scale=2.0, mode="fan_out", distribution="untruncated_normal", seed=6',
        {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal", "seed": 6},
    ),
    ("initializer", "GlorotNormal", "seed=1", {"seed": 1}),
    ("initializer", "GlorotUniform", "", {}),
    ("initializer", "HeNormal", "seed=2", {"seed": 2}),
    ("initializer", "HeUniform", "seed=3", {"seed": 3}),
    ("initializer", "LecunNormal", "", {}),
    ("initializer", "LecunUniform", "seed=7", {"seed": 7}),
    ("initializer", "Orthogonal", "gain=1.5, seed=2", {"gain": 1.5, "seed": 2}),
    # regularizers
    ("regularizer", "L1", "0.001", {"l1": 0.001}),
    ("regularizer", "L2", "l2=1e-4", {"l2": 1e-4}),
    ("regularizer", "L1L2", "l1=0.01, l2=0.001", {"l1": 0.01, "l2": 0.001}),
    (
        "regularizer",
        "OrthogonalRegularizer",
        'factor=0.02, mode="columns"',
        {"factor": 0.02, "mode": "columns"},
    ),
    # constraints
    ("constraint", "MaxNorm", "3", {"max_value": 3}),
    (
        "constraint",
        "MinMaxNorm",
        "min_value=0.5, max_value=2.0, rate=0.5",
        {"min_value": 0.5, "max_value": 2.0, "rate": 0.5},
    ),
    ("constraint", "NonNeg", "", {}),
    ("constraint", "UnitNorm", "axis=0", {"axis": 0}),
    # losses
    ("loss", "MeanSquaredError", 'reduction="sum"', {"reduction": "sum"}),
    ("loss", "MeanAbsoluteError", "", {}),
    ("loss", "MeanAbsolutePercentageError", "", {}),
    ("loss", "MeanSquaredLogarithmicError", 'name="msle"', {"name": "msle"}),
    ("loss", "CosineSimilarity", "axis=-1", {"axis": -1}),
    ("loss", "Huber", "delta=2.0", {"delta": 2.0}),
    ("loss", "LogCosh", "", {}),
    ("loss", "Hinge", "", {}),
    ("loss", "SquaredHinge", "", {}),
    ("loss", "CategoricalHinge", "", {}),
    ("loss", "KLDivergence", "", {}),
    ("loss", "Poisson", "", {}),
    (
        "loss",
        "BinaryCrossentropy",
        "from_logits=true, label_smoothing=0.1",
        {"from_logits": True, "label_smoothing": 0.1},
    ),
    (
        "loss",
        "BinaryFocalCrossentropy",
        "apply_class_balancing=true, alpha=0.3, gamma=2.5",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 2.5},
    ),
    (
        "loss",
        "CategoricalCrossentropy",
        "label_smoothing=0.1, from_logits=true",
        {"label_smoothing": 0.1, "from_logits": True},
    ),
    ("loss", "CategoricalFocalCrossentropy", "alpha=0.5, gamma=1.5", {"alpha": 0.5, "gamma": 1.5}),
    ("loss", "SparseCategoricalCrossentropy", "ignore_class=0", {"ignore_class": 0}),
    ("loss", "CTC", "", {}),
    ("loss", "Dice", "", {}),
    ("loss", "Tversky", "alpha=0.3, beta=0.7", {"alpha": 0.3, "beta": 0.7}),
    ("loss", "Circle", "gamma=64.0, margin=0.25", {"gamma": 64.0, "margin": 0.25}),
    ("loss", "CategoricalGeneralizedCrossEntropy", "q=0.7", {"q": 0.7}),
    # metrics
    ("metric", "Accuracy", "", {}),
    ("metric", "BinaryAccuracy", "threshold=0.3", {"threshold": 0.3}),
    ("metric", "CategoricalAccuracy", "", {}),
    ("metric", "SparseCategoricalAccuracy", "", {}),
    ("metric", "TopKCategoricalAccuracy", "k=2", {"k": 2}),
    ("metric", "SparseTopKCategoricalAccuracy", "k=2", {"k": 2}),
    ("metric", "MeanSquaredError", "", {}),
    ("metric", "MeanAbsoluteError", 'name="l1"', {"name": "l1"}),
    ("metric", "MeanAbsolutePercentageError", "", {}),
    ("metric", "MeanSquaredLogarithmicError", "", {}),
    ("metric", "RootMeanSquaredError", "", {}),
    ("metric", "CosineSimilarity", "axis=-1", {"axis": -1}),
    ("metric", "LogCoshError", "", {}),
    (
        "metric",
        "R2Score",
        'class_aggregation="variance_weighted_average"',
        {"class_aggregation": "variance_weighted_average"},
    ),
    ("metric", "KLDivergence", "", {}),
    ("metric", "Poisson", "", {}),
    ("metric", "BinaryCrossentropy", "label_smoothing=0.1", {"label_smoothing": 0.1}),
    ("metric", "CategoricalCrossentropy", "from_logits=true", {"from_logits": True}),
    ("metric", "SparseCategoricalCrossentropy", "from_logits=true", {"from_logits": True}),
    ("metric", "Hinge", "", {}),
    ("metric", "SquaredHinge", "", {}),
    ("metric", "CategoricalHinge", "", {}),
    ("metric", "PearsonCorrelation", "", {}),
    ("metric", "ConcordanceCorrelation", "", {}),
    ("metric", "FalseNegatives", "thresholds=0.3", {"thresholds": 0.3}),
    ("metric", "FalsePositives", "thresholds=[0.3, 0.6]", {"thresholds": [0.3, 0.6]}),
    ("metric", "TrueNegatives", "", {}),
    ("metric", "TruePositives", "", {}),
    ("metric", "Precision", "thresholds=0.5", {"thresholds": 0.5}),
    ("metric", "Recall", "top_k=2", {"top_k": 2}),
    ("metric", "PrecisionAtRecall", "0.8", {"recall": 0.8}),
    (
        "metric",
        "RecallAtPrecision",
        "precision=0.6, num_thresholds=100",
        {"precision": 0.6, "num_thresholds": 100},
    ),
    ("metric", "SensitivityAtSpecificity", "0.5", {"specificity": 0.5}),
    ("metric", "SpecificityAtSensitivity", "0.5", {"sensitivity": 0.5}),
    ("metric", "AUC", 'curve="PR", num_thresholds=50', {"curve": "PR", "num_thresholds": 50}),
    (
        "metric",
        "FBetaScore",
        'average="macro", beta=2.0, threshold=0.5',
        {"average": "macro", "beta": 2.0, "threshold": 0.5},
    ),
    ("metric", "F1Score", 'average="micro"', {"average": "micro"}),
    (
        "metric",
        "IoU",
        "num_classes=3, target_class_ids=[0, 2]",
        {"num_classes": 3, "target_class_ids": [0, 2]},
    ),
    (
        "metric",
        "BinaryIoU",
        "target_class_ids=[1], threshold=0.4",
        {"target_class_ids": [1], "threshold": 0.4},
    ),
    ("metric", "MeanIoU", "num_classes=3", {"num_classes": 3}),
    (
        "metric",
        "OneHotIoU",
        "num_classes=3, target_class_ids=[1]",
        {"num_classes": 3, "target_class_ids": [1]},
    ),
    ("metric", "OneHotMeanIoU", "num_classes=3", {"num_classes": 3}),
    # learning-rate schedules
    (
        "schedule",
        "ExponentialDecay",
        "1e-3, 1000, 0.9, staircase=true",
        {"initial_learning_rate": 1e-3, "decay_steps": 1000, "decay_rate": 0.9, "staircase": True},
    ),
    (
        "schedule",
        "PiecewiseConstantDecay",
        "[100, 200], [0.1, 0.01, 0.001]",
        {"boundaries": [100, 200], "values": [0.1, 0.01, 0.001]},
    ),
    (
        "schedule",
        "PolynomialDecay",
        "0.1, 1000, end_learning_rate=0.001, power=2.0, cycle=true",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 1000,
            "end_learning_rate": 0.001,
            "power": 2.0,
            "cycle": True,
        },
    ),
    (
        "schedule",
        "InverseTimeDecay",
        "0.1, 100, 0.5",
        {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5},
    ),
    (
        "schedule",
        "CosineDecay",
        "0.0, 1000, alpha=0.1, warmup_target=0.1, warmup_steps=100",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 1000,
            "alpha": 0.1,
            "warmup_target": 0.1,
            "warmup_steps": 100,
        },
    ),
    (
        "schedule",
        "CosineDecayRestarts",
        "0.1, 100, t_mul=1.5, m_mul=0.9",
        {"initial_learning_rate": 0.1, "first_decay_steps": 100, "t_mul": 1.5, "m_mul": 0.9},
    ),
    # optimizers
    (
        "optimizer",
        "SGD",
        "learning_rate=0.1, momentum=0.9, nesterov=true",
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
    ),
    (
        "optimizer",
        "RMSprop",
        "rho=0.8, centered=true, clipvalue=0.5",
        {"rho": 0.8, "centered": True, "clipvalue": 0.5},
    ),
    (
        "optimizer",
        "Adam",
        "learning_rate=1e-3, beta_1=0.8, amsgrad=true, weight_decay=0.01, global_clipnorm=1.0, use_ema=true, "
        "ema_momentum=0.95, gradient_accumulation_steps=2",
        {
            "learning_rate": 1e-3,
            "beta_1": 0.8,
            "amsgrad": True,
            "weight_decay": 0.01,
            "global_clipnorm": 1.0,
            "use_ema": True,
            "ema_momentum": 0.95,
            "gradient_accumulation_steps": 2,
        },
    ),
    ("optimizer", "AdamW", "weight_decay=0.01, clipnorm=2.0", {"weight_decay": 0.01, "clipnorm": 2.0}),
    ("optimizer", "Adagrad", "initial_accumulator_value=0.2", {"initial_accumulator_value": 0.2}),
    ("optimizer", "Adamax", "beta_2=0.99", {"beta_2": 0.99}),
    ("optimizer", "Nadam", "epsilon=1e-6", {"epsilon": 1e-6}),
    ("optimizer", "Adadelta", "rho=0.9", {"rho": 0.9}),
    ("optimizer", "Lion", "beta_1=0.95", {"beta_1": 0.95}),
    ("optimizer", "Adafactor", "relative_step=false", {"relative_step": False}),
    (
        "optimizer",
        "Ftrl",
        "l1_regularization_strength=0.01, beta=0.1",
        {"l1_regularization_strength": 0.01, "beta": 0.1},
    ),
    ("optimizer", "Lamb", "beta_1=0.85", {"beta_1": 0.85}),
    ("optimizer", "ScheduleFreeAdamW", "warmup_steps=10", {"warmup_steps": 10}),
    (
        "optimizer",
        "LossScaleOptimizer",
        "Adam(learning_rate=0.01), initial_scale=1024.0",
        {"inner_optimizer": Obj("optimizer", "Adam", learning_rate=0.01), "initial_scale": 1024.0},
    ),
    # callbacks
    (
        "callback",
        "EarlyStopping",
        'monitor="val_loss", patience=5, restore_best_weights=true, start_from_epoch=2',
        {"monitor": "val_loss", "patience": 5, "restore_best_weights": True, "start_from_epoch": 2},
    ),
    (
        "callback",
        "ModelCheckpoint",
        '"ckpt/best-{epoch:02d}.keras", save_best_only=true, mode="min"',
        {"filepath": "ckpt/best-{epoch:02d}.keras", "save_best_only": True, "mode": "min"},
    ),
    (
        "callback",
        "ReduceLROnPlateau",
        "factor=0.5, patience=2, min_lr=1e-5",
        {"factor": 0.5, "patience": 2, "min_lr": 1e-5},
    ),
    ("callback", "TerminateOnNaN", "raise_error=true", {"raise_error": True}),
    (
        "callback",
        "CSVLogger",
        '"log.csv", separator=";", append=true',
        {"filename": "log.csv", "separator": ";", "append": True},
    ),
    ("callback", "TensorBoard", 'log_dir="runs", histogram_freq=1', {"log_dir": "runs", "histogram_freq": 1}),
    ("callback", "BackupAndRestore", '"backup", save_freq=10', {"backup_dir": "backup", "save_freq": 10}),
]
IDS = [f"{k}-{n}" for k, n, _, _ in ROWS]

# what the PyTorch target refuses (located "not supported" errors), by class
TORCH_REFUSED = {"STFT", "OrthogonalRegularizer", "Lamb", "ScheduleFreeAdamW"}


# ------------------------------------------------------------------ programs
def _output_for(kind, name, args) -> str:
    """An output layer the loss fits (probabilities unless the loss takes logits)."""
    if kind != "loss" or args.get("from_logits"):
        return "Dense(3)"
    canon = O.CATALOG["loss"][name].canonical
    if canon in ("binary_crossentropy", "binary_focal_crossentropy"):
        return 'Dense(3, activation="sigmoid")'
    if canon in (
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "sparse_categorical_crossentropy",
    ):
        return 'Dense(3, activation="softmax")'
    return "Dense(3)"


def program_for(kind: str, text: str, out: str = "Dense(3)") -> str:
    """A model that uses the object `text` where its kind goes."""
    layer = {
        "initializer": "kernel_initializer",
        "regularizer": "kernel_regularizer",
        "constraint": "kernel_constraint",
    }
    lines = ["model m {", "  x = Input(shape=(4,))"]
    if kind in layer:
        lines.append(f"  output y = Dense(3, {layer[kind]}={text})(x)")
    else:
        lines.append(f"  output y = {out}(x)")
    compile_args = {
        "loss": f"loss={text}",
        "metric": f'loss="mse", metrics=[{text}]',
        "optimizer": f'loss="mse", optimizer={text}',
        "schedule": f'loss="mse", optimizer=SGD(learning_rate={text})',
    }.get(kind, 'loss="mse"')
    lines.append(f"  compile({compile_args})")
    if kind == "callback":
        lines.append(f"  fit(callbacks=[{text}])")
    lines.append("}")
    return "\n".join(lines) + "\n"


def spell(kind: str, name: str) -> str:
    """How a row's class is written: bare, unless the bare name is a layer (`Identity`)."""
    from graphc.ops.base import REGISTRY

    return f"{O.KINDS[kind][1]}.{name}" if name in REGISTRY else name


def compile_gdl(text: str, path: str = "m.gdl"):
    program = compile_program(path, text)
    assert not program.errors, "\n".join(d.header() for d in program.errors)
    return program, program.entry()


def resolved(kind: str, graph) -> O.KerasObject:
    """The object graphc resolved for the row's place in `program_for`."""
    if kind in ("initializer", "regularizer", "constraint"):
        (layer,) = [la for la in graph.layers if la.op is not None and la.op.name == "Dense"]
        arg = {"initializer": "kernel_initializer", "regularizer": "kernel_regularizer"}.get(
            kind, "kernel_constraint"
        )
        return layer.raw_args[arg]
    comp = graph.compile
    if kind == "loss":
        return comp["losses"][0].obj
    if kind == "metric":
        return comp["metrics"]["y"][0]
    if kind == "optimizer":
        return comp["optimizer_obj"]
    if kind == "schedule":
        return comp["optimizer_obj"].args["learning_rate"]
    return graph.fit["callbacks"][0]


def _plain(v):
    """Row values and resolved values compared alike (objects by class and arguments)."""
    if isinstance(v, Obj):
        return (v.kind, v.name, {k: _plain(x) for k, x in v.kw.items()})
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, O.KerasObject):
        return (v.kind, v.cls.name, {k: _plain(x) for k, x in v.args.items()})
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


# ------------------------------------------------------------------ fast tests
def test_every_catalog_class_has_a_row_and_every_row_a_class():
    catalog = {(k, n) for k, d in O.CATALOG.items() for n in d}
    rows = {(k, n) for k, n, _, _ in ROWS}
    assert rows == catalog, (sorted(catalog - rows), sorted(rows - catalog))
    assert len(ROWS) == len(rows)


@pytest.mark.parametrize("kind,name,gdl,py", ROWS, ids=IDS)
def test_row_compiles_to_the_object_with_its_arguments(kind, name, gdl, py):
    for spelled in (spell(kind, name), f"{O.KINDS[kind][1]}.{name}", f"keras.{O.KINDS[kind][0][6:]}.{name}"):
        out = _output_for(kind, name, py)
        program, graph = compile_gdl(program_for(kind, f"{spelled}({gdl})", out))
        obj = resolved(kind, graph)
        assert isinstance(obj, O.KerasObject) and obj.kind == kind and obj.cls.name == name, spelled
        assert _plain(obj.args) == _plain(py), spelled


@pytest.mark.parametrize("kind,name,gdl,py", ROWS, ids=IDS)
def test_row_is_emitted_in_both_targets(kind, name, gdl, py):
    out = _output_for(kind, name, py)
    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})", out))
    obj = resolved(kind, graph)
    keras_text = emit(program, graph, "keras", "m.gdl")
    assert C.text(OB.obj_expr(obj, OB.keras_callee)).split("(")[0] in keras_text
    if name in TORCH_REFUSED:
        with pytest.raises(EmitError) as exc:
            emit(program, graph, "torch", "m.gdl")
        d = exc.value.diagnostic
        assert d.code == "unsupported" and "PyTorch target" in d.message, d.message
        assert d.span.line in (3, 4), d.header()  # the object: in the layer, or in compile(...)
        return
    torch_text = emit(program, graph, "torch", "m.gdl")
    mod = OB.torch_module(obj.cls)
    assert f"{mod}.{name}(" in torch_text
    assert "from graphc_runtime.torch import" in torch_text and mod in torch_text.split("RUNTIME_API")[0]


def test_string_identifiers_are_keras_gets():
    """Bare names go on working; every identifier Keras's `get` takes names a catalog class."""
    program, graph = compile_gdl(
        "model m {\n  x = Input(shape=(4,))\n"
        '  output y = Dense(3, kernel_initializer="he_normal", kernel_regularizer="l1l2",'
        ' kernel_constraint="non_neg")(x)\n'
        '  compile(loss="kld", optimizer="Nadam", metrics=["acc", "mse", "top_k_categorical_accuracy"])\n}\n'
    )
    (e,) = graph.compile["losses"]
    assert e.loss == "kl_divergence" and e.obj is None
    assert graph.compile["optimizer"].name == "nadam"
    assert graph.compile["metrics"]["y"] == ["acc", "mse", "top_k_categorical_accuracy"]
    assert O.from_id("initializer", "he_normal").name == "HeNormal"
    assert O.from_id("regularizer", "l1l2").name == "L1L2"


def test_objects_are_values_bound_to_names_and_passed_to_blocks():
    text = """
block dense(x, units, init="glorot_uniform") {
  return Dense(units, kernel_initializer=init)(x)
}
model m {
  init = HeNormal(seed=1)
  reg = regularizers.L2(1e-4)
  x = Input(shape=(4,))
  h = dense(x, 8, init=init)
  h = Dense(8, kernel_initializer=init, kernel_regularizer=reg)(h)
  output y = dense(h, 3, init=initializers.Orthogonal(gain=2.0))
  compile(loss="mse")
}
"""
    program, graph = compile_gdl(text)
    keras_text = emit(program, graph, "keras", "m.gdl")
    # one object, bound once, passed on by name (Keras: a shared initializer draws the same values)
    assert keras_text.count("keras.initializers.HeNormal(seed=1)") == 1
    assert "init = keras.initializers.HeNormal(seed=1)" in keras_text
    assert 'dense(x, 8, "dense_dense", init=init)' in keras_text
    assert "kernel_regularizer=reg" in keras_text
    assert "keras.initializers.Orthogonal(gain=2.0)" in keras_text
    torch_text = emit(program, graph, "torch", "m.gdl")
    assert "init = initializers.HeNormal(seed=1)" in torch_text
    assert torch_text.count("initializers.HeNormal(seed=1)") == 1


def test_object_arguments_follow_block_parameters():
    text = """
block layer(x, units, seed) {
  return Dense(units, kernel_initializer=RandomNormal(stddev=0.1 * seed, seed=seed), bias_initializer=Constant(units / 10))(x)
}
model m {
  x = Input(shape=(4,))
  h = layer(x, 8, 3)
  output y = layer(h, 2, 4)
  compile(loss="mse")
}
"""
    program, graph = compile_gdl(text)
    k = _flat(emit(program, graph, "keras", "m.gdl"))
    assert "kernel_initializer=keras.initializers.RandomNormal(stddev=0.1*seed,seed=seed)" in k
    assert "keras.initializers.Constant(units/10)" in k
    t = _flat(emit(program, graph, "torch", "m.gdl"))
    assert "kernel_initializer=initializers.RandomNormal(stddev=0.1*seed,seed=seed)" in t


def _flat(code: str) -> str:
    """Code without its layout (line breaks and spaces)."""
    import re

    return re.sub(r"\s+", "", code)


def test_object_default_of_a_block_is_made_by_each_call():
    """`init=HeUniform()` as a default: each GDL call makes its own object, so the
    emitted function takes it from each call (a Python default would be shared)."""
    text = """
block layer(x, init=HeUniform()) {
  return Dense(4, kernel_initializer=init)(x)
}
model m {
  x = Input(shape=(4,))
  h = layer(x)
  output y = layer(h)
  compile(loss="mse")
}
"""
    program, graph = compile_gdl(text)
    k = emit(program, graph, "keras", "m.gdl")
    assert k.count("keras.initializers.HeUniform()") == 2 and "def layer(x, init," in k


# argument errors: (the output's layer, code, where the caret starts, message part)
BAD = [
    ("Dense(3, kernel_initializer=HeNormal(sed=1))(x)", "unknown-argument", "sed=1", "no argument `sed`"),
    (
        "Dense(3, kernel_initializer=VarianceScaling(scale=0.0))(x)",
        "argument-value",
        "scale=0.0",
        "must be > 0.0",
    ),
    (
        'Dense(3, kernel_initializer=VarianceScaling(mode="fan"))(x)',
        "argument-value",
        "mode=",
        '"fan" is not one of',
    ),
    ("Dense(3, kernel_initializer=RandomNormal(seed=-1))(x)", "argument-value", "seed=-1", "must be >= 0"),
    ("Dense(3, kernel_regularizer=L2(-0.1))(x)", "argument-value", "-0.1", "must be >= 0.0"),
    (
        "Dense(3, kernel_regularizer=regularizers.L1(l1=true))(x)",
        "argument-type",
        "l1=true",
        "expected a number",
    ),
    (
        "Dense(3, kernel_initializer=L2(0.1))(x)",
        "argument-type",
        "kernel_initializer",
        "got a regularizer (L2)",
    ),
    ('Dense(3, kernel_initializer="he_nromal")(x)', "argument-value", "kernel_initializer", "he_nromal"),
    ("Dense(3, kernel_constraint=constraints.MaxNrm(3))(x)", "unknown-layer", "constraints.", "`MaxNrm`"),
    ("Dense(3, kernel_constraint=MinMaxNorm(1.0, 2.0, 0.5, 0, 9))(x)", "argument-type", "9)", "at most 4"),
]


@pytest.mark.parametrize("layer,code,caret,part", BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_argument_errors_are_located(layer, code, caret, part):
    line = f"  output y = {layer}"
    text = f"model m {{\n  x = Input(shape=(4,))\n{line}\n}}\n"
    program = compile_program("m.gdl", text)
    (d,) = program.errors
    assert (d.code, d.span.line, d.span.col) == (code, 3, line.index(caret) + 1), d.header()
    assert part in d.message, d.message


TRAINING_BAD = [
    ('compile(loss="mse", optimizer=Adam(learning_rate=0))', "argument-value", "learning_rate"),
    ('compile(loss="mse", optimizer=SGD(momentum=1.5))', "argument-value", "momentum"),
    (
        'compile(loss="mse", optimizer=Adam(clipnorm=1.0, global_clipnorm=1.0))',
        "argument-value",
        "only one of",
    ),
    ('compile(loss="mse", optimizer=Adam(gradient_accumulation_steps=1))', "argument-value", "must be >= 2"),
    ('compile(loss="mse", optimizer=LossScaleOptimizer("adam"))', "argument-type", "an optimizer"),
    (
        'compile(loss="mse", optimizer=SGD(learning_rate=ExponentialDecay(0.1, 0, 0.9)))',
        "argument-value",
        "> 0",
    ),
    (
        'compile(loss="mse", optimizer=SGD(learning_rate=PiecewiseConstantDecay([1, 2], [0.1, 0.01])))',
        "argument-value",
        "one more value",
    ),
    ('compile(loss=Huber(delta="2"))', "argument-type", "expected a number"),
    ("compile(loss=CategoricalGeneralizedCrossEntropy(q=1.0))", "argument-value", "(0, 1)"),
    ('compile(loss=MeanSquaredError(reduction="avg"))', "argument-value", "reduction"),
    ('compile(loss="crossentropy")', "unknown-loss", "name the crossentropy"),
    ('compile(loss="mse", metrics=[AUC(curve="roc2")])', "argument-value", "curve"),
    ('compile(loss="mse", metrics=[Precision(thresholds=[0.5, 1.2])])', "argument-value", "[0, 1]"),
    (
        'compile(loss="mse", metrics=[IoU(num_classes=2, target_class_ids=[3])])',
        "argument-value",
        "below num_classes",
    ),
    ('compile(loss="mse", metrics=[HeNormal()])', "argument-type", "metrics are names"),
    ('compile(loss="mse", loss_weights="automatic")', "argument-value", '"auto"'),
    ('compile(loss="mse")\n  fit(callbacks=[ModelCheckpoint("best.txt")])', "argument-value", '".keras"'),
    (
        'compile(loss="mse")\n  fit(callbacks=[ModelCheckpoint("w.keras", save_weights_only=true)])',
        "argument-value",
        ".weights.h5",
    ),
    (
        'compile(loss="mse")\n  fit(callbacks=[ReduceLROnPlateau(factor=1.0)])',
        "argument-value",
        "factor >= 1.0",
    ),
    (
        'compile(loss="mse")\n  fit(callbacks=[EarlyStopping(mode="up")])',
        "argument-value",
        '"up" is not one of',
    ),
    ('compile(loss="mse")\n  fit(callbacks=[AUC()])', "argument-type", "takes callbacks"),
    ('compile(loss="mse")\n  fit(callbacks=[LearningRateScheduler(1)])', "unsupported", "Python function"),
]


@pytest.mark.parametrize(
    "stmt,code,part", TRAINING_BAD, ids=[t[1] + str(i) for i, t in enumerate(TRAINING_BAD)]
)
def test_training_object_errors_are_located(stmt, code, part):
    text = f"model m {{\n  x = Input(shape=(4,))\n  output y = Dense(3)(x)\n  {stmt}\n}}\n"
    program = compile_program("m.gdl", text)
    errors = program.errors
    assert len(errors) == 1, [d.header() for d in errors]
    (d,) = errors
    assert d.code == code and d.span.line == text[: text.index(stmt.split("\n")[-1])].count("\n") + 1, (
        d.header()
    )
    assert part in d.message or part in (d.hint or ""), (d.message, d.hint)


# callback paths: relative, inside the working directory, plain format fields
PATHS = [
    ("best.keras", None),
    ("runs/ckpt-{epoch:02d}-{val_loss:.2f}.keras", None),
    ("a/{{literal}}.keras", None),
    ("../best.keras", "unsafe-path"),
    ("a/../../best.keras", "unsafe-path"),
    ("/tmp/best.keras", "unsafe-path"),
    ("~/best.keras", "unsafe-path"),
    ("C:/best.keras", "unsafe-path"),
    ("..\\\\best.keras", "unsafe-path"),
    ("{epoch.__class__}.keras", "unsafe-path"),
    ("{epoch[0]}.keras", "unsafe-path"),
    ("a{.keras", "argument-value"),
    ("a\\nb.keras", "argument-value"),
    ("", "argument-value"),
]


@pytest.mark.parametrize("path,code", PATHS)
def test_callback_paths_stay_in_the_working_directory(path, code):
    text = (
        'model m {\n  x = Input(shape=(4,))\n  output y = Dense(3)(x)\n  compile(loss="mse")\n'
        f'  fit(callbacks=[ModelCheckpoint("{path}"), CSVLogger("{path.replace(".keras", ".csv")}")])\n}}\n'
    )
    program = compile_program("m.gdl", text)
    if code is None:
        assert not program.errors, [d.header() for d in program.errors]
        # the path reaches the code as an escaped literal, nothing else
        for target in ("keras", "torch"):
            out = emit(program, program.entry(), target, "m.gdl")
            assert C.text(C.lit(path)) in out
        return
    assert program.errors and program.errors[0].code == code, [d.header() for d in program.errors]
    assert program.errors[0].span.line == 5


def test_hostile_strings_in_objects_are_escaped():
    nasty = 'a\\"; import os; os.system(\\"x\\") #\\u2028'
    text = (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3)(x)\n"
        f'  compile(loss=MeanSquaredError(name="{nasty}"), metrics=[AUC(name="{nasty}")])\n'
        f'  fit(callbacks=[EarlyStopping(monitor="{nasty}")])\n}}\n'
    )
    program, graph = compile_gdl(text)
    import ast

    value = graph.compile["losses"][0].obj.args["name"]
    for target in ("keras", "torch"):
        out = emit(program, graph, target, "m.gdl")
        tree = ast.parse(out)
        assert not any(isinstance(n, ast.Attribute) and n.attr == "system" for n in ast.walk(tree))
        strings = [
            n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        assert strings.count(value) == 3  # the loss's and the metric's name, the monitor


def test_from_logits_output_is_not_split():
    """A loss from logits on a linear output: nothing to split; the module's forward
    returns the output itself (no LOGIT_OUTPUTS)."""
    text = (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3)(x)\n"
        "  compile(loss=CategoricalCrossentropy(from_logits=true))\n}\n"
    )
    program, graph = compile_gdl(text)
    out = emit(program, graph, "torch", "m.gdl")
    assert (
        "LOGIT_ACTIVATIONS = {}" in out and "logits=True" not in out.split("class M")[1].split("def build")[0]
    )
    assert "losses.CategoricalCrossentropy(from_logits=True)" in out


def test_probabilities_with_from_logits_warn_and_follow_tensorflow():
    """Keras on TensorFlow computes such a loss from the softmax's logits (and warns):
    graphc warns when compiling, and the PyTorch module returns those logits to it."""
    text = (
        'model m {\n  x = Input(shape=(4,))\n  output y = Dense(3, activation="softmax")(x)\n'
        "  compile(loss=CategoricalCrossentropy(from_logits=true))\n}\n"
    )
    program = compile_program("m.gdl", text)
    assert not program.errors
    (d,) = program.diagnostics
    assert (d.severity, d.code, d.span.line) == ("warning", "loss-mismatch", 4) and "from_logits" in d.message
    torch_text = emit(program, program.entry(), "torch", "m.gdl")
    assert 'LOGIT_ACTIVATIONS = {\n    "y": ("softmax", -1),\n}' in torch_text


def test_loss_weights_auto_in_both_targets():
    text = (
        "model m {\n  x = Input(shape=(4,))\n  output a = Dense(3)(x)\n  output b = Dense(1)(x)\n"
        '  compile(loss={a: "mse", b: Huber()}, loss_weights="auto")\n}\n'
    )
    program, graph = compile_gdl(text)
    for target in ("keras", "torch"):
        assert '\nLOSS_WEIGHTS = "auto"\n' in emit(program, graph, target, "m.gdl")


def test_metrics_per_output_list_of_lists_and_dict():
    text = (
        'model m {\n  x = Input(shape=(4,))\n  output a = Dense(3, activation="softmax")(x)\n'
        "  output b = Dense(1)(x)\n"
        '  compile(loss=["categorical_crossentropy", "mse"], metrics=[[AUC(), "accuracy"], [MeanAbsoluteError()]])\n}\n'
    )
    program, graph = compile_gdl(text)
    ms = graph.compile["metrics"]
    assert [m if isinstance(m, str) else m.cls.name for m in ms["a"]] == ["AUC", "accuracy"]
    assert [m.cls.name for m in ms["b"]] == ["MeanAbsoluteError"]
    k = emit(program, graph, "keras", "m.gdl")
    assert '"a": [keras.metrics.AUC(), "accuracy"]' in k and '"b": [keras.metrics.MeanAbsoluteError()]' in k


def test_ambiguous_bare_name_is_settled_by_its_place():
    """`MeanSquaredError` is a loss and a metric: the same spelling is each where it is used."""
    text = (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3)(x)\n"
        '  compile(loss=MeanSquaredError(reduction="sum"), metrics=[MeanSquaredError(name="m")])\n}\n'
    )
    program, graph = compile_gdl(text)
    assert graph.compile["losses"][0].obj.kind == "loss"
    assert graph.compile["metrics"]["y"][0].kind == "metric"


def test_bare_identity_is_the_layer():
    text = "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3, kernel_initializer=Identity())(x)\n}\n"
    (d,) = compile_program("m.gdl", text).errors
    assert d.code == "argument-type" and "initializers.Identity" in d.message


def test_torch_refusals_are_located_at_the_object():
    cases = [
        ("Dense(3, kernel_constraint=UnitNorm(axis=1))(x)", 'compile(loss="mse")', 3, "axis"),
        ("Dense(3, kernel_initializer=HeNormal(input_axes=[0]))(x)", 'compile(loss="mse")', 3, "input_axes"),
        ("Dense(3)(x)", 'compile(loss="mse", optimizer="lamb")', 4, "Lamb"),
        ("Dense(3)(x)", 'compile(loss="mse", optimizer=LossScaleOptimizer(Lamb()))', 4, "Lamb"),
    ]
    for layer, comp, line, part in cases:
        text = f"model m {{\n  x = Input(shape=(4,))\n  output y = {layer}\n  {comp}\n}}\n"
        program, graph = compile_gdl(text)
        emit(program, graph, "keras", "m.gdl")  # Keras takes it
        with pytest.raises(EmitError) as exc:
            emit(program, graph, "torch", "m.gdl")
        d = exc.value.diagnostic
        assert d.code == "unsupported" and d.span.line == line and part in d.message, d.header()


def test_digits_example_compiles_with_its_callbacks():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "examples" / "digits" / "digits.gdl"
    program = compile_program(str(path))
    assert not program.errors, [d.header() for d in program.errors]
    graph = program.entry()
    assert [cb.cls.name for cb in graph.fit["callbacks"]] == ["EarlyStopping", "ModelCheckpoint", "CSVLogger"]
    for target in ("keras", "torch"):
        out = emit(program, graph, target, path.name)
        assert "EarlyStopping(" in out and 'CSVLogger("log.csv")' in out


def test_summary_shows_training_objects():
    from graphc.summary import summary

    program, graph = compile_gdl(
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3)(x)\n"
        "  compile(loss=Huber(delta=2.0), optimizer=Adam(learning_rate=CosineDecay(0.1, 100)), metrics=[AUC()])\n"
        "  fit(callbacks=[EarlyStopping(patience=2)])\n}\n"
    )
    text = summary(graph)
    assert "Huber(delta=2.0)" in text and "AUC()" in text
    assert "Optimizer: Adam(learning_rate=CosineDecay(initial_learning_rate=0.1, decay_steps=100))" in text
    assert "Callbacks: EarlyStopping(patience=2)" in text


def test_fmt_keeps_object_calls():
    from graphc.fmt import format_source

    src = (
        "model m {\n  x = Input(shape=(4,))\n"
        "  output y = Dense(3, kernel_initializer=keras.initializers.HeNormal(seed=1))(x)\n"
        "  compile(loss=losses.Huber(delta=2.0))\n}\n"
    )
    out = format_source(src, "m.gdl")
    assert "keras.initializers.HeNormal(seed=1)" in out and "losses.Huber(delta=2.0)" in out
    assert format_source(out, "m.gdl") == out


# ------------------------------------------------------------------ slow: Keras is the oracle
def _keras():
    return pytest.importorskip("keras")


def keras_class(cls: O.ObjClass):
    mod = _keras()
    for part in cls.module.split(".")[1:]:
        mod = getattr(mod, part)
    return getattr(mod, cls.name)


def keras_value(v):
    if isinstance(v, Obj):
        return keras_class(O.CATALOG[v.kind][v.name])(**{k: keras_value(x) for k, x in v.kw.items()})
    return v


def _signature(cls, skip: int = 0) -> list:
    ps = list(inspect.signature(cls.__init__).parameters.values())[1 + skip :]
    return [
        (p.name, REQUIRED if p.default is inspect.Parameter.empty else p.default)
        for p in ps
        if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return (
        type(a) is type(b)
        and a == b
        or (
            isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and a == b
        )
    )


@slow
@pytest.mark.parametrize("kind,name,gdl,py", ROWS, ids=IDS)
def test_catalog_signature_is_keras_and_the_runtime_one(kind, name, gdl, py):
    """Names, order and defaults (with their types) of every argument: Keras's, and
    the PyTorch runtime's class takes the same (optimizers after `params`)."""
    import importlib

    cls = O.CATALOG[kind][name]
    mine = [(p.name, p.default) for p in cls.params]
    theirs = _signature(keras_class(cls))
    assert [n for n, _ in mine] == [n for n, _ in theirs]
    for (n, a), (_, b) in zip(mine, theirs):
        assert (a is REQUIRED and b is REQUIRED) or _same(a, b), (n, a, b)
    if name in TORCH_REFUSED:
        return
    rt = importlib.import_module("graphc_runtime.torch." + OB.torch_module(cls))
    skip = 1 if kind == "optimizer" and name != "LossScaleOptimizer" else 0
    rt_sig = _signature(getattr(rt, name), skip)
    assert [n for n, _ in mine] == [n for n, _ in rt_sig]
    for (n, a), (_, b) in zip(mine, rt_sig):
        assert (a is REQUIRED and b is REQUIRED) or _same(a, b), (n, a, b)


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _config(obj) -> dict:
    """What Keras reports of an object's arguments."""
    attrs = dict(vars(obj))
    get = getattr(obj, "get_config", None)
    if get is not None:
        try:
            return {**attrs, **get()}  # (Keras's Identity leaves `gain` out of its config)
        except NotImplementedError:
            pass
    return attrs


@slow
@pytest.mark.parametrize("kind,name,gdl,py", ROWS, ids=IDS)
def test_keras_takes_the_row_and_reports_graphc_resolution(kind, name, gdl, py, tmp_path, monkeypatch):
    """Keras builds the class from the row's arguments, and the code the Keras module
    contains for it builds the same configuration; where Keras reports an argument
    (get_config, or the attribute of that name), it equals graphc's resolved value."""
    keras = _keras()
    monkeypatch.chdir(tmp_path)
    out = _output_for(kind, name, py)
    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})", out))
    obj = resolved(kind, graph)
    cls = O.CATALOG[kind][name]
    direct = keras_class(cls)(**{k: keras_value(v) for k, v in py.items()})
    code = C.text(OB.obj_expr(obj, OB.keras_callee))
    emitted = eval(code, {"keras": keras})  # the emitted expression, as the module has it
    assert type(emitted) is type(direct)
    cfg_direct, cfg_emitted = _config(direct), _config(emitted)
    compared = 0
    for p, v in obj.config().items():
        if isinstance(v, O.KerasObject) or v is None:
            continue
        for cfg in (cfg_direct, cfg_emitted):
            got = cfg.get(p)
            if isinstance(got, (list, tuple)):  # Keras tracks lists in its own list class
                got = list(got)
            if p in cfg and not hasattr(got, "__dict__"):
                if isinstance(got, np.ndarray):
                    got = got.tolist()
                if isinstance(got, (float, np.floating)) and is_number(v) and got != v:
                    # Keras keeps it in a float32 tensor or variable: its float32 rounding
                    assert float(np.float32(v)) == float(got), (p, v, got)
                    compared += 1
                    continue
                assert _same(_plain(v), _plain(got)) or (
                    isinstance(got, str) and isinstance(v, str) and got.lower() == v.lower()
                ), (p, v, got)
                compared += 1
    if py and kind != "callback":
        assert compared, "Keras reported none of the arguments"


@slow
@pytest.mark.parametrize(
    "kind,name,gdl,py",
    [r for r in ROWS if r[1] not in TORCH_REFUSED],
    ids=[f"{r[0]}-{r[1]}" for r in ROWS if r[1] not in TORCH_REFUSED],
)
def test_torch_module_builds_the_row(kind, name, gdl, py, tmp_path, monkeypatch):
    """The expression the PyTorch module contains builds a runtime object whose
    configuration is the row's."""
    import torch
    from graphc_runtime.torch import (
        callbacks,
        constraints,
        initializers,
        losses,
        metrics,
        optim,
        regularizers,
        schedules,
    )

    monkeypatch.chdir(tmp_path)
    out = _output_for(kind, name, py)
    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})", out))
    obj = resolved(kind, graph)
    ns = dict(
        callbacks=callbacks,
        constraints=constraints,
        initializers=initializers,
        losses=losses,
        metrics=metrics,
        optim=optim,
        regularizers=regularizers,
        schedules=schedules,
        model=torch.nn.Linear(2, 2),
    )
    if kind == "optimizer":
        code = C.text(OB.torch_optimizer(obj, C.Call(C.Attr(C.Name("model"), "parameters"))))
    else:
        code = C.text(OB.obj_expr(obj, OB.torch_callee))
    made = eval(code, ns)
    assert type(made).__name__ == name


# ---- exactness: the PyTorch runtime computes what Keras computes
def _sigma_bounds(n: int, sigma: float, kurtosis: float = 3.0) -> tuple[float, float]:
    """Six standard errors of a sample mean and a sample deviation over n draws of a
    distribution with deviation `sigma` and kurtosis <= `kurtosis` (the deviation's
    standard error is sigma * sqrt((kurtosis - 1) / (4 n))): a false failure has
    probability < 1e-8 per check, on any machine."""
    return 6 * sigma / math.sqrt(n), 6 * sigma * math.sqrt((kurtosis - 1) / (4 * n))


TRUNC = 0.87962566103423978  # deviation of a standard normal truncated at +-2 (Keras's constant)


def _analytic(name, cfg, fan_in, fan_out):
    """(mean, deviation, support) of the initial values Keras draws."""
    if name in ("RandomNormal",):
        return cfg["mean"], cfg["stddev"], None
    if name == "RandomUniform":
        a, b = cfg["minval"], cfg["maxval"]
        return (a + b) / 2, (b - a) / math.sqrt(12), (a, b)
    if name == "TruncatedNormal":
        m, s = cfg["mean"], cfg["stddev"]
        return m, s * TRUNC, (m - 2 * s, m + 2 * s)
    presets = {
        "GlorotNormal": (1.0, "fan_avg", "truncated_normal"),
        "GlorotUniform": (1.0, "fan_avg", "uniform"),
        "HeNormal": (2.0, "fan_in", "truncated_normal"),
        "HeUniform": (2.0, "fan_in", "uniform"),
        "LecunNormal": (1.0, "fan_in", "truncated_normal"),
        "LecunUniform": (1.0, "fan_in", "uniform"),
    }
    scale, mode, dist = presets.get(name) or (cfg["scale"], cfg["mode"], cfg["distribution"])
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    sigma = math.sqrt(scale / max(1.0, n))
    if dist == "uniform":
        return 0.0, sigma, (-math.sqrt(3) * sigma, math.sqrt(3) * sigma)
    if dist == "truncated_normal":
        return 0.0, sigma, (-2 * sigma / TRUNC, 2 * sigma / TRUNC)
    return 0.0, sigma, None


def _both_dense(obj, n_in, n_out, arg="kernel_initializer"):
    """A Keras Dense and a runtime K.Dense built with the row's object in `arg`,
    each from the code its module contains; the Keras kernel and the torch weight
    transposed (both (in, out))."""
    keras = _keras()
    import torch
    from graphc_runtime.torch import constraints, initializers, regularizers
    from graphc_runtime.torch import layers as K

    k_obj = eval(C.text(OB.obj_expr(obj, OB.keras_callee)), {"keras": keras})
    t_obj = eval(
        C.text(OB.obj_expr(obj, OB.torch_callee)),
        {"initializers": initializers, "regularizers": regularizers, "constraints": constraints},
    )
    layer = keras.layers.Dense(n_out, **{arg: k_obj})
    layer.build((None, n_in))
    torch.manual_seed(0)
    t_layer = K.Dense(n_in, n_out, **{arg: t_obj})
    return layer, t_layer, k_obj, t_obj


INIT_ROWS = [r for r in ROWS if r[0] == "initializer" and r[1] not in TORCH_REFUSED]


@slow
@pytest.mark.parametrize("kind,name,gdl,py", INIT_ROWS, ids=[r[1] for r in INIT_ROWS])
def test_initializers_draw_keras_distributions(kind, name, gdl, py):
    n_in, n_out = 300, 200  # 60000 draws
    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})"))
    obj = resolved(kind, graph)
    if name == "Identity":
        n_in = n_out  # Keras's identity of a non-square kernel is fine too; square reads better
    layer, t_layer, _, _ = _both_dense(obj, n_in, n_out)
    k = np.asarray(layer.kernel)
    t = t_layer.weight.detach().numpy().T
    cfg = obj.config()
    if name in ("Constant", "Zeros", "Ones", "Identity"):
        np.testing.assert_array_equal(t, k)  # deterministic: the same values
        return
    if name == "Orthogonal":
        g = cfg["gain"]
        # columns orthonormal times gain (n_in > n_out), in both; float32 QR and products of
        # 300 terms: |error| <= 300 * 2**-24 * g**2 * a few, 1e-4 is far above
        for w in (k, t):
            np.testing.assert_allclose(w.T @ w, g * g * np.eye(n_out), atol=1e-4)
        return
    mean, sigma, support = _analytic(name, cfg, n_in, n_out)
    tol_mean, tol_std = _sigma_bounds(k.size, sigma)
    for w, who in ((k, "keras"), (t, "torch")):
        assert abs(w.mean() - mean) < tol_mean, (who, w.mean(), mean)
        assert abs(w.std() - sigma) < tol_std, (who, w.std(), sigma)
        if support is not None:  # float32 rounding of the bounds: one ulp of margin
            assert w.min() >= np.float32(support[0]) * (1 + 2**-23) - 1e-12, (who, w.min(), support)
            assert w.max() <= np.float32(support[1]) * (1 + 2**-23) + 1e-12, (who, w.max(), support)


@slow
def test_shared_and_seeded_initializers_repeat_as_in_keras():
    """Keras 3.15: one initializer object (seeded or not) used by two layers gives both
    the same values; two objects with the same seed too; two unseeded objects differ.
    The runtime's initializer objects behave the same way (with torch's numbers)."""
    keras = _keras()
    import torch
    from graphc_runtime.torch import initializers
    from graphc_runtime.torch import layers as K

    def keras_pair(a, b):
        layers = [keras.layers.Dense(4, kernel_initializer=i) for i in (a, b)]
        for la in layers:
            la.build((None, 3))
        return np.array_equal(*[np.asarray(la.kernel) for la in layers])

    def torch_pair(a, b):
        return torch.equal(*[K.Dense(3, 4, kernel_initializer=i).weight for i in (a, b)])

    for make, pair in ((keras.initializers, keras_pair), (initializers, torch_pair)):
        shared = make.HeNormal(seed=1)
        unseeded = make.HeNormal()
        assert pair(shared, shared)
        assert pair(unseeded, unseeded)
        assert pair(make.HeNormal(seed=1), make.HeNormal(seed=1))
        assert not pair(make.HeNormal(), make.HeNormal())


REG_ROWS = [r for r in ROWS if r[0] == "regularizer" and r[1] not in TORCH_REFUSED]


@slow
@pytest.mark.parametrize("kind,name,gdl,py", REG_ROWS, ids=[r[1] for r in REG_ROWS])
def test_regularizer_penalty_equals_keras(kind, name, gdl, py):
    """The same weights (copied into torch's layout): the same penalty.  Sums of 600
    float32 terms in different orders differ by at most ~600 * 2**-24 relative: 1e-4."""
    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})"))
    obj = resolved(kind, graph)
    layer, t_layer, k_obj, t_obj = _both_dense(obj, 20, 30, "kernel_regularizer")
    rng = np.random.default_rng(0)
    w = rng.normal(size=(20, 30)).astype("float32")
    layer.kernel.assign(w)
    import torch

    with torch.no_grad():
        t_layer.weight.copy_(torch.from_numpy(w.T.copy()))
    k_pen = float(np.asarray(k_obj(layer.kernel)))
    t_pen = float(t_layer.regularization_loss())
    assert t_pen == pytest.approx(k_pen, rel=1e-4)


CON_ROWS = [r for r in ROWS if r[0] == "constraint"]


@slow
@pytest.mark.parametrize("kind,name,gdl,py", CON_ROWS, ids=[r[1] for r in CON_ROWS])
def test_constraint_result_equals_keras(kind, name, gdl, py):
    """After the constraint: the same weights.  Norms of 20 float32 terms, a square root
    and a division: a few ulps per value, 1e-5 relative (+1e-7 near zero) is above."""
    import torch

    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})"))
    obj = resolved(kind, graph)
    layer, t_layer, k_obj, _ = _both_dense(obj, 20, 30, "kernel_constraint")
    rng = np.random.default_rng(1)
    w = rng.normal(0.0, 0.5, size=(20, 30)).astype("float32")
    with torch.no_grad():
        t_layer.weight.copy_(torch.from_numpy(w.T.copy()))
    t_layer.apply_constraints()
    k_out = np.asarray(k_obj(keras_tensor(w)))
    np.testing.assert_allclose(t_layer.weight.detach().numpy().T, k_out, rtol=1e-5, atol=1e-7)


def keras_tensor(a):
    return _keras().ops.convert_to_tensor(a)


def _loss_data(canonical: str, rng):
    """(y_true, y_pred) fitting a loss."""
    n, c = 8, 3
    probs = rng.dirichlet(np.ones(c), size=n).astype("float32")
    logits = rng.normal(size=(n, c)).astype("float32")
    binary = rng.integers(0, 2, size=(n, c)).astype("float32")
    onehot = np.eye(c, dtype="float32")[rng.integers(0, c, size=n)]
    ids = rng.integers(0, c, size=(n,)).astype("int32")
    positive = rng.uniform(0.1, 1.0, size=(n, c)).astype("float32")
    table = {
        "binary_crossentropy": (binary, logits),
        "binary_focal_crossentropy": (binary, rng.uniform(0.05, 0.95, size=(n, c)).astype("float32")),
        "categorical_crossentropy": (onehot, logits),
        "categorical_focal_crossentropy": (onehot, probs),
        "sparse_categorical_crossentropy": (ids, probs),
        "categorical_generalized_cross_entropy": (ids, probs),
        "hinge": (binary * 2 - 1, logits),
        "squared_hinge": (binary * 2 - 1, logits),
        "categorical_hinge": (onehot, logits),
        "kl_divergence": (probs, rng.dirichlet(np.ones(c), size=n).astype("float32")),
        "poisson": (positive, rng.uniform(0.1, 2.0, size=(n, c)).astype("float32")),
        "dice": (binary, probs),
        "tversky": (binary, probs),
        "circle": (ids, rng.normal(size=(n, 4)).astype("float32")),
        "ctc": (
            rng.integers(1, 4, size=(2, 3)).astype("int32"),
            rng.normal(size=(2, 6, 5)).astype("float32"),
        ),
    }
    return table.get(canonical, (positive, rng.uniform(0.1, 1.0, size=(n, c)).astype("float32")))


LOSS_ROWS = [r for r in ROWS if r[0] == "loss"]


@slow
@pytest.mark.parametrize("kind,name,gdl,py", LOSS_ROWS, ids=[r[1] for r in LOSS_ROWS])
def test_loss_value_equals_keras(kind, name, gdl, py):
    """The loss object both modules contain, on the same tensors.  Tolerance: about ten
    float32 operations per value (each <= 1 ulp; log/exp/log1p of different libraries
    <= 2 ulps) and a mean of <= 24 values: ~40 * 2**-24 relative, 1e-5 is above (plus
    1e-6 absolute for values near zero)."""
    keras = _keras()
    import torch
    from graphc_runtime.torch import losses

    out = _output_for(kind, name, py)
    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})", out))
    obj = resolved(kind, graph)
    y_true, y_pred = _loss_data(obj.cls.canonical, np.random.default_rng(2))
    k_loss = eval(C.text(OB.obj_expr(obj, OB.keras_callee)), {"keras": keras})
    t_loss = eval(C.text(OB.obj_expr(obj, OB.torch_callee)), {"losses": losses})
    k = np.asarray(k_loss(y_true, y_pred))
    t = t_loss(torch.from_numpy(y_true), torch.from_numpy(y_pred)).detach().numpy()
    np.testing.assert_allclose(t, k, rtol=1e-5, atol=1e-6)


def _metric_data(name, rng):
    n, c = 16, 3
    probs = rng.dirichlet(np.ones(c), size=n).astype("float32")
    logits = rng.normal(size=(n, c)).astype("float32")
    onehot = np.eye(c, dtype="float32")[rng.integers(0, c, size=n)]
    ids = rng.integers(0, c, size=(n,)).astype("int32")
    binary = rng.integers(0, 2, size=(n, 1)).astype("float32")
    p1 = rng.uniform(0.0, 1.0, size=(n, 1)).astype("float32")
    positive = rng.uniform(0.1, 1.0, size=(n, c)).astype("float32")
    if name in ("Accuracy",):
        return ids.astype("float32"), rng.integers(0, c, size=(n,)).astype("float32")
    if name in (
        "CategoricalAccuracy",
        "TopKCategoricalAccuracy",
        "CategoricalHinge",
        "OneHotIoU",
        "OneHotMeanIoU",
    ):
        return onehot, probs
    if name in ("SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy"):
        return ids, probs
    if name in ("CategoricalCrossentropy",):
        return onehot, logits
    if name in ("SparseCategoricalCrossentropy",):
        return ids, logits
    if name in ("IoU", "MeanIoU"):
        return ids, rng.integers(0, c, size=(n,)).astype("int32")
    if name in ("Recall", "Precision") or name in ("F1Score", "FBetaScore"):
        return onehot, probs
    if name in ("KLDivergence",):
        return probs, rng.dirichlet(np.ones(c), size=n).astype("float32")
    if name in ("Hinge", "SquaredHinge"):
        return binary * 2 - 1, rng.normal(size=(n, 1)).astype("float32")
    if name in (
        "BinaryAccuracy",
        "BinaryCrossentropy",
        "FalseNegatives",
        "FalsePositives",
        "TrueNegatives",
        "TruePositives",
        "PrecisionAtRecall",
        "RecallAtPrecision",
        "SensitivityAtSpecificity",
        "SpecificityAtSensitivity",
        "AUC",
        "BinaryIoU",
    ):
        return binary, p1
    return positive, rng.uniform(0.1, 1.0, size=(n, c)).astype("float32")


METRIC_ROWS = [r for r in ROWS if r[0] == "metric"]


@slow
@pytest.mark.parametrize("kind,name,gdl,py", METRIC_ROWS, ids=[r[1] for r in METRIC_ROWS])
def test_metric_result_equals_keras(kind, name, gdl, py):
    """Two updates with the same tensors, then the result.  Counts are exact; means of
    <= 48 float32 values after a few operations each: 1e-5 relative (+1e-6) is above."""
    keras = _keras()
    import torch
    from graphc_runtime.torch import metrics

    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})"))
    obj = resolved(kind, graph)
    k_m = eval(C.text(OB.obj_expr(obj, OB.keras_callee)), {"keras": keras})
    t_m = eval(C.text(OB.obj_expr(obj, OB.torch_callee)), {"metrics": metrics})
    rng = np.random.default_rng(3)
    for _ in range(2):
        y_true, y_pred = _metric_data(name, rng)
        k_m.update_state(y_true, y_pred)
        t_m.update_state(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    k = np.asarray(k_m.result())
    t = np.asarray(t_m.result().detach().numpy() if hasattr(t_m.result(), "detach") else t_m.result())
    np.testing.assert_allclose(t, k, rtol=1e-5, atol=1e-6)


SCHEDULE_ROWS = [r for r in ROWS if r[0] == "schedule"]


@slow
@pytest.mark.parametrize("kind,name,gdl,py", SCHEDULE_ROWS, ids=[r[1] for r in SCHEDULE_ROWS])
def test_schedule_values_equal_keras(kind, name, gdl, py):
    """The learning rate at steps around the boundaries: a handful of float32 operations
    (pow, cos) per value, <= 4 ulps apart: 1e-6 relative."""
    keras = _keras()
    from graphc_runtime.torch import schedules

    program, graph = compile_gdl(program_for(kind, f"{spell(kind, name)}({gdl})"))
    obj = resolved(kind, graph)
    k_s = eval(C.text(OB.obj_expr(obj, OB.keras_callee)), {"keras": keras})
    t_s = eval(C.text(OB.obj_expr(obj, OB.torch_callee)), {"schedules": schedules})
    for step in (0, 1, 50, 99, 100, 101, 150, 199, 200, 201, 250, 500, 999, 1000, 1500):
        k = float(np.asarray(k_s(step)))
        t = float(t_s(step))
        assert t == pytest.approx(k, rel=1e-6, abs=1e-12), (step, k, t)


END_TO_END = """
model m {
  init = HeNormal(seed=3)
  x = Input(shape=(6,))
  h = Dense(16, activation="relu", kernel_initializer=init, kernel_regularizer=regularizers.L1L2(l1=1e-3, l2=1e-2),
            kernel_constraint=constraints.MaxNorm(1.5), bias_initializer=Constant(0.1))(x)
  h = Dense(8, activation="tanh", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_out"),
            kernel_regularizer=L2(1e-3))(h)
  output cls = Dense(3, activation="softmax", kernel_initializer=init)(h)
  output reg = Dense(2, kernel_constraint=NonNeg())(h)
  compile(
    optimizer=Adam(learning_rate=CosineDecay(0.0, 100, warmup_target=0.01, warmup_steps=2), clipnorm=1.0),
    loss={cls: CategoricalCrossentropy(label_smoothing=0.1), reg: Huber(delta=0.5)},
    loss_weights={cls: 1.0, reg: 0.5},
    metrics={cls: [AUC(), "accuracy"], reg: [MeanAbsoluteError()]},
  )
}
"""


@slow
def test_program_of_objects_trains_like_keras(tmp_path):
    """Initializer, regularizer, constraint, loss, metric and schedule objects in one
    program: the two modules, the same weights (Keras's, copied), three identical
    full-batch steps through both trainers: the same losses and weights.  Tolerances
    are those of tests/test_torch_target.py (float32 forward/backward of a small MLP:
    1e-4 relative on losses, 1e-5 absolute on weights after three steps)."""
    import torch_helpers as th

    km, tm, _ = th.emit_pair(END_TO_END, tmp_path, "objects_e2e")
    _keras().utils.set_random_seed(1)
    kmodel = km.build_model()
    tmodel = th.torch_from_keras(tm, kmodel)
    x, y = th.synthetic(km, 16)
    k_losses, t_losses = th.train_both(km, tm, kmodel, tmodel, x, y)
    loss_diff = max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(k_losses, t_losses))
    assert loss_diff < 1e-4, (k_losses, t_losses)
    diff, where = th.state_diff(th.torch_from_keras(tm, kmodel), tmodel)
    assert diff < 1e-5, (diff, where)


def test_docs_objects_md_is_current():
    from graphc.tools import object_table

    assert object_table.DOC.read_text(encoding="utf-8") == object_table.render(), (
        "docs/objects.md is stale: run `make objects-doc` and commit the result"
    )
    tables = object_table.render_tables()
    for classes in O.CATALOG.values():
        for name in classes:
            assert f"| `{name}`<br>" in tables, name


def test_editor_completes_object_classes_and_their_arguments(tmp_path):
    from graphc.ide import analyze

    text = (
        "model m {\n  x = Input(shape=(4,))\n  output y = Dense(3, kernel_initializer=HeNormal(se))(x)\n}\n"
    )
    a = analyze(str(tmp_path / "m.gdl"), text)
    offset = text.index("(se)") + 3
    line, col = a.position(offset)
    labels = [c.label for c in a.completions(line, col)]
    assert "seed" in labels and "input_axes" in labels
    offset = text.index("HeNormal") + 2
    labels = [c.label for c in a.completions(*a.position(offset))]
    assert "HeNormal" in labels and "HeUniform" in labels
