// chat-template: a base model whose template raises for some records (here: no system role, as Gemma's and older
// Mistral templates do) gets a located error on those records, in the editor and in `finetune lint` alike, and the
// rest of the file is linted as usual (it used to throw the template's error and publish nothing).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { defaultSettings, lintText } from '../../../datasets/src/index';
import { initModel } from '../../../engine/src/init/init-model';
import { at, chat, ruleTester } from './rule-tester';

const dir = mkdtempSync(join(tmpdir(), 'finetune-refusing-template-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, 'model');
initModel({ arch: 'llama', size: 'tiny', out: model, seed: 1 });
const configPath = join(model, 'tokenizer_config.json');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
config.chat_template =
  "{% for message in messages %}{% if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}" +
  "{{ '<|' + message['role'] + '|>' + message['content'] + eos_token }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";
writeFileSync(configPath, JSON.stringify(config));

const withSystem = JSON.stringify({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }, { role: 'assistant', content: 'Paris.' }] });
const settings = { baseModel: model, minExamples: 1 };

ruleTester('chat-template', {
  valid: [{ text: chat('Capital of France?', 'Paris.'), settings }, { text: withSystem, settings: { minExamples: 1 } }],
  invalid: [
    { text: withSystem, errors: [{ ...at(withSystem, '"messages"'), message: 'the chat template of the base model refuses this record: System role not supported' }], settings },
    { text: [chat('Capital of France?', 'Paris.'), withSystem], errors: [{ line: 2, ...at(withSystem, '"messages"'), message: 'the chat template of the base model refuses this record: System role not supported' }], settings },
  ],
});

test('chat-template: the finding quotes the template, and the record is still counted (by estimate)', async () => {
  const messages: string[] = [];
  for await (const finding of lintText(withSystem, { ...defaultSettings(), ...settings })) messages.push(`${finding.rule}: ${finding.message}`);
  assert.deepEqual(messages, ['chat-template: the chat template of the base model refuses this record: System role not supported']);
});
