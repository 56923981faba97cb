"""A Keras model configuration (keras_config.KModel) -> GDL source.

The model becomes a flat program (program.py): its inputs, one statement per
layer call in a dependency order that keeps chains together, `share` for layers
called more than once, a `model` definition for every nested model, the
outputs, and `compile(...)` from the compile configuration.  fold.py then
folds repeated structure into blocks and loops; the text is printed, laid out
by `graphc fmt`, and checked: graphc compiles it, and the compiled graph must
have every Keras layer (name, class, arguments, calls and their inputs), input
and output.  A folded program that fails the check is replaced by the flat one.
"""

from __future__ import annotations

import heapq
import struct
from dataclasses import dataclass, field

from graphc.importer import keras_config as K
from graphc.importer.layers import (
    LayerSpec,
    Unsupported,
    dtype_name,
    layer_spec,
    same,
    short,
    snake,
)
from graphc.importer.program import (
    IDENT,
    Alias,
    Call,
    Comment,
    Ctor,
    Input,
    ModelRef,
    Namespace,
    OpRef,
    OutputList,
    Share,
    Unprintable,
    Val,
    is_identifier,
    lit,
    render_body,
)


class ImportFailed(Exception):
    """The model cannot be written in GDL: `problems` are one line each."""

    def __init__(self, problems: list):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Result:
    text: str
    notes: list = field(default_factory=list)  # one line each: what was rewritten or left as a comment
    stats: dict = field(default_factory=dict)


@dataclass(eq=False)
class ModelProg:
    """One GDL `model` definition."""

    kmodel: K.KModel
    name: str  # the GDL definition name
    keras_name: str
    params: list  # [(name, value)] (name="..." when the Keras name is not the definition name)
    body: list  # statements
    ns: Namespace
    vals: dict  # key -> Val
    specs: dict  # layer name -> LayerSpec | ModelProg
    outputs: list  # [(output name, Val)]
    blocks: list = field(default_factory=list)  # BlockDefs made by folding
    nested: list = field(default_factory=list)  # ModelProgs this one uses
    how: dict = field(default_factory=dict)  # nested layer name -> "call" | "share"
    compile_line: str | None = None
    compile_notes: list = field(default_factory=list)
    identity_outputs: set = field(default_factory=set)  # outputs graphc names with an Identity layer
    input_note: str | None = None


def output_name_ok(n: str) -> bool:
    """May `n` be a GDL output (a variable bound in the model)?  Shadowing a
    lowercase merge function is harmless (the program never calls one)."""
    from graphc.compiler.parse import RESERVED
    from graphc.importer.program import is_reserved
    from graphc.ops.base import FUNCTIONS

    if not IDENT.match(n) or n in RESERVED:
        return False
    return n in FUNCTIONS or not is_reserved(n)


