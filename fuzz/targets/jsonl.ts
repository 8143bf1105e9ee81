// The JSONL service. Oracles: (1) the streamed lint of the input in one chunk equals its lint in random chunks (cut
// inside UTF-8 sequences, CRLF pairs and lines); (2) an open document has the streamed lint's findings, whether opened
// at once or in slices; (3) after each of several random edits it has exactly the findings of a fresh parse of the
// edited text; (4) now and then, linting the file on two worker threads gives the streamed findings. Hover, report,
// example and render on random lines must not throw. Settings vary per input. The service throws nothing on bad
// data, so any throw is a crash.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createDatasetDocument, defaultSettings, lintFile, lintStream, openDatasetDocument, type DatasetSettings, type Finding } from '../../datasets/src/index';
import { COMMON_TOKENS, mutateBytes, mutateJson, stacked, stringify } from '../mutate';
import { Random } from '../random';
import { OracleMismatch, type Target } from '../target';
import { jsonlSeeds, ROOT } from './seeds';

/** Settings that make most rules speak: dataset-level counts on every edit, eval overlaps, a short length limit. */
const base: DatasetSettings = { ...defaultSettings(), minExamples: 1000, maxSeqLen: 64, evalFile: resolve(ROOT, 'examples/problems/eval.jsonl') };

/** Each input is checked under one of these (chosen from its bytes): a pinned format, a findings cap, other limits. */
const SETTINGS: DatasetSettings[] = [
  base,
  { ...base, format: 'sharegpt' },
  { ...base, format: 'text', maxFindingsPerFile: 3 },
  { ...base, nearDuplicateThreshold: 0.5, minResponseChars: 60, maxSeqLen: 8 },
  { ...base, severities: { duplicate: 'off', 'near-duplicate': 'off', 'json-syntax': 'hint', 'format-mix': 'error' }, evalFile: undefined },
];

const TOKENS = [...COMMON_TOKENS, '"messages"', '"role"', '"content"', '"user"', '"assistant"', '"system"', '"tool"', '"conversations"',
  '"from"', '"value"', '"human"', '"gpt"', '"instruction"', '"input"', '"output"', '"prompt"', '"completion"', '"text"', '"response"',
  '"weight"', '"train"', 'TODO', 'sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ', 'john@example.com', 'As an AI language model', '```'];

function key(finding: Finding): string {
  const { start, end } = finding.range;
  return `${start.line}:${start.character}-${end.line}:${end.character} ${finding.severity} ${finding.rule} ${finding.message}`;
}

async function lint(chunks: Buffer[], settings: DatasetSettings): Promise<string[]> {
  const out: string[] = [];
  for await (const finding of lintStream(Readable.from(chunks), settings)) out.push(key(finding));
  return out;
}

