// The token counter used when no base model is configured: a character-class estimate (see estimateTokens) and a
// ChatML rendering like the default template the trainer falls back to. Its counts say `estimated: true`.
import type { TokenCounter } from '../api';
import { estimateTokens, scanText } from '../line/text-stats';
import type { CanonicalExample, RenderedExample, TokenCounts } from '../../../contracts/src/dataset-types';

/** Tokens ChatML adds around each turn: <|im_start|>, the role, a newline, <|im_end|>, a newline. */
export const TURN_OVERHEAD = 5;

const estimateCounters = new WeakSet<TokenCounter>();

export function isEstimateCounter(counter: TokenCounter): boolean {
  return estimateCounters.has(counter);
}

function countText(text: string): number {
  return estimateTokens(scanText(text));
}

export function createEstimateTokenCounter(): TokenCounter {
  const counter: TokenCounter = {
    estimated: true,
    count(example: CanonicalExample): TokenCounts {
      let prompt = 0;
      let response = 0;
      const overhead = example.format === 'text' ? 0 : TURN_OVERHEAD;
      for (const turn of example.turns) {
        const tokens = countText(turn.content) + overhead;
        if (turn.trained) response += tokens;
        else prompt += tokens;
      }
      return { prompt, response, total: prompt + response, estimated: true };
    },
    render(example: CanonicalExample): RenderedExample {
      const tokens = this.count(example);
      if (example.format === 'text') {
        const text = example.turns.map((turn) => turn.content).join('');
        return { text, trainedSpans: text ? [[0, text.length]] : [], tokens, templateSource: 'default' };
      }
      let text = '';
      const trainedSpans: Array<[number, number]> = [];
      for (const turn of example.turns) {
        text += `<|im_start|>${turn.role}\n`;
        const start = text.length;
        text += `${turn.content}<|im_end|>`;
        if (turn.trained) trainedSpans.push([start, text.length]);
        text += '\n';
      }
      return { text, trainedSpans, tokens, templateSource: 'default' };
    },
  };
  estimateCounters.add(counter);
  return counter;
}
