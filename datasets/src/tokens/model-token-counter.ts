// Exact token counts from a Hugging Face model folder: the engine's ChatTokenizer (tokenizer.json + chat template)
// is the one implementation of "which tokens does the loss cover", shared with the trainer's data loader.
import { TemplateRefusal } from '../../../tokenizer/src/chat-template';
import { loadChatTokenizer, type ChatTokenizer } from '../../../tokenizer/src/tokenizer';
import type { TokenCounter } from '../api';
import type { CanonicalExample, RenderedExample, TokenCounts } from '../../../contracts/src/dataset-types';

/** Slack for tokenizers that add a prefix space or BOS/EOS to plain text. */
const BOUND_MARGIN = 8;

/** Rendered once at load, so a template that cannot render (or runs out of its budget) fails here, not per record. */
const PROBE_TURNS = [
  { role: 'user', content: 'Hi', trained: false },
  { role: 'assistant', content: 'Hello.', trained: true },
];

/**
 * `estimate` counts a record the chat template refuses (token-estimate.ts: passed in, since this module is loaded
 * on demand and what it imports is deferred with it, see token-counter.ts).
 */
export function createModelTokenCounter(modelDir: string, estimate: TokenCounter): TokenCounter {
  const tokenizer: ChatTokenizer = loadChatTokenizer(modelDir);
  tokenizer.renderTrainingText(PROBE_TURNS);
  const count = (example: CanonicalExample): TokenCounts => {
    if (example.format === 'text') {
      const total = tokenizer.tokenizeText(example.turns.map((turn) => turn.content).join('')).ids.length;
      return { prompt: 0, response: total, total, estimated: false };
    }
    try {
      return tokenizer.countTokens(example.turns);
    } catch (error) {
      // One record the template raises for is that record's finding (../rules/chat-template.ts), not a failed lint.
      if (error instanceof TemplateRefusal) return { ...estimate.count(example), refusal: error.reason };
      throw error;
    }
  };
  return {
    estimated: false,
    count,
    render(example: CanonicalExample): RenderedExample {
      if (example.format === 'text') {
        const text = example.turns.map((turn) => turn.content).join('');
        return { text, trainedSpans: [[0, text.length]], tokens: count(example), templateSource: tokenizer.chatTemplate.source };
      }
      const { text, spans } = tokenizer.renderTrainingText(example.turns);
      return { text, trainedSpans: spans, tokens: count(example), templateSource: tokenizer.chatTemplate.source };
    },
    // Every token of a byte-level or byte-fallback tokenizer covers at least one UTF-8 byte of the rendered text.
    upperBound(example: CanonicalExample): number {
      let text: string;
      try {
        text = example.format === 'text' ? example.turns.map((turn) => turn.content).join('') : tokenizer.renderChat(example.turns);
      } catch (error) {
        // no bound: count() finds the refusal and says so
        if (error instanceof TemplateRefusal) return Number.POSITIVE_INFINITY;
        throw error;
      }
      return Buffer.byteLength(text, 'utf8') + BOUND_MARGIN;
    },
  };
}
