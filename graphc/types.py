"""The value types every part of graphc shares: tensor types and weights.

A leaf module: the layer catalog (graphc/ops), the IR and the targets import
it; it imports nothing of graphc.
"""

from __future__ import annotations

from graphc.records import dataclass


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


@dataclass(eq=False)
class Mask:
    """A Keras mask carried by a tensor (bool, True = keep), and how it is made.

    Masks are compared by identity: a layer that passes its input's mask on
    gives its output the same object, so a target computes each mask once.

    kind  "zero"    `ids != 0` of the input of `node` (Embedding(mask_zero=true))
          "value"   `any(x != arg, axis=-1)` of the input of `node` (Masking(mask_value=arg))
          "tensor"  the bool tensor `tensor`, given at a call with `mask=`
          "or"      the element-wise OR of `parts` (merge layers)
          "concat"  `parts` joined along the Keras axis `arg` (Concatenate on a time axis)
          "nested"  the mask a nested model (the call `node`) puts on its output named `arg`
    """

    kind: str
    shape: tuple  # without the batch axis
    parts: tuple = ()
    arg: object = None
    node: object = None  # filled by the compiler: the LayerNode that made it
    tensor: object = None

    def __repr__(self):
        return f"<mask {self.kind} {self.shape}>"
