"""Keras layers in PyTorch: the classes generated PyTorch modules build their
models from.  The contract every class follows is runtime/LAYERS.md."""

from graphc_runtime.torch.layers.attention import *  # noqa: F401,F403
from graphc_runtime.torch.layers.audio import *  # noqa: F401,F403
from graphc_runtime.torch.layers.augmentation import *  # noqa: F401,F403
from graphc_runtime.torch.layers.augmentation_more import *  # noqa: F401,F403
from graphc_runtime.torch.layers.base import (  # noqa: F401
    ACTIVATIONS,
    KerasLayer,
    Layer,
    Model,
    activation,
    apply_constraints,
    constrain_,
    count_params,
    initialize_,
    keras_weights,
    load_keras_weights,
    model_training,
    penalty,
    regularization_loss,
)
from graphc_runtime.torch.layers.conv import *  # noqa: F401,F403
from graphc_runtime.torch.layers.core import *  # noqa: F401,F403
from graphc_runtime.torch.layers.core_more import *  # noqa: F401,F403
from graphc_runtime.torch.layers.merge import *  # noqa: F401,F403
from graphc_runtime.torch.layers.normalization import *  # noqa: F401,F403
from graphc_runtime.torch.layers.pooling import *  # noqa: F401,F403
from graphc_runtime.torch.layers.preprocessing import *  # noqa: F401,F403
from graphc_runtime.torch.layers.recurrent import *  # noqa: F401,F403
from graphc_runtime.torch.layers.reshaping import *  # noqa: F401,F403
from graphc_runtime.torch.layers.spatial import *  # noqa: F401,F403
