"""IR -> a PyTorch module, written the way torchvision writes models.

Each model becomes an nn.Module class; each GDL block becomes ONE class for
all of its calls (graphc/compiler/specialize.py, graphc/targets/walk.py):
what differs between the calls is a constructor argument (`filters`,
`stride`, the Keras names built from `name`, and the sizes graphc inferred,
e.g. `in_channels`, passed by the caller as torchvision passes `inplanes`),
structural flags stay `if`s in both `__init__` and `forward`, and a loop of
modules becomes `nn.ModuleList`s built and run by loops.  Layers are the
runtime's Keras layers in PyTorch (`K.Conv2D(...)`, runtime/LAYERS.md), so
Keras's semantics, initial distributions, regularizers, constraints and
weight loading live in one tested place; stateless layers are written as the
tensor expressions a PyTorch user writes (`x + y`, `torch.cat`, `F.relu`).

Tensors carry a layout: image tensors are channels-first inside (NCHW, NCL
after a Conv1D), others as Keras lays them out; a conversion is written only
where a layer needs the other layout, and at the model boundary (inputs and
outputs of rank 4 are NCHW).  Outputs whose last op is a sigmoid/softmax
that their loss can fuse (as Keras on TensorFlow does) are also returned as
logits by `forward(..., logits=True)`.
"""

from __future__ import annotations

import re
from pathlib import Path

from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.externs import is_extern_op
from graphc.compiler.graphs import snake
from graphc.compiler.ir import BlockInstance, Graph, OpNode, Tensor
from graphc.compiler.specialize import Occ, Template, Unexpressible, index_region
from graphc.compiler.values import LayerVal
from graphc.diagnostics import Diagnostic
from graphc.targets import code as C
from graphc.targets import common
from graphc.targets import objects as OB
from graphc.targets.errors import EmitError
from graphc.targets.escape import Safe, doc, identifier
from graphc.targets.externs import Imports
from graphc.targets.names import MODULE_ATTRS, MODULE_NAMES, Namespace
from graphc.targets.torch_calltime import CallTimeWalk, needed_masks
from graphc.targets.torch_layers import (
    CF,
    CL,
    ENTRIES,
    UNSUPPORTED,
    Entry,
    Unsupported,
    convert,
    dim_expr,
    torch_dim,
)
from graphc.targets.walk import (
    BodyWalk,
    CompileTimeFunctions,
    Internal,
    Restart,
    call_arg,
    param_pairs,
    prune,
)
from graphc.types import TensorType

K = C.Name("K")
SELF = C.Name("self")
TORCH = C.Name("torch")
FN = C.Name("F")
NN = C.Name("nn")

# Keras activation -> the PyTorch expression a PyTorch user writes (others: K.Activation)
INLINE_ACTIVATIONS = {
    "relu": lambda x, d: C.Call(C.Attr(FN, "relu"), (x,)),
    "relu6": lambda x, d: C.Call(C.Attr(FN, "relu6"), (x,)),
    "sigmoid": lambda x, d: C.Call(C.Attr(TORCH, "sigmoid"), (x,)),
    "tanh": lambda x, d: C.Call(C.Attr(TORCH, "tanh"), (x,)),
    "softmax": lambda x, d: C.Call(C.Attr(FN, "softmax"), (x,), (("dim", d),)),
    "gelu": lambda x, d: C.Call(C.Attr(FN, "gelu"), (x,)),
    "silu": lambda x, d: C.Call(C.Attr(FN, "silu"), (x,)),
    "swish": lambda x, d: C.Call(C.Attr(FN, "silu"), (x,)),
    "elu": lambda x, d: C.Call(C.Attr(FN, "elu"), (x,)),
    "selu": lambda x, d: C.Call(C.Attr(FN, "selu"), (x,)),
    "softplus": lambda x, d: C.Call(C.Attr(FN, "softplus"), (x,)),
    "linear": lambda x, d: x,
}


def boundary_layout(t) -> str:
    """Model inputs and outputs: rank-4 (batch + 3) tensors are NCHW, others as in Keras."""
    return CF if t.type.rank == 4 else CL


def _attr_base(text: str) -> str:
    """An attribute name from a Keras name's fixed part: "_0_conv" -> "conv0"."""
    s = re.sub(r"\W+", "_", text).strip("_").lower()
    m = re.match(r"(\d+)_?(.*)", s)
    if m:
        s = m.group(2) + m.group(1) if m.group(2) else "layer" + m.group(1)
    return s or "layer"


