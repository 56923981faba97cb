"""AST -> IR.  A compile-time evaluator: constants, `use`, blocks (inlined),
models (instantiated with their compile-time arguments), loops, `if`, f-strings;
every layer application runs the catalog's shape rule at once.

Diagnostics are collected, never raised one by one: a failing statement
reports once and binds POISON, and every later use of POISON fails silently.
"""

from __future__ import annotations

import math
import operator
import re
from pathlib import Path

import graphc.ops  # noqa: F401  (fills the registry)
import graphc.ops.special  # noqa: F401
from graphc.compiler import syntax as S
from graphc.compiler import vocab
from graphc.compiler.ir import BlockCall, Call, Graph, Layer, Tensor, TensorType
from graphc.compiler.parse import RESERVED, parse
from graphc.compiler.values import POISON, Builtin, ConfigObj, DefVal, LayerVal, OpClass, Results
from graphc.diagnostics import Abort, CompileError, Diagnostic, Note, Sources, suggestion
from graphc.ops.base import FUNCTIONS, REGISTRY, ArgError, LayerArg, ShapeError, describe_value

MODULE_PREFIXES = {"keras", "layers", "applications", "optimizers", "losses", "metrics", "models"}


class ModuleEnv:
    def __init__(self, path: str, module: S.Module):
        self.path = path
        self.module = module
        self.names: dict = {}  # constants, defs, imported names
        self.def_spans: dict = {}


class Scope:
    """Variables of one model or block body."""

    def __init__(self, module: ModuleEnv, kind: str, graph: Graph, name: str):
        self.module = module
        self.kind = kind  # "model" | "block"
        self.graph = graph
        self.name = name
        self.vars: dict = {}
        self.returned = None
        self.params: set = set()
        self.rebound: set = set()
        self.aborted = False  # a statement failed (its diagnostic is reported)


