// Compare Base vs Fine-Tuned on preference pairs: both models score each pair through the generation worker
// (`evaluate/preferenceScores`: the summed completion log-probability of the chosen and of the rejected answer, TRL's
// reading) and each entry gets both scores, and for a dpo run the implicit reward margin against the base. No vscode
// imports: the tests drive it against a real worker.
import { DEFAULT_DPO_BETA } from '../../../contracts/src/training-arguments';
import type { ModelTarget, PreferenceScoresResult } from '../../../contracts/src/worker/generation-protocol';
import { scoredPair, type ComparisonEntry, type PairScores } from './compare-file';
import type { GenerationClient, ScoreHooks } from './generation-client';

/** What a run's run.json config says about scoring its pairs: β for dpo runs (TRL's default 0.1), its max-seq-len. */
export function preferenceRunOptions(config: Record<string, unknown> | undefined): { beta?: number; maxSeqLen?: number } {
  const options: { beta?: number; maxSeqLen?: number } = {};
  if (config?.objective === 'dpo') options.beta = typeof config.beta === 'number' && config.beta > 0 ? config.beta : DEFAULT_DPO_BETA;
  if (typeof config?.maxSeqLen === 'number' && config.maxSeqLen > 0) options.maxSeqLen = config.maxSeqLen;
  return options;
}

export interface PreferenceScoring {
  client: Pick<GenerationClient, 'preferenceScores'>;
  base: ModelTarget;
  tuned: ModelTarget;
  /** The dataset file the entries' lines are in, as saved on disk (the worker reads it). */
  data: string;
  maxSeqLen?: number;
  /** dpo runs: the entries get the implicit reward margin with this β. */
  beta?: number;
  signal?: AbortSignal;
  onProgress?: (model: 'base' | 'tuned', done: number, total: number) => void;
  /** After each model's scores are in the entries. */
  onScored?: (model: 'base' | 'tuned') => void;
}

/**
 * Scores the entries that are preference pairs (entry.preference set, entry.line 1-based in `data`) with the base,
 * then with the tuned model. A pair the worker leaves out (no completion token on a side within max-seq-len) and a
 * failed or cancelled scoring end as the pair's `error`; nothing is thrown.
 */
export async function scorePreferenceEntries(entries: readonly ComparisonEntry[], options: PreferenceScoring): Promise<void> {
  const pairs = entries.filter((entry) => entry.preference);
  if (pairs.length === 0) return;
  const lines = pairs.map((entry) => entry.line - 1);
  const scores: { base?: Map<number, PairScores>; tuned?: Map<number, PairScores> } = {};
  for (const model of ['base', 'tuned'] as const) {
    let result: PreferenceScoresResult;
    try {
      if (options.signal?.aborted) throw new Error('cancelled');
      const hooks: ScoreHooks = { signal: options.signal, onProgress: (done, total) => options.onProgress?.(model, done, total) };
      result = await options.client.preferenceScores({ ...options[model], data: options.data, lines, ...(options.maxSeqLen ? { maxSeqLen: options.maxSeqLen } : {}) }, hooks);
    } catch (error) {
      const reason = options.signal?.aborted ? 'cancelled' : `scoring with the ${model === 'base' ? 'base model' : 'fine-tuned model'} failed: ${(error as Error).message ?? String(error)}`;
      for (const entry of pairs) entry.preference!.error ??= reason;
      return;
    }
    const byLine = new Map(result.pairs.map((pair) => [pair.line, { chosen: pair.chosen, rejected: pair.rejected }]));
    scores[model] = byLine;
    for (const entry of pairs) {
      const pair = entry.preference!;
      const base = scores.base?.get(entry.line - 1);
      const tuned = scores.tuned?.get(entry.line - 1);
      entry.preference = { ...scoredPair(pair.rejected, base, tuned, model === 'tuned' ? options.beta : undefined), ...(pair.error !== undefined ? { error: pair.error } : {}) };
      if (!byLine.has(entry.line - 1)) entry.preference.error ??= `not scored: a side has no completion token within max-seq-len ${options.maxSeqLen ?? 512}`;
    }
    options.onScored?.(model);
  }
}