async function lintOnThreads(input: Buffer, settings: DatasetSettings): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-fuzz-jsonl-'));
  try {
    const file = join(dir, 'data.jsonl');
    writeFileSync(file, input);
    const out: string[] = [];
    for await (const finding of lintFile(file, settings, { workers: 2 })) out.push(key(finding));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sameFindings(what: string, a: readonly string[], b: readonly string[]): void {
  if (a.length === b.length && a.every((line, i) => line === b[i])) return;
  const at = a.findIndex((line, i) => line !== b[i]);
  throw new OracleMismatch(`${what}: ${a.length} vs ${b.length} findings; first difference at ${at}: ${JSON.stringify(a[at])} vs ${JSON.stringify(b[at])}`);
}

function randomChunks(input: Buffer, random: Random): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length;) {
    const size = 1 + (random.chance(0.5) ? random.int(8) : random.int(4096));
    chunks.push(input.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

interface Edit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/**
 * An edit as an editor sends it, in the service's line model: lines end at '\n' (a lone '\r' is text, as in JSON
 * Lines), and no position falls between the '\r' and '\n' of a CRLF. Returns the edit and the edited text.
 */
function randomEdit(text: string, random: Random, pieces: readonly string[]): { edit: Edit; text: string } {
  const lines = text.split('\n');
  const position = (line: number) => ({ line, character: random.int(lines[line].length - (lines[line].endsWith('\r') ? 1 : 0) + 1) });
  const offset = ({ line, character }: { line: number; character: number }) => lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + character;
  const startLine = random.int(lines.length);
  let start = position(startLine);
  let end = position(random.chance(0.6) ? startLine : Math.min(lines.length - 1, startLine + random.small(8)));
  if (offset(end) < offset(start)) [start, end] = [end, start];
  const edit = { range: { start, end }, text: random.pick(pieces) };
  return { edit, text: text.slice(0, offset(start)) + edit.text + text.slice(offset(end)) };
}

function sortedKeys(findings: Finding[]): string[] {
  return findings.map(key).sort();
}

export const jsonlTarget: Target = {
  name: 'jsonl',
  seeds: () => jsonlSeeds(),
  mutate: (seed, random, seeds) =>
    stacked(seed, random, (input, r) => {
      if (!r.chance(0.4)) return mutateBytes(input, r, TOKENS, seeds);
      // a JSON edit of one record keeps the rest of the file as it was
      const lines = input.toString('utf8').split('\n');
      const at = r.int(lines.length);
      let record: unknown;
      try {
        record = JSON.parse(lines[at]);
      } catch {
        return mutateBytes(input, r, TOKENS, seeds);
      }
      lines[at] = stringify(mutateJson(record, r, TOKENS)) ?? lines[at];
      return Buffer.from(lines.join('\n'));
    }),
  async check(input) {
    const random = Random.from('jsonl-check', input.toString('base64'));
    const settings = random.pick(SETTINGS);
    const whole = await lint([input], settings);
    sameFindings('one chunk vs random chunks', whole, await lint(randomChunks(input, random), settings));
    // the worker-thread pass (a file of 96 MB on two cores) on a small file, now and then: starting threads is slow
    if (random.chance(1 / 32) && !input.subarray(0, 8192).includes(0)) sameFindings('one thread vs two worker threads', whole, await lintOnThreads(input, settings));

    const text = input.toString('utf8');
    const uri = 'file:///fuzz.jsonl';
    const fresh = (source: string) => sortedKeys(createDatasetDocument(uri, source, settings).findings());
    const opened = fresh(text);
    sameFindings('opened in slices vs at once', sortedKeys((await openDatasetDocument(uri, text, settings)).findings()), opened);
    // the editor and `finetune lint` must not drift apart (unless the editor's findings cap cuts the list)
    if (whole.length < settings.maxFindingsPerFile) sameFindings('open document vs streaming lint', opened, [...whole].sort());

    const document = createDatasetDocument(uri, text, settings);
    let mirror = text;
    const lines = text.split('\n');
    const pieces = ['', '\n', '"', '{', '}', 'x', ' ', '\r\n', '\\', random.pick(lines), `\n${random.pick(lines)}`, random.pick(TOKENS)];
    const edits: unknown[][] = [];
    for (let step = 0; step < 6; step++) {
      // one didChange may carry several edits, applied in order; rarely the whole text is replaced
      const changes: Array<Edit | { text: string }> = [];
      for (let n = random.chance(0.3) ? 2 + random.int(3) : 1; n > 0; n--) {
        if (random.chance(0.03)) {
          mirror = random.pick(lines) + '\n' + mirror.slice(0, random.int(mirror.length + 1));
          changes.push({ text: mirror });
          continue;
        }
        const { edit, text: edited } = randomEdit(mirror, random, pieces);
        changes.push(edit);
        mirror = edited;
      }
      edits.push(changes);
      document.applyChanges(changes);
      sameFindings(`after the changes ${JSON.stringify(edits)}`, sortedKeys(document.findings()), fresh(mirror));
      const line = random.int(mirror.split('\n').length + 1);
      document.hover({ line, character: random.int(80) });
      document.example(line);
      document.render(line);
    }
    document.report();
  },
};

