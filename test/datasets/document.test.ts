// The open document: incremental edits give exactly the findings a fresh parse of the same text gives; CRLF, BOM,
// blank lines; hover, render, report and example; fixes stay inside their line and keep it valid JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeLine, lineTurns } from '../../datasets/src/line/analyze-line';
import { createDatasetDocument, defaultSettings, lintText, openDatasetDocument, parseExamples, type DatasetSettings, type Finding, type Range } from '../../datasets/src/index';
import { createEstimateTokenCounter } from '../../datasets/src/tokens/token-estimate';

const settings: DatasetSettings = { ...defaultSettings(), minExamples: 5 };
const problems = readFileSync('examples/problems/problems.jsonl', 'utf8');

function offsetOf(text: string, line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset + character;
}

function applyEdit(text: string, range: Range, newText: string): string {
  return text.slice(0, offsetOf(text, range.start.line, range.start.character)) + newText + text.slice(offsetOf(text, range.end.line, range.end.character));
}

function key(findings: Finding[]): string[] {
  return findings.map((finding) => `${finding.range.start.line}:${finding.range.start.character}-${finding.range.end.line}:${finding.range.end.character} ${finding.rule} ${finding.message}`).sort();
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

test('random edits leave the document exactly as a fresh parse of the same text', () => {
  const next = random(11);
  let text = problems;
  // too-few-examples and length-distribution then report on every step, so their messages check the kept counts;
  // the eval file brings eval-overlap findings, which follow their lines through the edits
  const settings: DatasetSettings = { ...defaultSettings(), minExamples: 1000, maxSeqLen: 64, evalFile: 'examples/problems/eval.jsonl' };
  const document = createDatasetDocument('file:///p.jsonl', text, settings);
  const pieces = ['"', '{', '}', '\n', 'x', ' ', '\n{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}', ''];
  for (let step = 0; step < 60; step++) {
    const lines = text.split('\n');
    const startLine = Math.floor(next() * lines.length);
    const endLine = Math.min(lines.length - 1, startLine + (next() < 0.8 ? 0 : 1 + Math.floor(next() * 2)));
    const start = { line: startLine, character: Math.floor(next() * (lines[startLine].length + 1)) };
    const end = endLine === startLine ? { line: endLine, character: start.character + Math.floor(next() * 5) } : { line: endLine, character: Math.floor(next() * (lines[endLine].length + 1)) };
    end.character = Math.min(end.character, lines[endLine].length);
    const range = { start, end };
    const inserted = pieces[Math.floor(next() * pieces.length)];
    text = applyEdit(text, range, inserted);
    document.applyChanges([{ range, text: inserted }]);
    assert.deepEqual(key(document.findings()), key(createDatasetDocument('file:///p.jsonl', text, settings).findings()), `after edit ${step}`);
  }
});

test('a record with no key of any format is judged by the file\'s format, opened or edited in', () => {
  for (const first of ['{"text": "hello"}', '{"instruction": "Say hi.", "output": "Hi."}']) {
    const text = `${first}\n{}\n`;
    const fresh = createDatasetDocument('file:///f.jsonl', text, settings);
    const edited = createDatasetDocument('file:///f.jsonl', `${first}\n`, settings);
    edited.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '{}\n' }]);
    assert.deepEqual(key(fresh.findings()), key(edited.findings()));
    const missing = fresh.findings().filter((finding) => finding.rule === 'missing-field' && finding.range.start.line === 1);
    assert.ok(missing.length > 0);
    for (const finding of missing) assert.match(finding.message, /^missing '/, 'the file format names the missing key');
  }
});

test('random edits with format-less records keep the document as a fresh parse, for several seeds', () => {
  const pieces = ['{}', '\n{}', '\n{"text": "Hello there."}', '\n{"instruction": "Say hi.", "output": "Hi."}', '\n', '"', 'x', ''];
  for (const seed of [1, 2, 3, 4, 5]) {
    const next = random(seed);
    let text = '{"text": "Hello there."}\n{}\n';
    const document = createDatasetDocument('file:///r.jsonl', text, settings);
    for (let step = 0; step < 40; step++) {
      const lines = text.split('\n');
      const line = Math.floor(next() * lines.length);
      const start = { line, character: Math.floor(next() * (lines[line].length + 1)) };
      const end = { line, character: Math.min(lines[line].length, start.character + Math.floor(next() * 3)) };
      const inserted = pieces[Math.floor(next() * pieces.length)];
      text = applyEdit(text, { start, end }, inserted);
      document.applyChanges([{ range: { start, end }, text: inserted }]);
      assert.deepEqual(key(document.findings()), key(createDatasetDocument('file:///r.jsonl', text, settings).findings()), `seed ${seed}, edit ${step}`);
    }
  }
});

