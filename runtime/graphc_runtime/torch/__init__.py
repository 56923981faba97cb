"""Keras training semantics in PyTorch.

- `losses`, `metrics`, `callbacks`: Keras's, under Keras's names and arguments;
- `optim`, `schedules`: Keras-exact optimizers and learning-rate schedules;
- `initializers`, `regularizers`, `constraints`: Keras's objects for the layers'
  `kernel_initializer=`, `kernel_regularizer=`, `kernel_constraint=`...;
- `fit`, `evaluate`, `predict`: Keras's training loop for a graphc module
  (runtime/PROTOCOL.md), with checkpoints and exact resumption, mixed
  precision, torch.compile and DistributedDataParallel under torchrun;
- `main(module, argv)`: the command line of a generated module.

Importing this package does not import torch (the runtime installs without
it); its submodules and functions do, when first used.
"""

import importlib

_SUBMODULES = {
    "losses",
    "metrics",
    "callbacks",
    "optim",
    "schedules",
    "initializers",
    "regularizers",
    "constraints",
    "trainer",
    "balance",
    "batches",
    "checkpoint",
}
_FROM_TRAINER = {"fit", "evaluate", "predict", "FitModel", "DataError"}

__all__ = [
    "callbacks",
    "losses",
    "metrics",
    "optim",
    "schedules",
    "initializers",
    "regularizers",
    "constraints",
    "fit",
    "evaluate",
    "predict",
    "main",
]


def main(module, argv=None):
    """The training command line of a generated module (`python OUT.py --help`)."""
    from .cli import main as _main

    return _main(module, argv)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _FROM_TRAINER:
        return getattr(importlib.import_module(f"{__name__}.trainer"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
