// The trainer's data loader entry: every record of a file as a canonical example, plus the linter's findings for
// the same file, so "a record the linter accepts is exactly a record the trainer can use". `assertTrainable` turns
// error findings into one located error (file:line:column rule message) that the trainer shows and stops on.
import { createEstimateTokenCounter } from '../tokens/token-estimate';
import type { EvalIndex } from '../cross-line/eval-index';
import { lintFile, lintText, type LintContext } from '../cross-line/lint-stream';
import { defaultSettings } from '../settings';
import type { TokenCounter } from '../api';
import type { CanonicalExample, DatasetSettings, Finding } from '../../../contracts/src/dataset-types';
import { UserError } from '../../../contracts/src/user-error';

export interface ParsedExamples {
  examples: CanonicalExample[];
  findings: Finding[];
}

export type ExampleSource = { path: string } | { text: string; uri?: string };

export async function parseExamples(
  source: ExampleSource,
  settings: DatasetSettings = defaultSettings(),
  context: { tokenCounter?: TokenCounter; evalIndex?: EvalIndex } = {},
): Promise<ParsedExamples> {
  const examples: CanonicalExample[] = [];
  const findings: Finding[] = [];
  const lintContext: LintContext = { tokenCounter: context.tokenCounter ?? createEstimateTokenCounter(), evalIndex: context.evalIndex, onExample: (example) => examples.push(example) };
  const stream = 'path' in source ? lintFile(source.path, settings, lintContext) : lintText(source.text, settings, lintContext);
  for await (const finding of stream) findings.push(finding);
  // a record with an error is not trainable: drop it, so callers that choose to continue never see it
  const broken = new Set(findings.filter((finding) => finding.severity === 'error').map((finding) => finding.range.start.line));
  return { examples: examples.filter((example) => !broken.has(example.line)), findings };
}

/** A dataset with lint errors: the message lists them one per line. */
export class DatasetError extends UserError {
  constructor(message: string, readonly findings: Finding[]) {
    super(message, 'dataset', 'lines');
  }
}

/** Throws a DatasetError listing the first error findings (1-based file:line:column) when there are any. */
export function assertTrainable(parsed: ParsedExamples, file: string, shown = 10): void {
  const errors = parsed.findings.filter((finding) => finding.severity === 'error');
  if (errors.length === 0) return;
  const lines = errors.slice(0, shown).map((finding) => `  ${file}:${finding.range.start.line + 1}:${finding.range.start.character + 1}  ${finding.rule}  ${finding.message}`);
  const more = errors.length > shown ? [`  … and ${errors.length - shown} more (run \`npx finetune lint ${file}\`)`] : [];
  throw new DatasetError([`${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} before training:`, ...lines, ...more].join('\n'), errors);
}
