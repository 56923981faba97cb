"""IR -> a Keras 3 training module.

Each model becomes a function returning a `keras.Model` (`build_model()` for
the entry model); each GDL block becomes ONE Python function for all of its
calls (graphc/compiler/specialize.py, graphc/targets/walk.py): what differs
between the calls is a parameter (`filters`, `stride`, the layer names built
from `name`), structural flags stay `if`s, loops stay loops where every
iteration is written the same way.  Layers keep the names graphc gave them,
so `graphc summary`, Keras's logs and the PyTorch module's weight loader
agree.  Code is built as trees (graphc/targets/code.py) and rendered through
templates/keras_module.py.j2.
"""

from __future__ import annotations

from pathlib import Path

from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.graphs import snake
from graphc.compiler.ir import BlockInstance, Graph, LayerNode, Tensor
from graphc.compiler.specialize import Occ, Template, Unexpressible, index_region
from graphc.compiler.values import LayerVal
from graphc.targets import code as C
from graphc.targets import common
from graphc.targets import objects as OB
from graphc.targets.escape import Safe, doc, identifier
from graphc.targets.externs import Imports
from graphc.targets.names import module_namespace
from graphc.targets.walk import BodyWalk, CompileTimeFunctions, Internal, Restart, call_arg, param_pairs

LAYERS = C.Name("layers")
KERAS = C.Name("keras")


def _def_file(bi: BlockInstance) -> str:
    return bi.def_file


