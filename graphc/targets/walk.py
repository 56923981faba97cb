"""The walk shared by the targets: a GDL body written once for a group of
occurrences (graphc/compiler/specialize.py), statement by statement, in the
shape the user wrote it.

`BodyWalk` follows the GDL statements of a block (or model) body and the
records of what ran in each occurrence.  Compile-time statements disappear
(their values are written where they are used, through their provenance);
statements that bind tensors become assignments; an `if` whose occurrences
took different branches stays an `if` on its (expressible) condition, and
otherwise only the branch taken is written; a `for` stays a loop when every
iteration can be written the same way, else it is unrolled.  A target
subclasses it and says how to spell a node, a block call and an input.
"""

from __future__ import annotations

from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.ir import (
    BlockInstance,
    Executed,
    ForRegion,
    IfRegion,
    Indexed,
    InputNode,
    LayerNode,
    OpNode,
    Tensor,
)
from graphc.compiler.specialize import Occ, Template, Unexpressible, Written, fold, index_region, unify
from graphc.compiler.values import LayerVal
from graphc.targets import code as C
from graphc.targets.names import Namespace


class Internal(Exception):
    """A GDL construct the walk does not know how to write (a graphc bug)."""


class Restart(Exception):
    """A compile-time local must be written as a variable: walk the body again
    (its assignments are then written too)."""


BUILTIN_NAMES = {
    "len",
    "min",
    "max",
    "abs",
    "int",
    "float",
    "str",
    "round",
    "range",
    "sum",
    "zip",
    "enumerate",
}


