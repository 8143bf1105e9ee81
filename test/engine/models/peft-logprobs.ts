// Scoring a PEFT adapter here against the log-probs PEFT wrote for the same token ids: the comparison every
// round-trip fixture test makes (LoRA, prompt, P-tuning, prefix; every architecture).
import type { PeftAdapter } from '../../../engine/src/adapters/peft';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import type { ModelFolder } from '../../../engine/src/io/model-folder';
import { tensor } from '../../../engine/src/graph';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';

export interface ScoredSequence {
  ids: number[];
  /** PEFT's log-prob of each token given the ones before it; null for the first. */
  logprobs: (number | null)[];
}

/** The largest |our log-prob − PEFT's| over every token but the first of every sequence. */
export async function worstLogprobDifference(folder: ModelFolder, adapter: PeftAdapter, sequences: readonly ScoredSequence[]): Promise<number> {
  const { session } = await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'token-logprobs' }, adapter }).graph, { device: 'cpu' });
  try {
    let worst = 0;
    for (const { ids, logprobs } of sequences) {
      const out = await session.run({ input_ids: tensor('int64', [1, ids.length], ids), attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)) });
      const ours = out.token_logprobs.data as Float32Array;
      for (let t = 1; t < ids.length; t++) worst = Math.max(worst, Math.abs(ours[t] - logprobs[t]!));
    }
    return worst;
  } finally {
    await session.release();
  }
}
