// What the preview commands share: the extension context, the model picker, the diff editor's virtual documents and
// the generation worker's client.
import * as vscode from 'vscode';
import { RenderExampleRequest } from '../../../contracts/src/lsp-protocol';
import type { CanonicalExample } from '../../../contracts/src/dataset-types';
import type { Ctx } from '../ctx';
import type { GenerationClient } from './generation-client';
import type { ModelPicker } from './model-picker';
import type { PreviewDocuments } from './preview-documents';

export interface PreviewServices {
  ctx: Ctx;
  picker: ModelPicker;
  documents: PreviewDocuments;
  client: GenerationClient;
}

/** A record's canonical conversation, from the language server (which knows the file's format). */
export async function exampleAt(ctx: Ctx, uri: vscode.Uri, line: number): Promise<CanonicalExample | null> {
  const client = ctx.requireClient();
  if (!client) return null;
  const result = await client.sendRequest(RenderExampleRequest, { uri: uri.toString(), line });
  return result?.example ?? null;
}
