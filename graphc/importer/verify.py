"""The check every import passes before anything is written: graphc compiles
the GDL text, and the compiled graph must be the Keras model's, layer for
layer: the same layer names, classes and arguments, the same calls of each
layer with inputs from the same calls, the same inputs (names, shapes, dtypes)
and outputs (names, tensors)."""

from __future__ import annotations

from graphc.importer import keras_config as K
from graphc.importer.layers import LayerSpec

# a mismatch that is the model's, not the importer's (a configuration Keras cannot build)
INVALID = "the model cannot be built: "


def compile_text(text: str, path: str = "imported.gdl"):
    from graphc.compiler.interpreter import compile_program

    return compile_program(path, text)


def check(text: str, top, allowed_warnings: set = frozenset()) -> list:
    """Mismatches between the compiled text and the Keras model (empty: same)."""
    program = compile_text(text)
    bad = [d for d in program.diagnostics if d.is_error or d.code not in allowed_warnings]
    if bad:
        return [
            # a value Keras would refuse to build (the error(...) rules of importer/externs.py);
            # every argument was already checked when the layer was planned (layers.layer_spec)
            INVALID + d.message if d.code == "argument-value" else f"graphc reports {d.header()}"
            for d in bad[:5]
        ]
    graph = program.graphs.get(top.name)
    if graph is None:
        return [f"the model {top.name} was not compiled"]
    problems: list = []
    compare(graph, top, problems)
    return problems


def _norm(v):
    from graphc.ops.base import LayerArg

    if isinstance(v, LayerArg):
        return ("layer", v.op.name, tuple(sorted((k, _norm(x)) for k, x in v.given.items() if k != "name")))
    if isinstance(v, (list, tuple)):
        return tuple(_norm(x) for x in v)
    if isinstance(v, float) and v == int(v):
        return v
    return v


def _args(d: dict) -> dict:
    return {k: _norm(v) for k, v in d.items() if k != "name"}


