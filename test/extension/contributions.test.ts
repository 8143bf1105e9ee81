// package.json's `contributes` and `activationEvents`, and the run configuration schema, are exactly what
// `npm run contributions` generates from the extension parts' data: editing one without the other fails here,
// naming each entry that differs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatedFiles } from '../../scripts/contributions';
import { jsonDifferences } from './json-differences';

test('package.json and schemas/ hold what `npm run contributions` generates', () => {
  for (const [file, generated] of Object.entries(generatedFiles())) {
    const differences = jsonDifferences(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(generated));
    assert.deepEqual(differences, [], `${file} differs from the extension parts' contributions: run \`npm run contributions\` or fix the part`);
  }
});
