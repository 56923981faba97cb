"""The IR: a Graph of Layers (own weights) and Calls (one application each).

Sharing is explicit: a shared layer is one `Layer` with several `Call`s, and
its weights are counted once.  A nested model used as a layer is a `Layer`
whose `graph` is that model's Graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphc.compiler.syntax import NOSPAN, Span


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
class Tensor:
    id: int
    type: TensorType
    call: "Call | None"  # None for model inputs
    index: int = 0  # which result of the call
    var: str | None = None  # GDL variable it was first bound to
    span: Span = NOSPAN
    file: str = ""

    @property
    def shape(self):
        return self.type.shape

    @property
    def dtype(self):
        return self.type.dtype


@dataclass(eq=False)
class Layer:
    """One layer object: owns the weights.  `op` is a catalog entry, or None when
    the layer is a sub-model (`graph` set)."""

    id: int
    op: Any  # graphc.ops.base.Op | None
    args: dict  # validated arguments (only those the user gave; defaults via op)
    name: str  # the Keras layer name (unique in its graph)
    span: Span = NOSPAN
    file: str = ""
    shared: bool = False
    var: str | None = None  # the variable it was bound to (`share lstm = ...`)
    graph: "Graph | None" = None
    weights: list = field(default_factory=list)  # filled when first called
    calls: list = field(default_factory=list)
    explicit_name: bool = False
    inner: "Layer | None" = None  # wrapped layer (Bidirectional)

    @property
    def type_name(self) -> str:
        return self.op.name if self.op is not None else self.graph.name

    @property
    def trainable_params(self) -> int:
        if self.graph is not None:
            return self.graph.trainable_params
        return sum(w.size for w in self.weights if w.trainable)

    @property
    def non_trainable_params(self) -> int:
        if self.graph is not None:
            return self.graph.non_trainable_params
        return sum(w.size for w in self.weights if not w.trainable)


@dataclass(eq=False)
class Call:
    id: int
    layer: Layer
    inputs: list  # [Tensor]
    outputs: list  # [Tensor]
    list_input: bool = False  # the layer was called with a list ([a, b])
    kwargs: dict = field(default_factory=dict)  # call-time keyword tensors (MultiHeadAttention)
    span: Span = NOSPAN
    file: str = ""


@dataclass(eq=False)
class BlockCall:
    """One inlined call of a `block`; its layers are named `{instance}_...`.
    `items` are its Calls and nested BlockCalls in evaluation order."""

    id: int
    name: str  # the block's name in GDL
    instance: str  # unique per graph: "residual", "residual_1", ...
    params: list  # [(parameter name, value)] in definition order (Tensors or compile-time values)
    items: list = field(default_factory=list)
    outputs: list = field(default_factory=list)  # returned Tensors
    returned: object = None  # what the block returned (a Tensor, a list of them, or None)
    span: Span = NOSPAN
    file: str = ""
    def_span: Span = NOSPAN
    def_file: str = ""
    inlinable: bool = True


@dataclass
class LossEntry:
    output: str
    loss: str  # canonical Keras loss name, e.g. "binary_crossentropy"
    weight: float
    config: dict = field(default_factory=dict)  # e.g. {"from_logits": True}
    spelled: str = ""  # how the user wrote it (string or class), for emission


@dataclass
class Optimizer:
    name: str  # canonical lowercase: "rmsprop", "adam", "adamw", "sgd", ...
    config: dict = field(default_factory=dict)  # explicit arguments
    spelled_as_string: bool = True


@dataclass(eq=False)
class Graph:
    name: str
    file: str = ""
    span: Span = NOSPAN
    inputs: list = field(default_factory=list)  # [Tensor], in Input order
    outputs: list = field(default_factory=list)  # [(name, Tensor, Span)]
    layers: list = field(default_factory=list)  # [Layer], in creation order
    calls: list = field(default_factory=list)  # [Call], in topological order
    items: list = field(default_factory=list)  # top-level [Call | BlockCall] in evaluation order
    compile: dict | None = None  # resolved: {"optimizer": Optimizer, "losses": [LossEntry], "metrics": ...}
    fit: dict = field(default_factory=dict)
    args: dict = field(default_factory=dict)  # compile-time arguments it was built with
    has_compile: bool = False

    @property
    def trainable_params(self) -> int:
        return sum(layer.trainable_params for layer in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(layer.non_trainable_params for layer in self.layers)

    @property
    def output_names(self) -> list:
        return [name for name, _, _ in self.outputs]
