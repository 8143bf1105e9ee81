// Records to score, read through the dataset service's streaming linter (same parser, same format detection as the
// trainer). Unlike the trainer this does not refuse a file with error findings: scoring looks for bad records, so
// every record that parses into a conversation is scored, and only unparseable lines are left out (and counted).
import { lintFile } from '../../../datasets/src/index';
import type { CanonicalExample } from '../../../contracts/src/dataset-types';
import { UserError } from '../../../contracts/src/user-error';
import { assertReadableFile } from '../../../contracts/src/user-file';
import { datasetSettingsFor, tokenizeExamples, type ChatTokenizerLike, type TokenizedDataset } from '../train/data';

export interface ScoringData extends TokenizedDataset {
  /** Records that parsed into a conversation (before truncation and the no-target skip). */
  records: number;
  /** Lines with an error finding that produced no conversation (bad JSON, missing fields). */
  unparsed: number;
}

/** Every record that parses, and how many lines did not. */
export async function readScoringExamples(file: string, maxSeqLen: number): Promise<{ examples: CanonicalExample[]; unparsed: number }> {
  assertReadableFile(file, 'dataset file');
  const examples: CanonicalExample[] = [];
  const errorLines = new Set<number>();
  // the nearest finetune.config.json applies (a forced format, say), as when training and in the editor
  const settings = datasetSettingsFor(file, { maxSeqLen });
  for await (const finding of lintFile(file, settings, { onExample: (example) => examples.push(example) })) {
    if (finding.severity === 'error') errorLines.add(finding.range.start.line);
  }
  const parsedLines = new Set(examples.map((example) => example.line));
  const unparsed = [...errorLines].filter((line) => !parsedLines.has(line)).length;
  if (examples.length === 0) throw new UserError(`${file}: no record parses into a conversation to score`, 'dataset');
  return { examples, unparsed };
}

/** Preference data: every record a pair (formats 'preference', 'preference-implicit'). */
export function isPreferenceData(examples: readonly CanonicalExample[]): boolean {
  return examples.length > 0 && examples.every((example) => example.preference !== undefined);
}

export async function loadScoringFile(file: string, tokenizer: ChatTokenizerLike, maxSeqLen: number): Promise<ScoringData> {
  const { examples, unparsed } = await readScoringExamples(file, maxSeqLen);
  return { ...tokenizeExamples(examples, tokenizer, maxSeqLen), records: examples.length, unparsed };
}
