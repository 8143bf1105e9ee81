// `finetune import-run` on an output folder laid out as the Hugging Face Trainer and PEFT write it (the layout
// `trl sft` produced in `npm run test:interop`): checkpoint-N/trainer_state.json's log history becomes step and eval
// events, the PEFT adapter becomes adapter/ (minus the frozen lm_head copy PEFT saves with tied embeddings), and the
// recipe's manifest beside output/ gives run.json its configuration. A DPO output folder (its trainer_state.json
// test/fixtures/recipes/dpo-trainer-state.json, written by `trl dpo` on a recipe of ours in `npm run test:interop`)
// imports as a dpo run: rewards, margin and accuracy on the step and eval events, objective dpo in run.json.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { initModel } from '../../../engine/src/init/init-model';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { RECIPE_MANIFEST } from '../../../engine/src/recipes/export-recipe';
import { eventsFromLogHistory, importRun } from '../../../engine/src/recipes/import-run';
import { isLoraTensor } from '../../../engine/src/recipes/peft-adapter-import';
import type { RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { parseRunEventLine } from '../../../contracts/src/run/run-event-check';
import { objectiveOf, preferenceMetricsOf } from '../../../contracts/src/run/run-objective';
import { snapshotOf } from '../../../contracts/src/run/run-snapshot';

const DPO_STATE = join(import.meta.dirname, '..', '..', 'fixtures', 'recipes', 'dpo-trainer-state.json');
let dir: string;
let model: string;
let output: string;

// What transformers 5 / TRL 1.13 log: cumulative num_tokens, learning_rate after the step, eval entries apart.
const logHistory = [
  { loss: 6.95, grad_norm: 0.13, learning_rate: 0, entropy: 6.9, num_tokens: 624, mean_token_accuracy: 0, epoch: 0.25, step: 1 },
  { loss: 6.93, grad_norm: 0.14, learning_rate: 0.001, entropy: 6.9, num_tokens: 1174, mean_token_accuracy: 0, epoch: 0.5, step: 2 },
  { loss: 6.91, grad_norm: 0.19, learning_rate: 0.0007, entropy: 6.9, num_tokens: 1822, mean_token_accuracy: 0, epoch: 0.75, step: 3 },
  { eval_loss: 6.9, eval_runtime: 0.17, eval_samples_per_second: 46, eval_steps_per_second: 23, epoch: 0.75, step: 3 },
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-import-run-'));
  model = join(dir, 'model');
  initModel({ arch: 'qwen2', size: 'tiny', out: model, seed: 4 });
  const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')) as { hidden_size: number; vocab_size: number };
  const hidden = config.hidden_size;
  output = join(dir, 'recipe', 'output');
  const checkpoint = join(output, 'checkpoint-3');
  mkdirSync(checkpoint, { recursive: true });
  writeFileSync(join(checkpoint, 'trainer_state.json'), JSON.stringify({ global_step: 3, max_steps: 3, log_history: logHistory }));
  const adapterConfig = { peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: model, r: 2, lora_alpha: 4, lora_dropout: 0, target_modules: ['q_proj', 'lm_head'], use_rslora: false, bias: 'none', fan_in_fan_out: false };
  for (const folder of [output, checkpoint]) {
    writeFileSync(join(folder, 'adapter_config.json'), JSON.stringify(adapterConfig));
    writeSafetensors(join(folder, 'adapter_model.safetensors'), [
      { name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', dtype: 'F32', shape: [2, hidden], data: new Float32Array(2 * hidden).fill(0.01) },
      { name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight', dtype: 'F32', shape: [hidden, 2], data: new Float32Array(hidden * 2).fill(0.02) },
      { name: 'base_model.model.lm_head.lora_A.weight', dtype: 'F32', shape: [2, hidden], data: new Float32Array(2 * hidden).fill(0.01) },
      { name: 'base_model.model.lm_head.lora_B.weight', dtype: 'F32', shape: [config.vocab_size, 2], data: new Float32Array(config.vocab_size * 2) },
      // PEFT's save_embedding_layers with tied embeddings: a copy of the frozen base weight
      { name: 'base_model.model.lm_head.base_layer.weight', dtype: 'F32', shape: [config.vocab_size, hidden], data: new Float32Array(config.vocab_size * hidden) },
    ]);
  }
  writeFileSync(join(dir, 'recipe', RECIPE_MANIFEST), JSON.stringify({ version: 1, format: 'trl', baseModel: 'Qwen/Qwen2.5-7B-Instruct', config: { model, data: 'train.jsonl', method: 'lora', rank: 2, alpha: 4, lr: 0.001 }, source: 'run.json' }));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the log history becomes step and eval events with per-step tokens', () => {
  const events = eventsFromLogHistory(logHistory);
  assert.deepEqual(events.map((event) => [event.type, 'step' in event ? event.step : undefined]), [['step', 1], ['step', 2], ['step', 3], ['eval', 3]]);
  assert.deepEqual(events.flatMap((event) => (event.type === 'step' ? [event.tokens] : [])), [624, 550, 648]);
  const second = events[1];
  assert.ok(second.type === 'step' && second.lr === 0.001 && second.gradNorm === 0.14 && second.epoch === 0.5);
});

test('import-run writes a finished run folder every command reads', () => {
  const out = join(dir, 'imported');
  const result = importRun({ from: output, out });
  assert.deepEqual([result.steps, result.evals, result.output, result.model], [3, 1, 'adapter', model]);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string; step: number; output: string; config: Record<string, unknown>; resolved: Record<string, unknown> };
  assert.equal(run.status, 'done');
  assert.equal(run.step, 3);
  assert.equal(run.output, 'adapter');
  assert.equal(run.config.model, model, 'the local base model, so preview and export can load it');
  assert.equal(run.config.method, 'lora');
  assert.equal(run.config.out, out);
  assert.equal(run.resolved.totalSteps, 3);
  assert.deepEqual(run.resolved.droppedFrozenTensors, ['base_model.model.lm_head.base_layer.weight']);
  const events = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const done = events.at(-1);
  assert.ok(done?.type === 'done' && done.step === 3 && done.loss === 6.91 && done.evalLoss === 6.9 && done.output === 'adapter');
  // Our adapter reader (score, generate, eval, export, preview) loads it.
  const adapter = readPeftAdapter(join(out, 'adapter'));
  assert.deepEqual([...adapter.modules.keys()].sort(), ['lm_head', 'model.layers.0.self_attn.q_proj']);
  assert.throws(() => importRun({ from: output, out }), /already holds a run/);
  importRun({ from: output, out, force: true });
});

test("a DPO run's log history becomes step and eval events with our preference fields", () => {
  const state = JSON.parse(readFileSync(DPO_STATE, 'utf8')) as { log_history: Parameters<typeof eventsFromLogHistory>[0] };
  const events = eventsFromLogHistory(state.log_history);
  assert.deepEqual(events.map((event) => [event.type, 'step' in event ? event.step : undefined]), [['step', 1], ['step', 2], ['step', 3], ['eval', 3]]);
  const [first, , third, evaluated] = events;
  assert.ok(first.type === 'step' && third.type === 'step' && evaluated.type === 'eval');
  // LoRA's B = 0 at step 1: TRL's loss is ln 2 with no margin, as ours
  assert.ok(Math.abs(first.loss - Math.LN2) < 1e-7);
  assert.deepEqual([first.rewardsChosen, first.rewardsRejected, first.margin, first.accuracy], [0, 0, 0, 0]);
  assert.deepEqual([third.rewardsChosen, third.rewardsRejected, third.margin, third.accuracy], [2.088549081236124e-5, -0.002917861915193498, 0.0029387474060058594, 1]);
  assert.deepEqual([evaluated.loss, evaluated.rewardsChosen, evaluated.rewardsRejected, evaluated.margin, evaluated.accuracy], [0.6926050782203674, -0.0004104614199604839, -0.0014949798351153731, 0.0010845183860510588, 1]);
  assert.deepEqual(events.flatMap((event) => (event.type === 'step' ? [event.tokens] : [])), [451, 423, 417]);
  // the events pass the check every reader applies, and an SFT history gets none of the fields
  for (const event of events) assert.deepEqual(parseRunEventLine(JSON.stringify(event), 'metrics.jsonl'), event);
  for (const event of eventsFromLogHistory(logHistory)) assert.equal(preferenceMetricsOf(event as StepEvent), undefined);
});

test('a DPO output folder without the recipe\'s manifest imports as a dpo run', () => {
  const dpoOutput = join(dir, 'dpo-output');
  const checkpoint = join(dpoOutput, 'checkpoint-3');
  mkdirSync(checkpoint, { recursive: true });
  writeFileSync(join(checkpoint, 'trainer_state.json'), readFileSync(DPO_STATE, 'utf8'));
  for (const file of ['adapter_config.json', 'adapter_model.safetensors']) writeFileSync(join(checkpoint, file), readFileSync(join(output, file)));
  const out = join(dir, 'imported-dpo');
  const result = importRun({ from: dpoOutput, out, model });
  assert.deepEqual([result.steps, result.evals], [3, 1]);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: Record<string, unknown> };
  assert.deepEqual([run.config.objective, run.config.method, objectiveOf(run.config)], ['dpo', 'lora', 'dpo']);
  const events = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const snapshot = snapshotOf(events);
  assert.equal(snapshot.step, 3);
  assert.equal(typeof (events[2] as StepEvent).margin, 'number');
  // an SFT output keeps no objective of its own (run.json without one reads as sft)
  const sftOut = join(dir, 'imported-sft-plain');
  importRun({ from: output, out: sftOut });
  assert.equal(objectiveOf((JSON.parse(readFileSync(join(sftOut, 'run.json'), 'utf8')) as { config: Record<string, unknown> }).config), 'sft');
});

test('a folder without trainer_state.json or weights is refused, naming what is missing', () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.throws(() => importRun({ from: empty, out: join(dir, 'x') }), /no trainer_state\.json/);
  assert.ok(!existsSync(join(dir, 'x', 'run.json')));
});

test('only LoRA factors count as adapter tensors', () => {
  assert.ok(isLoraTensor('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight'));
  assert.ok(isLoraTensor('base_model.model.lm_head.lora_B.default.weight'));
  assert.ok(!isLoraTensor('base_model.model.lm_head.base_layer.weight'));
  assert.ok(!isLoraTensor('base_model.model.model.embed_tokens.weight'));
});
