"""The evaluator: GDL source -> IR graphs, with every diagnostic collected.

It is split into rooms, one per concern, each a small class holding a
reference to the interpreter:

| room | file | what it does |
|---|---|---|
| `modules` | modules.py | files, `use` (confined to the project), top-level names, applications |
| `exprs` | expressions.py | expressions (a visitor), operators, calls |
| `stmts` | statements.py | statements (a visitor), bindings, `if`/`for` regions |
| `graphs` | graphs.py | layers constructed and applied, inputs, outputs, names |
| `blocks` | blocks.py | block calls (BlockInstance) and model instantiation |
| `training` | training.py | `compile(...)` / `fit(...)` |
| builtins | builtins.py | range, len, ..., merge functions, loss/optimizer objects |

Shared state (diagnostics, sources, budget, root) is the `Session`
(session.py); scopes are in scope.py; provenance of values in provenance.py.
"""

from __future__ import annotations

from graphc.compiler import syntax as S
from graphc.compiler.blocks import Blocks, entry_args
from graphc.compiler.budget import Exhausted, LimitExceeded
from graphc.compiler.expressions import Expressions
from graphc.compiler.functions import Functions
from graphc.compiler.graphs import Graphs
from graphc.compiler.ir import Graph, Tensor
from graphc.compiler.modules import Modules
from graphc.compiler.parse import RESERVED
from graphc.compiler.scope import ConstScope
from graphc.compiler.session import Session
from graphc.compiler.statements import Statements
from graphc.compiler.training import Training
from graphc.diagnostics import Abort, suggestion


class Interpreter:
    def __init__(self, session: Session):
        import graphc.ops  # noqa: F401  (fills the registry)
        import graphc.ops.special  # noqa: F401

        self.session = session
        self.modules = Modules(self)
        self.exprs = Expressions(self)
        self.stmts = Statements(self)
        self.graphs = Graphs(self)
        self.functions = Functions(self)
        self.blocks = Blocks(self)
        self.training = Training(self)

    @staticmethod
    def is_tensor(v) -> bool:
        return isinstance(v, Tensor)

    @staticmethod
    def const_scope(env) -> ConstScope:
        return ConstScope(env)

    def check_bindable(self, file, ident: S.Ident):
        from graphc.ops.base import FUNCTIONS, REGISTRY

        if ident.id in RESERVED:
            self.session.error(
                file,
                ident.span,
                "reserved-name",
                f"`{ident.id}` is a reserved word and cannot be bound",
                f"rename it, e.g. `{ident.id}_`",
            )
        if ident.id in REGISTRY or ident.id in FUNCTIONS:
            self.session.warn(
                file,
                ident.span,
                "redefinition",
                f"`{ident.id}` hides the Keras layer of that name in this scope",
            )


class Program:
    """The result of compiling one file: its module env, diagnostics, graphs."""

    def __init__(self, interpreter: Interpreter, env, graphs: dict):
        self.interpreter = interpreter
        self.env = env
        self.graphs = graphs  # model name -> Graph (models without required params)
        self.diagnostics = interpreter.session.diags
        self.sources = interpreter.session.sources

    @property
    def module_paths(self) -> list:
        """Every source file the program read (the entry file, `use`d files, applications)."""
        return list(self.interpreter.modules.envs)

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


def compile_program(
    path: str,
    text: str | None = None,
    model: str | None = None,
    root: str | None = None,
    loader=None,
    trace: list | None = None,
) -> Program:
    """Parse, evaluate and check every model of a file; diagnostics are collected.
    `root`: the directory `use` may read from (default: the file's directory);
    `loader(path) -> text` reads `use`d files (default: from disk);
    `trace`: a list the IDE fills with (file, span, name, value) of every binding and use."""
    session = Session(loader=loader, root=root)
    session.trace = trace
    it = Interpreter(session)
    graphs: dict = {}
    env = None
    try:
        env = it.modules.load(path, text)
        if env is not None:
            for dv in it.modules.entry_models(env):
                node = dv.node
                if any(p.default is None for p in node.params):
                    continue  # checked where it is instantiated
                try:
                    graphs[node.name.id] = it.blocks.instantiate(dv, entry_args(it, env, dv))
                except Abort:
                    pass
                except RecursionError:
                    session.report(
                        env.path, node.name.span, "recursion", f"model `{node.name.id}` nests too deeply"
                    )
            if model is not None and model not in graphs:
                names = [dv.node.name.id for dv in it.modules.entry_models(env)]
                session.report(
                    env.path,
                    S.Span(1, 1, 1, 2),
                    "unknown-model",
                    f"no model named `{model}` in this file",
                    suggestion(model, names) or ("models: " + ", ".join(names) if names else None),
                )
    except (Exhausted, LimitExceeded) as exc:
        if not any(d.code == "limit" for d in session.diags):
            msg = exc.message if isinstance(exc, LimitExceeded) else "evaluation budget exhausted"
            session.report(path, S.Span(1, 1, 1, 2), "limit", msg)
        graphs = {}
    session.diags.sort(key=lambda d: (d.file != path, d.file, d.span.line, d.span.col))
    return Program(it, env, graphs)