class BodyWalk:
    """Writes one body for a group of occurrences.

    `ns`: the function's namespace; `params`: GDL parameter name -> Python name
    of the parameters the template may read; `template`: where derived
    parameters are recorded (None: values that differ are an error)."""

    # what the target's code can do (a target subclass says so):
    # write a tensor's attributes where GDL read them (`x.shape[-1]`), else their values;
    WRITES_TENSOR_ATTRS = False
    # build layers inside a conditional expression (`a if flag else Dense(4)(x)`)
    BRANCH_LAYERS_INLINE = False

    def __init__(self, ns: Namespace, params: dict, template: Template | None, file: str, needed=None):
        self.bound_layers: dict = {}  # id(construction site) -> the variable a layer object is bound to
        self.ns = ns
        self.needed: set = needed if needed is not None else set()  # locals written as variables
        self.local_names: dict = {}  # local -> Python name, once its assignment is written
        self.compile_time_locals: set = set()  # names compile-time assignments bind (see start)
        self.functions = None  # CompileTimeFunctions of the module, when the target writes them
        self.params = dict(params)  # GDL parameter -> Python name
        self.template = template
        self.file = file
        self.vars: dict = {}  # GDL variable -> Python name
        self.loop_vars: dict = {}  # GDL loop variable -> Python name
        self.used_params: set = set()
        self.single = False  # one occurrence (a model): remember which tensors variables hold
        self.holder: dict = {}  # Python name -> tensor id it holds (single)
        self.keep: set = set()  # tensor ids that must stay in their variable (model inputs/outputs)
        # loop and comprehension variables holding tensors, in an unrolled iteration: their code
        self.bound_code: dict = {}
        self.occs_env: dict = {}  # the unrolled loop variables of what is being written
        self.hoisted: list = []  # statements written before the current one (an iterable of tensors)

    # ------------------------------------------------------------ names
    def where(self, node) -> str:
        from pathlib import Path

        return f"{Path(self.file).name}:{node.span.line}"

    def var(self, gdl: str) -> str:
        """The Python name a GDL variable is read as."""
        if gdl in self.loop_vars:
            return self.loop_vars[gdl]
        if gdl in self.vars:
            return self.vars[gdl]
        if gdl in self.params:
            return self.params[gdl]
        name = self.ns.take(gdl)
        self.vars[gdl] = name
        return name

    def bind_var(self, gdl: str, values: list) -> str:
        """The Python name a GDL variable is assigned as (a fresh one when the
        old one still holds a tensor that must be kept)."""
        name = self.vars.get(gdl) or self.local_names.get(gdl) or self.params.get(gdl)
        if name is None:
            name = self.var(gdl)
        elif self.single and self.holder.get(name) in self.keep and not self._held_elsewhere(name):
            name = self.ns.take(gdl)
        self.vars[gdl] = name
        self.bound_code.pop(gdl, None)
        if self.single and values and isinstance(values[0], Tensor):
            self.holder[name] = values[0].id
        elif self.single:
            self.holder.pop(name, None)
        return name

    def _held_elsewhere(self, name: str) -> bool:
        tid = self.holder.get(name)
        return any(n != name and t == tid for n, t in self.holder.items())

    # ------------------------------------------------------------ values
    def sym_expr(self, s: P.Sym) -> C.Expr:
        """Code for a provenance expression."""
        if isinstance(s, P.Local):
            if s.name in self.local_names:
                return C.Name(self.local_names[s.name])
            if (_big(s.value) or P.reads_tensor(s.value)) and s.name in self.compile_time_locals:
                # a list of 13 tuples, or `x.shape[-1]` (x may be rebound later): once, as a variable
                s = P.LocalRef(s.name)
            else:
                return self.sym_expr(fold(s.value))
        if isinstance(s, P.LocalRef):
            if s.name in self.local_names:
                return C.Name(self.local_names[s.name])
            if s.name in self.needed:
                raise Unexpressible()  # read where its assignment was not written
            self.needed.add(s.name)
            raise Restart()
        if isinstance(s, P.Param):
            self.used_params.add(s.name)
            return C.Name(self.params.get(s.name, s.name))
        if isinstance(s, P.Loop):
            return C.Name(self.loop_vars[s.name])
        if isinstance(s, P.Const):
            if s.value is Ellipsis:
                return C.Lit("...")
            return C.lit(s.value, s.text)
        if isinstance(s, P.Bin):
            return C.Bin(s.op, self.sym_expr(s.left), self.sym_expr(s.right))
        if isinstance(s, P.Unary):
            return C.Unary(s.op, self.sym_expr(s.operand))
        if isinstance(s, P.Compare):
            return compare(self.sym_expr(s.first), [(op, self.sym_expr(x)) for op, x in s.rest])
        if isinstance(s, P.BoolOp):
            return C.BoolOp(s.op, tuple(self.sym_expr(x) for x in s.values))
        if isinstance(s, P.Seq):
            items = tuple(self.sym_expr(x) for x in s.items)
            return C.Tuple(items) if s.kind == "tuple" else C.List(items)
        if isinstance(s, P.Index):
            obj = s.obj
            if (
                isinstance(obj, P.Local)
                and obj.name not in self.local_names
                and obj.name in self.compile_time_locals
                and isinstance(P.strip(obj.value), P.Seq)
            ):
                obj = P.LocalRef(obj.name)  # `widths[s]`, not `[64, 128, 256, 512][s]`
            return C.Sub(self.sym_expr(obj), self.sym_expr(s.index))
        if isinstance(s, P.Builtin):
            kwargs = (("strict", C.lit(False)),) if s.name == "zip" else ()  # GDL's zip is Python's
            return C.Call(C.Name(s.name), tuple(self.sym_expr(x) for x in s.args), kwargs)
        if isinstance(s, P.TensorAttr):
            return self.tensor_attr_expr(s)
        if isinstance(s, P.Cond):
            return C.IfExp(self.sym_expr(s.body), self.sym_expr(s.test), self.sym_expr(s.orelse))
        if isinstance(s, P.Slice):
            return C.Slice(*(None if x is None else self.sym_expr(x) for x in (s.lower, s.upper, s.step)))
        if isinstance(s, P.FStr):
            return C.FStr(tuple(self._fparts(s.parts)))
        if isinstance(s, P.FnCall):
            if self.functions is None:
                raise Unexpressible()
            return self.functions.call(s, self.sym_expr)
        if isinstance(s, P.Obj):  # HeNormal(seed=s): the target's class, the arguments' syms
            from graphc.ops.objects import CATALOG

            return C.Call(
                self.obj_callee(CATALOG[s.kind][s.name]),
                tuple(self.sym_expr(x) for x in s.args),
                tuple((k, self.sym_expr(x)) for k, x in s.kwargs),
            )
        raise Internal(f"cannot write {s!r}")

    def tensor_attr_expr(self, s: P.TensorAttr) -> C.Expr:
        """`x.shape` where GDL read it (targets that cannot: the value, see `writable`)."""
        if not self.WRITES_TENSOR_ATTRS:
            raise Unexpressible()
        obj = self.bound_code.get(s.var)
        if obj is None:
            obj = C.Name(self.var(s.var))
        return C.Attr(obj, s.attr)

    def writable(self, s):
        """`s`, or OPAQUE when it reads a tensor's attribute the target does not write
        (the value is then written: a literal, or a derived parameter)."""
        if not self.WRITES_TENSOR_ATTRS and s is not None and P.reads_tensor(s):
            return P.OPAQUE
        return s

    def obj_callee(self, cls) -> C.Expr:
        """How this target names the Keras object class `cls` (graphc/targets/objects.py)."""
        raise Internal(f"cannot write {cls.name}")

    def _fparts(self, parts) -> list:
        """f-string parts with constant strings and nested f-strings inlined."""
        out: list = []
        for p in parts:
            if not isinstance(p, str):
                sym, spec = p
                if isinstance(sym, P.Const) and isinstance(sym.value, str) and not spec:
                    p = sym.value
                elif isinstance(sym, P.FStr) and not spec:
                    for q in self._fparts(sym.parts):
                        out.append(q) if not (
                            isinstance(q, str) and out and isinstance(out[-1], str)
                        ) else out.__setitem__(-1, out[-1] + q)
                    continue
                else:
                    p = (self.sym_expr(sym), spec)
            if isinstance(p, str) and out and isinstance(out[-1], str):
                out[-1] += p
            else:
                out.append(p)
        return out

    def written(self, w: Written) -> C.Expr:
        if w.kind == "sym":
            return self.sym_expr(w.sym)
        if w.kind == "param":
            return C.Name(w.param)
        return self.const(w.value)

    def const(self, v) -> C.Expr:
        from graphc.ops.objects import KerasObject

        if isinstance(v, KerasObject) or (
            isinstance(v, (list, tuple)) and any(isinstance(x, KerasObject) for x in v)
        ):
            from graphc.targets.objects import value

            return value(v, self.obj_callee)
        if isinstance(v, range):
            args = [v.start, v.stop, v.step] if v.step != 1 else ([v.start, v.stop] if v.start else [v.stop])
            return C.Call(C.Name("range"), tuple(C.lit(a) for a in args))
        if isinstance(v, slice):
            return C.Slice(*(None if x is None else C.lit(x) for x in (v.start, v.stop, v.step)))
        if v is Ellipsis:
            return C.Lit("...")
        if isinstance(v, tuple) and any(isinstance(x, slice) or x is Ellipsis for x in v):
            return C.Tuple(tuple(self.const(x) for x in v))
        return C.lit(v)

    def value(self, pairs: list, occs: list, base: str) -> C.Expr:
        """How to write a compile-time value ((value, sym) per occurrence)."""
        pairs = [(v, self.writable(s)) for v, s in pairs]
        try:
            w = unify(pairs, occs, set(self.params))
        except Unexpressible:
            if self.template is None:
                raise
            w = self.template.derive(base, pairs, occs, self.ns.take)
            if w.kind == "sym":
                self.used_params |= w.sym.names()
        return self.written(w)

    def start(self, stmts: list, occs: list) -> list:
        """The whole body (the entry point: what compile-time locals exist)."""

        def walk(region):
            for r in region:
                if isinstance(r, Executed) and r.sym is not None:
                    self.compile_time_locals.update(t.id for t in r.stmt.targets)
                elif isinstance(r, IfRegion):
                    walk(r.region)
                elif isinstance(r, ForRegion):
                    for _, reg in r.iterations:
                        walk(reg)

        for o in occs:
            for rs in o.records.values():
                walk(rs)
        body = self.body(stmts, occs)
        # a model's return is added by the target: unread unpacked names are known only then
        complete = bool(body) and isinstance(body[-1], C.Return)
        return prune(body, set(self.local_names.values()), unpacked=complete)

    # ------------------------------------------------------------ statements
    def body(self, stmts: list, occs: list) -> list:
        out: list = []
        for st in stmts:
            out.extend(self.stmt(st, occs))
        return out

    def stmt(self, st, occs: list) -> list:
        saved, self.hoisted = self.hoisted, []
        try:
            out = self._stmt(st, occs)
            return self.hoisted + out  # what the statement's expressions computed ahead
        finally:
            self.hoisted = saved

    def _stmt(self, st, occs: list) -> list:
        if isinstance(st, S.If):
            return self.if_(st, occs)
        if isinstance(st, S.For):
            return self.for_(st, occs)
        ran = [o.one(st) for o in occs]
        if all(r is None for r in ran):
            return []  # not run, or compile-time only: its values are written where used
        if any(r is None for r in ran):
            raise Unexpressible()
        if isinstance(st, S.Assign) and all(r.sym is not None for r in ran):
            return self.local_assign(st, occs, ran)
        if isinstance(st, S.Assign):
            return self.assign(st, occs, ran)
        if isinstance(st, S.Share):
            return self.share(st, occs, ran)
        if isinstance(st, S.Output):
            return self.output(st, occs)
        if isinstance(st, S.OutputList):
            return self.output_list(st, occs)
        if isinstance(st, S.Return):
            return self.return_(st, occs, ran)
        if isinstance(st, S.ExprStmt):
            return self.expr_stmt(st, occs)
        raise Internal(f"cannot write a {type(st).__name__}")

    @staticmethod
    def tuple_of(items: list) -> C.Expr:
        return items[0] if len(items) == 1 else C.Tuple(tuple(items))

    def return_(self, st: S.Return, occs, ran) -> list:
        """`return` of the tensors (a compile-time value a block also returns is
        written by its callers where they use it)."""
        keep = _runtime_positions(ran)
        values = [self.expr(v, occs) for i, v in enumerate(st.values) if i in keep]
        return [C.Return(self.tuple_of(values), self.where(st))]

    def assign(self, st: S.Assign, occs, ran) -> list:
        if len(st.targets) == 1 and all(
            len(r.values) == 1 and isinstance(r.values[0], LayerVal) for r in ran
        ):
            # `d = Dense(3)` then `d(x)`: a layer (or model) object bound to a name is
            # built where it is bound, as `share d = Dense(3)` is
            return self.share(S.Share(target=st.targets[0], value=st.value, span=st.span), occs, ran)
        if len(st.targets) > 1 and isinstance(st.value, S.Call):
            keep = _runtime_positions(ran)
            if len(keep) < len(st.targets):  # `x, channels = block(...)`: the tensors only
                dropped = [i for i in range(len(st.targets)) if i not in keep]
                if self.loop_vars and any(len({repr(r.values[i]) for r in ran}) > 1 for i in dropped):
                    # a compile-time result that changes from one iteration of a kept loop to
                    # the next (MobileNetV2's `channels`) cannot be a Python variable of the
                    # loop (the function returns tensors only): the loop is unrolled
                    raise Unexpressible()
                value = self.expr(st.value, occs)
                targets = [
                    C.Name(self.bind_var(t.id, [r.values[i] for r in ran]))
                    for i, t in enumerate(st.targets)
                    if i in keep
                ]
                return self.finish_assign(C.Assign(targets, value, self.where(st)))
        value = self.expr(st.value, occs)
        if isinstance(value, C.Name) and len(st.targets) == 1 and value.id == self.vars.get(st.targets[0].id):
            return []  # x = x
        targets = []
        for i, t in enumerate(st.targets):
            vals = [r.values[i] for r in ran]
            targets.append(C.Name(self.bind_var(t.id, vals)))
        return self.finish_assign(C.Assign(targets, value, self.where(st)))

    def local_assign(self, st: S.Assign, occs, ran) -> list:
        """A compile-time assignment: written only for a local the code reads."""
        stmt = self.local_stmt(st, occs, ran)
        return [stmt] if stmt is not None else []

    def local_stmt(self, st: S.Assign, occs, ran):
        if not any(t.id in self.needed for t in st.targets):
            return None
        names = [t.id for t in st.targets]
        if len(names) == 1:
            value = self.value([(r.values[0], r.sym) for r in ran], occs, names[0])
        else:  # `filters, s = blocks[i]`
            value = self.value([(tuple(r.values), r.sym) for r in ran], occs, names[0])
        targets = []
        for name in names:
            py = self.local_names.get(name) or self.ns.take(name)
            self.local_names[name] = py
            targets.append(C.Name(py))
        return C.Assign(targets, value, self.where(st))

    def finish_assign(self, a: C.Assign) -> list:
        return [a]

    def share(self, st: S.Share, occs, ran) -> list:
        raise Unexpressible()

    def output(self, st: S.Output, occs) -> list:
        raise Internal("output outside a model")

    def output_list(self, st: S.OutputList, occs) -> list:
        raise Internal("output outside a model")

    def expr_stmt(self, st: S.ExprStmt, occs) -> list:
        e = st.value
        if isinstance(e, S.Call) and isinstance(e.func, S.Name) and e.func.id in ("compile", "fit"):
            return []
        if _literal_only(e):  # `1`, `"note"`: a value nobody uses, nothing to write
            return []
        return [C.ExprStmt(self.expr(e, occs), self.where(st))]

    def if_(self, st: S.If, occs) -> list:
        recs = [o.one(st) for o in occs]
        if any(not isinstance(r, IfRegion) for r in recs):
            if all(r is None for r in recs):
                return []
            raise Unexpressible()
        branches = {r.branch for r in recs}
        if len(branches) == 1:  # every occurrence ran the same branch: write only that
            branch = branches.pop()
            if branch is None:
                return []
            body = st.body if branch == "body" else st.orelse
            return self.body(body, [o.sub(r.region) for o, r in zip(occs, recs)])
        pairs = [(r.cond, self.writable(r.cond_sym)) for r in recs]
        w = unify(pairs, occs, set(self.params))
        if w.kind != "sym":
            raise Unexpressible()
        test = self.sym_expr(w.sym)
        then = [o.sub(r.region) for o, r in zip(occs, recs) if r.branch == "body"]
        other = [o.sub(r.region) for o, r in zip(occs, recs) if r.branch != "body"]
        body = self.branch(st.body, then, "body")
        orelse = self.branch(st.orelse or [], other, "orelse") if other else []
        self.last_test = test  # after the branches (an `if` inside them sets it too)
        if not body and not orelse:
            return []
        if not body:
            return [C.If(C.Unary("not", test), orelse, [], self.where(st))]
        return [C.If(test, body, orelse, self.where(st))]

    def branch(self, stmts: list, occs: list, which: str) -> list:
        """One branch of an `if` kept as an `if` (targets may track what it builds)."""
        return self.body(stmts, occs)

    def loop_body(self, stmts: list, occs: list, var: str, py: str) -> list:
        """The body of a loop kept as a loop."""
        return self.body(stmts, occs)

    def for_(self, st: S.For, occs) -> list:
        recs = [o.one(st) for o in occs]
        if any(not isinstance(r, ForRegion) for r in recs):
            if all(r is None for r in recs):
                return []
            raise Unexpressible()
        names = [t.id for t in S.target_idents(st.var)]
        var = names[0] if len(names) == 1 else ", ".join(names)
        holds_tensors = any(_runtime(v) for r in recs for v, _ in r.iterations)
        # keep the loop: every iteration of every occurrence written the same way
        syms = [self.writable(r.iter_sym) for r in recs]
        try:
            w = unify([(list(r.iter), s) for r, s in zip(recs, syms)], occs, set(self.params))
        except Unexpressible:
            w = None
        if (
            w is not None
            and not holds_tensors
            and w.kind in ("sym", "const")
            and sum(len(r.iterations) for r in recs) > 1
        ):
            saved = (dict(self.vars), dict(self.loop_vars), set(self.used_params), self.ns.used.copy())
            hoisted = len(self.hoisted)
            derived = dict(self.template.derived) if self.template is not None else None
            try:
                pys = {n: self.ns.take(n) for n in names}
                self.loop_vars.update(pys)
                sub = [
                    o.sub(region, kept=o.kept | set(names), loops={**o.loops, **_unpacked(st.var, value)})
                    for o, r in zip(occs, recs)
                    for value, region in r.iterations
                ]
                py = C.text(_target_code(st.var, pys)) if len(names) > 1 else pys[names[0]]
                if len(names) > 1:  # `i, (a, b)`, as a `for` statement writes a tuple target
                    py = py[1:-1]
                body = self.loop_body(st.body, sub, var, py)
                for n in names:
                    self.loop_vars.pop(n, None)
                if not body:  # only compile-time statements: nothing to write
                    return []
                used = _names_in_stmts(body)
                target = _target_code(st.var, {n: p if p in used else "_" for n, p in pys.items()})
                return [self.make_for(target, self.written(w), body, self.where(st))]
            except Unexpressible:
                self.vars, self.loop_vars, self.used_params, self.ns.used = saved
                del self.hoisted[hoisted:]
                if self.template is not None:
                    self.template.derived = derived
                    self.template.derived_order = [n for n in self.template.derived_order if n in derived]
        # unroll: iteration k of every occurrence together
        counts = {len(r.iterations) for r in recs}
        if len(counts) != 1:
            raise Unexpressible()
        out: list = []
        holder = None
        if holds_tensors and not _pure(st.iter):  # `for t in [Dense(2)(x), y]`: the list, once
            holder = C.Name(self.ns.take("items"))
            out.append(C.Assign([holder], self.expr(st.iter, occs), self.where(st)))
        for k in range(counts.pop()):
            sub = [
                o.sub(r.iterations[k][1], env=_env(o.env, st.var, r.iterations[k][0], f"#{id(st)}", k))
                for o, r in zip(occs, recs)
            ]
            saved = self.bound_code
            self.bound_code = {
                **saved,
                **self.loop_items(st.var, st.iter, k, [r.iterations[k][0] for r in recs], occs, holder),
            }
            try:
                out.extend(self.body(st.body, sub))
            finally:
                self.bound_code = saved
        return out

    def loop_items(self, target, iter_ast, pos: int, values: list, occs, holder=None) -> dict:
        """{loop variable: code} for the variables of one unrolled iteration that hold
        tensors: the item at `pos` of the iterable (`feats[1]`, `xs[0][1]`), or of the
        variable `holder` the iterable was written to."""
        out: dict = {}
        for ident, path in _target_paths(target):
            vals = [_at(v, path) for v in values]
            if not any(_runtime(v) for v in vals):
                continue
            if holder is not None:
                code = C.Sub(holder, C.lit(pos))
                for j in path:
                    code = C.Sub(code, C.lit(j))
                out[ident.id] = code
            else:
                out[ident.id] = self.item_code(iter_ast, pos, path, occs)
        return out

    def item_code(self, ast, pos: int, path: tuple, occs) -> C.Expr:
        """Code for item `pos` of the iterable `ast`, then its parts `path`."""
        if isinstance(ast, S.Call) and isinstance(ast.func, S.Name) and path and not ast.kwargs:
            if ast.func.id == "zip" and path[0] < len(ast.args):
                return self.item_code(ast.args[path[0]], pos, path[1:], occs)
            if ast.func.id == "enumerate" and path[0] == 1 and len(ast.args) == 1:
                return self.item_code(ast.args[0], pos, path[1:], occs)
        if isinstance(ast, (S.ListExpr, S.TupleExpr)) and pos < len(ast.items):
            return self._part_code(ast.items[pos], path, occs)
        code = C.Sub(self.expr(ast, occs), C.lit(pos))
        for j in path:
            code = C.Sub(code, C.lit(j))
        return code

    def _part_code(self, ast, path: tuple, occs) -> C.Expr:
        if path and isinstance(ast, (S.ListExpr, S.TupleExpr)) and path[0] < len(ast.items):
            return self._part_code(ast.items[path[0]], path[1:], occs)
        code = self.expr(ast, occs)
        for j in path:
            code = C.Sub(code, C.lit(j))
        return code

    def make_for(self, target, iter_, body, comment):
        return C.For(target, iter_, body, comment)

    # ------------------------------------------------------------ expressions
    def expr(self, e, occs) -> C.Expr:
        """Code for a tensor-valued expression."""
        if isinstance(e, S.Name) and e.id in self.bound_code:
            return self.bound_code[e.id]
        if isinstance(e, S.IfExp):
            return self.ifexp_expr(e, occs)
        if isinstance(e, (S.ListComp, S.DictComp)):
            return self.comp_expr(e, occs)
        if isinstance(e, S.Name):
            if (
                e.id not in self.vars
                and e.id not in self.params
                and e.id not in self.loop_vars
                and e.id not in self.local_names
                and e.id in self.compile_time_locals
            ):
                # a compile-time local read as a runtime value (`skips = []`, then `skips + [x]`)
                self.needed.add(e.id)
                self.needed.add("runtime:" + e.id)
                raise Restart()
            if e.id in self.local_names and e.id not in self.vars:
                return C.Name(self.local_names[e.id])
            return C.Name(self.var(e.id))
        if isinstance(e, S.ListExpr):
            return C.List(tuple(self.expr(x, occs) for x in e.items))
        if isinstance(e, S.TupleExpr):
            return C.Tuple(tuple(self.expr(x, occs) for x in e.items))
        recs = [o.get(e) for o in occs]
        if any(len(r) != len(recs[0]) for r in recs):
            raise Unexpressible()
        if recs[0]:
            first = recs[0][0]
            if any(type(r[0]) is not type(first) for r in recs):
                # the calls recorded different kinds of node here (`x + f` is a broadcast op in
                # one call and Keras's Add layer in another): the calls are written apart
                raise Unexpressible()
            if isinstance(first, InputNode):
                return self.input_expr([r[0] for r in recs], e, occs)
            if isinstance(first, LayerNode):
                return self.layer_expr([r[0] for r in recs], e, occs)
            if isinstance(first, OpNode):
                return self.op_expr([r[0] for r in recs], e, occs)
            if isinstance(first, BlockInstance):
                return self.block_expr([r[0] for r in recs], e, occs)
        if isinstance(e, S.Index):
            idx = [o.get(e) for o in occs]
            if any(len(r) != 1 or not isinstance(r[0], Indexed) for r in idx):
                raise Unexpressible()
            pairs = [(r[0].index, r[0].sym) for r in idx]
            return C.Sub(self.expr(e.obj, occs), self.value(pairs, occs, "index"))
        if isinstance(e, S.BinOp) and e.op == "+":  # lists of tensors joined
            return C.Bin("+", self.expr(e.left, occs), self.expr(e.right, occs))
        if isinstance(e, S.Unary) and e.op == "+":  # `+x` on a tensor is x itself (no op recorded)
            return self.expr(e.operand, occs)
        if isinstance(e, S.DictExpr):  # {name: tensor}
            pairs = []
            for k, v in e.pairs:
                if isinstance(k, S.Name):
                    key = C.lit(k.id)
                elif isinstance(k, S.Literal):
                    key = C.lit(k.value)
                else:
                    raise Unexpressible()
                pairs.append((key, self.expr(v, occs)))
            return C.Dict(tuple(pairs))
        raise Internal(f"cannot write the expression at line {getattr(e.span, 'line', '?')}")

    def ifexp_expr(self, e: S.IfExp, occs) -> C.Expr:
        """`a if cond else b` holding tensors: the branch every occurrence chose, or a
        Python conditional expression on the condition (written over the parameters)."""
        recs = [o.one(e) for o in occs]
        if any(not isinstance(r, IfRegion) for r in recs):
            raise Unexpressible()
        branches = {r.branch for r in recs}
        if len(branches) == 1:
            chosen = e.body if branches.pop() == "body" else e.orelse
            return self.expr(chosen, [o.sub(r.region) for o, r in zip(occs, recs)])
        if not self.BRANCH_LAYERS_INLINE and any(_builds(r.region) for r in recs):
            raise Unexpressible()  # the target builds its layers before it runs them
        w = unify([(r.cond, self.writable(r.cond_sym)) for r in recs], occs, set(self.params))
        if w.kind != "sym":
            raise Unexpressible()
        test = self.sym_expr(w.sym)
        then = self.expr(e.body, [o.sub(r.region) for o, r in zip(occs, recs) if r.branch == "body"])
        other = self.expr(e.orelse, [o.sub(r.region) for o, r in zip(occs, recs) if r.branch != "body"])
        return C.IfExp(then, test, other)

    def comp_expr(self, e, occs) -> C.Expr:
        """A comprehension holding tensors: the list (dict) it evaluated to, each
        element written with its own records (the comprehension unrolled)."""
        items = self.comp_items(e, occs)
        return C.List(tuple(items)) if isinstance(e, S.ListComp) else C.Dict(tuple(items))

    def list_items(self, e, occs, n: int) -> list:
        """The code of each of the `n` tensors of a list-valued expression (a target
        that handles them one by one: layouts): a list's items, a comprehension's
        elements, else `xs[i]`."""
        if isinstance(e, S.ListExpr) and len(e.items) == n:
            return [self.expr(x, occs) for x in e.items]
        if isinstance(e, S.ListComp):
            items = self.comp_items(e, occs)
            if len(items) == n:
                return items
        if isinstance(e, S.IfExp):
            recs = [o.one(e) for o in occs]
            if all(isinstance(r, IfRegion) for r in recs) and len({r.branch for r in recs}) == 1:
                chosen = e.body if recs[0].branch == "body" else e.orelse
                return self.list_items(chosen, [o.sub(r.region) for o, r in zip(occs, recs)], n)
        code = self.expr(e, occs)
        if not isinstance(code, C.Name):  # `ys + zs`: computed once
            holder = C.Name(self.ns.take("items"))
            self.hoisted.append(C.Assign([holder], code, self.where(e)))
            code = holder
        return [C.Sub(code, C.lit(i)) for i in range(n)]

    def comp_items(self, e, occs) -> list:
        """The code of each element of a comprehension (for a dict: (key, value) pairs)."""
        recs = [o.one(e) for o in occs]
        if any(not isinstance(r, ForRegion) for r in recs):
            raise Unexpressible()
        counts = {len(r.iterations) for r in recs}
        if len(counts) != 1:
            raise Unexpressible()
        items: list = []
        holders: dict = {}  # generator -> the variable its iterable of tensors was written to
        first = e.generators[0]
        if not _pure(first.iter) and any(
            _runtime(v) for r in recs for env, _ in r.iterations for v in env.values()
        ):
            holders[0] = C.Name(self.ns.take("items"))
            self.hoisted.append(C.Assign([holders[0]], self.expr(first.iter, occs), self.where(e)))
        for k in range(counts.pop()):
            positions = {r.positions[k] for r in recs}
            if len(positions) != 1:
                raise Unexpressible()  # the filters kept different items in different calls
            (pos,) = positions
            envs = [r.iterations[k][0] for r in recs]
            sub = [
                o.sub(r.iterations[k][1], env=_comp_env(o.env, env, f"#{id(e)}", k))
                for o, r, env in zip(occs, recs, envs)
            ]
            bound: dict = {}
            for gi, gen in enumerate(e.generators):
                values = [tuple(env.get(i.id) for i in S.target_idents(gen.target)) for env in envs]
                values = [_rebuild(gen.target, v) for v in values]
                if gi and not _pure(gen.iter) and any(_runtime(v) for v in values):
                    raise Unexpressible()  # an inner `for` over tensors it builds: not written
                bound.update(
                    self.loop_items(
                        gen.target, gen.iter, pos[gi], values, sub if gi else occs, holders.get(gi)
                    )
                )
            saved = (self.bound_code, self.occs_env)
            self.bound_code, self.occs_env = {**self.bound_code, **bound}, sub[0].env
            try:
                if isinstance(e, S.ListComp):
                    items.append(self.expr(e.elt, sub))
                else:
                    keys = {_key(r.keys[k]) for r in recs}
                    if len(keys) != 1:
                        raise Unexpressible()
                    items.append((self.const(recs[0].keys[k]), self.expr(e.value, sub)))
            finally:
                self.bound_code, self.occs_env = saved
        return items

    def tensor_arg(self, e, occs) -> C.Expr:
        """A tensor call argument as written (`initial_state=[h, c]`, `mask=[None, m]`):
        a tensor, None, or a list of them."""
        if isinstance(e, S.Literal) and e.value is None:
            return C.lit(None)
        if isinstance(e, (S.ListExpr, S.TupleExpr)):
            return C.List(tuple(self.tensor_arg(x, occs) for x in e.items))
        return self.expr(e, occs)

    def input_expr(self, nodes, e, occs) -> C.Expr:
        raise Internal("an Input outside a model")

    def layer_expr(self, nodes, e, occs) -> C.Expr:
        raise NotImplementedError

    def op_expr(self, nodes, e, occs) -> C.Expr:
        raise NotImplementedError

    def block_expr(self, instances, e, occs) -> C.Expr:
        raise NotImplementedError


