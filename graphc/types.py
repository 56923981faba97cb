"""The value types every part of graphc shares: tensor types and weights.

A leaf module: the layer catalog (graphc/ops), the IR and the targets import
it; it imports nothing of graphc.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TensorType:
    shape: tuple  # without the batch axis; None = unknown size
    dtype: str = "float32"

    @property
    def rank(self) -> int:  # rank including the batch axis, as Keras counts it
        return len(self.shape) + 1

    def __str__(self) -> str:
        return (
            "("
            + ", ".join(["None"] + ["None" if d is None else str(d) for d in self.shape])
            + (",)" if not self.shape else ")")
        )


@dataclass(frozen=True)
class Weight:
    name: str
    shape: tuple
    trainable: bool = True

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n
