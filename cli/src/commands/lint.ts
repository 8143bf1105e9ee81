// `finetune lint FILE… [--json] [--config FILE]`: the dataset linter. Streams each file through the dataset service
// (any size), prints `file:line:column  severity  rule  message` lines and a summary, or with --json one JSON array
// of {file, line, column, endLine, endColumn, rule, severity, message} (1-based). Exit codes as linters use them:
// 0 no errors, 1 at least one error-severity finding, 2 bad usage, a missing file or a bad config file.
import { parseArgs } from 'node:util';
import { lintFileBatches, settingsForFile, type Finding } from '../../../datasets/src/index';
import { checkReadableFile } from '../../../contracts/src/user-file';
import { ByteOutput, type OutputStream } from '../byte-output';
import { JsonFindingWriter } from '../json-findings';
import type { Command } from '../command';

export { jsonFindingText } from '../json-findings';

const HELP = `usage: finetune lint FILE… [--json] [--config FILE]

Checks JSONL datasets with every rule of the dataset service (the README's rule table lists them).

  --json          print one JSON array of findings {file, line, column, endLine, endColumn, rule, severity, message}
  --config FILE   settings file (default: the nearest finetune.config.json above each dataset)
  -h, --help      show this help

Exit status: 0 when no finding is an error, 1 when one is, 2 on bad usage, a missing file or a bad config.`;

/** Where the command writes: the process's streams, or a collector in tests. */
export interface LintIO {
  stdout: OutputStream;
  error(message: string): void;
}

const processIO: LintIO = { stdout: process.stdout, error: (message) => console.error(message) };

const SEVERITY_WIDTH = 8;

export function formatFinding(file: string, finding: Finding): string {
  const where = `${file}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
  return `${where}  ${finding.severity.padEnd(SEVERITY_WIDTH)}${finding.rule.padEnd(22)} ${finding.message}\n`;
}

export function jsonFinding(file: string, finding: Finding): Record<string, unknown> {
  return {
    file,
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.character + 1,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export const command: Command = {
  summary: 'check JSONL datasets: structure, duplicates, PII, secrets, lengths… (--json for machines)',
  run: (argv: string[]) => runLint(argv, processIO),
};

export async function runLint(argv: string[], io: LintIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.error(`finetune lint: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(Buffer.from(`${HELP}\n`));
    return 0;
  }
  const files = parsed.positionals;
  if (files.length === 0) {
    io.error(`finetune lint: no files given\n\n${HELP}`);
    return 2;
  }
  for (const file of files) {
    const problem = checkReadableFile(file);
    if (problem) {
      io.error(`finetune lint: ${file}: ${problem.problem === 'missing' ? 'no such file' : problem.message}`);
      return 2;
    }
  }
  const configFile = parsed.values.config;
  const configProblem = configFile === undefined ? null : checkReadableFile(configFile);
  if (configProblem) {
    io.error(`finetune lint: --config ${configFile}: ${configProblem.problem === 'missing' ? 'no such file' : configProblem.message}`);
    return 2;
  }
  const json = parsed.values.json === true;
  const out = new ByteOutput(io.stdout);
  const totals = { error: 0, warning: 0, info: 0, hint: 0 };
  let first = true;
  if (json) await out.write('[');
  for (const file of files) {
    let settings;
    try {
      settings = settingsForFile(file, configFile).settings;
    } catch (error) {
      await out.flush();
      io.error(`finetune lint: ${(error as Error).message}`);
      return 2;
    }
    // a batch at a time: with a finding on every line, an async step per finding cost more than the linting
    const writer = new JsonFindingWriter(out, JSON.stringify(file));
    // plain: the output shows no fixes or related locations, so they are not built
    for await (const batch of lintFileBatches(file, settings, { plain: true })) {
      for (const finding of batch) {
        totals[finding.severity]++;
        if (json) {
          writer.append(finding, first);
          first = false;
        } else out.append(formatFinding(file, finding));
      }
      await out.flushIfFull();
    }
  }
  if (json) await out.write(first ? ']\n' : '\n]\n');
  else {
    const problems = totals.error + totals.warning + totals.info + totals.hint;
    const parts = [plural(totals.error, 'error'), plural(totals.warning, 'warning'), plural(totals.info + totals.hint, 'info')];
    await out.write(problems === 0 ? `✔ no problems in ${plural(files.length, 'file')}\n` : `\n${totals.error ? '✖' : '⚠'} ${plural(problems, 'problem')} (${parts.join(', ')}) in ${plural(files.length, 'file')}\n`);
  }
  await out.flush();
  return totals.error > 0 ? 1 : 0;
}