def snake(name: str) -> str:
    """Keras's to_snake_case (keras/src/utils/naming.py): Conv2D -> conv2d."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Compiler:
    def __init__(self, loader=None):
        self.diags: list[Diagnostic] = []
        self._seen: set = set()
        self.sources = Sources()
        self.modules: dict[str, ModuleEnv] = {}
        self.loader = loader or _default_loader
        self.counter = 0
        self.stack: list = []  # defs being evaluated (recursion check)
        self.name_counts: dict = {}  # graph id -> {base: count}
        self.blocks: list[BlockCall] = []  # block calls being evaluated in the current graph
        self.taken: dict = {}  # graph id -> the layer names it uses
        # IDE hook (graphc/ide.py): a list to which every variable binding and every name
        # use is appended as (file, span, name, value); None (the default) records nothing
        self.trace: list | None = None

    # ------------------------------------------------------------ diagnostics
    def report(self, file, span, code, message, hint=None, notes=(), severity="error"):
        key = (file, span.line, span.col, code, message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.diags.append(Diagnostic(file, span, severity, code, message, hint, list(notes)))

    def error(self, scope_or_file, span, code, message, hint=None, notes=()):
        file = scope_or_file if isinstance(scope_or_file, str) else scope_or_file.module.path
        self.report(file, span, code, message, hint, notes)
        raise Abort()

    def warn(self, file, span, code, message, hint=None, notes=()):
        self.report(file, span, code, message, hint, notes, severity="warning")

    # ------------------------------------------------------------ modules
    def load_module(self, path: str, text: str | None = None, chain=()) -> ModuleEnv | None:
        key = str(Path(path)) if text is None else path
        if key in self.modules:
            return self.modules[key]
        if text is None:
            try:
                text = self.loader(path)
            except (OSError, UnicodeDecodeError) as exc:
                raise CompileError(
                    [
                        Diagnostic(
                            path,
                            S.NOSPAN,
                            "error",
                            "io",
                            f"cannot read {path}: {getattr(exc, 'strerror', exc)}",
                        )
                    ]
                ) from None
        self.sources.texts[key] = text
        try:
            module = parse(text, key)
        except CompileError as exc:
            for d in exc.diagnostics:
                self.report(d.file, d.span, d.code, d.message, d.hint)
            return None
        env = ModuleEnv(key, module)
        self.modules[key] = env
        self._collect(env, chain + (key,))
        return env

    def _collect(self, env: ModuleEnv, chain):
        for item in env.module.items:
            try:
                if isinstance(item, S.Use):
                    self._use(env, item, chain)
                elif isinstance(item, S.Def):
                    self._check_placement(env, item)
                    self._bind_top(env, item.name, DefVal(item, env))
                elif isinstance(item, S.Const):
                    value = self.eval(item.value, _ConstScope(env, self))
                    if isinstance(value, (Tensor, LayerVal)):
                        self.error(
                            env.path,
                            item.value.span,
                            "misplaced-statement",
                            "a top-level constant must be a compile-time value (number, string, "
                            "bool, None, tuple, list)",
                            "build layers inside a `model` or `block`",
                        )
                    self._bind_top(env, item.target, value)
            except Abort:
                if isinstance(item, S.Const):
                    env.names.setdefault(item.target.id, POISON)
            except RecursionError:
                self.report(env.path, item.span, "recursion", "this definition nests too deeply")
                if isinstance(item, S.Const):
                    env.names.setdefault(item.target.id, POISON)

    def _check_placement(self, env: ModuleEnv, node: S.Def):
        """Statement placement, checked for every definition, used or not."""

        def walk(body):
            for prev, st in zip([None, *body], body):
                if isinstance(prev, S.Return) and node.kind == "block":
                    self.report(
                        env.path, st.span, "misplaced-statement", "statement after `return` is never run"
                    )
                if isinstance(st, (S.Output, S.OutputList)) and node.kind == "block":
                    self.report(
                        env.path,
                        st.span,
                        "misplaced-statement",
                        "`output` is only allowed in a model",
                        "return the tensor from the block with `return` and declare the output in the model",
                    )
                elif isinstance(st, S.Return) and node.kind == "model":
                    self.report(
                        env.path,
                        st.span,
                        "misplaced-statement",
                        "`return` is only allowed in a block",
                        "in a model, declare results with `output name = ...`",
                    )
                elif isinstance(st, S.For):
                    walk(st.body)
                elif isinstance(st, S.If):
                    walk(st.body)
                    walk(st.orelse or [])

        walk(node.body)

    def _bind_top(self, env, ident: S.Ident, value):
        self.check_bindable(env.path, ident)
        if ident.id in env.def_spans:
            prev = env.def_spans[ident.id]
            self.error(
                env.path,
                ident.span,
                "redefinition",
                f"`{ident.id}` is already defined",
                "rename one of them",
                [Note(env.path, prev, "first defined here")],
            )
        env.names[ident.id] = value
        env.def_spans[ident.id] = ident.span

    def _use(self, env: ModuleEnv, item: S.Use, chain):
        base = Path(env.path).parent
        target = str(base / item.path)
        norm = str(Path(target))
        if norm in chain:
            cycle = " -> ".join(list(chain[chain.index(norm) :]) + [norm])
            self.error(
                env.path,
                item.span,
                "import-cycle",
                f"`use` forms a cycle: {cycle}",
                "move the shared definitions into a third file",
            )
        if not Path(target).is_file() and self.loader is _default_loader:
            self.error(
                env.path,
                item.span,
                "io",
                f'cannot find "{item.path}" (looked for {target})',
                "paths in `use` are relative to the file that uses them",
            )
        try:
            sub = self.load_module(norm, chain=chain)
        except CompileError as exc:
            d = exc.diagnostics[0]
            self.error(env.path, item.span, "io", d.message)
        if sub is None:
            return
        for name, value in sub.names.items():
            if name in env.names and env.names[name] is not value:
                self.warn(
                    env.path,
                    item.span,
                    "redefinition",
                    f'`{name}` from "{item.path}" shadows an earlier definition',
                )
            env.names[name] = value
            env.def_spans.setdefault(name, item.span)

    def application(self, name: str):
        """A Keras application from graphc's standard library (graphc/stdlib/*.gdl)."""
        from graphc import stdlib

        path = stdlib.path_for(name)
        if path is None:
            return None
        env = self.load_module(path)
        return env.names.get(name) if env is not None else None

    # ------------------------------------------------------------ models
    def entry_models(self, env: ModuleEnv) -> list[DefVal]:
        return [
            v
            for v in env.names.values()
            if isinstance(v, DefVal) and v.node.kind == "model" and v.module is env
        ]

    def instantiate(self, dv: DefVal, args: dict, call_span=None, call_file=None) -> Graph | None:
        node = dv.node
        if dv in self.stack:
            self.error(
                call_file or dv.module.path,
                call_span or node.name.span,
                "recursion",
                f"model `{node.name.id}` uses itself",
            )
        gname = args.get("name") if isinstance(args.get("name"), str) else node.name.id
        graph = Graph(gname, dv.module.path, node.name.span)
        graph.args = {k: v for k, v in args.items() if k != "name"}
        errors_before = sum(d.is_error for d in self.diags)
        scope = Scope(dv.module, "model", graph, node.name.id)
        scope.vars.update(args)
        self.stack.append(dv)
        saved_blocks, self.blocks = self.blocks, []
        try:
            self.exec_body(scope, node.body)
        finally:
            self.stack.pop()
            self.blocks = saved_blocks
        graph.had_errors = scope.aborted or sum(d.is_error for d in self.diags) > errors_before
        self._finish_model(scope, graph)
        return graph

    def _finish_model(self, scope: Scope, graph: Graph):
        file = scope.module.path
        if not graph.inputs and not graph.had_errors:
            self.report(
                file,
                graph.span,
                "no-output",
                f"model `{graph.name}` has no Input",
                "declare one with x = Input(shape=(...))",
            )
        if not graph.outputs and graph.inputs and not graph.had_errors:
            self.report(
                file,
                graph.span,
                "no-output",
                f"model `{graph.name}` declares no output",
                "mark results with `output name = ...` or `output name`",
            )
        from graphc.compiler.losses import resolve_compile

        if graph.compile is not None:
            resolve_compile(self, scope, graph)
        # tensors that reach no output
        used = set()
        stack = [t for _, t, _ in graph.outputs]
        while stack:
            t = stack.pop()
            if id(t) in used:
                continue
            used.add(id(t))
            if t.call is not None:
                stack.extend(t.call.inputs)
        for inp in graph.inputs:
            if id(inp) not in used and graph.outputs:
                self.warn(
                    file,
                    inp.span,
                    "unused-tensor",
                    f"input `{inp.var}` is not used by any output of `{graph.name}`",
                )

    # ------------------------------------------------------------ statements
    def exec_body(self, scope: Scope, body: list):
        for i, stmt in enumerate(body):
            if scope.returned is not None:  # a `return` ran (possibly inside an `if`)
                if isinstance(body[i - 1], S.Return):
                    self.report(
                        scope.module.path,
                        stmt.span,
                        "misplaced-statement",
                        "statement after `return` is never run",
                    )
                return
            try:
                self.exec_stmt(scope, stmt)
            except Abort:
                scope.aborted = True
                for t in _targets(stmt):
                    scope.vars[t.id] = POISON
            except RecursionError:
                self.report(scope.module.path, stmt.span, "recursion", "blocks nest too deeply")
                return

    def check_bindable(self, file, ident: S.Ident):
        if ident.id in RESERVED:
            self.error(
                file,
                ident.span,
                "reserved-name",
                f"`{ident.id}` is a reserved word and cannot be bound",
                f"rename it, e.g. `{ident.id}_`",
            )
        if ident.id in REGISTRY or ident.id in FUNCTIONS:
            self.warn(
                file,
                ident.span,
                "redefinition",
                f"`{ident.id}` hides the Keras layer of that name in this scope",
            )

    def bind(self, scope: Scope, ident: S.Ident, value):
        self.check_bindable(scope.module.path, ident)
        if isinstance(value, LayerVal) and value.var is None:
            value.var = ident.id
        if isinstance(value, Tensor) and value.var is None:
            value.var = ident.id
        if ident.id in scope.params:
            scope.rebound.add(ident.id)
        scope.vars[ident.id] = value
        if self.trace is not None:  # IDE hook
            self.trace.append((scope.module.path, ident.span, ident.id, value))

    def exec_stmt(self, scope: Scope, stmt):
        file = scope.module.path
        if isinstance(stmt, S.Assign):
            value = self.eval(stmt.value, scope)
            if len(stmt.targets) == 1:
                if isinstance(value, Results):
                    value = tuple(value.items)
                self.bind(scope, stmt.targets[0], value)
                return
            items = self._unpack(scope, stmt, value, len(stmt.targets))
            for ident, v in zip(stmt.targets, items):
                self.bind(scope, ident, v)
        elif isinstance(stmt, S.Share):
            value = self.eval(stmt.value, scope)
            if value is POISON:
                scope.vars[stmt.target.id] = POISON
                return
            if not isinstance(value, LayerVal):
                self.error(
                    file,
                    stmt.value.span,
                    "type-error",
                    f"`share` needs a layer or model, got {_kind(value)}",
                    "write `share name = Layer(...)` and apply it later with name(x)",
                )
            if value.layer is not None:
                self.error(
                    file, stmt.value.span, "type-error", "`share` needs a layer that is not applied yet"
                )
            value.shared = True
            value.var = stmt.target.id
            self.bind(scope, stmt.target, value)
        elif isinstance(stmt, (S.Output, S.OutputList)):
            if scope.kind != "model":
                self.error(
                    file,
                    stmt.span,
                    "misplaced-statement",
                    "`output` is only allowed in a model",
                    "return the tensor from the block with `return` and declare the output in the model",
                )
            if isinstance(stmt, S.Output):
                value = self.eval(stmt.value, scope)
                self.add_output(scope, stmt.target, value)
                scope.vars[stmt.target.id] = scope.graph.outputs[-1][1] if value is not POISON else POISON
            else:
                for ident in stmt.names:
                    value = self.lookup(scope, ident.id, ident.span)
                    self.add_output(scope, ident, value)
        elif isinstance(stmt, S.Return):
            if scope.kind != "block":
                self.error(
                    file,
                    stmt.span,
                    "misplaced-statement",
                    "`return` is only allowed in a block",
                    "in a model, declare results with `output name = ...`",
                )
            values = [self.eval(v, scope) for v in stmt.values]
            scope.returned = values
        elif isinstance(stmt, S.ExprStmt):
            e = stmt.value
            if (
                isinstance(e, S.Call)
                and isinstance(e.func, S.Name)
                and e.func.id in ("compile", "fit")
                and e.func.id not in scope.vars
            ):
                self._compile_or_fit(scope, e)
                return
            value = self.eval(e, scope)
            if isinstance(value, (Tensor, Results)):
                self.warn(
                    file,
                    stmt.span,
                    "unused-tensor",
                    "this result is computed but never used",
                    "bind it to a name or declare it with `output name = ...`",
                )
        elif isinstance(stmt, S.For):
            it = self.eval(stmt.iter, scope)
            if it is POISON:
                return
            if not isinstance(it, (range, list, tuple)):
                self.error(
                    file,
                    stmt.iter.span,
                    "type-error",
                    f"`for` loops over range(...) or a list of compile-time values, got {_kind(it)}",
                )
            if len(it) > 10000:
                self.error(file, stmt.iter.span, "value-error", f"loop of {len(it)} iterations is too long")
            for v in it:
                self.bind(scope, stmt.var, v)
                self.exec_body(scope, stmt.body)
                if scope.returned is not None:
                    return
        elif isinstance(stmt, S.If):
            cond = self.eval(stmt.cond, scope)
            if cond is POISON:
                return
            if isinstance(cond, (Tensor, LayerVal, Results)):
                self.error(
                    file,
                    stmt.cond.span,
                    "type-error",
                    "`if` needs a compile-time value (a parameter or constant), not a tensor",
                )
            body = stmt.body if cond else (stmt.orelse or [])
            self.exec_body(scope, body)
        else:  # pragma: no cover
            self.error(file, stmt.span, "misplaced-statement", "unexpected statement")

    def _unpack(self, scope, stmt, value, n):
        if value is POISON:
            return [POISON] * n
        if isinstance(value, Results):
            items = value.items
        elif isinstance(value, (tuple, list)):
            items = list(value)
        else:
            self.error(
                scope.module.path,
                stmt.value.span,
                "unpack",
                f"{n} names on the left, but the right side is one value ({_kind(value)})",
                "only layers with several results (e.g. LSTM(return_state=true)) and blocks "
                "returning several values can be unpacked",
            )
        if len(items) != n:
            self.error(
                scope.module.path,
                stmt.value.span,
                "unpack",
                f"{n} names on the left, but the right side gives {len(items)} values",
            )
        return items

    def add_output(self, scope: Scope, ident: S.Ident, value):
        file = scope.module.path
        graph = scope.graph
        if value is POISON:
            return
        if not isinstance(value, Tensor):
            self.error(
                file, ident.span, "type-error", f"output `{ident.id}` must be a tensor, got {_kind(value)}"
            )
        for name, _, span in graph.outputs:
            if name == ident.id:
                self.error(
                    file,
                    ident.span,
                    "duplicate-output",
                    f"output `{ident.id}` is declared twice",
                    "give each output its own name",
                    [Note(file, span, "first declared here")],
                )
        self.check_bindable(file, ident)
        # name the producing layer after the output, as Keras logs use layer names
        call = value.call
        if (
            call is not None
            and call.layer.explicit_name
            and call.layer.name == ident.id
            and len(call.outputs) == 1
            and not any(t is value for _, t, _ in graph.outputs)
        ):
            value.var = ident.id
            graph.outputs.append((ident.id, value, ident.span))
            return
        renamable = (
            call is not None
            and not call.layer.shared
            and not call.layer.explicit_name
            and len(call.layer.calls) == 1
            and len(call.outputs) == 1
            and not any(t is value for _, t, _ in graph.outputs)
            and call in graph.calls
        )
        if renamable:
            self._rename(graph, call.layer, ident.id, file, ident.span)
        else:
            # wrap in an Identity layer named after the output
            op = REGISTRY["Identity"]
            lv = LayerVal(op, {}, op.full({}), ident.span, file)
            value = self.apply(scope, lv, value, ident.span, out_name=ident.id)
        value.var = ident.id
        graph.outputs.append((ident.id, value, ident.span))

    def _rename(self, graph, layer, name, file, span):
        taken = self.taken.setdefault(id(graph), set())
        for other in graph.layers if name in taken else ():
            if other is not layer and other.name == name:
                if other.explicit_name:
                    self.error(
                        file,
                        span,
                        "duplicate-output",
                        f'output `{name}` clashes with the layer explicitly named "{name}"',
                    )
                # move the auto-named layer out of the way
                other.name = self._fresh_name(graph, snake(other.type_name))
                taken.add(other.name)
        taken.discard(layer.name)
        taken.add(name)
        layer.name = name

    def _fresh_name(self, graph, base):
        counts = self.name_counts.setdefault(id(graph), {})
        taken = self.taken.setdefault(id(graph), set())
        while True:
            n = counts.get(base, 0)
            counts[base] = n + 1
            name = base if n == 0 else f"{base}_{n}"
            if name not in taken and name not in graph.output_names:
                return name

    def _compile_or_fit(self, scope: Scope, e: S.Call):
        file = scope.module.path
        which = e.func.id
        if scope.kind != "model":
            self.error(file, e.func.span, "misplaced-statement", f"`{which}(...)` is only allowed in a model")
        if e.args:
            self.error(
                file,
                e.args[0].span,
                "argument-type",
                f'`{which}` takes keyword arguments only, e.g. {which}(optimizer="adam")',
            )
        allowed = vocab.COMPILE_KEYWORDS if which == "compile" else tuple(vocab.FIT_KEYWORDS)
        kw = {}
        for k in e.kwargs:
            if k.name not in allowed:
                self.report(
                    file,
                    k.span,
                    "unknown-keyword",
                    f"`{which}` has no keyword `{k.name}`",
                    suggestion(k.name, allowed),
                )
                continue
            if k.name in kw:
                self.report(file, k.span, "duplicate-argument", f"`{k.name}` is given twice")
                continue
            try:
                kw[k.name] = (self.eval(k.value, scope, dict_names=True), k.value.span, k.span)
            except Abort:
                kw[k.name] = (POISON, k.value.span, k.span)
        if which == "compile":
            if scope.graph.has_compile:
                self.error(file, e.func.span, "redefinition", "`compile` appears twice in this model")
            scope.graph.has_compile = True
            scope.graph.compile = {"raw": kw, "span": e.func.span}
        else:
            from graphc.compiler.losses import resolve_fit

            resolve_fit(self, scope, kw)

    # ------------------------------------------------------------ expressions
    def lookup(self, scope, name: str, span):
        if name in scope.vars:
            return scope.vars[name]
        if name in scope.module.names:
            return scope.module.names[name]
        b = builtin(name)
        if b is not None:
            return b
        app = self.application(name)
        if app is not None:
            return app
        candidates = (
            list(scope.vars)
            + list(scope.module.names)
            + list(REGISTRY)
            + list(FUNCTIONS)
            + list(BUILTIN_FUNCS)
            + list(vocab.OPTIMIZER_CLASSES)
            + list(vocab.LOSS_CLASSES)
        )
        hint = suggestion(name, candidates)
        looks_layer = name[:1].isupper()
        code = "unknown-layer" if looks_layer else "undefined-name"
        msg = f"unknown layer or model `{name}`" if looks_layer else f"`{name}` is not defined"
        if not hint and looks_layer:
            hint = "define it with `model` or `block`, or check the spelling of the Keras layer"
        scope.vars[name] = POISON
        self.error(scope.module.path, span, code, msg, hint)

    def eval(self, e, scope, dict_names=False):
        file = scope.module.path
        if isinstance(e, S.Literal):
            return e.value
        if isinstance(e, S.Name):
            v = self.lookup(scope, e.id, e.span)
            if self.trace is not None:  # IDE hook
                self.trace.append((file, e.span, e.id, v))
            return v
        if isinstance(e, S.TupleExpr):
            return tuple(self.eval(x, scope) for x in e.items)
        if isinstance(e, S.ListExpr):
            return [self.eval(x, scope) for x in e.items]
        if isinstance(e, S.DictExpr):
            out = {}
            for k, v in e.pairs:
                key = k.id if isinstance(k, S.Name) else self.eval(k, scope)
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    self.error(file, k.span, "type-error", "dict keys must be names, strings or numbers")
                if key in out:
                    self.error(file, k.span, "duplicate-argument", f"key `{key}` appears twice")
                out[key] = self.eval(v, scope)
                if dict_names:
                    out.setdefault("__spans__", {})[key] = k.span
            return out
        if isinstance(e, S.FString):
            parts = []
            for p in e.parts:
                if isinstance(p, str):
                    parts.append(p)
                    continue
                expr, spec = p
                v = self.eval(expr, scope)
                if isinstance(v, (Tensor, LayerVal, Results)) or v is POISON:
                    if v is POISON:
                        raise Abort()
                    self.error(
                        file, e.span, "type-error", f"f-strings take compile-time values, not {_kind(v)}"
                    )
                try:
                    parts.append(format(v, spec))
                except (ValueError, TypeError) as exc:
                    self.error(file, e.span, "value-error", f"bad format spec `{spec}`: {exc}")
            return "".join(parts)
        if isinstance(e, S.Attr):
            return self._attr(e, scope)
        if isinstance(e, S.Index):
            obj = self.eval(e.obj, scope)
            idx = self.eval(e.index, scope)
            if obj is POISON or idx is POISON:
                raise Abort()
            if isinstance(obj, Results):
                obj = obj.items
            if isinstance(obj, Tensor):
                self.error(
                    file,
                    e.span,
                    "unsupported",
                    "slicing tensors is not supported",
                    "use Cropping1D/2D or Reshape",
                )
            try:
                return obj[idx]
            except (TypeError, IndexError, KeyError) as exc:
                self.error(file, e.span, "value-error", f"cannot index {_kind(obj)} with `{idx!r}`: {exc}")
        if isinstance(e, S.BinOp):
            return self._binop(e, scope)
        if isinstance(e, S.Unary):
            v = self.eval(e.operand, scope)
            if v is POISON:
                raise Abort()
            if e.op == "not":
                return not v
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                self.error(file, e.span, "type-error", f"unary `{e.op}` needs a number, got {_kind(v)}")
            return -v if e.op == "-" else +v
        if isinstance(e, S.Compare):
            left = self.eval(e.first, scope)
            for op, right_e in e.rest:
                right = self.eval(right_e, scope)
                if POISON in (left, right):
                    raise Abort()
                try:
                    ok = _CMP[op](left, right)
                except TypeError:
                    self.error(file, e.span, "type-error", f"cannot compare {_kind(left)} and {_kind(right)}")
                if not ok:
                    return False
                left = right
            return True
        if isinstance(e, S.BoolOp):
            v = None
            for x in e.values:
                v = self.eval(x, scope)
                if v is POISON:
                    raise Abort()
                if (e.op == "and" and not v) or (e.op == "or" and v):
                    return v
            return v
        if isinstance(e, S.Call):
            return self._call(e, scope)
        self.error(file, e.span, "syntax", "unsupported expression")  # pragma: no cover

    def _attr(self, e: S.Attr, scope):
        chain = []
        node = e
        while isinstance(node, S.Attr):
            chain.append(node.name)
            node = node.obj
        if isinstance(node, S.Name) and node.id in MODULE_PREFIXES and node.id not in scope.vars:
            b = builtin(e.name)
            if b is not None:
                return b
            self.error(
                scope.module.path,
                e.span,
                "unknown-layer",
                f"unknown Keras name `{e.name}`",
                suggestion(e.name, list(REGISTRY) + list(FUNCTIONS)),
            )
        self.error(
            scope.module.path,
            e.span,
            "type-error",
            "attribute access is only for Keras module prefixes such as `layers.Dense`",
        )

    def _binop(self, e: S.BinOp, scope):
        file = scope.module.path
        left = self.eval(e.left, scope)
        right = self.eval(e.right, scope)
        if POISON in (left, right) if not isinstance(left, (list, dict)) else right is POISON:
            raise Abort()
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            merge = {"+": "Add", "-": "Subtract", "*": "Multiply"}.get(e.op)
            if merge is None or not (isinstance(left, Tensor) and isinstance(right, Tensor)):
                self.error(
                    file,
                    e.span,
                    "type-error",
                    f"`{e.op}` on tensors needs two tensors and one of + - *; got {_kind(left)} "
                    f"{e.op} {_kind(right)}",
                )
            op = REGISTRY[merge]
            lv = LayerVal(op, {}, op.full({}), e.span, file)
            lv.function_form = True
            return self.apply(scope, lv, [left, right], e.span, list_input=True)
        try:
            if e.op == "/" and right == 0 or e.op in ("//", "%") and right == 0:
                self.error(file, e.span, "value-error", "division by zero")
            return _BIN[e.op](left, right)
        except TypeError:
            self.error(
                file, e.span, "type-error", f"cannot apply `{e.op}` to {_kind(left)} and {_kind(right)}"
            )
        except OverflowError:
            self.error(file, e.span, "value-error", "number too large")

    def _call(self, e: S.Call, scope):
        file = scope.module.path
        fn = self.eval(e.func, scope)
        if fn is POISON:
            # still evaluate arguments for their own errors
            for a in e.args:
                self._try_eval(a, scope)
            raise Abort()
        args = [self.eval(a, scope) for a in e.args]
        kwargs = {}
        for k in e.kwargs:
            if k.name in kwargs:
                self.error(file, k.span, "duplicate-argument", f"`{k.name}` is given twice")
            kwargs[k.name] = self.eval(k.value, scope)
        if any(_poisoned(v) for v in [*args, *kwargs.values()]):
            raise Abort()  # an argument already failed (and was reported)
        if isinstance(fn, OpClass):
            return self.construct(scope, fn.op, args, kwargs, e)
        if isinstance(fn, LayerVal):
            if kwargs:
                bad = next(iter(kwargs))
                if not (fn.op is not None and bad in getattr(fn.op, "call_params", ())):
                    kspan = next(k.span for k in e.kwargs if k.name == bad)
                    self.error(
                        file,
                        kspan,
                        "unknown-argument",
                        f"applying {fn.type_name} takes tensors only, not `{bad}=`",
                        "layer options go in the constructor: Layer(options)(x)",
                    )
            if fn.op is not None and getattr(fn.op, "call_params", ()):
                inputs = self._call_params(fn, args, kwargs, e, file)
                return self.apply(scope, fn, inputs, e.span, list_input=False, multi_arg=True)
            if len(args) != 1:
                self.error(
                    file,
                    e.span,
                    "arity",
                    f"{fn.type_name} is applied to one tensor or one list of tensors, got {len(args)} "
                    "arguments",
                    "pass several tensors as a list: layer([a, b])",
                )
            return self.apply(scope, fn, args[0], e.span, list_input=isinstance(args[0], list))
        if isinstance(fn, DefVal):
            if fn.node.kind == "block":
                return self.call_block(scope, fn, args, kwargs, e)
            return self.construct_model(scope, fn, args, kwargs, e)
        if isinstance(fn, Builtin):
            return fn.fn(self, scope, args, kwargs, e)
        if isinstance(fn, Tensor):
            self.error(
                file,
                e.func.span,
                "type-error",
                f"`{_name_of(e.func)}` is a tensor, not a layer; it cannot be called",
                "apply a layer to it instead: Layer(...)(x)",
            )
        self.error(file, e.func.span, "type-error", f"{_kind(fn)} cannot be called")

    def _call_params(self, fn, args, kwargs, e, file):
        names = fn.op.call_params
        got = dict(zip(names, args))
        if len(args) > len(names):
            self.error(file, e.span, "arity", f"{fn.type_name} takes at most {len(names)} tensors")
        for k, v in kwargs.items():
            if k in got:
                self.error(file, e.span, "duplicate-argument", f"`{k}` is given twice")
            got[k] = v
        need = getattr(fn.op, "required_call_params", names[:1])
        for n in need:
            if n not in got:
                self.error(file, e.span, "arity", f"{fn.type_name} needs the `{n}` tensor")
        return [got[n] for n in names if n in got]

    def _try_eval(self, e, scope):
        try:
            return self.eval(e, scope)
        except Abort:
            return POISON

    # ------------------------------------------------------------ layers
    def construct(self, scope, op, args, kwargs, e: S.Call, explicit_list_call=False):
        file = scope.module.path
        if op.name == "Input":
            return self.make_input(scope, args, kwargs, e)
        for v in list(args) + list(kwargs.values()):
            if v is POISON:
                raise Abort()
        conv_args = [self._layer_arg(scope, v, e) for v in args]
        conv_kwargs = {k: self._layer_arg(scope, v, e) for k, v in kwargs.items()}
        try:
            given = op.bind(conv_args, conv_kwargs)
        except ArgError as err:
            span = _arg_span(e, err.arg)
            self.error(file, span, err.code, err.message, err.hint)
        lv = LayerVal(op, given, op.full(given), e.span, file)
        positional = [p.name for p in op.all_params() if p.positional]
        lv.raw = {**dict(zip(positional, args)), **kwargs}
        # arguments written as a bare block parameter (`Conv2D(filters, 3)`): the Keras
        # target keeps them as parameters of the block's function
        lv.refs = {}
        if scope.kind == "block":
            exprs = {**dict(zip(positional, e.args)), **{k.name: k.value for k in e.kwargs}}

            def is_param(x):
                return isinstance(x, S.Name) and x.id in scope.params and x.id not in scope.rebound

            for pname, expr in exprs.items():
                if is_param(expr):
                    lv.refs[pname] = expr.id
            # an explicit name built from parameters (`name=f"{name}_bn"`) stays a template
            expr = exprs.get("name")
            if isinstance(expr, S.FString) and all(
                isinstance(p, str) or (is_param(p[0]) and not p[1]) for p in expr.parts
            ):
                lv.name_parts = [p if isinstance(p, str) else ("param", p[0].id) for p in expr.parts]
        for v in list(args) + list(kwargs.values()):
            if isinstance(v, LayerVal):
                lv.inner = v
                v.layer = "wrapped"
        return lv

    def _layer_arg(self, scope, v, e):
        if isinstance(v, LayerVal):
            if v.op is None:
                self.error(scope.module.path, e.span, "unsupported", "a model cannot be wrapped by a layer")
            if v.layer is not None:
                self.error(
                    scope.module.path,
                    e.span,
                    "type-error",
                    "this layer is already applied; wrap a fresh layer, e.g. Bidirectional(LSTM(32))",
                )
            return LayerArg(v.op(), v.args, v.given)
        if isinstance(v, (Tensor, Results)):
            return _TensorArg()
        return v

    def make_input(self, scope, args, kwargs, e):
        file = scope.module.path
        if scope.kind != "model":
            self.error(
                file,
                e.span,
                "misplaced-statement",
                "`Input` is only allowed in a model",
                "pass the tensor to the block as a parameter",
            )
        op = REGISTRY["Input"]
        try:
            given = op.bind(args, kwargs)
        except ArgError as err:
            self.error(file, _arg_span(e, err.arg), err.code, err.message, err.hint)
        shape = given.get("shape")
        if given.get("batch_shape") is not None:
            shape = tuple(given["batch_shape"])[1:]
        if shape is None:
            self.error(
                file, e.span, "missing-argument", "Input needs `shape=`", "e.g. Input(shape=(28, 28, 1))"
            )
        graph = scope.graph
        t = self.new_tensor(TensorType(tuple(shape), given.get("dtype") or "float32"), None, e.span, file)
        t.input_name = given.get("name")
        t.input_args = given
        graph.inputs.append(t)
        return t

    def new_tensor(self, ttype, call, span, file, index=0):
        self.counter += 1
        return Tensor(self.counter, ttype, call, index, None, span, file)

    def apply(self, scope, lv: LayerVal, inputs, span, list_input=False, multi_arg=False, out_name=None):
        file = scope.module.path
        graph = scope.graph
        flat = inputs if isinstance(inputs, list) else [inputs]
        if any(x is POISON for x in flat) or lv is POISON:
            raise Abort()
        for x in flat:
            if isinstance(x, Results):
                self.error(
                    file,
                    span,
                    "type-error",
                    f"{lv.type_name} got several tensors (a multi-result layer or block) as one input",
                    "unpack them first: out, h, c = LSTM(..., return_state=true)(x)",
                )
            if not isinstance(x, Tensor):
                self.error(
                    file, span, "type-error", f"{lv.type_name} must be applied to tensors, got {_kind(x)}"
                )
        if lv.layer == "wrapped":
            self.error(
                file, span, "type-error", "this layer is wrapped by another layer and cannot be applied"
            )
        if lv.layer is not None and not lv.shared:
            self.error(
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
        if lv.layer is not None and lv.layer.graph_owner is not graph:
            self.error(file, span, "type-error", "a layer cannot be used in two different models")
        if lv.op is not None:
            op = lv.op
            if op.takes_list:
                if not list_input:
                    self.error(
                        file, span, "type-error", f"{op.name} takes a list of tensors: {op.name}()([a, b])"
                    )
                if len(flat) < op.min_inputs:
                    self.error(
                        file,
                        span,
                        "arity",
                        f"{op.name} needs at least {op.min_inputs} inputs, got {len(flat)}",
                    )
            elif list_input and not multi_arg:
                self.error(file, span, "type-error", f"{op.name} takes one tensor, not a list")
            types = [x.type for x in flat]
            try:
                inst = op()
                outs = inst.infer(lv.args, types)
                weights = inst.weights(lv.args, types)
            except ShapeError as err:
                notes = []
                for i, x in enumerate(flat):
                    if err.input_index is None or err.input_index == i or err.code == "shape-mismatch":
                        notes.append(self._made_note(x, i, len(flat)))
                hint = err.hint
                if (
                    err.code == "rank-mismatch"
                    and hint
                    and "return_sequences" in hint
                    and flat[0].call is not None
                ):
                    prod = flat[0].call
                    notes = [
                        Note(prod.file, prod.span, f"{prod.layer.type_name} here returns {flat[0].type}")
                    ]
                self.error(file, span, err.code, err.message, hint, notes)
            if lv.args.get("activation") == "glu":
                # Keras's symbolic shapes ignore that glu halves the last axis, so the
                # functional model it builds disagrees with what it computes
                self.error(
                    file,
                    span,
                    "unsupported",
                    'activation="glu" is not supported: Keras infers the last axis unchanged but '
                    "glu halves it, so the Keras model breaks",
                    "use a Dense of twice the size and multiply its halves, or another activation",
                )
            if not lv.args.get("trainable", True):
                weights = [type(w)(w.name, w.shape, False) for w in weights]
            for msg, hint in inst.warnings(lv.args, types, outs):
                self.warn(file, span, "degenerate", msg, hint)
        else:
            g = lv.graph
            if len(flat) != len(g.inputs):
                self.error(
                    file,
                    span,
                    "arity",
                    f"model `{g.name}` takes {len(g.inputs)} input"
                    f"{'s' if len(g.inputs) != 1 else ''}, got {len(flat)}",
                )
            for i, (x, gi) in enumerate(zip(flat, g.inputs)):
                if not _compatible(x.type.shape, gi.type.shape):
                    self.error(
                        file,
                        span,
                        "shape-mismatch",
                        f"model `{g.name}` input {i} expects shape {gi.type}, got {x.type}",
                        notes=[self._made_note(x, i, len(flat))],
                    )
            outs = reinfer(g, [x.type for x in flat])
            weights = []
        if lv.layer is None:
            explicit = lv.args.get("name") if lv.op is not None else None
            if explicit and explicit in self.taken.get(id(graph), ()):
                self.error(
                    file,
                    lv.span,
                    "redefinition",
                    f'two layers are named "{explicit}" in model `{graph.name}`',
                )
            if out_name:
                name = out_name
            elif explicit:
                name = explicit
            elif lv.op is None:
                name = self._fresh_name(graph, snake(lv.graph.name) if lv.var is None else lv.var)
            elif lv.shared and lv.var:
                name = self._fresh_name(graph, lv.var)
            elif self.blocks:
                name = self._fresh_name(graph, f"{self.blocks[-1].instance}_{snake(lv.op.name)}")
            else:
                name = self._fresh_name(graph, snake(lv.op.name))
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
            )
            layer.graph_owner = graph
            layer.full_args = lv.args
            layer.raw_args = getattr(lv, "raw", {})
            layer.refs = getattr(lv, "refs", {})
            layer.name_parts = getattr(lv, "name_parts", None)
            layer.function_form = getattr(lv, "function_form", False)
            if lv.inner is not None:
                layer.inner = lv.inner
            graph.layers.append(layer)
            self.taken.setdefault(id(graph), set()).add(name)
            lv.layer = layer
            lv.first_call_span, lv.first_call_file = span, file
        else:
            layer = lv.layer
            if lv.op is not None and [w.shape for w in weights] != [w.shape for w in layer.weights]:
                first = layer.calls[0]
                self.error(
                    file,
                    span,
                    "shared-shape",
                    f"shared {lv.type_name} `{layer.name}` was built for input {first.inputs[0].type} "
                    f"but is applied to {flat[0].type}",
                    "a shared layer must see the same feature sizes at every call",
                    [Note(first.file, first.span, f"first applied here to {first.inputs[0].type}")],
                )
        self.counter += 1
        call = Call(self.counter, layer, flat, [], list_input=list_input, span=span, file=file)
        call.multi_arg = multi_arg
        call.outputs = [self.new_tensor(t, call, span, file, i) for i, t in enumerate(outs)]
        layer.calls.append(call)
        graph.calls.append(call)
        (self.blocks[-1].items if self.blocks else graph.items).append(call)
        call.block = self.blocks[-1] if self.blocks else None
        if len(call.outputs) == 1:
            return call.outputs[0]
        return Results(list(call.outputs))

    def _made_note(self, x: Tensor, i: int, n: int) -> Note:
        which = f"input {i}" if n > 1 else "the input"
        if x.call is None:
            return Note(
                x.file, x.span, f"{which} {x.var or ''} has shape {x.type} (an Input)".replace("  ", " ")
            )
        return Note(x.file, x.span, f"{which} has shape {x.type}, made by {x.call.layer.type_name} here")

    def construct_model(self, scope, dv: DefVal, args, kwargs, e):
        file = scope.module.path
        bound = self.bind_params(scope, dv, args, kwargs, e)
        from graphc import stdlib

        if stdlib.is_stdlib(dv.module.path) and "weights" in bound and bound["weights"] is not None:
            span = next((k.span for k in e.kwargs if k.name == "weights"), e.span)
            self.error(
                file,
                span,
                "unsupported",
                f"{dv.node.name.id}: graphc builds the architecture only; pretrained weights "
                f"({bound['weights']!r}) cannot be loaded",
                "pass weights=None",
            )
        for k, v in bound.items():
            if isinstance(v, (Tensor, LayerVal, Results)):
                self.error(
                    file,
                    e.span,
                    "type-error",
                    f"model `{dv.node.name.id}` takes compile-time values, but `{k}` got {_kind(v)}",
                    "apply the model to tensors afterwards: m = Model(args); y = m(x)",
                )
        n_before = len(self.diags)
        graph = self.instantiate(dv, bound, e.span, file)
        if graph is None:
            raise Abort()
        if stdlib.is_stdlib(dv.module.path):
            # a mistake inside a built-in application is the caller's (bad arguments):
            # report it at the call, with the library line as a note
            inner = [d for d in self.diags[n_before:] if stdlib.is_stdlib(d.file)]
            if inner:
                self.diags = self.diags[:n_before] + [d for d in self.diags[n_before:] if d not in inner]
                first = next((d for d in inner if d.is_error), None)
                for d in inner:
                    self._seen.discard((d.file, d.span.line, d.span.col, d.code, d.message))
                if first is not None:
                    self.error(
                        file,
                        e.span,
                        first.code,
                        f"{dv.node.name.id} cannot be built with these arguments: {first.message}",
                        first.hint,
                        [Note(first.file, first.span, "inside graphc's definition here")],
                    )
        if graph.had_errors:
            raise Abort()
        return LayerVal(None, bound, bound, e.span, file, graph=graph, kind_name="a model")

    def bind_params(self, scope, dv: DefVal, args, kwargs, e):
        file = scope.module.path
        node = dv.node
        params = node.params
        names = [p.name.id for p in params]
        if len(args) > len(params):
            self.error(
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
                self.error(
                    file,
                    k.span,
                    "unknown-argument",
                    f"{node.kind} `{node.name.id}` has no parameter `{k.name}`",
                    suggestion(k.name, names),
                    [Note(dv.module.path, node.name.span, "defined here")],
                )
            if k.name in bound:
                self.error(file, k.span, "duplicate-argument", f"`{k.name}` is given twice")
            bound[k.name] = kwargs[k.name]
        for p in params:
            if p.name.id not in bound:
                if p.default is None:
                    self.error(
                        file,
                        e.span,
                        "arity",
                        f"{node.kind} `{node.name.id}` needs the argument `{p.name.id}`",
                        notes=[Note(dv.module.path, p.span, "parameter declared here")],
                    )
                bound[p.name.id] = self.eval(p.default, _ConstScope(dv.module, self))
        return bound

    def call_block(self, scope, dv: DefVal, args, kwargs, e):
        node = dv.node
        bound = self.bind_params(scope, dv, args, kwargs, e)
        if dv in self.stack:
            self.error(scope.module.path, e.span, "recursion", f"block `{node.name.id}` calls itself")
        inner = Scope(dv.module, "block", scope.graph, node.name.id)
        inner.vars.update(bound)
        inner.params = set(bound)
        self.stack.append(dv)
        graph = scope.graph
        counts = self.name_counts.setdefault(("blocks", id(graph)), {})
        n = counts.get(node.name.id, 0)
        counts[node.name.id] = n + 1
        self.counter += 1
        bc = BlockCall(
            self.counter,
            node.name.id,
            snake(node.name.id) + (f"_{n}" if n else ""),
            [(p.name.id, bound[p.name.id]) for p in node.params],
            span=e.span,
            file=scope.module.path,
            def_span=node.name.span,
            def_file=dv.module.path,
        )
        (self.blocks[-1].items if self.blocks else graph.items).append(bc)
        bc.defaults = {}
        for p in node.params:
            if p.default is not None:
                try:
                    bc.defaults[p.name.id] = self.eval(p.default, _ConstScope(dv.module, self))
                except Abort:
                    pass
        self.blocks.append(bc)
        try:
            self.exec_body(inner, node.body)
        finally:
            self.stack.pop()
            self.blocks.pop()
        if inner.aborted:
            raise Abort()
        ret = inner.returned
        bc.returned = None if ret is None else (ret[0] if len(ret) == 1 else list(ret))
        bc.outputs = [v for v in (ret or []) if isinstance(v, Tensor)]
        if ret is not None and any(not isinstance(v, Tensor) for v in ret):
            bc.inlinable = False
        if inner.returned is None:
            return None
        if len(inner.returned) == 1:
            return inner.returned[0]
        return Results(list(inner.returned))


class _TensorArg:
    """A tensor passed where a layer option belongs; validators reject it by kind."""

    kind_name = "a tensor (apply the layer to tensors instead: Layer(options)(x))"

    def __repr__(self):
        return "<tensor>"


def _poisoned(v) -> bool:
    if v is POISON:
        return True
    if isinstance(v, (list, tuple)):
        return any(x is POISON for x in v)
    return False


def _compatible(a, b):
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def reinfer(g: Graph, input_types: list) -> list:
    """Output types of sub-model `g` applied to inputs of `input_types` (Keras
    recomputes shapes when a model is called on a more specific input)."""
    types = {t.id: it for t, it in zip(g.inputs, input_types)}
    for call in g.calls:
        ins = [types.get(t.id, t.type) for t in call.inputs]
        layer = call.layer
        try:
            if layer.op is not None:
                outs = layer.op().infer(layer.full_args, ins)
            else:
                outs = reinfer(layer.graph, ins)
        except (ShapeError, ArgError):
            outs = [t.type for t in call.outputs]
        for t, ot in zip(call.outputs, outs):
            types[t.id] = ot
    return [types.get(t.id, t.type) for _, t, _ in g.outputs]


class _ConstScope(Scope):
    """Scope for top-level constants and parameter defaults."""

    def __init__(self, module, compiler):
        super().__init__(module, "const", Graph("<const>"), "<const>")


def _default_loader(p):
    return Path(p).read_text(encoding="utf-8")


def _targets(stmt):
    if isinstance(stmt, S.Assign):
        return stmt.targets
    if isinstance(stmt, (S.Share, S.Output)):
        return [stmt.target]
    return []


def _kind(v) -> str:
    """What a value is, in the user's terms ("a tensor of shape (None, 3)", "an int")."""
    if v is POISON:
        return "an erroneous value"
    if isinstance(v, Tensor):
        return f"a tensor of shape {v.type}"
    if isinstance(v, range):
        return "a range"
    return describe_value(v)


def _name_of(e) -> str:
    return e.id if isinstance(e, S.Name) else "this"


def _arg_span(e: S.Call, arg):
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


_BIN = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}
_CMP = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


