"""Training for graphc-generated Keras modules (imports keras).

What Keras itself does not do for a generated module: data loading and checks
(`graphc_runtime.data`), automatic loss weights (`loss_weights="auto"`),
checkpoints with exact resumption, mixed precision, distribution strategies and
the training command line.  Training itself is `keras.Model.fit`.

    fit(module, model=None, data=None, val_data=None, **fit_args) -> keras History
    main(module, argv=None)
"""

from .auto_weights import UncertaintyWeightedModel
from .dataset import ArrayDataset
from .trainer import build, compile_model, fit, main, save

__all__ = ["ArrayDataset", "UncertaintyWeightedModel", "build", "compile_model", "fit", "main", "save"]
