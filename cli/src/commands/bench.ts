// `finetune bench [--json] [--only lint,train,generate,memory] [--quick]`: the project's speed figures as one JSON object of
// named numbers, on the CPU (as bench/train.ts). Every figure is measured at run time on this machine; nothing is a stored expectation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLint } from '../../../bench/lint';
import { benchTrain } from '../../../bench/train';
import { benchTrainMemory } from '../../../bench/train-memory';
import { benchmarkInference } from '../../../engine/src/generate/benchmark';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import type { Command } from '../command';
import { UserError } from '../../../contracts/src/user-error';

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
  lint: (quick) => benchLint(quick ? { records: 10_000, documentLines: 10_000 } : {}),
  train: (quick) => benchTrain(quick ? { sizes: ['tiny'], steps: 2, tune: false } : {}),
  generate: benchGenerate,
  // Qwen2.5-0.5B/1.5B shapes, ours and transformers + PEFT (FINETUNE_HF_PYTHON): minutes per run, so not in --quick.
  memory: async (quick) => (quick ? { 'memory.skipped': '--quick' } : benchTrainMemory()),
};

export const command: Command = {
  summary: 'measure lint, training and generation speed (JSON with --json)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean', default: false }, only: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log('usage: finetune bench [--json] [--only lint,train,generate,memory] [--quick]\n\n--quick runs small sizes (a smoke run, not figures to report) and skips memory.\nmemory: LoRA peak RSS and tokens/s at Qwen2.5-0.5B/1.5B shapes; with FINETUNE_HF_PYTHON=<python with torch, transformers, peft>\nalso transformers + PEFT side by side.');
      return 0;
    }
    const names = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(suites);
    for (const name of names) if (!Object.hasOwn(suites, name)) throw new UserError(`bench: unknown suite '${name}' (known: ${Object.keys(suites).join(', ')})`, 'bad-flag');
    const figures: Figures = { 'machine.cores': (await import('node:os')).availableParallelism(), 'machine.node': process.version };
    for (const name of names) {
      if (!values.json) console.error(`bench: ${name}…`);
      Object.assign(figures, await suites[name](values.quick));
    }
    console.log(values.json ? JSON.stringify(figures) : JSON.stringify(figures, null, 2));
    return 0;
  },
};