test('a large document opens in slices (other tasks run meanwhile) and ends up as a synchronous open would', async () => {
  const lines = problems.split('\n').filter((line) => line.trim());
  const text = Array.from({ length: 6_000 }, (_, i) => lines[i % lines.length].replace('"messages"', i % 3 ? '"messages"' : '"messages" ')).join('\n');
  let turns = 0;
  const ticker = setInterval(() => turns++, 1);
  try {
    const opened = await openDatasetDocument('file:///big.jsonl', text, settings);
    assert.ok(turns > 0, 'the event loop never turned while the document opened');
    assert.deepEqual(opened.findings(), createDatasetDocument('file:///big.jsonl', text, settings).findings());
    assert.ok(opened.findings().length > 100);
  } finally {
    clearInterval(ticker);
  }
});

test('a duplicate appears and disappears as lines are edited', () => {
  const line = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello there."}]}';
  const document = createDatasetDocument('file:///d.jsonl', `${line}\n${line.replace('there', 'you')}`, settings);
  const duplicates = () => document.findings().filter((finding) => finding.rule === 'duplicate');
  assert.equal(duplicates().length, 0);
  const at = line.indexOf('there') + 0;
  document.applyChanges([{ range: { start: { line: 1, character: at }, end: { line: 1, character: at + 3 } }, text: 'there' }]);
  const found = duplicates();
  assert.equal(found.length, 1);
  assert.equal(found[0].range.start.line, 1);
  assert.equal(found[0].related?.[0].range.start.line, 0);
  // deleting the first line makes the second the first occurrence
  document.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }]);
  assert.equal(duplicates().length, 0);
});

test('a preference contradiction appears and disappears as either pair is edited', () => {
  const pair = (prompt: string, chosen: string, rejected: string) => JSON.stringify({ prompt, chosen, rejected });
  const lines = [pair('Is tea hot?', 'Usually, yes.', 'Never.'), pair('Name a fruit.', 'An apple.', 'A chair.'), pair('Is tea hot?', 'Usually, yes.', 'Sometimes.')];
  const document = createDatasetDocument('file:///pairs.jsonl', lines.join('\n'), settings);
  const found = () => document.findings().filter((finding) => finding.rule === 'preference-contradiction').map((finding) => `${finding.range.start.line}->${finding.related?.[0].range.start.line}: ${finding.message}`);
  const replaceIn = (line: number, from: string, to: string) => {
    const at = lines[line].indexOf(from);
    assert.ok(at >= 0, from);
    document.applyChanges([{ range: { start: { line, character: at }, end: { line, character: at + from.length } }, text: to }]);
    lines[line] = lines[line].slice(0, at) + to + lines[line].slice(at + from.length);
    // the incremental document agrees with a fresh one over the same text
    assert.deepEqual(key(document.findings()), key(createDatasetDocument('file:///pairs.jsonl', lines.join('\n'), settings).findings()));
  };
  // same prompt and chosen, another rejected: not a contradiction
  assert.deepEqual(found(), []);
  // the later pair now prefers 'Never.' over 'Usually, yes.'
  replaceIn(2, '"chosen":"Usually, yes.","rejected":"Sometimes."', '"chosen":"Never.","rejected":"Usually, yes."');
  assert.deepEqual(found(), ['2->0: line 1 prefers the opposite answer for the same prompt']);
  // editing the earlier pair's prompt takes it away
  replaceIn(0, 'Is tea hot?', 'Is coffee hot?');
  assert.deepEqual(found(), []);
  // and editing it back brings it back
  replaceIn(0, 'Is coffee hot?', 'Is tea hot?');
  assert.deepEqual(found(), ['2->0: line 1 prefers the opposite answer for the same prompt']);
  // a line inserted above moves both ends
  const colour = pair('Name a colour.', 'Red.', 'Loud.');
  document.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `${colour}\n` }]);
  lines.unshift(colour);
  assert.deepEqual(found(), ['3->1: line 2 prefers the opposite answer for the same prompt']);
  // swapping the earlier pair's answers turns the two into a duplicate pair instead
  replaceIn(1, '"chosen":"Usually, yes.","rejected":"Never."', '"chosen":"Never.","rejected":"Usually, yes."');
  assert.deepEqual(found(), []);
  assert.deepEqual(document.findings().filter((finding) => finding.rule === 'duplicate').map((finding) => finding.range.start.line), [3]);
});

