// Names of Object.prototype in user data are plain text: a role "toString" is an unknown role (never a function
// rendered into the training text), and "Constructor" is not "corrected" to "constructor".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetDocument, defaultSettings, lintText, parseExamples, type Finding } from '../../datasets/src/index';

const settings = { ...defaultSettings(), minExamples: 0 };
const NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty', 'Constructor', 'isPrototypeOf'];

/** Findings of the open-document path, checked against the streaming linter's. */
async function findings(text: string): Promise<Finding[]> {
  const opened = createDatasetDocument('file:///prototype.jsonl', text, settings).findings();
  const streamed: Finding[] = [];
  for await (const finding of lintText(text, settings)) streamed.push(finding);
  const key = (finding: Finding) => `${finding.range.start.line}:${finding.range.start.character}:${finding.rule}`;
  assert.deepEqual(streamed.map(key).sort(), opened.map(key).sort());
  return opened;
}

function record(role: string): string {
  return JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role, content: 'Hello.' }] });
}

test('a prototype name as a role is an unknown-role error whose fix suggests a real role, or none', async () => {
  for (const name of NAMES) {
    const reported = (await findings(record(name))).filter((finding) => finding.rule === 'unknown-role');
    assert.equal(reported.length, 1, name);
    assert.equal(reported[0].severity, 'error');
    for (const fix of reported[0].fixes ?? []) {
      for (const edit of fix.edits) assert.ok(['"system"', '"user"', '"assistant"', '"tool"'].includes(edit.newText), `${name} -> ${edit.newText}`);
    }
  }
});

test('the trainer never sees a prototype name as a role', async () => {
  const parsed = await parseExamples({ text: NAMES.map(record).join('\n') + '\n' }, settings);
  for (const example of parsed.examples) {
    for (const turn of example.turns) assert.ok(['system', 'user', 'assistant', 'tool'].includes(turn.role), String(turn.role));
  }
  assert.equal(parsed.findings.filter((finding) => finding.rule === 'unknown-role').length, NAMES.length);
});

test('a prototype name as a record key is an unknown key, not a known field', async () => {
  const text = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }], constructor: 1, toString: 'x' });
  const rules = (await findings(text)).map((finding) => finding.rule).sort();
  assert.deepEqual(rules.filter((rule) => rule !== 'unknown-key'), []);
  assert.equal(rules.length, 2);
});
