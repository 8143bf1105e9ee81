// "Fine-Tune: Show Rendered Example": the record under the cursor (or the line passed) as the trainer sees it,
// rendered through the chat template, with the tokens the loss covers highlighted.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RenderExampleRequest } from '../../../contracts/src/lsp-protocol';
import type { CommandFactory } from '../command-factory';
import type { Ctx } from '../ctx';
import { targetDocument, targetLine } from '../target';
import { RenderedExampleProvider } from './provider';

let provider: RenderedExampleProvider | undefined;

function providerFor(ctx: Ctx): RenderedExampleProvider {
  if (!provider) {
    const created = new RenderedExampleProvider();
    provider = created;
    ctx.pushDisposable({ dispose: () => ((provider = undefined), created.dispose()) });
  }
  return provider;
}

export const showRenderedExample: CommandFactory = (ctx) => async (uri?: unknown, line?: unknown) => {
  const document = await targetDocument(uri);
  if (!document) return undefined;
  const client = ctx.requireClient();
  if (!client) return undefined;
  const record = targetLine(document, line);
  const result = await client.sendRequest(RenderExampleRequest, { uri: document.uri.toString(), line: record });
  if (!result) {
    void vscode.window.showInformationMessage(`Line ${record + 1} is not a valid record, so it cannot be rendered. Fix its problems first.`);
    return undefined;
  }
  const renderings = providerFor(ctx);
  const virtualUri = renderings.set(document.uri, path.basename(document.uri.fsPath || document.uri.path), result);
  const shown = await vscode.window.showTextDocument(virtualUri, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  renderings.decorate(shown);
  return virtualUri.toString();
};