class Converter:
    def __init__(self, kmodel: K.KModel, model_name: str | None = None):
        self.kmodel = kmodel
        self.model_name = model_name
        self.problems: list = []
        self.notes: list = []
        self.top_ns = Namespace()
        self.defs: list = []  # ModelProgs in definition order (nested first)

    # ------------------------------------------------------------ entry
    def build(self) -> ModelProg:
        top = self.model(self.kmodel, top=True)
        if self.problems:
            raise ImportFailed(self.problems)
        return top

    def problem(self, layer: K.KLayer | None, message: str, model: K.KModel | None = None):
        where = f"layer {layer.name!r} ({layer.class_name})" if layer is not None else f"model {model.name!r}"
        self.problems.append(f"{where}: {message}")

    # ------------------------------------------------------------ one model
    def model(self, km: K.KModel, top: bool = False, layer: K.KLayer | None = None) -> ModelProg:
        specs: dict = {}
        nested: list = []
        for kl in km.layers:
            try:
                specs[kl.name] = self.layer(kl)
            except Unsupported as exc:
                self.problem(kl, str(exc))
                continue
            if isinstance(specs[kl.name], ModelProg):
                nested.append(specs[kl.name])
        if top and self.model_name:
            dname = self.model_name
            if not is_identifier(dname) or not self.top_ns.is_free(dname):
                raise ImportFailed([f"--model-name {dname!r} is not a free GDL identifier"])
            self.top_ns.take(dname)
        elif layer is not None and not (
            len(layer.calls) == 1 and is_identifier(km.name) and snake(km.name) == km.name == layer.name
        ):
            # applied as `share NAME = def()`: NAME is the Keras name, the definition another
            dname = self.top_ns.fresh(f"{km.name}_model", "model")
        elif is_identifier(km.name) and self.top_ns.is_free(km.name):
            dname = self.top_ns.take(km.name)
        else:
            dname = self.top_ns.fresh(km.name, "model")
        # a nested model applied through `share NAME = def()` is named NAME (its layer name)
        shared_route = layer is not None and dname != km.name
        params = [] if dname == km.name or shared_route else [("name", km.name)]
        prog = ModelProg(km, dname, km.name, params, [], Namespace(), {}, specs, [], nested=nested)
        if km.config.get("trainable", True) is False:
            self.problem(None, "the whole model is frozen (trainable=False), which GDL has no form for", km)
        try:
            dt = dtype_name(km.config.get("dtype"))
            if dt not in (None, "float32"):
                self.problem(None, f"model dtype policy {dt!r} has no GDL form", km)
        except Unsupported as exc:
            self.problem(None, str(exc), km)
        if km.input_struct == "dict":
            prog.input_note = (
                "Keras took this model's inputs as a dict keyed by "
                + ", ".join(map(repr, km.input_keys))
                + "; GDL models take them in this order"
            )
        if not self.problems:
            self.body(prog)
            if top and km.compile_config:
                self.compile(prog, km.compile_config)
        self.defs.append(prog)
        return prog

    def layer(self, layer: K.KLayer):
        if layer.model is not None:
            return self.model(layer.model, layer=layer)
        module = layer.module or ""
        if module.startswith("keras.src.ops") or module.startswith("keras.ops"):
            return op_spec(layer)
        return layer_spec(layer.class_name, layer.config, layer.module, layer.registered_name)

    # ------------------------------------------------------------ statements
    def body(self, prog: ModelProg):
        km = prog.kmodel
        ns = prog.ns
        ns.parent = self.top_ns
        vals = prog.vals
        body = prog.body
        # outputs: their names first (they are variables of the model).  An output
        # that graphc cannot name by its layer (a result of a shared, nested or
        # multi-result layer, or a dict key) gets an Identity layer named after
        # it, so its name must not be another layer's.
        out_names: list = []
        layer_names = {la.name for la in km.layers} | {inp.name for inp in km.inputs}
        seen_refs: set = set()
        for i, (key, ref) in enumerate(km.outputs):
            name = key if key is not None else ref.layer
            if not isinstance(name, str) or not output_name_ok(name):
                self.problem(
                    None,
                    f"output {short(name)} is not a GDL identifier (GDL names outputs by variables); "
                    "rename the layer in Keras",
                    km,
                )
                continue
            la = km.layer(ref.layer)
            spec = prog.specs.get(ref.layer)
            named_by_layer = (
                la is not None
                and name == la.name
                and isinstance(spec, LayerSpec)
                and spec.n_outputs == 1
                and len(la.calls) == 1
                and ref not in seen_refs
            )
            seen_refs.add(ref)
            if name in out_names or (not named_by_layer and name in layer_names):
                fresh = name + "_out"
                n = 2
                while fresh in layer_names or fresh in out_names or not ns.is_free(fresh):
                    fresh, n = f"{name}_out{n}", n + 1
                self.notes.append(
                    f"model {km.name!r}: output {i} is named {name!r} in Keras, which GDL cannot give it "
                    f"(it is a layer's name); it is named {fresh!r}"
                )
                name = fresh
            ns.take(name)
            out_names.append(name)
        if self.problems:
            return
        # inputs
        input_names = set()
        for inp in km.inputs:
            val = Val(("input", inp.name), pinned=True)
            if inp.name in out_names:
                self.problem(
                    None,
                    f"input {inp.name!r} is also an output name; GDL needs distinct names "
                    "(an input returned as an output)",
                    km,
                )
                continue
            if is_identifier(inp.name) and ns.is_free(inp.name):
                val.var = ns.take(inp.name)
            else:
                val.var = ns.fresh(inp.name, "input")
            vals[val.key] = val
            input_names.add(inp.name)
            try:
                ctor = self.input_ctor(inp, val.var)
            except Unsupported as exc:
                self.problem(None, f"input {inp.name!r}: {exc}", km)
                continue
            body.append(Input(val, ctor))
        if self.problems:
            return
        for i, (_, ref) in enumerate(km.outputs):
            if ref.layer in input_names:
                self.problem(
                    None, f"output {i} is the input {ref.layer!r} itself; GDL has no form for that", km
                )
        if self.problems:
            return
        calls = order_calls(km)
        # result values
        for call in calls:
            n = self._n_out(prog.specs[call.layer.name])
            for j in range(n):
                vals[(call.layer.name, call.index, j)] = Val((call.layer.name, call.index, j))
        out_of = {}
        for (_key, ref), name in zip(km.outputs, out_names):
            k = (ref.layer, ref.node, ref.index)
            if k not in vals:
                self.problem(
                    None,
                    f"output {name!r} refers to result {ref.index} of {ref.layer!r}, which has fewer",
                    km,
                )
                continue
            out_of.setdefault(k, []).append(name)
            prog.outputs.append((name, vals[k]))
        if self.problems:
            return
        # each output value carries its name, once (a tensor output twice gets an Identity for the second)
        for name, v in prog.outputs:
            if not v.pinned:
                v.var, v.pinned = name, True
        # inline `output NAME = ...` when every output is the single result of its own
        # unshared layer call, in the Keras output order; else `output a, b` at the end
        pos = {(c.layer.name, c.index): i for i, c in enumerate(calls)}
        inline: dict = {}
        last = -1
        for name, v in prog.outputs:
            spec = prog.specs[v.key[0]]
            i = pos[(v.key[0], v.key[1])]
            layer = km.layer(v.key[0])
            if (
                not isinstance(spec, LayerSpec)
                or spec.n_outputs != 1
                or len(layer.calls) != 1
                or i <= last
                or (v.key[0], v.key[1]) in inline
            ):
                inline = None
                break
            inline[(v.key[0], v.key[1])] = name
            last = i
        shared_done: dict = {}
        for call in calls:
            layer = call.layer
            spec = prog.specs[layer.name]
            n_calls = len(layer.calls)
            outs = [vals[(layer.name, call.index, j)] for j in range(self._n_out(spec))]
            try:
                ins, kw = self.call_args(call, spec, vals)
            except Unsupported as exc:
                self.problem(layer, str(exc))
                continue
            out_name = inline.get((layer.name, call.index)) if inline is not None else None
            if isinstance(spec, OpSpec):
                callee = OpRef(spec.fn.name, spec.fn.operator)
            elif isinstance(spec, ModelProg):
                callee = self.nested_callee(prog, layer, spec, n_calls, shared_done, body)
            elif n_calls > 1:
                if layer.name not in shared_done:
                    if is_identifier(layer.name) and ns.is_free(layer.name):
                        var = ns.take(layer.name)
                        ctor = spec.ctor  # `share NAME = L(...)` names the layer NAME
                    else:
                        var = ns.fresh(layer.name, "layer")
                        ctor = with_name(spec.ctor, layer.name)
                    body.append(Share(var, ctor))
                    shared_done[layer.name] = var
                callee = shared_done[layer.name]
            else:
                # explicit for now: elide_names() drops the names graphc would give anyway
                callee = with_name(spec.ctor, layer.name)
            st = Call(outs, callee, ins, kw, layer=layer.name, call_index=call.index, output=out_name)
            body.append(st)
        # outputs whose name differs from their layer's: graphc adds an Identity layer named after them
        seen_vals: set = set()
        for name, v in prog.outputs:
            if v.key[0] != name or id(v) in seen_vals:
                prog.identity_outputs.add(name)
            seen_vals.add(id(v))
        if inline is None:
            for name, v in prog.outputs:
                if v.var != name:
                    body.append(Alias(ns.take(name) if ns.is_free(name) else name, v))
            body.append(OutputList([name for name, _ in prog.outputs]))

    def _n_out(self, spec) -> int:
        return spec.n_outputs if isinstance(spec, (LayerSpec, OpSpec)) else len(spec.kmodel.outputs)

    def nested_callee(self, prog, layer, sub: ModelProg, n_calls, shared_done, body):
        """How a nested model is instantiated: `def()(x)` when graphc's name for
        it (snake of the definition's name) is the Keras layer name, else `share
        NAME = def()` (a shared model is named after its variable)."""
        ns = prog.ns
        if layer.name in shared_done:
            return shared_done[layer.name]
        if n_calls == 1 and snake(sub.name) == layer.name and not sub.params:
            prog.how[layer.name] = "call"
            return ModelRef(sub.name)
        if not (is_identifier(layer.name) and ns.is_free(layer.name)):
            raise_problem = (
                f"nested model {layer.name!r}: graphc names a model used as a layer after its variable "
                "(`share NAME = model()`) or its definition, so its Keras name must be a free GDL identifier"
            )
            self.problem(layer, raise_problem)
            shared_done[layer.name] = "_"
            return "_"
        var = ns.take(layer.name)
        body.append(Share(var, ModelRef(sub.name)))
        shared_done[layer.name] = var
        prog.how[layer.name] = "share"
        return var

    def call_args(self, call: K.KCall, spec, vals) -> tuple:
        """The tensor arguments of a call, and its call options."""
        args, kwargs = call.args, dict(call.kwargs)
        for k in ("mask", "training"):
            v = kwargs.pop(k, None)
            if k == "training" and v is True:
                raise Unsupported(
                    "called with training=True (a layer forced into training mode) has no GDL form"
                )
            if k == "mask" and v is not None:
                raise Unsupported("called with an explicit mask= tensor, which GDL cannot pass")
            if k == "training" and v not in (None, False):
                raise Unsupported(f"called with training={short(v)}")

        def tensors(a):
            if isinstance(a, K.Ref):
                key = (a.layer, a.node, a.index) if ("input", a.layer) not in vals else ("input", a.layer)
                if key not in vals:
                    raise Unsupported(f"is applied to result {a.index} of {a.layer!r}, which does not exist")
                return vals[key]
            if isinstance(a, (list, tuple)) and a and all(isinstance(x, K.Ref) for x in a):
                return [tensors(x) for x in a]
            raise Unsupported(f"is applied to {short(a)}, which is not a tensor or a list of tensors")

        if isinstance(spec, OpSpec):
            return self.op_args(call, spec, vals)
        op = getattr(spec, "op", None)
        call_params = getattr(op, "call_params", ()) if op is not None else ()
        if call_params:
            if len(args) > len(call_params):
                raise Unsupported(
                    f"is called with {len(args)} tensors; graphc's {op.name} takes {len(call_params)}"
                )
            ins = [tensors(a) for a in args]
            kw = []
            for k in list(kwargs):
                if k in call_params:
                    if kwargs[k] is not None:
                        kw.append((k, tensors(kwargs[k])))
                    kwargs.pop(k)
        else:
            if len(args) != 1:
                raise Unsupported(f"is called with {len(args)} positional arguments; GDL applies it to one")
            ins = [tensors(args[0])]
            kw = []
        if op is not None:
            options = {p.name: p for p in op.call_options}
            for k in list(kwargs):
                if k in options:
                    v = kwargs.pop(k)
                    if not same(v, options[k].default):
                        kw.append((k, v))
        if kwargs:
            raise Unsupported(
                "is called with "
                + ", ".join(f"{k}={short(v, 30)}" for k, v in kwargs.items())
                + ", which GDL cannot pass"
            )
        return ins, kw

    def op_args(self, call: K.KCall, spec: OpSpec, vals) -> tuple:
        """A function's arguments: tensors as values, the rest as literals (by Keras's order)."""
        from graphc.importer.layers import plain

        def value(a):
            if isinstance(a, K.Ref):
                key = (a.layer, a.node, a.index) if ("input", a.layer) not in vals else ("input", a.layer)
                if key not in vals:
                    raise Unsupported(f"is applied to result {a.index} of {a.layer!r}, which does not exist")
                return vals[key]
            if isinstance(a, list) and any(isinstance(x, K.Ref) for x in a):
                return [value(x) for x in a]
            if isinstance(a, dict):
                raise Unsupported(f"keras.ops.{spec.fn.name} with the argument {short(a)} has no GDL form")
            return plain(a)

        names = [p.name for p in spec.fn.params]
        if len(call.args) > len(names) and spec.fn.varargs is None:
            raise Unsupported(f"keras.ops.{spec.fn.name} is called with {len(call.args)} arguments")
        ins = [value(a) for a in call.args]
        kw = [(k, value(v)) for k, v in call.kwargs.items()]
        for k, _ in kw:
            if k not in names:
                raise Unsupported(f"keras.ops.{spec.fn.name} has no argument `{k}` in graphc")
        return ins, kw

    def input_ctor(self, inp: K.KInput, var: str) -> Ctor:
        from graphc.ops import REGISTRY
        from graphc.ops.base import ArgError

        cfg = dict(inp.config)
        shape = cfg.pop("batch_shape", None)
        if shape is None:
            shape = cfg.pop("batch_input_shape", None)
        cfg.pop("name", None)
        if not isinstance(shape, list) or not shape:
            raise Unsupported(f"no batch_shape (got {short(shape)})")
        if not all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in shape):
            raise Unsupported(f"batch_shape {short(shape)} is not a shape")
        kw: list = [("shape", tuple(shape[1:]))]
        if shape[0] is not None:
            kw.append(("batch_size", shape[0]))
        dt = dtype_name(cfg.pop("dtype", None))
        if dt not in (None, "float32"):
            kw.append(("dtype", dt))
        for k, default in (("sparse", False), ("ragged", False), ("optional", False)):
            v = cfg.pop(k, default)
            if v is not default and v != default:
                if k == "ragged":
                    raise Unsupported("ragged inputs have no GDL form")
                kw.append((k, v))
        for k, v in cfg.items():
            if k in ("input_tensor",) and v is None:
                continue
            raise Unsupported(f"InputLayer argument `{k}`={short(v, 30)} has no GDL form")
        if var != inp.name:
            kw.append(("name", inp.name))
        try:
            REGISTRY["Input"].bind([], dict(kw))
        except ArgError as exc:
            raise Unsupported(exc.message) from None
        return Ctor("Input", [], kw)

    # ------------------------------------------------------------ compile
    def compile(self, prog: ModelProg, cc: dict):
        from graphc.importer.training import compile_line

        line, notes = compile_line(cc, [n for n, _ in prog.outputs], prog.kmodel.output_struct)
        prog.compile_line = line
        prog.compile_notes = notes
        for n in notes:
            self.notes.append(f"compile: {n}")


