// npm run fuzz -- [--seconds N] [--seed S] [--target jsonl,lsp] [--timeout-ms T] [--memory-mb M] [--no-save]
// npm run fuzz -- --seed S --target T --input K   (input K alone: how a logged failure is reproduced)
// npm run fuzz -- --replay FILE…      (runs saved inputs, e.g. test/fuzz-regressions/<target>/<hash>.input)
//
// Splits N seconds (default 60) evenly over the targets. Input k of a target is a pure function of (seed, target, k),
// so a failure reproduces with the same --seed; each runs in a child process with a time limit and a heap cap. A
// crash or hang is confirmed in a fresh child, then saved under test/fuzz-regressions/ (first input per distinct
// failure). Exit status 1 when anything crashed or hung.
import { basename, dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { listFixtures, readFixture, saveFixture } from './fixtures';
import { ChildPool, type Outcome } from './pool';
import { Random } from './random';
import { knownByInput, type Target, type TargetContext } from './target';
import { TARGETS } from './targets/index';
import { ROOT } from './targets/seeds';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    input: { type: 'string' },
    target: { type: 'string' },
    'timeout-ms': { type: 'string', default: '10000' },
    'memory-mb': { type: 'string', default: '512' },
    'no-save': { type: 'boolean', default: false },
    replay: { type: 'boolean', default: false },
  },
});

/** The failure's kind: its first line with numbers and quoted text blurred, so one bug is saved once per run. */
function signature(outcome: Outcome): string {
  const lines = 'detail' in outcome ? outcome.detail.split('\n') : [''];
  const frame = lines.find((line) => /^\s+at .*(language-server|engine|fuzz)\//.test(line))?.trim() ?? '';
  return `${outcome.kind} ${lines[0].replace(/\/tmp\/\S+/g, 'PATH').replace(/\d+/g, 'N').replace(/(["'`]).*?\1/g, 'S').slice(0, 120)} ${frame.replace(/:\d+:\d+\)?$/, '')}`;
}

async function prepared(target: Target): Promise<{ context: TargetContext; dispose(): void }> {
  return target.prepare ? target.prepare() : { context: {}, dispose: () => undefined };
}

async function fuzz(targets: readonly Target[], seed: number, seconds: number, pool: ChildPool, save: boolean): Promise<number> {
  let failures = 0;
  for (const target of targets) {
    const until = Date.now() + (seconds * 1000) / targets.length;
    const { context, dispose } = await prepared(target);
    const seeds = target.seeds(context);
    const counts = { inputs: 0, expectedErrors: 0, flaky: 0 };
    const known = new Map<string, number>();
    const seen = new Map<string, number>();
    try {
      const only = flags.input === undefined ? null : Number(flags.input);
      for (let index = only ?? 0; only === null ? Date.now() < until : index === only; index++) {
        const random = Random.from(seed, target.name, index);
        const input = target.mutate(random.pick(seeds), random, seeds);
        let outcome = await pool.run(target.name, input, context, false, target.timeLimitMs);
        counts.inputs++;
        if (outcome.kind === 'crash' || outcome.kind === 'timeout') {
          const first = outcome;
          outcome = await pool.run(target.name, input, context, true, target.timeLimitMs);
          if (outcome.kind === 'ok') {
            counts.flaky++;
            console.log(`[${target.name}] input ${index}: ${first.kind} did not reproduce in a fresh child (${signature(first)})`);
            continue;
          }
        }
        outcome = knownByInput(target, input, outcome);
        if (outcome.kind === 'ok') {
          if (outcome.expectedError) counts.expectedErrors++;
        } else if (outcome.kind === 'known') {
          known.set(outcome.defect, (known.get(outcome.defect) ?? 0) + 1);
        } else {
          failures++;
          const kind = signature(outcome);
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
          if (seen.get(kind) === 1) {
            const note = `${outcome.kind} found by: npm run fuzz -- --seed ${seed} --target ${target.name} --input ${index}\n${outcome.detail}`;
            const where = save ? relative(ROOT, saveFixture(target.name, input, note)) : '(not saved)';
            console.log(`[${target.name}] input ${index}: ${outcome.kind} -> ${where}\n${outcome.detail.split('\n').slice(0, 6).map((line) => `    ${line}`).join('\n')}`);
          }
        }
      }
    } finally {
      dispose();
    }
    const knownText = [...known].map(([defect, n]) => `${defect} ${n}`).join(', ') || 'none';
    const failed = [...seen.values()].reduce((a, b) => a + b, 0);
    console.log(`[${target.name}] ${counts.inputs} inputs, ${counts.expectedErrors} refused with an expected error, ${failed} failed (${seen.size} distinct), ${counts.flaky} flaky, known defects: ${knownText}`);
  }
  return failures;
}

async function replay(files: string[], pool: ChildPool): Promise<number> {
  let failures = 0;
  const chosen = files.length > 0 ? files.map((file) => [basename(dirname(file)), file] as [string, string]) : listFixtures();
  const contexts = new Map<string, { context: TargetContext; dispose(): void }>();
  try {
    for (const [name, file] of chosen) {
      const target = TARGETS.find((candidate) => candidate.name === name);
      if (!target) throw new Error(`${file}: no fuzz target named ${name} (the folder names the target)`);
      if (!contexts.has(name)) contexts.set(name, await prepared(target));
      const input = readFixture(file);
      const outcome = knownByInput(target, input, await pool.run(name, input, contexts.get(name)!.context, true, target.timeLimitMs));
      if (outcome.kind === 'crash' || outcome.kind === 'timeout') failures++;
      console.log(`${relative(ROOT, file)}: ${outcome.kind}${'detail' in outcome ? `\n${outcome.detail}` : ''}`);
    }
  } finally {
    for (const { dispose } of contexts.values()) dispose();
  }
  return failures;
}

async function main(): Promise<void> {
  const pool = new ChildPool({ timeoutMs: Number(flags['timeout-ms']), memoryMB: Number(flags['memory-mb']) });
  const names = flags.target?.split(',') ?? TARGETS.map((target) => target.name);
  const targets = names.map((name) => TARGETS.find((target) => target.name === name) ?? usage(`no fuzz target named ${name}; targets: ${TARGETS.map((t) => t.name).join(', ')}`));
  const seed = flags.seed === undefined ? Date.now() % 1_000_000 : Number(flags.seed);
  const seconds = Number(flags.seconds);
  if (!Number.isFinite(seed) || !(seconds > 0)) usage('--seed and --seconds take numbers');
  try {
    if (flags.replay) {
      process.exitCode = (await replay(positionals, pool)) > 0 ? 1 : 0;
    } else {
      console.log(`fuzzing ${names.join(', ')} for ${seconds} s with --seed ${seed}`);
      process.exitCode = (await fuzz(targets, seed, seconds, pool, !flags['no-save'])) > 0 ? 1 : 0;
    }
  } finally {
    pool.close();
  }
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

void main();
