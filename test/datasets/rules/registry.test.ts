// Every registered rule has a RuleTester table in this folder (each table checks itself against its rule: an invalid
// case, a message, the fixed text when the rule has a fix; see table-coverage.ts), and a row in the README's rule
// table; failures name the ids that are missing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
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

test('every rule has the hook its scope is driven by', () => {
  // record rules without a check (json-syntax, not-object) are driven by the line analyser, which has no record to give
  const missing = RULES.filter((rule) => {
    if (rule.meta.scope === 'cross-record') return !('usesFingerprints' in rule);
    if (rule.meta.scope === 'dataset') return !('judge' in rule);
    return false;
  });
  assert.deepEqual(missing.map((rule) => rule.meta.id), []);
});

test('every rule has a file of its own under datasets/src/rules', () => {
  const files = new Set(readdirSync(join('datasets', 'src', 'rules')).map((name) => name.replace(/\.ts$/, '')));
  assert.deepEqual(RULE_IDS.filter((id) => !files.has(id)), []);
});

/** The first string argument of every call to `callee` in the test files here (calls, not text that mentions them). */
function firstArguments(callee: string): Set<string> {
  const found = new Set<string>();
  for (const name of readdirSync(here).filter((file) => file.endsWith('.test.ts'))) {
    const source = ts.createSourceFile(name, readFileSync(join(here, name), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === callee) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) found.add(first.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

test('every rule has a RuleTester table, or a test named "<id>: …" when the RuleTester cannot drive it', () => {
  const tables = firstArguments('ruleTester');
  // run and file rules need a training run's losses or an open document's size, which a table of JSONL cannot give
  const named = [...firstArguments('test')].map((title) => title.split(':')[0]);
  const tested = (rule: (typeof RULES)[number]) => tables.has(rule.meta.id) || (['run', 'file'].includes(rule.meta.scope) && named.includes(rule.meta.id));
  assert.deepEqual(RULES.filter((rule) => !tested(rule)).map((rule) => rule.meta.id), []);
});

test("every rule has a row in README.md's rule table", () => {
  const readme = existsSync('README.md') ? readFileSync('README.md', 'utf8') : '';
  // a row starts with the id, optionally after its `rule-<id>` anchor: | <a id="rule-pii"></a>`pii` | …
  const rows = new Set([...readme.matchAll(/^\|\s*(?:<a id="rule-[a-z-]+"><\/a>)?\s*`?([a-z-]+)`?\s*\|/gm)].map((match) => match[1]));
  const missing = RULE_IDS.filter((id) => !rows.has(id));
  assert.deepEqual(missing, [], `README.md's rule table lacks rows for: ${missing.join(', ')} (datasets/RULES.md has them)`);
});