class OpSpec:
    """A keras.ops operation of the model: its function in graphc's catalog."""

    def __init__(self, fn, n_outputs: int):
        self.fn, self.n_outputs = fn, n_outputs
        self.op = None


def op_spec(layer: K.KLayer) -> OpSpec:
    from graphc.catalog.functions import FUNCTIONS
    from graphc.compiler.functions import MULTI

    base = snake(layer.class_name)
    fn = FUNCTIONS.get(base) or FUNCTIONS.get(base.replace("_", ""))
    if fn is None:
        raise Unsupported(f"keras.ops.{base} (an operation on tensors) has no GDL form")
    extra = {k for k in layer.config if k not in ("name", "dtype", "trainable")}
    if extra:
        raise Unsupported(f"keras.ops.{fn.name} with {', '.join(sorted(extra))} has no GDL form")
    return OpSpec(fn, 2 if fn.name in MULTI else 1)


class AutoNames:
    """graphc's fresh_name for layers named by the compiler (graphs.GraphBuilder)."""

    def __init__(self, taken: set, outputs: set):
        self.taken = set(taken)
        self.counts: dict = {}
        self.outputs = outputs

    def fresh(self, base: str, dry: bool = False) -> str:
        counts = dict(self.counts) if dry else self.counts
        while True:
            n = counts.get(base, 0)
            counts[base] = n + 1
            name = base if n == 0 else f"{base}_{n}"
            if name not in self.taken and name not in self.outputs:
                if not dry:
                    self.taken.add(name)
                return name


