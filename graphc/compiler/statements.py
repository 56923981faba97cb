"""Statements: a visitor with one method per AST statement class.

A failing statement reports once and binds POISON to its targets; every later
use of POISON fails silently (one mistake, one diagnostic).  Inside blocks,
compile-time bindings keep their provenance (scope.syms), and `if`/`for`
record what ran as IfRegion/ForRegion in the scope's region tree.
"""

from __future__ import annotations

from graphc.compiler import provenance as P
from graphc.compiler import syntax as S
from graphc.compiler.budget import GLOBAL, MAX_ITEMS, Exhausted, LimitExceeded, safe_len
from graphc.compiler.expressions import kind_of
from graphc.compiler.ir import Executed, ForRegion, IfRegion, Tensor
from graphc.compiler.values import POISON, LayerVal, Results
from graphc.diagnostics import Abort


def _runtime(v) -> bool:
    """A value that exists in the generated code (a tensor, a layer, several tensors)."""
    if isinstance(v, (Tensor, LayerVal, Results)):
        return True
    if isinstance(v, dict):
        return any(_runtime(x) for x in v.values())
    return isinstance(v, (list, tuple)) and any(_runtime(x) for x in v)


def _short(v) -> str:
    text = repr(v) if not _runtime(v) else kind_of(v)
    return text if len(text) <= 60 else text[:57] + "..."


def targets_of(stmt) -> list:
    if isinstance(stmt, S.Assign):
        return stmt.targets
    if isinstance(stmt, (S.Share, S.Output)):
        return [stmt.target]
    return []


