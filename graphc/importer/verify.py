"""The check every import passes before anything is written: graphc compiles
the GDL text, and the compiled graph must be the Keras model's, layer for
layer: the same layer names, classes and arguments, the same calls of each
layer with inputs from the same calls, the same inputs (names, shapes, dtypes)
and outputs (names, tensors)."""

from __future__ import annotations

from graphc.importer import keras_config as K
from graphc.importer.layers import LayerSpec


def compile_text(text: str, path: str = "imported.gdl"):
    from graphc.compiler.interpreter import compile_program

    return compile_program(path, text)


def check(text: str, top, allowed_warnings: set = frozenset()) -> list:
    """Mismatches between the compiled text and the Keras model (empty: same)."""
    program = compile_text(text)
    bad = [d for d in program.diagnostics if d.is_error or d.code not in allowed_warnings]
    if bad:
        return [f"graphc reports {d.header()}" for d in bad[:5]]
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
    # layers
    layers = {la.name: la for la in graph.layers}
    extra = set(layers) - {la.name for la in km.layers} - prog.identity_outputs
    missing = {la.name for la in km.layers} - set(layers)
    if extra or missing:
        problems.append(f"{where}: layers differ: extra {sorted(extra)[:5]}, missing {sorted(missing)[:5]}")
        return
    for la in km.layers:
        g = layers[la.name]
        spec = prog.specs[la.name]
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
            continue
        inputs = {inp.name for inp in km.inputs}
        for node, call in zip(g.nodes, la.calls):
            got_in = [source(t) for t in node.tensor_inputs()]
            want_in = [_ref_key(r, inputs) for r in K.iter_refs((call.args, call.kwargs))]
            if got_in != want_in:
                problems.append(f"layer {la.name!r} call {call.index}: inputs {got_in} != {want_in}")
    # outputs
    got_out = [o.name for o in graph.outputs]
    want_out = [n for n, _ in prog.outputs]
    if got_out != want_out:
        problems.append(f"{where}: outputs {got_out} != {want_out}")
        return
    inputs = {inp.name for inp in km.inputs}
    for o, (_key, ref) in zip(graph.outputs, km.outputs):
        t = o.tensor
        if t.call is not None and t.call.layer.name in prog.identity_outputs and t.call.layer.op is not None:
            if t.call.layer.op.name == "Identity":
                t = t.call.inputs[0]
        if source(t) != _ref_key(ref, inputs):
            problems.append(f"{where}: output {o.name!r} is {source(t)}, not {_ref_key(ref, inputs)}")


def _as_args(given: dict) -> dict:
    from graphc.importer.program import Ctor
    from graphc.ops.base import LayerArg

    def conv(v):
        if isinstance(v, Ctor):
            return LayerArg(v.spec.op(), v.spec.op.full(v.spec.given), v.spec.given)
        if isinstance(v, tuple) and v and all(isinstance(x, Ctor) for x in v):
            return tuple(conv(x) for x in v)
        return v

    return {k: conv(v) for k, v in given.items()}


def source(t) -> tuple:
    if t.is_input:
        return ("input", t.input_name)
    call = t.call
    if call is None:
        return ("?", t.id)
    return (call.layer.name, call.layer.nodes.index(call), t.index)


def _ref_key(r: K.Ref, inputs: set) -> tuple:
    if r.layer in inputs:
        return ("input", r.layer)
    return (r.layer, r.node, r.index)