def elide_names(items: list, inputs: list, outputs: list = ()) -> None:
    """Drop `name=` where graphc names the layer the same way by itself
    (graphs.GraphBuilder.fresh_name, replayed over the statements in order)."""
    from graphc.importer.program import BlockCall

    auto = AutoNames(set(inputs), set())
    out_ids = {id(v) for v in outputs}
    for st in items:
        if isinstance(st, Share):
            named = name_of(st.ctor) if isinstance(st.ctor, Ctor) else None
            if named is None:
                auto.fresh(st.var)
            else:
                auto.taken.add(named)
        elif isinstance(st, BlockCall):
            auto.taken.update(st.layer_names)
        elif isinstance(st, Call):
            if isinstance(st.callee, ModelRef):
                auto.fresh(st.layer)
            elif isinstance(st.callee, Ctor):
                base = snake(st.callee.cls)
                if st.output is not None and st.output == st.layer:
                    # `output NAME = L(...)`: made under an auto name, renamed to NAME
                    auto.fresh(base)
                    auto.taken.add(st.layer)
                    st.callee = without_name(st.callee)
                elif (
                    st.output is None
                    and not any(id(v) in out_ids for v in st.outs)
                    and auto.fresh(base, dry=True) == st.layer
                ):
                    auto.fresh(base)
                    st.callee = without_name(st.callee)
                    st.auto_named = True
                else:
                    auto.taken.add(st.layer)
            if st.output is not None:
                auto.outputs.add(st.output)


