"""Keras's names for losses, optimizers and metrics, with their arguments and defaults."""

from __future__ import annotations

# canonical loss name -> (Keras class, {argument: default})
LOSSES: dict[str, tuple[str, dict]] = {
    "mean_squared_error": ("MeanSquaredError", {}),
    "mean_absolute_error": ("MeanAbsoluteError", {}),
    "mean_absolute_percentage_error": ("MeanAbsolutePercentageError", {}),
    "mean_squared_logarithmic_error": ("MeanSquaredLogarithmicError", {}),
    "binary_crossentropy": ("BinaryCrossentropy", {"from_logits": False, "label_smoothing": 0.0}),
    "categorical_crossentropy": ("CategoricalCrossentropy", {"from_logits": False, "label_smoothing": 0.0}),
    "sparse_categorical_crossentropy": ("SparseCategoricalCrossentropy", {"from_logits": False}),
    "kl_divergence": ("KLDivergence", {}),
    "huber": ("Huber", {"delta": 1.0}),
    "log_cosh": ("LogCosh", {}),
    "poisson": ("Poisson", {}),
    "hinge": ("Hinge", {}),
    "squared_hinge": ("SquaredHinge", {}),
    "cosine_similarity": ("CosineSimilarity", {}),
}
LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "logcosh": "log_cosh",
    "huber_loss": "huber",
}
LOSS_CLASSES = {cls: name for name, (cls, _) in LOSSES.items()}
# spellings accepted as loss names: canonical, aliases
LOSS_NAMES = sorted(set(LOSSES) | set(LOSS_ALIASES))

PROBABILISTIC = {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"}

_OPT_COMMON = {"weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None}
# canonical optimizer name -> (Keras class, {argument: default})
OPTIMIZERS: dict[str, tuple[str, dict]] = {
    "sgd": ("SGD", {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False, **_OPT_COMMON}),
    "rmsprop": (
        "RMSprop",
        {
            "learning_rate": 0.001,
            "rho": 0.9,
            "momentum": 0.0,
            "epsilon": 1e-07,
            "centered": False,
            **_OPT_COMMON,
        },
    ),
    "adam": (
        "Adam",
        {
            "learning_rate": 0.001,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-07,
            "amsgrad": False,
            **_OPT_COMMON,
        },
    ),
    "adamw": (
        "AdamW",
        {
            "learning_rate": 0.001,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-07,
            "amsgrad": False,
            **_OPT_COMMON,
            "weight_decay": 0.004,
        },
    ),
    "adagrad": (
        "Adagrad",
        {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-07, **_OPT_COMMON},
    ),
    "adamax": (
        "Adamax",
        {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, **_OPT_COMMON},
    ),
    "nadam": (
        "Nadam",
        {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, **_OPT_COMMON},
    ),
    "adadelta": ("Adadelta", {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-07, **_OPT_COMMON}),
}
OPTIMIZER_CLASSES = {cls: name for name, (cls, _) in OPTIMIZERS.items()}

METRICS = (
    "accuracy",
    "acc",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "mse",
    "mae",
    "mape",
    "msle",
    "mean_squared_error",
    "mean_absolute_error",
    "auc",
    "precision",
    "recall",
    "cosine_similarity",
    "root_mean_squared_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "log_cosh_error",
)

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
}