# ------------------------------------------------------------------ the walk
class KerasWalk(BodyWalk):
    WRITES_TENSOR_ATTRS = True  # `x.shape[-1]` is a KerasTensor's own
    BRANCH_LAYERS_INLINE = True  # layers are built where they are applied

    def __init__(self, em: "KerasEmitter", ns, params, template, file, prefix: str | None, needed=None):
        super().__init__(ns, params, template, file, needed)
        self.em = em
        self.functions = em.compile_fns
        self.prefix = prefix  # Python name of the instance-name parameter (blocks)
        self.prefix_used = False
        self.depth = 0
        self.output_vars: dict = {}  # output name -> the Python variable holding it

    # -- statements
    pending: list = []  # statements written before the current one (a hoisted Input)
    direct = None  # the expression the current statement assigns

    def stmt(self, st, occs):
        saved = self.pending, self.direct
        self.pending = []
        self.direct = (
            st.value
            if isinstance(st, (S.Assign, S.Output)) and len(getattr(st, "targets", [st])) == 1
            else None
        )
        try:
            out = super().stmt(st, occs)
            return self.pending + out
        finally:
            self.pending, self.direct = saved

    def if_(self, st, occs):
        self.depth += 1
        try:
            return super().if_(st, occs)
        finally:
            self.depth -= 1

    def for_(self, st, occs):
        self.depth += 1
        try:
            return super().for_(st, occs)
        finally:
            self.depth -= 1

    def share(self, st: S.Share, occs, ran):
        lvs = [r.values[0] for r in ran]
        if any(not isinstance(lv, LayerVal) or lv.layer is None for lv in lvs):
            if all(isinstance(lv, LayerVal) and lv.layer is None for lv in lvs):
                return []  # shared but never applied: Keras would not build it either
            raise Unexpressible()
        layers = [lv.layer for lv in lvs]
        if layers[0].graph is not None:
            value = self.model_ctor(layers, occs)
        else:
            value = self.ctor(layers, st.value, occs)
        name = self.bind_var(st.target.id, [])
        self.bound_layers[id(layers[0].ctor_site)] = name
        return [C.Assign([C.Name(name)], value, self.where(st))]

    def output(self, st: S.Output, occs):
        value = self.expr(st.value, occs)
        ident_nodes = [o.get(st.target) for o in occs]
        if ident_nodes[0]:  # wrapped in an Identity named after the output
            value = self.identity(ident_nodes, value)
        (occ,) = occs
        t = next(o.tensor for o in occ.owner.outputs if o.name == st.target.id)
        self.keep.add(t.id)
        name = self.bind_var(st.target.id, [t])
        self.output_vars[st.target.id] = name
        if isinstance(value, C.Name):  # `output y = x`: the model returns x
            self.output_vars[st.target.id] = value.id
            return []
        return self.finish_assign(C.Assign([C.Name(name)], value, self.where(st)))

    def output_list(self, st: S.OutputList, occs):
        (occ,) = occs
        out = []
        for ident in st.names:
            t = next(o.tensor for o in occ.owner.outputs if o.name == ident.id)
            nodes = occ.get(ident)
            if nodes:
                value = self.identity([nodes], C.Name(self.var(ident.id)))
                self.keep.add(t.id)
                name = self.bind_var(ident.id, [t])
                out.append(C.Assign([C.Name(name)], value, self.where(st)))
            else:
                self.keep.add(t.id)
        return out

    def identity(self, nodes_per_occ, value):
        layer = nodes_per_occ[0][0].layer
        return C.Call(C.Call(C.Attr(LAYERS, "Identity"), (), (("name", C.lit(layer.name)),)), (value,))

    def obj_callee(self, cls):
        return self.em.callee(cls)

    # -- expressions
    def input_expr(self, nodes, e, occs):
        (node,) = nodes
        t = node.outputs[0]
        self.keep.add(t.id)
        kw = [("shape", C.lit(tuple(t.type.shape)))]
        if t.type.dtype != "float32":
            kw.append(("dtype", C.lit(t.type.dtype)))
        kw.append(("name", C.lit(common.input_name(t))))
        call = C.Call(C.Attr(KERAS, "Input"), (), tuple(kw))
        if e is self.direct:
            return call
        # an Input written inside another expression: keras.Model needs it in a variable
        name = self.ns.take(identifier(common.input_name(t)))
        self.pending.append(C.Assign([C.Name(name)], call, self.where(node)))
        self.holder[name] = t.id
        return C.Name(name)

    def layer_expr(self, nodes, e, occs):
        layers = [n.layer for n in nodes]
        first = layers[0]
        if any(la.op is not first.op or (la.graph is None) != (first.graph is None) for la in layers):
            raise Unexpressible()
        if id(first.ctor_site) in self.bound_layers:  # `d = Dense(3)` (not shared), then `d(x)`
            return C.Call(C.Name(self.bound_layers[id(first.ctor_site)]), *self.tensor_args(nodes, e, occs))
        if first.shared:
            callee = self.expr(e.func, occs) if isinstance(e, S.Call) else None
            if callee is None:
                raise Unexpressible()
            return C.Call(callee, *self.tensor_args(nodes, e, occs))
        if first.graph is not None:
            if isinstance(e, S.Call) and isinstance(e.func, S.Name):
                callee = self.expr(e.func, occs)
            else:
                callee = self.model_ctor(layers, occs)
            return C.Call(callee, *self.tensor_args(nodes, e, occs))
        if first.function_form:
            return self.function_form(layers, nodes, e, occs)
        ctor_ast = e.func if isinstance(e, S.Call) and isinstance(e.func, S.Call) else first.ctor_site
        return C.Call(self.ctor(layers, ctor_ast, occs), *self.tensor_args(nodes, e, occs))

    def op_expr(self, nodes, e, occs):
        """A function of the catalog: `ops.NAME(...)` as written, an operator on
        tensors of the model (`x + 1`, `x @ w`, `-x`, `x < 0`; `ops.equal` for `==`,
        which KerasTensors do not overload), or `x[key]`."""
        fn = nodes[0].fn
        if any(n.fn is not fn for n in nodes):
            raise Unexpressible()
        names = [p.name for p in fn.params]

        def arg(pname, ast):
            values = [_op_arg(n, pname) for n in nodes]
            holds = [_holds_tensor(v) for v in values]
            if all(holds):
                return self.expr(ast, occs)
            if any(holds):
                raise Unexpressible()
            pairs = [(v, n.arg_syms.get(pname, P.OPAQUE)) for v, n in zip(values, nodes)]
            return self.value(pairs, occs, pname)

        def ops_call(args, kwargs=()):
            self.em.uses_ops = True
            return C.Call(C.Attr(C.Name("ops"), fn.name), tuple(args), tuple(kwargs))

        if isinstance(e, S.Call):
            args = []
            for i, a in enumerate(e.args):
                pname = names[i] if i < len(names) else f"{fn.varargs}#{i - len(names)}"
                args.append(arg(pname, a))
            return ops_call(args, [(k.name, arg(k.name, k.value)) for k in e.kwargs])
        if isinstance(e, S.Index):
            key = _key_expr([n.args["key"] for n in nodes])
            return C.Sub(self.expr(e.obj, occs), key)
        operands = (
            [e.left, e.right]
            if isinstance(e, S.BinOp)
            else [e.first, e.rest[0][1]]
            if isinstance(e, S.Compare)
            else [e.operand]
        )
        codes = [arg(p, a) for p, a in zip(names, operands)]
        # an operator is keras.ops when the operand Python asks first is a KerasTensor
        # (a constant tensor of ops.arange is a backend tensor, whose operators are not)
        symbolic = all(_symbolic_first([n.args[p] for p in names[: len(operands)]]) for n in nodes)
        if isinstance(e, S.Unary):
            return C.Unary("-", codes[0]) if symbolic else ops_call(codes)
        op = e.op if isinstance(e, S.BinOp) else e.rest[0][0]
        if not symbolic or op == "==":
            return ops_call(codes)
        if isinstance(e, S.Compare):
            return C.Compare(codes[0], ((op, codes[1]),))
        return C.Bin(op, codes[0], codes[1])

    def tensor_args(self, nodes, e, occs) -> tuple:
        """(positional, keyword) tensor arguments of a layer call."""
        if isinstance(e, S.BinOp):
            return (C.List((self.expr(e.left, occs), self.expr(e.right, occs))),), ()
        if not isinstance(e, S.Call):
            raise Unexpressible()
        args = tuple(self.expr(a, occs) for a in e.args)
        kwargs = []
        for k in e.kwargs:
            if k.name in nodes[0].call_args:  # a call option: return_attention_scores=True
                pairs = [(n.call_args[k.name], n.call_syms.get(k.name, P.OPAQUE)) for n in nodes]
                kwargs.append((k.name, self.value(pairs, occs, k.name)))
            elif k.name in nodes[0].call_tensors:  # initial_state=[h, c], mask=[None, m]
                kwargs.append((k.name, self.tensor_arg(k.value, occs)))
            else:
                kwargs.append((k.name, self.expr(k.value, occs)))
        return args, tuple(kwargs)

    def function_form(self, layers, nodes, e, occs):
        first = layers[0]
        fn = C.Attr(LAYERS, first.op.function)
        if isinstance(e, S.BinOp):
            inputs = C.List((self.expr(e.left, occs), self.expr(e.right, occs)))
            kwargs = []
        else:
            inputs = self.expr(e.args[0], occs)
            kwargs = [(k.name, self.arg(layers, k.name, k.value, occs)) for k in e.kwargs if k.name != "name"]
        if not self.em.auto_named(first):
            kwargs.append(("name", self.name_arg(layers, e, occs)))
        return C.Call(fn, (inputs,), tuple(kwargs))

    def ctor(self, layers, ast, occs) -> C.Expr:
        """`layers.X(arguments as written)`."""
        first = layers[0]
        op = first.op
        positional = [p.name for p in op.all_params() if p.positional]
        args, kwargs = [], []
        if isinstance(ast, S.Call):
            for i, a in enumerate(ast.args):
                args.append(self.arg(layers, positional[i], a, occs))
            for k in ast.kwargs:
                if k.name == "name":
                    continue
                kwargs.append((k.name, self.arg(layers, k.name, k.value, occs)))
        else:  # no syntax to follow (a layer graphc made): the given arguments
            for p in op.all_params():
                if p.name in first.raw_args and p.name != "name":
                    kwargs.append((p.name, self.arg(layers, p.name, None, occs)))
        if not self.em.auto_named(first):
            kwargs.append(("name", self.name_arg(layers, ast, occs)))
        extern = self.em.externs.callee(op)
        if extern is not None:  # the user's class: every argument by keyword (docs/extern.md)
            kwargs = [(positional[i], a) for i, a in enumerate(args)] + kwargs
            return C.Call(extern, (), tuple(kwargs))
        return C.Call(C.Attr(LAYERS, op.name), tuple(args), tuple(kwargs))

    def arg(self, layers, pname, ast, occs) -> C.Expr:
        values = [la.raw_args.get(pname) for la in layers]
        if all(isinstance(v, LayerVal) for v in values):  # a wrapped layer: Bidirectional(LSTM(8))
            return self.wrapped(values, ast, occs)
        if all(
            isinstance(v, (list, tuple)) and v and all(isinstance(x, LayerVal) for x in v) for v in values
        ):
            if any(len(v) != len(values[0]) for v in values):
                raise Unexpressible()
            items = ast.items if isinstance(ast, S.ListExpr) else [None] * len(values[0])  # Pipeline([...])
            return C.List(
                tuple(self.wrapped([v[k] for v in values], items[k], occs) for k in range(len(values[0])))
            )
        pairs = [(la.raw_args.get(pname), la.arg_syms.get(pname, P.OPAQUE)) for la in layers]
        return self.value(pairs, occs, pname)

    def wrapped(self, lvs, ast, occs) -> C.Expr:
        first = lvs[0]
        if any(lv.op is not first.op for lv in lvs):
            raise Unexpressible()
        positional = [p.name for p in first.op.all_params() if p.positional]
        args, kwargs = [], []
        for i, a in enumerate(ast.args if isinstance(ast, S.Call) else []):
            args.append(self.lv_arg(lvs, positional[i], a, occs))
        for k in ast.kwargs if isinstance(ast, S.Call) else []:
            kwargs.append((k.name, self.lv_arg(lvs, k.name, k.value, occs)))
        return C.Call(C.Attr(LAYERS, first.op.name), tuple(args), tuple(kwargs))

    def lv_arg(self, lvs, pname, ast, occs):
        values = [lv.raw.get(pname) for lv in lvs]
        if all(isinstance(v, LayerVal) for v in values):
            return self.wrapped(values, ast, occs)
        return self.value([(lv.raw.get(pname), lv.arg_syms.get(pname, P.OPAQUE)) for lv in lvs], occs, pname)

    def name_arg(self, layers, ast, occs) -> C.Expr:
        first = layers[0]
        if first.explicit_name and first.name == first.raw_args.get("name"):
            return self.arg(layers, "name", None, occs)
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

    def model_ctor(self, layers, occs) -> C.Expr:
        graphs = {id(la.graph) for la in layers}
        if len(graphs) != 1:
            raise Unexpressible()
        fn = self.em.model_fns[id(layers[0].graph)]
        return C.Call(
            C.Name(fn), (), (("name", self.value([(la.name, P.OPAQUE) for la in layers], occs, "name")),)
        )

    def block_expr(self, instances, e, occs):
        fns = {id(self.em.function_of(bi)) for bi in instances}
        if len(fns) != 1:
            raise Unexpressible()
        fn = self.em.function_of(instances[0])
        args, kwargs = [], []
        for p in fn.sig:
            if p.kind == "tensor":
                ast = call_arg(e, p.index, p.gdl)
                if ast is None:
                    raise Internal(f"block argument {p.gdl} not found")
                (args if p.default is None else kwargs).append(
                    self.expr(ast, occs) if p.default is None else (p.py, self.expr(ast, occs))
                )
                continue
            pairs = param_pairs(p, instances, e, fn.template)
            if pairs is None:
                continue
            value = self.value(pairs, occs, p.py)
            if p.default is None:
                args.append(value)
            else:
                kwargs.append((p.py, value))
        return C.Call(C.Name(fn.name), tuple(args), tuple(kwargs))


