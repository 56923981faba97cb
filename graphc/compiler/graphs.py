"""Building graphs: layers constructed and applied (running the catalog's shape
rules at once), model inputs and outputs, and Keras layer names.

One `GraphBuilder` per model graph holds that graph's naming state and the
stack of block calls being evaluated in it; `Graphs` holds the operations,
which take the scope they run in.
"""

from __future__ import annotations

import re

from graphc.compiler import masks
from graphc.compiler import syntax as S
from graphc.compiler.expressions import kind_of
from graphc.compiler.ir import Graph, InputNode, Layer, LayerNode, Output, Tensor, TensorType
from graphc.compiler.values import POISON, LayerVal, Results
from graphc.diagnostics import Abort, Note, suggestion
from graphc.ops.base import REGISTRY, TRAINING, ArgError, LayerArg, ShapeError, op_instance

INPUT = "Input"
IDENTITY = "Identity"
# a model applied as a layer: Keras's Functional.call(inputs, training=None, mask=None)
MODEL_CALL_OPTIONS = (TRAINING,)


def _bind_model_call(kw: dict) -> dict:
    out = {}
    for k, v in kw.items():
        try:
            out[k] = TRAINING.check(v)
        except ArgError as e:
            e.arg, e.message = k, f"call option `{k}`: {e.message}"
            raise
    return out


_SNAKE: dict = {}  # (a few class names, each asked for once per layer)


def snake(name: str) -> str:
    """Keras's to_snake_case (keras/src/utils/naming.py): Conv2D -> conv2d."""
    s = _SNAKE.get(name)
    if s is None:
        s = re.sub(r"\W+", "", name)
        s = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", s)
        s = _SNAKE[name] = re.sub("([a-z])([A-Z])", r"\1_\2", s).lower()
    return s


