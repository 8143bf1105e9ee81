// Golden recipe files: a LoRA run configuration over test/fixtures/recipes/chat.jsonl (ten records, one of them with
// two assistant turns) exported as TRL, Axolotl and LLaMA-Factory recipes; every written file must equal
// test/fixtures/recipes/<format>/ (paths of this machine replaced by $TMP and $REPO). The same for a LoRA
// `--objective dpo` run over test/fixtures/recipes/preferences.jsonl (ten pairs, strings and message lists, some with
// a system turn) in test/fixtures/recipes/dpo/<format>/. UPDATE_GOLDEN=1 rewrites them; review the diff. That TRL
// runs its recipes is checked by `npm run test:interop`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../../engine/src/init/init-model';
import { exportRecipe } from '../../../engine/src/recipes/export-recipe';
import { readRecipeRun, RECIPE_FORMATS, type RecipeFormat } from '../../../engine/src/recipes/recipe-run';

const REPO = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'recipes');
let dir: string;
let config: string;
let dpoConfig: string;

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => (statSync(join(root, name)).isDirectory() ? filesUnder(join(root, name)).map((file) => join(name, file)) : [name])).sort();
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-recipe-golden-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'model'), seed: 1 });
  config = join(dir, 'finetune.run.json');
  writeFileSync(
    config,
    JSON.stringify({ model: 'model', data: join(FIXTURES, 'chat.jsonl'), evalFraction: 0.2, method: 'lora', rank: 16, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], rslora: true, steps: 120, batchSize: 4, gradAccumulation: 4, lr: 1e-4, warmupSteps: 6, maxSeqLen: 1024, seed: 11, evalEvery: 20, saveEvery: 40, out: 'runs/golden' }),
  );
  // dpo: the default learning rate (5e-6 for LoRA), β 0.2, LoRA dropout kept (disable_dropout: false for TRL)
  dpoConfig = join(dir, 'finetune.dpo.json');
  writeFileSync(
    dpoConfig,
    JSON.stringify({ model: 'model', data: join(FIXTURES, 'preferences.jsonl'), objective: 'dpo', beta: 0.2, evalFraction: 0.2, method: 'lora', rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'v_proj'], steps: 60, batchSize: 2, gradAccumulation: 4, warmupSteps: 3, maxSeqLen: 512, seed: 11, evalEvery: 20, saveEvery: 30, out: 'runs/golden-dpo' }),
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Exports `configFile` as `format` and compares every written file with the golden folder (UPDATE_GOLDEN=1 rewrites it). */
async function assertGolden(configFile: string, format: RecipeFormat, golden: string, name: string): Promise<string> {
  const run = readRecipeRun({ config: configFile, baseModel: 'Qwen/Qwen2.5-7B-Instruct' });
  const out = join(dir, name);
  const result = await exportRecipe(run, { format, out, gpus: 8, nodes: 2 });
  const normalise = (text: string) => text.split(dir).join('$TMP').split(REPO).join('$REPO');
  const written = filesUnder(out);
  assert.deepEqual(written, [...result.files].sort());
  if (process.env.UPDATE_GOLDEN) {
    rmSync(golden, { recursive: true, force: true });
    for (const file of written) {
      mkdirSync(dirname(join(golden, file)), { recursive: true });
      writeFileSync(join(golden, file), normalise(readFileSync(join(out, file), 'utf8')));
    }
  }
  assert.deepEqual(written, filesUnder(golden), `${relative(REPO, golden)} holds the same files`);
  for (const file of written) assert.equal(normalise(readFileSync(join(out, file), 'utf8')), readFileSync(join(golden, file), 'utf8'), `${name}/${file}`);
  return out;
}

for (const format of RECIPE_FORMATS) {
  test(`${format} recipe files match the golden ones`, async () => {
    await assertGolden(config, format, join(FIXTURES, format), format);
  });
}

for (const format of RECIPE_FORMATS) {
  test(`${format} recipe files of a dpo run match the golden ones`, async () => {
    await assertGolden(dpoConfig, format, join(FIXTURES, 'dpo', format), `dpo-${format}`);
  });
}

