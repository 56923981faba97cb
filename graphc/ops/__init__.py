"""The layer catalog.  Importing this package registers every layer in `REGISTRY`."""

from graphc.ops import attention, conv, core, merge, normalization, pooling, recurrent, reshaping  # noqa: F401
from graphc.ops.base import FUNCTIONS, REGISTRY, ArgError, LayerArg, Op, ShapeError, lookup  # noqa: F401
