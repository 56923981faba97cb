// Tokenize GDL text with the real VS Code TextMate engine (vscode-textmate +
// vscode-oniguruma) and print every token with its scopes, as JSON.
//
//   node test/grammar-scopes.js FILE.gdl [GRAMMAR.json]      (default: ../syntaxes/gdl.tmLanguage.json)
//   node test/grammar-scopes.js - < text                      (read the text from stdin)
//
// Output: [[{"text": "model", "scopes": ["source.gdl", "storage.type.function.gdl"]}, ...], ...]
// one list per line.  tests/test_editors.py runs this (npm install first).
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function main() {
  const [source = "-", grammarPath = path.join(__dirname, "..", "syntaxes", "gdl.tmLanguage.json")] =
    process.argv.slice(2);
  const text = fs.readFileSync(source === "-" ? 0 : source, "utf8");
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.gdl"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar("source.gdl");
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    out.push(
      r.tokens.map((t) => ({ text: line.substring(t.startIndex, t.endIndex), scopes: t.scopes }))
    );
    state = r.ruleStack;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + "\n");
  process.exit(1);
});
