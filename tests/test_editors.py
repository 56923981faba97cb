"""Editor support files: the VS Code extension folder is consistent, and the
TextMate grammar gives the right scopes when run by VS Code's own engine
(vscode-textmate + vscode-oniguruma, through node).  The grammar test skips
when node or those packages are absent (`npm install` in editors/vscode)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import ROOT

EDITORS = ROOT / "editors"
VSCODE = EDITORS / "vscode"
GRAMMAR = EDITORS / "gdl.tmLanguage.json"


def test_grammar_copy_in_the_extension_is_the_grammar():
    # the extension must carry its own copy (vsce packages only its folder)
    assert (VSCODE / "syntaxes" / "gdl.tmLanguage.json").read_text() == GRAMMAR.read_text()


def test_vscode_extension_manifest():
    pkg = json.loads((VSCODE / "package.json").read_text())
    (lang,) = pkg["contributes"]["languages"]
    assert lang["id"] == "gdl" and lang["extensions"] == [".gdl"]
    conf = json.loads((VSCODE / lang["configuration"]).read_text())
    assert conf["comments"]["lineComment"] == "#"
    assert ["(", ")"] in conf["brackets"] and {"open": "{", "close": "}"} in conf["autoClosingPairs"]
    (gram,) = pkg["contributes"]["grammars"]
    assert gram["language"] == "gdl" and gram["scopeName"] == json.loads(GRAMMAR.read_text())["scopeName"]
    assert (VSCODE / gram["path"]).is_file()
    main = (VSCODE / pkg["main"]).read_text()
    assert "vscode-languageclient/node" in main and "vscode-languageclient" in pkg["dependencies"]
    settings = pkg["contributes"]["configuration"]["properties"]
    assert settings["gdl.server.command"]["default"] == ["graphc", "lsp"]
    node = shutil.which("node")
    for js in (pkg["main"], "test/grammar-scopes.js") if node else ():
        r = subprocess.run([node, "--check", str(VSCODE / js)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr


SAMPLE = r"""use "blocks.gdl"  # imports
width = 64
block residual(x, filters=128) {
  y = Conv2D(filters, 3, activation="relu", padding='same', name=f"res{i:02d}_{{x}}")(x)
  return add([x, y])
}
model m {
  a = Input(shape=(None, 16)); share enc = LSTM(32)
  for i in range(2) { x = Dense(width * 2, use_bias=true)(x) }
  if width > 32 { x = Dropout(0.5)(x) } else { x = Dropout(1e-3)(x) }
  output y = Dense(1, activation=None, name="a # b \" c")(enc(a))
  compile(optimizer=Adam(learning_rate=1e-3), loss="mse")
  fit(batch_size=32, shuffle=false)
}
s = "unclosed
t = 1"""


@pytest.fixture(scope="module")
def tokens():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (VSCODE / "node_modules" / "vscode-textmate").is_dir():
        pytest.skip("vscode-textmate is not installed: run `npm install` in editors/vscode")
    r = subprocess.run(
        [node, str(VSCODE / "test" / "grammar-scopes.js"), "-", str(GRAMMAR)],
        input=SAMPLE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def scopes(tokens, line: int, text: str, nth: int = 0) -> list:
    """The scopes of the `nth` token spelled `text` on 1-based `line`."""
    found = [t["scopes"] for t in tokens[line - 1] if t["text"] == text]
    assert len(found) > nth, (text, [t["text"] for t in tokens[line - 1]])
    return found[nth]


# (line, token, nth, a scope it must have)
CASES = [
    (1, " imports", 0, "comment.line.number-sign.gdl"),
    (1, "#", 0, "punctuation.definition.comment.gdl"),
    (1, "use", 0, "keyword.control.import.gdl"),
    (1, "blocks.gdl", 0, "string.quoted.double.gdl"),
    (2, "64", 0, "constant.numeric.gdl"),
    (3, "block", 0, "storage.type.function.gdl"),
    (3, "residual", 0, "entity.name.function.gdl"),
    (3, "filters", 0, "variable.parameter.gdl"),
    (4, "Conv2D", 0, "support.class.gdl"),
    (4, "activation", 0, "variable.parameter.gdl"),
    (4, "relu", 0, "string.quoted.double.gdl"),
    (4, "same", 0, "string.quoted.single.gdl"),
    (4, "f", 0, "storage.type.string.gdl"),
    (4, "res", 0, "string.interpolated.gdl"),
    (4, "{", 0, "punctuation.section.interpolation.begin.gdl"),
    (4, "i", 0, "meta.interpolation.gdl"),
    (4, "i", 0, "variable.other.gdl"),
    (4, "02d", 0, "constant.other.format-spec.gdl"),
    (4, "{{", 0, "constant.character.escape.gdl"),
    (5, "return", 0, "keyword.control.gdl"),
    (5, "add", 0, "support.function.builtin.gdl"),
    (7, "model", 0, "storage.type.function.gdl"),
    (7, "m", 0, "entity.name.function.gdl"),
    (8, "Input", 0, "support.class.gdl"),
    (8, "None", 0, "constant.language.none.gdl"),
    (8, "share", 0, "keyword.other.gdl"),
    (8, "LSTM", 0, "support.class.gdl"),
    (9, "for", 0, "keyword.control.gdl"),
    (9, "in", 0, "keyword.control.gdl"),
    (9, "range", 0, "support.function.builtin.gdl"),
    (9, "*", 0, "keyword.operator.arithmetic.gdl"),
    (9, "true", 0, "constant.language.boolean.gdl"),
    (10, "if", 0, "keyword.control.gdl"),
    (10, ">", 0, "keyword.operator.comparison.gdl"),
    (10, "else", 0, "keyword.control.gdl"),
    (10, "0.5", 0, "constant.numeric.gdl"),
    (10, "1e-3", 0, "constant.numeric.gdl"),
    (11, "output", 0, "keyword.other.gdl"),
    (11, "a # b ", 0, "string.quoted.double.gdl"),  # `#` in a string is not a comment
    (11, '\\"', 0, "constant.character.escape.gdl"),
    (11, " c", 0, "string.quoted.double.gdl"),  # the escaped quote does not end the string
    (12, "compile", 0, "support.function.builtin.gdl"),
    (12, "Adam", 0, "support.class.gdl"),
    (13, "fit", 0, "support.function.builtin.gdl"),
    (13, "false", 0, "constant.language.boolean.gdl"),
    (15, "unclosed", 0, "string.quoted.double.gdl"),
]


@pytest.mark.parametrize(
    "line,text,nth,scope", CASES, ids=[f"{c[0]}:{c[1].strip() or repr(c[1])}" for c in CASES]
)
def test_grammar_scopes(tokens, line, text, nth, scope):
    assert scope in scopes(tokens, line, text, nth)


def test_scopes_do_not_leak(tokens):
    # after a string holding `#` and an escaped quote, code is code again
    enc = scopes(tokens, 11, "enc")
    assert "entity.name.function.call.gdl" in enc and not any("string" in s or "comment" in s for s in enc)
    # an unclosed string ends at the end of its line
    assert not any("string" in s for s in scopes(tokens, 16, "t"))
    # the interpolation is closed: the rest of the f-string is string again
    rest = scopes(tokens, 4, "_")
    assert "string.interpolated.gdl" in rest and "meta.interpolation.gdl" not in rest


# (line, text, the Vim syntax group at its first character) for editors/nvim/syntax/gdl.vim
VIM_CASES = [
    (1, "use", "gdlInclude"),
    (1, '"blocks', "gdlString"),
    (1, "# imports", "gdlComment"),
    (2, "64", "gdlNumber"),
    (3, "block", "gdlDefine"),
    (3, "residual", "gdlDefName"),
    (3, "filters", "gdlKeywordArg"),
    (4, "Conv2D", "gdlLayer"),
    (4, "activation", "gdlKeywordArg"),
    (4, '"relu"', "gdlString"),
    (4, 'f"res', "gdlFString"),
    (4, "{i", "gdlFieldDelim"),
    (4, "{{", "gdlFieldEscape"),
    (5, "return", "gdlStatement"),
    (5, "add", "gdlBuiltin"),
    (8, "None", "gdlNone"),
    (8, "share", "gdlStatement"),
    (9, "for", "gdlRepeat"),
    (9, "range", "gdlBuiltin"),
    (9, "true", "gdlBoolean"),
    (10, "if", "gdlConditional"),
    (10, "0.5", "gdlNumber"),
    (10, "1e-3", "gdlNumber"),
    (11, "output", "gdlStatement"),
    (11, '"a # b', "gdlString"),
    (11, "enc(", ""),  # code again after the string with `#` and an escaped quote
    (12, "compile", "gdlBuiltin"),
    (13, "false", "gdlBoolean"),
    (16, "t =", ""),  # an unclosed string stops at the end of its line
]


def test_vim_syntax_and_filetype(tmp_path):
    vim = shutil.which("vim") or shutil.which("nvim")
    if vim is None:
        pytest.skip("neither vim nor nvim is installed")
    src = tmp_path / "sample.gdl"
    src.write_text(SAMPLE + "\n")
    lines = SAMPLE.split("\n")
    probes = [(line, lines[line - 1].index(text) + 1) for line, text, _ in VIM_CASES]
    out = tmp_path / "groups.txt"
    script = tmp_path / "probe.vim"
    script.write_text(
        "let g:out = [&filetype, &commentstring]\n"
        f"for [l, c] in {[list(p) for p in probes]}\n"
        "  call add(g:out, synIDattr(synID(l, c, 1), 'name'))\n"
        "endfor\n"
        f"call writefile(g:out, '{out}')\n"
        "qa!\n"
    )
    r = subprocess.run(
        [vim, "-N", "-u", "NONE", "-i", "NONE", "-es", "-c", f"set rtp^={EDITORS / 'nvim'}",
         "-c", "filetype plugin on", "-c", "syntax on", "-c", f"edit {src}", "-c", f"source {script}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.exists(), r.stdout + r.stderr
    got = out.read_text().split("\n")
    assert got[:2] == ["gdl", "# %s"]
    assert [(c[0], c[1], g) for c, g in zip(VIM_CASES, got[2:])] == [(c[0], c[1], c[2]) for c in VIM_CASES]
