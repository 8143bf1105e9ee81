// A `--objective dpo` run's recipe data: every kept preference record becomes one pair of message lists (string
// fields read as a user turn and an assistant turn, as our trainer reads them), both TRL forms (explicit prompt,
// implicit shared prefix) give the same pairs, the eval split and the skipped pairs are the trainer's own, and what a
// format cannot hold (several turns after the prompt for Axolotl and LLaMA-Factory) or dpo cannot train is refused.
// The golden files are in recipe-golden.test.ts; `npm run test:interop` runs the TRL recipe with TRL.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../../engine/src/init/init-model';
import { exportRecipe, recipeFiles } from '../../../engine/src/recipes/export-recipe';
import { buildRecipeDataset, type RecipePair } from '../../../engine/src/recipes/recipe-dataset';
import { readRecipeRun } from '../../../engine/src/recipes/recipe-run';
import { trlConfig } from '../../../engine/src/recipes/trl';
import { loadPreferenceData } from '../../../engine/src/train/training-data';
import { loadChatTokenizer } from '../../../tokenizer/src/tokenizer';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'recipes');
let dir: string;

function config(name: string, values: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ model: 'model', data: join(FIXTURES, 'preferences.jsonl'), objective: 'dpo', method: 'lora', steps: 4, ...values }));
  return file;
}

const jsonLines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-recipe-dpo-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'model'), seed: 1 });
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('every preference record becomes a pair of message lists; string fields read as a user and an assistant turn', async () => {
  const dataset = await buildRecipeDataset(readRecipeRun({ config: config('plain', { evalFraction: 0 }) }).args);
  assert.equal(dataset.kind, 'preference');
  assert.equal(dataset.train.length, 10);
  assert.equal(dataset.eval.length, 0);
  const source = jsonLines(readFileSync(join(FIXTURES, 'preferences.jsonl'), 'utf8'));
  dataset.train.forEach((record, index) => {
    assert.equal(record.kind, 'pair');
    const pair = record as RecipePair;
    const raw = source[index];
    const asMessages = (value: unknown, role: string) => (typeof value === 'string' ? [{ role, content: value }] : value);
    assert.deepEqual(pair.prompt, asMessages(raw.prompt, 'user'), `line ${index + 1}: prompt`);
    assert.deepEqual(pair.chosen, asMessages(raw.chosen, 'assistant'), `line ${index + 1}: chosen`);
    assert.deepEqual(pair.rejected, asMessages(raw.rejected, 'assistant'), `line ${index + 1}: rejected`);
  });
  assert.deepEqual(dataset.trainConversations, []);
});

test("the implicit-prompt form (chosen/rejected conversations sharing a prefix) gives the explicit form's pairs", async () => {
  const explicit = jsonLines(readFileSync(join(FIXTURES, 'preferences.jsonl'), 'utf8'));
  const messages = (value: unknown, role: string) => (typeof value === 'string' ? [{ role, content: value }] : (value as unknown[]));
  const implicit = explicit.map((record) => ({ chosen: [...messages(record.prompt, 'user'), ...messages(record.chosen, 'assistant')], rejected: [...messages(record.prompt, 'user'), ...messages(record.rejected, 'assistant')] }));
  const file = join(dir, 'implicit.jsonl');
  writeFileSync(file, implicit.map((record) => JSON.stringify(record)).join('\n') + '\n');
  const fromExplicit = await buildRecipeDataset(readRecipeRun({ config: config('explicit', { evalFraction: 0.2 }) }).args);
  const fromImplicit = await buildRecipeDataset(readRecipeRun({ config: config('implicit', { data: file, evalFraction: 0.2 }) }).args);
  assert.deepEqual(fromImplicit.train, fromExplicit.train);
  assert.deepEqual(fromImplicit.eval, fromExplicit.eval);
});

test('the eval split and the skipped pairs are the trainer\'s own', async () => {
  // a pair whose prompt alone fills --max-seq-len has no answer token left: the trainer skips it, so does the recipe
  const long = { prompt: `Summarise this: ${'word '.repeat(400)}`, chosen: 'Words.', rejected: 'Nothing at all.' };
  const file = join(dir, 'with-long.jsonl');
  writeFileSync(file, readFileSync(join(FIXTURES, 'preferences.jsonl'), 'utf8') + JSON.stringify(long) + '\n');
  const { args } = readRecipeRun({ config: config('long', { data: file, evalFraction: 0.3, maxSeqLen: 96, seed: 5 }) });
  const dataset = await buildRecipeDataset(args);
  assert.equal(dataset.skippedRecords, 1);
  assert.ok((dataset.truncatedSides ?? 0) >= 2);
  assert.equal(dataset.train.length + dataset.eval.length, 10);
  assert.ok(!dataset.train.some((record) => record.line === 10) && !dataset.eval.some((record) => record.line === 10));
  // the trainer's data over the same arguments: the same counts, and its eval pairs are the recipe's test split
  const tokenizer = loadChatTokenizer(args.model);
  const trainer = await loadPreferenceData(args, tokenizer, 0);
  assert.deepEqual([trainer.trainCount, trainer.evalCount, trainer.skipped], [dataset.train.length, dataset.eval.length, 1]);
  const trainerEvalLines = trainer.evalBatches().flatMap((batch) => batch.lines);
  assert.ok(trainerEvalLines.length > 0);
  assert.deepEqual(trainerEvalLines.sort(), dataset.eval.map((record) => record.line).sort());

  // an --eval file: its pairs are the test split, the training file is not split
  const withEvalFile = await buildRecipeDataset(readRecipeRun({ config: config('eval-file', { eval: join(FIXTURES, 'preferences.jsonl'), evalFraction: 0.5 }) }).args);
  assert.deepEqual([withEvalFile.train.length, withEvalFile.eval.length], [10, 10]);
});