def _op_arg(node, pname):
    """An OpNode's argument by parameter name (`operands#1`: einsum's second operand)."""
    if "#" in pname:
        base, i = pname.split("#")
        return node.args[base][int(i)]
    return node.args.get(pname)


def _holds_tensor(v) -> bool:
    if isinstance(v, Tensor):
        return True
    return isinstance(v, (list, tuple)) and any(isinstance(x, Tensor) for x in v)


def _symbolic_first(operands: list) -> bool:
    from graphc.compiler.functions import is_unbatched

    first = operands[0] if isinstance(operands[0], Tensor) else operands[-1]
    return isinstance(first, Tensor) and not is_unbatched(first)


def _key_expr(keys: list) -> C.Expr:
    """An index (ints, slices, Ellipsis, None) written as Python writes it."""
    if any(k != keys[0] for k in keys):
        raise Unexpressible()

    def one(k):
        if k is Ellipsis:
            return C.Lit("...")
        if isinstance(k, slice):
            return C.Slice(*(None if b is None else C.lit(b) for b in (k.start, k.stop, k.step)))
        return C.lit(k)

    items = tuple(one(k) for k in keys[0])
    return items[0] if len(items) == 1 else C.Tuple(items)


# ------------------------------------------------------------------ functions
class SigParam:
    def __init__(self, kind, gdl, py, index=None, default=None, default_value=None):
        self.kind = kind  # "tensor" | "value" | "derived" | "prefix"
        self.gdl, self.py, self.index = gdl, py, index
        self.default = default  # Expr or None
        self.default_value = default_value