def _runtime(v) -> bool:
    from graphc.compiler.statements import _runtime as runtime

    return runtime(v)


def _builds(region: list) -> bool:
    """Whether a region builds layers or calls blocks (what a target may build ahead)."""
    for r in region:
        if isinstance(r, (LayerNode, BlockInstance)):
            return True
        if isinstance(r, IfRegion) and _builds(r.region):
            return True
        if isinstance(r, ForRegion) and any(_builds(reg) for _, reg in r.iterations):
            return True
    return False


def _pure(ast) -> bool:
    """An expression whose code only reads variables (it can be written at every use)."""
    if isinstance(ast, (S.Name, S.Literal)):
        return True
    if isinstance(ast, S.Index):
        return _pure(ast.obj)
    if isinstance(ast, (S.ListExpr, S.TupleExpr)):
        return all(_pure(x) for x in ast.items)
    if isinstance(ast, S.Call) and isinstance(ast.func, S.Name) and ast.func.id in ("zip", "enumerate"):
        return all(_pure(x) for x in ast.args)
    return False


def _target_paths(target, path=()) -> list:
    """[(Ident, path)] of a `for` target: `i, (a, b)` -> i (0,), a (1, 0), b (1, 1)."""
    if isinstance(target, S.TupleExpr):
        out: list = []
        for j, t in enumerate(target.items):
            out.extend(_target_paths(t, (*path, j)))
        return out
    return [(target, path)]


