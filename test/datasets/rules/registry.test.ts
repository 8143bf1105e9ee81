// Every registered rule has a test table (or a named test) in this folder and a row in the README's rule table;
// failures name the ids that are missing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES, RULE_IDS } from '../../../datasets/src/rules/index';

const here = join('test', 'datasets', 'rules');

test('rule ids are unique, kebab-case, with a description and a default severity', () => {
  assert.equal(new Set(RULE_IDS).size, RULE_IDS.length);
  for (const rule of RULES) {
    assert.match(rule.meta.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(rule.meta.description.length > 20, rule.meta.id);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(rule.meta.defaultSeverity), rule.meta.id);
  }
});

test('every rule has a file of its own under datasets/src/rules', () => {
  const files = new Set(readdirSync(join('datasets', 'src', 'rules')).map((name) => name.replace(/\.ts$/, '')));
  assert.deepEqual(RULE_IDS.filter((id) => !files.has(id)), []);
});

test('every rule has a test', () => {
  const sources = readdirSync(here).filter((name) => name.endsWith('.test.ts')).map((name) => readFileSync(join(here, name), 'utf8')).join('\n');
  const tested = (id: string) => sources.includes(`ruleTester('${id}'`) || sources.includes(`test('${id}:`);
  assert.deepEqual(RULE_IDS.filter((id) => !tested(id)), [], 'rules without a RuleTester table or a test named "<id>: …"');
});

test("every rule has a row in README.md's rule table", () => {
  const readme = existsSync('README.md') ? readFileSync('README.md', 'utf8') : '';
  // a row starts with the id, optionally after its `rule-<id>` anchor: | <a id="rule-pii"></a>`pii` | …
  const rows = new Set([...readme.matchAll(/^\|\s*(?:<a id="rule-[a-z-]+"><\/a>)?\s*`?([a-z-]+)`?\s*\|/gm)].map((match) => match[1]));
  const missing = RULE_IDS.filter((id) => !rows.has(id));
  assert.deepEqual(missing, [], `README.md's rule table lacks rows for: ${missing.join(', ')} (datasets/RULES.md has them)`);
});
