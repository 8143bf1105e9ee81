// Sampling rules and the text stream, on hand-made logits and a byte-level fake tokenizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRepetitionPenalty, Sampler, validateSampling } from '../../../engine/src/generate/sampling';
import { IncrementalDecoder, StopStringFilter } from '../../../engine/src/generate/text-stream';

const LOGITS = Float32Array.from([1.0, 3.0, 2.5, -1.0, 0.5]);

test('greedy picks the argmax; top-k 1 and a tiny top-p are greedy too', () => {
  assert.equal(new Sampler({ temperature: 0 }, 1).next(LOGITS, []), 1);
  for (let seed = 0; seed < 20; seed++) {
    assert.equal(new Sampler({ temperature: 1, topK: 1 }, seed).next(LOGITS, []), 1);
    assert.equal(new Sampler({ temperature: 1, topP: 0.01 }, seed).next(LOGITS, []), 1);
  }
});

test('top-k and top-p keep only the most likely tokens', () => {
  const seenTopK = new Set<number>();
  const seenTopP = new Set<number>();
  const topK = new Sampler({ temperature: 1, topK: 2 }, 3);
  // softmax(LOGITS) ≈ [.074, .543, .329, .010, .045]: top-p 0.85 keeps tokens 1 and 2 (0.543 + 0.329 ≥ 0.85).
  const topP = new Sampler({ temperature: 1, topP: 0.85 }, 4);
  for (let i = 0; i < 300; i++) {
    seenTopK.add(topK.next(LOGITS, []));
    seenTopP.add(topP.next(LOGITS, []));
  }
  assert.deepEqual([...seenTopK].sort(), [1, 2]);
  assert.deepEqual([...seenTopP].sort(), [1, 2]);
});

test('sampling frequencies follow the softmax at temperature 1 and sharpen at low temperature', () => {
  const count = (temperature: number) => {
    const sampler = new Sampler({ temperature }, 11);
    const hits = new Array(LOGITS.length).fill(0);
    for (let i = 0; i < 4000; i++) hits[sampler.next(LOGITS, [])]++;
    return hits.map((h) => h / 4000);
  };
  const warm = count(1);
  assert.ok(Math.abs(warm[1] - 0.543) < 0.03 && Math.abs(warm[2] - 0.329) < 0.03, `frequencies ${warm}`);
  assert.ok(count(0.2)[1] > 0.9);
});

test('the same seed reproduces the same draws; another seed differs', () => {
  const draw = (seed: number) => {
    const sampler = new Sampler({ temperature: 1.5 }, seed);
    return Array.from({ length: 40 }, () => sampler.next(LOGITS, []));
  };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
});

test('repetition penalty divides positive and multiplies negative logits of seen tokens, once each', () => {
  const logits = Float32Array.from(LOGITS);
  applyRepetitionPenalty(logits, [1, 3, 1], 2);
  assert.deepEqual([...logits], [1.0, 1.5, 2.5, -2.0, 0.5]);
  assert.equal(new Sampler({ temperature: 0, repetitionPenalty: 2 }, 1).next(LOGITS, [1]), 2);
});

test('invalid options are refused', () => {
  assert.ok(validateSampling({ temperature: -1 }));
  assert.ok(validateSampling({ topP: 0 }));
  assert.ok(validateSampling({ topK: 1.5 }));
  assert.ok(validateSampling({ repetitionPenalty: 0 }));
  assert.equal(validateSampling({ temperature: 0.7, topP: 0.9, topK: 50, repetitionPenalty: 1.1 }), undefined);
});

// A byte-level fake tokenizer: token id = one byte, decoded like a byte-level BPE (invalid UTF-8 → U+FFFD).
const decodeBytes = (ids: readonly number[]) => new TextDecoder().decode(Uint8Array.from(ids));

test('the incremental decoder never splits a multi-byte character', () => {
  const text = 'aé你🙂b';
  const bytes = [...new TextEncoder().encode(text)];
  const decoder = new IncrementalDecoder(decodeBytes);
  const deltas = bytes.map((b) => decoder.push(b));
  deltas.push(decoder.flush());
  assert.equal(deltas.join(''), text);
  for (const delta of deltas) assert.ok(!delta.includes('\uFFFD'), `delta ${JSON.stringify(delta)}`);
  // The emoji's four bytes produce three empty deltas then the whole character.
  assert.deepEqual(deltas.slice(-6, -1), ['', '', '', '🙂', 'b']);
});

test('stop strings cut the stream before them and nothing of them is ever emitted', () => {
  const filter = new StopStringFilter(['END', '\n\n']);
  const pieces = ['Hel', 'lo E', 'N', 'D more'];
  const out = pieces.map((p) => filter.push(p));
  assert.deepEqual(out.map((d) => d.text), ['Hel', 'lo ', '', '']);
  assert.equal(out[3].stoppedBy, 'END');
  // A held-back partial match that never completes is released at the end.
  const partial = new StopStringFilter(['END']);
  assert.equal(partial.push('abcEN').text, 'abc');
  assert.equal(partial.flush(), 'EN');
  // The earliest stop string wins.
  const both = new StopStringFilter(['b', 'a']);
  assert.deepEqual(both.push('xxab'), { text: 'xx', stoppedBy: 'a' });
});
