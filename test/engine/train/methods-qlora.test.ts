// QLoRA end to end on the tiny model: the decoder projections are stored in 4 bits (NF4 and int4), LoRA trains on
// top, the loss falls, and the result is an ordinary PEFT LoRA adapter that loads on the float32 base.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { train } from '../../../engine/src/train/loop';
import { createFixture, type Fixture, stepLosses } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());


for (const quantType of ['nf4', 'int4'] as const) {
  test(`qlora (${quantType}) memorises a small dataset and writes a PEFT LoRA adapter`, async () => {
    const args = fixture.args({ out: `qlora-${quantType}`, method: 'qlora', quantType, steps: 30 });
    const info: string[] = [];
    const result = await train(args, { onInfo: (line) => info.push(line) });
    assert.equal(result.status, 'done', result.message);
    const curve = stepLosses(args.out);
    assert.equal(curve.length, 30);
    assert.ok(curve[29] < curve[0] * 0.5, `loss ${curve[0]} → ${curve[29]}`);

    const run = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8'));
    assert.equal(run.config.method, 'qlora');
    assert.equal(run.resolved.quantType, quantType);
    assert.ok(run.resolved.quantizedBaseBytes > 0 && run.resolved.quantizedBaseBytes < run.resolved.float32BaseBytes / 6);
    assert.ok(info.some((line) => line.startsWith('qlora:')));

    const config = JSON.parse(readFileSync(join(args.out, 'adapter', 'adapter_config.json'), 'utf8'));
    assert.equal(config.peft_type, 'LORA');
    assert.equal(config.r, 4);
    const adapter = readPeftAdapter(join(args.out, 'adapter'));
    assert.equal(adapter.modules.size, 2 * 2 + 1);
    assert.ok([...adapter.modules.values()].some((module) => module.b.some((value) => value !== 0)));
    console.log(`qlora ${quantType}: loss ${curve[0].toFixed(3)} → ${curve[29].toFixed(3)}`);
  });
}
