// Inference figures for `npm run bench` and for choosing runtime defaults: full forward time, prefill time through
// the KV-cache graph, and decode tokens per second (greedy, no stop tokens, so every run decodes the same count).
import { tensor } from '../graph';
import type { ModelFolder } from '../io/model-folder';
import { buildInferenceGraph } from '../models/from-folder';
import { NAMES } from '../models/types';
import type { DeviceName } from '../runtime/devices';
import { openGraphSession } from '../runtime/graph-session';
import type { RuntimeOptions } from '../runtime/session-options';
import { Generator } from './generator';

export interface InferenceBenchmarkOptions {
  device?: DeviceName;
  runtime?: RuntimeOptions;
  /** Tokens in the forward/prefill batch (one sequence). */
  promptTokens?: number;
  newTokens?: number;
  /** Timed repetitions of the forward (the median is reported). */
  repeats?: number;
}

export interface InferenceBenchmark {
  device: string;
  /** Median ms of one full forward (logits for every position) of `promptTokens` tokens. */
  forwardMs: number;
  /** Median ms of the prompt pass through the KV-cache graph (past length 0). */
  prefillMs: number;
  decodeTokensPerSecond: number;
  sessionCreateMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchmarkInference(folder: ModelFolder, options: InferenceBenchmarkOptions = {}): Promise<InferenceBenchmark> {
  const promptTokens = options.promptTokens ?? 64;
  const newTokens = options.newTokens ?? 32;
  const repeats = options.repeats ?? 5;
  const vocab = Math.min(folder.config.vocabSize, folder.tokenizer?.vocabSize ?? folder.config.vocabSize);
  const ids = Array.from({ length: promptTokens }, (_, i) => (i * 7919 + 13) % vocab);

  let started = performance.now();
  const full = await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { device: options.device, runtime: options.runtime });
  const sessionCreateMs = performance.now() - started;
  const feeds = { [NAMES.inputIds]: tensor('int64', [1, promptTokens], ids), [NAMES.attentionMask]: tensor('int64', [1, promptTokens], Array(promptTokens).fill(1)) };
  const forwardTimes: number[] = [];
  try {
    await full.session.run(feeds); // warm-up: first run allocates
    for (let r = 0; r < repeats; r++) {
      started = performance.now();
      await full.session.run(feeds);
      forwardTimes.push(performance.now() - started);
    }
  } finally {
    await full.session.release();
  }

  const generator = await Generator.create(folder, { device: options.device, runtime: options.runtime });
  try {
    const prefillTimes: number[] = [];
    const decodeRates: number[] = [];
    for (let r = 0; r < Math.max(2, Math.ceil(repeats / 2)); r++) {
      const stream = generator.generate(ids, () => '', { temperature: 0, maxNewTokens: newTokens });
      let next = await stream.next();
      while (!next.done) next = await stream.next();
      if (r === 0) continue; // warm-up
      prefillTimes.push(next.value.prefillMs);
      decodeRates.push(((next.value.tokens.length - 1) * 1000) / next.value.decodeMs);
    }
    return { device: generator.device, forwardMs: median(forwardTimes), prefillMs: median(prefillTimes), decodeTokensPerSecond: median(decodeRates), sessionCreateMs };
  } finally {
    await generator.release();
  }
}
