// The language server process (dist/server.js): the extension starts it over Node IPC; `--stdio` works too.
// `finetune lsp --stdio` runs the same startServer.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/start';

startServer(createConnection(ProposedFeatures.all));
