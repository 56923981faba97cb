"""Training for graphc-generated Keras modules.

What Keras itself does not do for a generated module: data loading and checks
(`graphc_runtime.data`), automatic loss weights (`loss_weights="auto"`),
checkpoints with exact resumption, mixed precision, distribution strategies and
the training command line.  Training itself is `keras.Model.fit`.

    fit(module, model=None, data=None, val_data=None, **fit_args) -> keras History
    main(module, argv=None)

Importing this package does not import Keras (the runtime installs without it);
its names do, when first used.
"""

import importlib

_FROM = {
    "UncertaintyWeightedModel": "auto_weights",
    "ArrayDataset": "dataset",
    "build": "trainer",
    "compile_model": "trainer",
    "fit": "trainer",
    "main": "trainer",
    "save": "trainer",
}

__all__ = sorted(_FROM)


def __getattr__(name):
    if name in _FROM:
        return getattr(importlib.import_module(f"{__name__}.{_FROM[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FROM))
