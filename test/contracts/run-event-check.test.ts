// The metrics.jsonl event check: every field of every event type is checked, a bad line gets `where: why`, unknown
// types and blank lines are skipped, and a NaN written as null reads as an absent optional field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRunEvent, checkRunEventLine, parseRunEventLine } from '../../contracts/src/run/run-event-check';
import { eventsKeptOnResume } from '../../contracts/src/run/resume-trim';
import type { RunEvent } from '../../contracts/src/run/run-events';

const where = 'run/metrics.jsonl:7';

describe('run event check', () => {
  it('accepts each event type the trainer writes', () => {
    const events: RunEvent[] = [
      { type: 'step', step: 1, loss: 2.5, lr: 1e-3, tokens: 64, tokensPerSecond: 640, elapsedMs: 100, gradNorm: 0.4, epoch: 0 },
      { type: 'eval', step: 1, loss: 2.4, tokens: 32, elapsedMs: 120 },
      { type: 'sample', step: 1, prompt: 'Hi', completion: 'Hello' },
      { type: 'done', step: 1, elapsedMs: 130, output: 'adapter', loss: 2.5 },
      { type: 'error', step: 2, message: 'diverged', elapsedMs: 140, checkpoint: 'checkpoints/step-000001' },
      { type: 'cancelled', step: 1, elapsedMs: 150 },
    ];
    for (const event of events) assert.deepEqual(checkRunEventLine(JSON.stringify(event), where), { kind: 'event', event });
  });

  it('locates what is wrong with a bad line', () => {
    const reason = (line: string) => {
      const check = checkRunEventLine(line, where);
      return check.kind === 'invalid' ? check.reason : `not invalid: ${check.kind}`;
    };
    assert.match(reason('{"type":"step","step":1,"lo'), /^run\/metrics\.jsonl:7: not JSON \(/);
    assert.equal(reason('[1,2]'), `${where}: not a JSON object`);
    assert.equal(reason('{"type":"step","step":3,"loss":"high","lr":1}'), `${where}: 'step' event, key 'loss': expected a number`);
    assert.equal(reason('{"type":"step","step":1,"loss":1,"lr":1,"tokens":1,"tokensPerSecond":1,"elapsedMs":1,"epoch":"one"}'), `${where}: 'step' event, key 'epoch': expected a number`);
    assert.equal(reason('{"type":"sample","step":1,"prompt":"Hi"}'), `${where}: 'sample' event, key 'completion': expected a string`);
    assert.equal(reason('{"type":"done","step":4,"elapsedMs":9}'), `${where}: 'done' event, key 'output': expected a string`);
    assert.throws(() => parseRunEventLine('{"type":"eval","step":1}', where), new RegExp(`^Error: ${where}: 'eval' event, key 'loss'`));
  });

  it('skips blank lines and event types this reader does not know', () => {
    assert.deepEqual(checkRunEventLine('   ', where), { kind: 'skipped' });
    assert.deepEqual(checkRunEvent({ type: 'future-kind', step: 1 }, where), { kind: 'skipped' });
    assert.equal(parseRunEventLine('{"type":"future-kind"}', where), undefined);
  });

  it('reads an optional number written as null (a NaN) as absent', () => {
    const check = checkRunEventLine('{"type":"done","step":4,"elapsedMs":9,"output":"model","evalLoss":null}', where);
    assert.deepEqual(check, { kind: 'event', event: { type: 'done', step: 4, elapsedMs: 9, output: 'model' } });
  });
});

describe('resume trimming', () => {
  it('keeps the events up to the checkpoint, without the old ending', () => {
    const step = (n: number): RunEvent => ({ type: 'step', step: n, loss: 1, lr: 1, tokens: 1, tokensPerSecond: 1, elapsedMs: n });
    const history: RunEvent[] = [step(1), step(2), { type: 'sample', step: 2, prompt: 'p', completion: 'c' }, step(3), { type: 'cancelled', step: 3, elapsedMs: 3 }];
    assert.deepEqual(eventsKeptOnResume(history, 2), history.slice(0, 3));
    assert.deepEqual(eventsKeptOnResume(history, 3), history.slice(0, 4));
    assert.deepEqual(eventsKeptOnResume(history, 0), []);
  });
});
