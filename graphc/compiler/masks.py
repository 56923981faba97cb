"""Keras masks in the IR: which tensors carry one, and which mask each layer call receives.

Keras attaches a mask to a tensor (`_keras_mask`, bool, True = keep) and moves it along
when a layer is called (keras/src/layers/layer.py `Layer.__call__`, step 6 and
`_set_mask_metadata`).  It does so twice, and graphc follows both statically (checked
against Keras in tests/test_calltime.py):

1. While the functional model is BUILT, on its symbolic tensors (`Tensor.sym_mask`): a
   call with ONE tensor argument whose call() takes `mask` is given that argument's mask,
   a call with several is given `k_mask` for each argument `k` whose `k_mask` call()
   takes; the outputs get `compute_mask(...)` of that.  Nothing clears masks here.
2. While the model RUNS, on the tensors themselves (`Tensor.mask`), by the same rules,
   except that MultiHeadAttention clears the masks of its query, value and key tensors
   when it runs: the layers that run after it (those that depend on its result) read
   them without one.  The merges read their inputs' masks themselves (Multiply, Maximum
   and Minimum compute with them); the losses and metrics read the outputs' masks
   (`output_mask`).

The link between the two: when Keras builds a call with one positional tensor of the
layer's dtype and no keyword (its `__call__` shortcut), the `mask` it fills in is kept in
the call's recorded arguments (it updates the caller's own kwargs dict), so the running
model gives that layer the mask of the model being built (`recorded`); every other call
reads the masks the tensors carry at that moment.  A layer that does not support masking
(`op.masking`) drops the mask (Keras warns when it builds the model; so does graphc, code
`mask-dropped`); keras.ops functions drop masks silently.  Whether a layer that does not
depend on a MultiHeadAttention runs before or after it is Keras's execution order: a
call whose result depends on that is recorded in `LayerNode.mask_order` (the PyTorch
target refuses it).

Masks are `graphc.types.Mask` objects, shared by identity along the layers that pass them
on (and between the two worlds where they agree), so a target computes each mask once.
`LayerNode.masks_in` holds what each mask argument of the call receives.
"""

from __future__ import annotations

from graphc.compiler.ir import Tensor
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
    """The masks a call argument carries when `node` runs: one Mask (or None), or a list."""
    if isinstance(v, list):
        return [effective(x, node) if x is not None else None for x in v]
    return effective(v, node)


def _sym_structure(v):
    """The masks a call argument carries in the model being built (no clearing)."""
    if isinstance(v, list):
        return [getattr(x, "sym_mask", None) for x in v]
    return getattr(v, "sym_mask", None)


def _given(v):
    """An explicit mask argument: a `tensor` Mask per tensor."""
    if isinstance(v, list):
        return [_given(x) for x in v]
    if v is None:
        return None
    return Mask("tensor", tuple(v.type.shape), tensor=v)


def _flat(v) -> list:
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _same(a, b) -> bool:
    fa, fb = _flat(a), _flat(b)
    return len(fa) == len(fb) and all(x is y for x, y in zip(fa, fb))


def _fast_path(node, op, a) -> bool:
    """Whether Keras's Layer.__call__ takes its shortcut for this call while it builds the model
    (one positional tensor of the layer's dtype, no keyword): only then does the `mask` it fills
    in land in the call's recorded arguments (it updates the caller's own kwargs dict), so that
    the running model passes the mask of the model being built."""
    x = node.tensors.get("inputs")
    return (
        set(node.tensors) == {"inputs"}
        and isinstance(x, Tensor)
        and not node.call_args
        and not node.call_tensors
        and x.type.dtype == (a.get("dtype") or "float32")
    )


