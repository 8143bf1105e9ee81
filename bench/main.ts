// `npm run bench -- [--json] [--only lint,lsp,train,generate,methods,memory] [--quick]`: the project's speed figures as one JSON
// object of named numbers, on the CPU (as bench/train.ts). Every figure is measured at run time on this machine;
// nothing is a stored expectation. Its own entry (bundled into out/bench/, never into the shipped dist/), reporting
// errors and exit codes as the `finetune` command does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitWith } from '../cli/src/exit-with';
import { parseCommandFlags } from '../cli/src/parse-flags';
import { UserError } from '../contracts/src/user-error';
import { benchmarkInference } from '../engine/src/generate/benchmark';
import { initModel } from '../engine/src/init/init-model';
import { loadModelFolder } from '../engine/src/io/model-folder';
import { benchLint } from './lint';
import { benchLintShapes } from './lint-shapes';
import { benchLsp } from './lsp';
import { benchMethods } from './methods';
import { benchTrain } from './train';
import { benchTrainPacking } from './train-packing';
import { benchTrainMemory } from './train-memory';

type Figures = Record<string, unknown>;

async function benchGenerate(quick: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-bench-generate-'));
  try {
    const figures: Figures = {};
    for (const size of quick ? (['tiny'] as const) : (['tiny', 'small'] as const)) {
      initModel({ arch: 'llama', size, out: join(dir, size), seed: 1 });
      const result = await benchmarkInference(loadModelFolder(join(dir, size)), { device: 'cpu', promptTokens: 64, newTokens: 32 });
      figures[`generate.${size}.forward64Ms`] = Number(result.forwardMs.toFixed(3));
      figures[`generate.${size}.prefill64Ms`] = Number(result.prefillMs.toFixed(3));
      figures[`generate.${size}.decodeTokensPerSecond`] = Math.round(result.decodeTokensPerSecond);
      figures[`generate.${size}.device`] = result.device;
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const suites: Record<string, (quick: boolean) => Promise<Figures>> = {
  lint: async (quick) => ({
    ...(await benchLint(quick ? { records: 10_000, documentLines: 10_000 } : {})),
    ...(await benchLintShapes(quick ? 10_000 : 100_000, quick ? 1 : 3)),
  }),
  lsp: (quick) => benchLsp(quick ? { lines: 10_000, edits: 3, bursts: 1, burstEdits: 50 } : {}),
  train: async (quick) => ({
    ...(await benchTrain(quick ? { sizes: ['tiny'], steps: 2, tune: false } : {})),
    ...(await benchTrainPacking(quick ? { size: 'tiny', rounds: 1 } : {})),
  }),
  generate: benchGenerate,
  // Every training method on the bench model, a fresh process each: about 1–2 minutes.
  methods: (quick) => benchMethods(quick ? { size: 'tiny', steps: 3 } : {}),
  // Qwen2.5-0.5B/1.5B shapes, ours and transformers + PEFT (FINETUNE_HF_PYTHON): minutes per run, so not in --quick.
  memory: async (quick) => (quick ? { 'memory.skipped': '--quick' } : benchTrainMemory()),
};

const HELP = `usage: npm run bench -- [--json] [--only lint,lsp,train,generate,methods,memory] [--quick]

--quick runs small sizes (a smoke run, not figures to report) and skips memory.
methods: full, lora, qlora, prompt, ptuning and prefix side by side (trainable parameters, s/step, peak RSS, loss).
memory: LoRA peak RSS and tokens/s at Qwen2.5-0.5B/1.5B shapes; with FINETUNE_HF_PYTHON=<python with torch, transformers, peft>
also transformers + PEFT side by side.`;

async function bench(argv: string[]): Promise<number> {
  const flags = parseCommandFlags(argv, HELP, { options: { json: { type: 'boolean', default: false }, only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
  if (!flags) return 0;
  const { values } = flags;
  const names = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(suites);
  for (const name of names) if (!Object.hasOwn(suites, name)) throw new UserError(`bench: unknown suite '${name}' (known: ${Object.keys(suites).join(', ')})`, 'bad-flag');
  const figures: Figures = { 'machine.cores': (await import('node:os')).availableParallelism(), 'machine.node': process.version };
  for (const name of names) {
    if (!values.json) console.error(`bench: ${name}…`);
    Object.assign(figures, await suites[name](values.quick));
  }
  console.log(values.json ? JSON.stringify(figures) : JSON.stringify(figures, null, 2));
  return 0;
}

exitWith(bench(process.argv.slice(2)));
