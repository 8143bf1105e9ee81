// `finetune lint` on worker threads reports exactly what the single-threaded pass reports (the same findings in the
// same order), across blank, invalid, oversized, duplicate and near-duplicate lines and several read blocks; and the
// scan's prefilter hints never hide a secret, placeholder or refusal the rules' expressions would find.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findSecrets } from '../../datasets/src/rules/secret';
import { defaultSettings, lintFile } from '../../datasets/src/index';
import { BLOCK_BYTES } from '../../datasets/src/parallel/line-chunks';
import { mainThreadBlocks, PARALLEL_MIN_BYTES, parallelWorkers } from '../../datasets/src/parallel/lint-parallel';
import { scanText } from '../../datasets/src/line/text-stats';
import { collect } from './collect-findings';

const dir = mkdtempSync(join(tmpdir(), 'finetune-parallel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

function chat(user: string, assistant: string): string {
  return JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
}

test('worker threads report the same findings in the same order as one thread', async () => {
  const next = random(5);
  const problems = readFileSync('examples/problems/problems.jsonl', 'utf8').split('\n');
  const words = 'alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega river stone cloud'.split(' ');
  const sentence = (length: number) => Array.from({ length }, () => words[Math.floor(next() * words.length)]).join(' ');
  const lines: string[] = [];
  // more than two read blocks, so blocks, their order and the lines spanning them all matter
  for (let i = 0, bytes = 0; bytes < 2.5 * BLOCK_BYTES; i++, bytes += lines[lines.length - 1].length + 2) {
    const roll = next();
    if (roll < 0.05) lines.push(problems[Math.floor(next() * problems.length)]);
    else if (roll < 0.08 && lines.length > 10) lines.push(lines[Math.floor(next() * lines.length)]);
    else if (roll < 0.1 && lines.length > 10) lines.push(lines[lines.length - 3].replace('omega', 'sigma'));
    else if (roll < 0.11) lines.push(next() < 0.5 ? '' : '{"messages": [');
    else lines.push(chat(`${sentence(8)} (#${i})?`, `${sentence(40 + Math.floor(next() * 400))}.`));
  }
  // one line longer than a block and one shorter, both over a 200 KB limit; with an 8 MB limit both are linted
  lines.splice(700, 0, chat('long', 'x'.repeat(300_000)));
  lines.splice(1500, 0, chat('longer', 'y '.repeat(1_300_000)));
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, `\ufeff${lines.join('\r\n')}`);
  const settings = { ...defaultSettings(), minExamples: 0 };
  for (const maxLineBytes of [200_000, 8_000_000]) {
    const single = await collect(lintFile(path, settings, { maxLineBytes, workers: 0 }));
    const parallel = await collect(lintFile(path, settings, { maxLineBytes, workers: 2 }));
    const rules = new Set(single.map((finding) => finding.rule));
    for (const rule of ['duplicate', 'near-duplicate', 'json-syntax', 'empty-field']) assert.ok(rules.has(rule), rule);
    const oversized = single.filter((finding) => finding.rule === 'json-syntax' && [700, 1500].includes(finding.range.start.line));
    assert.equal(oversized.length, maxLineBytes < 1_000_000 ? 2 : 0);
    assert.deepEqual(parallel, single);
  }
});

test('blocks the main thread analyses while its worker is busy come out in file order, as one thread reports them', async () => {
  const next = random(11);
  const lines: string[] = [];
  // eight read blocks of records, some repeated and some nearly repeated across blocks, for one worker: it cannot
  // keep up with blocks handed out in a burst, so the main thread takes some
  for (let i = 0, bytes = 0; bytes < 8 * BLOCK_BYTES; i++, bytes += lines[lines.length - 1].length + 1) {
    const roll = next();
    if (roll < 0.03 && lines.length > 10) lines.push(lines[Math.floor(next() * lines.length)]);
    else if (roll < 0.06 && lines.length > 10) lines.push(lines[Math.floor(next() * lines.length)].replace('a', 'e'));
    else lines.push(chat(`question ${i}: ${'why '.repeat(Math.floor(next() * 5))}?`, `answer ${Math.floor(next() * 1e9)} `.repeat(20 + Math.floor(next() * 60))));
  }
  const path = join(dir, 'blocks.jsonl');
  writeFileSync(path, lines.join('\n'));
  const settings = { ...defaultSettings(), minExamples: 0 };
  const single = await collect(lintFile(path, settings, { workers: 0 }));
  const before = mainThreadBlocks.count;
  const parallel = await collect(lintFile(path, settings, { workers: 1 }));
  assert.ok(mainThreadBlocks.count > before, 'the main thread analysed no block');
  assert.ok(single.some((finding) => finding.rule === 'duplicate') && single.some((finding) => finding.rule === 'near-duplicate'));
  assert.deepEqual(parallel, single);
});

test('the format vote also ends after 16M characters of non-records, at the same line in both passes', async () => {
  const records: string[] = [];
  for (let i = 0; i < 30; i++) records.push(chat(`question ${i} about rivers`, `answer ${i} about stones and clouds`));
  for (let i = 0; i < 10; i++) records.push(JSON.stringify({ instruction: `task ${i}`, output: `result ${i}` }));
  const settings = { ...defaultSettings(), minExamples: 0 };
  const mixed = async (junkLine: string) => {
    const path = join(dir, `vote-${junkLine.length}.jsonl`);
    writeFileSync(path, [...Array.from({ length: 16 }, () => junkLine), ...records].join('\n'));
    const single = await collect(lintFile(path, settings, { workers: 0 }));
    const parallel = await collect(lintFile(path, settings, { workers: 2 }));
    assert.deepEqual(parallel, single);
    return single.filter((finding) => finding.rule === 'mixed-format').length;
  };
  // short junk: the vote goes on into the records, decides "messages", and the alpaca records are out of place
  assert.equal(await mixed('not json at all'), 10);
  // 16 lines of 1.1M characters: the vote closes before the records (nothing held waits for them), no file format
  assert.equal(await mixed('not json '.repeat(120_000)), 0);
});

test("'auto' starts worker threads only for files big enough to pay for their start-up", () => {
  const cores = availableParallelism();
  const threshold = PARALLEL_MIN_BYTES;
  assert.equal(parallelWorkers({ sizeBytes: threshold - 1 }), 0);
  // one core is the main thread's, which analyses blocks too while the workers are busy
  assert.equal(parallelWorkers({ sizeBytes: threshold }), cores >= 2 ? Math.min(4, cores - 1) : 0);
  assert.equal(parallelWorkers({ workers: 3, sizeBytes: 10 }), 3);
  assert.equal(parallelWorkers({ workers: 0, sizeBytes: threshold }), 0);
});

test('the scan hints are set whenever the secret, placeholder or refusal expressions could match', () => {
  const next = random(9);
  const phrases = [
    'sk-proj-AbCdEf0123456789xyzXYZ', 'ghp_0123456789abcdefghijABCDEFGHIJ012345', 'AKIA0123456789ABCDEF', 'eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl',
    '-----BEGIN RSA PRIVATE KEY-----', 'TODO', 'FIXME', 'Lorem ipsum', '<answer here>', '[insert name]', 'Your answer here', '待补充', '此处填写',
    'As an AI language model', 'as an ai, i cannot', "I'm sorry, but I can't help", 'I am afraid I cannot assist', 'I cannot fulfill this request', 'as a large language model',
  ];
  const glue = [' ', '', 'é', '_', '-', '。', '5', '"', '\n', 'ß', 'Ω'];
  let checked = 0;
  for (let i = 0; i < 4000; i++) {
    let text = '';
    for (let part = 0; part < 4; part++) {
      text += glue[Math.floor(next() * glue.length)];
      text += next() < 0.5 ? phrases[Math.floor(next() * phrases.length)] : 'plain words here';
    }
    const stats = scanText(text);
    if (findSecrets(text).length) {
      checked++;
      assert.ok(stats.secretHint, text);
    }
    if (/\b(?:TODO|FIXME|TBD)\b|\b[Ll]orem ipsum\b|<(?:[Aa]nswer|[Yy]our)\b[^<>\n]{0,40}>|\[(?:[Ii]nsert|[Yy]our (?:answer|response|text))\b[^[\]\n]{0,40}\]|\b[Yy]our (?:answer|response) (?:goes )?here\b|待补充|此处填写/.test(text)) {
      checked++;
      assert.ok(stats.placeholderHint, text);
    }
    if (/\bas an ai(?: language)? model\b|\bas an? (?:large )?language model\b|\bas an ai(?: assistant)?,? i (?:don't|do not|cannot|can't|am not able)\b|\bi(?:'m| am) (?:sorry|afraid),? (?:but )?i (?:can(?:not|'t)|am unable to|won't be able to) (?:help|assist)|\bi cannot (?:fulfill|comply with) (?:this|that|your) request/i.test(text)) {
      checked++;
      assert.ok(stats.refusalHint, text);
    }
  }
  assert.ok(checked > 1000);
});
