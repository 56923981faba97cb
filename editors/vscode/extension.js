// GDL for VS Code: the language, its grammar, and the graphc language server.
// The server is `graphc lsp` (pip install "graphc[lsp]"); set gdl.server.command
// to point at another interpreter or virtual environment.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("gdl");
  const [command, ...args] = config.get("server.command", ["graphc", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "gdl" },
      { scheme: "untitled", language: "gdl" },
    ],
  };
  client = new LanguageClient("gdl", "GDL (graphc)", serverOptions, clientOptions);
  client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `graphc lsp did not start (${err.message}). Install graphc with its lsp extra ` +
        `(pip install "graphc[lsp]") or set "gdl.server.command".`
    );
  });
  context.subscriptions.push({ dispose: () => (client ? client.stop() : undefined) });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
