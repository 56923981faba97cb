"""The IR: a Graph of Nodes of a closed set of kinds, over Layers and Tensors.

Node kinds (the only ones; `lint` rejects anything else):

- `InputNode`   a model input (`x = Input(shape=...)`); no inputs, one output.
- `LayerNode`   one application of a `Layer` (which owns the weights): named
                tensor arguments (`inputs`, or `query`/`value`/`key`...) and
                call-time arguments (`training`, `return_state`...).
- `OpNode`      one application of a function of the catalog (`keras.ops`,
                operators on tensors, slicing): named arguments, tensors or
                compile-time values; no weights.
- `BlockInstance` one call of a GDL `block`: a region of nodes whose
                instance name prefixes its layers' names; targets turn every
                block into one function/class (graphc/ir/templates).
- `Output`      a model output: a name and the tensor it declares.

Sharing is explicit: a shared layer is one `Layer` with several LayerNodes,
and its weights are counted once.  A nested model used as a layer is a
`Layer` whose `graph` is that model's Graph.

Besides the flat node lists, the evaluator records what ran as a region tree
(`Graph.region`, `BlockInstance.region`): nodes, block instances, and the
`IfRegion`/`ForRegion` of GDL's compile-time `if` and `for`, with the
provenance (graphc/compiler/provenance.py) of every value a node was built
from, so that a target can write one parameterized function per block.
"""

from __future__ import annotations

from collections import namedtuple

from graphc.compiler.syntax import NOSPAN, Span
from graphc.records import dataclass, field
from graphc.types import TensorType, Weight

TYPE_CHECKING = False  # (importing typing costs a cold `graphc check` 4%)
if TYPE_CHECKING:
    from typing import Any, ClassVar

__all__ = [
    "TensorType",
    "Weight",
    "Tensor",
    "Layer",
    "Node",
    "InputNode",
    "LayerNode",
    "OpNode",
    "BlockInstance",
    "IfRegion",
    "ForRegion",
    "Executed",
    "Indexed",
    "Output",
    "Graph",
    "LossEntry",
    "Optimizer",
    "lint",
]


@dataclass(eq=False)
class Tensor:
    id: int
    type: TensorType
    node: "Node | None"  # the node that produced it (an InputNode for model inputs)
    index: int = 0  # which result of the node
    var: str | None = None  # GDL variable it was first bound to
    span: Span = NOSPAN
    file: str = ""
    mask: Any = None  # the Keras mask it carries when the model runs (graphc.types.Mask), compiler/masks.py
    sym_mask: Any = None  # the Keras mask it carries while the model is built
    stripped_by: list = field(default_factory=list)  # MultiHeadAttention nodes that clear its mask

    @property
    def shape(self):
        return self.type.shape

    @property
    def dtype(self):
        return self.type.dtype

    @property
    def call(self) -> "LayerNode | None":
        """The layer application that produced this tensor (None for inputs and ops)."""
        return self.node if isinstance(self.node, LayerNode) else None

    @property
    def is_input(self) -> bool:
        return isinstance(self.node, InputNode)

    @property
    def input_name(self) -> str | None:
        """The Keras name of a model input (Input(name=...)), None otherwise."""
        return self.node.name if isinstance(self.node, InputNode) else None


@dataclass(eq=False)
class Layer:
    """One layer object: owns the weights.  `op` is a catalog entry, or None when
    the layer is a sub-model (`graph` set)."""

    id: int
    op: Any  # graphc.ops.base.Op subclass | None
    args: dict  # validated arguments the user gave
    name: str  # the Keras layer name (unique in its graph)
    span: Span = NOSPAN
    file: str = ""
    shared: bool = False
    var: str | None = None  # the variable it was bound to (`share lstm = ...`)
    graph: "Graph | None" = None
    weights: list = field(default_factory=list)  # filled when first applied
    nodes: list = field(default_factory=list)  # its LayerNodes
    explicit_name: bool = False
    inner: Any = None  # the wrapped layer's value (Bidirectional(LSTM(8)))
    full_args: dict = field(default_factory=dict)  # validated arguments with defaults
    raw_args: dict = field(default_factory=dict)  # arguments as given (by parameter name)
    arg_syms: dict = field(default_factory=dict)  # parameter name -> provenance of its value
    function_form: bool = False  # written as Keras's lowercase function (`add([a, b])`)
    owner: "Graph | None" = None  # the graph it belongs to
    ctor_site: Any = None  # the construction call (AST)

    @property
    def calls(self) -> list:
        return self.nodes

    @property
    def refs(self) -> dict:
        """Arguments written as a bare block parameter (`Conv2D(filters, 3)`):
        {argument: parameter name}."""
        from graphc.compiler.provenance import Param

        return {k: s.name for k, s in self.arg_syms.items() if isinstance(s, Param)}

    @property
    def name_parts(self) -> list | None:
        """An explicit name built from block parameters (`name=f"{name}_bn"`) as
        [text | ("param", parameter name)], else None."""
        from graphc.compiler.provenance import FStr, Param

        s = self.arg_syms.get("name")
        if not isinstance(s, FStr):
            return None
        if not all(isinstance(p, str) or (isinstance(p[0], Param) and not p[1]) for p in s.parts):
            return None
        return [p if isinstance(p, str) else ("param", p[0].name) for p in s.parts]

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
class Node:
    """One application in a graph.  `site` is the AST expression it came from."""

    kind: ClassVar[str] = "node"
    id: int
    outputs: list = field(default_factory=list)  # [Tensor]
    span: Span = NOSPAN
    file: str = ""
    block: "BlockInstance | None" = None  # innermost block call it ran in
    site: Any = None

    def tensor_inputs(self) -> list:
        return []

    def read_tensors(self) -> list:
        return self.tensor_inputs()