test('a run folder gives the same recipe as its configuration, with run.json\'s resolved warmup and steps', () => {
  const runDir = join(dir, 'runs', 'golden');
  mkdirSync(runDir, { recursive: true });
  const configValues = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
  // run.json keeps the paths as `finetune train` got them, relative to the folder it ran from.
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: configValues, resolved: { learningRate: 1e-4, totalSteps: 120, warmupSteps: 6 }, step: 120 }));
  const fromRun = readRecipeRun({ run: runDir, cwd: REPO });
  assert.equal(fromRun.args.model, join(dir, 'model'));
  assert.equal(fromRun.baseModel, join(dir, 'model'));
  assert.equal(fromRun.totalSteps, 120);
  assert.equal(fromRun.warmupSteps, 6);
  assert.throws(() => readRecipeRun({ run: runDir, config }), /exactly one/);
});

test('QLoRA becomes bitsandbytes NF4 under LoRA, full fine-tuning no PEFT, prompt, P- and prefix tuning are refused', async () => {
  const { trlConfig } = await import('../../../engine/src/recipes/trl');
  const base = readRecipeRun({ config });
  const dataset = { kind: 'chat' as const, train: [], eval: [], trainConversations: [], evalConversations: [], alignment: { exact: 0, plusTrailingWhitespace: 0, different: 0, differentLines: [] }, droppedTurns: 0, skippedRecords: 0 };
  const qlora = trlConfig({ ...base, args: { ...base.args, method: 'qlora', targetModules: ['q_proj', 'lm_head'] } }, dataset);
  assert.deepEqual([qlora.use_peft, qlora.load_in_4bit, qlora.bnb_4bit_quant_type, qlora.dtype, qlora.loss_type], [true, true, 'nf4', 'bfloat16', 'nll']);
  const full = trlConfig({ ...base, args: { ...base.args, method: 'full' } }, dataset);
  assert.deepEqual([full.use_peft, full.lora_r, full.load_in_4bit, full.eval_strategy], [false, undefined, undefined, 'no']);
  writeFileSync(join(dir, 'prompt.json'), JSON.stringify({ model: 'model', data: join(FIXTURES, 'chat.jsonl'), method: 'prompt' }));
  assert.throws(() => readRecipeRun({ config: join(dir, 'prompt.json') }), /prompt tuning has no equivalent/);
  writeFileSync(join(dir, 'ptuning.json'), JSON.stringify({ model: 'model', data: join(FIXTURES, 'chat.jsonl'), method: 'ptuning' }));
  assert.throws(() => readRecipeRun({ config: join(dir, 'ptuning.json') }), /P-tuning \(--method ptuning\) has no equivalent in the TRL, Axolotl or LLaMA-Factory/);
  writeFileSync(join(dir, 'prefix.json'), JSON.stringify({ model: 'model', data: join(FIXTURES, 'chat.jsonl'), method: 'prefix' }));
  assert.throws(() => readRecipeRun({ config: join(dir, 'prefix.json') }), /prefix tuning \(--method prefix\) has no equivalent/);
});

test('--packing maps to TRL packing, Axolotl sample_packing and LLaMA-Factory (neat) packing', async () => {
  const packedConfig = join(dir, 'finetune.packed.json');
  writeFileSync(packedConfig, JSON.stringify({ ...(JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>), packing: true }));
  const expected = { trl: ['packing: true'], axolotl: ['sample_packing: true'], llamafactory: ['packing: true', 'neat_packing: true'] } as const;
  for (const format of RECIPE_FORMATS) {
    const out = join(dir, `packed-${format}`);
    const result = await exportRecipe(readRecipeRun({ config: packedConfig, baseModel: 'Qwen/Qwen2.5-7B-Instruct' }), { format, out, gpus: 1, nodes: 1 });
    const yaml = result.files.filter((file) => file.endsWith('.yaml') && !file.includes('/')).map((file) => readFileSync(join(out, file), 'utf8')).join('\n');
    for (const line of expected[format]) assert.match(yaml, new RegExp(`^${line}$`, 'm'), `${format}: ${line}`);
  }
});
