// `finetune eval` on preference data: each side's completion log-prob under the model (with its adapter, or the run's
// result) and under the reference TRL would use (the base without the adapter; for a full fine-tune, the run's base
// model), then DPO's loss and reward metrics (engine/src/evaluate/preference.ts).
import { resolve } from 'node:path';
import type { CanonicalExample } from '../../contracts/src/dataset-types';
import { DEFAULT_DPO_BETA } from '../../contracts/src/training-arguments';
import { UserError } from '../../contracts/src/user-error';
import type { PeftAdapter } from '../../engine/src/adapters/peft';
import { scorePairs, summarizePreferences } from '../../engine/src/evaluate/preference';
import type { RunTarget } from '../../engine/src/evaluate/run-target';
import { loadModelFolder, type ModelFolder } from '../../engine/src/io/model-folder';
import { nonFiniteOutputError } from '../../engine/src/io/non-finite';
import { describeDevice, type DeviceName } from '../../engine/src/runtime/devices';
import type { RuntimeOptions } from '../../engine/src/runtime/session-options';
import { tokenizePairs } from '../../engine/src/train/preference-data';

export interface PreferenceReportOptions {
  examples: CanonicalExample[];
  unparsed: number;
  data: string;
  modelDir: string;
  adapterDir?: string;
  folder: ModelFolder;
  adapter?: PeftAdapter;
  device?: DeviceName;
  runtime?: RuntimeOptions;
  batchSize: number;
  maxSeqLen: number;
  json: boolean;
  /** --beta as given; else the run's, else DEFAULT_DPO_BETA. */
  beta?: string;
  target?: RunTarget;
}

export async function reportPreferences(options: PreferenceReportOptions): Promise<void> {
  const { examples, folder, adapter, device, runtime, batchSize, maxSeqLen, modelDir, adapterDir, target, data } = options;
  const beta = options.beta === undefined ? (typeof target?.config.beta === 'number' ? target.config.beta : DEFAULT_DPO_BETA) : Number(options.beta);
  if (!(beta > 0) || !Number.isFinite(beta)) throw new UserError(`--beta must be a positive number (got '${options.beta}')`, 'bad-flag');
  const referenceDir = target?.base ?? modelDir;
  const reference = referenceDir === modelDir ? folder : loadModelFolder(referenceDir);
  const pairs = tokenizePairs(examples, folder.tokenizer!, maxSeqLen, data);
  if (pairs.pairs.length === 0) throw new UserError(`${data}: no pair has a completion token within --max-seq-len ${maxSeqLen}`, 'dataset');
  const policy = await scorePairs(folder, pairs.pairs, { adapter, device, runtime, batchSize });
  const base = adapter || reference !== folder ? (await scorePairs(reference, pairs.pairs, { device, runtime, batchSize })).scores : policy.scores;
  const summary = summarizePreferences(policy.scores, base, beta);
  if (!Number.isFinite(summary.loss)) throw nonFiniteOutputError(folder, adapter, 'the DPO loss');
  console.error(describeDevice(policy.device));
  const report = {
    data: resolve(data),
    model: resolve(modelDir),
    adapter: adapterDir ? resolve(adapterDir) : null,
    reference: resolve(referenceDir),
    objective: 'dpo',
    records: examples.length,
    truncated: pairs.truncated,
    skipped: pairs.skipped,
    unparsed: options.unparsed,
    ...summary,
    rewardsAccuracy: summary.accuracy,
    device: policy.device.device,
  };
  if (options.json) console.log(JSON.stringify(report));
  else {
    const same = base === policy.scores ? ' (no adapter and no run: the model is its own reference)' : '';
    console.log(`dpo loss ${summary.loss.toFixed(4)} (β ${beta}), rewards accuracy ${(summary.accuracy * 100).toFixed(1)}%, margin ${summary.margin.toFixed(4)} over ${summary.pairs} pairs; the model prefers the chosen answer in ${(summary.policyPrefersChosen * 100).toFixed(1)}% of them${same}`);
  }
}