test('random edits of preference pairs: the document agrees with a fresh parse and with the stream', async () => {
  const next = random(7);
  const prompts = ['Is tea hot?', 'Name a fruit.', 'Is the sea salty?'];
  const answers = ['Yes.', 'No.', 'Maybe.', 'An apple.'];
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const pair = () => {
    const chosen = pick(answers);
    return JSON.stringify({ prompt: pick(prompts), chosen, rejected: pick(answers.filter((answer) => answer !== chosen)) });
  };
  const lines = Array.from({ length: 12 }, pair);
  const document = createDatasetDocument('file:///pairs.jsonl', lines.join('\n'), settings);
  const contradictions = (findings: Finding[]) => key(findings.filter((finding) => finding.rule === 'preference-contradiction')).map((item) => item.replace(/^(\d+):\d+-\d+:\d+/, '$1'));
  let seen = 0;
  for (let step = 0; step < 40; step++) {
    const line = Math.floor(next() * lines.length);
    const text = next() < 0.8 ? pair() : '';
    document.applyChanges([{ range: { start: { line, character: 0 }, end: { line, character: lines[line].length } }, text }]);
    lines[line] = text;
    const fresh = createDatasetDocument('file:///pairs.jsonl', lines.join('\n'), settings).findings();
    assert.deepEqual(key(document.findings()), key(fresh), `after edit ${step}`);
    const streamed: Finding[] = [];
    for await (const finding of lintText(lines.join('\n'), settings)) streamed.push(finding);
    assert.deepEqual(contradictions(streamed), contradictions(fresh), `stream after edit ${step}`);
    seen += contradictions(fresh).length;
  }
  assert.ok(seen > 10, `the edits made contradictions (${seen})`);
});

test('when an edit changes the file\'s format, mixed-format moves to the records of the other format', () => {
  // records without findings of their own, so only the format decides which lines are visited
  const alpaca = (i: number) => `{"instruction": "Which number comes after ${i - 1}?", "output": "The number ${i} comes after ${i - 1}."}`;
  const chat = (i: number) => `{"messages": [{"role": "user", "content": "Which number comes before ${i + 1}?"}, {"role": "assistant", "content": "The number ${i} comes before ${i + 1}."}]}`;
  let text = [alpaca(1), alpaca(2), chat(3)].join('\n');
  const document = createDatasetDocument('file:///f.jsonl', text, settings);
  const mixed = () => document.findings().filter((finding) => finding.rule === 'mixed-format').map((finding) => finding.range.start.line);
  assert.deepEqual(mixed(), [2]);
  const end = { line: 2, character: chat(3).length };
  const added = `\n${chat(4)}\n${chat(5)}`;
  document.applyChanges([{ range: { start: end, end }, text: added }]);
  text += added;
  assert.deepEqual(mixed(), [0, 1]);
  assert.deepEqual(key(document.findings()), key(createDatasetDocument('file:///f.jsonl', text, settings).findings()));
});

test('CRLF line breaks, a byte order mark and blank lines keep positions right', () => {
  const record = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "human", "content": "Hello."}]}';
  const document = createDatasetDocument('file:///crlf.jsonl', `\ufeff${record}\r\n\r\n${record}\r\n`, settings);
  const roles = document.findings().filter((finding) => finding.rule === 'unknown-role');
  const column = record.indexOf('"human"');
  assert.deepEqual(roles.map((finding) => [finding.range.start.line, finding.range.start.character]), [[0, column + 1], [2, column]]);
  assert.equal(document.report().blankLines, 1); // the empty line after the final newline is the end of the file
  // typing at the end of a CRLF line edits before the '\r'
  const end = { line: 2, character: record.length };
  document.applyChanges([{ range: { start: end, end }, text: ' ' }]);
  assert.equal(document.findings().filter((finding) => finding.rule === 'json-syntax').length, 0);
});

test('hover, example, render and report describe records', () => {
  const text = readFileSync('examples/chat.jsonl', 'utf8');
  const document = createDatasetDocument('file:///chat.jsonl', text, settings);
  const hover = document.hover({ line: 0, character: 5 });
  assert.ok(hover);
  assert.match(hover.contents, /messages/);
  assert.match(hover.contents, /≈\d+/);
  const example = document.example(0);
  assert.deepEqual(example?.turns.map((turn) => [turn.role, turn.trained]), [['system', false], ['user', false], ['assistant', true]]);
  const rendered = document.render(0);
  assert.ok(rendered);
  assert.equal(rendered.trainedSpans.length, 1);
  assert.ok(rendered.text.slice(...rendered.trainedSpans[0]).startsWith(example!.turns[2].content));
  const report = document.report();
  assert.equal(report.records, text.trim().split('\n').length);
  assert.equal(report.detectedFormat, 'messages');
  assert.equal(report.tokens.counts.reduce((sum, count) => sum + count, 0), report.records);
  assert.equal(report.tokens.estimated, true);
  assert.equal(document.hover({ line: 9999, character: 0 }), null);
});