def _at(v, path: tuple):
    for j in path:
        v = v[j]
    return v


def _unpacked(target, value) -> dict:
    """{name: value} of one item unpacked into a `for` target."""
    return {ident.id: _at(value, path) for ident, path in _target_paths(target)}


def _env(env: dict, target, value, key: str, k: int) -> dict:
    """The env of one unrolled iteration: its compile-time loop variables, and
    which iteration it is (targets key what each iteration builds by it)."""
    out = {**env, key: k}
    out.update({n: v for n, v in _unpacked(target, value).items() if not _runtime(v)})
    return out


def _comp_env(env: dict, values: dict, key: str, k: int) -> dict:
    out = {**env, key: k}
    out.update({n: v for n, v in values.items() if not _runtime(v)})
    return out


def _rebuild(target, flat: tuple):
    """The item a target unpacked, rebuilt from its names' values (in target order)."""
    it = iter(flat)

    def build(t):
        if isinstance(t, S.TupleExpr):
            return tuple(build(x) for x in t.items)
        return next(it)

    return build(target)


def _target_code(target, pys: dict) -> C.Expr:
    if isinstance(target, S.TupleExpr):
        return C.Tuple(tuple(_target_code(t, pys) for t in target.items))
    return C.Name(pys[target.id])


def _key(v):
    return (type(v).__name__, repr(v))


