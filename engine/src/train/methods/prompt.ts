// Prompt tuning (Lester et al. 2021) as PEFT implements it: N trainable virtual token embeddings [N, hidden] go in
// front of every sequence; the model stays frozen. Virtual tokens take positions 0..N-1 and are always attended;
// the model's outputs (and so the loss and its label masks) cover the real tokens only (models/README.md), so the
// batches need no change. Initialised like PEFT: RANDOM draws N(0, 1) (torch.nn.Embedding's default), TEXT takes
// the embeddings of the text's tokens, cut or repeated to N.
import { join } from 'node:path';
import type { PeftAdapter } from '../../adapters/peft';
import { PROMPT_EMBEDDINGS_TENSOR, promptTuningConfig, type PromptEmbeddings, type PromptTuningSettings } from '../../adapters/prompt';
import type { Graph, Value } from '../../graph';
import type { ModelFolder } from '../../io/model-folder';
import { embeddingWeightName } from '../../io/tensor-layout';
import { tokenEmbeddingScale } from '../../models/gemma';
import { writeSafetensors } from '../../io/safetensors-writer';
import { SeededRandom, standardNormal } from '../random';
import { writeJsonAtomic } from '../../io/atomic-write';
import type { RunFolder } from '../../run-folder/run-folder';
import { runFolderPath } from '../../../../contracts/src/run/run-folder-layout';
import { trainableTensor, type MethodPlan } from './types';
import { UserError } from '../../../../contracts/src/user-error';

export interface PromptOptions {
  virtualTokens: number;
  /** `text:…` or `random` (the default). */
  promptInit?: string;
  seed: number;
}

export function parsePromptInit(value: string | undefined): PromptTuningSettings['init'] {
  if (value === undefined || value === 'random') return { kind: 'RANDOM' };
  if (value.startsWith('text:')) {
    const text = value.slice('text:'.length).replace(/^"(.*)"$/s, '$1');
    if (text.length > 0) return { kind: 'TEXT', text };
  }
  throw new UserError(`--prompt-init: expected random or text:"…", got ${JSON.stringify(value)}`, 'training-arguments');
}

/**
 * PEFT's TEXT init: the embedding module's output for the text's token ids (special tokens as the tokenizer adds them)
 * cut or repeated to `count`; Gemma's module scales by √hidden.
 */
function textInit(model: ModelFolder, text: string, count: number): Float32Array {
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new Error(`${model.dir}: --prompt-init text needs the model's tokenizer`);
  const ids = tokenizer.encode(text, { addSpecialTokens: true });
  if (ids.length === 0) throw new UserError('--prompt-init: the text has no tokens', 'training-arguments');
  const hidden = model.config.hiddenSize;
  const embedding = model.weights.readFloat32(embeddingWeightName(model.config));
  const scale = tokenEmbeddingScale(model.config);
  const out = new Float32Array(count * hidden);
  for (let token = 0; token < count; token++) {
    const row = embedding.subarray(ids[token % ids.length] * hidden, (ids[token % ids.length] + 1) * hidden);
    out.set(scale === 1 ? row : row.map((value) => Math.fround(value * scale)), token * hidden);
  }
  return out;
}

/**
 * Writes adapter/ as PEFT saves a prompt-learning adapter: the config and `prompt_embeddings` (prompt tuning and
 * P-tuning: [N, hidden]; prefix tuning: [N, layers·2·kvDim]).
 */
export function writePromptAdapter(run: RunFolder, config: Record<string, unknown>, shape: number[], embeddings: Float32Array): string {
  const folder = runFolderPath(run.path, 'adapter');
  run.replaceFolder(folder, (temporary) => {
    writeJsonAtomic(join(temporary, 'adapter_config.json'), config);
    writeSafetensors(join(temporary, 'adapter_model.safetensors'), [{ name: PROMPT_EMBEDDINGS_TENSOR, dtype: 'F32', shape, data: embeddings }], { format: 'pt' });
  });
  return folder;
}

/** The base with these virtual tokens in front, as an in-memory adapter (samples during training). */
export function promptInferenceView(base: ModelFolder, prompt: PromptEmbeddings): { folder: ModelFolder; adapter: PeftAdapter } {
  return { folder: base, adapter: { dir: '(training)', modules: new Map(), prompt } };
}

export function createPromptPlan(model: ModelFolder, options: PromptOptions): MethodPlan {
  const hidden = model.config.hiddenSize;
  const init = parsePromptInit(options.promptInit);
  const initial = init.kind === 'TEXT' ? textInit(model, init.text, options.virtualTokens) : standardNormal(new SeededRandom(options.seed).fork('prompt-init'), options.virtualTokens * hidden);
  const prompt = trainableTensor(PROMPT_EMBEDDINGS_TENSOR, [options.virtualTokens, hidden], initial);
  const settings: PromptTuningSettings = {
    baseModel: model.dir,
    numVirtualTokens: options.virtualTokens,
    tokenDim: hidden,
    numAttentionHeads: model.config.numHeads,
    numLayers: model.config.numLayers,
    init,
  };

  return {
    trainable: [prompt],
    outputFolder: 'adapter',
    attach(graph: Graph, frozen: (name: string) => Value) {
      const virtualTokens = graph.input(prompt.name, 'float32', prompt.shape);
      return { hooks: { parameter: frozen, virtualTokens }, inputs: new Map([[prompt.name, virtualTokens]]) };
    },
    exportTo(run: RunFolder): string {
      return writePromptAdapter(run, promptTuningConfig(settings), prompt.shape, prompt.value);
    },
    inferenceView(base: ModelFolder) {
      return promptInferenceView(base, { peftType: 'PROMPT_TUNING', numVirtualTokens: options.virtualTokens, tokenDim: hidden, embeddings: prompt.value.slice() });
    },
  };
}
