"""The layer catalog.  `REGISTRY` (and `FUNCTIONS`, `ALIASES`) hold every layer: a
family (graphc/ops/<family>.py) is imported on the first lookup of one of its names,
and every family before the registry is iterated, counted or compared
(graphc.ops.base.load_all), so a cold `graphc check` imports only what its file uses."""

from graphc.ops.base import ALIASES, FUNCTIONS, REGISTRY, ArgError, LayerArg, Op, ShapeError, lookup  # noqa: F401
from graphc.ops.inexpressible import NOT_EXPRESSIBLE  # noqa: F401
