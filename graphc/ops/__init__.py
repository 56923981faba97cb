"""The layer catalog.  Importing this package registers every layer in `REGISTRY`."""

from graphc.ops import (  # noqa: F401
    attention,
    augmentation,
    conv,
    core,
    merge,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    reshaping,
)
from graphc.ops.base import ALIASES, FUNCTIONS, REGISTRY, ArgError, LayerArg, Op, ShapeError, lookup  # noqa: F401
from graphc.ops.inexpressible import NOT_EXPRESSIBLE  # noqa: F401
