"""IR -> a Keras 3 training module (rendered through templates/keras_module.py.j2).

Models become functions returning `keras.Model`; each `block` becomes a Python
function (one per distinct body), called once per use; every layer gets the
name graphc gave it, so `graphc summary`, Keras's logs and the PyTorch
target's weight loader agree on names.
"""

from __future__ import annotations

import re

from graphc.compiler.ir import BlockCall, Graph, Layer, Tensor
from graphc.targets import common
from graphc.targets.pycode import Namespace, fits, identifier, literal, reuse_or_take, wrapped_call


def _value(v, refs=None, pname=None) -> str:
    from graphc.ops.base import LayerArg

    if refs and pname in refs:
        return refs[pname]
    from graphc.compiler.values import LayerVal

    if isinstance(v, LayerVal):  # a wrapped layer: Bidirectional(LSTM(8))
        return f"layers.{v.op.name}(" + ", ".join(_layer_args(v.op, v.raw, None)) + ")"
    if isinstance(v, LayerArg):
        return f"layers.{v.op.name}(" + ", ".join(_layer_args(type(v.op), dict(v.given), None)) + ")"
    return literal(v)


def _layer_args(op, raw: dict, name_expr: str | None, refs: dict | None = None) -> list[str]:
    """Arguments as the user wrote them: required ones positionally, then keywords."""
    out = []
    params = op.all_params()
    for p in params:
        if p.required and p.name in raw:
            out.append(_value(raw[p.name], refs, p.name))
    for p in params:
        if not p.required and p.name in raw and p.name != "name":
            out.append(f"{p.name}={_value(raw[p.name], refs, p.name)}")
    if name_expr is not None:
        out.append(f"name={name_expr}")
    return out


def _flatten(items, function_ok) -> list:
    """Items with the block calls that cannot become functions expanded in place."""
    out = []
    for it in items:
        if isinstance(it, BlockCall) and not function_ok(it):
            out.extend(_flatten(it.items, function_ok))
        else:
            out.append(it)
    return out


def _subtree_calls(bc: BlockCall) -> list:
    out = []
    for it in bc.items:
        out.extend(_subtree_calls(it) if isinstance(it, BlockCall) else [it])
    return out


def _function_ok(bc: BlockCall) -> bool:
    """A block call becomes a function call when it is self-contained: tensor
    parameters are single tensors, it returns tensors, and every layer it applies
    is created and used only inside it."""
    if not bc.inlinable or not bc.items:
        return False
    if any(
        isinstance(v, (list, tuple, dict)) and any(isinstance(x, Tensor) for x in v) for _, v in bc.params
    ):
        return False
    if any(not isinstance(v, (Tensor, int, float, str, bool, tuple, list, type(None))) for _, v in bc.params):
        return False
    calls = _subtree_calls(bc)
    ids = {c.id for c in calls}
    for c in calls:
        if any(other.id not in ids for other in c.layer.calls):
            return False
    return True