def compare(first, rest) -> C.Expr:
    """A comparison; `== None` is written `is None`, as Python style wants."""
    out = []
    prev = first
    for op, x in rest:
        if op in ("==", "!=") and (C.text(x) == "None" or C.text(prev) == "None"):
            op = "is" if op == "==" else "is not"
        out.append((op, x))
        prev = x
    return C.Compare(first, tuple(out))


def prune(stmts: list, locals_: set, unpacked: bool = True) -> list:
    """Drop assignments to compile-time locals nothing reads (a walk that was
    redone may have written them for a loop it then unrolled), and `if`s
    left empty; `unpacked`: unpacked names nothing reads become `_` (only
    when `stmts` is the whole function body)."""
    reads: set = set()

    def collect(body):
        for st in body:
            for f in getattr(st, "__dataclass_fields__", {}):
                v = getattr(st, f)
                if isinstance(v, list) and v and isinstance(v[0], C.Stmt):
                    collect(v)
                elif f != "targets":
                    reads.update(_names_in_stmts([C.ExprStmt(v)]) if isinstance(v, C.Expr) else ())

    collect(stmts)

    def keep(body):
        out = []
        for st in body:
            if isinstance(st, C.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], C.Name):
                name = st.targets[0].id
                if name in locals_ and name not in reads:
                    continue
            if unpacked and isinstance(st, C.Assign) and len(st.targets) > 1:  # `out, h, _ = LSTM(...)`
                st.targets = [
                    C.Name("_") if isinstance(t, C.Name) and t.id not in reads else t for t in st.targets
                ]
            if isinstance(st, C.If):
                st.body, st.orelse = keep(st.body), keep(st.orelse)
                if not st.body and not st.orelse:
                    continue
                if not st.body:
                    st.test, st.body, st.orelse = C.Unary("not", st.test), st.orelse, []
            elif isinstance(st, C.For):
                st.body = keep(st.body)
                if not st.body:
                    continue
            out.append(st)
        return out

    return keep(stmts)


