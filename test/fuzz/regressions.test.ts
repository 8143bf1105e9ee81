// Every input the fuzzer saved (test/fuzz-regressions/<target>/*.input) runs again through its target's oracle, in
// a child process with the fuzzer's time limit and heap cap: a crash that was fixed stays fixed.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { after, test } from 'node:test';
import { listFixtures, readFixture } from '../../fuzz/fixtures';
import { ChildPool } from '../../fuzz/pool';
import { knownByInput, type TargetContext } from '../../fuzz/target';
import { TARGETS } from '../../fuzz/targets/index';
import { ROOT } from '../../fuzz/targets/seeds';

const pool = new ChildPool({ timeoutMs: 20_000, memoryMB: 512 });
const contexts = new Map<string, { context: TargetContext; dispose(): void }>();
after(() => {
  pool.close();
  for (const { dispose } of contexts.values()) dispose();
});

test('the fuzz targets have distinct names', () => {
  assert.equal(new Set(TARGETS.map((target) => target.name)).size, TARGETS.length);
});

for (const [name, file] of listFixtures()) {
  test(`fuzz regression ${relative(ROOT, file)}`, async (t) => {
    const target = TARGETS.find((candidate) => candidate.name === name);
    assert.ok(target, `the folder names no fuzz target: ${name}`);
    if (!contexts.has(name)) contexts.set(name, target.prepare ? await target.prepare() : { context: {}, dispose: () => undefined });
    const input = readFixture(file);
    const outcome = knownByInput(target, input, await pool.run(name, input, contexts.get(name)!.context, false, target.timeLimitMs));
    if (outcome.kind === 'known') t.diagnostic(`known defect, fixed on another branch: ${outcome.defect}`);
    assert.ok(outcome.kind === 'ok' || outcome.kind === 'known', `${outcome.kind}: ${'detail' in outcome ? outcome.detail : ''}`);
  });
}