class _Body:
    """Emits the statements of one function: a model (inputs -> outputs) or a block."""

    def __init__(
        self, emitter, items, params: dict, results: list, prefix: str | None, refs_ok: bool, reserved=()
    ):
        self.em = emitter
        self.items = _flatten(items, _function_ok)
        self.params = params  # tensor id -> python name (already in namespace)
        self.results = results
        self.prefix = prefix  # block instance whose layer names become f"{name}_..."
        self.name_param = "name"  # the block function's parameter holding the instance name
        self.refs_ok = refs_ok
        self.ns = Namespace(reserved)
        self.lines: list[str] = []
        self.names: dict[int, str] = dict(params)
        self.layer_vars: dict[int, str] = {}

    def uses(self):
        uses: dict[int, int] = {}
        last: dict[int, int] = {}
        for i, it in enumerate(self.items):
            for t in common.item_inputs(it):
                uses[t.id] = uses.get(t.id, 0) + 1
                last[t.id] = i
        for t in self.results:
            uses[t.id] = uses.get(t.id, 0) + 1
            last[t.id] = len(self.items)
        return uses, last

    def name_tensor(self, t: Tensor, base: str, at: int, last: dict, holder: dict) -> str:
        name = self.names[t.id] = reuse_or_take(self.ns, base, t.id, at, last, holder)
        return name

    def relative(self, layer: Layer) -> str | None:
        """`conv2d_1` for layer `residual_1_conv2d_1` in block instance `residual_1`."""
        if self.prefix and not layer.explicit_name and layer.name.startswith(self.prefix + "_"):
            return layer.name[len(self.prefix) + 1 :]
        return None

    def layer_name(self, layer: Layer) -> str:
        rel = self.relative(layer)
        if rel is not None:
            return 'f"{' + self.name_param + "}_" + rel + '"'
        if self.refs_ok and layer.explicit_name:
            if "name" in layer.refs:  # name=name
                return identifier(layer.refs["name"])
            parts = layer.name_parts  # name=f"{name}_bn"
            if parts and all(isinstance(p, tuple) or re.fullmatch(r"[\w./-]*", p) for p in parts):
                return (
                    'f"'
                    + "".join(p if isinstance(p, str) else "{" + identifier(p[1]) + "}" for p in parts)
                    + '"'
                )
        return literal(layer.name)

    def var_base(self, layer: Layer) -> str:
        if self.refs_ok and layer.explicit_name and ("name" in layer.refs or layer.name_parts):
            from graphc.compiler.lower import snake

            return snake(layer.op.name)  # the name itself varies between calls
        return self.relative(layer) or layer.var or layer.name

    def ctor(self, layer: Layer) -> str:
        refs = layer.refs if self.refs_ok else None
        return (
            f"layers.{layer.op.name}("
            + ", ".join(_layer_args(layer.op, layer.raw_args, self.layer_name(layer), refs))
            + ")"
        )

    def emit(self, inputs_first: list | None = None) -> list[str]:
        uses, last = self.uses()
        holder = {name: tid for tid, name in self.params.items()}
        for name in self.params.values():
            self.ns.used.add(name)
        for t in inputs_first or []:
            name = self.name_tensor(t, t.var or "input", -1, last, holder)
            args = [f"shape={literal(tuple(t.type.shape))}"]
            if t.type.dtype != "float32":
                args.append(f"dtype={literal(t.type.dtype)}")
            args.append(f"name={literal(common.input_name(t))}")
            self.statement(f"{name} = keras.Input({', '.join(args)})", common.where(t))
        result_ids = {t.id for t in self.results}
        inline = common.inline_plan(
            self.items, uses, result_ids, lambda layer: layer.graph is None and not layer.shared
        )
        exprs: dict[int, str] = {}
        for idx, it in enumerate(self.items):
            if isinstance(it, BlockCall):
                self.block_call(it, idx, uses, last, holder, result_ids, exprs)
                continue
            call, layer = it, it.layer
            callee = self.callee(layer)
            args = [self.arg(x, exprs) for x in call.inputs]
            arg_text = "[" + ", ".join(args) + "]" if call.list_input else ", ".join(args)
            if callee is None and getattr(layer, "function_form", False):
                extra = _layer_args(
                    layer.op, layer.raw_args, self.layer_name(layer), layer.refs if self.refs_ok else None
                )
                expr = f"layers.{layer.op.function}({arg_text}" + "".join(", " + a for a in extra) + ")"
            elif callee is None:
                expr = f"{self.ctor(layer)}({arg_text})"
            else:
                expr = f"{callee}({arg_text})"
            if call.id in inline:
                exprs[call.outputs[0].id] = expr
                continue
            targets = []
            for t in call.outputs:
                if uses.get(t.id, 0) == 0 and t.id not in result_ids and len(call.outputs) > 1:
                    targets.append("_")
                else:
                    targets.append(
                        self.name_tensor(t, t.var or f"{self.var_base(layer)}_out", idx, last, holder)
                    )
            lhs = ", ".join(targets)
            comment = f"  # {common.where(call)}"
            line = f"{lhs} = {expr}"
            if fits(line + comment):
                self.lines.append(line + comment)
            elif fits(line):
                self.lines.append(f"# {common.where(call)}")
                self.lines.append(line)
            else:
                self.lines.extend(self.split(layer, call, lhs, args, callee))
        return self.lines

    def statement(self, line: str, where: str) -> None:
        """One statement with its `# file.gdl:line` comment (above it when too long)."""
        if fits(f"{line}  # {where}"):
            self.lines.append(f"{line}  # {where}")
        else:
            self.lines.append(f"# {where}")
            self.lines.append(line)

    def block_call(self, bc, idx, uses, last, holder, result_ids, exprs):
        fn, passed = self.em.block_function(bc)
        args = []
        for pname, v in bc.params:
            if isinstance(v, Tensor):
                args.append(self.arg(v, exprs))
            elif pname in passed:
                args.append(f"{pname}={literal(v)}")
        if bc.instance != self.em.fn_default_name[fn]:
            args.append(f"{self.em.fn_name_param[fn]}={literal(bc.instance)}")
        targets = [self.name_tensor(t, t.var or f"{bc.instance}_out", idx, last, holder) for t in bc.outputs]
        call = f"{fn}({', '.join(args)})"
        comment = f"  # {common.where(bc)}"
        line = f"{', '.join(targets)} = {call}" if targets else call
        if fits(line + comment):
            self.lines.append(line + comment)
        elif fits(line):
            self.lines.extend([f"# {common.where(bc)}", line])
        else:
            self.lines.append(f"# {common.where(bc)}")
            self.lines.extend(wrapped_call(f"{', '.join(targets)} = {fn}" if targets else fn, args, 4))

    def arg(self, t: Tensor, exprs: dict) -> str:
        return exprs.pop(t.id) if t.id in exprs else self.names[t.id]

    def callee(self, layer: Layer) -> str | None:
        """Shared layers and models are bound to a name once, then called."""
        if layer.graph is None and not layer.shared:
            return None
        if layer.id in self.layer_vars:
            return self.layer_vars[layer.id]
        var = self.ns.take(self.var_base(layer))
        self.layer_vars[layer.id] = var
        where = f"  # {common.where(layer)}"
        if layer.graph is not None:
            fn = self.em.model_fns[id(layer.graph)]
            self.lines.append(f"{var} = {fn}(name={self.layer_name(layer)}){where}")
        else:
            line = f"{var} = {self.ctor(layer)}"
            if fits(line + where):
                self.lines.append(line + where)
            else:
                refs = layer.refs if self.refs_ok else None
                self.lines.append(where.strip())
                self.lines.extend(
                    wrapped_call(
                        f"{var} = layers.{layer.op.name}",
                        _layer_args(layer.op, layer.raw_args, self.layer_name(layer), refs),
                        4,
                    )
                )
        return var

    def split(self, layer, call, lhs, args, callee):
        """Too long for one line: bind the layer first, exploding its arguments if needed."""
        lines = [f"# {common.where(call)}"]
        if callee is None:
            var = self.ns.take(self.var_base(layer))
            refs = layer.refs if self.refs_ok else None
            largs = _layer_args(layer.op, layer.raw_args, self.layer_name(layer), refs)
            lines.extend(wrapped_call(f"{var} = layers.{layer.op.name}", largs, 4))
            callee = var
        arg_text = "[" + ", ".join(args) + "]" if call.list_input else ", ".join(args)
        apply = f"{lhs} = {callee}({arg_text})"
        if fits(apply):
            lines.append(apply)
        elif call.list_input:
            lines += [f"{lhs} = {callee}(", "    ["] + [f"        {a}," for a in args] + ["    ]", ")"]
        else:
            lines.extend(wrapped_call(f"{lhs} = {callee}", args, 4))
        return lines