def _size(s) -> int:
    if isinstance(s, P.Sym):
        return 1 + sum(_size(getattr(s, f)) for f in s.__dataclass_fields__ if f not in ("node", "module"))
    if isinstance(s, tuple):
        return sum(_size(x) for x in s)
    return 0


def _big(s: P.Sym) -> bool:
    """A value too big to write at every use (it is written once, as a variable).  A
    Keras object bound to a name is written once too: one object, shared by its users
    as in Keras (a shared unseeded initializer draws the same values for each)."""
    s = P.strip(s)
    if isinstance(s, P.Obj):
        return True
    if isinstance(s, P.Seq) and (len(s.items) > 4 or any(isinstance(x, P.Seq) for x in s.items)):
        return True
    return _size(s) > 12


def _runtime_positions(ran: list) -> set:
    """Positions whose values are tensors (or layers) in every occurrence."""
    from graphc.compiler.statements import _runtime

    n = len(ran[0].values)
    keep = {i for i in range(n) if _runtime(ran[0].values[i])}
    for r in ran[1:]:
        if {i for i in range(n) if _runtime(r.values[i])} != keep:
            raise Unexpressible()
    return keep


def _names_in_stmts(stmts: list) -> set:
    out: set = set()

    def expr(x):
        if isinstance(x, C.Name):
            out.add(x.id)
        elif isinstance(x, C.Expr):
            for f in x.__dataclass_fields__:
                expr(getattr(x, f))
        elif isinstance(x, (tuple, list)):
            for v in x:
                expr(v)

    def stmt(s):
        for f in getattr(s, "__dataclass_fields__", {}):
            v = getattr(s, f)
            if isinstance(v, list) and v and isinstance(v[0], C.Stmt):
                for t in v:
                    stmt(t)
            else:
                expr(v)

    for s in stmts:
        stmt(s)
    return out


