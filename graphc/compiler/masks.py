"""Keras masks in the IR: which tensors carry one, and which mask each layer call receives.

Keras attaches a mask to a tensor (`_keras_mask`, bool, True = keep) and moves it along
when a layer is called (keras/src/layers/layer.py `Layer.__call__`, step 6 and
`_set_mask_metadata`).  graphc follows those rules statically:

- A call receives masks through its call() arguments.  With ONE tensor argument, a call()
  that takes `mask` receives that argument's mask (a list of masks for a list of tensors:
  Attention); with SEVERAL tensor arguments (MultiHeadAttention's query and value, but also
  an RNN given `initial_state`), each argument `k` whose `k_mask` call() takes receives its
  mask (`value_mask`...), and `mask` itself is not filled in.  An argument given
  explicitly (`mask=m`) wins.
- The outputs get `op.compute_mask(args, inputs, previous)` when the layer supports
  masking (`op.masking`), where `previous` is the `mask` the call received, else its first
  argument's mask(s).  A layer that does not support masking drops it (Keras warns; so
  does graphc, code `mask-dropped`).  keras.ops functions drop masks silently.
- MultiHeadAttention clears the masks of its query, value and key tensors when it runs:
  the layers that run after it (those that depend on its result) read them without one.
  Whether a layer that does not depend on it runs before or after is Keras's execution
  order: such a call is recorded in `LayerNode.mask_order` (the PyTorch target refuses it).

Every tensor's `mask` is a `graphc.types.Mask` (or None), shared by identity along the
layers that pass it on, so a target computes each mask once.
"""

from __future__ import annotations

from graphc.diagnostics import Note
from graphc.ops.base import ShapeError
from graphc.types import Mask

# layers whose call clears the Keras masks of its tensor arguments (see the module doc)
STRIPS_INPUT_MASKS = {"MultiHeadAttention"}


def depends_on(node, target) -> bool:
    """Whether `node` reads (through any chain of tensors) a result of `target`."""
    seen: set = set()
    stack = [t.node for t in node.read_tensors()]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        if n is target:
            return True
        seen.add(id(n))
        stack.extend(t.node for t in n.read_tensors())
    return False


def effective(t, node):
    """The mask tensor `t` carries when `node` reads it (None once a MultiHeadAttention that
    ran before `node` cleared it)."""
    m = getattr(t, "mask", None)
    if m is None:
        return None
    for s in t.stripped_by:
        if s is not node and depends_on(node, s):
            return None
    return m


def order_dependent(t, node):
    """The MultiHeadAttention that clears the mask of `t` and may run before or after `node`
    (neither depends on the other), or None."""
    if getattr(t, "mask", None) is None or effective(t, node) is None:
        return None
    return next((s for s in t.stripped_by if s is not node), None)


def _structure(v, node):
    """The masks of a call argument: one Mask (or None), or a list of them for a list."""
    if isinstance(v, list):
        return [effective(x, node) if x is not None else None for x in v]
    return effective(v, node)


def _given(v):
    """An explicit mask argument: a `tensor` Mask per tensor."""
    if isinstance(v, list):
        return [_given(x) for x in v]
    if v is None:
        return None
    return Mask("tensor", tuple(v.type.shape), tensor=v)


