// package.json's contributions stay in step with the server: every editor setting the server reads is declared
// with the service's default, every rule can be given a severity, `jsonl` files activate the extension, and
// untrusted workspaces are declared as limited. (test/extension/contributions.test.ts keeps package.json generated.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EDITOR_SETTING_KEYS } from '../../../contracts/src/lsp-protocol';
import { defaultSettings, RULE_IDS } from '../../../datasets/src';
import { ROOT } from './harness';

interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
  contributes: {
    configuration: Array<{ properties: Record<string, { default?: unknown; properties?: Record<string, unknown>; enum?: unknown[] }> }>;
    languages: Array<{ id: string; extensions?: string[] }>;
    jsonValidation: Array<{ fileMatch: string; url: string }>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const properties = Object.assign({}, ...manifest.contributes.configuration.map((section) => section.properties)) as Manifest['contributes']['configuration'][0]['properties'];

test('every editor setting the server reads is contributed, with the service default', () => {
  const defaults = defaultSettings() as unknown as Record<string, unknown>;
  for (const key of EDITOR_SETTING_KEYS) {
    const property = properties[`finetune.${key}`];
    assert.ok(property, `finetune.${key} is contributed`);
    if (key in defaults) assert.deepEqual(property.default, defaults[key], `finetune.${key} default`);
  }
  assert.deepEqual(properties['finetune.format'].enum, ['auto', 'messages', 'sharegpt', 'alpaca', 'prompt-completion', 'instruction-response', 'text', 'preference', 'preference-implicit']);
});

test('every rule id can be given a severity in settings', () => {
  assert.deepEqual(Object.keys(properties['finetune.severity'].properties ?? {}).sort(), [...RULE_IDS].sort());
});

test('jsonl files are a language that activates the extension, whose entry point is the bundle', () => {
  assert.ok(manifest.activationEvents.includes('onLanguage:jsonl'));
  assert.ok(manifest.contributes.languages.some((language) => language.id === 'jsonl' && language.extensions?.includes('.jsonl')));
  assert.equal(manifest.main, './dist/extension.js');
});

test('untrusted workspaces are limited, the model folder setting restricted; the config file has a schema', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes('finetune.baseModel'));
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes('finetune.evalFile'));
  const validation = manifest.contributes.jsonValidation.find((entry) => entry.fileMatch === 'finetune.config.json');
  assert.ok(validation);
  assert.ok(existsSync(path.join(ROOT, validation.url)), `${validation.url} exists`);
});

test("every rule's documentation link lands on an anchor in the README's rule table", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const missing = RULE_IDS.filter((id) => !readme.includes(`id="rule-${id}"`));
  assert.deepEqual(missing, [], 'rows of the rule table carry <a id="rule-<id>"></a> (diagnostics link to them)');
});
