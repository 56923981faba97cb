"""The state of one compilation that every part of the evaluator shares:
diagnostics (collected, never raised one by one), source texts, the
evaluation budget, the project root and the file loader."""

from __future__ import annotations

import os

from graphc.compiler.budget import MAX_DIAGNOSTICS, MAX_SOURCE_BYTES, Budget, Exhausted, LimitExceeded
from graphc.diagnostics import Abort, Diagnostic, Sources


def read_source(path: str) -> str:
    """A .gdl file's text: UTF-8, with or without a byte-order mark."""
    size = os.stat(path).st_size
    if size > MAX_SOURCE_BYTES:
        raise LimitExceeded("source", f"{size:,} bytes")
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


class Session:
    def __init__(self, loader=None, root: str | None = None):
        self.diags: list[Diagnostic] = []
        self._seen: set = set()
        self.sources = Sources()
        self.loader = loader or read_source
        self.default_loader = loader is None
        self.root = root  # the project root `use` may read from (None: the entry file's directory)
        self.budget = Budget()
        self.counter = 0
        # IDE hook (graphc/ide.py): a list to which every variable binding and every
        # name use is appended as (file, span, name, value); None records nothing
        self.trace: list | None = None

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def report(self, file, span, code, message, hint=None, notes=(), severity="error"):
        key = (file, span.line, span.col, code, message)
        if key in self._seen:
            return
        self._seen.add(key)
        if len(self.diags) >= MAX_DIAGNOSTICS:
            # a file that repeats one mistake a million times: one last located
            # diagnostic, and the compilation stops (its time and memory stay bounded)
            if not any(d.code == "limit" and "diagnostics" in d.message for d in self.diags[-1:]):
                self.diags.append(
                    Diagnostic(
                        file,
                        span,
                        "error",
                        "limit",
                        LimitExceeded("diagnostics").message,
                        "fix the errors reported above and check again",
                    )
                )
            raise Exhausted()
        self.diags.append(Diagnostic(file, span, severity, code, message, hint, list(notes)))

    def error(self, file, span, code, message, hint=None, notes=()):
        """Report an error and abort the current statement."""
        self.report(file, span, code, message, hint, notes)
        raise Abort()

    def warn(self, file, span, code, message, hint=None, notes=()):
        self.report(file, span, code, message, hint, notes, severity="warning")

    def limit(self, file, span, exc: LimitExceeded):
        self.error(
            file,
            span,
            "limit",
            exc.message,
            "graphc bounds every evaluation so that `check` ends on any input; "
            "real models stay far below these limits (see docs/language.md, Limits)",
        )

    def forget(self, diags: list) -> None:
        """Drop diagnostics (re-homed elsewhere), so they may be reported again."""
        for d in diags:
            self._seen.discard((d.file, d.span.line, d.span.col, d.code, d.message))

    @property
    def n_errors(self) -> int:
        return sum(d.is_error for d in self.diags)
