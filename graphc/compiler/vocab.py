"""Keras's names for losses, optimizers and metrics, with their arguments and defaults."""

from __future__ import annotations

from graphc.ops import objects as _O

# canonical loss name -> (Keras class, {argument: default}); from the catalog (graphc/ops/objects.py)
LOSSES: dict[str, tuple[str, dict]] = {
    c.canonical: (c.name, {k: v for k, v in c.defaults().items() if k not in ("reduction", "name", "dtype")})
    for c in _O.CATALOG["loss"].values()
}
# other spellings of the losses: aliases ("mse") and class names
LOSS_ALIASES = {n: c.canonical for n, c in _O.IDS["loss"].items() if n != c.canonical}
LOSS_CLASSES = {cls: name for name, (cls, _) in LOSSES.items()}
# spellings accepted as loss names: canonical, aliases
LOSS_NAMES = sorted(set(LOSSES) | set(LOSS_ALIASES))

# losses that take probabilities (or logits with from_logits=True) from a final sigmoid/softmax
PROBABILISTIC = {
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
}

# canonical optimizer name -> (Keras class, {argument: default})
OPTIMIZERS: dict[str, tuple[str, dict]] = {
    c.ids[0]: (c.name, c.defaults()) for c in _O.CATALOG["optimizer"].values() if c.ids
}
OPTIMIZER_CLASSES = {cls: name for name, (cls, _) in OPTIMIZERS.items()}

# metric names compile(metrics=[...]) takes
METRICS = tuple(sorted(set(_O.IDS["metric"]) | set(_O.METRIC_SPECIAL)))

COMPILE_KEYWORDS = (
    "optimizer",
    "loss",
    "loss_weights",
    "metrics",
    "weighted_metrics",
    "run_eagerly",
    "steps_per_execution",
    "jit_compile",
)
FIT_KEYWORDS = {
    "batch_size": 32,
    "epochs": 1,
    "validation_split": 0.0,
    "shuffle": True,
    "steps_per_epoch": None,
    "verbose": "auto",
    "callbacks": [],
}
