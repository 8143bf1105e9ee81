// Whole-record findings underline the record's primary key: its token's offsets in the line, found without reading
// the keys when the record opens with it, and by reading them otherwise (the same offsets either way).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeLine, primaryRange } from '../../datasets/src/line/analyze-line';
import { defaultSettings } from '../../datasets/src/settings';
import { createTokenCounter } from '../../datasets/src/tokens/token-counter';

const settings = defaultSettings();
const { counter } = createTokenCounter(undefined);

function underlined(line: string): string {
  const { start, end } = primaryRange(line, analyzeLine(line, settings, counter, null));
  return line.slice(start, end);
}

test('the primary key is underlined wherever it stands and however it is written', () => {
  const turns = '[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]';
  assert.equal(underlined(`{"messages":${turns}}`), '"messages"');
  assert.equal(underlined(`\ufeff {  "messages" :${turns}}`), '"messages"');
  assert.equal(underlined(`{"id":7,"messages":${turns}}`), '"messages"');
  // an escaped key decodes to the same name: found by reading the keys
  assert.equal(underlined(`{"mess\\u0061ges":${turns}}`), '"mess\\u0061ges"');
  assert.equal(underlined(`{"id":"messages","messages":${turns}}`), '"messages"');
  // a key that only starts like the primary one is not it
  assert.equal(underlined(`{"messagesX":1,"messages":${turns}}`), '"messages"');
});
