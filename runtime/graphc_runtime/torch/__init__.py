"""Keras training semantics in PyTorch (imports torch).

- `losses`, `metrics`, `callbacks`: Keras's, under Keras's names and arguments;
- `optim`, `schedules`: Keras-exact optimizers and learning-rate schedules;
- `fit`, `evaluate`, `predict`: Keras's training loop for a graphc module
  (runtime/PROTOCOL.md), with checkpoints and exact resumption, mixed
  precision, torch.compile and DistributedDataParallel under torchrun;
- `main(module, argv)`: the command line of a generated module.
"""

import importlib

from . import callbacks, losses, metrics
from .trainer import DataError, FitModel, evaluate, fit, predict

__all__ = [
    "callbacks",
    "losses",
    "metrics",
    "optim",
    "schedules",
    "fit",
    "evaluate",
    "predict",
    "main",
    "FitModel",
    "DataError",
]


def main(module, argv=None):
    """The training command line of a generated module (`python OUT.py --help`)."""
    from .cli import main as _main

    return _main(module, argv)


def __getattr__(name):
    if name in ("optim", "schedules"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
