// "Fine-Tune: Convert Dataset Format…": the language server converts the open dataset (unsaved edits included);
// the result goes to a NEW file next to it, written through a temporary file and a rename that never overwrites.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConvertRequest } from '../../contracts/src/lsp-protocol';
import type { FormatId } from '../../contracts/src/dataset-types';
import type { CommandFactory } from './command-factory';
import { FORMATS, isFormat } from './convert-formats';
import { createNonce } from './report/html';
import { targetDocument } from './target';

/** `<stem>.<format>.jsonl` beside the source, with a counter when that name is taken; never the source itself. */
export async function freeOutputUri(source: vscode.Uri, format: FormatId): Promise<vscode.Uri> {
  const directory = vscode.Uri.joinPath(source, '..');
  const stem = path.basename(source.path).replace(/\.jsonl$/i, '');
  for (let counter = 1; ; counter++) {
    const candidate = vscode.Uri.joinPath(directory, `${stem}.${format}${counter > 1 ? `-${counter}` : ''}.jsonl`);
    if (candidate.toString() !== source.toString() && !(await exists(candidate))) return candidate;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Writes to a temporary sibling, then renames without overwrite: a reader never sees half a file. */
async function writeNewFile(target: vscode.Uri, text: string): Promise<void> {
  const temporary = vscode.Uri.joinPath(target, '..', `.${path.basename(target.path)}.${createNonce().slice(0, 8)}.tmp`);
  await vscode.workspace.fs.writeFile(temporary, Buffer.from(text, 'utf8'));
  try {
    await vscode.workspace.fs.rename(temporary, target, { overwrite: false });
  } catch (error) {
    await vscode.workspace.fs.delete(temporary).then(undefined, () => undefined);
    throw error;
  }
}

/** Arguments (all optional, for callers and tests): the dataset Uri, the target format, the output Uri. */
export const convertDatasetFormat: CommandFactory = (ctx) => async (uri?: unknown, targetFormat?: unknown, output?: unknown) => {
  const document = await targetDocument(uri);
  if (!document) return undefined;
  const client = ctx.requireClient();
  if (!client) return undefined;
  let format = isFormat(targetFormat) ? targetFormat : undefined;
  if (!format) {
    const picked = await vscode.window.showQuickPick(
      FORMATS.map((entry) => ({ label: entry.id, detail: entry.detail })),
      { title: 'Convert Dataset Format', placeHolder: 'Format of the new file' },
    );
    if (!picked) return undefined;
    format = picked.label as FormatId;
  }
  const result = await client.sendRequest(ConvertRequest, { uri: document.uri.toString(), targetFormat: format });
  if (!result) throw new Error('the language server does not have this dataset open');
  if (result.converted === 0) {
    void vscode.window.showWarningMessage(`No record could be converted to ${format}; nothing was written.`);
    return undefined;
  }
  const target = output instanceof vscode.Uri ? output : await freeOutputUri(document.uri, format);
  if (target.toString() === document.uri.toString()) throw new Error('the converted dataset must go to a new file, not over its source');
  await writeNewFile(target, result.text);
  for (const skip of result.skipped) ctx.output.warn(`convert ${path.basename(document.uri.path)}:${skip.line + 1}: skipped: ${skip.reason}`);
  const skipped = result.skipped.length ? `; ${result.skipped.length} skipped (see the Fine-Tune output)` : '';
  void vscode.window.showInformationMessage(`Converted ${result.converted} records to ${format}: ${path.basename(target.path)}${skipped}.`);
  await vscode.window.showTextDocument(target, { preview: false });
  return target.toString();
};
