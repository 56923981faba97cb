"""IR -> a Keras 3 training module (rendered through templates/keras_module.py.j2)."""

from __future__ import annotations

from pathlib import Path

from graphc.compiler.ir import Graph, Layer
from graphc.targets import common
from graphc.targets.pycode import Namespace, exploded_call, fits, identifier, literal


def _layer_args(layer_op, raw: dict, name: str | None, inner_expr: str | None = None) -> list[str]:
    """Arguments as the user wrote them: required ones positionally, then keywords."""
    out = []
    params = layer_op.all_params()
    for p in params:
        if p.required and p.name in raw:
            out.append(_value(raw[p.name]))
    for p in params:
        if not p.required and p.name in raw and p.name != "name":
            out.append(f"{p.name}={_value(raw[p.name])}")
    if name is not None:
        out.append(f"name={literal(name)}")
    return out


def _value(v) -> str:
    from graphc.ops.base import LayerArg

    if isinstance(v, LayerArg):
        return f"layers.{v.op.name}(" + ", ".join(_layer_args(type(v.op), _raw_of(v), None)) + ")"
    return literal(v)


def _raw_of(arg) -> dict:
    return getattr(arg, "raw", None) or dict(arg.given)


class _FunctionEmitter:
    """Emits the body of one model function (the entry model or a nested one)."""

    def __init__(self, graph: Graph, model_fns: dict, reserved=()):
        self.g = graph
        self.model_fns = model_fns  # id(sub-graph) -> function name
        self.ns = Namespace(reserved)
        self.lines: list[str] = []
        self.tensor_names: dict[int, str] = {}
        self.layer_vars: dict[int, str] = {}

    def emit(self) -> list[str]:
        g = self.g
        uses = common.use_counts(g)
        last_use = common.last_use(g)
        holder: dict[str, int] = {}  # python name -> tensor id currently held

        def name_tensor(t, base, at):
            base = identifier(base)
            cur = holder.get(base)
            if base in self.ns.used and not (cur is not None and last_use.get(cur, -1) <= at):
                name = self.ns.take(base)
            else:
                self.ns.used.add(base)
                name = base
            holder[name] = t.id
            self.tensor_names[t.id] = name
            return name

        for t in g.inputs:
            name = name_tensor(t, t.var or "input", -1)
            args = [f"shape={literal(tuple(t.type.shape))}"]
            if t.type.dtype != "float32":
                args.append(f"dtype={literal(t.type.dtype)}")
            args.append(f"name={literal(common.input_name(t))}")
            self.lines.append(f"{name} = keras.Input({', '.join(args)})  # {common.where(t)}")

        inline = common.inline_plan(g, uses)
        exprs: dict[int, str] = {}
        out_ids = {t.id for _, t, _ in g.outputs}
        for idx, call in enumerate(g.calls):
            layer = call.layer
            callee = self._callee(layer, call)
            args = [self._arg(x, exprs) for x in call.inputs]
            if call.list_input:
                arg_text = "[" + ", ".join(args) + "]"
            else:
                arg_text = ", ".join(args)
            if layer.function_form and callee is None:
                expr = f"layers.{layer.op.function}({arg_text}" + \
                    "".join(", " + a for a in _layer_args(layer.op, layer.raw_args, layer.name)) + ")"
            elif callee is None:
                ctor = self._ctor(layer)
                expr = f"{ctor}({arg_text})"
            else:
                expr = f"{callee}({arg_text})"
            if call.id in inline:
                exprs[call.outputs[0].id] = expr
                continue
            targets = []
            for t in call.outputs:
                if uses.get(t.id, 0) == 0 and t.id not in out_ids and len(call.outputs) > 1:
                    targets.append("_")
                else:
                    targets.append(name_tensor(t, t.var or f"{layer.name}_out", idx))
            lhs = ", ".join(targets)
            line = f"{lhs} = {expr}  # {common.where(call)}"
            if not fits(line.split("  #")[0]):
                line = self._split(layer, call, lhs, arg_text, callee)
            self.lines.extend(line if isinstance(line, list) else [line])
        ins = [self.tensor_names[t.id] for t in g.inputs]
        outs = [self.tensor_names[t.id] for _, t, _ in g.outputs]
        self.inputs_expr = "[" + ", ".join(ins) + "]"
        self.outputs_expr = outs[0] if len(outs) == 1 else "[" + ", ".join(outs) + "]"
        return self.lines

    def _arg(self, t, exprs):
        return exprs.pop(t.id) if t.id in exprs else self.tensor_names[t.id]

    def _callee(self, layer: Layer, call) -> str | None:
        """The Python name a shared layer or a model is called through (declared once)."""
        if layer.graph is None and not layer.shared:
            return None
        if layer.id in self.layer_vars:
            return self.layer_vars[layer.id]
        var = self.ns.take(layer.var or layer.name)
        self.layer_vars[layer.id] = var
        if layer.graph is not None:
            fn = self.model_fns[id(layer.graph)]
            self.lines.append(f"{var} = {fn}(name={literal(layer.name)})  # {common.where(layer)}")
        else:
            self.lines.append(f"{var} = {self._ctor(layer)}  # {common.where(layer)}")
        return var

    def _ctor(self, layer: Layer) -> str:
        return f"layers.{layer.op.name}(" + ", ".join(_layer_args(layer.op, layer.raw_args, layer.name)) + ")"

    def _split(self, layer, call, lhs, arg_text, callee):
        """Too long for one line: bind the layer first, exploding its arguments if needed."""
        lines = []
        if callee is None:
            var = self.ns.take(layer.name)
            cls = f"layers.{layer.op.name}"
            args = _layer_args(layer.op, layer.raw_args, layer.name)
            one = f"{var} = {cls}({', '.join(args)})"
            if fits(one + f"  # {common.where(call)}"):
                lines.append(one + f"  # {common.where(call)}")
            else:
                lines.append(f"# {common.where(call)}")
                lines.extend(exploded_call(f"{var} = {cls}", args, 4)[:1])
                lines.extend(line[4:] for line in exploded_call("", args, 4)[1:])
            callee = var
        apply = f"{lhs} = {callee}({arg_text})"
        if fits(apply):
            lines.append(apply)
        else:
            items = arg_text[1:-1].split(", ") if arg_text.startswith("[") else arg_text.split(", ")
            if arg_text.startswith("["):
                lines.append(f"{lhs} = {callee}(")
                lines.append("    [")
                lines.extend(f"        {a}," for a in items)
                lines.append("    ]")
                lines.append(")")
            else:
                lines.extend(exploded_call(f"{lhs} = {callee}", items, 0))
        return lines