def name_of(ctor: Ctor):
    for k, v in ctor.kw:
        if k == "name":
            return v
    return None


def without_name(ctor: Ctor) -> Ctor:
    c = Ctor(ctor.cls, list(ctor.pos), [(k, v) for k, v in ctor.kw if k != "name"])
    c.spec = getattr(ctor, "spec", None)
    return c


def with_name(ctor: Ctor, name: str) -> Ctor:
    c = Ctor(ctor.cls, list(ctor.pos), list(ctor.kw) + [("name", name)])
    c.spec = getattr(ctor, "spec", None)
    return c


def order_calls(km: K.KModel) -> list:
    """Every call of every layer in an order where inputs come first, a
    layer's calls keep their Keras order, and a chain continues where it can
    (the consumer of what was just written comes next)."""
    calls = [c for layer in km.layers for c in layer.calls]
    index = {id(c): i for i, c in enumerate(calls)}
    by_key = {(c.layer.name, c.index): c for c in calls}
    deps: dict = {id(c): set() for c in calls}
    users: dict = {id(c): [] for c in calls}
    for c in calls:
        for r in K.iter_refs((c.args, c.kwargs)):
            p = by_key.get((r.layer, r.node))
            if p is not None:
                deps[id(c)].add(id(p))
        if c.index > 0:
            deps[id(c)].add(id(c.layer.calls[c.index - 1]))
    for c in calls:
        for d in deps[id(c)]:
            users[d].append(c)
    for u in users.values():
        u.sort(key=lambda c: index[id(c)])
    remaining = {k: len(v) for k, v in deps.items()}
    ready = [index[id(c)] for c in calls if not deps[id(c)]]
    heapq.heapify(ready)
    done: set = set()
    out: list = []
    last = None
    while len(out) < len(calls):
        pick = None
        if last is not None:
            for u in users[id(last)]:
                if remaining[id(u)] == 0 and id(u) not in done:
                    pick = u
                    break
        if pick is None:
            while ready and id(calls[ready[0]]) in done:
                heapq.heappop(ready)
            if not ready:
                raise ImportFailed(["the layer graph has a cycle or a call whose inputs never exist"])
            pick = calls[heapq.heappop(ready)]
        done.add(id(pick))
        out.append(pick)
        last = pick
        for u in users[id(pick)]:
            remaining[id(u)] -= 1
            if remaining[id(u)] == 0:
                heapq.heappush(ready, index[id(u)])
    return out


