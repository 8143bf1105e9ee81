// Every gradient rule against central finite differences on float64 graphs, over several shapes with broadcasting.
// A final test fails when a rule in the table has no case here.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ops } from '../../../engine/src/graph';
import { gradientRules, NO_GRADIENT } from '../../../engine/src/autodiff';
import { cases, f } from './gradient-cases';
import { gradCheck } from './gradcheck';

const covered = new Set<string>();

for (const c of cases) {
  test(`gradient of ${c.name} matches finite differences`, async () => {
    const result = await gradCheck(c.inputs, c.build, c.options);
    for (const op of result.opTypes) covered.add(op);
  });
}

// Float32 islands (Cast, and Erf, which has no float64 kernel): a larger step and a looser tolerance.
test('gradient through float32 Cast and Erf matches finite differences', async () => {
  const result = await gradCheck([f([3], { values: [-0.8, 0.1, 0.9] })], (x) => ops.cast(ops.erf(ops.cast(x, 'float32')), 'float64'), { step: 1e-3, tolerance: 1e-3 });
  for (const op of result.opTypes) covered.add(op);
});

test('every differentiable op in the rule table has a finite-difference case', () => {
  const missing = Object.entries(gradientRules)
    .filter(([op, rule]) => rule !== NO_GRADIENT && !covered.has(op))
    .map(([op]) => op);
  assert.deepEqual(missing, []);
});
