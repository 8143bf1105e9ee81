// LoRA end to end on the tiny model: the loss falls, the adapter is written in PEFT's layout, metrics.jsonl and
// run.json follow the contract, and --resume continues the curve of an uninterrupted run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readSafetensorsHeader } from '../../../engine/src/io/safetensors';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { createFixture, type Fixture } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

function events(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
}
const steps = (list: RunEvent[]) => list.filter((event): event is StepEvent => event.type === 'step');

test('LoRA memorises a small dataset and writes a PEFT adapter', async () => {
  const args = fixture.args({ out: 'lora', steps: 30 });
  const result = await train(args);
  assert.equal(result.status, 'done');
  const curve = steps(events(args.out));
  assert.equal(curve.length, 30);
  for (const event of curve) for (const key of ['step', 'loss', 'lr', 'tokens', 'tokensPerSecond', 'elapsedMs'] as const) assert.equal(typeof event[key], 'number', key);
  const first = curve[0].loss;
  const last = curve[curve.length - 1].loss;
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  assert.equal(events(args.out).at(-1)?.type, 'done');

  const config = JSON.parse(readFileSync(join(args.out, 'adapter', 'adapter_config.json'), 'utf8'));
  assert.equal(config.peft_type, 'LORA');
  assert.equal(config.task_type, 'CAUSAL_LM');
  assert.equal(config.r, 4);
  assert.equal(config.lora_alpha, 8);
  assert.deepEqual(config.target_modules, ['q_proj', 'v_proj', 'lm_head']);
  assert.ok(typeof config.base_model_name_or_path === 'string');
  const header = readSafetensorsHeader(join(args.out, 'adapter', 'adapter_model.safetensors'));
  const modelConfig = JSON.parse(readFileSync(join(fixture.model, 'config.json'), 'utf8'));
  const hidden = modelConfig.hidden_size;
  const kvOut = (hidden / modelConfig.num_attention_heads) * modelConfig.num_key_value_heads;
  assert.equal(header.tensors.size, modelConfig.num_hidden_layers * 4 + 2);
  assert.deepEqual(header.tensors.get('base_model.model.lm_head.lora_A.weight')?.shape, [4, hidden]);
  assert.deepEqual(header.tensors.get('base_model.model.lm_head.lora_B.weight')?.shape, [modelConfig.vocab_size, 4]);
  for (let layer = 0; layer < modelConfig.num_hidden_layers; layer++) {
    for (const [module, out] of [['q_proj', hidden], ['v_proj', kvOut]] as const) {
      const prefix = `base_model.model.model.layers.${layer}.self_attn.${module}`;
      assert.deepEqual(header.tensors.get(`${prefix}.lora_A.weight`)?.shape, [4, hidden]);
      assert.deepEqual(header.tensors.get(`${prefix}.lora_B.weight`)?.shape, [out, 4]);
    }
  }
  const run = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'done');
  assert.equal(run.config.rank, 4);
  assert.equal(run.output, 'adapter');
});

test('a cancelled run resumes on the uninterrupted curve', async () => {
  const whole = fixture.args({ out: 'whole', steps: 10 });
  await train(whole);
  const reference = steps(events(whole.out));

  const interrupted = fixture.args({ out: 'parts', steps: 10, saveEvery: 100 });
  const controller = new AbortController();
  const first = await train(interrupted, { signal: controller.signal, onEvent: (event) => event.type === 'step' && event.step === 4 && controller.abort() });
  assert.equal(first.status, 'cancelled');
  assert.equal(first.step, 4);
  assert.equal(events(interrupted.out).at(-1)?.type, 'cancelled');
  assert.ok(first.lastCheckpoint && existsSync(first.lastCheckpoint));
  assert.equal(existsSync(join(interrupted.out, 'adapter')), false);

  const resumed = await train({ ...interrupted, resume: true });
  assert.equal(resumed.status, 'done');
  const curve = steps(events(interrupted.out));
  assert.deepEqual(curve.map((event) => event.step), reference.map((event) => event.step));
  for (let index = 0; index < curve.length; index++) {
    assert.ok(Math.abs(curve[index].loss - reference[index].loss) <= 1e-4 * Math.max(1, reference[index].loss), `step ${index + 1}: ${curve[index].loss} vs ${reference[index].loss}`);
  }
  assert.equal(events(interrupted.out).filter((event) => event.type === 'cancelled').length, 0);
});

test('an eval split reports eval loss', async () => {
  const args = fixture.args({ out: 'eval', steps: 4, evalFraction: 0.25, evalEvery: 2 });
  await train(args);
  const evals = events(args.out).filter((event) => event.type === 'eval');
  assert.equal(evals.length, 2);
  for (const event of evals) assert.ok(event.type === 'eval' && Number.isFinite(event.loss) && event.loss > 0);
  const run = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8'));
  assert.equal(run.resolved.evalExamples, 2);
  assert.equal(run.resolved.trainExamples, 6);
});
