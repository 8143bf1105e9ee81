// Cases the fuzzer found (test/fuzz-regressions/jsonl keeps the inputs): a hover on a record with nothing to count,
// and a line with no known key that is read again once the file has a format, as the streaming lint reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetDocument, defaultSettings, lintText, type Finding } from '../../datasets/src/index';

const settings = defaultSettings();
const record = '{"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}';

test('a hover on a record with no turns to count shows the record without token counts', () => {
  for (const line of ['{"messages": []}', '{"conversations": []}', '{"instruction": 1, "output": 2}']) {
    const hover = createDatasetDocument('file:///h.jsonl', line, settings).hover({ line: 0, character: 1 });
    assert.ok(hover, line);
    assert.ok(!hover.contents.includes('Tokens:'), line);
  }
});

test('a line without a known key is judged by the file format, opened, edited or streamed', async () => {
  const key = (finding: Finding) => `${finding.range.start.line}:${finding.range.start.character} ${finding.rule} ${finding.message}`;
  const text = `{}\n${record}`;
  const streamed: string[] = [];
  for await (const finding of lintText(text, settings)) streamed.push(key(finding));
  const opened = createDatasetDocument('file:///m.jsonl', text, settings);
  assert.deepEqual(opened.findings().map(key).sort(), [...streamed].sort());
  opened.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
  assert.deepEqual(opened.findings().map(key).sort(), createDatasetDocument('file:///m.jsonl', ` ${text}`, settings).findings().map(key).sort());
  assert.ok(streamed.some((line) => line.startsWith('0:0 missing-field') && line.includes("'messages'")));
});
