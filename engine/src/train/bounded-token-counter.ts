// The dataset service counts each record's tokens for its too-long rule before training. A record far beyond
// max-seq-len (a 40 MB answer) took 100 s and 2 GB to count in full, only to be told it is too long. Such records
// are counted from their cut form (io/long-input.ts): the total is then a lower bound that is still over the limit,
// which is all the rule decides on. Records within reach of the limit keep their exact count.
import type { CanonicalExample, TokenCounter, TokenCounts } from '../../../datasets/src/index';
import { characterBudget } from '../../../tokenizer/src/long-input';
import type { ChatTokenizerLike } from './chat-tokenizer-like';

function contentLength(example: CanonicalExample): number {
  return example.turns.reduce((sum, turn) => sum + turn.content.length, 0);
}

export function boundedTokenCounter(counter: TokenCounter, tokenizer: ChatTokenizerLike, maxSeqLen: number): TokenCounter {
  if (tokenizer.longestTokenLength === undefined) return counter;
  const budget = characterBudget(maxSeqLen, tokenizer.longestTokenLength);
  const huge = (example: CanonicalExample) => contentLength(example) > budget;
  const cutCount = (example: CanonicalExample): TokenCounts => {
    const limit = { maxTokens: maxSeqLen };
    const { ids, trainedMask } = example.format === 'text' ? tokenizer.tokenizeText(example.turns.map((turn) => turn.content).join(''), limit) : tokenizer.tokenizeChat(example.turns, limit);
    let response = 0;
    for (let index = 0; index < trainedMask.length; index++) if (trainedMask[index]) response++;
    return { prompt: ids.length - response, response, total: ids.length, estimated: false };
  };
  return {
    estimated: counter.estimated,
    count: (example) => (huge(example) ? cutCount(example) : counter.count(example)),
    render: (example) => counter.render(example),
    // No bound below the truth is cheap for a huge record: send it to count(), which cuts it.
    upperBound: (example) => (huge(example) ? Number.POSITIVE_INFINITY : (counter.upperBound?.(example) ?? Number.POSITIVE_INFINITY)),
  };
}
