// Per-example loss: the mean token loss over the trained tokens (assistant turns and their end-of-turn token) of each
// record, under a model and optionally a PEFT adapter merged into it. One forward of the loss graph per batch; its
// `token_losses` output [batch, seq] holds each target's loss (0 where ignored), summed per row here.
import type * as ort from 'onnxruntime-node';
import { tensor } from '../graph';
import type { PeftAdapter } from '../adapters/peft';
import type { ModelFolder } from '../io/model-folder';
import { buildInferenceGraph } from '../models/from-folder';
import { NAMES } from '../models/types';
import { outcomeOf, type DeviceName, type DeviceOutcome } from '../runtime/devices';
import { openGraphSession } from '../runtime/graph-session';
import type { RuntimeOptions } from '../runtime/session-options';
import { makeBatch, type TokenizedExample } from '../train/batching';

export interface ExampleLoss {
  /** 0-based line of the record in its file (the dataset service's convention). */
  line: number;
  /** Mean natural-log loss per target token. */
  loss: number;
  /** Target tokens the mean covers. */
  tokens: number;
  /** Position of the example in the list scored (lines repeat when one record gives several examples). */
  index: number;
}

export interface ScoreExamplesOptions {
  adapter?: PeftAdapter;
  device?: DeviceName;
  runtime?: RuntimeOptions;
  /** Records per forward pass (default 8); batches hold records of similar length, so padding stays small. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ScoreExamplesResult {
  losses: ExampleLoss[];
  /** Token-weighted mean over all targets (what the trainer's eval loss is), and exp of it. */
  meanLoss: number;
  perplexity: number;
  targetTokens: number;
  device: DeviceOutcome;
}

export class ScoringCancelled extends Error {
  constructor() {
    super('scoring was cancelled');
    this.name = 'ScoringCancelled';
  }
}

/** Longest first, so the first batch shows the peak memory at once; ties by line for a stable order. */
export function planScoringBatches(examples: readonly TokenizedExample[], batchSize: number): number[][] {
  const order = examples.map((_, index) => index).sort((a, b) => examples[b].ids.length - examples[a].ids.length || examples[a].line - examples[b].line);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

export async function scoreExamples(folder: ModelFolder, examples: readonly TokenizedExample[], options: ScoreExamplesOptions = {}): Promise<ScoreExamplesResult> {
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const { graph } = buildInferenceGraph(folder, { output: { kind: 'loss' }, adapter: options.adapter, name: 'per_example_loss' });
  const opened = await openGraphSession(graph, { device: options.device, runtime: options.runtime });
  const padId = folder.tokenizer?.padTokenId ?? folder.tokenizer?.eosTokenId ?? 0;
  const losses: ExampleLoss[] = [];
  let lossSum = 0;
  let targetTokens = 0;
  try {
    const batches = planScoringBatches(examples, batchSize);
    let done = 0;
    for (const indices of batches) {
      if (options.signal?.aborted) throw new ScoringCancelled();
      const batch = makeBatch(examples, indices, padId);
      const feeds: Record<string, ort.Tensor> = {
        [NAMES.inputIds]: tensor('int64', [batch.batchSize, batch.sequenceLength], batch.inputIds),
        [NAMES.attentionMask]: tensor('int64', [batch.batchSize, batch.sequenceLength], batch.attentionMask),
        [NAMES.labels]: tensor('int64', [batch.batchSize, batch.sequenceLength], batch.labels),
      };
      const out = await opened.session.run(feeds);
      const tokenLosses = out[NAMES.tokenLosses].data as Float32Array;
      indices.forEach((exampleIndex, row) => {
        const example = examples[exampleIndex];
        let sum = 0;
        for (let position = 0; position < batch.sequenceLength; position++) sum += tokenLosses[row * batch.sequenceLength + position];
        // Position 0 is never a target (nothing precedes it): the same count makeBatch labels.
        let count = 0;
        for (let position = 1; position < example.trainedMask.length; position++) count += example.trainedMask[position];
        losses.push({ line: example.line, loss: count > 0 ? sum / count : Number.NaN, tokens: count, index: exampleIndex });
        lossSum += sum;
        targetTokens += count;
      });
      done += indices.length;
      options.onProgress?.(done, examples.length);
    }
  } finally {
    await opened.session.release();
  }
  losses.sort((a, b) => a.line - b.line || a.index - b.index);
  const meanLoss = targetTokens > 0 ? lossSum / targetTokens : Number.NaN;
  return { losses, meanLoss, perplexity: Math.exp(meanLoss), targetTokens, device: outcomeOf(opened) };
}