class BlockFunction:
    """One emitted function for a group of calls of one block."""

    def __init__(self, name, instances, template, sig, stmts, doc_lines):
        self.name, self.instances, self.template, self.sig = name, instances, template, sig
        self.stmts, self.doc = stmts, doc_lines


class KerasEmitter:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.ns = module_namespace()
        self.model_fns: dict = {}  # id(Graph) -> function name
        self.functions: list = []  # code.FunctionDef, callees first
        self.by_def: dict = {}  # id(block Def) -> [BlockFunction]
        self.fn_of: dict = {}  # id(BlockInstance) -> BlockFunction
        self.instances: dict = {}  # id(block Def) -> [BlockInstance] in the whole module
        self.compile_fns = CompileTimeFunctions(self.ns)
        self.uses_ops = False  # a keras.ops function is written: `from keras import ops`
        self.op_bases = None  # the names Keras gives the model's keras.ops (see auto_named)
        self.externs = Imports(graph, self.ns, "keras")  # classes of `extern` declarations

    def callee(self, cls) -> C.Expr:
        """A Keras object class: keras.<module>.<Class>, or the imported extern class."""
        return self.externs.callee(cls) or OB.keras_callee(cls)

    def auto_named(self, layer) -> bool:
        """A layer Keras must name itself: an auto-named layer without weights whose
        Keras name ("add", "concatenate_1") the keras.ops of the model could also get
        (Keras names its layers and its ops from one counter; a name graphc passes is
        not counted, and two operations of one name break keras.Model)."""
        from graphc.catalog.functions import keras_op_bases
        from graphc.compiler.graphs import snake

        if self.op_bases is None:
            self.op_bases = keras_op_bases(self.graph)
        return (
            layer.op is not None
            and not layer.explicit_name
            and not layer.weights
            and snake(layer.op.name) in self.op_bases
            and layer.name not in {o.name for o in (layer.owner.outputs if layer.owner else ())}
        )

    # -- blocks
    def _collect(self, items):
        for it in items:
            if isinstance(it, BlockInstance) and it.outputs:
                self.instances.setdefault(id(it.node), []).append(it)
                self._collect(it.items)

    def function_of(self, bi: BlockInstance) -> BlockFunction:
        if id(bi) not in self.fn_of:
            self._make_functions(self.instances[id(bi.node)])
        return self.fn_of[id(bi)]

    def _make_functions(self, instances: list):
        groups = [instances]
        while groups:
            group = groups.pop(0)
            try:
                fn = self._function(group)
            except Unexpressible:
                if len(group) == 1:
                    raise Internal(f"block `{group[0].name}` cannot be written for one call") from None
                groups = _split(group) + groups
                continue
            for bi in group:
                self.fn_of[id(bi)] = fn

    def _function(self, group: list) -> BlockFunction:
        first = group[0]
        node = first.node
        # callees first (their functions decide the arguments this one passes)
        for bi in group:
            for sub in bi.items:
                if isinstance(sub, BlockInstance) and id(sub.node) in self.instances:
                    self.function_of(sub)
        fns = self.by_def.setdefault(id(node), [])
        fname_base = identifier(node.name.id)
        local = self.ns.child(self.externs.names)
        gdl_params = [p.name.id for p in node.params]
        tensor_params = [p for p in gdl_params if isinstance(dict(first.params)[p], Tensor)]
        if any(
            isinstance(dict(bi.params)[p], Tensor) != (p in tensor_params) for bi in group for p in gdl_params
        ):
            raise Unexpressible()
        needed: set = set()
        while True:  # again when a compile-time local must be written as a variable
            local = self.ns.child(self.externs.names)
            params = {p: local.take(p) for p in gdl_params}
            prefix_base = next(n for n in ("name", "prefix", "layer_prefix", "name_") if n not in params)
            prefix = local.take(prefix_base)
            template = Template(group)
            walk = KerasWalk(self, local, params, template, first.def_file, prefix, needed)
            for p in tensor_params:
                walk.vars[p] = params[p]
            occs = [Occ(bi, index_region(bi.region)) for bi in group]
            try:
                body = walk.start(node.body, occs)
                break
            except Restart:
                continue
        if not body or not isinstance(body[-1], C.Return):
            raise Unexpressible() if any(bi.returned is None for bi in group) else Internal("no return")
        # the signature: tensors, required values, derived values, defaulted values, the name
        sig: list = []
        index = {p: i for i, p in enumerate(gdl_params)}
        # an object default (`init=HeUniform()`) is passed by every call: a Python default
        # would be one object shared by all calls, where each GDL call makes its own
        defaults = {k: v for k, v in first.defaults.items() if not OB.objects_in(v)}
        for p in gdl_params:
            if p in tensor_params:
                sig.append(SigParam("tensor", p, params[p], index[p]))
        used = walk.used_params
        for p in gdl_params:
            if p in used and p not in tensor_params and p not in defaults:
                sig.append(SigParam("value", p, params[p], index[p]))
        optional = []  # derived values only some calls need (read in a branch): default None
        for d in template.derived_order:
            if len(template.derived[d]) == len(group):
                sig.append(SigParam("derived", d, d))
            else:
                optional.append(SigParam("derived", d, d, None, C.lit(None), None))
        for p in gdl_params:
            if p in used and p not in tensor_params and p in defaults:
                sig.append(SigParam("value", p, params[p], index[p], C.lit(defaults[p]), defaults[p]))
        sig += optional
        if walk.prefix_used:
            sig.append(SigParam("prefix", None, prefix, None, C.lit(first.instance), first.instance))
        # the same text for another group: one function
        fdef_params = [C.Param(s.py, s.default) for s in sig]
        where = f"{Path(first.def_file).name}:{first.def_span.line}"
        doc_lines = [f"Block `{node.name.id}` ({where})."]
        key = C.render([C.FunctionDef("f", fdef_params, body)])
        for fn in fns:
            if fn.key == key:  # the same code: one function, the derived values of both groups
                for name, table in template.derived.items():
                    fn.template.derived[name].update(table)
                return fn
        name = self.ns.take(fname_base)
        fn = BlockFunction(name, group, template, sig, body, doc_lines)
        fn.key = key
        fns.append(fn)
        self.functions.append(C.FunctionDef(name, fdef_params, body, doc_lines))
        return fn

    # -- models
    def model_function(self, g: Graph, name: str, entry: bool) -> C.FunctionDef:
        needed: set = set()
        while True:  # again when a compile-time local must be written as a variable
            local = self.ns.child(({"name"} if not entry else set()) | self.externs.names)
            walk = KerasWalk(self, local, {}, None, g.file, None, needed)
            walk.single = True
            walk.keep = {t.id for t in g.inputs}
            try:
                body = walk.start(_def_node(g).body, [Occ(g, index_region(g.region))])
                break
            except Restart:
                continue
        ins = [C.Name(_holder(walk, t)) for t in g.inputs]
        outs = [C.Name(walk.output_vars.get(o.name) or _holder(walk, o.tensor)) for o in g.outputs]
        out_expr = outs[0] if len(outs) == 1 else C.List(tuple(outs))
        model_name = C.lit(g.name) if entry else C.Name("name")
        ret = C.Return(
            C.Call(C.Attr(KERAS, "Model"), (C.List(tuple(ins)), out_expr), (("name", model_name),))
        )
        if not C.fits(C.text(ret.value), 4 + 7):
            body.append(C.Assign([C.Name(local.take("inputs"))], C.List(tuple(ins))))
            body.append(C.Assign([C.Name(local.take("outputs"))], out_expr))
            ret = C.Return(
                C.Call(C.Attr(KERAS, "Model"), (C.Name("inputs"), C.Name("outputs")), (("name", model_name),))
            )
        body.append(ret)
        from graphc.targets.walk import prune

        body = prune(body, set())
        where = common.where(g)
        if entry:
            return C.FunctionDef("build_model", [], body, [f"The `{g.name}` model, uncompiled."])
        built = ", ".join(f"{k}={v!r}" for k, v in g.args.items())
        return C.FunctionDef(
            name,
            [C.Param("name", C.lit(g.name))],
            body,
            [f"The `{g.name}` model ({where})" + (f", built with {built}." if built else ".")],
        )

    def emit(self, source_name: str) -> str:
        g = self.graph
        subs = common.subgraphs_postorder(g)
        for sub in [*subs, g]:
            self._collect(sub.items)
        model_defs = []
        seen: dict = {}  # (definition, code) -> function: one function per distinct model
        for sub in subs:
            fn = self.model_function(sub, "_", False)
            key = (id(_def_node(sub)), "\n".join(C.render([fn])))
            if key in seen:
                self.model_fns[id(sub)] = seen[key]
                continue
            name = self.ns.take(identifier(snake(sub.name)))  # PEP 8: MobileNet -> def mobile_net
            fn.name = seen[key] = self.model_fns[id(sub)] = name
            model_defs.append(fn)
        build = self.model_function(g, "build_model", True)
        functions = (
            self.compile_fns.used_by(self.functions + model_defs + [build]) + self.functions + model_defs
        )
        ctx = common.training_context(g)
        tables = [
            ("LOSSES", OB.loss_items(g, self.callee, strings=True), None),
            ("LOSS_WEIGHTS", ctx["weights_items"], None),
            ("METRICS", OB.metric_items(g, self.callee), None),
            ("FIT_DEFAULTS", ctx["fit_items"], None),
            (
                "INPUT_SPECS",
                ctx["input_items"],
                "name -> (shape without the batch axis, dtype, exclusive upper bound of ints)",
            ),
            (
                "OUTPUT_SPECS",
                ctx["output_items"],
                "name -> (label shape without the batch axis, label kind, number of classes)",
            ),
        ]
        table_code = []
        for n, items, c in tables:
            if n == "LOSS_WEIGHTS" and OB.weights_code(g):
                table_code.append(OB.weights_code(g))
            elif n in ("LOSSES", "METRICS"):
                table_code.append(OB.table_lines(n, items, c))
            else:
                table_code.append(common.table_code(n, items, c))
        callbacks = C.List(tuple(OB.obj_expr(cb, OB.keras_callee) for cb in OB.callback_objs(g)))
        return common.render(
            "keras_module.py.j2",
            {
                "header": [doc(x) for x in _header(g, source_name)],
                "tables": Safe("\n\n".join(table_code)),
                "functions": Safe("\n\n\n".join("\n".join(C.render([f])) for f in functions)),
                "build_model": Safe("\n".join(C.render([build]))),
                "optimizer_code": Safe(
                    "\n".join(OB.return_lines(OB.obj_expr(OB.optimizer_obj(g), OB.keras_callee)))
                ),
                "callbacks_code": Safe("\n".join(OB.return_lines(callbacks))),
                "file_name": doc(Path(source_name).stem + "_keras.py"),
                "uses_math": Safe("1") if self.compile_fns.uses_math else "",
                "uses_ops": Safe("1") if self.uses_ops else "",
                "imports": Safe(
                    self.externs.block(
                        ["import keras"],
                        [
                            (
                                "keras",
                                "layers",
                                "from keras import layers" + (", ops" if self.uses_ops else ""),
                            )
                        ],
                    )
                ),
            },
        )


