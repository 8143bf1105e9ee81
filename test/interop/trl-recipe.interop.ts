// The TRL round trip with the real Hugging Face stack (npm run test:interop; scripts/test-interop.mjs finds the
// Python in FINETUNE_HF_PYTHON or /opt/hfvenv and skips without it): a LoRA run of ours on a tiny llama model →
// `finetune export-recipe --format trl` → TRL's own parser reads the run's hyperparameters from sft.yaml, TRL's
// SFTTrainer builds labels on exactly our trained tokens, launch.sh's command line splits between accelerate and
// the script as intended, every Accelerate config loads → `trl sft --config sft.yaml` trains on the CPU →
// `finetune import-run` → the dashboard's curve, `score`, `generate` and `eval` on the imported adapter.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { initModel } from '../../engine/src/init/init-model';
import { loadChatTokenizer } from '../../tokenizer/src/tokenizer';
import type { RunEvent } from '../../contracts/src/run/run-events';
import { snapshotOf } from '../../contracts/src/run/run-snapshot';
import { curvePixels, themeVariables } from '../webviews/dashboard-harness';
import { finetune } from '../cli/finetune-cli';
import { inspectRecipe, ok, python } from './hf-python';
import { dashboardSkip, onImportedRunDashboard } from './imported-dashboard';

const INSPECT = join(import.meta.dirname, 'trl_inspect.py');
const MAX_SEQ_LEN = 256;
const CHAT = join(import.meta.dirname, '..', '..', 'examples', 'chat.jsonl');

interface Inspection {
  records: Array<{ input_ids: number[]; labels: number[] }>;
  config: Record<string, unknown>;
  launch: { launch_args: string[]; script_args: string[]; config_file: string; num_processes: number };
  accelerate_configs: Record<string, { distributed_type: string; num_processes: number }>;
}

let dir: string;
let model: string;
let data: string;
let recipe: string;
let inspection: Inspection;



before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-interop-'));
  model = join(dir, 'model');
  // llama, not qwen2: transformers 5 loads a qwen2 folder's tokenizer as Qwen2Tokenizer with Qwen2's own split regex,
  // which differs from the GPT-2 byte-level split init-model writes into tokenizer.json ("{\n  x" gives other tokens).
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 3 });
  // The sample chat data plus a conversation with two assistant turns: it must become two records.
  const multiTurn = {
    messages: [
      { role: 'system', content: 'You answer in one sentence.' },
      { role: 'user', content: 'What is a mutex?' },
      { role: 'assistant', content: 'A lock that lets one thread at a time into a critical section.' },
      { role: 'user', content: 'And a semaphore?' },
      { role: 'assistant', content: 'A counter that lets up to N threads in at once.' },
    ],
  };
  data = join(dir, 'train.jsonl');
  writeFileSync(data, readFileSync(CHAT, 'utf8').split('\n').slice(0, 16).join('\n') + '\n' + JSON.stringify(multiTurn) + '\n');
  const run = join(dir, 'run');
  ok(finetune('train', '--model', model, '--data', data, '--out', run, '--eval-fraction', '0.2', '--method', 'lora', '--rank', '4', '--alpha', '8', '--rslora', '--target-modules', 'q_proj,v_proj', '--steps', '4', '--batch-size', '2', '--grad-accumulation', '2', '--lr', '0.001', '--warmup-steps', '1', '--max-seq-len', String(MAX_SEQ_LEN), '--seed', '7', '--device', 'cpu'));
  recipe = join(dir, 'recipe');
  const exported = ok(finetune('export-recipe', '--run', run, '--format', 'trl', '--out', recipe, '--gpus', '4', '--nodes', '2'));
  console.log(exported.trim());
  inspection = inspectRecipe<Inspection>(INSPECT, recipe);
});

