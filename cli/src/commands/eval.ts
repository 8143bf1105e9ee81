// `finetune eval`: the loss of a model (optionally with a PEFT adapter, or a run's result) on a dataset: the mean
// eval loss and perplexity over all trained tokens, and with --per-example each record's mean token loss, written as
// JSON Lines (engine/src/evaluate/loss-file.ts) for the `high-loss` rule and the dataset report. On preference data
// it reports DPO's loss and reward metrics of the model (with its adapter, or the run's result) against the reference
// TRL would use: the base model without the adapter (for a full fine-tune, the run's base model).
import { resolve } from 'node:path';
import { isPreferenceData, readScoringExamples } from '../../../engine/src/evaluate/dataset';
import { tokenizeExamples } from '../../../engine/src/train/data';
import { reportPreferences } from '../preference-report';
import { formatLossFile, lossFileLines, PER_EXAMPLE_LOSS_FILE, writeLossFile } from '../../../engine/src/evaluate/loss-file';
import { scoreExamples } from '../../../engine/src/evaluate/per-example';
import { resolveRunTarget, runDirOfAdapter } from '../../../engine/src/evaluate/run-target';
import { nonFiniteOutputError } from '../../../engine/src/io/non-finite';
import { RUNTIME_HELP } from '../../../engine/src/runtime/cli-options';
import { describeDevice } from '../../../engine/src/runtime/devices';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { MODEL_FLAGS, openModel } from '../model-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune eval (--model DIR [--adapter DIR] | --run RUN_DIR) --data FILE [--per-example] [options]

Mean loss per trained token (assistant turns and their end-of-turn token) and perplexity on a dataset. On
preference data (prompt/chosen/rejected): the DPO loss, reward accuracy and margin against the reference model (the
base without the adapter; for a full fine-tune, the run's base model), as TRL's DPOTrainer reports them.
  --model DIR         Hugging Face model folder
  --adapter DIR       PEFT adapter folder (LoRA, merged into the weights; or prompt, P- or prefix tuning)
  --run RUN_DIR       a finished run: its base model plus adapter/, or its model/ (full fine-tuning)
  --data FILE         JSONL dataset (any supported format; every record that parses is scored)
  --per-example       each record's mean token loss, as JSON Lines {"line" (1-based), "loss", "tokens"}
  --out FILE          where the per-example lines go (default: RUN_DIR/${PER_EXAMPLE_LOSS_FILE} when the adapter
                      belongs to a run, else standard output)
  --max-seq-len N     longer records are truncated, as in training (default: the run's, else 512)
  --batch-size N      records per forward pass (default 8)
  --json              one JSON summary object on standard output
  --beta B            preference data: DPO's β (default: the run's --beta, else 0.1)
${RUNTIME_HELP}`;

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UserError(`--${flag} must be a positive integer (got '${value}')`, 'bad-flag');
  return parsed;
}

export const command: Command = {
  summary: 'eval loss and perplexity of a model on a dataset; --per-example for each record',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        ...MODEL_FLAGS,
        run: { type: 'string' },
        data: { type: 'string' },
        'per-example': { type: 'boolean', default: false },
        out: { type: 'string' },
        'max-seq-len': { type: 'string' },
        'batch-size': { type: 'string' },
        json: { type: 'boolean', default: false },
        beta: { type: 'string' },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (values.run && (values.model || values.adapter)) throw new UserError('give either --run or --model [--adapter], not both', 'bad-flag');
    const target = values.run ? resolveRunTarget(values.run) : undefined;
    const modelDir = target?.model ?? values.model;
    const adapterDir = target ? target.adapter : values.adapter;
    if (!modelDir) throw new UserError('--model DIR (or --run RUN_DIR) is required', 'bad-flag');
    if (!values.data) throw new UserError('--data FILE is required', 'bad-flag');
    if (values.out && !values['per-example']) throw new UserError('--out needs --per-example', 'bad-flag');
    // a run is scored at the length it trained at, unless the flag says otherwise
    const runMaxSeqLen = typeof target?.config.maxSeqLen === 'number' ? target.config.maxSeqLen : 512;
    const maxSeqLen = positiveInteger('max-seq-len', values['max-seq-len'], runMaxSeqLen);
    const batchSize = positiveInteger('batch-size', values['batch-size'], 8);
    const { folder, adapter, device, runtime } = openModel(modelDir, adapterDir, values);
    const read = await readScoringExamples(values.data, maxSeqLen);
    if (isPreferenceData(read.examples)) {
      if (values['per-example']) throw new UserError('--per-example scores conversations; preference data gets its DPO metrics in the summary (--json)', 'bad-flag');
      await reportPreferences({ examples: read.examples, unparsed: read.unparsed, data: values.data, modelDir, adapterDir, folder, adapter, device, runtime, batchSize, maxSeqLen, json: values.json, beta: values.beta, target });
      return 0;
    }
    const data = { ...tokenizeExamples(read.examples, folder.tokenizer!, maxSeqLen), records: read.examples.length, unparsed: read.unparsed };
    if (data.examples.length === 0) throw new UserError(`${values.data}: no record has a trained token to score`, 'dataset');
    const result = await scoreExamples(folder, data.examples, { adapter, device, runtime, batchSize });
    // A NaN loss is no result: name the weight or config value behind it and exit non-zero.
    if (!Number.isFinite(result.meanLoss)) throw nonFiniteOutputError(folder, adapter, 'the eval loss');
    console.error(describeDevice(result.device));

    const runDir = target?.runDir ?? (adapterDir ? runDirOfAdapter(adapterDir) : undefined);
    const out = values['per-example'] ? (values.out ? resolve(values.out) : runDir ? resolve(runDir, PER_EXAMPLE_LOSS_FILE) : undefined) : undefined;
    if (out) writeLossFile(out, result.losses);
    else if (values['per-example'] && !values.json) process.stdout.write(formatLossFile(result.losses));

    const summary = {
      data: resolve(values.data),
      model: resolve(modelDir),
      adapter: adapterDir ? resolve(adapterDir) : null,
      records: data.records,
      scored: result.losses.length,
      truncated: data.truncated,
      skipped: data.skipped,
      unparsed: data.unparsed,
      targetTokens: result.targetTokens,
      loss: result.meanLoss,
      perplexity: result.perplexity,
      device: result.device.device,
      perExample: out ?? null,
    };
    if (values.json) {
      console.log(JSON.stringify(values['per-example'] && !out ? { ...summary, examples: lossFileLines(result.losses) } : summary));
    } else {
      const notes = [data.truncated ? `${data.truncated} truncated` : '', data.skipped ? `${data.skipped} without trained tokens skipped` : '', data.unparsed ? `${data.unparsed} unparseable lines left out` : ''].filter(Boolean);
      const line = `eval loss ${result.meanLoss.toFixed(4)}, perplexity ${result.perplexity.toFixed(3)} over ${result.targetTokens} tokens in ${result.losses.length} records${notes.length ? ` (${notes.join(', ')})` : ''}`;
      // With per-example lines on stdout, the summary goes to stderr so the lines stay machine-readable.
      if (values['per-example'] && !out) console.error(line);
      else console.log(line);
      if (out) console.log(`per-example losses: ${out}`);
    }
    return 0;
  },
};
