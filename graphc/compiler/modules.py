"""Source files as modules: loading, `use`, top-level definitions, and the
standard library of Keras applications.

`use "file.gdl"` may only read `.gdl` files inside the project root (the
directory of the file given on the command line, or the `root` given to compile_program), after
resolving symlinks, or graphc's own standard library; anything else is a
located `use-outside` error that quotes nothing from the target.
"""

from __future__ import annotations

import errno
import os

from graphc.compiler import syntax as S
from graphc.compiler.budget import GLOBAL, LimitExceeded
from graphc.compiler.parse import parse
from graphc.compiler.values import POISON, DefVal, LayerVal
from graphc.diagnostics import Abort, CompileError, Diagnostic, Note


class ModuleEnv:
    """One source file: its top-level names (constants, definitions, imports)."""

    def __init__(self, path: str, module: S.Module):
        self.path = path
        self.module = module
        self.names: dict = {}
        self.def_spans: dict = {}

    @property
    def source_text(self) -> str:
        return self.module.source


class Modules:
    def __init__(self, it):
        self.it = it
        self.s = it.session
        self.envs: dict[str, ModuleEnv] = {}
        self.root: str | None = None  # resolved (symlinks followed)

    # ------------------------------------------------------------ loading
    def load(self, path: str, text: str | None = None, chain=()) -> ModuleEnv | None:
        key = _norm(path) if text is None else path
        if key in self.envs:
            return self.envs[key]
        if self.root is None:
            base = self.s.root if self.s.root is not None else (os.path.dirname(_norm(path)) or ".")
            self.root = _resolve(base)
        if text is None:
            try:
                text = self.s.loader(path)
            except LimitExceeded as exc:
                raise CompileError([Diagnostic(path, S.NOSPAN, "error", "limit", exc.message)]) from None
            except (OSError, UnicodeDecodeError) as exc:
                what = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or exc
                raise CompileError(
                    [Diagnostic(path, S.NOSPAN, "error", "io", f"cannot read {path}: {what}")]
                ) from None
        elif text.startswith("\ufeff"):
            text = text[1:]
        self.s.sources.texts[key] = text
        try:
            module = parse(text, key)
        except CompileError as exc:
            for d in exc.diagnostics:
                self.s.report(d.file, d.span, d.code, d.message, d.hint)
            return None
        env = ModuleEnv(key, module)
        self.envs[key] = env
        self._collect(env, chain + (key,))
        return env

    def _collect(self, env: ModuleEnv, chain):
        it = self.it
        for item in env.module.items:
            try:
                if isinstance(item, S.Use):
                    self._use(env, item, chain)
                elif isinstance(item, S.Def):
                    self._check_placement(env, item)
                    self._bind_top(env, item.name, DefVal(item, env))
                elif isinstance(item, S.Extern):
                    from graphc.compiler.externs import declare

                    self._bind_top(env, item.name, declare(it, env, item))
                elif isinstance(item, S.Const):
                    value = it.exprs.eval(item.value, it.const_scope(env))
                    if isinstance(value, LayerVal) or it.is_tensor(value):
                        self.s.error(
                            env.path,
                            item.value.span,
                            "misplaced-statement",
                            "a top-level constant must be a compile-time value (number, string, "
                            "bool, None, tuple, list)",
                            "build layers inside a `model` or `block`",
                        )
                    self._bind_top(env, item.target, value)
            except LimitExceeded as exc:
                if exc.kind in GLOBAL:
                    raise
                try:
                    self.s.limit(env.path, item.span, exc)
                except Abort:
                    pass
                if isinstance(item, (S.Const, S.Extern)):
                    env.names.setdefault(_bound(item), POISON)
            except Abort:
                if isinstance(item, (S.Const, S.Extern)):
                    env.names.setdefault(_bound(item), POISON)
                if isinstance(item, S.Use):  # what it would define is unknown: no follow-on errors
                    env.failed_use = True
            except RecursionError:
                self.s.report(env.path, item.span, "recursion", "this definition nests too deeply")
                if isinstance(item, (S.Const, S.Extern)):
                    env.names.setdefault(_bound(item), POISON)

    def _check_placement(self, env: ModuleEnv, node: S.Def):
        """Statement placement, checked for every definition, used or not."""
        report = self.s.report

        def walk(body):
            for prev, st in zip([None, *body], body):
                if isinstance(prev, S.Return) and node.kind == "block":
                    report(env.path, st.span, "misplaced-statement", "statement after `return` is never run")
                if isinstance(st, (S.Output, S.OutputList)) and node.kind == "block":
                    report(
                        env.path,
                        st.span,
                        "misplaced-statement",
                        "`output` is only allowed in a model",
                        "return the tensor from the block with `return` and declare the output in the model",
                    )
                elif isinstance(st, S.Return) and node.kind == "model":
                    report(
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
        self.it.check_bindable(env.path, ident)
        if ident.id in env.def_spans:
            prev = env.def_spans[ident.id]
            self.s.error(
                env.path,
                ident.span,
                "redefinition",
                f"`{ident.id}` is already defined",
                "rename one of them",
                [Note(env.path, prev, "first defined here")],
            )
        env.names[ident.id] = value
        env.def_spans[ident.id] = ident.span

    # ------------------------------------------------------------ use
    def _use(self, env: ModuleEnv, item: S.Use, chain):
        from graphc import stdlib

        err = self.s.error
        norm = target = _norm(os.path.join(os.path.dirname(_norm(env.path)), item.path))
        if not item.path.endswith(".gdl"):
            err(
                env.path,
                item.span,
                "use-outside",
                "`use` takes a .gdl file",
                'name a GDL file of this project, e.g. use "blocks.gdl"',
            )
        resolved = _resolve(norm)
        in_stdlib = stdlib.is_stdlib(env.path) and os.path.dirname(resolved) == stdlib.HERE
        if not in_stdlib and not _inside(resolved, self.root):
            err(
                env.path,
                item.span,
                "use-outside",
                f'"{item.path}" is outside the project root',
                "`use` reads .gdl files in the directory of the file being compiled and below "
                "(the project root); copy the file into the project",
            )
        if norm in chain:
            cycle = " -> ".join(list(chain[chain.index(norm) :]) + [norm])
            err(
                env.path,
                item.span,
                "import-cycle",
                f"`use` forms a cycle: {cycle}",
                "move the shared definitions into a third file",
            )
        if self.s.default_loader and not os.path.isfile(resolved):
            err(
                env.path,
                item.span,
                "io",
                f'cannot find "{item.path}" (looked for {target})',
                "paths in `use` are relative to the file that uses them",
            )
        try:
            sub = self.load(norm, chain=chain)
        except CompileError as exc:
            err(env.path, item.span, exc.diagnostics[0].code, exc.diagnostics[0].message)
        if sub is None:
            return
        for name, value in sub.names.items():
            if name in env.names and env.names[name] is not value:
                self.s.warn(
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
        env = self.load(path)
        return env.names.get(name) if env is not None else None

    def entry_models(self, env: ModuleEnv) -> list[DefVal]:
        return [
            v
            for v in env.names.values()
            if isinstance(v, DefVal) and v.node.kind == "model" and v.module is env
        ]


def _bound(item) -> str:
    """The name a top-level constant or `extern` declaration binds."""
    return item.target.id if isinstance(item, S.Const) else item.name.id


# os.path, not pathlib (whose import is a measurable share of a cold `graphc check`),
# with pathlib's meaning: _norm(p) == str(Path(p)), _resolve(p) == str(Path(p).resolve())
# or, for a symlink loop, str(Path(p).absolute()).
def _norm(path: str) -> str:
    """str(PurePosixPath(path)): empty and `.` parts dropped, `..` kept (a symlink may precede it)."""
    if os.sep != "/":  # (graphc runs on POSIX systems; keep pathlib's own rules elsewhere)
        from pathlib import Path

        return str(Path(path))
    root = (
        "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    )
    return root + "/".join(p for p in path.split("/") if p and p != ".") or "."


def _resolve(path: str) -> str:
    """The absolute path with symlinks followed (a symlink loop: the absolute path as written)."""
    real = os.path.realpath(path)
    try:
        os.stat(real)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _norm(os.path.join(os.getcwd(), path))
    return real


def _inside(path: str, root: str | None) -> bool:
    if root is None:
        return True
    return path == root or path.startswith(root if root.endswith("/") else root + "/")
