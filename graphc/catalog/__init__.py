"""Catalogs of what GDL can call besides layers (graphc/ops is the layer catalog).

- functions.py: `keras.ops` functions and the operators on tensors (`x + 1`,
  `x @ w`, `x[:, 0]`), one declarative entry per function.

Pure Python, like graphc/ops: nothing here imports TensorFlow, Keras or torch.
"""

from graphc.catalog.functions import BATCH, FUNCTIONS, Fn, Spec, lookup  # noqa: F401
