// A RuleTester in the manner of eslint's: each case is JSONL text; `valid` cases must produce no finding of the
// rule, `invalid` ones exactly the listed findings (1-based line and column, optionally the end column, the message
// and the text after the fix). Every case runs through both paths of the service, the open document and the
// streaming linter, which must agree. Each table is also checked against the rule it tests (table-coverage.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetDocument, defaultSettings, lintText, type DatasetSettings, type Finding } from '../../../datasets/src/index';
import { applyFix } from './apply-fix';
import type { ExpectedFinding, RuleCases } from './rule-cases';
import { tableProblems } from './table-coverage';

export type { ExpectedFinding, InvalidCase, RuleCases } from './rule-cases';

/** 1-based column range of the `occurrence`-th `needle` in `line` (for writing expectations without counting). */
export function at(line: string, needle: string, occurrence = 1): { column: number; endColumn: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = line.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' occurs fewer than ${occurrence} times in ${line}`);
  }
  return { column: index + 1, endColumn: index + needle.length + 1 };
}

/** A one-line messages record. */
export function chat(...turns: string[]): string {
  return JSON.stringify({ messages: turns.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content })) });
}

function join(text: string | string[]): string {
  return Array.isArray(text) ? text.join('\n') : text;
}

async function findingsOf(text: string, settings: DatasetSettings, rule: string): Promise<{ document: Finding[]; stream: Finding[] }> {
  const document = createDatasetDocument('file:///test.jsonl', text, settings).findings().filter((finding) => finding.rule === rule);
  const stream: Finding[] = [];
  for await (const finding of lintText(text, settings)) if (finding.rule === rule) stream.push(finding);
  return { document, stream };
}

function shape(findings: Finding[], withEnd: boolean[]): Array<Pick<ExpectedFinding, 'line' | 'column' | 'endColumn'>> {
  return findings.map((finding, i) => ({
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    ...(withEnd[i] ? { endColumn: finding.range.end.character + 1 } : {}),
  }));
}

/**
 * Each finding's message, and with `withFixes` its first fix, against the expectation at the same index (positions
 * are compared apart).
 */
function assertWording(findings: Finding[], errors: ExpectedFinding[], text: string, path: string, withFixes: boolean): void {
  findings.forEach((finding, i) => {
    const { message, fixed } = errors[i] ?? {};
    if (typeof message === 'string') assert.equal(finding.message, message, `${path} finding ${i + 1}: message`);
    else if (message) assert.match(finding.message, message, `${path} finding ${i + 1}: message`);
    if (!withFixes || fixed === undefined) return;
    const fix = finding.fixes?.[0];
    assert.ok(fix, `${path} finding ${i + 1} offers no fix`);
    assert.equal(applyFix(text, fix), join(fixed), `${path} finding ${i + 1}: text after "${fix.title}"`);
  });
}

function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function ruleTester(rule: string, cases: RuleCases): void {
  test(`${rule}: the table tests the rule`, () => {
    assert.deepEqual(tableProblems(rule, cases), []);
  });
  const base = (extra?: Partial<DatasetSettings>): DatasetSettings => ({ ...defaultSettings(), minExamples: 0, ...cases.settings, ...extra });
  cases.valid.forEach((item, index) => {
    const text = typeof item === 'object' && !Array.isArray(item) ? item.text : item;
    const settings = base(typeof item === 'object' && !Array.isArray(item) ? item.settings : undefined);
    test(`${rule}: valid #${index + 1}`, async () => {
      const { document, stream } = await findingsOf(join(text), settings, rule);
      assert.deepEqual(document.map((finding) => finding.range), [], `document reported ${rule}: ${document.map((finding) => finding.message).join('; ')}`);
      assert.deepEqual(stream.map((finding) => finding.range), [], `stream reported ${rule}: ${stream.map((finding) => finding.message).join('; ')}`);
    });
  });
  cases.invalid.forEach((item, index) => {
    test(`${rule}: invalid #${index + 1}`, async () => {
      const { document, stream } = await findingsOf(join(item.text), base(item.settings), rule);
      const expected = item.errors.map((error) => ({ line: error.line ?? 1, column: error.column, ...(error.endColumn !== undefined ? { endColumn: error.endColumn } : {}) }));
      const withEnd = item.errors.map((error) => error.endColumn !== undefined);
      assert.deepEqual(shape(sortFindings(document), withEnd), expected, 'document findings');
      assert.deepEqual(shape(sortFindings(stream), withEnd), expected, 'stream findings');
      for (const finding of document) assert.equal(finding.rule, rule);
      // fixes are applied as the editor offers them, from the document: a stream, which does not know which line is the
      // last, deletes a line with a line break the file may not have
      assertWording(sortFindings(document), item.errors, join(item.text), 'document', true);
      assertWording(sortFindings(stream), item.errors, join(item.text), 'stream', false);
    });
  });
}
