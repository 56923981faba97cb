"""Blocks and models: binding parameters, running a block's body inline (with a
`BlockInstance` recording what ran), and instantiating a model into its own
Graph (an entry model, a sub-model used as a layer, or an application)."""

from __future__ import annotations

from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.budget import MAX_DEPTH, LimitExceeded
from graphc.compiler.expressions import kind_of
from graphc.compiler.graphs import GraphBuilder, snake
from graphc.compiler.ir import BlockInstance, Graph, Tensor
from graphc.compiler.scope import ConstScope, Scope
from graphc.compiler.values import POISON, DefVal, LayerVal, Results
from graphc.diagnostics import Abort, Note, suggestion


class Blocks:
    def __init__(self, it):
        self.it = it
        self.s = it.session
        self.stack: list = []  # definitions being evaluated (recursion and depth checks)

    def _enter(self, dv: DefVal, file, span):
        if len(self.stack) >= MAX_DEPTH:
            self.s.limit(file, span, LimitExceeded("depth"))
        self.stack.append(dv)

    # ------------------------------------------------------------ parameters
    def bind_params(self, scope, dv: DefVal, args, kwargs, e) -> dict:
        file = scope.file
        node = dv.node
        params = node.params
        names = [p.name.id for p in params]
        if len(args) > len(params):
            self.s.error(
                file,
                e.span,
                "arity",
                f"{node.kind} `{node.name.id}` takes {len(params)} argument{'s' if len(params) != 1 else ''}"
                f" ({', '.join(names)}), got {len(args)}",
                notes=[Note(dv.module.path, node.name.span, "defined here")],
            )
        bound = dict(zip(names, args))
        for k in e.kwargs:
            if k.name not in names:
                self.s.error(
                    file,
                    k.span,
                    "unknown-argument",
                    f"{node.kind} `{node.name.id}` has no parameter `{k.name}`",
                    suggestion(k.name, names),
                    [Note(dv.module.path, node.name.span, "defined here")],
                )
            if k.name in bound:
                self.s.error(file, k.span, "duplicate-argument", f"`{k.name}` is given twice")
            bound[k.name] = kwargs[k.name]
        for p in params:
            if p.name.id not in bound:
                if p.default is None:
                    self.s.error(
                        file,
                        e.span,
                        "arity",
                        f"{node.kind} `{node.name.id}` needs the argument `{p.name.id}`",
                        notes=[Note(dv.module.path, p.span, "parameter declared here")],
                    )
                bound[p.name.id] = self.it.exprs.eval(p.default, ConstScope(dv.module))
        return bound

    def _arg_syms(self, scope, dv: DefVal, e) -> dict:
        """The provenance of each argument at the call site (in the caller's scope)."""
        if not scope.tracks_syms:
            return {}
        names = [p.name.id for p in dv.node.params]
        out = {n: scope.sym(a) for n, a in zip(names, e.args)}
        out.update({k.name: scope.sym(k.value) for k in e.kwargs})
        return out

    # ------------------------------------------------------------ blocks
    def call_block(self, scope, dv: DefVal, args, kwargs, e):
        node = dv.node
        bound = self.bind_params(scope, dv, args, kwargs, e)
        if dv in self.stack:
            self.s.error(scope.file, e.span, "recursion", f"block `{node.name.id}` calls itself")
        if scope.builder is None:
            self.s.error(
                scope.file,
                e.span,
                "misplaced-statement",
                f"block `{node.name.id}` can only be called inside a model or block",
            )
        b: GraphBuilder = scope.builder
        inner = Scope(dv.module, "block", b, node.name.id)
        inner.vars.update(bound)
        inner.params = set(bound)
        inner.syms = {n: P.Param(n) for n in bound}
        n = b.block_counts.get(node.name.id, 0)
        b.block_counts[node.name.id] = n + 1
        bc = BlockInstance(
            self.s.next_id(),
            node.name.id,
            snake(node.name.id) + (f"_{n}" if n else ""),
            [(p.name.id, bound[p.name.id]) for p in node.params],
            span=e.span,
            file=scope.file,
            def_span=node.name.span,
            def_file=dv.module.path,
            node=node,
            site=e,
            block=b.current_block,
            param_syms=self._arg_syms(scope, dv, e),
        )
        b.current_items.append(bc)
        scope.region.append(bc)
        for p in node.params:
            if p.default is not None:
                try:
                    bc.defaults[p.name.id] = self.it.exprs.eval(p.default, ConstScope(dv.module))
                except Abort:
                    pass
        self._enter(dv, scope.file, e.span)
        b.blocks.append(bc)
        inner.region = bc.region
        try:
            self.it.stmts.exec_body(inner, node.body)
        finally:
            self.stack.pop()
            b.blocks.pop()
        if inner.aborted:
            raise Abort()
        ret = inner.returned
        bc.returned = None if ret is None else (ret[0] if len(ret) == 1 else list(ret))
        bc.outputs = [v for v in (ret or []) if isinstance(v, Tensor)]
        if ret is not None and any(not isinstance(v, Tensor) for v in ret):
            bc.inlinable = False
        if ret is None:
            built = sum(1 for it in bc.items if not isinstance(it, BlockInstance))
            if built:
                self.s.warn(
                    scope.file,
                    e.span,
                    "unused-tensor",
                    f"block `{node.name.id}` returns nothing: the "
                    f"{'layer' if built == 1 else f'{built} layers'} it applies here "
                    f"{'is' if built == 1 else 'are'} not part of the model",
                    "end the block with `return ...`",
                )
            return None
        if len(ret) == 1:
            return ret[0]
        return Results(list(ret))

    # ------------------------------------------------------------ models
    def instantiate(self, dv: DefVal, args: dict, call_span=None, call_file=None) -> Graph | None:
        node = dv.node
        if dv in self.stack:
            self.s.error(
                call_file or dv.module.path,
                call_span or node.name.span,
                "recursion",
                f"model `{node.name.id}` uses itself",
            )
        gname = args.get("name") if isinstance(args.get("name"), str) else node.name.id
        graph = Graph(gname, dv.module.path, node.name.span, def_node=node)
        graph.args = {k: v for k, v in args.items() if k != "name"}
        errors_before = self.s.n_errors
        scope = Scope(dv.module, "model", GraphBuilder(graph), node.name.id)
        scope.vars.update(args)
        scope.syms = {k: P.const_of(v) for k, v in args.items()}
        scope.region = graph.region
        self._enter(dv, call_file or dv.module.path, call_span or node.name.span)
        try:
            self.it.stmts.exec_body(scope, node.body)
        finally:
            self.stack.pop()
        graph.had_errors = scope.aborted or self.s.n_errors > errors_before
        self._finish_model(scope, graph)
        return graph

    def _finish_model(self, scope: Scope, graph: Graph):
        file = scope.file
        if not graph.inputs and not graph.had_errors:
            self.s.report(
                file,
                graph.span,
                "no-output",
                f"model `{graph.name}` has no Input",
                "declare one with x = Input(shape=(...))",
            )
        if not graph.outputs and graph.inputs and not graph.had_errors:
            self.s.report(
                file,
                graph.span,
                "no-output",
                f"model `{graph.name}` declares no output",
                "mark results with `output name = ...` or `output name`",
            )
        if graph.compile is not None:
            self.it.training.resolve_compile(scope, graph)
        # inputs that reach no output
        used = set()
        stack = [o.tensor for o in graph.outputs]
        while stack:
            t = stack.pop()
            if id(t) in used:
                continue
            used.add(id(t))
            if t.node is not None:
                stack.extend(t.node.read_tensors())
        for inp in graph.inputs:
            if id(inp) not in used and graph.outputs:
                self.s.warn(
                    file,
                    inp.span,
                    "unused-tensor",
                    f"input `{inp.var}` is not used by any output of `{graph.name}`",
                )

    def construct_model(self, scope, dv: DefVal, args, kwargs, e):
        from graphc import stdlib

        file = scope.file
        bound = self.bind_params(scope, dv, args, kwargs, e)
        if stdlib.is_stdlib(dv.module.path) and "weights" in bound and bound["weights"] is not None:
            span = next((k.span for k in e.kwargs if k.name == "weights"), e.span)
            self.s.error(
                file,
                span,
                "unsupported",
                f"{dv.node.name.id}: graphc builds the architecture only; pretrained weights "
                f"({bound['weights']!r}) cannot be loaded",
                "pass weights=None",
            )
        for k, v in bound.items():
            if isinstance(v, (Tensor, LayerVal, Results)):
                self.s.error(
                    file,
                    e.span,
                    "type-error",
                    f"model `{dv.node.name.id}` takes compile-time values, but `{k}` got {kind_of(v)}",
                    "apply the model to tensors afterwards: m = Model(args); y = m(x)",
                )
        n_before = len(self.s.diags)
        graph = self.instantiate(dv, bound, e.span, file)
        if graph is None:
            raise Abort()
        if stdlib.is_stdlib(dv.module.path):
            # a mistake inside a built-in application is the caller's (bad arguments):
            # report it at the call, with the library line as a note
            inner = [d for d in self.s.diags[n_before:] if stdlib.is_stdlib(d.file)]
            if inner:
                self.s.diags[n_before:] = [d for d in self.s.diags[n_before:] if d not in inner]
                first = next((d for d in inner if d.is_error), None)
                self.s.forget(inner)
                if first is not None:
                    self.s.error(
                        file,
                        e.span,
                        first.code,
                        f"{dv.node.name.id} cannot be built with these arguments: {first.message}",
                        first.hint,
                        [Note(first.file, first.span, "inside graphc's definition here")],
                    )
        if graph.had_errors:
            raise Abort()
        return LayerVal(None, bound, bound, e.span, file, graph=graph, kind_name="a model", site=e)


def entry_args(it, env, dv: DefVal) -> dict:
    """The arguments an entry model is built with: its defaults."""
    node = dv.node
    call = S.Call(S.Name(node.name.id), [], [], span=node.name.span)
    return it.blocks.bind_params(ConstScope(env), dv, [], {}, call)


__all__ = ["Blocks", "entry_args", "POISON"]