def _plural(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def _self(attr: str) -> C.Expr:
    return C.Attr(SELF, attr)


# an `extern` layer's torch class: a module of its own (no inline spelling), Keras's layout
EXTERN_ENTRY = Entry(layout=CL, fusable=False)


class TorchWalk(CallTimeWalk, BodyWalk):
    """Writes one class: `forward` statements as the walk returns them, and the
    `__init__` statements that build its modules, under the same `if`s and
    loops.  Values written in __init__ read the constructor's parameters;
    values forward needs are stored on `self` (`stored`)."""

    def __init__(self, em, ns, params, template, file, prefix, needed, in_layouts: dict):
        super().__init__(ns, params, template, file, needed)
        self.em = em
        self.functions = em.compile_fns
        self.prefix = prefix
        self.prefix_used = False
        self.attrs = Namespace(MODULE_ATTRS | {"name"}, python=False)
        self.init: list = []
        self.layout: dict = dict(in_layouts)  # tensor id -> CF | CL
        self.site_attr: dict = {}  # id(site) -> attribute
        self.loops: list = []  # kept loops being written: {"lists": [(attr, local)], "var": ...}
        self.branches: list = []  # init statements of the branches of the `if` being written
        self.in_init = False
        self.stored: set = set()  # parameters forward reads as self.<name>
        self.pending: list = []
        self.logit_names: dict = {}  # tensor id -> the forward variable holding its logits
        self.depth = 0
        self.aliases: dict = {}  # tensor id -> the tensor it is (Identity layers vanish)
        self.output_vars: dict = {}
        self.last_loop = None
        self.shared_attr: dict = {}  # id(construction site of a shared layer) -> attribute
        self.occs_env: dict = {}

    # ------------------------------------------------------------ values
    def sym_expr(self, s):
        if isinstance(s, (P.Local, P.LocalRef)) and not self.in_init and s.name in self.local_names:
            raise Unexpressible()  # a local of __init__ read in forward
        if isinstance(s, P.Param) and not self.in_init:
            self.used_params.add(s.name)
            self.stored.add(s.name)
            return _self(self.params.get(s.name, s.name))
        return super().sym_expr(s)

    def written(self, w):
        if w.kind == "param" and not self.in_init:
            self.stored.add(w.param)
            return _self(w.param)
        return super().written(w)

    def init_value(self, pairs, occs, base):
        self.in_init = True
        try:
            return self.value(pairs, occs, base)
        finally:
            self.in_init = False

    # ------------------------------------------------------------ structure
    def branch(self, stmts, occs, which):
        saved, self.init = self.init, []
        try:
            out = super().branch(stmts, occs, which)
        finally:
            built, self.init = self.init, saved
        self.branches.append((which, built))
        return out

    def if_(self, st, occs):
        outer = self.branches
        self.branches = []
        self.last_test = None
        self.depth += 1
        try:
            out = super().if_(st, occs)
        finally:
            self.depth -= 1
            branches, self.branches = self.branches, outer
        body = next((b for w, b in branches if w == "body"), [])
        orelse = next((b for w, b in branches if w == "orelse"), [])
        fwd = out[0] if out and isinstance(out[0], C.If) else None
        if self.last_test is None or not (body or orelse):
            if fwd is not None and not _simple_test(fwd.test):
                flag = self.attrs.take("use_" + _branch_name(fwd.body))
                self.init.append(C.Assign([_self(flag)], self._reread(fwd.test)))
                fwd.test = _self(flag)
            return out
        # forward's `if` is `if not test: <else branch>` when its then-branch is empty
        # (walk.if_): __init__'s branches are then the other way round
        negated = (
            fwd is not None
            and isinstance(fwd.test, C.Unary)
            and fwd.test.op == "not"
            and fwd.test.operand is self.last_test
        )
        if negated:
            body, orelse = orelse, body
        init_test = self._reread(self.last_test) if fwd is None else self._reread(fwd.test)
        if fwd is not None and not _simple_test(fwd.test):
            # a condition forward would compute from the constructor's arguments:
            # __init__ computes it once, forward reads the flag
            flag = self.attrs.take("use_" + _branch_name(fwd.body))
            self.init.append(C.Assign([_self(flag)], init_test))
            fwd.test = _self(flag)
            init_test = _self(flag)
        test = init_test if body else C.Unary("not", init_test)
        self.init.append(C.If(test, body or orelse, orelse if body else []))
        return out

    def _reread(self, e):
        """A forward expression over `self.<param>` read in __init__ (the parameter itself)."""
        if (
            isinstance(e, C.Attr)
            and e.obj == SELF
            and e.attr in set(self.params.values()) | set(self.template.derived if self.template else ())
        ):
            return C.Name(e.attr)
        if isinstance(e, C.Expr):
            changes = {}
            for f in e.__dataclass_fields__:
                v = getattr(e, f)
                if isinstance(v, C.Expr):
                    changes[f] = self._reread(v)
                elif isinstance(v, tuple):
                    changes[f] = tuple(
                        self._reread(x) if isinstance(x, C.Expr) else _reread_pair(self, x) for x in v
                    )
            return type(e)(**{f: changes.get(f, getattr(e, f)) for f in e.__dataclass_fields__})
        return e

    def loop_body(self, stmts, occs, var, py):
        if self.loops:
            raise Unexpressible()  # a kept loop inside a kept loop: unrolled
        loop = {"lists": [], "var": var, "py": py, "init": []}
        self.loops.append(loop)
        saved, self.init = self.init, []
        try:
            body = super().loop_body(stmts, occs, var, py)
        finally:
            loop["init"], self.init = self.init, saved
            self.loops.pop()
        if _reads(body, py):
            raise Unexpressible()  # forward would need the loop variable itself
        self.last_loop = loop
        return body

    def make_for(self, target, iter_, body, comment):
        loop = self.last_loop
        if not loop["lists"]:
            return C.For(target, iter_, body, comment)
        self.in_init = True
        try:
            init_iter = self._reread(iter_)
        finally:
            self.in_init = False
        for attr, _ in loop["lists"]:
            self.init.append(C.Assign([_self(attr)], C.Call(C.Attr(NN, "ModuleList"))))
        self.init.append(C.For(C.Name(loop["py"]), init_iter, loop["init"], comment))
        locals_ = [C.Name(local) for _, local in loop["lists"]]
        lists = [_self(attr) for attr, _ in loop["lists"]]
        if len(lists) == 1:
            return C.For(locals_[0], lists[0], body, comment)
        return C.For(
            C.Tuple(tuple(locals_)),
            C.Call(C.Name("zip"), tuple(lists), (("strict", C.lit(True)),)),
            body,
            comment,
        )

    # ------------------------------------------------------------ modules
    def add_module(self, site, base: str, ctor: C.Expr, comment: str) -> C.Expr:
        """Build `ctor` in __init__; the expression forward calls it through."""
        site = (id(site), repr(sorted(self.occs_env.items())))  # each unrolled iteration: its own module
        if self.loops:
            loop = self.loops[-1]
            attr = self.site_attr.get(site)
            if attr is None:
                attr = self.site_attr[site] = self.attrs.take(_plural(base))
                local = self.ns.take(base)
                loop["lists"].append((attr, local))
            local = next(lc for a, lc in loop["lists"] if a == attr)
            self.init.append(C.ExprStmt(C.Call(C.Attr(_self(attr), "append"), (ctor,)), comment))
            return C.Name(local)
        attr = self.site_attr.get(site)
        if attr is None:
            attr = self.site_attr[site] = self.attrs.take(base)
        self.init.append(C.Assign([_self(attr)], ctor, comment))
        return _self(attr)

    # ------------------------------------------------------------ layers
    def layout_of(self, tensors: list, occs: list) -> str:
        lays = {self.em.layout(o, t) for t, o in zip(tensors, occs)}
        if len(lays) != 1:
            raise Unexpressible()
        return lays.pop()

    def _input(self, ast, tensors, want, occs) -> tuple:
        """Code for one tensor input, converted to layout `want` (None: as it is)."""
        return self._input_code(self.expr(ast, occs), tensors, want, occs)

    def _input_code(self, code, tensors, want, occs) -> tuple:
        rank = tensors[0].type.rank
        lay = self.layout_of(tensors, occs)
        if want is not None and rank > 2 and want != lay:
            return convert(code, rank, lay, want), want
        return code, lay

    def fail(self, node, exc: Unsupported):
        raise EmitError(
            Diagnostic(node.file, node.span, "error", "unsupported", f"torch target: {exc.message}", exc.hint)
        )

    def _entry(self, layer, nodes):
        """The layer's entry, or a located `unsupported` error saying why there is none
        or why this configuration is refused."""
        if is_extern_op(layer.op):  # the user's class takes Keras's layout (docs/extern.md)
            return EXTERN_ENTRY
        entry = ENTRIES.get(layer.op)
        if entry is None:
            reason = UNSUPPORTED.get(layer.op.name, "it has no PyTorch spelling yet")
            self.fail(nodes[0], Unsupported(f"the layer {layer.op.name}: {reason}"))
        for n in nodes:
            exc = entry.refuse(n.layer.full_args, n.tensor_inputs()) if entry.refuse else None
            if exc is not None:
                self.fail(n, exc)
        return entry

    def layer_expr(self, nodes, e, occs):
        layers = [n.layer for n in nodes]
        first = layers[0]
        if any(la.op is not first.op or (la.graph is None) != (first.graph is None) for la in layers):
            raise Unexpressible()
        if first.graph is not None:
            return self.model_call(nodes, e, occs)
        entry = self._entry(first, nodes)
        ins = self._inputs(nodes, e, occs, entry.wants(first.full_args))
        ins = self.made_masks(nodes, occs, ins)
        rank = ins[0][2][0].type.rank if ins else 2
        in_lays = [lay for _, lay, _ in ins]
        self.occs_now = occs
        split = self.em.split_calls & {n.id for n in nodes}
        if split and len(split) != len(nodes):
            raise Unexpressible()
        masked_module = self.mask_needs_module(nodes)
        pooled = self.masked_pool(nodes, ins, occs) if not first.shared else None
        if pooled is not None:
            self._set_out_layouts(nodes, entry, in_lays)
            return pooled
        if entry.inline is not None and not first.shared and not masked_module:
            site = _InlineSite(nodes, [c for c, _, _ in ins], in_lays, rank)
            out = entry.inline(site)
            self._set_out_layouts(nodes, entry, in_lays)
            return out
        if first.op.name in ("Activation", "ReLU", "Softmax") and not first.shared and not masked_module:
            spelled = self.activation_expr(nodes, ins[0][0], rank, in_lays[0], bool(split))
            if spelled is not None:
                self._set_out_layouts(nodes, entry, in_lays)
                return spelled
        if first.shared or id(first.ctor_site) in self.shared_attr:  # `share d = ...` / `d = Dense(3)`
            module = self.shared_module(nodes, e, occs)
        else:
            ctor_site = e.func if isinstance(e, S.Call) and isinstance(e.func, S.Call) else first.ctor_site
            if first.function_form:  # `multiply([a, b])` written as a module (masks): its arguments
                ctor_site = None
            ctor = self.ctor(layers, ctor_site, occs, entry, ins, drop_activation=bool(split))
            module = self.add_module(e, self.attr_name(nodes), ctor, self.where(nodes[0]))
        node0 = nodes[0]
        args = [c for c, _, _ in ins]
        kwargs = []
        if len(node0.tensors) > 1:  # named tensors (attention): as written at the call
            names = list(node0.tensors)
            npos = len(e.args)
            args, kwargs = args[:npos], [(n, a) for n, a in zip(names[npos:], args[npos:])]
        elif node0.list_input:
            args = [C.List(tuple(args))]
        for k in e.kwargs if isinstance(e, S.Call) else []:
            if k.name in node0.call_args:
                pairs = [(n.call_args[k.name], n.call_syms.get(k.name, P.OPAQUE)) for n in nodes]
                kwargs.append((k.name, self.value(pairs, occs, k.name)))
        kwargs += self.calltime_kwargs(nodes, e, occs)
        call = C.Call(module, tuple(args), tuple(kwargs))
        self._set_out_layouts(nodes, entry, in_lays)
        if split:
            return self._logits(nodes, call, first.full_args.get("activation"), rank)
        return call

    def op_expr(self, nodes, e, occs):
        """A function of the catalog, written as torch code (graphc/targets/torch_functions.py)."""
        from graphc.targets.torch_functions import write

        try:
            return write(self, nodes, e, occs)
        except Unsupported as exc:
            self.fail(nodes[0], exc)

    def _inputs(self, nodes, e, occs, want):
        """[(code, layout, tensors per occurrence)] of a layer call's inputs, in order."""
        out = []
        first = nodes[0]
        if isinstance(e, S.BinOp):
            for i, ast in enumerate((e.left, e.right)):
                ts = [n.tensor_inputs()[i] for n in nodes]
                out.append((*self._input(ast, ts, want, occs), ts))
            return out
        if "inputs" in first.tensors:
            ast = e.args[0] if isinstance(e, S.Call) and e.args else None
            if first.list_input:
                if ast is None or len({len(n.tensors["inputs"]) for n in nodes}) != 1:
                    raise Unexpressible()
                codes = self.list_items(ast, occs, len(first.tensors["inputs"]))
                for i, code in enumerate(codes):
                    ts = [n.tensors["inputs"][i] for n in nodes]
                    out.append((*self._input_code(code, ts, want, occs), ts))
                return out
            ts = [n.tensors["inputs"] for n in nodes]
            out.append((*self._input(ast, ts, want, occs), ts))
            return out
        names = list(first.tensors)
        asts = dict(zip(names, e.args))
        asts.update({k.name: k.value for k in e.kwargs if k.name in first.tensors})
        for name in names:
            ts = [n.tensors[name] for n in nodes]
            out.append((*self._input(asts[name], ts, want, occs), ts))
        return out

    def _logits(self, nodes, call, act, rank):
        """The layer without its final activation; its logits are kept for forward(logits=True)."""
        t = nodes[0].outputs[0]
        logits = C.Name(self.ns.take(f"{t.var or 'out'}_logits"))
        self.pending.append(C.Assign([logits], call, self.where(nodes[0])))
        for n in nodes:
            self.logit_names[n.outputs[0].id] = logits.id
        d = dim_expr(-1, rank, self.layout_of([t], self.occs_now[:1]))
        return INLINE_ACTIVATIONS[act](logits, d)

    def activation_expr(self, nodes, x, rank, lay, split):
        a = nodes[0].layer.full_args
        name = nodes[0].layer.op.name
        if name == "Softmax":
            axis = a.get("axis", -1)
            if isinstance(axis, (tuple, list)):
                if len(axis) != 1:
                    return None
                axis = axis[0]
            act, d = "softmax", dim_expr(axis, rank, lay)
        elif name == "ReLU":
            if a.get("max_value") is not None or a.get("negative_slope") or a.get("threshold"):
                return None
            act, d = "relu", None
        else:
            act = a.get("activation") or "linear"
            d = dim_expr(-1, rank, lay)
        if act not in INLINE_ACTIVATIONS:
            return None
        for n in nodes[1:]:
            if n.layer.full_args.get("activation") != a.get("activation") or n.layer.full_args.get(
                "axis"
            ) != a.get("axis"):
                raise Unexpressible()
        if split:
            logits = C.Name(self.ns.take(f"{nodes[0].outputs[0].var or 'out'}_logits"))
            self.pending.append(C.Assign([logits], x, self.where(nodes[0])))
            for n in nodes:
                self.logit_names[n.outputs[0].id] = logits.id
            x = logits
        return INLINE_ACTIVATIONS[act](x, d)

    def _set_out_layouts(self, nodes, entry, in_lays):
        """Outputs' layouts come from the plan (TorchEmitter.plan)."""

    def attr_name(self, nodes) -> str:
        layer = nodes[0].layer
        if layer.explicit_name:
            s = P.strip(layer.arg_syms.get("name", P.OPAQUE))
            if isinstance(s, P.FStr):
                return _attr_base("".join(p for p in s.parts if isinstance(p, str)))
            return _attr_base(layer.name)
        inst = nodes[0].block.instance if nodes[0].block is not None else None
        if inst and layer.name.startswith(inst + "_"):
            return identifier(layer.name[len(inst) + 1 :])
        return identifier(layer.name) if self.template is None else snake(layer.op.name)

    def ctor(self, layers, ast, occs, entry, ins, drop_activation=False) -> C.Expr:
        first = layers[0]
        op = first.op
        self.in_init = True
        try:
            args: list = []
            kwargs: list = []
            if entry.sizes is not None:
                per = [entry.sizes(la.full_args, [ts[i] for _, _, ts in ins]) for i, la in enumerate(layers)]
                for j, (size_name, _) in enumerate(per[0]):
                    args.append(self.value([(p[j][1], P.OPAQUE) for p in per], occs, size_name))
            positional = [p.name for p in op.all_params() if p.positional]
            dims = dict(entry.dims)
            if isinstance(ast, S.Call):
                given = [(positional[i], True) for i in range(len(ast.args))] + [
                    (k.name, False) for k in ast.kwargs
                ]
            else:
                given = [(p.name, False) for p in op.all_params() if p.name in first.raw_args]
            keyword = False
            for pname, pos in given:
                if pname == "dtype":  # Keras's dtype policy: float32 is the runtime's own
                    self._check_dtype(layers, nodes=None)
                    keyword = True
                    continue
                if pname == "name" or pname in entry.drop or (drop_activation and pname == "activation"):
                    keyword = True
                    continue
                if pname in dims:
                    kwargs.append((dims[pname], self._dim(layers, pname, ins, occs)))
                    keyword = True
                    continue
                value = self.arg(
                    layers, pname, occs, [[ts[i] for _, _, ts in ins] for i in range(len(layers))]
                )
                if pos and not keyword:
                    args.append(value)
                else:
                    keyword = True
                    kwargs.append((pname, value))
            names = {n for n, _ in given}
            for pname, kw in entry.dims:  # an axis left at its default still needs its dimension
                if pname not in names:
                    kwargs.append((kw, self._dim(layers, pname, ins, occs)))
            if entry.last_dim and ins:
                rank, lay = ins[0][2][0].type.rank, ins[0][1]
                if torch_dim(-1, rank, lay) != rank - 1:
                    kwargs.append(("dim", C.lit(torch_dim(-1, rank, lay))))
            if entry.cf_flag in names and ins and ins[0][1] == CF and ins[0][2][0].type.rank > 2:
                kwargs.append(("channels_first", C.lit(True)))
            if entry.channels_last or (op.name == "TimeDistributed" and _wraps_cf(first, ins)):
                kwargs.append(("channels_last", C.lit(True)))
            if self.em.sparse_square and op.name == "Embedding":
                kwargs.append(("sparse_square", C.lit(True)))
            kwargs.append(("name", self.name_arg(layers, occs)))
            extern = self.em.externs.callee(op)
            if extern is not None:  # the user's class: keywords, and Keras's build() input_shape
                kwargs = [(positional[i], a) for i, a in enumerate(args)] + kwargs
                kwargs.insert(-1, ("input_shape", self._extern_shape(layers, ins, occs)))
                return C.Call(extern, (), tuple(kwargs))
            return C.Call(C.Attr(K, op.name), tuple(args), tuple(kwargs))
        finally:
            self.in_init = False

    def _extern_shape(self, layers, ins, occs) -> C.Expr:
        """The `input_shape` Keras's `build()` gets: (None, *shape) of the input, a list of
        them for several inputs."""
        pairs = []
        for i in range(len(layers)):
            shapes = [(None, *ts[i].type.shape) for _, _, ts in ins]
            pairs.append((shapes[0] if len(shapes) == 1 else shapes, P.OPAQUE))
        return self.value(pairs, occs, "input_shape")

    def _dim(self, layers, pname, ins, occs):
        rank = ins[0][2][0].type.rank
        lay = ins[0][1]
        pairs = []
        for la in layers:
            ax = la.full_args[pname]
            ax = ax[0] if isinstance(ax, (tuple, list)) and len(ax) == 1 else ax
            if isinstance(ax, (tuple, list)):  # several axes: their dimensions, in order
                pairs.append((tuple(torch_dim(a, rank, lay) for a in ax), P.OPAQUE))
            else:
                pairs.append((torch_dim(ax, rank, lay), P.OPAQUE))
        return self.value(pairs, occs, "dim")

    def obj_callee(self, cls):
        extern = self.em.externs.callee(cls)
        if extern is not None:
            return extern
        self.em.obj_modules.add(OB.torch_module(cls))
        return OB.torch_callee(cls)

    def arg(self, layers, pname, occs, xss=None) -> C.Expr:
        values = [la.raw_args.get(pname) for la in layers]
        if all(_is_layer_arg(v) for v in values):
            return self.wrapped_arg(values, occs, _inner_inputs(layers[0].op.name, xss))
        self.refuse(values)
        pairs = [(la.raw_args.get(pname), la.arg_syms.get(pname, P.OPAQUE)) for la in layers]
        return self.value(pairs, occs, pname)

    def refuse(self, values) -> None:
        """An initializer, regularizer or constraint the PyTorch target cannot apply exactly:
        a located error."""
        from graphc.compiler.objects import torch_problems

        for obj, why in torch_problems(values):
            raise EmitError(Diagnostic(obj.file, obj.span, "error", "unsupported", f"torch target: {why}"))

    def wrapped_arg(self, values, occs, xss) -> C.Expr:
        """A layer argument (Bidirectional's layer, RNN's cell or list of cells)."""
        if isinstance(values[0], LayerVal):
            return self.wrapped(values, occs, xss)
        if any(len(v) != len(values[0]) for v in values):
            raise Unexpressible()
        items = []
        for k in range(len(values[0])):  # stacked cells, a Pipeline: each takes the previous one's output
            cells = [v[k] for v in values]
            items.append(self.wrapped(cells, occs, xss))
            if xss is not None:
                xss = [[_next_input(c, x[0])] for x, c in zip(xss, cells)]
        return C.List(tuple(items))

    def wrapped(self, lvs, occs, xss=None) -> C.Expr:
        """A layer built as another layer's argument; `xss`: per occurrence, the
        tensors it will see (its inferred sizes come from them)."""
        first = lvs[0]
        if any(lv.op is not first.op for lv in lvs):
            raise Unexpressible()
        entry = ENTRIES.get(first.op)
        if entry is None:
            reason = UNSUPPORTED.get(first.op.name, "it has no PyTorch spelling yet")
            self.fail_layer(first, f"the layer {first.op.name}: {reason}")
        for lv in lvs:
            exc = entry.refuse(lv.args, []) if entry.refuse else None
            if exc is not None:
                self.fail_layer(lv, exc.message)
        args, kwargs = [], []
        if entry.sizes is not None:
            if xss is None:
                raise Unexpressible()
            per = [entry.sizes(lv.args, xs) for lv, xs in zip(lvs, xss)]
            for j, (size_name, _) in enumerate(per[0]):
                args.append(self.value([(p[j][1], P.OPAQUE) for p in per], occs, size_name))
        site = first.site
        n_pos = len(site.args) if isinstance(site, S.Call) else 0
        positional = [p.name for p in first.op.all_params() if p.positional][:n_pos]
        if "dtype" in first.raw:
            self._check_dtype(lvs)
        for p in first.op.all_params():
            if p.name in first.raw and p.name not in ("name", "dtype"):
                vals = [lv.raw.get(p.name) for lv in lvs]
                if all(_is_layer_arg(v) for v in vals):
                    value = self.wrapped_arg(vals, occs, _inner_inputs(first.op.name, xss))
                else:
                    self.refuse(vals)
                    pairs = [(lv.raw.get(p.name), lv.arg_syms.get(p.name, P.OPAQUE)) for lv in lvs]
                    value = self.value(pairs, occs, p.name)
                if p.name in positional and not kwargs:
                    args.append(value)
                else:
                    kwargs.append((p.name, value))
        if entry.channels_last:
            kwargs.append(("channels_last", C.lit(True)))
        if "name" in first.raw:
            pairs = [(lv.raw.get("name"), lv.arg_syms.get("name", P.OPAQUE)) for lv in lvs]
            kwargs.append(("name", self.value(pairs, occs, "name")))
        return C.Call(C.Attr(K, first.op.name), tuple(args), tuple(kwargs))

    def _check_dtype(self, layers, nodes=None):
        for la in layers:
            dtype = la.full_args.get("dtype") if hasattr(la, "full_args") else la.args.get("dtype")
            if dtype not in (None, "float32"):
                message = (
                    f'dtype="{dtype}" (a Keras dtype policy for one layer) has no PyTorch spelling; '
                    "train with mixed precision instead (--amp)"
                )
                node = la.nodes[0] if getattr(la, "nodes", None) else None
                if node is not None:
                    self.fail(node, Unsupported(message))
                self.fail_layer(la, message)

    def fail_layer(self, lv, message):
        raise EmitError(Diagnostic(lv.file, lv.span, "error", "unsupported", f"torch target: {message}"))

    def name_arg(self, layers, occs) -> C.Expr:
        first = layers[0]
        if first.explicit_name and first.name == first.raw_args.get("name"):
            return self.arg(layers, "name", occs)
        if self.prefix is not None:
            rels = []
            for la, o in zip(layers, occs):
                inst = o.owner.instance if isinstance(o.owner, BlockInstance) else None
                if inst is None or not la.name.startswith(inst + "_") or la.explicit_name:
                    rels = None
                    break
                rels.append(la.name[len(inst) + 1 :])
            if rels and all(r == rels[0] for r in rels):
                self.prefix_used = True
                return C.FStr(((C.Name(self.prefix), ""), "_" + rels[0]))
        return self.value([(la.name, P.OPAQUE) for la in layers], occs, "name")

    def shared_module(self, nodes, e, occs):
        """A shared layer: built once (by its `share` statement), called at each use."""
        key = nodes[0].layer.ctor_site
        attr = self.shared_attr.get(id(key))
        if attr is None:
            raise Unexpressible()
        return _self(attr)

    def share(self, st, occs, ran):
        lvs = [r.values[0] for r in ran]
        if any(not isinstance(lv, LayerVal) for lv in lvs):
            raise Unexpressible()
        if all(lv.layer is None for lv in lvs):
            return []
        layers = [lv.layer for lv in lvs]
        first = layers[0]
        if first.graph is not None:
            cls = self.em.class_of_graph[id(first.graph)]
            self.in_init = True
            try:
                name = self.value([(la.name, P.OPAQUE) for la in layers], occs, "name")
            finally:
                self.in_init = False
            m = self.add_module(
                first.ctor_site,
                identifier(st.target.id),
                C.Call(C.Name(cls), (), (("name", name),)),
                self.where(st),
            )
            self.shared_attr[id(first.ctor_site)] = m.attr
            return []
        nodes = [la.nodes[0] for la in layers]
        entry = self._entry(first, nodes)
        if entry.inline is not None:
            raise Unexpressible()
        ins = []
        for i, _ in enumerate(nodes[0].tensor_inputs()):
            ts = [n.tensor_inputs()[i] for n in nodes]
            ins.append((None, entry.wants(first.full_args) or self.layout_of(ts, occs), ts))
        ctor = self.ctor(layers, st.value, occs, entry, ins)
        m = self.add_module(first.ctor_site, identifier(st.target.id), ctor, self.where(st))
        self.shared_attr[id(first.ctor_site)] = m.attr
        return []

    def model_call(self, nodes, e, occs):
        layers = [n.layer for n in nodes]
        if len({id(la.graph) for la in layers}) != 1:
            raise Unexpressible()
        sub = layers[0].graph
        if layers[0].shared or id(layers[0].ctor_site) in self.shared_attr:  # `share b = ...` / `b = ...`
            module = self.shared_module(nodes, e, occs)
        else:
            cls = self.em.class_of_graph[id(sub)]
            self.in_init = True
            try:
                name = self.value([(la.name, P.OPAQUE) for la in layers], occs, "name")
            finally:
                self.in_init = False
            base = identifier(layers[0].var or layers[0].name)
            module = self.add_module(
                e, base, C.Call(C.Name(cls), (), (("name", name),)), self.where(nodes[0])
            )
        ins = []
        args = (
            e.args[0].items
            if isinstance(e, S.Call) and len(e.args) == 1 and isinstance(e.args[0], S.ListExpr)
            else e.args
        )
        for i, gi in enumerate(sub.inputs):
            ts = [n.tensor_inputs()[i] for n in nodes]
            code, _ = self._input(args[i], ts, boundary_layout(gi), occs)
            ins.append(code)
        split = self.em.nested_logits.get(nodes[0].id)
        kw = tuple(self.model_call_kwargs(nodes, e, occs))
        if not split:
            return C.Call(module, tuple(ins), kw)
        if any(self.em.nested_logits.get(n.id) != split for n in nodes[1:]):
            raise Unexpressible()
        boundary = [(o.tensor.type.rank, boundary_layout(o.tensor)) for o in sub.outputs]
        return self._with_logits(
            C.Call(module, tuple(ins), kw), [n.outputs for n in nodes], split, boundary, nodes[0]
        )

    # ------------------------------------------------------------ blocks
    def block_expr(self, instances, e, occs):
        classes = {id(self.em.class_of(bi)) for bi in instances}
        if len(classes) != 1:
            raise Unexpressible()
        cls = self.em.class_of(instances[0])
        args, kwargs, tensors = [], [], []
        for p in cls.sig:
            if p.kind == "tensor":
                ast = call_arg(e, p.index, p.gdl)
                ts = [dict(bi.params)[p.gdl] for bi in instances]
                code, _ = self._input(ast, ts, cls.in_layouts[p.gdl], occs)
                tensors.append(code)
                continue
            pairs = param_pairs(p, instances, e, cls.template)
            if pairs is None:
                continue
            self.in_init = True
            try:
                value = self.value(pairs, occs, p.py)
            finally:
                self.in_init = False
            if p.default is None:
                args.append(value)
            else:
                kwargs.append((p.py, value))
        base = snake(instances[0].name) if self.template is not None else identifier(instances[0].instance)
        module = self.add_module(
            e, base, C.Call(C.Name(cls.name), tuple(args), tuple(kwargs)), self.where(instances[0])
        )
        mask_kw = tuple(self.block_mask_args(cls, instances, occs))
        if not cls.logits:
            return C.Call(module, tuple(tensors), mask_kw)
        outs = [bi.outputs for bi in instances]
        boundary = [(t.type.rank, cls.out_layouts[i]) for i, t in enumerate(outs[0])]
        return self._with_logits(
            C.Call(module, tuple(tensors), mask_kw), outs, cls.logits, boundary, instances[0]
        )

    def _with_logits(self, call, outs, split, boundary, node):
        """A call of a block or model class that returns logits for the outputs in
        `split`: called with logits=True, the activations applied here (the logits
        are kept for this forward's own logits=True). `outs`: the output tensors
        per occurrence; `boundary`: (rank, layout) per output."""
        call = C.Call(call.func, call.args, (*call.kwargs, ("logits", C.lit(True))))
        acts = {}
        for i, (act, axis) in split.items():
            t = outs[0][i]
            name = self.ns.take(f"{t.var or 'out'}_logits")
            for o in outs:
                self.logit_names[o[i].id] = name
            rank, lay = boundary[i]
            acts[i] = (name, INLINE_ACTIVATIONS[act], dim_expr(axis, rank, lay))
        if len(outs[0]) == 1:  # `z_logits = enc(a, logits=True)` before, `softmax(z_logits)` here
            name, fn, d = acts[0]
            self.pending.append(C.Assign([C.Name(name)], call, self.where(node)))
            return fn(C.Name(name), d)
        self.unpack_logits = acts  # the assignment unpacking it applies them (assign)
        return call

    # ------------------------------------------------------------ statements
    def stmt(self, st, occs):
        self.occs_env = occs[0].env if occs else {}
        saved, self.pending = self.pending, []
        try:
            out = super().stmt(st, occs)
            return self.pending + out
        finally:
            self.pending = saved

    unpack_logits = None

    def assign(self, st, occs, ran):
        """`pb_logits, qb_logits, rb = self.hh(v, logits=True)` then the activations
        (`pb = F.softmax(pb_logits, dim=-1)`) for a nested model returning logits."""
        self.unpack_logits = None
        out = super().assign(st, occs, ran)
        acts, self.unpack_logits = self.unpack_logits, None
        if acts is None:
            return out
        a = out[-1]
        if not isinstance(a, C.Assign) or len(a.targets) <= max(acts):
            raise Internal("a model returning logits must be unpacked by an assignment")
        post = []
        for i, (name, fn, d) in sorted(acts.items()):
            post.append(C.Assign([a.targets[i]], fn(C.Name(name), d)))
            a.targets[i] = C.Name(name)
        return out + post

    def output(self, st, occs):
        value = self.expr(st.value, occs)
        (occ,) = occs
        t = next(o.tensor for o in occ.owner.outputs if o.name == st.target.id)
        ident_nodes = occ.get(st.target)
        if ident_nodes:  # an Identity named after the output: nothing to compute
            self._carry(ident_nodes[0], t)
        self.keep.add(t.id)
        name = self.bind_var(st.target.id, [t])
        self.output_vars[st.target.id] = name
        if isinstance(value, C.Name):
            self.output_vars[st.target.id] = value.id
            return []
        return [C.Assign([C.Name(name)], value, self.where(st))]

    def output_list(self, st, occs):
        (occ,) = occs
        for ident in st.names:
            t = next(o.tensor for o in occ.owner.outputs if o.name == ident.id)
            nodes = occ.get(ident)
            if nodes:
                self._carry(nodes[0], t)
            self.keep.add(t.id)
        return []

    def _carry(self, identity_node, t):
        """An Identity adds nothing in torch: its output is its input."""
        src = identity_node.tensor_inputs()[0]
        if src.id in self.logit_names:
            self.logit_names[t.id] = self.logit_names[src.id]
        self.aliases[t.id] = src.id

    def local_assign(self, st, occs, ran):
        """A compile-time local the constructor reads (`suffix` in a layer name);
        one forward reads (`skips = []`) is written in forward."""
        if any("runtime:" + t.id in self.needed for t in st.targets):
            return super().local_assign(st, occs, ran)
        self.in_init = True
        try:
            stmt = self.local_stmt(st, occs, ran)
        finally:
            self.in_init = False
        if stmt is not None:
            self.init.append(stmt)
        return []

    def input_expr(self, nodes, e, occs):
        """A model input is a parameter of forward."""
        return C.Name(self.input_params[nodes[0].outputs[0].id])

    input_params: dict = {}


def _reread_pair(walk, x):
    if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], C.Expr):
        return (x[0], walk._reread(x[1]))
    return x


