// The language server's shell: wires an LSP connection to the pure dataset service. It owns no dataset logic:
// documents, per-document settings, diagnostics scheduling, and the translation of requests. The extension runs it
// as dist/server.js; `finetune lsp --stdio` runs the same function.
import {
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import {
  CONFIG_SECTION,
  ConvertRequest,
  RenderExampleRequest,
  ReportRequest,
  ServerStatusNotification,
  SetLossesNotification,
  SettingsRequest,
  WORKSPACE_CONFIG_FILE,
  type EditorSettings,
  type InitializationOptions,
} from '../../../contracts/src/lsp-protocol';
import { convertDataset } from '../../../datasets/src';
import { CODE_ACTION_KINDS, codeActions } from './code-actions';
import { toDiagnostic } from './diagnostics';
import { OpenDataset } from './documents';
import { LineText } from './line-text';
import { DatasetFactory } from './factory';
import { SettingsResolver, uriToPath } from './settings';

/**
 * Quiet time after the last change before diagnostics are assembled and published. Edits are applied as they come
 * (cheap); the wait only lets changes already on the wire (a client sends keystrokes back to back) coalesce into one
 * publish of the latest version, and stays well inside the 50 ms an edit's diagnostics may take.
 */
const VALIDATION_DELAY_MS = 15;

export function startServer(connection: Connection): void {
  const open = new Map<string, OpenDataset>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let trusted = true;
  let canPullConfiguration = false;
  let canRegisterConfiguration = false;
  let canWatchFolders = false;
  let workspaceFolders: string[] = [];
  const reportedProblems = new Set<string>();

  const reportProblem = (message: string): void => {
    connection.console.warn(message);
    if (reportedProblems.has(message)) return;
    reportedProblems.add(message);
    void connection.sendNotification(ServerStatusNotification, { health: 'warning', message });
  };

  const settings = new SettingsResolver({
    editorSettings: async (uri) => {
      if (!canPullConfiguration) return null;
      const section: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: CONFIG_SECTION });
      return section && typeof section === 'object' ? (section as Partial<EditorSettings>) : null;
    },
    workspaceFolders: () => workspaceFolders,
    trusted: () => trusted,
  });
  const factory = new DatasetFactory(reportProblem);

  const resolveSettings = (uri: string) => async () => {
    const resolved = await settings.get(uri);
    for (const problem of resolved.problems) reportProblem(problem);
    return resolved;
  };

  const publish = async (entry: OpenDataset): Promise<void> => {
    try {
      const index = await entry.findings();
      if (open.get(entry.uri) !== entry) return; // closed meanwhile
      if (index.version !== entry.text.version) return; // superseded: the newer edit scheduled its own publish
      await connection.sendDiagnostics({ uri: entry.uri, version: index.version, diagnostics: index.findings.map((f) => toDiagnostic(f, entry.uri)) });
    } catch (error) {
      connection.console.error(`validating ${entry.uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };

  const schedule = (entry: OpenDataset, delay = VALIDATION_DELAY_MS): void => {
    clearTimeout(timers.get(entry.uri));
    timers.set(
      entry.uri,
      setTimeout(() => {
        timers.delete(entry.uri);
        void publish(entry);
      }, delay),
    );
  };

  const rebuild = (entry: OpenDataset): void => {
    entry.rebuild(resolveSettings(entry.uri), (uri, text, documentSettings) => factory.create(uri, text, documentSettings)).then(
      () => schedule(entry, 0),
      (error: unknown) => connection.console.error(`opening ${entry.uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
  };

  /** Settings changed (editor or config file): forget every cached setting, rebuild and revalidate everything. */
  const refreshAll = (): void => {
    settings.clear();
    factory.clear();
    reportedProblems.clear();
    for (const entry of open.values()) rebuild(entry);
  };

  const entryFor = (uri: string): OpenDataset | undefined => open.get(uri);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    trusted = options.trusted !== false;
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    canRegisterConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    canWatchFolders = params.capabilities.workspace?.workspaceFolders === true;
    workspaceFolders = (params.workspaceFolders ?? []).map((folder) => uriToPath(folder.uri)).filter((p): p is string => p !== null);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [uriToPath(params.rootUri)].filter((p): p is string => p !== null);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'finetune-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (canRegisterConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: CONFIG_SECTION });
    if (canWatchFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
        workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...event.added.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== null)];
        refreshAll();
      });
    }
  });

  connection.onDidChangeConfiguration(() => refreshAll());

  connection.onDidChangeWatchedFiles((params) => {
    const changed = params.changes.map((change) => uriToPath(change.uri)).filter((p): p is string => p !== null);
    if (changed.some((file) => file.endsWith(WORKSPACE_CONFIG_FILE))) return refreshAll();
    // An eval file changed: rebuild the datasets that compare against it.
    for (const entry of open.values()) {
      const evalFile = entry.resolved?.settings.evalFile;
      if (evalFile && changed.includes(evalFile)) {
        factory.forget(evalFile);
        rebuild(entry);
      }
    }
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    const entry = new OpenDataset(new LineText(textDocument.uri, textDocument.version, textDocument.text));
    open.set(textDocument.uri, entry);
    rebuild(entry);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const entry = entryFor(textDocument.uri);
    if (!entry) return;
    void entry.applyChanges(contentChanges, textDocument.version).then(
      () => schedule(entry),
      (error: unknown) => connection.console.error(`applying an edit to ${entry.uri} failed: ${String(error)}`),
    );
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    clearTimeout(timers.get(textDocument.uri));
    timers.delete(textDocument.uri);
    open.delete(textDocument.uri);
    settings.clear(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  connection.onHover(async ({ textDocument, position }) => {
    const entry = entryFor(textDocument.uri);
    if (!entry) return null;
    const hover = await entry.hover(position);
    return hover ? { range: hover.range, contents: { kind: 'markdown', value: hover.contents } } : null;
  });

  connection.onCodeAction(async (params) => {
    const entry = entryFor(params.textDocument.uri);
    if (!entry) return [];
    return codeActions(params, await entry.findings());
  });

  connection.onRequest(ReportRequest, async ({ uri }) => {
    const entry = entryFor(uri);
    return entry ? (await entry.dataset()).report() : null;
  });

  connection.onRequest(RenderExampleRequest, async ({ uri, line }) => {
    const entry = entryFor(uri);
    if (!entry) return null;
    const dataset = await entry.dataset();
    const example = dataset.example(line);
    const rendered = example ? dataset.render(line) : null;
    return example && rendered ? { line, example, rendered } : null;
  });

  connection.onRequest(ConvertRequest, async ({ uri, targetFormat }) => {
    const entry = entryFor(uri);
    if (!entry) return null;
    await entry.dataset(); // pending edits applied
    return convertDataset(entry.text.getText(), targetFormat);
  });

  connection.onRequest(SettingsRequest, async ({ uri }) => {
    const entry = entryFor(uri);
    if (!entry) return null;
    await entry.dataset();
    const resolved = entry.resolved ?? (await settings.get(uri));
    return { settings: resolved.settings, configFile: resolved.configFile, trusted };
  });

  connection.onNotification(SetLossesNotification, async ({ uri, losses }) => {
    const entry = entryFor(uri);
    if (!entry) return;
    await entry.setLosses(losses ? new Map(losses) : null);
    schedule(entry, 0);
  });

  connection.listen();
}