class GraphBuilder:
    """The graph being built and its naming state."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.name_counts: dict = {}  # base name -> times used
        self.block_counts: dict = {}  # block name -> calls so far
        self.taken: set = set()  # Keras layer names in use (inputs included)
        self.blocks: list = []  # BlockInstances being evaluated, innermost last

    @property
    def current_items(self) -> list:
        return self.blocks[-1].items if self.blocks else self.graph.items

    @property
    def current_block(self):
        return self.blocks[-1] if self.blocks else None

    def fresh_name(self, base: str) -> str:
        while True:
            n = self.name_counts.get(base, 0)
            self.name_counts[base] = n + 1
            name = base if n == 0 else f"{base}_{n}"
            if name not in self.taken and name not in self.graph.output_names:
                return name


class _TensorArg:
    """A tensor passed where a layer option belongs; validators reject it by kind."""

    kind_name = "a tensor (apply the layer to tensors instead: Layer(options)(x))"

    def __repr__(self):
        return "<tensor>"


def compatible(a, b) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def arg_span(e: S.Call, arg):
    """The span of argument `arg` of call `e` ("#i" positional, a keyword name, or None)."""
    if arg is None:
        return e.func.span if not isinstance(e.func, S.Call) else e.span
    if isinstance(arg, str) and arg.startswith("#"):
        i = int(arg[1:])
        if i < len(e.args):
            return e.args[i].span
        return e.span
    for k in e.kwargs:
        if k.name == arg:
            return S.Span(k.span.line, k.span.col, k.value.span.end_line, k.value.span.end_col)
    return e.func.span if not isinstance(e.func, S.Call) else e.span


class Graphs:
    def __init__(self, it):
        self.it = it
        self.s = it.session

    # ------------------------------------------------------------ constructing
    def construct(self, scope, op, args, kwargs, e: S.Call) -> LayerVal:
        if op.name == INPUT:
            return self.make_input(scope, args, kwargs, e)
        for v in list(args) + list(kwargs.values()):
            if v is POISON:
                raise Abort()
        conv_args = [self._layer_arg(scope, v, e) for v in args]
        conv_kwargs = {k: self._layer_arg(scope, v, e) for k, v in kwargs.items()}
        try:
            given = op.bind(conv_args, conv_kwargs)
        except ArgError as err:
            self.s.error(scope.file, arg_span(e, err.arg), err.code, err.message, err.hint)
        lv = LayerVal(op, given, op.full(given), e.span, scope.file, site=e)
        positional = [p.name for p in op.all_params() if p.positional]
        lv.raw = {**dict(zip(positional, args)), **kwargs}
        if scope.tracks_syms:
            exprs = {**dict(zip(positional, e.args)), **{k.name: k.value for k in e.kwargs}}
            lv.arg_syms = {p: scope.sym(x) for p, x in exprs.items()}
        for v in list(args) + list(kwargs.values()):
            if isinstance(v, LayerVal):
                lv.inner = v
                v.layer = "wrapped"
        return lv

    def _layer_arg(self, scope, v, e):
        if isinstance(v, LayerVal):
            if v.op is None:
                self.s.error(scope.file, e.span, "unsupported", "a model cannot be wrapped by a layer")
            if v.layer is not None:
                self.s.error(
                    scope.file,
                    e.span,
                    "type-error",
                    "this layer is already applied; wrap a fresh layer, e.g. Bidirectional(LSTM(32))",
                )
            from graphc.compiler.externs import is_extern_op

            if is_extern_op(v.op):
                self.s.error(
                    scope.file,
                    e.span,
                    "unsupported",
                    f"the extern layer {v.op.name} cannot be wrapped by another layer",
                    "apply it directly; a wrapper of your own can be an extern layer too",
                )
            return LayerArg(v.op(), v.args, v.given)
        if isinstance(v, (Tensor, Results)):
            return _TensorArg()
        return v

    def make_input(self, scope, args, kwargs, e):
        file = scope.file
        if scope.kind != "model":
            self.s.error(
                file,
                e.span,
                "misplaced-statement",
                "`Input` is only allowed in a model",
                "pass the tensor to the block as a parameter",
            )
        op = REGISTRY[INPUT]
        try:
            given = op.bind(args, kwargs)
        except ArgError as err:
            self.s.error(file, arg_span(e, err.arg), err.code, err.message, err.hint)
        shape = given.get("shape")
        if given.get("batch_shape") is not None:
            shape = tuple(given["batch_shape"])[1:]
        if shape is None:
            self.s.error(
                file, e.span, "missing-argument", "Input needs `shape=`", "e.g. Input(shape=(28, 28, 1))"
            )
        b = scope.builder
        node = InputNode(self.s.next_id(), span=e.span, file=file, site=e, name="", args=given)
        t = self.new_tensor(TensorType(tuple(shape), given.get("dtype") or "float32"), node, e.span, file)
        node.outputs = [t]
        explicit = given.get("name")
        if explicit is not None:
            node.name = explicit
            self._claim_input_name(b, explicit, e.span, file)
        b.graph.inputs.append(t)
        b.graph.nodes.append(node)
        scope.region.append(node)
        return t

    def _claim_input_name(self, b: GraphBuilder, name: str, span, file):
        if name in b.taken:
            self.s.error(
                file,
                span,
                "duplicate-name",
                f'two inputs or layers of model `{b.graph.name}` are named "{name}"',
                "Keras names every layer of a model uniquely; rename one of them",
            )
        b.taken.add(name)

    def name_input(self, scope, t: Tensor, var: str, span):
        """An Input bound to a variable without name=: the variable names it."""
        node = t.node
        if isinstance(node, InputNode) and not node.name:
            node.name = var
            self._claim_input_name(scope.builder, var, span, scope.file)

    def new_tensor(self, ttype, node, span, file, index=0) -> Tensor:
        return Tensor(self.s.next_id(), ttype, node, index, None, span, file)

    # ------------------------------------------------------------ applying
    def call_layer(self, scope, fn: LayerVal, args, kwargs, e: S.Call):
        """`layer(x)`, `layer([a, b])`, `mha(query, value, key=...)`, `attn([q, v], return_attention_scores=true)`,
        and Keras's call-time arguments: `lstm(x, initial_state=[h, c], mask=m, training=true)`."""
        file = scope.file
        op = fn.op
        call_params = op.call_params if op is not None else ()
        ctensors = set(op.call_tensors) if op is not None else set()
        options = {p.name for p in (op.call_options if op is not None else MODEL_CALL_OPTIONS)}
        option_kw = {k: v for k, v in kwargs.items() if k in options and k not in call_params}
        ctensor_kw = {k: v for k, v in kwargs.items() if k in ctensors and k not in call_params}
        tensor_kw = {k: v for k, v in kwargs.items() if k not in option_kw and k not in ctensor_kw}
        for k in tensor_kw:
            if k not in call_params:
                self._unknown_call_argument(scope, fn, k, e)
        call_args = {}
        if option_kw:
            try:
                call_args = dict(op.bind_call(option_kw) if op is not None else _bind_model_call(option_kw))
            except ArgError as err:
                self.s.error(file, arg_span(e, err.arg), err.code, err.message, err.hint)
        call_syms = (
            {k.name: scope.sym(k.value) for k in e.kwargs if k.name in call_args} if scope.tracks_syms else {}
        )
        call_tensors = {k: self._call_tensor(scope, fn, k, v, e) for k, v in ctensor_kw.items()}
        extra = dict(call_args=call_args, call_syms=call_syms, call_tensors=call_tensors)
        if call_params:
            names = call_params
            got = dict(zip(names, args))
            if len(args) > len(names):
                self.s.error(file, e.span, "arity", f"{fn.type_name} takes at most {len(names)} tensors")
            for k, v in tensor_kw.items():
                if k in got:
                    self.s.error(file, e.span, "duplicate-argument", f"`{k}` is given twice")
                got[k] = v
            need = getattr(op, "required_call_params", names[:1])
            for n in need:
                if n not in got:
                    self.s.error(file, e.span, "arity", f"{fn.type_name} needs the `{n}` tensor")
            tensors = {n: got[n] for n in names if n in got}
            return self.apply(scope, fn, tensors, e.span, site=e, **extra)
        if len(args) != 1:
            self.s.error(
                file,
                e.span,
                "arity",
                f"{fn.type_name} is applied to one tensor or one list of tensors, got {len(args)} arguments",
                "pass several tensors as a list: layer([a, b])",
            )
        return self.apply(
            scope,
            fn,
            {"inputs": args[0]},
            e.span,
            list_input=isinstance(args[0], list),
            site=e,
            **extra,
        )

    def _unknown_call_argument(self, scope, fn: LayerVal, k: str, e: S.Call):
        """A keyword the layer's call() does not take: the ones it takes, or where `k` belongs."""
        op = fn.op
        kspan = next(kk.span for kk in e.kwargs if kk.name == k)
        call_params = op.call_params if op is not None else ()
        takes = [
            *call_params,
            *(op.call_arguments() if op is not None else [p.name for p in MODEL_CALL_OPTIONS]),
        ]
        is_ctor = op is not None and k in {p.name for p in op.all_params()}
        if takes:
            hint = f"applying {fn.type_name} takes {', '.join(f'`{t}`' for t in takes)}"
        else:
            hint = f"{fn.type_name} is applied to its input tensor only"
        near = suggestion(k, takes)
        if near:
            hint += f"; {near}"  # suggestion() says "did you mean `x`?"
        elif is_ctor:
            hint += f"; `{k}` is an option of the layer itself: {fn.type_name}({k}=...)(x)"
        elif k == "training":
            hint += f"; {fn.type_name} computes the same in training and inference, drop `training=`"
        elif k == "mask" or k.endswith("_mask"):
            hint += f"; {fn.type_name} does not take a mask"
        self.s.error(
            scope.file, kspan, "unknown-argument", f"applying {fn.type_name} takes no argument `{k}`", hint
        )

    def _call_tensor(self, scope, fn: LayerVal, k: str, v, e: S.Call):
        """A tensor given as a call argument (`initial_state=[h, c]`, `mask=m`): a tensor, None,
        or a list of them."""
        if v is None or isinstance(v, Tensor):
            return v
        if isinstance(v, (list, tuple)) and all(x is None or isinstance(x, Tensor) for x in v):
            return list(v)
        hint = None
        if isinstance(v, Results) or (
            isinstance(v, (list, tuple)) and any(isinstance(x, Results) for x in v)
        ):
            hint = "unpack the results first: out, h, c = LSTM(..., return_state=true)(x)"
        self.s.error(
            scope.file,
            arg_span(e, k),
            "type-error",
            f"`{k}` of {fn.type_name} takes a tensor or a list of tensors, got {kind_of(v)}",
            hint,
        )

    def merge_operator(self, scope, cls: str, tensors: list, e):
        """`a + b` on tensors: Keras's Add/Subtract/Multiply."""
        op = REGISTRY[cls]
        lv = LayerVal(op, {}, op.full({}), e.span, scope.file)
        lv.function_form = True
        return self.apply(scope, lv, {"inputs": tensors}, e.span, list_input=True, site=e)

    def apply(
        self,
        scope,
        lv: LayerVal,
        tensors: dict,
        span,
        list_input=False,
        out_name=None,
        site=None,
        call_args=None,
        call_syms=None,
        call_tensors=None,
    ):
        file = scope.file
        b: GraphBuilder = scope.builder
        graph = b.graph
        flat = []
        for v in tensors.values():
            flat.extend(v if isinstance(v, list) else [v])
        if any(x is POISON for x in flat) or lv is POISON:
            raise Abort()
        for x in flat:
            if isinstance(x, Results):
                self.s.error(
                    file,
                    span,
                    "type-error",
                    f"{lv.type_name} got several tensors (a multi-result layer or block) as one input",
                    "unpack them first: out, h, c = LSTM(..., return_state=true)(x)",
                )
            if not isinstance(x, Tensor):
                self.s.error(
                    file, span, "type-error", f"{lv.type_name} must be applied to tensors, got {kind_of(x)}"
                )
        if lv.layer == "wrapped":
            self.s.error(
                file, span, "type-error", "this layer is wrapped by another layer and cannot be applied"
            )
        if lv.layer is not None and not lv.shared:
            self.s.error(
                file,
                span,
                "reuse-without-share",
                f"{lv.type_name} layer `{lv.var or lv.layer.name}` is applied a second time; without `share` "
                "a layer may be applied only once",
                f"to share its weights on purpose, declare it as `share {lv.var or 'name'} = ...`; "
                "to get fresh weights, construct a new layer",
                [
                    Note(lv.first_call_file, lv.first_call_span, "first applied here"),
                    Note(lv.file, lv.span, "constructed here"),
                ],
            )
        if lv.layer is not None and lv.layer.owner is not graph:
            self.s.error(file, span, "type-error", "a layer cannot be used in two different models")
        self.s.budget.layer()  # LimitExceeded ends the compilation (see Statements.exec_body)
        multi = set(tensors) != {"inputs"}
        call_args = call_args or {}
        call_tensors = call_tensors or {}
        if lv.op is not None:
            outs, weights = self._infer(
                scope, lv, flat, span, list_input, multi, call_args, call_tensors, site
            )
        else:
            outs, weights = self._infer_model(lv, flat, span, file), []
        if lv.layer is None:
            layer = self._new_layer(scope, lv, weights, out_name)
            lv.layer = layer
            lv.first_call_span, lv.first_call_file = span, file
        else:
            layer = lv.layer
            if lv.op is not None and [w.shape for w in weights] != [w.shape for w in layer.weights]:
                first = layer.nodes[0]
                self.s.error(
                    file,
                    span,
                    "shared-shape",
                    f"shared {lv.type_name} `{layer.name}` was built for input {first.inputs[0].type} "
                    f"but is applied to {flat[0].type}",
                    "a shared layer must see the same feature sizes at every call",
                    [Note(first.file, first.span, f"first applied here to {first.inputs[0].type}")],
                )
        node = LayerNode(
            self.s.next_id(),
            span=span,
            file=file,
            block=b.current_block,
            site=site,
            layer=layer,
            tensors=dict(tensors),
            list_input=list_input,
            call_args=dict(call_args),
            call_syms=dict(call_syms or {}),
            call_tensors=dict(call_tensors),
        )
        node.outputs = [self.new_tensor(t, node, span, file, i) for i, t in enumerate(outs)]
        masks.propagate(self, scope, node, list_input)
        layer.nodes.append(node)
        graph.nodes.append(node)
        b.current_items.append(node)
        scope.region.append(node)
        if len(node.outputs) == 1:
            return node.outputs[0]
        return Results(list(node.outputs))

    def _infer(self, scope, lv, flat, span, list_input, multi, call_args, call_tensors=None, site=None):
        file = scope.file
        op = lv.op
        if op.takes_list:
            if not list_input:
                self.s.error(
                    file, span, "type-error", f"{op.name} takes a list of tensors: {op.name}()([a, b])"
                )
            if len(flat) < op.min_inputs:
                self.s.error(
                    file, span, "arity", f"{op.name} needs at least {op.min_inputs} inputs, got {len(flat)}"
                )
        elif list_input and not multi:
            self.s.error(file, span, "type-error", f"{op.name} takes one tensor, not a list")
        types = [x.type for x in flat]
        a = op.with_call(lv.args, call_args)
        try:
            inst = op()
            inst.site = (file, span)  # where an `extern` layer's rules report their errors
            outs = inst.infer(a, types)
            weights = inst.weights(a, types)
        except ShapeError as err:
            notes = []
            for i, x in enumerate(flat):
                if err.input_index is None or err.input_index == i or err.code == "shape-mismatch":
                    notes.append(self.made_note(x, i, len(flat)))
            hint = err.hint
            if (
                err.code == "rank-mismatch"
                and hint
                and "return_sequences" in hint
                and flat[0].call is not None
            ):
                prod = flat[0].call
                notes = [Note(prod.file, prod.span, f"{prod.layer.type_name} here returns {flat[0].type}")]
            self.s.error(file, span, err.code, err.message, hint, notes)
        if call_tensors:
            self._check_call_tensors(scope, lv, a, types, call_tensors, site)
        if lv.args.get("activation") == "glu":
            # Keras's symbolic shapes ignore that glu halves the last axis, so the
            # functional model it builds disagrees with what it computes
            self.s.error(
                file,
                span,
                "unsupported",
                'activation="glu" is not supported: Keras infers the last axis unchanged but '
                "glu halves it, so the Keras model breaks",
                "use a Dense of twice the size and multiply its halves, or another activation",
            )
        if not lv.args.get("trainable", True):
            weights = [type(w)(w.name, w.shape, False) for w in weights]
        for msg, hint in inst.warnings(a, types, outs):
            self.s.warn(file, span, "degenerate", msg, hint)
        return outs, weights

    def _check_call_tensors(self, scope, lv, a, types, call_tensors, site):
        given = {
            k: ([x.type if x is not None else None for x in v] if isinstance(v, list) else v.type)
            for k, v in call_tensors.items()
            if v is not None
        }
        try:
            op_instance(lv.op).check_call_tensors(a, types, given)
        except (ShapeError, ArgError) as err:
            span = arg_span(site, err.arg) if isinstance(site, S.Call) else lv.span
            notes = []
            v = call_tensors.get(err.arg)
            for x in v if isinstance(v, list) else [v] if v is not None else []:
                if x is not None and x.call is not None:
                    notes.append(Note(x.file, x.span, f"{x.var or 'this tensor'} {x.type} is made here"))
            self.s.error(scope.file, span, err.code, err.message, err.hint, notes[:3])

    def _infer_model(self, lv, flat, span, file):
        g = lv.graph
        if len(flat) != len(g.inputs):
            self.s.error(
                file,
                span,
                "arity",
                f"model `{g.name}` takes {len(g.inputs)} input{'s' if len(g.inputs) != 1 else ''}, got {len(flat)}",
            )
        for i, (x, gi) in enumerate(zip(flat, g.inputs)):
            if not compatible(x.type.shape, gi.type.shape):
                self.s.error(
                    file,
                    span,
                    "shape-mismatch",
                    f"model `{g.name}` input {i} expects shape {gi.type}, got {x.type}",
                    notes=[self.made_note(x, i, len(flat))],
                )
        return reinfer(g, [x.type for x in flat])

    def _new_layer(self, scope, lv: LayerVal, weights, out_name) -> Layer:
        b: GraphBuilder = scope.builder
        graph = b.graph
        explicit = lv.args.get("name") if lv.op is not None else None
        if explicit and explicit in b.taken:
            self.s.error(
                scope.file,
                lv.span,
                "duplicate-name" if explicit not in {la.name for la in graph.layers} else "redefinition",
                f'two layers are named "{explicit}" in model `{graph.name}`',
            )
        if out_name:
            name = out_name
        elif explicit:
            name = explicit
        elif lv.op is None:
            name = b.fresh_name(snake(lv.graph.name) if lv.var is None else lv.var)
        elif lv.shared and lv.var:
            name = b.fresh_name(lv.var)
        elif b.blocks:
            name = b.fresh_name(f"{b.blocks[-1].instance}_{snake(lv.op.name)}")
        else:
            name = b.fresh_name(snake(lv.op.name))
        layer = Layer(
            len(graph.layers),
            lv.op,
            lv.given,
            name,
            lv.span,
            lv.file,
            shared=lv.shared,
            var=lv.var,
            graph=lv.graph,
            weights=weights,
            explicit_name=bool(explicit),
            full_args=lv.args,
            raw_args=lv.raw,
            arg_syms=lv.arg_syms,
            function_form=lv.function_form,
            owner=graph,
            ctor_site=lv.site,
        )
        if lv.inner is not None:
            layer.inner = lv.inner
        graph.layers.append(layer)
        b.taken.add(name)
        return layer

    def made_note(self, x: Tensor, i: int, n: int) -> Note:
        which = f"input {i}" if n > 1 else "the input"
        if x.call is None:
            return Note(
                x.file, x.span, f"{which} {x.var or ''} has shape {x.type} (an Input)".replace("  ", " ")
            )
        return Note(x.file, x.span, f"{which} has shape {x.type}, made by {x.call.layer.type_name} here")

    # ------------------------------------------------------------ outputs
    def add_output(self, scope, ident: S.Ident, value):
        file = scope.file
        b: GraphBuilder = scope.builder
        graph = b.graph
        if value is POISON:
            return
        if not isinstance(value, Tensor):
            self.s.error(
                file, ident.span, "type-error", f"output `{ident.id}` must be a tensor, got {kind_of(value)}"
            )
        for o in graph.outputs:
            if o.name == ident.id:
                self.s.error(
                    file,
                    ident.span,
                    "duplicate-output",
                    f"output `{ident.id}` is declared twice",
                    "give each output its own name",
                    [Note(file, o.span, "first declared here")],
                )
        self.it.check_bindable(file, ident)
        if any(t.input_name == ident.id for t in graph.inputs):
            inp = next(t for t in graph.inputs if t.input_name == ident.id)
            self.s.error(
                file,
                ident.span,
                "duplicate-name",
                f"output `{ident.id}` has the name of the input `{ident.id}`; Keras names every "
                "input and output layer of a model uniquely",
                f"name the output differently (e.g. `output {ident.id}_out = ...`), or give the Input "
                f'another name with Input(..., name="{ident.id}_in")',
                [Note(inp.file, inp.span, "the input is declared here")],
            )
        # name the producing layer after the output, as Keras logs use layer names
        call = value.call
        if (
            call is not None
            and call.layer.explicit_name
            and call.layer.name == ident.id
            and len(call.outputs) == 1
            and not any(o.tensor is value for o in graph.outputs)
        ):
            value.var = ident.id
            graph.outputs.append(Output(ident.id, value, ident.span))
            return
        renamable = (
            call is not None
            and not call.layer.shared
            and not call.layer.explicit_name
            and len(call.layer.nodes) == 1
            and len(call.outputs) == 1
            and not any(o.tensor is value for o in graph.outputs)
            and call.layer.owner is graph
        )
        if renamable:
            self._rename(b, call.layer, ident.id, file, ident.span)
        else:
            # wrap in an Identity layer named after the output
            op = REGISTRY[IDENTITY]
            lv = LayerVal(op, {}, op.full({}), ident.span, file)
            value = self.apply(scope, lv, {"inputs": value}, ident.span, out_name=ident.id, site=ident)
        value.var = ident.id
        graph.outputs.append(Output(ident.id, value, ident.span))

    def _rename(self, b: GraphBuilder, layer, name, file, span):
        graph = b.graph
        for other in graph.layers if name in b.taken else ():
            if other is not layer and other.name == name:
                if other.explicit_name:
                    self.s.error(
                        file,
                        span,
                        "duplicate-output",
                        f'output `{name}` clashes with the layer explicitly named "{name}"',
                    )
                # move the auto-named layer out of the way
                other.name = b.fresh_name(snake(other.type_name))
                b.taken.add(other.name)
        b.taken.discard(layer.name)
        b.taken.add(name)
        layer.name = name


def reinfer(g: Graph, input_types: list) -> list:
    """Output types of sub-model `g` applied to inputs of `input_types` (Keras
    recomputes shapes when a model is called on a more specific input)."""
    types = {t.id: it for t, it in zip(g.inputs, input_types)}
    for call in g.calls:
        ins = [types.get(t.id, t.type) for t in call.inputs]
        layer = call.layer
        try:
            if layer.op is not None:
                outs = layer.op().infer(layer.op.with_call(layer.full_args, call.call_args), ins)
            else:
                outs = reinfer(layer.graph, ins)
        except (ShapeError, ArgError):
            outs = [t.type for t in call.outputs]
        for t, ot in zip(call.outputs, outs):
            types[t.id] = ot
    return [types.get(t.id, t.type) for t in (o.tensor for o in g.outputs)]
