// `finetune lint` on the sample datasets: the JSON contract (1-based positions), the readable output, the exit codes
// of a linter, and --config.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliBundle } from './cli-bundle';

const dir = mkdtempSync(join(tmpdir(), 'finetune-cli-lint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The lint command in this process (starting a process per case is slow on a loaded CI machine). */
async function lint(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { runLint } = await import('../../cli/src/commands/lint');
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (chunk: Uint8Array) => ((stdout += Buffer.from(chunk).toString('utf8')), true), once: () => undefined },
    error: (message: string) => void (stderr += `${message}\n`),
  };
  return { status: await runLint(args, io), stdout, stderr };
}

test('the finetune binary dispatches to lint and exits with its status', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', 'lint', '--json', 'examples/problems/problems.jsonl'], { encoding: 'utf8' });
  assert.equal(result.status, 1, result.stderr);
  assert.ok((JSON.parse(result.stdout) as unknown[]).length > 20);
});

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

test('the clean sample passes with exit code 0', async () => {
  const result = await lint('examples/chat.jsonl', '--json');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), []);
});

test('the seeded sample reports every CLI-visible rule with 1-based positions and exits 1', async () => {
  const result = await lint('examples/problems/problems.jsonl', '--json');
  assert.equal(result.status, 1, result.stderr);
  const findings = JSON.parse(result.stdout) as JsonFinding[];
  for (const finding of findings) {
    assert.deepEqual(Object.keys(finding).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
    assert.equal(finding.file, 'examples/problems/problems.jsonl');
    assert.ok(finding.line >= 1 && finding.column >= 1);
  }
  const rules = new Set(findings.map((finding) => finding.rule));
  const expected = ['json-syntax', 'not-object', 'missing-field', 'wrong-type', 'empty-field', 'unknown-key', 'mixed-format', 'unknown-role', 'role-order', 'duplicate', 'conflicting-duplicate', 'near-duplicate', 'too-long', 'short-response', 'echo', 'truncated-response', 'refusal-boilerplate', 'placeholder', 'pii', 'secret', 'encoding', 'whitespace', 'language-mismatch', 'eval-overlap', 'too-few-examples', 'format-mix', 'length-distribution'];
  assert.deepEqual(expected.filter((rule) => !rules.has(rule)), []);
  // the trailing comma of line 7 is reported at its exact column
  const syntax = findings.find((finding) => finding.rule === 'json-syntax')!;
  assert.deepEqual([syntax.line, syntax.column, syntax.endColumn], [7, 115, 116]);
  const duplicate = findings.find((finding) => finding.rule === 'duplicate')!;
  assert.deepEqual([duplicate.line, duplicate.column, duplicate.endColumn], [16, 2, 12]);
});

test('the readable output lists file:line:column, severity, rule and a summary', async () => {
  const result = await lint('examples/problems/problems.jsonl', 'examples/chat.jsonl');
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^examples\/problems\/problems\.jsonl:7:115\s+error\s+json-syntax\s+\S/m);
  assert.match(result.stdout, /\d+ problems \(\d+ errors, \d+ warnings, \d+ infos\) in 2 files/);
});

test('--config replaces the nearest config file; severities turn errors off', async () => {
  const config = join(dir, 'quiet.json');
  writeFileSync(config, JSON.stringify({ rules: { 'json-syntax': 'off', 'not-object': 'off', 'missing-field': 'off', 'wrong-type': 'off', 'empty-field': 'off', 'unknown-role': 'off', secret: 'warning' } }));
  const result = await lint('examples/problems/problems.jsonl', '--json', '--config', config);
  assert.equal(result.status, 0, result.stderr);
  const findings = JSON.parse(result.stdout) as JsonFinding[];
  assert.equal(findings.filter((finding) => finding.severity === 'error').length, 0);
  // without the sample folder's config, no eval file is set
  assert.equal(findings.filter((finding) => finding.rule === 'eval-overlap').length, 0);
});

test('bad usage, a missing file and a bad config exit 2 with a message', async () => {
  assert.equal((await lint()).status, 2);
  const missing = await lint(join(dir, 'nope.jsonl'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.jsonl/);
  const config = join(dir, 'broken.json');
  writeFileSync(config, '{"maxSeqLen": "long"}');
  const broken = await lint('examples/chat.jsonl', '--config', config);
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /maxSeqLen/);
  assert.equal((await lint('--help')).status, 0);
});

test('each finding of --json is written as JSON.stringify writes the documented object', async () => {
  const { jsonFinding, jsonFindingText } = await import('../../cli/src/commands/lint');
  const range = { start: { line: 4, character: 0 }, end: { line: 6, character: 17 } };
  for (const file of ['data/train.jsonl', 'odd "name"\\\n\u2028é.jsonl']) {
    for (const message of ['plain', 'quotes " and \\ and\nnewlines\t, \u0000 controls, \ud800 a lone surrogate, emoji 😀']) {
      const finding = { rule: 'near-duplicate', severity: 'info' as const, range, message };
      assert.equal(jsonFindingText(JSON.stringify(file), finding), JSON.stringify(jsonFinding(file, finding)));
    }
  }
});

test('`finetune lint` runs the lint bundle, which reports exactly what the full CLI reports', () => {
  const bin = cliBundle();
  const dist = join(bin, '..', '..', 'dist');
  const args = ['lint', '--json', 'examples/problems/problems.jsonl'];
  // which bundles the command loaded, as Node's module cache lists them when it exits
  const loaded = spawnSync(process.execPath, ['-e', `process.argv.splice(1, 0, ${JSON.stringify(bin)}); process.on('exit', () => console.error(JSON.stringify(Object.keys(require.cache)))); require(${JSON.stringify(bin)});`, ...args], { encoding: 'utf8' });
  assert.equal(loaded.status, 1, loaded.stderr);
  const modules = JSON.parse(loaded.stderr.trim().split('\n').pop()!) as string[];
  assert.ok(modules.includes(join(dist, 'lint.cjs')) && !modules.includes(join(dist, 'cli.js')), modules.join('\n'));
  const full = spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], { encoding: 'utf8' });
  assert.equal(full.status, 1, full.stderr);
  assert.equal(loaded.stdout, full.stdout);
  assert.ok((JSON.parse(full.stdout) as unknown[]).length > 20);
  // the other commands still go to the full CLI
  assert.match(spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout, /finetune train/);
});
