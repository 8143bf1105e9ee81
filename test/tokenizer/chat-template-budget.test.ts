// A chat template is code from a model folder: one that loops, builds or recurses without end must fail as a located
// ModelFileError within its render budget, never abort the process or run for minutes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelFileError } from '../../contracts/src/model-file-error';
import { loadChatTokenizer, type ChatTurn } from '../../tokenizer/src/tokenizer';
import { buildTokenizer } from '../../engine/src/init/tokenizer-builder';

const root = mkdtempSync(join(tmpdir(), 'chat-template-budget-'));
after(() => rmSync(root, { recursive: true, force: true }));
const built = buildTokenizer(1024, 512);
const TURNS: ChatTurn[] = [{ role: 'user', content: 'Hi', trained: false }, { role: 'assistant', content: 'Hello.', trained: true }];

function tokenizerFolder(name: string, chatTemplate: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(built.tokenizerJson));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...built.tokenizerConfig, chat_template: chatTemplate }));
  return dir;
}

const isTemplateError = (error: unknown) => error instanceof ModelFileError && error.code === 'bad-chat-template' && error.key === 'chat_template' && !error.message.includes('\n');

const RUNAWAYS: Record<string, string> = {
  'range(10**9)': '{% for i in range(10**9) %}x{% endfor %}',
  'range(10**7)': '{% for i in range(10**7) %}x{% endfor %}',
  'nested small ranges': '{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}',
  'a doubling string': "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
  'a doubling list': '{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}',
};

for (const [name, template] of Object.entries(RUNAWAYS)) {
  test(`a template with ${name} fails as bad-chat-template within its budget`, () => {
    const started = performance.now();
    assert.throws(() => {
      const tokenizer = loadChatTokenizer(tokenizerFolder(name.replace(/\W/g, '_'), template));
      tokenizer.renderTrainingText(TURNS);
    }, isTemplateError);
    assert.ok(performance.now() - started < 5000, `took ${Math.round(performance.now() - started)} ms`);
  });
}

test('after one render ran out of budget, later renders fail at once', () => {
  // Renders only when the conversation has an assistant turn, so loading (which renders probes) succeeds.
  const template = "{% for m in messages %}{% if m.role == 'assistant' %}{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}{% endif %}{{ m.content }}{% endfor %}";
  const tokenizer = loadChatTokenizer(tokenizerFolder('slow-assistant', template));
  assert.throws(() => tokenizer.renderChat(TURNS), isTemplateError);
  const started = performance.now();
  assert.throws(() => tokenizer.renderChat(TURNS), isTemplateError);
  assert.ok(performance.now() - started < 50);
});

test('ordinary templates still render, with range, namespace and strftime_now', () => {
  const template = "{% for m in messages %}{{ m.role }}:{{ m.content }}{% for i in range(2) %}!{% endfor %}{% endfor %}{{ strftime_now('%Y')|length }}";
  const tokenizer = loadChatTokenizer(tokenizerFolder('ordinary', template));
  assert.equal(tokenizer.renderChat(TURNS), 'user:Hi!!assistant:Hello.!!4');
});