class _InlineSite:
    """What an inline spelling (`x + y`, `torch.cat`) reads: the inputs' code,
    their layouts, the rank, and the arguments (the same in every occurrence)."""

    def __init__(self, nodes, xs, layouts, rank):
        a = nodes[0].layer.full_args
        for n in nodes[1:]:
            if {k: v for k, v in n.layer.full_args.items() if k != "name"} != {
                k: v for k, v in a.items() if k != "name"
            }:
                raise Unexpressible()
        self.nodes, self.xs, self.layouts, self.rank, self.args = nodes, xs, layouts, rank, a


def _simple_test(e) -> bool:
    """`self.flag` or `not self.flag`."""
    if isinstance(e, C.Unary) and e.op == "not":
        e = e.operand
    return isinstance(e, C.Attr) and e.obj == SELF


def _branch_name(body) -> str:
    """A name for what a branch does: its first module or assigned variable."""
    for st in body:
        for x in _walk_exprs(st):
            if isinstance(x, C.Attr) and x.obj == SELF:
                return x.attr
        if isinstance(st, C.Assign) and isinstance(st.targets[0], C.Name):
            return st.targets[0].id
    return "branch"


def _walk_exprs(x):
    if isinstance(x, C.Expr):
        yield x
        for f in x.__dataclass_fields__:
            yield from _walk_exprs(getattr(x, f))
    elif isinstance(x, (tuple, list)):
        for v in x:
            yield from _walk_exprs(v)
    elif isinstance(x, C.Stmt):
        for f in x.__dataclass_fields__:
            yield from _walk_exprs(getattr(x, f))


