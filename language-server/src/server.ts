// The language server process (dist/server.js): the extension starts it over Node IPC; `--stdio` works too.
// `finetune lsp --stdio` runs the same startServer.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { exitWhenStdioFramingBreaks } from './lsp/framing-guard';
import { startServer } from './lsp/start';

// in the same tick as the connection starts listening, so both see every chunk of stdin
exitWhenStdioFramingBreaks();
startServer(createConnection(ProposedFeatures.all));
