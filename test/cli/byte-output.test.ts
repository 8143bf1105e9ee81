// ByteOutput, `finetune lint`'s output: the bytes equal the UTF-8 of the text written, whatever the chunk boundaries
// (characters of 1–4 bytes, strings longer than a chunk), and a full pipe is waited for before more is handed over.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { ByteOutput } from '../../cli/src/byte-output';

/** A stream that reports itself full after every `capacity` writes until drained, and records the order of events. */
class SlowStream extends EventEmitter {
  readonly chunks: Uint8Array[] = [];
  readonly events: string[] = [];
  constructor(private readonly capacity: number) {
    super();
  }
  write(chunk: Uint8Array): boolean {
    this.chunks.push(Uint8Array.from(chunk)); // a copy: the writer must not reuse what it handed over
    this.events.push('write');
    if (this.chunks.length % this.capacity !== 0) return true;
    setImmediate(() => {
      this.events.push('drain');
      this.emit('drain');
    });
    return false;
  }
}

test('the bytes written are the UTF-8 of the text appended, across chunks', async () => {
  const stream = new SlowStream(3);
  const out = new ByteOutput(stream);
  const pieces: string[] = [];
  for (let i = 0; i < 20_000; i++) pieces.push(`${i} é中😀 "${'x'.repeat(i % 97)}"\n`);
  pieces.push('long '.repeat(50_000), '\ud800 lone');
  for (let i = 0; i < pieces.length; i++) {
    out.append(pieces[i]);
    if (i % 500 === 0) await out.flushIfFull();
  }
  await out.write('end');
  await out.flush();
  assert.deepEqual(Buffer.concat(stream.chunks), Buffer.from(`${pieces.join('')}end`));
  assert.ok(stream.chunks.length > 10);
});

test('after a write the pipe refused, the next waits for drain', async () => {
  const stream = new SlowStream(1);
  const out = new ByteOutput(stream);
  for (let i = 0; i < 3; i++) {
    out.append('y'.repeat(40_000));
    await out.flushIfFull();
  }
  await out.flush();
  assert.deepEqual(stream.events, ['write', 'drain', 'write', 'drain', 'write', 'drain']);
});
