// The shape every format writer returns: files relative to the recipe folder, each with one line for the README.

export interface RecipeFile {
  path: string;
  content: string;
  /** One line for the recipe's README: what the file is. */
  what: string;
  executable?: boolean;
}

export function jsonl(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/** The global batch the run trained with: sequences per optimizer step. */
export function globalBatch(batchSize: number, gradAccumulation: number): number {
  return batchSize * gradAccumulation;
}

/**
 * Per-device batch and accumulation that keep the run's global batch on `worldSize` processes when it divides
 * evenly (accumulation first, then the per-device batch); otherwise the run's own values, which multiply the global
 * batch by the process count (`keepsGlobalBatch` false says so).
 */
export function distributedBatch(batchSize: number, gradAccumulation: number, worldSize: number): { perDevice: number; accumulation: number; keepsGlobalBatch: boolean } {
  if (worldSize <= 1) return { perDevice: batchSize, accumulation: gradAccumulation, keepsGlobalBatch: true };
  if (gradAccumulation % worldSize === 0) return { perDevice: batchSize, accumulation: gradAccumulation / worldSize, keepsGlobalBatch: true };
  const total = batchSize * gradAccumulation;
  if (total % worldSize === 0) {
    const perProcess = total / worldSize;
    // The largest accumulation that divides the per-process share and the run's accumulation keeps micro-batches small.
    for (let accumulation = gradAccumulation; accumulation >= 1; accumulation--) {
      if (perProcess % accumulation === 0) return { perDevice: perProcess / accumulation, accumulation, keepsGlobalBatch: true };
    }
  }
  return { perDevice: batchSize, accumulation: gradAccumulation, keepsGlobalBatch: false };
}
