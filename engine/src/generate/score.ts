// Log-probability of each token given the ones before it, from one forward pass of the token-logprobs graph.
import { tensor } from '../graph';
import type { PeftAdapter } from '../adapters/peft';
import type { ModelFolder } from '../io/model-folder';
import { nonFiniteOutputError } from '../io/non-finite';
import { buildInferenceGraph } from '../models/from-folder';
import { NAMES } from '../models/types';
import { outcomeOf, type DeviceName, type DeviceOutcome } from '../runtime/devices';
import { openGraphSession } from '../runtime/graph-session';
import type { RuntimeOptions } from '../runtime/session-options';

export interface ScoreOptions {
  adapter?: PeftAdapter;
  device?: DeviceName;
  runtime?: RuntimeOptions;
}

export interface ScoreResult {
  tokens: number[];
  /** null for the first token (nothing precedes it), else natural-log probabilities. */
  logprobs: (number | null)[];
  device: DeviceOutcome;
}

export async function scoreTokens(folder: ModelFolder, ids: readonly number[], options: ScoreOptions = {}): Promise<ScoreResult> {
  if (ids.length === 0) return { tokens: [], logprobs: [], device: { device: 'cpu', skipped: [] } };
  const { graph } = buildInferenceGraph(folder, { output: { kind: 'token-logprobs' }, adapter: options.adapter, name: 'score' });
  const opened = await openGraphSession(graph, { device: options.device, runtime: options.runtime });
  try {
    const n = ids.length;
    const out = await opened.session.run({
      [NAMES.inputIds]: tensor('int64', [1, n], [...ids]),
      [NAMES.attentionMask]: tensor('int64', [1, n], new BigInt64Array(n).fill(1n)),
    });
    const values = out[NAMES.tokenLogprobs].data as Float32Array;
    const logprobs = Array.from(values, (value, index) => (index === 0 ? null : value));
    // NaN would print as null (JSON) and look like a result: say which weight or config value causes it instead.
    if (values.subarray(1).some((value) => !Number.isFinite(value))) throw nonFiniteOutputError(folder, options.adapter, 'the log-probability of the text');
    return { tokens: [...ids], logprobs, device: outcomeOf(opened) };
  } finally {
    await opened.session.release();
  }
}
