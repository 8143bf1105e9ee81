// The start-training flow's decisions (extension/src/training/start-choices.ts) and what the Runs view says about a
// run (run-description.ts): preference data is recognised as the language server's report recognises it, DPO is the
// objective offered first and restricts the methods to PREFERENCE_METHODS, the arguments carry objective and β only
// when they were asked, and a dpo run's loss is named DPO loss while an sft run reads as before.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import { snapshotOf } from '../../../contracts/src/run/run-snapshot';
import { METHODS, PREFERENCE_METHODS, trainingArgumentsSchema } from '../../../contracts/src/training-arguments';
import { createDatasetDocument, defaultSettings } from '../../../datasets/src/index';
import { argumentsFromConfiguration, newRunName } from '../../../extension/src/training/run-config';
import { describeRun, describeRunRows, snapshotLossName } from '../../../extension/src/training/run-description';
import {
  betaProblem, defaultBeta, defaultChoices, initialMethod, initialObjective, isPreferenceFormat, leadingFormat, methodsFor, OBJECTIVE_ITEMS, toArguments,
} from '../../../extension/src/training/start-choices';

const datasets: Record<string, unknown[]> = {
  explicit: [
    { prompt: 'What is the capital of France?', chosen: 'Paris.', rejected: 'Lyon.' },
    { prompt: 'What do bees make?', chosen: 'Honey.', rejected: 'Milk.' },
  ],
  explicitMessages: [
    { prompt: [{ role: 'user', content: 'What color is the sky?' }], chosen: [{ role: 'assistant', content: 'Blue.' }], rejected: [{ role: 'assistant', content: 'Green.' }] },
  ],
  implicit: [
    {
      chosen: [{ role: 'user', content: 'Which animal barks?' }, { role: 'assistant', content: 'A dog.' }],
      rejected: [{ role: 'user', content: 'Which animal barks?' }, { role: 'assistant', content: 'A cat.' }],
    },
  ],
  chat: [{ messages: [{ role: 'user', content: 'What is ice made of?' }, { role: 'assistant', content: 'Water.' }] }],
  alpaca: [{ instruction: 'Name a primary colour.', input: '', output: 'Red.' }],
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-start-choices-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('start flow: preference data', () => {
  it('recognises preference files as the dataset service\'s report does, from the first records when there is no server', () => {
    const expected: Record<string, boolean> = { explicit: true, explicitMessages: true, implicit: true, chat: false, alpaca: false };
    for (const [name, records] of Object.entries(datasets)) {
      const text = records.map((record) => JSON.stringify(record)).join('\n') + '\n';
      const file = join(dir, `${name}.jsonl`);
      writeFileSync(file, text);
      const report = createDatasetDocument(`file://${file}`, text, defaultSettings()).report();
      assert.equal(isPreferenceFormat(report.detectedFormat), expected[name], `${name}: the report says ${report.detectedFormat}`);
      assert.equal(leadingFormat(file), report.detectedFormat, `${name}: the fallback agrees with the report`);
    }
    // A broken line and a half-written last line are skipped; the majority wins.
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, [JSON.stringify(datasets.explicit[0]), '{"prompt": broken', JSON.stringify(datasets.explicit[1]), JSON.stringify(datasets.chat[0]), '{"prompt": "cut'].join('\n'));
    assert.equal(leadingFormat(mixed), 'preference');
    assert.equal(leadingFormat(join(dir, 'missing.jsonl')), null);
    assert.equal(isPreferenceFormat(null), false);
  });

  it('offers DPO first (recommended), then SFT on the chosen answers; a remembered choice comes first next time', () => {
    assert.deepEqual(OBJECTIVE_ITEMS.map((item) => item.objective), ['dpo', 'sft']);
    assert.match(OBJECTIVE_ITEMS[0].description, /recommended/);
    assert.match(OBJECTIVE_ITEMS[1].label, /chosen answers/);
    assert.equal(initialObjective(undefined), 'dpo');
    assert.equal(initialObjective('sft'), 'sft');
    assert.equal(defaultBeta(), 0.1);
  });

  it('restricts DPO to the preference methods; SFT keeps them all', () => {
    assert.deepEqual(methodsFor('dpo'), PREFERENCE_METHODS);
    assert.deepEqual([...methodsFor('dpo')].sort(), ['full', 'lora', 'qlora']);
    assert.deepEqual(methodsFor('sft'), METHODS);
    assert.equal(initialMethod('prompt', 'dpo'), 'lora', 'a remembered prompt-tuning method falls back to LoRA for DPO');
    assert.equal(initialMethod('qlora', 'dpo'), 'qlora');
    assert.equal(initialMethod('prompt', 'sft'), 'prompt');
  });

  it('passes objective and β for DPO, objective alone for SFT on preference data, neither for other data', () => {
    const choices = { ...defaultChoices(), model: '/models/tiny', steps: 20 };
    const dpo = toArguments('/data/pairs.jsonl', { ...choices, objective: 'dpo' }, true);
    assert.equal(dpo.objective, 'dpo');
    assert.equal(dpo.beta, 0.1);
    assert.equal(toArguments('/data/pairs.jsonl', { ...choices, objective: 'dpo', beta: 0.25 }, true).beta, 0.25);
    assert.equal(toArguments('/data/pairs.jsonl', { ...choices }, true).objective, 'dpo', 'DPO is the default for preference data');
    const sftOnChosen = toArguments('/data/pairs.jsonl', { ...choices, objective: 'sft', beta: 0.25 }, true);
    assert.equal(sftOnChosen.objective, 'sft');
    assert.equal('beta' in sftOnChosen, false);
    // An instruction dataset: exactly the arguments the flow made before objectives existed, even with a remembered dpo.
    const sft = toArguments('/data/chat.jsonl', { ...choices, objective: 'dpo', beta: 0.3 }, false);
    assert.deepEqual(sft, { model: '/models/tiny', data: '/data/chat.jsonl', method: 'lora', epochs: choices.epochs, batchSize: choices.batchSize, maxSeqLen: choices.maxSeqLen, steps: 20, rank: choices.rank });
    // What the flow hands the run manager parses as the trainer's own arguments.
    const parsed = trainingArgumentsSchema.parse({ ...dpo, out: '/runs/a' });
    assert.equal(parsed.objective, 'dpo');
    assert.equal(parsed.beta, 0.1);
  });

  it('names a dpo run\'s folder so (…-lora-dpo-<stamp>); an sft run\'s folder name is unchanged', () => {
    const when = new Date(2026, 11, 6, 4, 3, 25);
    assert.equal(newRunName('pairs', 'lora', when, 'dpo'), 'pairs-lora-dpo-20261206-040325');
    assert.equal(newRunName('pairs', 'lora', when, 'sft'), 'pairs-lora-20261206-040325');
    assert.equal(newRunName('chat', 'lora', when), 'chat-lora-20261206-040325');
    assert.match(argumentsFromConfiguration({ model: '/m', data: '/d.jsonl', method: 'qlora', objective: 'dpo' }, '/runs', 'pairs').out, /^\/runs\/pairs-qlora-dpo-\d{8}-\d{6}$/);
  });

  it('checks β as the trainer does', () => {
    assert.equal(betaProblem('0.1'), undefined);
    assert.equal(betaProblem('0.5'), undefined);
    assert.match(betaProblem('0') ?? '', /^beta: /);
    assert.match(betaProblem('-1') ?? '', /^beta: /);
    assert.match(betaProblem('') ?? '', /^beta: /);
    assert.match(betaProblem('abc') ?? '', /^beta: /);
  });
});