test("TRL's parser reads the run's hyperparameters from sft.yaml", () => {
  const run = JSON.parse(readFileSync(join(dir, 'run', 'run.json'), 'utf8')) as { resolved: { warmupSteps: number } };
  assert.deepEqual(
    { ...inspection.config, lora_target_modules: [...(inspection.config.lora_target_modules as string[])].sort() },
    {
      model_name_or_path: model,
      use_peft: true,
      lora_r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      lora_target_modules: ['q_proj', 'v_proj'],
      use_rslora: true,
      load_in_4bit: false,
      learning_rate: 0.001,
      lr_scheduler_type: 'cosine_with_min_lr',
      lr_scheduler_kwargs: { min_lr_rate: 0.1 },
      warmup_steps: run.resolved.warmupSteps,
      max_steps: 4,
      num_train_epochs: 3, // TrainingArguments' default; max_steps wins
      per_device_train_batch_size: 2,
      gradient_accumulation_steps: 2,
      max_length: 256,
      seed: 7,
      weight_decay: 0,
      adam_beta1: 0.9,
      adam_beta2: 0.999,
      adam_epsilon: 1e-8,
      max_grad_norm: 1,
      completion_only_loss: true,
      eval_steps: 4,
    },
  );
});

test("TRL's labels cover exactly our trained tokens (plus the template's newline after <|im_end|>)", () => {
  const tokenizer = loadChatTokenizer(model);
  const records = readFileSync(join(recipe, 'data', 'train.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { prompt: Array<{ role: string; content: string }>; completion: Array<{ role: string; content: string }> });
  assert.ok(records.some((record) => record.prompt.some((message) => message.role === 'assistant')), 'the two-turn conversation gives a record whose prompt holds an assistant turn');
  // TRL keeps the dataset's order (no shuffling before the trainer's sampler).
  assert.equal(inspection.records.length, records.length);
  let trainedTokens = 0;
  let extraTokens = 0;
  records.forEach((record, index) => {
    const turns = [...record.prompt.map((message) => ({ role: message.role, content: message.content, trained: false })), { ...record.completion[0], trained: true }];
    // Both truncate at max_length = --max-seq-len (256), keeping the start.
    const rendered = tokenizer.tokenizeChat(turns);
    const ours = { ids: rendered.ids.slice(0, MAX_SEQ_LEN), trainedMask: rendered.trainedMask.slice(0, MAX_SEQ_LEN) };
    const theirs = inspection.records[index];
    // Our rendering of the record is the same text as TRL's (ChatML's "\n" after <|im_end|> included), tokenized the same.
    assert.deepEqual(theirs.input_ids, ours.ids, `record ${index}: TRL's tokens are ours`);
    const trainedByTrl = theirs.labels.flatMap((label, position) => (label === -100 ? [] : [position]));
    const trainedByUs = Array.from(ours.trainedMask).flatMap((bit, position) => (bit ? [position] : []));
    // TRL trains the completion to the end of the text: ours, then what the template writes after the end-of-turn token.
    const afterOurs = (trainedByUs.at(-1) ?? -1) + 1;
    const extra = ours.ids.slice(afterOurs);
    if (extra.length > 0) assert.equal(tokenizer.decode(extra).trim(), '', `record ${index}: TRL's extra tokens are whitespace`);
    assert.deepEqual(trainedByTrl, [...trainedByUs, ...extra.map((_, offset) => afterOurs + offset)], `record ${index}: same trained positions`);
    extraTokens += extra.length;
    trainedTokens += trainedByUs.length;
  });
  console.log(`${records.length} records: TRL trains our ${trainedTokens} tokens, plus ${extraTokens} newline tokens after <|im_end|>`);
});

test('launch.sh splits between accelerate and the training script, and every Accelerate config loads', () => {
  assert.deepEqual(inspection.launch.launch_args, ['--config_file', 'accelerate/zero3.yaml', '--num_processes', '4']);
  assert.equal(inspection.launch.num_processes, 4);
  assert.ok(inspection.launch.script_args.includes('--config') && inspection.launch.script_args.includes('sft.yaml'));
  assert.deepEqual(Object.keys(inspection.accelerate_configs).sort(), ['accelerate/ddp.yaml', 'accelerate/fsdp.yaml', 'accelerate/zero2.yaml', 'accelerate/zero3.yaml']);
  assert.equal(inspection.accelerate_configs['accelerate/zero3.yaml'].distributed_type, 'DistributedType.DEEPSPEED');
});

test('`trl sft --config sft.yaml` trains the recipe on the CPU and `finetune import-run` brings it back', () => {
  const started = performance.now();
  const trained = python(['trl', 'sft', '--config', 'sft.yaml'], recipe);
  assert.equal(trained.status, 0, trained.stderr.slice(-4000));
  console.log(`trl sft: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(existsSync(join(recipe, 'output', 'checkpoint-4', 'trainer_state.json')));

  const imported = join(dir, 'imported');
  console.log(ok(finetune('import-run', '--from', join(recipe, 'output'), '--out', imported)).trim());
  const events = readFileSync(join(imported, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const steps = events.filter((event) => event.type === 'step');
  assert.deepEqual(steps.map((event) => event.step), [1, 2, 3, 4]);
  for (const event of steps) assert.ok(Number.isFinite(event.loss) && event.loss > 0 && event.tokens > 0, JSON.stringify(event));
  // The Trainer's warmup starts from 0 at its step 0 (ours reaches the peak at the last warmup step): the peak arrives one step later.
  assert.deepEqual(steps.map((event) => event.lr > 0), [false, true, true, true]);
  assert.equal(Math.max(...steps.map((event) => event.lr)), 0.001);
  console.log(`imported curve: ${steps.map((event) => `step ${event.step} loss ${event.loss.toFixed(4)} lr ${event.lr.toExponential(2)}`).join('; ')}`);
  assert.ok(events.some((event) => event.type === 'eval' && event.step === 4));
  assert.equal(events.at(-1)?.type, 'done');

  // The dashboard's header folds the same events (its charts draw the step and eval events above).
  const snapshot = snapshotOf(events);
  assert.equal(snapshot.ended, 'done');
  assert.equal(snapshot.step, 4);
  assert.equal(snapshot.loss, steps[3].loss);
  assert.ok(Number.isFinite(snapshot.evalLoss));

  // The adapter serves preview (score, generate) and eval like a local run's.
  const run = JSON.parse(readFileSync(join(imported, 'run.json'), 'utf8')) as { status: string; config: { model: string }; output: string };
  assert.equal(run.status, 'done');
  assert.equal(run.config.model, model);
  const base = JSON.parse(ok(finetune('score', '--model', model, '--text', 'What is a mutex?', '--json', '--device', 'cpu'))) as { logprobs: Array<number | null> };
  const tuned = JSON.parse(ok(finetune('score', '--model', model, '--adapter', join(imported, 'adapter'), '--text', 'What is a mutex?', '--json', '--device', 'cpu'))) as { tokens: number[]; logprobs: Array<number | null> };
  assert.notDeepEqual(tuned.logprobs, base.logprobs, 'the imported adapter changes the model');
  // …and our engine applies it as PEFT does: the same log-probabilities from transformers + PEFT on the same tokens.
  const reference = python([join(import.meta.dirname, 'peft_logprobs.py'), model, join(recipe, 'output'), tuned.tokens.join(',')], recipe);
  assert.equal(reference.status, 0, reference.stderr.slice(-3000));
  const expected = JSON.parse(reference.stdout.trim().split('\n').at(-1) as string) as Array<number | null>;
  const worst = Math.max(...tuned.logprobs.map((value, index) => (value === null ? 0 : Math.abs(value - (expected[index] as number)))));
  console.log(`imported adapter: our log-probabilities vs transformers + PEFT, max difference ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4, `max |Δ logprob| ${worst}`);
  ok(finetune('generate', '--model', model, '--adapter', join(imported, 'adapter'), '--prompt', 'Hello', '--chat', '--max-new-tokens', '4', '--device', 'cpu'));
  const evaluated = JSON.parse(ok(finetune('eval', '--run', imported, '--data', data, '--json', '--device', 'cpu'))) as { loss: number };
  assert.ok(Number.isFinite(evaluated.loss));
});

test('the dashboard webview draws the imported run\'s loss curve', { skip: dashboardSkip }, async () => {
  await onImportedRunDashboard(join(dir, 'imported'), { name: 'imported', totalSteps: 4, screenshot: 'dashboard-imported-trl.png' }, async (page) => {
    const curve = await curvePixels(page, 'Loss', themeVariables('dark')['--vscode-charts-blue']);
    assert.ok(curve.count > 0 && curve.right > 0.85, `the imported loss curve spans the chart (${JSON.stringify(curve)})`);
  });
});
