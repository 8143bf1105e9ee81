// The text scan: its ASCII fast path gives exactly what the general scan gives, its case folding is toLowerCase's, and
// its normalised hash is equal exactly when two texts are equal after case folding and whitespace collapsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanAscii } from '../../datasets/src/line/ascii-scan';
import { caseFoldTable } from '../../datasets/src/line/hash';
import { ShingleSink, scanAnyText, scanText } from '../../datasets/src/line/text-stats';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

const PIECES = ['the', 'Model', 'TODO', 'an', 'AI', "I'm", 'sorry', '42', 'x9', ' ', '  ', '\t', '\n', '-', '_', '-----', '@', '<', '[', ',', '.', '\u0001', 'sk_live_0123456789abcdef', 'lorem ipsum', 'Your answer'];

test('the case-fold table folds every code unit as toLowerCase does (when that gives one code unit)', () => {
  const table = caseFoldTable();
  for (let code = 0; code < 65536; code++) {
    const lower = code >= 0xd800 && code <= 0xdfff ? '' : String.fromCharCode(code).toLowerCase();
    assert.equal(table[code], lower.length === 1 ? lower.charCodeAt(0) : code, `U+${code.toString(16)}`);
  }
});

test('the ASCII fast path equals the general scan, shingles included', () => {
  const next = random(3);
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const parts = Math.floor(next() * 30);
    for (let p = 0; p < parts; p++) text += PIECES[Math.floor(next() * PIECES.length)];
    const fastSink = new ShingleSink(1 + Math.floor(next() * 40));
    const generalSink = new ShingleSink(fastSink.maxTokens);
    const fast = scanAscii(text, fastSink);
    assert.ok(fast, text);
    assert.deepEqual(fast, scanAnyText(text, generalSink), JSON.stringify(text));
    assert.deepEqual(fastSink, generalSink, JSON.stringify(text));
  }
});

test('the normalised hash ignores case and whitespace runs, and nothing else', () => {
  const hash = (text: string) => scanText(text).normalizedHash;
  assert.equal(hash('Hello   World'), hash('hello world'));
  assert.equal(hash('  Hello\tWORLD \n'), hash('hello world'));
  assert.equal(hash('Ünïcode  Straße é'), hash('ünïcode straße É'));
  assert.equal(hash('Mixed ascii and 中文 text'), hash('mixed ASCII and 中文   text'));
  const distinct = ['hello world', 'helloworld', 'hello, world', 'hello ,world', 'hello-world', 'hello world!', 'world hello', 'hello world é', '中文', '中 文', 'a', 'b', ''];
  assert.equal(new Set(distinct.map(hash)).size, distinct.length);
});
