// The token counter a pass over a dataset uses: the base model's tokenizer and chat template when `baseModel` is set,
// else the estimate. The model's counter (tokenizers and the template engine, ~200 KB of each lint bundle) is loaded
// only then: most lints run without a base model, and each thread of `finetune lint` compiles its bundle at start.
// The bundler defers a module loaded on demand and everything it imports, and a deferred module's constants are no
// longer constants to the JIT: the model's counter imports nothing of the per-line analysis.
import type { TokenCounter } from '../api';
import { createEstimateTokenCounter } from './token-estimate';
import type * as ModelTokenCounter from './model-token-counter';

/** model-token-counter.ts's counter, its module loaded on this first use. */
export function createModelTokenCounter(modelDir: string, estimate: TokenCounter): TokenCounter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./model-token-counter') as typeof ModelTokenCounter).createModelTokenCounter(modelDir, estimate);
}

/** The model's counter when `baseModel` is set and loads, else the estimate, with the reason it fell back. */
export function createTokenCounter(baseModel: string | undefined): { counter: TokenCounter; problem: string | null } {
  if (!baseModel) return { counter: createEstimateTokenCounter(), problem: null };
  try {
    return { counter: createModelTokenCounter(baseModel, createEstimateTokenCounter()), problem: null };
  } catch (error) {
    return { counter: createEstimateTokenCounter(), problem: `cannot load the tokenizer of ${baseModel}: ${(error as Error).message}; token counts are estimates` };
  }
}
