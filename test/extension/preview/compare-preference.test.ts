// Compare Base vs Fine-Tuned on preference pairs: a pair's parts as the dataset service reads them, the saved file
// (old files without pairs still read) and its page (per pair both models' log-probs, their verdicts, the DPO margin
// and the summary line; text escaped, no script), the scoring's handling of left-out pairs and failures, and — against
// a real worker with a real DPO-trained LoRA run — scores and verdicts equal to the engine's own scoring, and a mean
// margin equal to what `finetune eval` reports (summarizePreferences).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDatasetDocument, defaultSettings } from '../../../datasets/src/index';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { readScoringExamples } from '../../../engine/src/evaluate/dataset';
import { scorePairs, summarizePreferences, type PairScore } from '../../../engine/src/evaluate/preference';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { train } from '../../../engine/src/train/loop';
import { tokenizePairs } from '../../../engine/src/train/preference-data';
import { resolveTrainingArguments } from '../../../contracts/src/training-arguments';
import type { PreferenceScoresParams, PreferenceScoresResult } from '../../../contracts/src/worker/generation-protocol';
import { comparisonHtml, entryFinished, preferenceSummary, preferenceSummaryText, readComparison, rewardMargin, writeComparison, type ComparisonEntry } from '../../../extension/src/preview/compare-file';
import { preferenceRunOptions, scorePreferenceEntries } from '../../../extension/src/preview/compare-preference';
import { GenerationClient } from '../../../extension/src/preview/generation-client';
import { baseOfRun, runChoice, targetOf } from '../../../extension/src/preview/model-choice';
import { preferenceParts } from '../../../extension/src/preview/record-prompt';
import { FACTS } from '../../engine/train/helpers';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-compare-pairs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));


/** TRL's explicit-prompt form, alternating message lists and strings; rejected: another fact's answer. */
function preferenceFile(): string {
  return (
    FACTS.map(([question, answer], index) => {
      const wrong = `${FACTS[(index + 3) % FACTS.length][1]} Maybe.`;
      return JSON.stringify(index % 2 === 0 ? { prompt: [{ role: 'user', content: question }], chosen: [{ role: 'assistant', content: answer }], rejected: [{ role: 'assistant', content: wrong }] } : { prompt: question, chosen: answer, rejected: wrong });
    }).join('\n') + '\n'
  );
}

const pairEntry = (line: number, rejected = 'No.'): ComparisonEntry => ({ file: '/data/pairs.jsonl', line, prompt: [{ role: 'user', content: `Q${line}?` }], expected: 'Yes.', preference: { rejected } });