# ------------------------------------------------------------------ variables
POOL = ("x", "y", "z", "w")


def allocate(body: list, ns: Namespace, live_after=None, pool: tuple = None) -> None:
    """Name every unnamed Val defined in `body`: reuse the variable of an input
    that dies at this statement, else a free one of x, y, z, else one named
    after the layer.  Pinned values (inputs, outputs, parameters) keep theirs."""
    from graphc.importer.program import Loop

    pool = POOL if pool is None else pool
    last_use: dict = {}
    for i, st in enumerate(body):
        for v in _reads(st):
            last_use[id(v)] = i
    for v in live_after or ():
        last_use[id(v)] = len(body)
    holder: dict = {}  # var -> Val currently held
    pinned_vars = set()
    for i, st in enumerate(body):
        for v in _reads(st):
            if v.var is not None:
                holder.setdefault(v.var, v)
        outs = getattr(st, "outs", None) or ([st.val] if isinstance(st, Input) else [])
        for v in outs:
            if v.var is not None:
                holder[v.var] = v
                if v.pinned and not v.reusable:
                    pinned_vars.add(v.var)
        dying = [
            v
            for v in _reads(st)
            if v.var is not None
            and (not v.pinned or v.reusable)
            and last_use.get(id(v)) == i
            and holder.get(v.var) is v
        ]
        used_here: set = set()
        for v in outs:
            if v.var is not None:
                continue
            var = None
            for d in dying:
                if d.var not in used_here and holder.get(d.var) is d:
                    var = d.var
                    break
            if var is None:
                for p in pool:
                    h = holder.get(p)
                    if p in used_here:
                        continue
                    if h is None and ns.is_free(p):
                        var = ns.take(p)
                        break
                    if (
                        h is not None
                        and (not h.pinned or h.reusable)
                        and last_use.get(id(h), -1) < i
                        and p not in pinned_vars
                    ):
                        var = p
                        break
                    if h is not None and h in dying and p not in pinned_vars:
                        var = p
                        break
            if var is None:
                hint = v.key[0] if isinstance(v.key[0], str) and v.key[0] not in ("input", "loop") else "t"
                if len(outs) > 1:
                    hint = f"{hint}_{v.key[2]}"
                var = ns.fresh(hint, "t")
            v.var = var
            holder[var] = v
            used_here.add(var)
        if isinstance(st, Loop):
            # the loop reads and writes one variable: its body runs over it
            var = st.outs[0].var
            st.body_in.var = st.body_out.var = var
            st.body_in.pinned = st.body_out.pinned = True
            st.body_in.reusable = True
            allocate(st.body, ns, live_after=[st.body_out], pool=())