def compare(graph, prog, problems: list, top: bool = True) -> None:
    """The compiled graph against the Keras model.  Layer calls and operations are
    matched in evaluation order (the program writes them in the order of
    to_gdl.order_calls; blocks and loops only group them); Identity layers graphc
    adds to name outputs are left out."""
    from graphc.compiler.ir import LayerNode, OpNode
    from graphc.importer.to_gdl import OpSpec, order_calls

    km = prog.kmodel
    where = f"model {km.name!r}"
    if top and graph.name != km.name:
        problems.append(f"{where}: compiled as {graph.name!r}")
    # inputs
    got = [t.input_name for t in graph.inputs]
    want = [inp.name for inp in km.inputs]
    if got != want:
        problems.append(f"{where}: inputs {got} != {want}")
        return
    for t, inp in zip(graph.inputs, km.inputs):
        shape = inp.config.get("batch_shape") or inp.config.get("batch_input_shape")
        if tuple(t.shape) != tuple(shape[1:]):
            problems.append(f"{where}: input {inp.name!r} shape {t.shape} != {tuple(shape[1:])}")
        dt = inp.config.get("dtype") or "float32"
        if isinstance(dt, str) and t.dtype != dt:
            problems.append(f"{where}: input {inp.name!r} dtype {t.dtype} != {dt}")
    # calls, in order
    nodes = [
        n
        for n in graph.nodes
        if isinstance(n, OpNode)
        or (
            isinstance(n, LayerNode)
            and not (
                n.layer.name in prog.identity_outputs
                and n.layer.op is not None
                and n.layer.op.name == "Identity"
            )
        )
    ]
    calls = order_calls(km)
    if len(nodes) != len(calls):
        problems.append(f"{where}: {len(nodes)} layer calls and operations, the Keras model has {len(calls)}")
        return
    inputs = {inp.name for inp in km.inputs}
    keys: dict = {}  # id(IR node) -> (Keras layer, call index)
    for node, call in zip(nodes, calls):
        keys[id(node)] = (call.layer.name, call.index)
    layer_seen: dict = {}
    for node, call in zip(nodes, calls):
        la = call.layer
        spec = prog.specs[la.name]
        what = f"layer {la.name!r} call {call.index}"
        if isinstance(spec, OpSpec):
            if not isinstance(node, OpNode) or node.fn.name != spec.fn.name:
                problems.append(f"{what}: expected keras.ops.{spec.fn.name}, got {_node_text(node)}")
                continue
        else:
            if not isinstance(node, LayerNode) or node.layer.name != la.name:
                problems.append(f"{what}: expected layer {la.name!r}, got {_node_text(node)}")
                continue
            g = node.layer
            if la.name not in layer_seen:
                layer_seen[la.name] = g
                if isinstance(spec, LayerSpec):
                    if g.op is None or g.op.name != spec.op.name:
                        problems.append(f"layer {la.name!r}: class {g.type_name} != {spec.op.name}")
                        continue
                    want_args = _args(spec.op.full(spec.op.bind([], _as_args(spec.given))))
                    got_args = _args(g.full_args)
                    if got_args != want_args:
                        diff = {
                            k: (got_args.get(k), want_args.get(k))
                            for k in set(got_args) | set(want_args)
                            if got_args.get(k) != want_args.get(k)
                        }
                        problems.append(f"layer {la.name!r}: arguments differ (got, want): {diff}")
                else:
                    if g.graph is None:
                        problems.append(f"layer {la.name!r}: not a nested model")
                        continue
                    compare(g.graph, spec, problems, top=False)
                if len(g.nodes) != len(la.calls):
                    problems.append(f"layer {la.name!r}: {len(g.nodes)} calls != {len(la.calls)}")
            elif layer_seen[la.name] is not node.layer:
                problems.append(f"{what}: a different layer object than its first call")
        got_in = [source(t, keys) for t in node.tensor_inputs()]
        want_in = [_ref_key(r, inputs) for r in K.iter_refs((call.args, call.kwargs))]
        if got_in != want_in:
            problems.append(f"{what}: inputs {got_in} != {want_in}")
    # outputs
    got_out = [o.name for o in graph.outputs]
    want_out = [n for n, _ in prog.outputs]
    if got_out != want_out:
        problems.append(f"{where}: outputs {got_out} != {want_out}")
        return
    for o, (_key, ref) in zip(graph.outputs, km.outputs):
        t = o.tensor
        if t.call is not None and t.call.layer.name in prog.identity_outputs and t.call.layer.op is not None:
            if t.call.layer.op.name == "Identity":
                t = t.call.inputs[0]
        if source(t, keys) != _ref_key(ref, inputs):
            problems.append(f"{where}: output {o.name!r} is {source(t, keys)}, not {_ref_key(ref, inputs)}")


def _node_text(node) -> str:
    fn = getattr(node, "fn", None)
    if fn is not None:
        return f"ops.{fn.name}"
    layer = getattr(node, "layer", None)
    return f"layer {layer.name!r}" if layer is not None else type(node).__name__


def _as_args(given: dict) -> dict:
    from graphc.importer.objects import as_catalog_value
    from graphc.importer.program import Ctor
    from graphc.ops.base import LayerArg

    def conv(v):
        v = as_catalog_value(v)
        if isinstance(v, Ctor):
            return LayerArg(v.spec.op(), v.spec.op.full(v.spec.given), v.spec.given)
        if isinstance(v, tuple) and v and all(isinstance(x, Ctor) for x in v):
            return tuple(conv(x) for x in v)
        return v

    return {k: conv(v) for k, v in given.items()}


def source(t, keys: dict) -> tuple:
    """(Keras layer, call index, result index) of the call that made tensor `t`, or ("input", name)."""
    if t.is_input:
        return ("input", t.input_name)
    key = keys.get(id(t.node))
    if key is None:
        return ("?", t.id)
    return (key[0], key[1], t.index)


def _ref_key(r: K.Ref, inputs: set) -> tuple:
    if r.layer in inputs:
        return ("input", r.layer)
    return (r.layer, r.node, r.index)