@dataclass(eq=False)
class InputNode(Node):
    kind: ClassVar[str] = "input"
    name: str = ""  # the Keras input name
    args: dict = field(default_factory=dict)  # Input(...) arguments as given


def _flat(v) -> list:
    if isinstance(v, Tensor):
        return [v]
    if isinstance(v, (list, tuple)):
        out = []
        for x in v:
            out.extend(_flat(x))
        return out
    return []


@dataclass(eq=False)
class LayerNode(Node):
    kind: ClassVar[str] = "layer"
    layer: Layer = None
    tensors: dict = field(default_factory=dict)  # call argument -> Tensor | [Tensor] | None
    call_args: dict = field(default_factory=dict)  # call-time arguments that are not tensors
    call_syms: dict = field(default_factory=dict)  # their provenance
    list_input: bool = False  # `inputs` was a list ([a, b])
    # call-time tensor arguments that are not inputs: `initial_state` -> [h, c], `mask` -> m,
    # `attention_mask` -> m (a list may hold None)
    call_tensors: dict = field(default_factory=dict)
    # the Keras masks the call receives (graphc/compiler/masks.py): its call argument
    # (`mask`, `value_mask`...) -> Mask | [Mask | None] | None, given or propagated
    masks_in: dict = field(default_factory=dict)
    mask_order: Any = None  # (tensor, node) when the mask of `tensor` depends on Keras's layer order

    def tensor_inputs(self) -> list:
        return _flat(list(self.tensors.values()))

    def read_tensors(self) -> list:
        """Every tensor the call reads: its inputs, then its call-time tensor arguments."""
        return self.tensor_inputs() + _flat(list(self.call_tensors.values()))

    @property
    def inputs(self) -> list:
        return self.tensor_inputs()

    @property
    def multi_arg(self) -> bool:
        """Applied to several named tensors (MultiHeadAttention(query, value, key))."""
        return set(self.tensors) != {"inputs"}


@dataclass(eq=False)
class OpNode(Node):
    kind: ClassVar[str] = "op"
    fn: Any = None  # graphc.catalog function entry
    args: dict = field(default_factory=dict)  # argument -> Tensor | [Tensor] | compile-time value
    arg_syms: dict = field(default_factory=dict)

    def tensor_inputs(self) -> list:
        return _flat(list(self.args.values()))

    @property
    def inputs(self) -> list:
        return self.tensor_inputs()


@dataclass(eq=False)
class BlockInstance:
    """One call of a `block`; its auto-named layers are named `{instance}_...`.
    `items` are its nodes and nested instances in evaluation order."""

    kind: ClassVar[str] = "block"
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
    defaults: dict = field(default_factory=dict)  # parameter -> default value
    param_syms: dict = field(default_factory=dict)  # parameter -> provenance at the call site
    region: list = field(default_factory=list)  # what ran, as a region tree
    node: Any = None  # the syntax.Def of the block
    site: Any = None  # the call expression
    block: "BlockInstance | None" = None  # the enclosing block call

    def tensor_inputs(self) -> list:
        return [v for _, v in self.params if isinstance(v, Tensor)]


@dataclass(eq=False)
class IfRegion:
    """A compile-time `if` that ran: the branch taken ("body", "orelse" or None
    when neither ran) and what ran in it."""

    stmt: Any
    cond: Any
    cond_sym: Any
    branch: str | None
    region: list = field(default_factory=list)


@dataclass(eq=False)
class ForRegion:
    """A compile-time `for` that ran: one region per iteration."""

    stmt: Any
    iter: Any
    iter_sym: Any
    iterations: list = field(default_factory=list)  # [(loop value, region)]


@dataclass(eq=False)
class Executed:
    """A simple statement (assignment, `share`, `output`, `return`, expression)
    that ran in a region, and the values it bound (for the walk that writes
    a block as one function)."""

    stmt: Any
    values: tuple = ()
    sym: Any = None  # the provenance of the value a compile-time assignment bound


@dataclass(eq=False)
class Indexed:
    """`xs[i]` that picked tensors out of a compile-time list: the index and its provenance."""

    expr: Any
    index: Any
    sym: Any = None


class Output(namedtuple("Output", "name tensor span")):
    """A model output: its name (str), Tensor and Span."""

    __slots__ = ()


