// The recipe YAML writer: values PyYAML (YAML 1.1, what TRL, Accelerate, Axolotl and LLaMA-Factory read) parses back
// to the same type — floats with a dot and signed exponent, strings that look like numbers, booleans or nulls quoted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distributedBatch } from '../../../engine/src/recipes/recipe-files';
import { toYaml, yamlNumber } from '../../../engine/src/recipes/yaml';

test('numbers keep their type under PyYAML', () => {
  assert.deepEqual([1e-8, 2e-4, 0.1, 3, 1e21, -2.5e-7].map(yamlNumber), ['1.0e-8', '0.0002', '0.1', '3', '1.0e+21', '-2.5e-7']);
});

test('mappings, sequences and quoting', () => {
  const text = toYaml(
    { a: 'plain', b: 'no', c: '1.5', d: 'x: y', e: ['q_proj', 'v_proj'], f: { g: true, h: null }, i: [{ path: 'data', type: 'chat_template' }], j: [], k: undefined, l: '' },
    ['header'],
  );
  assert.equal(text, ['# header', 'a: plain', 'b: "no"', 'c: "1.5"', 'd: "x: y"', 'e: [q_proj, v_proj]', 'f:', '  g: true', '  h: null', 'i:', '  - path: data', '    type: chat_template', 'j: []', 'l: ""', ''].join('\n'));
});

test('distributed batch keeps the run\'s global batch when it divides', () => {
  assert.deepEqual(distributedBatch(4, 8, 8), { perDevice: 4, accumulation: 1, keepsGlobalBatch: true });
  assert.deepEqual(distributedBatch(8, 1, 4), { perDevice: 2, accumulation: 1, keepsGlobalBatch: true });
  assert.deepEqual(distributedBatch(4, 4, 8), { perDevice: 1, accumulation: 2, keepsGlobalBatch: true });
  assert.deepEqual(distributedBatch(2, 1, 4), { perDevice: 2, accumulation: 1, keepsGlobalBatch: false });
  assert.deepEqual(distributedBatch(3, 2, 1), { perDevice: 3, accumulation: 2, keepsGlobalBatch: true });
});
