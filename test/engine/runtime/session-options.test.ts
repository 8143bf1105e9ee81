// Memory settings reach ORT as its session options, only when chosen, and take part in the session-cache key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeOptionsKey, sessionOptionsFor } from '../../../engine/src/runtime/session-options';

test('memory options map to ORT session options and the cache key', () => {
  const defaults = sessionOptionsFor({});
  assert.equal(defaults.enableCpuMemArena, undefined);
  assert.equal(defaults.enableMemPattern, undefined);
  assert.equal(defaults.extra, undefined);
  const training = sessionOptionsFor({ memory: { prepack: false, pattern: false, arena: true } });
  assert.equal(training.enableMemPattern, false);
  assert.equal(training.enableCpuMemArena, true);
  assert.deepEqual(training.extra, { session: { disable_prepacking: '1' } });
  assert.notEqual(runtimeOptionsKey({ memory: { prepack: false } }), runtimeOptionsKey({}));
});
