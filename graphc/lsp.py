"""`graphc lsp`: a Language Server for GDL on stdio (pygls).

Diagnostics as you type (the unsaved buffer, debounced; the same codes,
messages, hints and spans as `graphc check`), hover, go-to-definition,
completion and formatting (`graphc fmt`).  The analysis is graphc.ide; this
module only speaks the protocol: URIs, positions in the client's encoding
(UTF-16 by default), and never lets an exception reach the client.

It needs pygls (`pip install "graphc[lsp]"`) and never imports TensorFlow or
PyTorch.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from graphc import ide

log = logging.getLogger("graphc.lsp")

DEBOUNCE_S = 0.15  # wait this long after the last keystroke before re-checking a buffer

_KINDS = {
    "layer": T.CompletionItemKind.Class,
    "function": T.CompletionItemKind.Function,
    "block": T.CompletionItemKind.Function,
    "model": T.CompletionItemKind.Module,
    "variable": T.CompletionItemKind.Variable,
    "constant": T.CompletionItemKind.Constant,
    "keyword": T.CompletionItemKind.Keyword,
    "argument": T.CompletionItemKind.Property,
    "value": T.CompletionItemKind.Value,
    "file": T.CompletionItemKind.File,
}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("graphc")
    except Exception:
        return "0"


class GraphcServer(LanguageServer):
    def __init__(self):
        super().__init__("graphc", _version(), text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.analyses: dict[str, ide.Analysis] = {}  # uri -> analysis of the text last seen
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.published: dict[str, str] = {}  # uri -> text whose diagnostics were published

    # ------------------------------------------------------------ documents
    def text_of(self, uri: str) -> str | None:
        try:
            return self.workspace.get_text_document(uri).source
        except Exception:
            return None

    def analysis(self, uri: str) -> ide.Analysis | None:
        """The analysis of the document's current text (computed now if stale)."""
        text = self.text_of(uri)
        if text is None:
            return None
        a = self.analyses.get(uri)
        if a is None or a.text != text:
            a = ide.analyze(_path(uri), text)
            self.analyses[uri] = a
        return a

    def check(self, uri: str) -> None:
        """Analyse `uri` and publish its diagnostics."""
        self.timers.pop(uri, None)
        try:
            a = self.analysis(uri)
            if a is None:
                return
            if a.internal_error:
                log.error("graphc: internal error analysing %s: %s", uri, a.internal_error)
            if self.published.get(uri) == a.text:
                return
            self.published[uri] = a.text
            diags = _diagnostics(a, self)
            self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=diags))
        except Exception:  # never let a bug reach the client
            log.exception("graphc: cannot check %s", uri)

    def check_later(self, uri: str) -> None:
        old = self.timers.pop(uri, None)
        if old is not None:
            old.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.check(uri)
            return
        self.timers[uri] = loop.call_later(DEBOUNCE_S, self.check, uri)

    # ------------------------------------------------------------ positions
    def lines_of(self, path: str) -> list[str]:
        """The lines of `path`: the open buffer when there is one, else the file."""
        uri = _uri(path)
        text = self.text_of(uri) if uri in self.analyses else None
        if text is None:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError, ValueError):
                text = ""
        return text.split("\n")

    def units(self, s: str) -> int:
        return self.workspace.position_codec.client_num_units(s)

    def to_lsp(self, lines: list[str], line: int, col: int) -> T.Position:
        """1-based (line, col in characters) -> LSP position."""
        i = line - 1
        if i < 0 or not lines:
            return T.Position(line=0, character=0)
        if i >= len(lines):
            return T.Position(line=len(lines) - 1, character=self.units(lines[-1]))
        s = lines[i]
        return T.Position(line=i, character=self.units(s[: min(max(col - 1, 0), len(s))]))

    def range(self, lines: list[str], span) -> T.Range:
        if span.line <= 0:  # a diagnostic about the whole file
            return T.Range(start=T.Position(line=0, character=0), end=T.Position(line=0, character=0))
        start = self.to_lsp(lines, span.line, span.col)
        end = self.to_lsp(lines, span.end_line, span.end_col)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return T.Range(start=start, end=end)

    def from_lsp(self, a: ide.Analysis, pos: T.Position) -> tuple:
        """LSP position -> 1-based (line, col in characters) of the analysis's text."""
        lines = a.text.split("\n")
        if pos.line >= len(lines):
            return len(lines), len(lines[-1]) + 1
        s, units, col = lines[pos.line], 0, 0
        while col < len(s) and units < pos.character:
            units += self.units(s[col])
            col += 1
        return pos.line + 1, col + 1

    def location(self, loc: ide.Location) -> T.Location:
        return T.Location(uri=_uri(loc.file), range=self.range(self.lines_of(loc.file), loc.span))


def _path(uri: str) -> str:
    return to_fs_path(uri) or uri


def _uri(path: str) -> str:
    if "://" in path or path.startswith("untitled:"):
        return path
    return from_fs_path(str(Path(path).absolute())) or path


_SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning}


def _diagnostics(a: ide.Analysis, ls: GraphcServer) -> list[T.Diagnostic]:
    """graphc's diagnostics of this buffer, in LSP form.  A diagnostic located in
    another file (one this file `use`s) is shown on the `use` line that brings it
    in, with its own location in the message and as related information."""
    lines = a.text.split("\n")
    out = []
    for d in a.diagnostics:
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        if d.file == a.path:
            rng = ls.range(lines, d.span)
        else:
            rng = ls.range(lines, _use_span(a, d.file))
            message = f"{Path(d.file).name}:{d.span.line}:{d.span.col}: {message}"
        related = [
            T.DiagnosticRelatedInformation(
                location=T.Location(uri=_uri(n.file), range=ls.range(ls.lines_of(n.file), n.span)),
                message=n.message,
            )
            for n in d.notes
        ]
        if d.file != a.path:
            related.insert(
                0,
                T.DiagnosticRelatedInformation(
                    location=T.Location(uri=_uri(d.file), range=ls.range(ls.lines_of(d.file), d.span)),
                    message=d.message,
                ),
            )
        out.append(
            T.Diagnostic(
                range=rng,
                message=message,
                severity=_SEVERITY.get(d.severity, T.DiagnosticSeverity.Error),
                code=d.code,
                source="graphc",
                related_information=related or None,
                data={"hint": d.hint} if d.hint else None,
            )
        )
    return out


def _use_span(a: ide.Analysis, file: str):
    """The span of the `use` statement that brings `file` in (else of the first `use`)."""
    from graphc.compiler import syntax as S

    uses = [i for i in (a.module.items if a.module is not None else []) if isinstance(i, S.Use)]
    for u in uses:
        try:
            if (Path(a.path).parent / u.path).resolve() == Path(file).resolve():
                return u.span
        except OSError:
            pass
    return uses[0].span if uses else S.Span(1, 1, 1, 1)


# ============================================================== the server
def build_server() -> GraphcServer:
    server = GraphcServer()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GraphcServer, params: T.DidOpenTextDocumentParams):
        ls.check(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GraphcServer, params: T.DidChangeTextDocumentParams):
        ls.check_later(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GraphcServer, params: T.DidSaveTextDocumentParams):
        # a saved file may be `use`d by the other open buffers: re-check them all
        for uri in list(ls.analyses):
            ls.analyses.pop(uri, None)
            ls.published.pop(uri, None)
            ls.check(uri)
        ls.check(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GraphcServer, params: T.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        timer = ls.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        ls.analyses.pop(uri, None)
        ls.published.pop(uri, None)
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls: GraphcServer, params: T.HoverParams):
        try:
            a = ls.analysis(params.text_document.uri)
            if a is None:
                return None
            h = a.hover(*ls.from_lsp(a, params.position))
            if h is None:
                return None
            return T.Hover(
                contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=h.text),
                range=ls.range(a.text.split("\n"), h.span),
            )
        except Exception:
            log.exception("graphc: hover failed")
            return None

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: GraphcServer, params: T.DefinitionParams):
        try:
            a = ls.analysis(params.text_document.uri)
            if a is None:
                return None
            loc = a.definition(*ls.from_lsp(a, params.position))
            return ls.location(loc) if loc is not None else None
        except Exception:
            log.exception("graphc: definition failed")
            return None

    @server.feature(
        T.TEXT_DOCUMENT_COMPLETION,
        T.CompletionOptions(trigger_characters=["(", ",", ".", '"', "="]),
    )
    def completion(ls: GraphcServer, params: T.CompletionParams):
        try:
            a = ls.analysis(params.text_document.uri)
            if a is None:
                return None
            items = [
                T.CompletionItem(
                    label=c.label,
                    kind=_KINDS.get(c.kind),
                    detail=c.detail or None,
                    documentation=c.documentation or None,
                    insert_text=c.insert_text,
                    sort_text=c.sort_text or None,
                )
                for c in a.completions(*ls.from_lsp(a, params.position))
            ]
            return T.CompletionList(is_incomplete=False, items=items)
        except Exception:
            log.exception("graphc: completion failed")
            return None

    @server.feature(T.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: GraphcServer, params: T.DocumentFormattingParams):
        try:
            from graphc.diagnostics import CompileError
            from graphc.fmt import format_source

            uri = params.text_document.uri
            text = ls.text_of(uri)
            if text is None:
                return None
            try:
                new = format_source(text, _path(uri))
            except CompileError:
                return None  # the buffer does not parse: its diagnostics say why
            if new == text:
                return []
            lines = text.split("\n")
            end = T.Position(line=len(lines) - 1, character=ls.units(lines[-1]))
            return [T.TextEdit(range=T.Range(start=T.Position(line=0, character=0), end=end), new_text=new)]
        except Exception:
            log.exception("graphc: formatting failed")
            return None

    return server


def main(argv=None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="graphc lsp: %(message)s")
    build_server().start_io()
    return 0