def _self_reads(stmts) -> set:
    """The attributes of `self` the statements read."""
    out: set = set()

    def walk(x):
        if isinstance(x, C.Attr) and x.obj == SELF:
            out.add(x.attr)
        if isinstance(x, C.Expr):
            for f in x.__dataclass_fields__:
                walk(getattr(x, f))
        elif isinstance(x, (tuple, list)):
            for v in x:
                walk(v)
        elif isinstance(x, C.Stmt):
            for f in x.__dataclass_fields__:
                walk(getattr(x, f))

    walk(stmts)
    return out


def _reads(stmts, name) -> bool:
    from graphc.targets.walk import _names_in_stmts

    return name in _names_in_stmts(stmts)


__all__ = [
    "TorchWalk",
    "boundary_layout",
    "Graph",
    "Occ",
    "Template",
    "Tensor",
    "Path",
    "Restart",
    "prune",
    "common",
    "index_region",
    "CF",
]


# ====================================================================== classes
class SigParam:
    def __init__(self, kind, gdl, py, index=None, default=None, default_value=None):
        self.kind = kind  # "tensor" | "value" | "derived" | "prefix"
        self.gdl, self.py, self.index = gdl, py, index
        self.default, self.default_value = default, default_value


class BlockClass:
    """One emitted nn.Module class for a group of calls of one block."""

    def __init__(self, name, template, sig, in_layouts, out_layouts, code, key, logits=None):
        self.logits = logits or {}  # output index -> (activation, axis): forward(..., logits=True)
        self.name, self.template, self.sig = name, template, sig
        self.in_layouts, self.out_layouts, self.code, self.key = in_layouts, out_layouts, code, key