# ------------------------------------------------------------------ builtins
def _b_range(c, scope, args, kwargs, e):
    if (
        kwargs
        or not 1 <= len(args) <= 3
        or not all(isinstance(a, int) and not isinstance(a, bool) for a in args)
    ):
        c.error(
            scope.module.path,
            e.span,
            "type-error",
            "range takes 1 to 3 ints: range(stop), range(start, stop[, step])",
        )
    if len(args) == 3 and args[2] == 0:
        c.error(scope.module.path, e.span, "value-error", "range step must not be zero")
    return range(*args)


def _pyfn(fn, name):
    def call(c, scope, args, kwargs, e):
        if any(isinstance(a, (Tensor, LayerVal)) for a in args):
            c.error(scope.module.path, e.span, "type-error", f"{name} takes compile-time values")
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError, OverflowError) as exc:
            c.error(scope.module.path, e.span, "value-error", f"{name}: {exc}")

    return call


BUILTIN_FUNCS = {
    "range": _b_range,
    "len": _pyfn(len, "len"),
    "min": _pyfn(min, "min"),
    "max": _pyfn(max, "max"),
    "abs": _pyfn(abs, "abs"),
    "int": _pyfn(int, "int"),
    "float": _pyfn(float, "float"),
    "str": _pyfn(str, "str"),
    "round": _pyfn(round, "round"),
    "sqrt": _pyfn(math.sqrt, "sqrt"),
    "ceil": _pyfn(math.ceil, "ceil"),
    "floor": _pyfn(math.floor, "floor"),
    "error": None,  # set below
}


