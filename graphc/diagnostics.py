"""Diagnostics: one registry of stable codes, a Diagnostic record, renderers.

Format (mypy/gcc style)::

    model.gdl:12:7: error: Dense got an unknown argument `unit` [unknown-argument]
       12 |   x = Dense(unit=3)(x)
          |             ^~~~
          = help: did you mean `units`?
"""

from __future__ import annotations

from graphc.compiler.syntax import NOSPAN, Span
from graphc.records import dataclass, field

# code -> one-line description (the README's table is generated from this)
CODES: dict[str, str] = {
    "syntax": "the file does not parse",
    "io": "a file cannot be read",
    "import-cycle": "`use` files import each other in a cycle",
    "undefined-name": "a name is used before it is defined",
    "reserved-name": "a keyword of GDL or Python is bound as a name",
    "redefinition": "a model, block or constant is defined twice",
    "unknown-layer": "a layer, model or block name that graphc does not know",
    "unknown-argument": "a layer or call got an argument it does not take",
    "missing-argument": "a required argument is missing",
    "duplicate-argument": "an argument is given twice",
    "argument-type": "an argument has the wrong type",
    "argument-value": "an argument has a value the layer cannot take",
    "unknown-activation": "an activation name Keras does not know",
    "unknown-loss": "a loss name Keras does not know",
    "unknown-optimizer": "an optimizer name Keras does not know",
    "unknown-keyword": "an unknown compile(...) or fit(...) keyword",
    "type-error": "a value of the wrong kind (tensor, layer, number...)",
    "value-error": "an arithmetic or indexing error on compile-time values",
    "shape-mismatch": "tensor shapes that a layer cannot combine",
    "rank-mismatch": "a tensor of the wrong rank for a layer",
    "reuse-without-share": "a layer or model applied twice without `share`",
    "shared-shape": "a shared layer applied to an incompatible shape",
    "arity": "a block or model called with the wrong number of values",
    "unpack": "the number of names does not match the number of results",
    "duplicate-output": "an output declared twice",
    "no-output": "a model without outputs or inputs",
    "unknown-output": "a name in a loss/metric dict or output list that is not an output",
    "loss-count": "a loss or loss-weight list of the wrong length",
    "missing-loss": "an output has no loss",
    "bad-loss-weight": "a negative or non-finite loss weight",
    "loss-mismatch": "a loss that cannot fit its output",
    "unknown-model": "--model names no model in the file",
    "misplaced-statement": "a statement where it is not allowed",
    "unused-tensor": "a computed tensor that reaches no output",
    "degenerate": "a combination that cannot learn",
    "recursion": "a block or model that calls itself",
    "unsupported": "a Keras feature graphc does not support yet",
    "limit": "the program exceeds one of graphc's evaluation limits",
    "use-outside": "`use` names a file outside the project or not a .gdl file",
    "duplicate-name": "two layers or inputs of one model would get the same Keras name",
    "unsafe-path": "a callback path that is absolute, leaves the working directory or is not a plain name",
    "bad-extern": "an `extern` declaration graphc cannot use (kind, class path, types, rules)",
    "mask-dropped": "a Keras mask (Embedding(mask_zero=true), Masking) stops at a layer that does not take it",
}


@dataclass
class Note:
    file: str
    span: Span
    message: str


@dataclass
class Diagnostic:
    file: str
    span: Span
    severity: str  # "error" | "warning"
    code: str
    message: str
    hint: str | None = None
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self):
        assert self.code in CODES, self.code

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def header(self) -> str:
        # a diagnostic about a whole file (it cannot be read) has no position: `FILE: error: ...`
        where = f"{self.file}:{self.span.line}:{self.span.col}" if self.span.line else self.file
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "line": self.span.line,
            "column": self.span.col,
            "end_line": self.span.end_line,
            "end_column": self.span.end_col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "notes": [
                {"file": n.file, "line": n.span.line, "column": n.span.col, "message": n.message}
                for n in self.notes
            ],
        }


class CompileError(Exception):
    """Raised to abort compilation; carries every diagnostic found so far."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.header() for d in diagnostics))
        self.diagnostics = diagnostics


class Abort(Exception):
    """Internal: stop evaluating the current statement (a diagnostic was reported)."""


def did_you_mean(word: str, choices, n: int = 1) -> str | None:
    import difflib

    choices = list(choices)
    lower = {c.lower(): c for c in choices}
    if word.lower() in lower and lower[word.lower()] != word:
        return lower[word.lower()]
    m = difflib.get_close_matches(word, choices, n=n, cutoff=0.6)
    if not m:
        m2 = difflib.get_close_matches(word.lower(), list(lower), n=n, cutoff=0.6)
        m = [lower[x] for x in m2]
    return m[0] if m else None


def suggestion(word: str, choices) -> str | None:
    best = did_you_mean(word, choices)
    return f"did you mean `{best}`?" if best else None


class Sources:
    """File texts by path, for quoting source lines."""

    def __init__(self):
        self.texts: dict[str, str] = {}
        self._lines: dict[str, tuple[str, list[str]]] = {}  # file -> (its text, its lines)

    def line(self, file: str, lineno: int) -> str | None:
        text = self.texts.get(file)
        if text is None or lineno < 1:
            return None
        cached = self._lines.get(file)
        if cached is None or cached[0] is not text:  # split once per text, not once per diagnostic
            cached = self._lines[file] = (text, text.splitlines())
        lines = cached[1]
        return lines[lineno - 1] if lineno <= len(lines) else None


def _excerpt(sources: Sources, file: str, span: Span) -> list[str]:
    src = sources.line(file, span.line)
    if src is None or span is NOSPAN:
        return []
    src = src.expandtabs(1).rstrip("\n")
    width = len(str(span.line))
    start = max(span.col - 1, 0)
    if span.end_line == span.line and span.end_col > span.col:
        length = span.end_col - span.col
    else:
        length = max(len(src.rstrip()) - start, 1)
    marker = " " * start + "^" + "~" * (length - 1)
    pad = " " * width
    return [f" {span.line} | {src}", f" {pad} | {marker}"]


def render_text(diag: Diagnostic, sources: Sources) -> str:
    out = [diag.header()]
    out += _excerpt(sources, diag.file, diag.span)
    for note in diag.notes:
        out.append(f"{note.file}:{note.span.line}:{note.span.col}: note: {note.message}")
        out += _excerpt(sources, note.file, note.span)
    if diag.hint:
        out.append(f"  = help: {diag.hint}")
    return "\n".join(out)


def render_github(diag: Diagnostic) -> str:
    """A GitHub workflow command (`::error file=...::message`), escaped as the
    runner expects: `%`, CR and LF everywhere, and `:` and `,` in properties."""

    def esc(s: str) -> str:
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(s: str) -> str:
        return esc(s).replace(":", "%3A").replace(",", "%2C")

    msg = diag.message + (f" ({diag.hint})" if diag.hint else "")
    where = f"file={prop(diag.file)}"
    if diag.span.line:  # 0: the whole file (it cannot be read)
        where += (
            f",line={diag.span.line},col={diag.span.col},"
            f"endLine={diag.span.end_line},endColumn={diag.span.end_col}"
        )
    return f"::{diag.severity} {where},title={prop(f'graphc [{diag.code}]')}::{esc(msg)}"


def render_json(diags: list[Diagnostic]) -> str:
    import json

    return json.dumps([d.to_json() for d in diags], indent=2)