@dataclass
class LossEntry:
    output: str
    loss: str  # canonical Keras loss name, e.g. "binary_crossentropy"
    weight: float
    config: dict = field(default_factory=dict)  # e.g. {"from_logits": True}
    spelled: str = ""  # how the user wrote it (string or class), for emission
    obj: Any = None  # the loss object (graphc/ops/objects.py KerasObject) when written as one


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
    outputs: list = field(default_factory=list)  # [Output], in `output` order
    layers: list = field(default_factory=list)  # [Layer], in creation order
    nodes: list = field(default_factory=list)  # [Node], in evaluation (topological) order
    items: list = field(default_factory=list)  # top-level [Node | BlockInstance] in evaluation order
    region: list = field(default_factory=list)  # what ran, as a region tree
    compile: dict | None = None  # resolved: {"optimizer": Optimizer, "losses": [LossEntry], "metrics": ...}
    fit: dict = field(default_factory=dict)
    args: dict = field(default_factory=dict)  # compile-time arguments it was built with
    has_compile: bool = False
    had_errors: bool = False
    def_node: Any = None  # the syntax.Def of the `model` it was built from

    @property
    def calls(self) -> list:
        """The layer applications, in evaluation order."""
        return [n for n in self.nodes if isinstance(n, LayerNode)]

    @property
    def trainable_params(self) -> int:
        return sum(layer.trainable_params for layer in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(layer.non_trainable_params for layer in self.layers)

    @property
    def output_names(self) -> list:
        return [o.name for o in self.outputs]


NODE_KINDS = (InputNode, LayerNode, OpNode)

# older names, kept while the targets move to the node kinds
BlockCall = BlockInstance
Call = LayerNode


def lint(graph: Graph) -> list[str]:
    """The IR's invariants; returns the violations (empty when the graph is sound).
    Tests run it on every graph the compiler builds."""
    problems: list[str] = []
    seen_tensors: set = set()
    node_ids: set = set()
    layer_ids = {id(layer) for layer in graph.layers}
    for t in graph.inputs:
        if not isinstance(t.node, InputNode):
            problems.append(f"input tensor {t.id} is not made by an InputNode")
    for n in graph.nodes:
        if type(n) not in NODE_KINDS:
            problems.append(f"node {n.id}: unknown kind {type(n).__name__}")
            continue
        if n.id in node_ids:
            problems.append(f"node id {n.id} appears twice")
        node_ids.add(n.id)
        for t in n.read_tensors():
            if id(t) not in seen_tensors:
                problems.append(f"node {n.id} reads tensor {t.id} before it is made (or from another graph)")
        for i, t in enumerate(n.outputs):
            if t.node is not n or t.index != i:
                problems.append(f"node {n.id}: output {i} does not point back at it")
            seen_tensors.add(id(t))
        if isinstance(n, LayerNode):
            if id(n.layer) not in layer_ids:
                problems.append(f"node {n.id} applies a layer that is not in the graph")
            elif n not in n.layer.nodes:
                problems.append(f"node {n.id} is missing from its layer's nodes")
            if n.layer.op is None and n.layer.graph is None:
                problems.append(f"layer {n.layer.name} has neither an op nor a graph")
        if isinstance(n, OpNode) and n.fn is None:
            problems.append(f"op node {n.id} has no function")
    names: set = set()
    for layer in graph.layers:
        if layer.name in names:
            problems.append(f"two layers are named {layer.name!r}")
        names.add(layer.name)
        if len(layer.nodes) > 1 and not layer.shared:
            problems.append(f"layer {layer.name!r} is applied {len(layer.nodes)} times without share")
        if layer.owner is not None and layer.owner is not graph:
            problems.append(f"layer {layer.name!r} belongs to another graph")
    out_names: set = set()
    for o in graph.outputs:
        if o.name in out_names:
            problems.append(f"output {o.name!r} is declared twice")
        out_names.add(o.name)
        if id(o.tensor) not in seen_tensors:
            problems.append(f"output {o.name!r} is not a tensor of this graph")

    def walk(items):
        for it in items:
            if isinstance(it, BlockInstance):
                walk(it.items)
            elif it.id not in node_ids:
                problems.append(f"item {it.id} is not among the graph's nodes")

    walk(graph.items)
    return problems


# Short reprs: the IR is a web of back references (tensors -> nodes -> blocks ->
# graphs), and the dataclass reprs would print all of it (a failing test's
# report, a debugger's variable view).
def _tensor_repr(self) -> str:
    return f"Tensor({self.var or self.id}: {self.type})"


def _layer_repr(self) -> str:
    return f"Layer({self.name})"


def _node_repr(self) -> str:
    what = getattr(self, "name", "") or getattr(getattr(self, "layer", None), "name", "")
    what = what or getattr(getattr(self, "fn", None), "name", "")
    return f"{type(self).__name__}({self.id}{', ' + what if what else ''})"


def _block_repr(self) -> str:
    return f"BlockInstance({self.instance})"


def _graph_repr(self) -> str:
    return f"Graph({self.name}: {len(self.nodes)} nodes)"


Tensor.__repr__ = _tensor_repr
Layer.__repr__ = _layer_repr
for _cls in (Node, InputNode, LayerNode, OpNode):
    _cls.__repr__ = _node_repr
BlockInstance.__repr__ = _block_repr
Graph.__repr__ = _graph_repr