def _b_error(c, scope, args, kwargs, e):
    """`error("message")`: stop with a located error (for models' argument checks)."""
    if kwargs or len(args) != 1 or not isinstance(args[0], str):
        c.error(scope.module.path, e.span, "type-error", 'error takes one string: error("message")')
    c.error(scope.module.path, e.span, "argument-value", args[0])


BUILTIN_FUNCS["error"] = _b_error


def _merge_fn(cls_name):
    def call(c, scope, args, kwargs, e):
        op = REGISTRY[cls_name]
        if len(args) != 1 or not isinstance(args[0], list):
            c.error(
                scope.module.path,
                e.span,
                "type-error",
                f"{op.function} takes one list of tensors: {op.function}([a, b])",
            )
        lv = c.construct(scope, op, [], kwargs, e)
        lv.function_form = True
        return c.apply(scope, lv, args[0], e.span, list_input=True)

    return call


def _config_obj(family, cls, canonical, defaults):
    def call(c, scope, args, kwargs, e):
        file = scope.module.path
        if args:
            names = list(defaults)
            if len(args) > len(names):
                c.error(file, e.span, "argument-type", f"{cls} takes keyword arguments")
            kwargs = {**dict(zip(names, args)), **kwargs}
        for k, v in kwargs.items():
            if k not in defaults and k != "name":
                span = next((kk.span for kk in e.kwargs if kk.name == k), e.span)
                c.error(
                    file, span, "unknown-argument", f"{cls} has no argument `{k}`", suggestion(k, defaults)
                )
            if k in ("learning_rate", "epsilon", "delta") and (
                not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0 or not math.isfinite(v)
            ):
                span = next((kk.span for kk in e.kwargs if kk.name == k), e.span)
                c.error(file, span, "argument-value", f"{cls} `{k}` must be a positive number, got `{v!r}`")
        return ConfigObj(family, cls, canonical, kwargs, e.span)

    return call