describe('runs view: what a run says', () => {
  const step = (n: number, extra: Partial<RunEvent> = {}): RunEvent => ({ type: 'step', step: n, loss: 0.41, lr: 5e-6, tokens: 100, tokensPerSecond: 1000, elapsedMs: n * 100, ...extra }) as RunEvent;
  const dpoStep = (n: number) => step(n, { rewardsChosen: 0.21, rewardsRejected: -0.35, margin: 0.56, accuracy: 0.875 } as Partial<RunEvent>);

  it('names a dpo run\'s loss DPO loss, with its reward accuracy and rewards in the tooltip', () => {
    const snapshot = { ...snapshotOf([dpoStep(1), dpoStep(2), { type: 'eval', step: 2, loss: 0.45, tokens: 10, elapsedMs: 250, margin: 0.4, accuracy: 0.8 }]), totalSteps: 2 };
    const run = { status: 'done' as const, snapshot, config: { method: 'lora', objective: 'dpo', beta: 0.1, model: 'models/tiny', data: 'pairs.jsonl' } };
    assert.equal(describeRun(run), 'done · step 2/2 · DPO loss 0.4100 · eval 0.4500 · acc 88%');
    const rows = Object.fromEntries(describeRunRows(run));
    assert.equal(rows.Objective, 'DPO (β 0.1)');
    assert.equal(rows['Last DPO loss'], '0.4100');
    assert.equal(rows['Best eval DPO loss'], '0.4500');
    assert.equal(rows['Rewards chosen / rejected'], '0.210 / -0.350');
    assert.equal(rows['Reward margin'], '0.560');
    assert.equal(rows['Reward accuracy'], '88%');
    assert.equal(rows['Last loss'], undefined);
    assert.equal(snapshotLossName(snapshot), 'DPO loss');
  });

  it('reads an sft run (objective recorded or not) exactly as before', () => {
    const snapshot = { ...snapshotOf([step(1), step(2), { type: 'eval', step: 2, loss: 0.45, tokens: 10, elapsedMs: 250 }]), totalSteps: 2 };
    for (const config of [{ method: 'lora' }, { method: 'lora', objective: 'sft' }]) {
      const run = { status: 'done' as const, snapshot, config };
      assert.equal(describeRun(run), 'done · step 2/2 · loss 0.4100 · eval 0.4500');
      assert.deepEqual(describeRunRows(run).map(([label]) => label), ['Status', 'Method', 'Model', 'Data', 'Steps', 'Last loss', 'Best eval loss', 'Duration', 'Tokens/s', 'Device']);
    }
    assert.equal(snapshotLossName(snapshot), 'loss');
  });
});
