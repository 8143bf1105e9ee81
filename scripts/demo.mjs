// `npm run demo` (after the build): the whole loop on a laptop in under a minute — create a tiny random model, lint
// the sample dataset, show the model's answer to a sample prompt, train a LoRA adapter on a few of its records with
// a progress bar (and samples as it learns), then show the answer again with the adapter. Everything goes through
// the real `finetune` CLI (bin/finetune.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// as users run it: bin/finetune.js (which runs dist/lint.cjs for `finetune lint`, dist/cli.js for the rest)
const cli = join(root, 'bin', 'finetune.js');
const work = join(root, '.tmp', 'demo');
const model = join(work, 'model');
const run = join(work, 'run');

function heading(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

/** Runs the CLI with the terminal attached (progress bars, streamed tokens); stops the demo on failure. */
function finetune(args, { allowFailure = false } = {}) {
  process.stdout.write(`$ finetune ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });
  if (result.status !== 0 && !allowFailure) {
    process.stderr.write(`demo: finetune ${args[0]} exited with ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
  return result.status;
}

/** The sample chat dataset (helper-written examples/), preferring a file in the messages format. */
function sampleDataset() {
  const folder = join(root, 'examples');
  if (!existsSync(folder)) return null;
  const files = readdirSync(folder, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.jsonl') && !/eval|bad|broken|error/i.test(name))
    .sort((a, b) => Number(!/chat|messages/.test(a)) - Number(!/chat|messages/.test(b)) || a.localeCompare(b));
  return files.length > 0 ? join(folder, files[0]) : null;
}

/**
 * A tiny random model cannot learn 40 varied conversations (some in Chinese, which its small tokenizer spells byte by
 * byte) in a minute, but it memorises a handful: the demo trains on the 8 records with the shortest English replies.
 */
function memorisableSubset(file, count = 8) {
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => ({ line, record: JSON.parse(line) }))
    .filter(({ line, record }) => Array.isArray(record.messages) && !/[\u3040-\u30ff\u4e00-\u9fff]/.test(line))
    .map(({ line, record }) => ({ line, record, replyLength: record.messages.filter((m) => m.role === 'assistant').reduce((sum, m) => sum + m.content.length, 0) }))
    .sort((a, b) => a.replyLength - b.replyLength)
    .slice(0, count);
  if (records.length === 0) throw new Error(`${file}: no English records in the messages format`);
  // The prompt shown before and after: the shortest reply's question, which the model can reproduce in full.
  const prompt = records[0].record.messages.find((m) => m.role === 'user').content;
  return { text: records.map(({ line }) => line).join('\n') + '\n', prompt };
}

if (!existsSync(join(root, 'dist', 'cli.js')) || !existsSync(join(root, 'dist', 'lint.cjs'))) {
  process.stderr.write('demo: dist/cli.js or dist/lint.cjs is missing; run `npm run build` first (npm run demo does)\n');
  process.exit(1);
}
const dataset = sampleDataset();
if (!dataset) {
  process.stderr.write('demo: no sample dataset under examples/\n');
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const started = Date.now();
const subset = memorisableSubset(dataset);
const trainFile = join(work, 'train.jsonl');
writeFileSync(trainFile, subset.text);
const prompt = subset.prompt;

heading('1. Create a tiny random Llama model');
finetune(['init-model', '--arch', 'llama', '--size', 'tiny', '--out', model]);

heading(`2. Lint the sample dataset (${dataset.slice(root.length + 1)})`);
finetune(['lint', dataset]);

heading('3. Before training');
finetune(['generate', '--model', model, '--chat', '--prompt', prompt, '--max-new-tokens', '64']);

heading(`4. Train a LoRA adapter on 8 records of the sample dataset (${trainFile.slice(root.length + 1)})`);
// A random model's small output weights behind the final RMSNorm cap its logits, so the adapter wraps lm_head too
// (see engine/src/train/README.md).
finetune(['train', '--model', model, '--data', trainFile, '--out', run, '--method', 'lora', '--steps', '100', '--batch-size', '8', '--lr', '1e-2', '--rank', '16', '--alpha', '32', '--target-modules', 'q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj,lm_head', '--save-every', '0', '--sample-prompt', prompt, '--sample-every', '25', '--sample-max-tokens', '64']);

heading('5. After training (same prompt, with the adapter)');
finetune(['generate', '--model', model, '--adapter', join(run, 'adapter'), '--chat', '--prompt', prompt, '--max-new-tokens', '64']);

const events = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const steps = events.filter((event) => event.type === 'step');
// Batches differ in length and content, so compare the mean loss of the first and last epoch-sized windows.
const { batchesPerEpoch } = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).resolved;
const window = Math.max(1, Math.min(Math.max(5, batchesPerEpoch), Math.floor(steps.length / 2)));
const mean = (list) => list.reduce((sum, event) => sum + event.loss, 0) / list.length;
heading('Summary');
process.stdout.write(
  `mean loss ${mean(steps.slice(0, window)).toFixed(3)} (first ${window} steps) → ${mean(steps.slice(-window)).toFixed(3)} (last ${window}) over ${steps.length} steps; ` +
    `adapter in ${join(run, 'adapter').slice(root.length + 1)}; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`,
);