_BUILTINS: dict = {}


def builtin(name: str):
    if not _BUILTINS:
        for n, op in REGISTRY.items():
            _BUILTINS[n] = OpClass(op)
        for fn, cls in FUNCTIONS.items():
            _BUILTINS[fn] = Builtin(fn, _merge_fn(cls))
        for n, fn in BUILTIN_FUNCS.items():
            _BUILTINS[n] = Builtin(n, fn)
        for canon, (cls, defaults) in vocab.OPTIMIZERS.items():
            _BUILTINS[cls] = Builtin(cls, _config_obj("optimizer", cls, canon, defaults))
        for canon, (cls, defaults) in vocab.LOSSES.items():
            d = {**defaults, "reduction": "sum_over_batch_size"}
            _BUILTINS.setdefault(cls, Builtin(cls, _config_obj("loss", cls, canon, d)))
    return _BUILTINS.get(name)


# ------------------------------------------------------------------ driver
class Program:
    """The result of compiling one file: its module env, diagnostics, graphs."""

    def __init__(self, compiler: Compiler, env: ModuleEnv | None, graphs: dict):
        self.compiler = compiler
        self.env = env
        self.graphs = graphs  # model name -> Graph (models without required params)
        self.diagnostics = compiler.diags
        self.sources = compiler.sources

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.is_error]

    def entry(self, name: str | None = None) -> Graph:
        """--model NAME, else the only model with compile, else the last defined."""
        if name is not None:
            return self.graphs[name]
        with_compile = [g for g in self.graphs.values() if g.has_compile]
        if len(with_compile) == 1:
            return with_compile[0]
        return list(self.graphs.values())[-1]


