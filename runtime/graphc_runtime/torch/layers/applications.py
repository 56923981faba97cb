"""The layers keras.applications defines for itself (not in keras.layers), in PyTorch.

`graphc import` writes a model that uses one as an `extern layer` declaration
naming Keras's class and the class here (docs/import.md), so an imported
ConvNeXt or InceptionResNetV2 compiles to both targets.  They follow the extern
contract (docs/extern.md): constructed with the Keras arguments by keyword,
`input_shape=` and `name=`; tensors in Keras's layout (features last);
`keras_weights_spec` lists Keras's `get_weights()` arrays in order.
"""

from __future__ import annotations

import torch
from torch import nn

from graphc_runtime.torch.layers.base import Layer, same

__all__ = ["LayerScale", "CustomScaleLayer"]


class LayerScale(Layer):
    """keras.src.applications.convnext.LayerScale: `x * gamma`, one learned scale
    per feature (the last axis), initialized to `init_values`."""

    def __init__(self, init_values, projection_dim, *, input_shape=None, name=None):
        super().__init__(name=name)
        self.init_values = float(init_values)
        self.projection_dim = int(projection_dim)
        self.gamma = nn.Parameter(torch.empty(self.projection_dim))
        self.keras_weights_spec = (("gamma", same, same),)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.constant_(self.gamma, self.init_values)

    def forward(self, x):
        return x * self.gamma


class CustomScaleLayer(Layer):
    """keras.src.applications.inception_resnet_v2.CustomScaleLayer:
    `inputs[0] + inputs[1] * scale` (InceptionResNetV2's scaled residual); no weights."""

    def __init__(self, scale, *, input_shape=None, name=None):
        super().__init__(name=name)
        self.scale = float(scale)

    def forward(self, inputs):
        x, r = inputs
        return x + r * self.scale
