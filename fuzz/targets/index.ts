// Every fuzz target, in the order a run visits them.
import type { Target } from '../target';
import { jsonlTarget } from './jsonl';
import { lspTarget } from './lsp';
import { modelFolderTarget } from './model-folder';
import { safetensorsTarget } from './safetensors';

export const TARGETS: readonly Target[] = [jsonlTarget, safetensorsTarget, modelFolderTarget, lspTarget];