def _rename(stmts: list, old: str, new: str) -> list:
    return stmts  # the loop variable is unused: nothing reads `old`


__all__ = ["BodyWalk", "Internal", "Restart", "Occ", "index_region", "Template", "Unexpressible"]


# ------------------------------------------------------------------ compile-time functions
GDL_BUILTINS = {
    "len": C.Name("len"),
    "min": C.Name("min"),
    "max": C.Name("max"),
    "abs": C.Name("abs"),
    "int": C.Name("int"),
    "float": C.Name("float"),
    "str": C.Name("str"),
    "round": C.Name("round"),
    "range": C.Name("range"),
    "sum": C.Name("sum"),
    "zip": C.Name("zip"),
    "enumerate": C.Name("enumerate"),
    "sqrt": C.Attr(C.Name("math"), "sqrt"),
    "ceil": C.Attr(C.Name("math"), "ceil"),
    "floor": C.Attr(C.Name("math"), "floor"),
}


class CompileTimeFunctions:
    """Blocks used as compile-time functions (`make_divisible(v, 8)`), written as
    plain Python functions of the generated module, translated statement by
    statement (their GDL is Python already)."""

    def __init__(self, ns: Namespace):
        self.ns = ns
        self.names: dict = {}  # id(Def) -> Python name
        self.defs: list = []  # FunctionDefs, callees first
        self.uses_math = False

    def name_of(self, sym: P.FnCall) -> str:
        key = id(sym.node)
        if key not in self.names:
            fdef = self._translate(sym.node, sym.module)
            self.names[key] = fdef.name
            self.defs.append(fdef)
        return self.names[key]

    def used_by(self, code: list) -> list:
        """The functions `code` calls, and those they call, in definition order."""
        names = {d.name: d for d in self.defs}
        used: set = set()
        todo = [n for n in _names_in_stmts(code) if n in names]
        while todo:
            n = todo.pop()
            if n in used:
                continue
            used.add(n)
            todo += [m for m in _names_in_stmts(names[n].body) if m in names]
        return [d for d in self.defs if d.name in used]

    def call(self, sym: P.FnCall, arg) -> C.Expr:
        return C.Call(
            C.Name(self.name_of(sym)),
            tuple(arg(x) for x in sym.args),
            tuple((k, arg(x)) for k, x in sym.kwargs),
        )

    def _translate(self, node, module) -> C.FunctionDef:
        name = self.ns.take(node.name.id)
        local = self.ns.child()
        names = {p.name.id: local.take(p.name.id) for p in node.params}
        params = []
        for p in node.params:
            default = None if p.default is None else self._expr(p.default, names, module, local)
            params.append(C.Param(names[p.name.id], default))
        body = self._body(node.body, names, module, local)
        from pathlib import Path

        where = f"{Path(module.path).name}:{node.name.span.line}"
        return C.FunctionDef(
            name, params, body, [f"`{node.name.id}` ({where}), evaluated while the model is built."]
        )

    def _body(self, stmts, names, module, local) -> list:
        out = []
        for st in stmts:
            if isinstance(st, S.Assign):
                targets = []
                for t in st.targets:
                    if t.id not in names:
                        names[t.id] = local.take(t.id)
                    targets.append(C.Name(names[t.id]))
                out.append(C.Assign(targets, self._expr(st.value, names, module, local)))
            elif isinstance(st, S.If):
                out.append(
                    C.If(
                        self._expr(st.cond, names, module, local),
                        self._body(st.body, names, module, local),
                        self._body(st.orelse or [], names, module, local),
                    )
                )
            elif isinstance(st, S.For):
                for ident in S.target_idents(st.var):
                    if ident.id not in names:
                        names[ident.id] = local.take(ident.id)
                out.append(
                    C.For(
                        _target_code(st.var, names),
                        self._expr(st.iter, names, module, local),
                        self._body(st.body, names, module, local),
                    )
                )
            elif isinstance(st, S.Return):
                vals = [self._expr(v, names, module, local) for v in st.values]
                out.append(C.Return(vals[0] if len(vals) == 1 else C.Tuple(tuple(vals))))
            elif (
                isinstance(st, S.ExprStmt)
                and isinstance(st.value, S.Call)
                and isinstance(st.value.func, S.Name)
                and st.value.func.id == "error"
                and len(st.value.args) == 1
            ):
                msg = self._expr(st.value.args[0], names, module, local)
                out.append(C.Raise(C.Call(C.Name("ValueError"), (msg,))))
            else:
                raise Unexpressible()
        return out

    def _expr(self, e, names, module, local) -> C.Expr:
        from graphc.compiler.values import DefVal

        rec = lambda x: self._expr(x, names, module, local)  # noqa: E731
        if isinstance(e, S.Literal):
            return C.lit(e.value)
        if isinstance(e, S.Name):
            if e.id in names:
                return C.Name(names[e.id])
            if e.id in GDL_BUILTINS:
                if isinstance(GDL_BUILTINS[e.id], C.Attr):
                    self.uses_math = True
                return GDL_BUILTINS[e.id]
            v = module.names.get(e.id)
            if v is not None and not isinstance(v, DefVal):
                try:
                    return C.lit(v)  # a module constant
                except TypeError:
                    raise Unexpressible() from None
            raise Unexpressible()
        if isinstance(e, S.BinOp):
            return C.Bin(e.op, rec(e.left), rec(e.right))
        if isinstance(e, S.Unary):
            return C.Unary(e.op, rec(e.operand))
        if isinstance(e, S.Compare):
            return compare(rec(e.first), [(op, rec(x)) for op, x in e.rest])
        if isinstance(e, S.BoolOp):
            return C.BoolOp(e.op, tuple(rec(x) for x in e.values))
        if isinstance(e, S.TupleExpr):
            return C.Tuple(tuple(rec(x) for x in e.items))
        if isinstance(e, S.ListExpr):
            return C.List(tuple(rec(x) for x in e.items))
        if isinstance(e, S.DictExpr):
            return C.Dict(
                tuple((C.lit(k.id) if isinstance(k, S.Name) else rec(k), rec(v)) for k, v in e.pairs)
            )
        if isinstance(e, S.FString):
            return C.FStr(tuple(p if isinstance(p, str) else (rec(p[0]), p[1]) for p in e.parts))
        if isinstance(e, S.Index):
            return C.Sub(rec(e.obj), rec(e.index))
        if isinstance(e, S.Slice):
            return C.Slice(*(None if x is None else rec(x) for x in (e.lower, e.upper, e.step)))
        if isinstance(e, S.EllipsisExpr):
            return C.Lit("...")
        if isinstance(e, S.IfExp):
            return C.IfExp(rec(e.body), rec(e.cond), rec(e.orelse))
        if isinstance(e, S.ListComp) and len(e.generators) == 1 and not e.generators[0].ifs:
            gen = e.generators[0]
            if not isinstance(gen.target, S.Ident):
                raise Unexpressible()
            it = rec(gen.iter)
            inner = dict(names)  # the comprehension's variable is its own
            inner[gen.target.id] = local.take(gen.target.id)
            g = C.Generator(self._expr(e.elt, inner, module, local), C.Name(inner[gen.target.id]), it)
            return g if e.genexp else C.List((g,))
        if isinstance(e, S.Call) and isinstance(e.func, S.Name):
            args = tuple(rec(a) for a in e.args)
            kwargs = tuple((k.name, rec(k.value)) for k in e.kwargs)
            if e.func.id == "zip" and "zip" not in names:
                kwargs += (("strict", C.lit(False)),)  # GDL's zip is Python's
            if e.func.id in GDL_BUILTINS and e.func.id not in names:
                return C.Call(rec(e.func), args, kwargs)
            v = module.names.get(e.func.id)
            if isinstance(v, DefVal) and v.node.kind == "block":
                sub = P.FnCall(e.func.id, v.node, v.module, (), ())
                return C.Call(C.Name(self.name_of(sub)), args, kwargs)
        raise Unexpressible()