class KerasEmitter:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.fn_ns = Namespace(
            {"build_model", "compile_model", "synthetic_data", "load_data", "train", "main"}
        )
        self.model_fns: dict[int, str] = {}
        self.functions: list[dict] = []  # rendered in definition order
        self.block_fns: dict[tuple, str] = {}  # (block name, body text) -> function name
        self.fn_default_name: dict[str, str] = {}
        self.fn_name_param: dict[str, str] = {}

    def block_function(self, bc: BlockCall):
        """The function for a block call (made once per distinct body); returns
        (function name, parameters passed at the call)."""
        tensor_params = {}
        taken = {identifier(p) for p, _ in bc.params}
        name_param = next(n for n in ("name", "prefix", "layer_prefix", "name_") if n not in taken)
        ns_reserved = {name_param}
        for pname, v in bc.params:
            if isinstance(v, Tensor):
                tensor_params[v.id] = identifier(pname)
                ns_reserved.add(identifier(pname))
        passed = set()
        for c in _subtree_calls(bc):
            if c.block is bc:
                passed.update(c.layer.refs.values())
                passed.update(p[1] for p in c.layer.name_parts or () if isinstance(p, tuple))
        value_params = [(p, v) for p, v in bc.params if not isinstance(v, Tensor) and p in passed]
        ns_reserved.update(identifier(p) for p, _ in value_params)
        body = _Body(self, bc.items, tensor_params, bc.outputs, bc.instance, True, reserved=ns_reserved)
        body.name_param = name_param
        lines = body.emit()
        rets = [body.names[t.id] for t in bc.outputs]
        lines.append("return " + ", ".join(rets))
        sig = [identifier(p) for p, v in bc.params if isinstance(v, Tensor)]
        # parameters without a GDL default come first, then those with one
        sig += [identifier(p) for p, _ in value_params if p not in bc.defaults]
        sig += [f"{identifier(p)}={literal(bc.defaults[p])}" for p, _ in value_params if p in bc.defaults]
        key = (bc.name, tuple(sig), tuple(lines))
        if key in self.block_fns:
            return self.block_fns[key], passed
        fname = self.fn_ns.take(identifier(bc.name))
        self.fn_default_name[fname] = bc.instance
        self.fn_name_param[fname] = name_param
        sig.append(f"{name_param}={literal(bc.instance)}")
        self.block_fns[key] = fname
        self.functions.append(
            {
                "name": fname,
                "signature": ", ".join(sig),
                "doc": f"Block `{bc.name}` ({common.where_def(bc)}).",
                "body": lines,
            }
        )
        return fname, passed

    def model_function(self, sub: Graph):
        fname = self.fn_ns.take(identifier(sub.name))
        body = _Body(self, sub.items, {}, [t for _, t, _ in sub.outputs], None, False, reserved={"name"})
        lines = body.emit(inputs_first=sub.inputs)
        ins = "[" + ", ".join(body.names[t.id] for t in sub.inputs) + "]"
        outs = [body.names[t.id] for _, t, _ in sub.outputs]
        out_expr = outs[0] if len(outs) == 1 else "[" + ", ".join(outs) + "]"
        lines.append(f"return keras.Model({ins}, {out_expr}, name=name)")
        built = ", ".join(f"{k}={literal(v)}" for k, v in sub.args.items())
        self.functions.append(
            {
                "name": fname,
                "signature": f"name={literal(sub.name)}",
                "doc": f"The `{sub.name}` model ({common.where(sub)})"
                + (f", built with {built}." if built else "."),
                "body": lines,
            }
        )
        self.model_fns[id(sub)] = fname

    def emit(self, source_name: str) -> str:
        g = self.graph
        for sub in common.subgraphs_postorder(g):
            self.model_function(sub)
        body = _Body(self, g.items, {}, [t for _, t, _ in g.outputs], None, False)
        lines = body.emit(inputs_first=g.inputs)
        ins = "[" + ", ".join(body.names[t.id] for t in g.inputs) + "]"
        outs = [body.names[t.id] for _, t, _ in g.outputs]
        out_expr = outs[0] if len(outs) == 1 else "[" + ", ".join(outs) + "]"
        model_line = f"return keras.Model({ins}, {out_expr}, name={literal(g.name)})"
        if not fits(model_line):
            lines.append("inputs = " + ins)
            lines.append("outputs = " + out_expr)
            model_line = f"return keras.Model(inputs, outputs, name={literal(g.name)})"
        lines.append(model_line)
        ctx = common.training_context(g)
        ctx.update(
            source=source_name,
            model_name=g.name,
            functions=self.functions,
            body=lines,
            optimizer_expr=_optimizer_expr(g),
            losses_items=_loss_items(g),
        )
        return common.render("keras_module.py.j2", ctx)


def emit_keras(program, graph: Graph, source_name: str) -> str:
    return KerasEmitter(graph).emit(source_name)


def _optimizer_expr(graph: Graph) -> str:
    from graphc.compiler import vocab

    opt = graph.compile["optimizer"] if graph.compile else None
    if opt is None:
        return "keras.optimizers.RMSprop()"
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