SPARSE_SQUARE_OPTIMIZERS = {"rmsprop", "adam", "adamw", "adagrad", "adadelta", "nadam"}


def class_name(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+|_", name) if p]
    s = "".join(p[:1].upper() + p[1:] for p in parts) or "Model"
    return identifier(s if not s[0].isdigit() else "Model" + s)


class TorchEmitter:
    def __init__(self, program, graph: Graph, source_name: str):
        from graphc.compiler import vocab

        self.graph = graph
        self.source = source_name
        self.ns = Namespace(
            MODULE_NAMES
            | {
                "K",
                "np",
                "torch",
                "nn",
                "F",
                "math",
                "time",
                "argparse",
                "LOSSES",
                "LOSS_WEIGHTS",
                "METRICS",
                "initializers",
                "regularizers",
                "constraints",
                "losses",
                "metrics",
                "optim",
                "schedules",
                "callbacks",
                "rt",
                "make_callbacks",
                "LOGIT_OUTPUTS",
                "FIT_DEFAULTS",
                "INPUT_SPECS",
                "OUTPUT_SPECS",
                "CHANNELS_FIRST",
                "build_model",
                "load_keras_weights",
                "count_params",
                "compute_loss",
                "make_optimizer",
                "synthetic_data",
                "load_data",
                "to_torch",
                "evaluate",
                "train",
                "main",
                "_labels",
                "_output_dict",
            }
        )
        self.externs = Imports(graph, self.ns, "torch")  # classes of `extern` declarations
        comp = graph.compile or {}
        opt = comp.get("optimizer")
        self.optimizer = opt.name if opt is not None else "rmsprop"
        self.sparse_square = self.optimizer in SPARSE_SQUARE_OPTIMIZERS
        self.losses = {e.output: e for e in comp.get("losses", [])}
        self.vocab = vocab
        self.split_calls, self.logit_outputs, self.nested_logits = self._fusable()
        self.class_of_graph: dict = {}
        self.classes: list = []  # ClassDefs, callees first
        self.by_def: dict = {}
        self.cls_of: dict = {}
        self.instances: dict = {}
        self.obj_modules: set = set()  # graphc_runtime.torch modules layer arguments use (initializers...)
        self.plan: dict = {}  # (block instance id | None, tensor id) -> layout
        self.compile_fns = CompileTimeFunctions(self.ns)
        self.needed_masks = needed_masks([*common.subgraphs_postorder(graph), graph])
        self.uses_losses = False  # losses.set_mask(...) is written

    # -------------------------------------------------------- logits
    def _fusable(self):
        """Calls whose final sigmoid/softmax is split off, and the outputs that return logits
        (Keras on TensorFlow computes crossentropies from the logits it recovers, also
        through nested models: their classes then take `logits=True` too).

        Returns (split call ids, entry outputs returning logits, {nested-model call id:
        {output index: (activation, Keras axis)}}); sets `self.sub_logits` (graph id ->
        {output name: (activation, axis)}) and `self.logit_acts` (entry output name ->
        (activation, axis))."""
        calls: set = set()
        need: dict = {}  # id(model definition) -> output names some caller wants as logits
        self.sub_logits = {}

        returned_by: dict = {}  # tensor id -> [(block instance, output index)] returning it

        def index_blocks(items):
            for it in items:
                if isinstance(it, BlockInstance):
                    for i, o in enumerate(it.outputs):
                        returned_by.setdefault(o.id, []).append((it, i))
                    index_blocks(it.items)

        for g in [*common.subgraphs_postorder(self.graph), self.graph]:
            index_blocks(g.items)
        self.block_logits = {}  # id(block instance) -> {output index: (activation, axis)}

        def mark(t):
            found = _mark(t)
            if found is not None:
                for bi, i in returned_by.get(_source(t).id, ()):
                    self.block_logits.setdefault(id(bi), {})[i] = found
            return found

        def _mark(t):
            src = _source(t)
            if src.call is None:
                return None
            layer = src.call.layer
            if layer.graph is not None:
                sub = layer.graph
                idx = next(i for i, o in enumerate(src.call.outputs) if o is src)
                name = sub.outputs[idx].name
                found = mark(sub.outputs[idx].tensor)
                if found is not None:
                    need.setdefault(id(sub.def_node), set()).add(name)
                return found
            act = _final_activation(src)
            if act not in ("sigmoid", "softmax") or act not in INLINE_ACTIVATIONS:
                return None
            entry = ENTRIES.get(layer.op)
            if entry is None or (layer.op.name not in ("Activation", "Softmax") and not entry.fusable):
                return None
            calls.add(src.call.id)
            axis = layer.full_args.get("axis", -1) if layer.op.name == "Softmax" else -1
            axis = axis[0] if isinstance(axis, (tuple, list)) else axis
            return act, axis

        outs, self.logit_acts = [], {}
        for o in self.graph.outputs:
            e = self.losses.get(o.name)
            if e is not None and e.loss in self.vocab.PROBABILISTIC:
                found = mark(o.tensor)
                if found is not None:
                    outs.append(o.name)
                    self.logit_acts[o.name] = found
        # every model of a definition returns the same logits (they may share a class)
        subs = common.subgraphs_postorder(self.graph)
        changed = True
        while changed:
            changed = False
            for sub in subs:
                for o in sub.outputs:
                    if o.name in need.get(id(sub.def_node), ()) and o.name not in self.sub_logits.get(
                        id(sub), {}
                    ):
                        found = mark(o.tensor)
                        if found is not None:
                            self.sub_logits.setdefault(id(sub), {})[o.name] = found
                            changed = True
        nested: dict = {}

        def calls_of(items):
            for it in items:
                if isinstance(it, BlockInstance):
                    calls_of(it.items)
                    continue
                layer = getattr(it, "layer", None)
                if layer is not None and layer.graph is not None and id(layer.graph) in self.sub_logits:
                    wanted = self.sub_logits[id(layer.graph)]
                    nested[it.id] = {
                        i: wanted[o.name] for i, o in enumerate(layer.graph.outputs) if o.name in wanted
                    }

        for g in [*subs, self.graph]:
            calls_of(g.items)
        return calls, outs, nested

    # -------------------------------------------------------- layouts
    def layout(self, occ, t) -> str:
        """The layout tensor `t` has where occurrence `occ` reads it."""
        if t.type.rank <= 2:
            return CL
        ctx = occ.owner.id if isinstance(occ.owner, BlockInstance) else None
        return self.plan.get((ctx, t.id), CL)

    def make_plan(self, graph: Graph) -> None:
        """Every tensor's layout, in evaluation order: a block's tensor inputs arrive
        in the boundary layout (converted by its caller), what it returns keeps the
        layout its body gives it."""
        plan = self.plan

        def lay(ctx, t):
            return plan.get((ctx, t.id), CL) if t.type.rank > 2 else CL

        def node(n, ctx):
            if isinstance(n, OpNode):  # a function: the layout torch_functions.plan gives it
                from graphc.targets.torch_functions import plan as op_plan

                _, outs = op_plan(n, [lay(ctx, t) for t in n.tensor_inputs()])
                for t, out in zip(n.outputs, outs):
                    plan[(ctx, t.id)] = out if t.type.rank > 2 else CL
                return
            layer = getattr(n, "layer", None)
            if layer is None:
                return
            if layer.graph is not None:
                for t, o in zip(n.outputs, layer.graph.outputs):
                    plan[(ctx, t.id)] = boundary_layout(o.tensor)
                return
            entry = EXTERN_ENTRY if is_extern_op(layer.op) else ENTRIES.get(layer.op)
            ins = n.tensor_inputs()
            first = lay(ctx, ins[0]) if ins else CL
            want = entry.wants(layer.full_args) if entry is not None else None
            if want is not None and ins and ins[0].type.rank > 2:
                first = want
            for t in n.outputs:
                if entry is not None and entry.out_layout == "keepdims":
                    out = first if layer.full_args.get("keepdims") else CL
                elif entry is not None and entry.out_layout is not None:
                    out = entry.out_layout
                else:
                    out = first
                plan[(ctx, t.id)] = out if t.type.rank > 2 else CL

        def items(its, ctx):
            for it in its:
                if isinstance(it, BlockInstance):
                    if not it.outputs:
                        continue
                    for _, v in it.params:
                        if isinstance(v, Tensor):
                            plan[(it.id, v.id)] = boundary_layout(v)
                    items(it.items, it.id)
                    for t in it.outputs:
                        plan[(ctx, t.id)] = plan.get((it.id, t.id), CL) if t.type.rank > 2 else CL
                else:
                    node(it, ctx)

        for t in graph.inputs:
            plan[(None, t.id)] = boundary_layout(t)
        items(graph.items, None)

    # -------------------------------------------------------- blocks
    def _collect(self, items):
        for it in items:
            if isinstance(it, BlockInstance) and it.outputs:
                self.instances.setdefault(id(it.node), []).append(it)
                self._collect(it.items)

    def class_of(self, bi: BlockInstance) -> BlockClass:
        if id(bi) not in self.cls_of:
            groups = [self.instances[id(bi.node)]]
            while groups:
                group = groups.pop(0)
                try:
                    cls = self._class(group)
                except Unexpressible:
                    if len(group) == 1:
                        raise Internal(f"block `{group[0].name}` cannot be written for one call") from None
                    from graphc.targets.keras_emit import _split

                    groups = _split(group) + groups
                    continue
                for b in group:
                    self.cls_of[id(b)] = cls
        return self.cls_of[id(bi)]

    def _class(self, group: list) -> BlockClass:
        first = group[0]
        node = first.node
        for bi in group:
            for sub in bi.items:
                if isinstance(sub, BlockInstance) and id(sub.node) in self.instances:
                    self.class_of(sub)
        gdl_params = [p.name.id for p in node.params]
        tensor_params = [p for p in gdl_params if isinstance(dict(first.params)[p], Tensor)]
        for bi in group:
            for p in gdl_params:
                v = dict(bi.params)[p]
                if isinstance(v, Tensor) != (p in tensor_params):
                    raise Unexpressible()
        in_layouts = {}
        for p in tensor_params:
            lays = {boundary_layout(dict(bi.params)[p]) for bi in group}
            if len(lays) != 1:
                raise Unexpressible()
            in_layouts[p] = lays.pop()
        needed: set = set()
        while True:
            local = self.ns.child(self.externs.names)
            params = {p: local.take(p) for p in gdl_params}
            prefix = local.take(
                next(n for n in ("name", "prefix", "layer_prefix", "name_") if n not in params)
            )
            template = Template(group)
            layouts = {}
            walk = TorchWalk(self, local, params, template, first.def_file, prefix, needed, layouts)
            for p in tensor_params:
                walk.vars[p] = params[p]
            occs = [Occ(bi, index_region(bi.region)) for bi in group]
            try:
                body = walk.start(node.body, occs)
                break
            except Restart:
                continue
        if not body or not isinstance(body[-1], C.Return):
            raise Unexpressible()
        out_layouts = []
        for i in range(len(first.outputs)):
            lays = {
                self.plan.get((bi.id, bi.outputs[i].id), CL) if bi.outputs[i].type.rank > 2 else CL
                for bi in group
            }
            if len(lays) != 1:
                raise Unexpressible()
            out_layouts.append(lays.pop())
        used = walk.used_params | template.used
        # an object default (`init=HeUniform()`) is passed by every call: a Python default
        # would be one object shared by all calls, where each GDL call makes its own
        defaults = {k: v for k, v in first.defaults.items() if not OB.objects_in(v)}
        sig: list = []
        index = {p: i for i, p in enumerate(gdl_params)}
        for p in tensor_params:
            sig.append(SigParam("tensor", p, params[p], index[p]))
        for d in template.derived_order:
            if len(template.derived[d]) == len(group):
                sig.append(SigParam("derived", d, d))
        for p in gdl_params:
            if p in used and p not in tensor_params and p not in defaults:
                sig.append(SigParam("value", p, params[p], index[p]))
        for p in gdl_params:
            if p in used and p not in tensor_params and p in defaults:
                sig.append(SigParam("value", p, params[p], index[p], C.lit(defaults[p]), defaults[p]))
        for d in template.derived_order:
            if len(template.derived[d]) != len(group):
                sig.append(SigParam("derived", d, d, None, C.lit(None), None))
        if walk.prefix_used:
            sig.append(SigParam("prefix", None, prefix, None, C.lit(first.instance), first.instance))
        init = [C.ExprStmt(C.Call(C.Attr(C.Call(C.Name("super")), "__init__")))]
        forward_body = prune(body, set(walk.local_names.values()))
        read = _self_reads(forward_body)
        for s_ in sig:
            if s_.kind != "tensor" and s_.py in read:  # what forward reads of the constructor's arguments
                init.append(C.Assign([_self(s_.py)], C.Name(s_.py)))
        init += prune(walk.init, set(walk.local_names.values()))
        forward_params = [C.Param("self")] + [C.Param(params[p]) for p in tensor_params]
        forward_params += [
            C.Param(walk.mask_params[(p, w)], C.lit(None))
            for p in tensor_params
            for w in ("run", "built")
            if (p, w) in walk.mask_params
        ]
        splits = [self.block_logits.get(id(bi)) for bi in group]
        if any(sp != splits[0] for sp in splits[1:]):
            raise Unexpressible()
        if splits[0]:
            forward_body = self._return_logits(forward_body, walk, first, splits[0])
            forward_params.append(C.Param("logits", C.lit(False)))
        methods = [
            C.FunctionDef(
                "__init__",
                [C.Param("self")] + [C.Param(s.py, s.default) for s in sig if s.kind != "tensor"],
                init,
            ),
            C.FunctionDef("forward", forward_params, forward_body),
        ]
        where = f"{Path(first.def_file).name}:{first.def_span.line}"
        key = C.render([C.ClassDef("X", [C.Attr(NN, "Module")], methods)])
        for cls in self.by_def.setdefault(id(node), []):
            if cls.key == key:
                for name, table in template.derived.items():
                    cls.template.derived[name].update(table)
                return cls
        name = self.ns.take(class_name(node.name.id))
        code = C.ClassDef(name, [C.Attr(NN, "Module")], methods, [f"Block `{node.name.id}` ({where})."])
        cls = BlockClass(name, template, sig, in_layouts, out_layouts, code, key, splits[0])
        cls.mask_params = {
            (p, w): walk.mask_params[(p, w)]
            for p in tensor_params
            for w in ("run", "built")
            if (p, w) in walk.mask_params
        }
        self.by_def[id(node)].append(cls)
        self.classes.append(code)
        return cls

    def _return_logits(self, body, walk, first, split):
        """`if logits: return y_logits` before the body's final return."""
        ret = body[-1]
        outs = list(ret.value.items) if isinstance(ret.value, C.Tuple) else [ret.value]
        louts = list(outs)
        for i in split:
            tid = first.outputs[i].id
            name = walk.logit_names.get(walk.aliases.get(tid, tid))
            if name is None:
                raise Unexpressible()
            louts[i] = C.Name(name)
        value = louts[0] if len(louts) == 1 else C.Tuple(tuple(louts))
        return body[:-1] + [C.If(C.Name("logits"), [C.Return(value)]), ret]

    # -------------------------------------------------------- models
    def model_class(self, g: Graph, name: str, entry: bool) -> C.ClassDef:
        needed: set = set()
        while True:
            local = self.ns.child({"self", "logits"} | self.externs.names)
            inputs = [local.take(common.input_name(t)) for t in g.inputs]
            layouts = {t.id: boundary_layout(t) for t in g.inputs}
            walk = TorchWalk(self, local, {}, None, g.file, None, needed, layouts)
            walk.single = True
            walk.keep = {t.id for t in g.inputs}
            walk.input_params = {t.id: p for t, p in zip(g.inputs, inputs)}
            for t, p in zip(g.inputs, inputs):
                walk.holder[p] = t.id
                if t.var:
                    walk.vars[t.var] = p
            try:
                body = walk.start(g.def_node.body, [Occ(g, index_region(g.region))])
                break
            except Restart:
                continue
        outs, louts = [], []
        wanted = self.logit_outputs if entry else list(self.sub_logits.get(id(g), {}))
        for o in g.outputs:
            t = o.tensor
            tid = walk.aliases.get(t.id, t.id)
            var = walk.output_vars.get(o.name) or _holder(walk, t, tid)
            code: C.Expr = C.Name(var)
            lay, want = (self.plan.get((None, tid), CL) if t.type.rank > 2 else CL), boundary_layout(t)
            if t.type.rank > 2 and lay != want:
                code = convert(code, t.type.rank, lay, want)
            outs.append(code)
            lg = walk.logit_names.get(tid)
            if o.name in wanted and lg is not None:
                lcode: C.Expr = C.Name(lg)
                if t.type.rank > 2 and lay != want:
                    lcode = convert(lcode, t.type.rank, lay, want)
                louts.append(lcode)
            else:
                louts.append(code)
        ret = C.Return(outs[0] if len(outs) == 1 else C.Tuple(tuple(outs)))
        body += walk.output_mask_stmts(g, outs, louts, entry)
        if any(C.text(a) != C.text(b) for a, b in zip(outs, louts)):
            body.append(
                C.If(C.Name("logits"), [C.Return(louts[0] if len(louts) == 1 else C.Tuple(tuple(louts)))])
            )
        body.append(ret)
        body = prune(body, set(walk.local_names.values()))
        init = [C.ExprStmt(C.Call(C.Attr(C.Call(C.Name("super")), "__init__")))]
        params = [C.Param("self")]
        base = C.Attr(NN, "Module")
        if not entry:
            params.append(C.Param("name", C.lit(g.name)))
            init.append(C.Assign([_self("name")], C.Name("name")))
            base = C.Attr(K, "Model")
        init += prune(walk.init, set(walk.local_names.values()))
        fparams = [C.Param("self")] + [C.Param(p) for p in inputs]
        if wanted:
            fparams.append(C.Param("logits", C.lit(False)))
        built = ", ".join(f"{k}={v!r}" for k, v in g.args.items())
        doc_line = f"The `{g.name}` model ({common.where(g)})" + (f", built with {built}." if built else ".")
        methods = [C.FunctionDef("__init__", params, init), C.FunctionDef("forward", fparams, body)]
        return C.ClassDef(name, [base], methods, [doc_line])

    # -------------------------------------------------------- the module
    def emit(self) -> str:
        g = self.graph
        subs = common.subgraphs_postorder(g)
        for sub in [*subs, g]:
            self._collect(sub.items)
            self.make_plan(sub)
        model_classes = []
        seen: dict = {}  # (definition, code) -> class: one class per distinct model
        for sub in subs:
            cls = self.model_class(sub, "_", False)
            key = (id(sub.def_node), "\n".join(C.render([cls])))
            if key in seen:
                self.class_of_graph[id(sub)] = seen[key]
                continue
            cls.name = seen[key] = self.class_of_graph[id(sub)] = self.ns.take(class_name(sub.name))
            model_classes.append(cls)
        entry_cls = self.ns.take(class_name(g.name))
        model_classes.append(self.model_class(g, entry_cls, True))
        classes = self.compile_fns.used_by(self.classes + model_classes) + self.classes + model_classes
        classes_code = "\n\n\n".join("\n".join(C.render([c])) for c in classes)
        ctx = common.training_context(g)
        cf = [n for n, t in zip(ctx["input_names"], g.inputs) if boundary_layout(t) == CF]
        cf += [o.name for o in g.outputs if boundary_layout(o.tensor) == CF]
        imports = {"layers as K"}
        self.refuse_objects()
        rec = OB.Recorder(OB.torch_callee)

        def callee(cls):
            return self.externs.callee(cls) or rec(cls)

        loss_items = OB.loss_items(g, callee, strings=False)
        metric_items = OB.metric_items(g, callee)
        callbacks = C.List(tuple(OB.obj_expr(cb, rec) for cb in OB.callback_objs(g)))
        opt_obj = OB.optimizer_obj(g)
        opt_code = OB.return_lines(
            OB.torch_optimizer(opt_obj, C.Call(C.Attr(C.Name("model"), "parameters")), rec)
        )
        imports |= rec.modules | self.obj_modules | {"optim"}
        acts = []
        for o in g.outputs:
            if o.name in self.logit_outputs:
                act, axis = self.logit_acts[o.name]
                dim = torch_dim(axis, o.tensor.type.rank, boundary_layout(o.tensor))
                dim = -1 if dim == o.tensor.type.rank - 1 else dim
                acts.append((o.name, Safe(C.text(C.Tuple((C.lit(act), C.lit(dim)))))))
        tables = [
            ("LOSSES", loss_items, None),
            ("LOSS_WEIGHTS", ctx["weights_items"], None),
            ("METRICS", metric_items, None),
            ("FIT_DEFAULTS", ctx["fit_items"], None),
            (
                "INPUT_SPECS",
                ctx["input_items"],
                "name -> (Keras shape without the batch axis, dtype, exclusive upper bound of ints)",
            ),
            (
                "OUTPUT_SPECS",
                ctx["output_items"],
                "name -> (label shape without the batch axis, label kind, number of classes)",
            ),
            (
                "LOGIT_ACTIVATIONS",
                acts,
                "outputs model(..., logits=True) returns as logits: (activation, dim)",
            ),
        ]
        parts = []
        for n, items, c in tables:
            if n == "LOSS_WEIGHTS" and OB.weights_code(g):
                parts.append(OB.weights_code(g))
            elif n in ("LOSSES", "METRICS"):
                parts.append(OB.table_lines(n, items, c))
            else:
                parts.append(common.table_code(n, items, c))
        table_code = "\n\n".join(parts)
        table_code += "\n\nLOGIT_OUTPUTS = tuple(LOGIT_ACTIVATIONS)"
        table_code += "\n\n# inputs and outputs that are NCHW here and channels_last in Keras\n"
        table_code += "CHANNELS_FIRST = " + C.text(C.Tuple(tuple(C.lit(n) for n in cf)))
        opt_doc = C.text(OB.obj_expr(opt_obj, OB.keras_callee))
        if len(opt_doc) > 88 - len('    """, update for update."""'):
            opt_doc = f"keras.optimizers.{opt_obj.cls.name} of compile(...)"
        if self.uses_losses:
            imports.add("losses")
        runtime_imports = _import_block(
            imports, uses_torch="torch." in classes_code, uses_f="F." in classes_code, externs=self.externs
        )
        return common.render(
            "torch_module.py.j2",
            {
                "header": [doc(x) for x in _header(g, self.source)],
                "tables": Safe(table_code),
                "classes": Safe(classes_code),
                "model_name": doc(g.name),
                "file_name": doc(Path(self.source).stem + "_torch.py"),
                "entry_class": Safe(entry_cls),
                "optimizer_code": Safe("\n".join(opt_code)),
                "optimizer_doc": doc(opt_doc),
                "callbacks_code": Safe("\n".join(OB.return_lines(callbacks))),
                "runtime_imports": Safe(runtime_imports),
                "uses_math": _flag("math." in classes_code),
            },
        )

    def refuse_objects(self) -> None:
        """Losses, metrics, the optimizer and callbacks the PyTorch target cannot compute
        exactly: a located error (never something else computed silently)."""
        from graphc.compiler.objects import torch_problems

        g = self.graph
        comp = g.compile or {}
        found = [e.obj for e in comp.get("losses", []) if e.obj is not None]
        for ms in comp.get("metrics", {}).values():
            found += [m for m in ms if not isinstance(m, str)]
        found.append(OB.optimizer_obj(g))
        found += OB.callback_objs(g)
        for obj, why in torch_problems(found):
            file = obj.file or g.file
            span = obj.span or comp.get("optimizer_span") or comp.get("span") or g.span
            raise EmitError(Diagnostic(file, span, "error", "unsupported", f"torch target: {why}"))


class _Shaped:
    """A stand-in tensor for a wrapped layer's input (its shape as that layer sees it)."""

    def __init__(self, shape, dtype="float32"):
        self.type = TensorType(tuple(shape), dtype)


def _next_input(lv, x):
    """What the layer after `lv` in a list (stacked cells, a Pipeline) sees."""
    if getattr(lv.op, "is_cell", False):
        return _Shaped(x.type.shape[:-1] + (lv.args["units"],), x.type.dtype)
    from graphc.ops.base import op_instance

    (t,) = op_instance(lv.op).infer(lv.op.full(lv.args), [x.type])
    return _Shaped(t.shape, t.dtype)


def _is_layer_arg(v) -> bool:
    return isinstance(v, LayerVal) or (
        isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, LayerVal) for x in v)
    )


