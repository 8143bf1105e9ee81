// Converting preference data: between TRL's explicit and implicit forms the pair round-trips; to or from a format
// with one answer per record, the record is listed as skipped, never reduced to one side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertDataset } from '../../datasets/src/index';

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const explicit = { id: 7, prompt: [user('Say hello politely.')], chosen: [assistant('Hello, welcome!')], rejected: [assistant('What?')] };
const implicit = { id: 7, chosen: [user('Say hello politely.'), assistant('Hello, welcome!')], rejected: [user('Say hello politely.'), assistant('What?')] };

test('explicit and implicit preference forms convert into each other, bookkeeping keys kept', () => {
  const toImplicit = convertDataset(JSON.stringify(explicit) + '\n', 'preference-implicit');
  assert.deepEqual(toImplicit.skipped, []);
  assert.deepEqual(JSON.parse(toImplicit.text), implicit);
  const back = convertDataset(toImplicit.text, 'preference');
  assert.deepEqual(JSON.parse(back.text), explicit);
  // a string prompt and answers become message lists
  const strings = convertDataset('{"prompt": "Hi?", "chosen": "Hello!", "rejected": "No."}\n', 'preference-implicit');
  assert.deepEqual(JSON.parse(strings.text), { chosen: [user('Hi?'), assistant('Hello!')], rejected: [user('Hi?'), assistant('No.')] });
});

test('a pair is not converted to one answer, nor one answer to a pair, and conversations sharing nothing have no prompt', () => {
  assert.deepEqual(convertDataset(JSON.stringify(explicit), 'messages').skipped, [{ line: 0, reason: 'a preference record has two answers: no other format holds both' }]);
  assert.deepEqual(convertDataset('{"prompt": "Hi", "completion": "Hello."}', 'preference').skipped, [{ line: 0, reason: 'a record with one answer has no rejected answer for a preference format' }]);
  const unshared = JSON.stringify({ chosen: [user('A'), assistant('B')], rejected: [user('C'), assistant('D')] });
  assert.deepEqual(convertDataset(unshared, 'preference').skipped, [{ line: 0, reason: 'the two conversations share no prompt turns' }]);
});
