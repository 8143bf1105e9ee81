// JsonFindingWriter, `finetune lint --json`'s encoder: its bytes equal the UTF-8 of JSON.stringify of the documented
// object, on its fast path (ASCII) and its slow one (escapes, other characters, odd numbers), across chunk boundaries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteOutput } from '../../cli/src/byte-output';
import { jsonFinding } from '../../cli/src/commands/lint';
import { JsonFindingWriter } from '../../cli/src/json-findings';
import type { Finding } from '../../datasets/src/index';

test('the bytes are JSON.stringify of each finding, after "\\n" or ",\\n"', async () => {
  const chunks: Uint8Array[] = [];
  const out = new ByteOutput({ write: (chunk) => chunks.push(Uint8Array.from(chunk)) > 0, once: () => undefined });
  const expected: string[] = [];
  const messages = ['plain', '', 'quotes " and \\ and\nnewlines\t, \u0000 controls, \u007f', '\ud800 a lone surrogate', 'é中😀', 'x'.repeat(70_000)];
  const positions = [0, 8, 9, 99, 12345, 2 ** 31 - 2, 2 ** 32 - 2, -2, 1.5];
  let first = true;
  for (const file of ['data/train.jsonl', 'odd "name"\\\n\u2028é.jsonl']) {
    const writer = new JsonFindingWriter(out, JSON.stringify(file));
    for (let i = 0; i < 3000; i++) {
      const at = (k: number) => positions[(i * 7 + k * 3) % positions.length];
      const finding: Finding = {
        rule: i % 11 === 0 ? 'rule "x"' : 'near-duplicate',
        severity: i % 2 ? 'info' : 'warning',
        range: { start: { line: at(0), character: at(1) }, end: { line: at(2), character: at(3) } },
        message: messages[i % messages.length],
      };
      writer.append(finding, first);
      expected.push(`${first ? '\n' : ',\n'}${JSON.stringify(jsonFinding(file, finding))}`);
      first = false;
      if (i % 100 === 0) await out.flushIfFull();
    }
  }
  await out.flush();
  assert.equal(Buffer.concat(chunks).toString('utf8'), expected.join(''));
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(expected.join('')));
});