def _inner_inputs(wrapper: str, xss):
    """What a wrapped layer sees, per occurrence: a frame for TimeDistributed, else the inputs."""
    if xss is None:
        return None
    if wrapper == "TimeDistributed":
        return [[_Shaped(x.type.shape[1:], x.type.dtype) for x in xs[:1]] for xs in xss]
    return [xs[:1] for xs in xss]


def _wraps_cf(layer, ins) -> bool:
    """TimeDistributed around a layer that takes channels-first frames (a convolution)."""
    inner = layer.raw_args.get("layer")
    entry = ENTRIES.get(inner.op) if isinstance(inner, LayerVal) else None
    return entry is not None and entry.layout == CF and bool(ins) and ins[0][2][0].type.rank > 3


def _source(t):
    """The tensor an output's Identity layers pass through."""
    while t.call is not None and t.call.layer.op is not None and t.call.layer.op.name == "Identity":
        t = t.call.inputs[0]
    return t


def _flag(b: bool):
    from graphc.targets.escape import Safe

    return Safe("1") if b else ""


def _holder(walk, t, tid) -> str:
    for name, held in walk.holder.items():
        if held in (t.id, tid):
            return name
    raise Internal(f"no variable holds tensor {t.var}")


def _import_block(runtime: set, uses_torch: bool, uses_f: bool, externs=None) -> str:
    """The third-party imports, ordered as isort (ruff's I001) orders them:
    `import` statements, then `from` statements, each by module; an aliased
    member on a line of its own."""
    plain = ["import graphc_runtime.torch as rt"]
    if uses_torch:
        plain.append("import torch")
    if uses_f:
        plain.append("import torch.nn.functional as F")
    members = sorted(x for x in runtime if " as " not in x)
    aliased = sorted(x for x in runtime if " as " in x)
    froms = [f"from graphc_runtime.torch import {x}" for x in aliased]
    if members:
        line = "from graphc_runtime.torch import " + ", ".join(members)
        if len(line) > C.LINE:  # one member per line, as ruff formats it
            line = "from graphc_runtime.torch import (\n" + "".join(f"    {m},\n" for m in members) + ")"
        froms.append(line)
    froms.sort(key=lambda line: line.split(" import ")[1].split()[0].lower())
    froms.append("from torch import nn")
    if externs is not None and externs.stmts:  # the user's classes, in isort's order among these
        items = [
            (f.split()[1], re.split(r"[\s,]+", f.split(" import ")[1].lstrip("( \n"))[0], f) for f in froms
        ]
        return externs.block(plain, items)
    return "\n".join(plain + froms)