test("a preference record's prompt, chosen and rejected answers, as the language server's document reads them", () => {
  const document = createDatasetDocument('file:///pairs.jsonl', preferenceFile(), defaultSettings());
  const first = preferenceParts(document.example(0)!);
  assert.deepEqual(first, { prompt: [{ role: 'user', content: 'What is the capital of France?' }], chosen: 'Paris.', rejected: 'Four. Maybe.' });
  const second = preferenceParts(document.example(1)!);
  assert.deepEqual(second, { prompt: [{ role: 'user', content: 'What color is the sky?' }], chosen: 'Blue.', rejected: 'An apple. Maybe.' });
  // the implicit-prompt form: the shared prefix is the prompt
  const implicit = createDatasetDocument('file:///implicit.jsonl', `${JSON.stringify({ chosen: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Hello.' }], rejected: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Go.' }] })}\n`, defaultSettings());
  assert.deepEqual(preferenceParts(implicit.example(0)!), { prompt: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi?' }], chosen: 'Hello.', rejected: 'Go.' });
  assert.ok('problem' in preferenceParts({ line: 0, format: 'messages', turns: [{ role: 'user', content: 'x', trained: false }] }));
});

test("a run's β and max-seq-len: β only for dpo runs (0.1 when unset)", () => {
  assert.deepEqual(preferenceRunOptions({ objective: 'dpo', beta: 0.5, maxSeqLen: 256 }), { beta: 0.5, maxSeqLen: 256 });
  assert.deepEqual(preferenceRunOptions({ objective: 'dpo' }), { beta: 0.1 });
  assert.deepEqual(preferenceRunOptions({ objective: 'sft', beta: 0.5 }), {});
  assert.deepEqual(preferenceRunOptions(undefined), {});
});

test('pairs round-trip through the comparison file, old files still read, and the page shows each verdict and the summary', () => {
  const entries: ComparisonEntry[] = [
    { ...pairEntry(1, '<script>bad()</script>'), preference: { rejected: '<script>bad()</script>', base: { chosen: -5, rejected: -4 }, tuned: { chosen: -3, rejected: -6 }, beta: 0.1, margin: rewardMargin({ chosen: -5, rejected: -4 }, { chosen: -3, rejected: -6 }, 0.1) } },
    { ...pairEntry(2), preference: { rejected: 'No.', base: { chosen: -2, rejected: -3 }, tuned: { chosen: -2.5, rejected: -2 }, beta: 0.1, margin: rewardMargin({ chosen: -2, rejected: -3 }, { chosen: -2.5, rejected: -2 }, 0.1) } },
    { ...pairEntry(3), preference: { rejected: 'No.', error: 'not scored: a side has no completion token within max-seq-len 8' } },
  ];
  assert.ok(Math.abs(entries[0].preference!.margin! - 0.1 * (2 - -2)) < 1e-12);
  const file = join(dir, 'compare-20260101-000000.jsonl');
  writeComparison(file, entries);
  assert.deepEqual(readComparison(file), entries);
  // a file written before pairs were compared
  const old = join(dir, 'compare-20250101-000000.jsonl');
  writeFileSync(old, `${JSON.stringify({ file: '/d.jsonl', line: 1, prompt: [{ role: 'user', content: 'Hi' }], expected: 'Hello', base: { text: 'a', finishReason: 'stop-token', tokens: 1 }, tuned: { text: 'b', finishReason: 'stop-token', tokens: 1 } })}\n`);
  assert.equal(readComparison(old)[0].preference, undefined);
  writeFileSync(join(dir, 'compare-broken.jsonl'), `${JSON.stringify({ ...pairEntry(1), preference: {} })}\n`);
  assert.throws(() => readComparison(join(dir, 'compare-broken.jsonl')), /compare-broken\.jsonl:1: .*rejected answer/);

  const summary = preferenceSummary(entries)!;
  assert.deepEqual({ ...summary, meanMargin: undefined }, { pairs: 3, scored: 2, baseChosen: 1, tunedChosen: 1, beta: 0.1, meanMargin: undefined, rewardAccuracy: 0.5 });
  assert.ok(Math.abs(summary.meanMargin! - (0.4 + 0.1 * (-0.5 - 1)) / 2) < 1e-12);
  assert.equal(preferenceSummaryText(summary), 'base prefers chosen in 1 of 2 pairs, tuned in 1 of 2; mean DPO reward margin +0.1250 (β 0.1), positive in 1 of 2; 1 of 3 pairs not scored');
  assert.ok(entries.every(entryFinished));

  const html = comparisonHtml({ runDir: dir, baseLabel: 'Base (tiny)', tunedLabel: 'dpo-1', entries }, { nonce: 'n1' });
  assert.ok(!html.includes('<script'), 'no script, not even a rejected answer that holds one');
  assert.ok(html.includes('&#60;script&#62;bad()&#60;/script&#62;'));
  assert.match(html, /default-src 'none'; style-src 'nonce-n1'/);
  assert.match(html, /<h1>Chosen vs rejected · Base \(tiny\) · dpo-1<\/h1>/);
  assert.ok(html.includes('<div class="summary">base prefers chosen in 1 of 2 pairs, tuned in 1 of 2; mean DPO reward margin +0.1250 (β 0.1), positive in 1 of 2; 1 of 3 pairs not scored</div>'));
  const section = (line: number) => html.slice(html.indexOf(`<section data-line="${line}"`), html.indexOf('</section>', html.indexOf(`<section data-line="${line}"`)));
  assert.match(section(1), /<tr data-model="base" data-prefers="rejected"><td>Base \(tiny\)<\/td><td class="number">-5\.000<\/td><td class="number">-4\.000<\/td><td class="number">−1\.000<\/td><td class="prefers-rejected">prefers rejected<\/td><\/tr>/);
  assert.match(section(1), /<tr data-model="tuned" data-prefers="chosen"><td>dpo-1<\/td>.*<td class="number">\+3\.000<\/td><td class="prefers-chosen">prefers chosen<\/td><\/tr>/);
  assert.match(section(1), /DPO implicit reward margin \(β 0\.1\): \+0\.4000 — training moved the model toward the chosen answer/);
  assert.match(section(2), /DPO implicit reward margin \(β 0\.1\): −0\.1500 — training moved the model toward the rejected answer/);
  assert.match(section(1), /<div class="cell"><pre>Yes\.<\/pre><\/div><div class="cell"><pre>&#60;script&#62;/);
  assert.match(section(3), /not scored: a side has no completion token/);
  assert.doesNotMatch(section(3), /data-prefers/);
  // while scoring: pending rows, no summary counts yet
  const pending = comparisonHtml({ runDir: dir, baseLabel: 'Base', tunedLabel: 'run', entries: [pairEntry(4)] }, { nonce: 'n2' });
  assert.match(pending, /<td colspan="4" class="pending">scoring…<\/td>/);
  assert.ok(pending.includes('base prefers chosen in 0 of 0 pairs, tuned in 0 of 0; 1 of 1 pairs not scored'));
  assert.ok(!entryFinished(pairEntry(4)));
});

test('scoring asks for 0-based lines, marks pairs the worker leaves out, and turns a failure into each pair\'s error', async () => {
  const calls: Array<Omit<PreferenceScoresParams, 'requestId'>> = [];
  const answer = (pairs: PreferenceScoresResult['pairs']) => ({
    preferenceScores: async (params: Omit<PreferenceScoresParams, 'requestId'>): Promise<PreferenceScoresResult> => {
      calls.push(params);
      return { requestId: 'x', pairs, device: 'cpu', deviceDescription: 'CPU' };
    },
  });
  const entries = [pairEntry(2), pairEntry(5), { file: '/data/pairs.jsonl', line: 7, prompt: [{ role: 'user' as const, content: 'Hi' }], expected: 'Hello' }];
  await scorePreferenceEntries(entries, { client: answer([{ line: 1, chosen: -1, rejected: -2 }]), base: { model: '/base' }, tuned: { model: '/base', adapter: '/run/adapter' }, data: '/data/pairs.jsonl', beta: 0.2, maxSeqLen: 64 });
  assert.deepEqual(calls, [
    { model: '/base', data: '/data/pairs.jsonl', lines: [1, 4], maxSeqLen: 64 },
    { model: '/base', adapter: '/run/adapter', data: '/data/pairs.jsonl', lines: [1, 4], maxSeqLen: 64 },
  ]);
  assert.deepEqual(entries[0].preference, { rejected: 'No.', base: { chosen: -1, rejected: -2 }, tuned: { chosen: -1, rejected: -2 }, beta: 0.2, margin: 0 });
  assert.equal(entries[1].preference?.error, 'not scored: a side has no completion token within max-seq-len 64');
  assert.equal(entries[2].base, undefined, 'a conversation is left to generation');

  const failing = [pairEntry(1)];
  let call = 0;
  const client = {
    preferenceScores: async (): Promise<PreferenceScoresResult> => {
      if (call++ === 1) throw new Error('adapter does not load');
      return { requestId: 'x', pairs: [{ line: 0, chosen: -1, rejected: -3 }], device: 'cpu', deviceDescription: 'CPU' };
    },
  };
  await scorePreferenceEntries(failing, { client, base: { model: '/base' }, tuned: { model: '/run/model' }, data: '/d.jsonl' });
  assert.deepEqual(failing[0].preference, { rejected: 'No.', base: { chosen: -1, rejected: -3 }, error: 'scoring with the fine-tuned model failed: adapter does not load' });
  const controller = new AbortController();
  controller.abort();
  const cancelled = [pairEntry(1)];
  await scorePreferenceEntries(cancelled, { client, base: { model: '/base' }, tuned: { model: '/run/model' }, data: '/d.jsonl', signal: controller.signal });
  assert.deepEqual(cancelled[0].preference, { rejected: 'No.', error: 'cancelled' });
});

test('against a real worker and a DPO-trained LoRA run: both models score each pair as the engine does, and the margin is eval\'s', async () => {
  const model = join(dir, 'model');
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 1 });
  const data = join(dir, 'pairs.jsonl');
  writeFileSync(data, preferenceFile());
  const runDir = join(dir, 'runs', 'dpo-1');
  const args = resolveTrainingArguments([{ model, data, out: runDir, method: 'lora', objective: 'dpo', beta: 0.2, batchSize: 8, lr: 1e-2, rank: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'lm_head'], steps: 20, threads: 1, saveEvery: 0, device: 'cpu', maxSeqLen: 128 }]);
  assert.equal((await train(args)).status, 'done');

  const tuned = runChoice(runDir)!;
  const base = baseOfRun(tuned)!;
  const options = preferenceRunOptions(readRunInfo(runDir)?.config);
  assert.deepEqual(options, { beta: 0.2, maxSeqLen: 128 });
  const document = createDatasetDocument(`file://${data}`, preferenceFile(), defaultSettings());
  const lines = [0, 2, 3, 5, 6];
  const entries: ComparisonEntry[] = lines.map((line) => {
    const parts = preferenceParts(document.example(line)!);
    assert.ok(!('problem' in parts));
    return { file: data, line: line + 1, prompt: parts.prompt, expected: parts.chosen, preference: { rejected: parts.rejected } };
  });
  const client = new GenerationClient({ command: process.execPath, args: ['--import', 'tsx', 'engine/src/worker/main.ts'] });
  const progress: string[] = [];
  try {
    await scorePreferenceEntries(entries, { client, base: targetOf(base, 'cpu'), tuned: targetOf(tuned, 'cpu'), data, ...options, onScored: (which) => progress.push(which) });
  } finally {
    await client.dispose();
  }
  assert.deepEqual(progress, ['base', 'tuned']);

  // independently: the same pairs through the engine's in-process scorer, as `finetune eval --run` computes them
  const folder = loadModelFolder(model);
  const examples = (await readScoringExamples(data, 128)).examples.filter((example) => lines.includes(example.line));
  const pairs = tokenizePairs(examples, folder.tokenizer!, 128, data).pairs;
  const reference = (await scorePairs(folder, pairs, { device: 'cpu' })).scores;
  const policy = (await scorePairs(folder, pairs, { device: 'cpu', adapter: readPeftAdapter(join(runDir, 'adapter')) })).scores;
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b));
  const sameSide = (side: { chosen: number; rejected: number }, expected: PairScore) => close(side.chosen, expected.chosen) && close(side.rejected, expected.rejected);
  entries.forEach((entry, index) => {
    const pair = entry.preference!;
    assert.equal(pair.error, undefined);
    assert.ok(sameSide(pair.base!, reference[index]), `line ${entry.line} base: ${JSON.stringify(pair.base)} vs ${JSON.stringify(reference[index])}`);
    assert.ok(sameSide(pair.tuned!, policy[index]), `line ${entry.line} tuned: ${JSON.stringify(pair.tuned)} vs ${JSON.stringify(policy[index])}`);
    assert.ok(close(pair.margin!, 0.2 * (policy[index].chosen - reference[index].chosen - (policy[index].rejected - reference[index].rejected))));
  });
  const summary = preferenceSummary(entries)!;
  const evalSummary = summarizePreferences(policy, reference, 0.2);
  assert.ok(close(summary.meanMargin!, evalSummary.margin), `${summary.meanMargin} vs eval's ${evalSummary.margin}`);
  assert.equal(summary.rewardAccuracy, evalSummary.accuracy);
  assert.equal(summary.tunedChosen / summary.scored, evalSummary.policyPrefersChosen);
  assert.equal(summary.baseChosen, reference.filter((score) => score.chosen > score.rejected).length);
  // DPO on these very pairs moved the model toward the chosen answers
  assert.ok(summary.meanMargin! > 0, `mean margin ${summary.meanMargin}`);
  const html = comparisonHtml({ runDir, baseLabel: 'Base', tunedLabel: tuned.label, entries });
  assert.ok(html.includes(preferenceSummaryText(summary)));
  assert.equal((html.match(/data-prefers="(chosen|rejected|neither)"/g) ?? []).length, 2 * lines.length);
});
