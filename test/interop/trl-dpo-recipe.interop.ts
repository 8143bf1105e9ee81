// The TRL DPO round trip with the real Hugging Face stack (npm run test:interop; scripts/test-interop.mjs finds the
// Python and skips without it): a `--objective dpo` LoRA run of ours on a tiny llama model → `finetune export-recipe
// --format trl` → TRL's own parser for `trl dpo` reads the run's hyperparameters from dpo.yaml (and launch.sh's
// command line splits between accelerate and the DPO script), TRL's DPOTrainer
// tokenizes every pair into exactly the prompt and completion tokens our trainer sums its log-probs over → `trl dpo
// --config dpo.yaml` trains 3 steps on the CPU, its first loss ln 2 like ours → `finetune import-run` brings back the
// loss, rewards, margin and accuracy as a dpo run's events → the dashboard draws its Preference chart.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { initModel } from '../../engine/src/init/init-model';
import { loadChatTokenizer } from '../../tokenizer/src/tokenizer';
import type { RunEvent, StepEvent } from '../../contracts/src/run/run-events';
import { snapshotOf } from '../../contracts/src/run/run-snapshot';
import { curvePixels, themeVariables } from '../webviews/dashboard-harness';
import { finetune } from '../cli/finetune-cli';
import { inspectRecipe, ok, python } from './hf-python';
import { dashboardSkip, onImportedRunDashboard } from './imported-dashboard';

const INSPECT = join(import.meta.dirname, 'trl_dpo_inspect.py');
const PREFERENCES = join(import.meta.dirname, '..', 'fixtures', 'recipes', 'preferences.jsonl');
const MAX_SEQ_LEN = 256;
const STEPS = 3;

interface Message {
  role: string;
  content: string;
}

interface Inspection {
  config: Record<string, unknown>;
  launch: { launch_args: string[]; script_args: string[]; num_processes: number };
  records: Array<{ prompt_ids: number[]; chosen_ids: number[]; rejected_ids: number[] }>;
}

let dir: string;
let model: string;
let recipe: string;
let ours: StepEvent[];
let inspection: Inspection;



const readEvents = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-interop-dpo-'));
  model = join(dir, 'model');
  // llama, not qwen2: transformers 5 reads a qwen2 folder's tokenizer with Qwen2's own split regex (trl-recipe.interop.ts)
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 5 });
  const run = join(dir, 'run');
  ok(finetune('train', '--model', model, '--data', PREFERENCES, '--out', run, '--objective', 'dpo', '--beta', '0.1', '--eval-fraction', '0.2', '--method', 'lora', '--rank', '4', '--alpha', '8', '--target-modules', 'q_proj,v_proj', '--steps', String(STEPS), '--batch-size', '2', '--grad-accumulation', '2', '--lr', '0.001', '--warmup-steps', '1', '--max-seq-len', String(MAX_SEQ_LEN), '--seed', '7', '--device', 'cpu'));
  ours = readEvents(join(run, 'metrics.jsonl')).filter((event): event is StepEvent => event.type === 'step');
  recipe = join(dir, 'recipe');
  console.log(ok(finetune('export-recipe', '--run', run, '--format', 'trl', '--out', recipe, '--gpus', '2')).trim());
  inspection = inspectRecipe<Inspection>(INSPECT, recipe);
});

test("TRL's `trl dpo` parser reads the run's hyperparameters from dpo.yaml", () => {
  const run = JSON.parse(readFileSync(join(dir, 'run', 'run.json'), 'utf8')) as { resolved: { warmupSteps: number } };
  assert.deepEqual(
    { ...inspection.config, lora_target_modules: [...(inspection.config.lora_target_modules as string[])].sort() },
    {
      beta: 0.1,
      loss_type: ['sigmoid'],
      max_length: MAX_SEQ_LEN,
      truncation_mode: 'keep_start',
      disable_dropout: true, // the run has no LoRA dropout: DPOConfig's default stays
      learning_rate: 0.001,
      lr_scheduler_type: 'cosine_with_min_lr',
      lr_scheduler_kwargs: { min_lr_rate: 0.1 },
      warmup_steps: run.resolved.warmupSteps,
      max_steps: STEPS,
      per_device_train_batch_size: 2,
      gradient_accumulation_steps: 2,
      seed: 7,
      weight_decay: 0,
      adam_beta1: 0.9,
      adam_beta2: 0.999,
      adam_epsilon: 1e-8,
      max_grad_norm: 1,
      eval_steps: STEPS,
      eval_strategy: 'steps',
      precompute_ref_log_probs: false,
      model_name_or_path: model,
      use_peft: true,
      lora_r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      lora_target_modules: ['q_proj', 'v_proj'],
      use_rslora: false,
      load_in_4bit: false,
    },
  );
});

test('launch.sh runs `trl dpo`, its command line split between accelerate and the DPO script', () => {
  assert.deepEqual(inspection.launch.launch_args, ['--config_file', 'accelerate/zero3.yaml', '--num_processes', '2']);
  assert.equal(inspection.launch.num_processes, 2);
  assert.deepEqual(inspection.launch.script_args.slice(0, 2), ['--config', 'dpo.yaml']);
  // batch 2 × accumulation 2 on 2 processes: accumulation 1 each keeps the run's global batch of 4
  assert.deepEqual(inspection.launch.script_args.slice(2), ['--per_device_train_batch_size', '2', '--gradient_accumulation_steps', '1']);
});