def emit_keras(program, graph: Graph, source_name: str) -> str:
    model_fns: dict[int, str] = {}
    functions = []
    fn_ns = Namespace()
    for sub in common.subgraphs_postorder(graph):
        fname = fn_ns.take(identifier(sub.name))
        fe = _FunctionEmitter(sub, model_fns, reserved={fname})
        body = fe.emit()
        functions.append({
            "name": fname,
            "graph_name": sub.name,
            "body": body,
            "inputs": fe.inputs_expr,
            "outputs": fe.outputs_expr,
            "where": common.where(sub),
            "args": sub.args,
        })
        model_fns[id(sub)] = fname
    fe = _FunctionEmitter(graph, model_fns, reserved=set(model_fns.values()))
    body = fe.emit()
    ctx = common.training_context(graph)
    ctx.update(
        source=source_name,
        model_name=graph.name,
        functions=functions,
        body=body,
        inputs_expr=fe.inputs_expr,
        outputs_expr=fe.outputs_expr,
        optimizer_expr=_optimizer_expr(graph),
        losses_items=_loss_items(graph),
        lit=literal,
    )
    return common.render("keras_module.py.j2", ctx)


def _optimizer_expr(graph: Graph) -> str:
    from graphc.compiler import vocab

    opt = graph.compile["optimizer"] if graph.compile else None
    if opt is None:
        return 'keras.optimizers.RMSprop()'
    cls = vocab.OPTIMIZERS[opt.name][0]
    args = ", ".join(f"{k}={literal(v)}" for k, v in opt.config.items() if k != "name")
    return f"keras.optimizers.{cls}({args})"


def _loss_items(graph: Graph) -> list:
    from graphc.compiler import vocab

    items = []
    for e in (graph.compile or {}).get("losses", []):
        if e.config:
            cls = vocab.LOSSES[e.loss][0]
            args = ", ".join(f"{k}={literal(v)}" for k, v in e.config.items())
            items.append((e.output, f"keras.losses.{cls}({args})"))
        else:
            items.append((e.output, literal(e.loss)))
    return items


def default_output_path(src: str) -> str:
    return str(Path(src).with_suffix("")) + "_keras.py"