test('a document asks for turns again and gets what the analysis had (it does not keep them)', () => {
  const counter = createEstimateTokenCounter();
  const lines = [...problems.split('\n'), '\ufeff{"instruction":"a","output":"b"}\r', '{"text":"plain"}', '[1]', '{"nothing":1}', ''];
  let records = 0;
  for (const fileFormat of [null, 'messages', 'alpaca'] as const) {
    for (const line of lines) {
      const analysis = analyzeLine(line, settings, counter, fileFormat);
      assert.deepEqual(lineTurns(line, settings, counter, fileFormat), analysis.format ? analysis.turns : null, line);
      if (analysis.turns?.length) records++;
    }
  }
  assert.ok(records > 60);
  const document = createDatasetDocument('file:///turns.jsonl', problems, settings);
  assert.deepEqual(document.example(0)?.turns, analyzeLine(problems.split('\n')[0], settings, counter, 'messages').turns);
});

test('after a scoring run, the hover of every scored record shows its loss and the median; unscored records show none', () => {
  const text = readFileSync('examples/chat.jsonl', 'utf8');
  const document = createDatasetDocument('file:///chat.jsonl', text, settings);
  const records = text.trim().split('\n').length;
  assert.ok(records >= 3);
  // every record but the last is scored; one is far above the rest
  const losses = new Map(Array.from({ length: records - 1 }, (_, line) => [line, line === 1 ? 7.25 : 1.5 + line * 0.125]));
  document.setLosses(losses);
  const sorted = [...losses.values()].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const numbers = (line: number) => (document.hover({ line, character: 1 })?.contents.match(/\d+\.\d{3}/g) ?? []).map(Number);
  for (const [line, loss] of losses) assert.deepEqual(numbers(line), [loss, Number(median.toFixed(3))], `line ${line}`);
  assert.deepEqual(numbers(records - 1), []);
  document.setLosses(null);
  assert.deepEqual(numbers(0), []);
});

test('every fix edits only its own line (or removes it) and leaves valid JSON behind', () => {
  const document = createDatasetDocument('file:///p.jsonl', problems, settings);
  const lines = problems.split('\n');
  let fixes = 0;
  for (const finding of document.findings()) {
    for (const fix of finding.fixes ?? []) {
      fixes++;
      const after = fix.edits.reduceRight((text, edit) => applyEdit(text, edit.range, edit.newText), problems).split('\n');
      const line = finding.range.start.line;
      for (const edit of fix.edits) assert.ok(edit.range.start.line >= line - 1 && edit.range.end.line <= line + 1, `${finding.rule} edits only around its line`);
      if (after.length === lines.length) {
        assert.deepEqual(after.filter((_, i) => i !== line), lines.filter((_, i) => i !== line), `${finding.rule} leaves other lines alone`);
        assert.doesNotThrow(() => JSON.parse(after[line]), `${finding.rule} fix keeps line ${line + 1} valid JSON`);
      } else assert.deepEqual(after, lines.filter((_, i) => i !== line), `${finding.rule} deletes exactly its line`);
    }
  }
  assert.ok(fixes >= 8);
});

test("a preference record's example carries its rejected side, as the trainer's loader reads it", async () => {
  const text = [
    JSON.stringify({ prompt: [{ role: 'user', content: 'Hi?' }], chosen: [{ role: 'assistant', content: 'Hello.' }], rejected: [{ role: 'assistant', content: 'Go away.' }] }),
    JSON.stringify({ prompt: 'Sky?', chosen: 'Blue.', rejected: 'Green.' }),
  ].join('\n');
  const document = createDatasetDocument('file:///pairs.jsonl', `${text}\n`, settings);
  const loaded = await parseExamples({ text: `${text}\n` }, settings);
  for (const line of [0, 1]) {
    const example = document.example(line);
    assert.ok(example?.preference, `line ${line}`);
    assert.deepEqual(example, loaded.examples[line]);
  }
  assert.deepEqual(document.example(1)?.preference?.rejected.map((turn) => [turn.role, turn.content]), [['user', 'Sky?'], ['assistant', 'Green.']]);
  assert.equal(createDatasetDocument('file:///chat.jsonl', readFileSync('examples/chat.jsonl', 'utf8'), settings).example(0)?.preference, undefined);
});