def propagate(graphs, scope, node, list_input: bool) -> None:
    """Fill `node.masks_in`, and the masks (both worlds) of `node.outputs` (module doc)."""
    layer = node.layer
    op = layer.op
    if op is None:
        _nested_model(graphs, scope, node)
        return
    inst = op()
    a = op.with_call(layer.full_args, node.call_args)
    if _unmasked(node):  # no mask reaches this call (most calls of most models): what is left
        node.masks_in = {}
        outs = [None] * len(node.outputs)
        if inst.masking(a):  # a layer may make a mask of its own (Embedding, Masking)
            types = [x.type for x in node.tensor_inputs()]
            first = next(iter(node.tensors.values()))
            none = [None] * len(first) if isinstance(first, list) else None
            outs = inst.compute_mask(a, types, none)
        _set_output_masks(node, outs, outs)
        return
    takes = set(op.call_tensors)
    args = dict(node.tensors)  # Keras's tensor arguments: the inputs, then the call tensors
    args.update({k: v for k, v in node.call_tensors.items() if v is not None})
    first = next(iter(node.tensors.values()))
    explicit = {
        k: _given(v)
        for k, v in node.call_tensors.items()
        if k in takes and (k == "mask" or k.endswith("_mask")) and v is not None
    }
    recorded = None  # the `mask` recorded while the model was built (Keras's shortcut)
    if "mask" in takes and "mask" not in explicit and _fast_path(node, op, a):
        recorded = _sym_structure(first)
    masks_in = dict(explicit)
    reads = []  # tensors whose masks the call reads while the model runs
    if recorded is not None:
        masks_in["mask"] = recorded
    elif len(args) == 1:
        if "mask" in takes and "mask" not in masks_in:
            masks_in["mask"] = _structure(first, node)
            reads += [x for x in _flat(first) if x is not None]
    else:
        for k, v in args.items():
            slot = f"{k}_mask"
            if slot in takes and slot not in masks_in:
                masks_in[slot] = _structure(v, node)
                reads += [x for x in _flat(v) if x is not None]
    node.masks_in = {k: v for k, v in masks_in.items() if any(m is not None for m in _flat(v))}
    try:
        inst.check_masks_in(a, [x.type for x in node.tensor_inputs()], node.masks_in)
    except ShapeError as err:
        graphs.s.error(scope.file, node.span, err.code, err.message, err.hint)
    types = [x.type for x in node.tensor_inputs()]
    # Keras's previous mask: the `mask` the call received, else its first argument's mask(s)
    sym_previous = explicit["mask"] if "mask" in explicit else _sym_structure(first)
    given = masks_in.get("mask")
    if given is not None and any(m is not None for m in _flat(given)) or isinstance(given, list):
        previous = given
    else:
        previous = _structure(first, node)
        reads += [x for x in _flat(first) if x is not None]
    if op.name in STRIPS_INPUT_MASKS:
        for x in node.tensor_inputs():
            if x.mask is not None and all(s is not node for s in x.stripped_by):
                x.stripped_by.append(node)
    if inst.masking(a):
        sym_outs = inst.compute_mask(a, types, sym_previous)
        if _same(previous, sym_previous):
            outs = sym_outs
        else:  # the masks the layer makes itself are the same in both worlds
            outs = inst.compute_mask(a, types, previous)
            outs = [
                s
                if r is not None and s is not None and r.kind == s.kind and r.kind in ("zero", "value")
                else r
                for r, s in zip(outs, sym_outs)
            ]
    else:
        sym_outs = outs = [None] * len(node.outputs)
        carried = [m for m in _flat(sym_previous) if m is not None]
        if carried:
            _warn_dropped(graphs, scope, node, carried[0])
    if inst.masking(a) or node.masks_in:
        for x in reads:
            s = order_dependent(x, node)
            if s is not None:
                node.mask_order = (x, s)
    _set_output_masks(node, outs, sym_outs)
    if _ignores_mask(op, node, first):
        _warn_ignored(graphs, scope, node, first)


def _set_output_masks(node, outs: list, sym_outs: list) -> None:
    """The outputs' masks in both worlds; a mask the layer makes itself remembers the call."""
    for t, m, sm in zip(node.outputs, outs, sym_outs):
        for x in (m, sm):
            if x is not None and x.node is None and x.kind in ("zero", "value"):
                x.node = node
        t.mask, t.sym_mask = m, sm


def _unmasked(node) -> bool:
    """No tensor of the call carries a mask (in either world) and no mask is given."""
    for v in (*node.tensors.values(), *node.call_tensors.values()):
        for x in _flat(v):
            if getattr(x, "mask", None) is not None or getattr(x, "sym_mask", None) is not None:
                return False
    return not any(
        v is not None and (k == "mask" or k.endswith("_mask")) for k, v in node.call_tensors.items()
    )


def _ignores_mask(op, node, first) -> bool:
    """A recurrent layer given initial_state does not receive its sequences' mask (Keras fills
    `mask` in only for a call with one tensor argument)."""
    return (
        "initial_state" in node.call_tensors
        and node.call_tensors.get("initial_state") is not None
        and "mask" in op.call_tensors
        and "mask" not in node.masks_in
        and not isinstance(first, list)
        and getattr(first, "sym_mask", None) is not None
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
    m = first.sym_mask
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
    sym = [getattr(x, "sym_mask", None) for x in ins]
    node.masks_in = {"mask": sym} if any(m is not None for m in sym) else {}
    for t, o in zip(node.outputs, inner.outputs):
        m, sm = o.tensor.mask, o.tensor.sym_mask
        shape = tuple(t.type.shape[: len((m or sm).shape)]) if (m or sm) is not None else ()
        nested = Mask("nested", shape, node=node, arg=o.name) if (m or sm) is not None else None
        t.sym_mask = nested if sm is not None else None
        t.mask = nested if m is not None and not o.tensor.stripped_by else None