def compile_program(path: str, text: str | None = None, model: str | None = None, trace=None) -> Program:
    """Parse, evaluate and check every model of a file; diagnostics are collected."""
    c = Compiler()
    c.trace = trace  # IDE hook: a list to fill (graphc/ide.py), or None
    env = c.load_module(path, text)
    graphs = {}
    if env is not None:
        for dv in c.entry_models(env):
            node = dv.node
            if any(p.default is None for p in node.params):
                continue  # checked where it is instantiated
            try:
                args = c.bind_params(
                    _ConstScope(env, c), dv, [], {}, S.Call(S.Name(node.name.id), [], [], span=node.name.span)
                )
                graphs[node.name.id] = c.instantiate(dv, args)
            except Abort:
                pass
            except RecursionError:
                c.report(env.path, node.name.span, "recursion", f"model `{node.name.id}` nests too deeply")
        if model is not None and model not in graphs:
            names = [dv.node.name.id for dv in c.entry_models(env)]
            c.report(
                env.path,
                S.Span(1, 1, 1, 2),
                "unknown-model",
                f"no model named `{model}` in this file",
                suggestion(model, names) or ("models: " + ", ".join(names) if names else None),
            )
    c.diags.sort(key=lambda d: (d.file != path, d.file, d.span.line, d.span.col))
    return Program(c, env, graphs)