def propagate(graphs, scope, node, list_input: bool) -> None:
    """Fill `node.masks_in` and the masks of `node.outputs` (Keras's rules, module doc)."""
    layer = node.layer
    op = layer.op
    if op is None:
        _nested_model(graphs, scope, node)
        return
    inst = op()
    a = op.with_call(layer.full_args, node.call_args)
    takes = set(op.call_tensors)
    args = dict(node.tensors)  # Keras's tensor arguments: the inputs, then the call tensors
    args.update({k: v for k, v in node.call_tensors.items() if v is not None})
    masks_in: dict = {}
    for k, v in node.call_tensors.items():
        if k in takes and (k == "mask" or k.endswith("_mask")) and v is not None:
            masks_in[k] = _given(v)
    if len(args) == 1:
        if "mask" in takes and "mask" not in masks_in:
            (only,) = args.values()
            masks_in["mask"] = _structure(only, node)
    else:
        for k, v in args.items():
            slot = f"{k}_mask"
            if slot in takes and slot not in masks_in:
                masks_in[slot] = _structure(v, node)
    node.masks_in = masks_in
    try:
        inst.check_masks_in(a, [x.type for x in node.tensor_inputs()], masks_in)
    except ShapeError as err:
        graphs.s.error(scope.file, node.span, err.code, err.message, err.hint)
    first = next(iter(node.tensors.values()))
    # Keras's previous mask: the `mask` the call received, else its first argument's mask(s)
    previous = masks_in.get("mask")
    if previous is None:
        previous = _structure(first, node)
    types = [x.type for x in node.tensor_inputs()]
    if op.name in STRIPS_INPUT_MASKS:
        for x in node.tensor_inputs():
            if x.mask is not None and all(s is not node for s in x.stripped_by):
                x.stripped_by.append(node)
    uses = inst.masking(a) or any(
        m is not None for v in masks_in.values() for m in (v if isinstance(v, list) else [v])
    )
    if uses:
        for x in node.tensor_inputs():
            s = order_dependent(x, node)
            if s is not None:
                node.mask_order = (x, s)
    if inst.masking(a):
        outs = inst.compute_mask(a, types, previous)
    else:
        outs = [None] * len(node.outputs)
        carried = [m for m in (previous if isinstance(previous, list) else [previous]) if m is not None]
        if carried:
            _warn_dropped(graphs, scope, node, carried[0])
    for t, m in zip(node.outputs, outs):
        if m is not None and m.node is None and m.kind in ("zero", "value"):
            m.node = node
        t.mask = m
    if _ignores_mask(op, node, first):
        _warn_ignored(graphs, scope, node, first)


def _ignores_mask(op, node, first) -> bool:
    """A recurrent layer given initial_state does not receive its sequences' mask (Keras fills
    `mask` in only for a call with one tensor argument)."""
    return (
        "initial_state" in node.call_tensors
        and node.call_tensors.get("initial_state") is not None
        and "mask" in op.call_tensors
        and "mask" not in node.masks_in
        and not isinstance(first, list)
        and effective(first, node) is not None
    )


def _origin(m: Mask) -> str:
    n = m.node
    if m.kind == "zero" and n is not None:
        return f"Embedding(mask_zero=true) at line {n.span.line}"
    if m.kind == "value" and n is not None:
        return f"Masking at line {n.span.line}"
    if m.kind == "tensor":
        return "the mask given with mask="
    return "its input layers"


def _warn_dropped(graphs, scope, node, m: Mask) -> None:
    notes = [Note(m.node.file, m.node.span, "the mask is made here")] if m.node is not None else []
    graphs.s.warn(
        scope.file,
        node.span,
        "mask-dropped",
        f"{node.layer.type_name} does not support masking: the mask of its input (from {_origin(m)}) "
        "stops here, so the layers after it and the loss see every timestep",
        "Keras drops it too (and warns); apply the layers that need the mask before this one",
        notes,
    )


def _warn_ignored(graphs, scope, node, first) -> None:
    m = effective(first, node)
    graphs.s.warn(
        scope.file,
        node.span,
        "mask-dropped",
        f"{node.layer.type_name} is given initial_state, so Keras does not pass it the mask of its "
        f"input (from {_origin(m)}): every timestep is computed",
        "Keras fills `mask` in only for a call with one tensor; pass it explicitly, e.g. "
        "mask=ops.not_equal(tokens, 0)",
    )


def _nested_model(graphs, scope, node) -> None:
    """A model applied as a layer: Keras's Functional.call sets the masks of the tensors given
    on its inputs; graphc gives its outputs the masks the model makes itself."""
    inner = node.layer.graph
    ins = node.tensor_inputs()
    node.masks_in = {"mask": [effective(x, node) for x in ins]} if any(x.mask for x in ins) else {}
    for t, o in zip(node.outputs, inner.outputs):
        m = o.tensor.mask
        t.mask = (
            None if m is None else Mask("nested", tuple(t.type.shape[: len(m.shape)]), node=node, arg=o.name)
        )