def _literal_only(e) -> bool:
    """An expression made of literals only (no name, no call): no effect when it stands alone."""
    if isinstance(e, (S.Literal, S.EllipsisExpr)):
        return True
    if isinstance(e, S.Unary):
        return _literal_only(e.operand)
    if isinstance(e, S.BinOp):
        return _literal_only(e.left) and _literal_only(e.right)
    if isinstance(e, (S.TupleExpr, S.ListExpr)):
        return all(_literal_only(x) for x in e.items)
    return False


# ------------------------------------------------------------ block calls (both targets)
def call_arg(e: S.Call, index, name):
    """The argument expression a call gives a parameter (at `index`, or by `name`), or None."""
    if index is not None and index < len(e.args):
        return e.args[index]
    for k in e.kwargs:
        if k.name == name:
            return k.value
    return None


def param_pairs(p, instances, e: S.Call, template) -> list | None:
    """(value, provenance) of the compile-time parameter `p` of a block's function or
    class in each call of `instances` (the calls written as one `e`), or None when every
    call leaves it at its default (then it is not written)."""
    if p.kind == "value":
        if call_arg(e, p.index, p.gdl) is not None:  # written at the call: its provenance in the caller
            pairs = [(dict(bi.params)[p.gdl], bi.param_syms.get(p.gdl, P.OPAQUE)) for bi in instances]
        else:  # the default
            pairs = [(dict(bi.params)[p.gdl], P.const_of(dict(bi.params)[p.gdl])) for bi in instances]
    elif p.kind == "derived":
        pairs = [(template.derived[p.py].get(id(bi)), P.OPAQUE) for bi in instances]
    else:  # the instance name
        pairs = [(bi.instance, P.OPAQUE) for bi in instances]
    if p.default is not None and all(
        type(v) is type(p.default_value) and v == p.default_value for v, _ in pairs
    ):
        return None
    return pairs