def _reads(st) -> list:
    from graphc.importer.program import BlockCall, Loop

    if isinstance(st, (Call, BlockCall, Loop, Alias)):
        return st.tensor_inputs()
    return []


# ------------------------------------------------------------------ printing
HEADER = """\
# {name}: imported from {source} by `graphc import`.
# Layer names, arguments and wiring are the Keras model's; arguments equal to
# Keras's defaults are left out."""


def render(top: ModelProg, defs: list, source: str, notes_in_file: list, constants: list = ()) -> str:
    from graphc.importer.program import comment_safe

    lines = [HEADER.format(name=comment_safe(top.keras_name), source=comment_safe(source)), ""]
    for decl in extern_declarations(defs):
        lines.extend(decl.splitlines())
        lines.append("")
    if constants:
        lines.append("# Keras objects several layers take (each layer makes its own, as Keras did)")
        lines.extend(f"{name} = {lit(value)}" for name, value in constants)
        lines.append("")
    for bd in _all_blocks(defs):
        lines.extend(render_block(bd))
        lines.append("")
    for prog in defs:
        params = ", ".join(f"{k}={lit(v)}" for k, v in prog.params)
        head = f"model {prog.name}({params}) {{" if params else f"model {prog.name} {{"
        lines.append(head)
        body = list(prog.body)
        if prog.input_note:
            body.insert(0, Comment(prog.input_note))
        if prog is top:
            for n in prog.compile_notes:
                body.append(Comment(f"not expressible in GDL's compile(...): {n}"))
            if prog.compile_line:
                body.append(prog.compile_line)
        lines.extend(render_body(body, "  "))
        lines.append("}")
        lines.append("")
    return "\n".join(lines)


