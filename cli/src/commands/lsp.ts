// `finetune lsp --stdio`: the dataset language server for any LSP client (the extension starts the same module).
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune lsp --stdio

Runs the Fine-Tune dataset language server, speaking LSP over standard input and output: diagnostics while
typing, quick fixes, source.fixAll, hovers, and the finetune/* requests (report, renderExample, convert, settings).
Settings come from the client's "finetune" section and from finetune.config.json next to each dataset.`;

export const command: Command = {
  summary: 'run the dataset language server (LSP over stdio)',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, { options: { stdio: { type: 'boolean' }, 'node-ipc': { type: 'boolean' }, 'clientProcessId': { type: 'string' } } });
    if (!flags) return 0;
    const { values } = flags;
    if (!values.stdio && !values['node-ipc']) throw new UserError('lsp: pass --stdio (the server speaks LSP over standard input and output)', 'bad-flag');
    // The connection reads the transport from process.argv (--stdio / --node-ipc) and takes over the console.
    const [{ createConnection, ProposedFeatures }, { startServer }, { exitWhenStdioFramingBreaks }] = await Promise.all([
      import('vscode-languageserver/node'),
      import('../../../language-server/src/lsp/start'),
      import('../../../language-server/src/lsp/framing-guard'),
    ]);
    // in the same tick as the connection starts listening, so both see every chunk of stdin
    exitWhenStdioFramingBreaks();
    const connection = createConnection(ProposedFeatures.all);
    startServer(connection);
    // The library exits the process on `exit` (0 after `shutdown`, else 1) or when stdin closes; until then we wait.
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};
