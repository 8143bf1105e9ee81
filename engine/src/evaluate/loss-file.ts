// The per-example loss file (RUN_DIR/per-example-loss.jsonl by default, docs/run-folder.md): JSON Lines, one
// `{"line", "loss", "tokens"}` per scored record, in file order.
// `line` is 1-based, like `finetune lint`'s output, so a person can jump to it; readers that feed the
// dataset service (0-based) convert with readLossFile. Written atomically: the extension may read it at any time.
import { existsSync, readFileSync } from 'node:fs';
import { assertReadableFile } from '../../../contracts/src/user-file';
import { writeFileAtomic } from '../io/atomic-write';
import type { ExampleLoss } from './per-example';

export const PER_EXAMPLE_LOSS_FILE = 'per-example-loss.jsonl';

export interface LossFileLine {
  /** 1-based line of the record in the dataset file. */
  line: number;
  loss: number;
  tokens: number;
}

export function lossFileLines(losses: readonly ExampleLoss[]): LossFileLine[] {
  return losses.map((entry) => ({ line: entry.line + 1, loss: Number.isFinite(entry.loss) ? Number(entry.loss.toFixed(6)) : entry.loss, tokens: entry.tokens }));
}

export function formatLossFile(losses: readonly ExampleLoss[]): string {
  return lossFileLines(losses)
    .map((entry) => `${JSON.stringify(entry)}\n`)
    .join('');
}

export function writeLossFile(path: string, losses: readonly ExampleLoss[]): void {
  writeFileAtomic(path, formatLossFile(losses));
}

/** Reads a loss file into 0-based line → loss (the dataset service's `setLosses` input); bad lines are named. */
export function readLossFile(path: string): Map<number, number> {
  if (!existsSync(path)) throw new Error(`${path}: no per-example loss file (run \`finetune eval --per-example\` first)`);
  assertReadableFile(path, 'per-example loss file');
  const losses = new Map<number, number>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      let entry: Partial<LossFileLine>;
      try {
        entry = JSON.parse(text) as Partial<LossFileLine>;
      } catch (error) {
        throw new Error(`${path}:${index + 1}: not valid JSON (${(error as Error).message})`);
      }
      if (!Number.isInteger(entry.line) || (entry.line as number) < 1 || typeof entry.loss !== 'number') {
        throw new Error(`${path}:${index + 1}: expected {"line": 1-based integer, "loss": number, "tokens": number}`);
      }
      losses.set((entry.line as number) - 1, entry.loss);
    });
  return losses;
}
