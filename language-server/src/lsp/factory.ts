// Creates service documents with what they share across documents: one token counter per base model folder
// (loading a tokenizer takes a while) and one index per eval file. Both are cached until settings change.
import { createTokenCounter, loadEvalIndex, openDatasetDocument, type DatasetDocument, type DatasetSettings, type EvalIndex, type TokenCounter } from '../../../datasets/src';

export class DatasetFactory {
  private readonly counters = new Map<string, TokenCounter>();
  private readonly evalIndexes = new Map<string, Promise<EvalIndex | undefined>>();

  /** `reportProblem` tells the user once why something fell back (an unloadable tokenizer, a missing eval file). */
  constructor(private readonly reportProblem: (message: string) => void) {}

  async create(uri: string, text: string, settings: DatasetSettings): Promise<DatasetDocument> {
    const evalIndex = settings.evalFile ? await this.evalIndex(settings.evalFile) : undefined;
    return openDatasetDocument(uri, text, settings, { tokenCounter: this.counter(settings.baseModel), evalIndex });
  }

  private counter(baseModel: string | undefined): TokenCounter | undefined {
    if (!baseModel) return undefined;
    let counter = this.counters.get(baseModel);
    if (!counter) {
      const created = createTokenCounter(baseModel);
      if (created.problem) this.reportProblem(created.problem);
      counter = created.counter;
      this.counters.set(baseModel, counter);
    }
    return counter;
  }

  private evalIndex(file: string): Promise<EvalIndex | undefined> {
    let pending = this.evalIndexes.get(file);
    if (!pending) {
      // A missing eval file: the document reports it itself (it reads the file when no index is given).
      pending = loadEvalIndex(file).catch(() => undefined);
      this.evalIndexes.set(file, pending);
    }
    return pending;
  }

  /** Forgets an eval file's index (it changed on disk). */
  forget(file: string): void {
    this.evalIndexes.delete(file);
  }

  clear(): void {
    this.counters.clear();
    this.evalIndexes.clear();
  }
}
