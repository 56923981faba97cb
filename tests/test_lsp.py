"""`graphc lsp` end to end: a real LSP client (pytest-lsp) starts
`python -m graphc lsp` over stdio and talks to it as an editor does.
No framework is built (fast tier); one server serves the whole module."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as T  # noqa: E402
from pygls.uris import from_fs_path, to_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from graphc.api import check_file  # noqa: E402
from graphc.fmt import format_source  # noqa: E402

BLOCKS = """\
block residual(x, filters=8) {
  y = Dense(filters, activation="relu")(x)
  return add([x, y])
}
"""

# the string before the misspelt keyword holds a character outside the BMP:
# one code point, two UTF-16 code units (LSP positions count UTF-16 units)
MAIN = """\
use "blocks.gdl"

model m {
  inp = Input(shape=(8,))
  h = Dense(8, name="d\U0001f600", activaton="relu")(inp)
  h = residual(h)
  output y = Dense(1)(h)
}
"""

GOOD = MAIN.replace("activaton", "activation")

in_module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "graphc", "lsp"]),
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(T.InitializeParams(capabilities=T.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("lsp")
    (d / "blocks.gdl").write_text(BLOCKS)
    (d / "main.gdl").write_text(MAIN)
    return d


def _open(client, path, text, version=1):
    uri = from_fs_path(str(path))
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        T.DidOpenTextDocumentParams(
            T.TextDocumentItem(uri=uri, language_id="gdl", version=version, text=text)
        )
    )
    return uri


async def _diagnostics(client, uri, timeout=20.0):
    for _ in range(int(timeout / 0.02)):
        if uri in client.diagnostics:
            return client.diagnostics[uri]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {uri}")


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@in_module_loop
async def test_diagnostics_as_graphc_check(client: LanguageClient, files):
    uri = _open(client, files / "main.gdl", MAIN)
    got = await _diagnostics(client, uri)
    want = check_file(str(files / "main.gdl"))  # the same text is on disk
    assert [d.code for d in got] == [d.code for d in want] == ["unknown-argument"]
    d, w = got[0], want[0]
    assert d.severity == T.DiagnosticSeverity.Error and d.source == "graphc"
    assert d.message == f"{w.message}\nhelp: {w.hint}"
    assert "did you mean `activation`?" in d.message
    # LSP positions are 0-based UTF-16: the emoji before the argument counts twice
    line = MAIN.split("\n")[w.span.line - 1]
    assert d.range.start == T.Position(w.span.line - 1, _utf16(line[: w.span.col - 1]))
    assert d.range.end == T.Position(w.span.end_line - 1, _utf16(line[: w.span.end_col - 1]))
    assert line[w.span.col - 1 : w.span.end_col - 1].startswith("activaton")
    assert d.range.start.character == w.span.col  # col - 1 characters + 1 extra unit


@in_module_loop
async def test_diagnostics_follow_unsaved_edits(client: LanguageClient, files):
    uri = _open(client, files / "edit.gdl", MAIN)
    assert [d.code for d in await _diagnostics(client, uri)] == ["unknown-argument"]
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=GOOD)],
        )
    )
    assert list(await _diagnostics(client, uri)) == []
    # a syntax error while typing: one diagnostic, at the unclosed bracket
    client.diagnostics.pop(uri, None)
    broken = GOOD.replace("  h = residual(h)\n", "  h = residual(h\n")
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    got = await _diagnostics(client, uri)
    assert [(d.code, d.range.start.line) for d in got] == [("syntax", 5)]
    assert got[0].message.startswith("`(` is never closed")
    # hover still works on the broken buffer (the broken line is set aside)
    h = await client.text_document_hover_async(
        T.HoverParams(T.TextDocumentIdentifier(uri), T.Position(line=3, character=3))
    )
    assert h is not None and "(None, 8) float32" in h.contents.value
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=4),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=GOOD)],
        )
    )


@in_module_loop
async def test_hover(client: LanguageClient, files):
    uri = _open(client, files / "hover.gdl", GOOD)
    await _diagnostics(client, uri)
    # `h` bound by Dense(8) on (None, 8); one line later `residual` keeps the shape
    h = await client.text_document_hover_async(
        T.HoverParams(T.TextDocumentIdentifier(uri), T.Position(line=4, character=2))
    )
    assert h is not None and h.contents.kind == T.MarkupKind.Markdown
    assert "(None, 8) float32" in h.contents.value
    assert h.range == T.Range(T.Position(4, 2), T.Position(4, 3))
    # the layer call Dense(1): 8*1 + 1 = 9 trainable parameters
    line = GOOD.split("\n")[6]
    h = await client.text_document_hover_async(
        T.HoverParams(T.TextDocumentIdentifier(uri), T.Position(line=6, character=line.index("Dense") + 1))
    )
    assert h is not None and "**Dense**" in h.contents.value and "9 trainable" in h.contents.value


@in_module_loop
async def test_definition_across_use(client: LanguageClient, files):
    uri = _open(client, files / "def.gdl", GOOD)
    line = GOOD.split("\n")[5]
    res = await client.text_document_definition_async(
        T.DefinitionParams(
            T.TextDocumentIdentifier(uri), T.Position(line=5, character=line.index("residual") + 2)
        )
    )
    assert isinstance(res, T.Location)
    assert to_fs_path(res.uri) == str(files / "blocks.gdl")
    assert res.range == T.Range(T.Position(0, 6), T.Position(0, 14))  # `residual` in `block residual(`
    # the path in `use "blocks.gdl"` goes to the file
    res = await client.text_document_definition_async(
        T.DefinitionParams(T.TextDocumentIdentifier(uri), T.Position(line=0, character=7))
    )
    assert isinstance(res, T.Location) and to_fs_path(res.uri) == str(files / "blocks.gdl")
    assert res.range.start == T.Position(0, 0)


@in_module_loop
async def test_completion_inside_conv2d(client: LanguageClient, files):
    text = "model m {\n  img = Input(shape=(8, 8, 3))\n  x = Conv2D(\n}\n"
    uri = _open(client, files / "complete.gdl", text)
    res = await client.text_document_completion_async(
        T.CompletionParams(T.TextDocumentIdentifier(uri), T.Position(line=2, character=len("  x = Conv2D(")))
    )
    items = {i.label: i for i in (res.items if isinstance(res, T.CompletionList) else res)}
    for name in ("filters", "kernel_size", "strides", "padding", "activation", "img", "Dense"):
        assert name in items, name
    assert items["padding"].insert_text == "padding="
    assert '"valid"' in items["padding"].detail  # Keras's default
    assert items["filters"].kind == T.CompletionItemKind.Property
    assert items["img"].kind == T.CompletionItemKind.Variable
    assert "(None, 8, 8, 3) float32" in items["img"].detail


@in_module_loop
async def test_formatting(client: LanguageClient, files):
    ugly = "model m{\n    x=Input(shape=(4,))\n    output y=Dense(1,activation='sigmoid')(x)  # out\n}"
    uri = _open(client, files / "fmt.gdl", ugly)
    edits = await client.text_document_formatting_async(
        T.DocumentFormattingParams(
            T.TextDocumentIdentifier(uri), T.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert edits is not None and len(edits) == 1
    e = edits[0]
    lines = ugly.split("\n")
    assert e.range == T.Range(T.Position(0, 0), T.Position(len(lines) - 1, len(lines[-1])))
    assert e.new_text == format_source(ugly)
    # a buffer that does not parse is left alone
    uri = _open(client, files / "fmt_bad.gdl", "model m {\n  x = (\n")
    assert await client.text_document_formatting_async(
        T.DocumentFormattingParams(
            T.TextDocumentIdentifier(uri), T.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    ) in (None, [])


@in_module_loop
async def test_survives_garbage(client: LanguageClient, files):
    garbage = ['model {{{ ((( "', "\x00\ufeff}}}", "output = = =", "block b(x=(1,\n", "\U0001f600" * 5, ""]
    uri = _open(client, files / "garbage.gdl", garbage[0])
    await _diagnostics(client, uri)
    for k, text in enumerate(garbage):
        client.text_document_did_change(
            T.DidChangeTextDocumentParams(
                text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=k + 2),
                content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        for pos in (T.Position(0, 0), T.Position(0, 3), T.Position(5, 9)):
            doc = T.TextDocumentIdentifier(uri)
            await client.text_document_hover_async(T.HoverParams(doc, pos))
            await client.text_document_completion_async(T.CompletionParams(doc, pos))
            await client.text_document_definition_async(T.DefinitionParams(doc, pos))
    # still alive and still right
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=99),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=MAIN)],
        )
    )
    assert [d.code for d in await _diagnostics(client, uri)] == ["unknown-argument"]


def test_lsp_command_line():
    # editors (vscode-languageclient) pass --stdio; end of input ends the server cleanly
    r = subprocess.run(
        [sys.executable, "-m", "graphc", "lsp", "--stdio"], input=b"", capture_output=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    # without pygls: one line saying what to install, exit status 2
    code = "import sys; sys.modules['pygls'] = None; from graphc.cli import main; sys.exit(main(['lsp']))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and 'pip install "graphc[lsp]"' in r.stderr


@in_module_loop
async def test_error_in_a_used_file_shows_on_the_use_line(client: LanguageClient, files):
    (files / "broken_lib.gdl").write_text('block b(x) {\n  return Dense(4, activation="relux")(x)\n}\n')
    text = 'width = 3\nuse "broken_lib.gdl"\nmodel m {\n  a = Input(shape=(2,))\n  output y = b(a)\n}\n'
    (files / "uses_broken.gdl").write_text(text)
    uri = _open(client, files / "uses_broken.gdl", text)
    got = await _diagnostics(client, uri)
    (want,) = check_file(str(files / "uses_broken.gdl"))
    assert want.file == str(files / "broken_lib.gdl") and want.span.line == 2
    (d,) = [d for d in got if d.code == want.code]
    assert d.range == T.Range(T.Position(1, 4), T.Position(1, 20))  # the string in `use "broken_lib.gdl"`
    assert d.message.startswith(f"broken_lib.gdl:2:{want.span.col}: {want.message}")
    (rel,) = d.related_information[:1]
    assert to_fs_path(rel.location.uri) == str(files / "broken_lib.gdl")
    assert rel.location.range.start == T.Position(1, want.span.col - 1)