class Statements:
    def __init__(self, it):
        self.it = it
        self.s = it.session
        self.dispatch = {
            S.Assign: self.assign,
            S.Share: self.share,
            S.Output: self.output,
            S.OutputList: self.output,
            S.Return: self.return_,
            S.ExprStmt: self.expr_stmt,
            S.For: self.for_,
            S.If: self.if_,
        }

    def exec_body(self, scope, body: list):
        for i, stmt in enumerate(body):
            if scope.returned is not None:  # a `return` ran (possibly inside an `if`)
                if isinstance(body[i - 1], S.Return):
                    self.s.report(
                        scope.file, stmt.span, "misplaced-statement", "statement after `return` is never run"
                    )
                return
            try:
                self.s.budget.step()
                self.dispatch[type(stmt)](scope, stmt)
                if type(stmt) not in (S.For, S.If):
                    bound = tuple(scope.vars.get(t.id) for t in targets_of(stmt))
                    if isinstance(stmt, S.Return):
                        bound = tuple(scope.returned or ())
                    if not isinstance(stmt, S.Assign) or any(_runtime(v) for v in bound):
                        scope.region.append(Executed(stmt, bound))
                    else:  # a compile-time local: the generated code may write it as a variable
                        scope.region.append(Executed(stmt, bound, scope.sym(stmt.value)))
            except LimitExceeded as exc:
                scope.aborted = True
                try:
                    self.s.limit(scope.file, stmt.span, exc)
                except Abort:
                    pass
                if exc.kind in GLOBAL:
                    raise Exhausted() from None
                for t in targets_of(stmt):
                    scope.vars[t.id] = POISON
            except Abort:
                scope.aborted = True
                for t in targets_of(stmt):
                    scope.vars[t.id] = POISON
                    scope.syms.pop(t.id, None)
            except RecursionError:
                self.s.report(scope.file, stmt.span, "recursion", "blocks nest too deeply")
                return

    # ------------------------------------------------------------ binding
    def bind(self, scope, ident: S.Ident, value, sym=P.OPAQUE):
        self.it.check_bindable(scope.file, ident)
        if isinstance(value, LayerVal) and value.var is None:
            value.var = ident.id
        if isinstance(value, Tensor):
            if value.var is None:
                value.var = ident.id
            if value.is_input and scope.kind == "model":
                self.it.graphs.name_input(scope, value, ident.id, ident.span)
        if ident.id in scope.params:
            scope.rebound.add(ident.id)
        scope.vars[ident.id] = value
        if self.s.trace is not None:  # IDE hook
            self.s.trace.append((scope.file, ident.span, ident.id, value))
        if scope.tracks_syms:
            if isinstance(value, (Tensor, LayerVal, Results)):
                scope.syms.pop(ident.id, None)
            else:
                scope.syms[ident.id] = sym

    def assign(self, scope, stmt: S.Assign):
        value = self.it.exprs.eval(stmt.value, scope)
        sym = scope.sym(stmt.value)
        if len(stmt.targets) == 1:
            if isinstance(value, Results):
                value = tuple(value.items)
            self.bind(scope, stmt.targets[0], value, sym)
            return
        items = self._unpack(scope, stmt, value, len(stmt.targets))
        for i, (ident, v) in enumerate(zip(stmt.targets, items)):
            self.bind(scope, ident, v, P.Index(sym, P.Const(i)) if sym is not P.OPAQUE else P.OPAQUE)

    def _unpack(self, scope, stmt, value, n):
        if value is POISON:
            return [POISON] * n
        if isinstance(value, Results):
            items = value.items
        elif isinstance(value, (tuple, list)):
            items = list(value)
        else:
            self.s.error(
                scope.file,
                stmt.value.span,
                "unpack",
                f"{n} names on the left, but the right side is one value ({kind_of(value)})",
                "only layers with several results (e.g. LSTM(return_state=true)) and blocks "
                "returning several values can be unpacked",
            )
        if len(items) != n:
            self.s.error(
                scope.file,
                stmt.value.span,
                "unpack",
                f"{n} names on the left, but the right side gives {len(items)} values",
            )
        return items

    def share(self, scope, stmt: S.Share):
        value = self.it.exprs.eval(stmt.value, scope)
        if value is POISON:
            scope.vars[stmt.target.id] = POISON
            return
        if not isinstance(value, LayerVal):
            self.s.error(
                scope.file,
                stmt.value.span,
                "type-error",
                f"`share` needs a layer or model, got {kind_of(value)}",
                "write `share name = Layer(...)` and apply it later with name(x)",
            )
        if value.layer is not None:
            self.s.error(
                scope.file, stmt.value.span, "type-error", "`share` needs a layer that is not applied yet"
            )
        value.shared = True
        value.var = stmt.target.id
        self.bind(scope, stmt.target, value)

    def output(self, scope, stmt):
        if scope.kind != "model":
            self.s.error(
                scope.file,
                stmt.span,
                "misplaced-statement",
                "`output` is only allowed in a model",
                "return the tensor from the block with `return` and declare the output in the model",
            )
        graphs = self.it.graphs
        if isinstance(stmt, S.Output):
            value = self.it.exprs.eval(stmt.value, scope)
            graphs.add_output(scope, stmt.target, value)
            scope.vars[stmt.target.id] = scope.graph.outputs[-1].tensor if value is not POISON else POISON
        else:
            for ident in stmt.names:
                value = self.it.exprs.lookup(scope, ident.id, ident.span)
                graphs.add_output(scope, ident, value)

    def return_(self, scope, stmt: S.Return):
        if scope.kind != "block":
            self.s.error(
                scope.file,
                stmt.span,
                "misplaced-statement",
                "`return` is only allowed in a block",
                "in a model, declare results with `output name = ...`",
            )
        scope.returned = [self.it.exprs.eval(v, scope) for v in stmt.values]

    def expr_stmt(self, scope, stmt: S.ExprStmt):
        e = stmt.value
        if (
            isinstance(e, S.Call)
            and isinstance(e.func, S.Name)
            and e.func.id in ("compile", "fit")
            and e.func.id not in scope.vars
        ):
            self.it.training.compile_or_fit(scope, e)
            return
        value = self.it.exprs.eval(e, scope)
        if isinstance(value, (Tensor, Results)):
            self.s.warn(
                scope.file,
                stmt.span,
                "unused-tensor",
                "this result is computed but never used",
                "bind it to a name or declare it with `output name = ...`",
            )

    # ------------------------------------------------------------ control flow
    def for_(self, scope, stmt: S.For):
        it = self.it.exprs.eval(stmt.iter, scope)
        if it is POISON:
            return
        items = self.iterable(scope, it, stmt.iter, "`for`")
        record = ForRegion(stmt, items, scope.sym(stmt.iter))
        scope.region.append(record)
        outer = scope.region
        try:
            for v in items:
                self.s.budget.step()
                region: list = []
                record.iterations.append((v, region))
                scope.region = region
                self.bind_target(scope, stmt.var, v, stmt.iter.span)
                self.exec_body(scope, stmt.body)
                if scope.returned is not None:
                    return
        finally:
            scope.region = outer
        if scope.tracks_syms:  # after the loop, its variables are values (the loop is not there to read)
            for ident in S.target_idents(stmt.var):
                if ident.id in scope.syms and isinstance(scope.syms[ident.id], P.Loop):
                    scope.syms[ident.id] = P.const_of(scope.vars.get(ident.id))

    def iterable(self, scope, it, e, what: str):
        """The items a `for` (or a comprehension) runs over: a range, list, tuple,
        string or dict (its keys) of compile-time values or tensors."""
        if it is POISON:
            raise Abort()
        if isinstance(it, Results):
            it = tuple(it.items)
        if not isinstance(it, (range, list, tuple, str, dict)):
            self.s.error(
                scope.file,
                e.span,
                "type-error",
                f"{what} loops over range(...), a list, tuple, string or dict of compile-time values, "
                f"got {kind_of(it)}",
                "a tensor is not iterable while the model is built; index it (`x[:, i]`) in a loop "
                "over range(...)"
                if isinstance(it, Tensor)
                else None,
            )
        n = safe_len(it)
        if n > MAX_ITEMS:
            raise LimitExceeded("items", f"a loop of {n:,} iterations" if n <= 10**18 else "a loop")
        if isinstance(it, dict):
            return list(it)
        return it

    def bind_target(self, scope, target, value, span) -> dict:
        """Bind a `for` target (a name, or names unpacked: `i, (a, b)`) to one item;
        each name's provenance is the loop variable itself.  Returns {name: value}."""
        if isinstance(target, S.Ident):
            self.bind(scope, target, value, P.Loop(target.id))
            return {target.id: value}
        if isinstance(value, Results):
            value = tuple(value.items)
        n = len(target.items)
        if not isinstance(value, (tuple, list, str)) or isinstance(value, str) and len(value) != n:
            self.s.error(
                scope.file,
                target.span,
                "unpack",
                f"{n} names to unpack, but the item is one value ({kind_of(value)})",
                "the loop's items must be tuples or lists, e.g. `for i, x in enumerate(xs)`",
            )
        if len(value) != n:
            self.s.error(
                scope.file,
                target.span,
                "unpack",
                f"{n} names to unpack, but the item has {len(value)} values",
                f"the item is {_short(value)}",
            )
        out: dict = {}
        for t, v in zip(target.items, value):
            out.update(self.bind_target(scope, t, v, span))
        return out

    def if_(self, scope, stmt: S.If):
        cond = self.it.exprs.eval(stmt.cond, scope)
        if cond is POISON:
            return
        if isinstance(cond, (Tensor, LayerVal, Results)):
            self.s.error(
                scope.file,
                stmt.cond.span,
                "type-error",
                "`if` needs a compile-time value (a parameter or constant), not a tensor",
            )
        taken = stmt.body if cond else stmt.orelse
        record = IfRegion(stmt, cond, scope.sym(stmt.cond), "body" if cond else ("orelse" if taken else None))
        scope.region.append(record)
        outer = scope.region
        scope.region = record.region
        try:
            self.exec_body(scope, taken or [])
        finally:
            scope.region = outer
