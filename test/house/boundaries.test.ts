// The house's shape, checked on every run: no import circle between files, and every import (dynamic ones too,
// which eslint's no-restricted-imports does not see) goes from a part to one it may import (scripts/house-parts.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAY_IMPORT } from '../../scripts/house-parts.mjs';
import { importCircles, importGraph, partOf } from './import-graph';

const PARTS = Object.keys(MAY_IMPORT);
const graph = importGraph('.', [...PARTS, 'bench', 'fuzz']);

test('no import circle between files of the product, its benches or its fuzzers', () => {
  const circles = importCircles(graph).map((circle) => circle.join(' ↔ '));
  assert.deepEqual(circles, [], `import circles:\n${circles.join('\n')}`);
});

test('every part imports only the parts below it', () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph.edges) {
    const part = partOf(file);
    if (!PARTS.includes(part)) continue;
    for (const target of targets) {
      const targetPart = partOf(target);
      if (targetPart !== part && !MAY_IMPORT[part].includes(targetPart)) wrong.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(wrong, [], `imports against the layering:\n${wrong.join('\n')}`);
});

test('the graph sees the imports it should (a check of the checker)', () => {
  // cli/src/command-table.ts loads its commands lazily; a graph without those edges would pass every check above vacuously.
  const main = graph.edges.get('cli/src/command-table.ts') ?? [];
  assert.ok(main.some((target) => target.startsWith('cli/src/commands/')), 'dynamic imports of cli/src/command-table.ts');
  assert.ok((graph.edges.get('engine/src/train/data.ts') ?? []).length > 3, 'static imports of engine/src/train/data.ts');
  assert.deepEqual(importCircles({ edges: new Map([['a', ['b']], ['b', ['a']], ['c', ['a']]]) }), [['a', 'b']]);
});
