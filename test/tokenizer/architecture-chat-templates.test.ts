// The chat templates of Gemma, Gemma 3, Phi-3 and Phi-3.5 render with our jinja (tokenizer/src/chat-template.ts) as
// transformers' apply_chat_template environment renders them, refusals included (Gemma 1 refuses a system turn);
// fixtures from reference/architectures/make_chat_template_fixtures.py. The trained spans end at each template's
// end-of-turn token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChatRenderer, type ChatTurn } from '../../tokenizer/src/chat-template';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'chat-templates');

interface Fixture {
  template: string;
  bos_token: string;
  eos_token: string;
  cases: { messages: { role: string; content: string }[]; add_generation_prompt: boolean; text: string | null }[];
}

const END_OF_TURN: Record<string, string[]> = { gemma: ['<end_of_turn>'], gemma3: ['<end_of_turn>'], phi3: ['<|end|>'], phi3_5: ['<|end|>'] };

for (const file of readdirSync(DIR).filter((name) => name.endsWith('.json')).sort()) {
  const name = file.slice(0, -'.json'.length);
  test(`the ${name} chat template renders as transformers renders it`, () => {
    const fixture = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
    const special = { bos: fixture.bos_token, eos: fixture.eos_token, pad: null, unk: null };
    const renderer = new ChatRenderer({ source: 'model', text: fixture.template }, special, END_OF_TURN[name], file);
    for (const { messages, add_generation_prompt: addGenerationPrompt, text } of fixture.cases) {
      const turns: ChatTurn[] = messages.map((message) => ({ ...message, trained: message.role === 'assistant' }));
      if (text === null) {
        assert.throws(() => renderer.render(turns, { addGenerationPrompt }), `${name} should refuse ${messages.map((m) => m.role).join(',')}`);
        continue;
      }
      assert.equal(renderer.render(turns, { addGenerationPrompt }), text);
      if (addGenerationPrompt) continue;
      const { spans } = renderer.renderWithSpans(turns);
      const answers = turns.filter((turn) => turn.trained);
      assert.equal(spans.length, answers.length);
      spans.forEach(([start, end], index) => {
        const trained = text.slice(start, end);
        assert.ok(trained.includes(answers[index].content) && END_OF_TURN[name].some((token) => trained.endsWith(token)), `${name}: span ${JSON.stringify(trained)}`);
      });
    }
  });
}