test('dpo.yaml: β, the sigmoid loss, no SFT fields; full fine-tuning keeps DPOConfig\'s dropout default, QLoRA is NF4', async () => {
  const run = readRecipeRun({ config: config('lora', { beta: 0.3, dropout: 0 }) });
  const dataset = await buildRecipeDataset(run.args);
  const lora = trlConfig(run, dataset);
  assert.deepEqual([lora.beta, lora.loss_type, lora.max_length, lora.truncation_mode, lora.disable_dropout, lora.completion_only_loss, lora.packing, lora.learning_rate], [0.3, ['sigmoid'], run.args.maxSeqLen, 'keep_start', undefined, undefined, undefined, 5e-6]);
  const full = trlConfig({ ...run, args: { ...run.args, method: 'full' } }, dataset);
  assert.deepEqual([full.use_peft, full.disable_dropout], [false, undefined]);
  const qlora = trlConfig({ ...run, args: { ...run.args, method: 'qlora', dropout: 0.1 } }, dataset);
  assert.deepEqual([qlora.load_in_4bit, qlora.bnb_4bit_quant_type, qlora.disable_dropout], [true, 'nf4', false]);
  // the full run's default learning rate is dpo's for full (1e-6)
  assert.equal(readRecipeRun({ config: config('full', { method: 'full' }) }).learningRate, 1e-6);
});

test('an sft run on preference data still exports the chosen conversations as SFT records', async () => {
  const run = readRecipeRun({ config: config('sft', { objective: 'sft', evalFraction: 0 }) });
  const dataset = await buildRecipeDataset(run.args);
  assert.equal(dataset.kind, 'chat');
  assert.equal(dataset.train.length, 10);
  const files = recipeFiles('trl', run, dataset, 1, 1);
  assert.ok(files.some((file) => file.path === 'sft.yaml') && !files.some((file) => file.path === 'dpo.yaml'));
  const first = jsonLines(files.find((file) => file.path === 'data/train.jsonl')!.content)[0];
  assert.deepEqual(Object.keys(first), ['prompt', 'completion']);
});

test('several turns after the prompt: TRL takes them as message lists, Axolotl and LLaMA-Factory refuse the pair by line', async () => {
  const multi = {
    chosen: [{ role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'Hello! Ask me anything.' }, { role: 'user', content: 'Thanks.' }, { role: 'assistant', content: 'You are welcome.' }],
    rejected: [{ role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'Go away.' }, { role: 'user', content: 'Thanks.' }, { role: 'assistant', content: 'Whatever.' }],
  };
  const file = join(dir, 'multi.jsonl');
  writeFileSync(file, [multi, multi, multi].map((record) => JSON.stringify(record)).join('\n') + '\n');
  const run = readRecipeRun({ config: config('multi', { data: file, evalFraction: 0 }) });
  const dataset = await buildRecipeDataset(run.args);
  const pair = dataset.train[0] as RecipePair;
  assert.deepEqual([pair.prompt.length, pair.chosen.length, pair.rejected.length], [1, 3, 3]);
  const trl = jsonLines(recipeFiles('trl', run, dataset, 1, 1).find((file) => file.path === 'data/train.jsonl')!.content)[0];
  assert.deepEqual(trl.chosen, multi.chosen.slice(1));
  for (const format of ['axolotl', 'llamafactory'] as const) {
    assert.throws(() => recipeFiles(format, run, dataset, 1, 1), /line 1: .*one assistant answer per side, this pair has 3 and 3 turns/, format);
  }
});

test('what dpo does not train is refused, as `finetune train` refuses it; chat data under dpo names its line', async () => {
  assert.throws(() => readRecipeRun({ config: config('packing', { packing: true }) }), /--packing is not offered with --objective dpo/);
  assert.throws(() => readRecipeRun({ config: config('ptuning', { method: 'ptuning' }) }), /P-tuning \(--method ptuning\) has no equivalent/);
  const run = readRecipeRun({ config: config('chat', { data: join(FIXTURES, 'chat.jsonl') }) });
  await assert.rejects(exportRecipe(run, { format: 'trl', out: join(dir, 'out-chat'), gpus: 1, nodes: 1 }), /chat\.jsonl:1: --objective dpo needs preference records/);
});
