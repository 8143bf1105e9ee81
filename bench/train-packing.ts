// Sequence packing's gain (`train.packing.*`): LoRA tokens/s over one epoch of a length-skewed dataset (many short
// records, a few long ones, generated from a seed) one example a row vs packed into rows of --max-seq-len, on the
// same model and settings, with the padding share of each. Both sessions run their epochs in interleaved rounds
// (best round kept), so a load change on the machine hits both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTrainingArguments } from '../contracts/src/training-arguments';
import { initModel } from '../engine/src/init/init-model';
import type { ModelSize } from '../engine/src/init/model-sizes';
import { loadModelFolder, type ModelFolder } from '../engine/src/io/model-folder';
import { makeRowsBatch, planBatches, type Batch, type TokenizedExample } from '../engine/src/train/batching';
import { createLoraPlan } from '../engine/src/train/methods/lora';
import { SeededRandom } from '../engine/src/train/random';
import { createTrainingSession } from '../engine/src/train/step-graph';

export const PACKING_BENCH_CONFIG = { batchSize: 8, maxSeqLen: 128, shortRecords: 180, longRecords: 12, shortLengths: [8, 40], longLengths: [96, 128], rank: 8, alpha: 16 } as const;

/** Many short records and a few long ones in a seeded order; the second half of each record is trained. */
export function skewedExamples(vocabSize: number, seed: number): TokenizedExample[] {
  const random = new SeededRandom(seed);
  const { shortRecords, longRecords, shortLengths, longLengths } = PACKING_BENCH_CONFIG;
  const between = ([low, high]: readonly [number, number]) => low + random.integer(high - low + 1);
  const lengths = random.shuffle([...Array.from({ length: shortRecords }, () => between(shortLengths)), ...Array.from({ length: longRecords }, () => between(longLengths))]);
  return lengths.map((length, line) => ({
    line,
    ids: Array.from({ length }, () => random.integer(vocabSize)),
    trainedMask: Uint8Array.from({ length }, (_, position) => (position >= length / 2 ? 1 : 0)),
  }));
}

async function openEpoch(model: ModelFolder, examples: readonly TokenizedExample[], packing: boolean) {
  const { batchSize, maxSeqLen, rank, alpha } = PACKING_BENCH_CONFIG;
  const args = resolveTrainingArguments([{ model: model.dir, data: '-', out: '-', method: 'lora', batchSize, maxSeqLen, rank, alpha, targetModules: ['q_proj', 'v_proj'], packing, threads: 0, device: 'cpu' }]);
  const session = await createTrainingSession(model, createLoraPlan(model, { ...args, seed: 1 }), args);
  const lengths = examples.map((example) => example.ids.length);
  const batches: Batch[] = planBatches(lengths, batchSize, 1, 0, packing ? maxSeqLen : undefined).map((rows) => makeRowsBatch(examples, rows, 0, 8, packing));
  const tokens = batches.reduce((sum, batch) => sum + batch.tokens, 0);
  const slots = batches.reduce((sum, batch) => sum + batch.batchSize * batch.sequenceLength, 0);
  let step = 0;
  return {
    steps: batches.length,
    paddingShare: Number((1 - tokens / slots).toFixed(3)),
    /** Seconds for one pass over the batches. */
    async epoch(): Promise<number> {
      const started = performance.now();
      for (const batch of batches) await session.step([batch], { learningRate: 1e-4, step: ++step });
      return (performance.now() - started) / 1000;
    },
    tokens,
    release: () => session.release(),
  };
}

export async function benchTrainPacking(options: { size?: ModelSize; rounds?: number } = {}): Promise<Record<string, unknown>> {
  const size = options.size ?? 'bench';
  const rounds = options.rounds ?? 2;
  const dir = mkdtempSync(join(tmpdir(), 'finetune-bench-packing-'));
  try {
    initModel({ arch: 'llama', size, out: join(dir, size), seed: 1 });
    const model = loadModelFolder(join(dir, size));
    const examples = skewedExamples(model.config.vocabSize, 17);
    const modes = { unpacked: await openEpoch(model, examples, false), packed: await openEpoch(model, examples, true) };
    try {
      const best = { unpacked: Infinity, packed: Infinity };
      for (let round = 0; round < rounds; round++) {
        for (const mode of ['unpacked', 'packed'] as const) best[mode] = Math.min(best[mode], await modes[mode].epoch());
      }
      const figures: Record<string, unknown> = { 'train.packing.config': { ...PACKING_BENCH_CONFIG, size, rounds, records: examples.length } };
      for (const mode of ['unpacked', 'packed'] as const) {
        figures[`train.packing.${mode}.tokensPerSecond`] = Math.round(modes[mode].tokens / best[mode]);
        figures[`train.packing.${mode}.secondsPerEpoch`] = Number(best[mode].toFixed(2));
        figures[`train.packing.${mode}.steps`] = modes[mode].steps;
        figures[`train.packing.${mode}.paddingShare`] = modes[mode].paddingShare;
      }
      figures['train.packing.speedup'] = Number((best.unpacked / best.packed).toFixed(2));
      return figures;
    } finally {
      await modes.unpacked.release();
      await modes.packed.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