def _header(g: Graph, source_name: str) -> list:
    return [
        f"Keras 3 model `{g.name}`, generated by graphc from {source_name}.",
        "",
        f"Do not edit: regenerate with `graphc {source_name} --target keras`.",
        "Runs on any Keras 3 backend (TensorFlow, or KERAS_BACKEND=torch).",
        "`build_model()` needs only Keras; `train`/`main` train it with",
        "graphc_runtime.keras (`pip install graphc-runtime`).",
    ]


def _holder(walk: KerasWalk, t: Tensor) -> str:
    for name, tid in walk.holder.items():
        if tid == t.id:
            return name
    raise Internal(f"no variable holds tensor {t.var}")


def _def_node(g: Graph):
    """The `model` definition a graph was built from."""
    node = getattr(g, "def_node", None)
    if node is None:
        raise Internal(f"graph {g.name} has no definition")
    return node


def _signature(bi: BlockInstance):
    def walk(region):
        out = []
        for r in region:
            if isinstance(r, LayerNode):
                out.append(
                    ("L", id(r.site), r.layer.name[len(bi.instance) :] if not r.layer.explicit_name else "")
                )
            elif isinstance(r, BlockInstance):
                out.append(("B", id(r.site)))
            elif hasattr(r, "branch"):
                out.append(("I", id(r.stmt), r.branch, tuple(walk(r.region))))
            elif hasattr(r, "iterations"):
                out.append(("F", id(r.stmt), tuple(tuple(walk(reg)) for _, reg in r.iterations)))
        return out

    return tuple(walk(bi.region))


def _split(group: list) -> list:
    """Calls that could not share a function: by structure, else one by one."""
    by_sig: dict = {}
    for bi in group:
        by_sig.setdefault(_signature(bi), []).append(bi)
    parts = list(by_sig.values())
    if len(parts) == 1:
        return [[bi] for bi in group]
    return parts


def emit_keras(program, graph: Graph, source_name: str) -> str:
    return KerasEmitter(graph).emit(source_name)