def _header(g: Graph, source_name: str) -> list:
    return [
        f"PyTorch model `{g.name}`, generated by graphc from {source_name}.",
        "",
        f"Do not edit: regenerate with `graphc {source_name} --target torch`.",
        "",
        "It computes what the Keras module generated from the same file computes:",
        "- layers are graphc_runtime's Keras layers in PyTorch (`K.Conv2D`...): Keras's",
        "  semantics, initial-weight distributions, regularizers and constraints,",
        "  and `load_keras_weights` to copy a Keras model's weights;",
        "- image tensors are channels-first inside, as PyTorch expects; model inputs and",
        "  outputs of rank 4 (with the batch axis) are NCHW, all others are laid out as",
        "  in Keras (the trainer converts channels_last arrays from --data);",
        "- `model(*inputs, logits=True)` returns, for the outputs in LOGIT_OUTPUTS, the",
        "  logits before their final sigmoid/softmax; the trainer (`train`) computes",
        "  their losses from those, as Keras on TensorFlow does.",
    ]


def _final_activation(t) -> str | None:
    """The activation that produced `t` when it is the call's last op."""
    layer = t.call.layer
    name = layer.op.name
    a = layer.full_args
    if name == "Softmax":
        axis = a.get("axis", -1)
        return "softmax" if not isinstance(axis, (tuple, list)) or len(axis) == 1 else None
    if name == "Activation":
        return a.get("activation")
    if "activation" in a:
        return a.get("activation")
    return None


def emit_torch(program, graph: Graph, source_name: str) -> str:
    """The PyTorch module for `graph` (the entry model of `program`), as text."""
    return TorchEmitter(program, graph, source_name).emit()