def extern_declarations(defs: list) -> list:
    """The `extern layer` declarations of the keras.applications classes the models use
    (importer/externs.py), in the order of their first use."""
    from graphc.importer import externs

    found: list = []
    for prog in defs:
        for spec in prog.specs.values():
            if isinstance(spec, LayerSpec) and externs.is_known_op(spec.op):
                decl = externs.declaration(spec.op)
                if decl not in found:
                    found.append(decl)
    return found


def hoist_objects(defs: list, top_ns: Namespace) -> list:
    """Keras objects written with arguments (`VarianceScaling(scale=2.0, mode="fan_out")`)
    that several layers take become top-level constants.  A GDL constant that holds an
    object makes a new object wherever it is used (docs/objects.md), as each Keras
    layer deserialized its own: the model is unchanged."""
    from graphc.importer.objects import ObjExpr
    from graphc.importer.program import BlockCall, Loop, Param, freeze

    uses: dict = {}  # key -> [count, first argument name, value]

    def ctors(items):
        for st in items:
            if isinstance(st, Share) and isinstance(st.ctor, Ctor):
                yield st.ctor
            elif isinstance(st, Call) and isinstance(st.callee, Ctor):
                yield st.callee
            elif isinstance(st, Loop):
                yield from ctors(st.body)
            elif isinstance(st, BlockCall):
                pass

    def all_ctors():
        for prog in defs:
            yield from ctors(prog.body)
            for bd in prog.blocks:
                yield from ctors(bd.body)

    def walk(c: Ctor, visit):
        c.pos = [visit(None, v) for v in c.pos]
        c.kw = [(k, visit(k, v)) for k, v in c.kw]
        for v in list(c.pos) + [v for _, v in c.kw]:
            if isinstance(v, Ctor):
                walk(v, visit)

    def count(k, v):
        if isinstance(v, ObjExpr) and v.kw:
            u = uses.setdefault(freeze(v), [0, k or "obj", v])
            u[0] += 1
        return v

    for c in all_ctors():
        walk(c, count)
    names: dict = {}
    constants = []
    for key, (n, first, value) in uses.items():
        if n < 2:
            continue
        name = top_ns.fresh(first.upper(), "OBJ")
        names[key] = name
        constants.append((name, value))
    if not names:
        return []

    def replace(k, v):
        if isinstance(v, ObjExpr) and freeze(v) in names:
            return Param(names[freeze(v)])
        return v

    for c in all_ctors():
        walk(c, replace)
    return constants


def _all_blocks(defs: list) -> list:
    out = []
    for prog in defs:
        out.extend(prog.blocks)
    return out


def render_block(bd) -> list:
    from graphc.importer.program import NO_DEFAULT, Comment

    params = ", ".join(k if d is NO_DEFAULT else f"{k}={lit(d)}" for k, d in bd.params)
    lines = []
    if bd.doc:
        lines.extend(render_body([Comment(bd.doc)], ""))
    lines.append(f"block {bd.name}({params}) {{")
    lines.extend(render_body(bd.body, "  "))
    lines.append("  return " + ", ".join(v.var for v in bd.returns))
    lines.append("}")
    return lines


def float32_text(v: float) -> str:
    """The shortest decimal that is the same float32 (Keras keeps optimizer
    hyperparameters as float32 variables: 0.0010000000474974513 is 0.001)."""
    try:
        want = struct.pack("<f", v)
    except (OverflowError, struct.error):
        return repr(v)
    for digits in range(1, 18):
        s = f"{v:.{digits}g}"
        if struct.pack("<f", float(s)) == want:
            return s if any(c in s for c in ".en") else s + ".0"
    return repr(v)


__all__ = ["Converter", "ImportFailed", "Result", "allocate", "render", "Unprintable"]