test("TRL's DPOTrainer scores exactly the completion tokens our trainer scores, on both sides of every pair", () => {
  const tokenizer = loadChatTokenizer(model);
  const pairs = readFileSync(join(recipe, 'data', 'train.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { prompt: Message[]; chosen: Message[]; rejected: Message[] });
  assert.equal(inspection.records.length, pairs.length);
  assert.ok(pairs.some((pair) => pair.prompt[0].role === 'system'), 'a prompt with a system turn');
  let completionTokens = 0;
  pairs.forEach((pair, index) => {
    const theirs = inspection.records[index];
    const turns = (messages: Message[], trained: boolean) => messages.map((message) => ({ ...message, trained }));
    for (const side of ['chosen', 'rejected'] as const) {
      // what preference-data.ts sums over: the template of prompt + answer after the prompt with its generation prompt
      const tokenized = tokenizer.tokenizeCompletion(turns(pair.prompt, false), turns(pair[side], true), { maxTokens: MAX_SEQ_LEN });
      assert.deepEqual([...theirs.prompt_ids, ...theirs[`${side}_ids`]], Array.from(tokenized.ids), `pair ${index} ${side}: TRL's tokens are ours`);
      const firstScored = Array.from(tokenized.trainedMask).indexOf(1);
      assert.equal(firstScored, theirs.prompt_ids.length, `pair ${index} ${side}: the completion starts where TRL's does`);
      completionTokens += theirs[`${side}_ids`].length;
    }
  });
  console.log(`${pairs.length} pairs: TRL scores the same ${completionTokens} completion tokens as our trainer`);
});

test('`trl dpo --config dpo.yaml` trains on the CPU from ln 2, as ours does, and `finetune import-run` brings back a dpo run', () => {
  const started = performance.now();
  const trained = python(['trl', 'dpo', '--config', 'dpo.yaml'], recipe);
  assert.equal(trained.status, 0, trained.stderr.slice(-4000));
  console.log(`trl dpo: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const state = join(recipe, 'output', `checkpoint-${STEPS}`, 'trainer_state.json');
  assert.ok(existsSync(state));
  // the log history the unit test's fixture copies (test/fixtures/recipes/dpo-trainer-state.json)
  if (process.env.FINETUNE_WRITE_DPO_STATE) writeFileSync(process.env.FINETUNE_WRITE_DPO_STATE, readFileSync(state, 'utf8'));

  const imported = join(dir, 'imported');
  console.log(ok(finetune('import-run', '--from', join(recipe, 'output'), '--out', imported)).trim());
  const events = readEvents(join(imported, 'metrics.jsonl'));
  const steps = events.filter((event): event is StepEvent => event.type === 'step');
  assert.deepEqual(steps.map((event) => event.step), [1, 2, 3]);
  // LoRA's B = 0: policy and reference are one computation at step 1, in TRL as in ours
  assert.ok(Math.abs(steps[0].loss - Math.LN2) < 1e-5, `TRL's first loss ${steps[0].loss}`);
  assert.ok(Math.abs(ours[0].loss - Math.LN2) < 1e-6, `our first loss ${ours[0].loss}`);
  assert.deepEqual([steps[0].margin, steps[0].accuracy], [0, 0]);
  for (const event of steps) {
    for (const key of ['rewardsChosen', 'rewardsRejected', 'margin', 'accuracy'] as const) assert.equal(typeof event[key], 'number', `step ${event.step}: ${key}`);
    assert.ok(event.tokens > 0, JSON.stringify(event));
  }
  console.log(`TRL: ${steps.map((event) => `step ${event.step} loss ${event.loss.toFixed(4)} margin ${event.margin!.toFixed(4)}`).join('; ')}`);
  console.log(`ours: ${ours.map((event) => `step ${event.step} loss ${event.loss.toFixed(4)} margin ${event.margin!.toFixed(4)}`).join('; ')}`);
  const evaluated = events.find((event) => event.type === 'eval');
  assert.ok(evaluated && evaluated.type === 'eval' && typeof evaluated.accuracy === 'number' && typeof evaluated.margin === 'number', 'the eval event carries the preference metrics');
  const run = JSON.parse(readFileSync(join(imported, 'run.json'), 'utf8')) as { status: string; config: { objective: string; beta: number; model: string }; output: string };
  assert.deepEqual([run.status, run.config.objective, run.config.beta, run.config.model, run.output], ['done', 'dpo', 0.1, model, 'adapter']);
  const snapshot = snapshotOf(events);
  assert.equal(snapshot.ended, 'done');
  assert.equal(snapshot.step, STEPS);
});

test("the dashboard draws the imported dpo run's Preference chart", { skip: dashboardSkip }, async () => {
  await onImportedRunDashboard(join(dir, 'imported'), { name: 'imported-dpo', totalSteps: STEPS, screenshot: 'dashboard-imported-trl-dpo.png' }, async (page) => {
    const charts = await page.locator('section.chart').evaluateAll((sections) => sections.map((section) => section.getAttribute('aria-label')));
    assert.ok(charts.includes('Preference'), `charts: ${charts.join(', ')}`);
    assert.equal(await page.textContent('section[aria-label="Loss"] h3'), 'Loss (DPO)');
    const margin = await curvePixels(page, 'Preference', themeVariables('dark')['--vscode-charts-green']);
    assert.ok(margin.count > 0, `the margin curve is drawn (${JSON.stringify(margin)})`);
  });
});
