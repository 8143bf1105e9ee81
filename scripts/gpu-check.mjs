// `npm run gpu-check`: does training run on an NVIDIA GPU here? Checks that onnxruntime's CUDA provider binaries are
// installed, creates a small random model, runs LoRA steps with `--device cuda` (no CPU fallback: the run fails if
// CUDA does not load), and prints tokens/s. Exit 0 only when every check passes; each failure says what to do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const size = process.argv.includes('--bench') ? 'bench' : 'small';
const steps = 12;

function fail(message) {
  process.stderr.write(`gpu-check: FAILED: ${message}\n`);
  process.exit(1);
}

function pass(message) {
  process.stdout.write(`gpu-check: ok: ${message}\n`);
}

/** onnxruntime-node ships the CUDA provider separately (package.json `allowScripts` skips its download to keep installs offline). */
function cudaProviderLibrary() {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('onnxruntime-node/package.json'));
  const binDir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  if (!existsSync(binDir)) return { binDir, found: null };
  const found = readdirSync(binDir).find((name) => /onnxruntime_providers_cuda\.(so|dll)$/.test(name)) ?? null;
  return { binDir, found };
}

if (!existsSync(cli)) fail('dist/cli.js is missing: run `npm run build` first');
if (process.platform !== 'linux' && process.platform !== 'win32') fail(`CUDA is not available on ${process.platform}`);
const provider = cudaProviderLibrary();
if (!provider.found) {
  fail(
    `onnxruntime's CUDA provider is not installed in ${provider.binDir}.\n` +
      '  Install it with: (cd node_modules/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js)\n' +
      '  It needs CUDA 12 and cuDNN 9 libraries on the library path (LD_LIBRARY_PATH on Linux).',
  );
}
pass(`CUDA provider library present (${provider.found})`);

const work = mkdtempSync(join(tmpdir(), 'finetune-gpu-check-'));
try {
  const model = join(work, 'model');
  const init = spawnSync(process.execPath, [cli, 'init-model', '--arch', 'llama', '--size', size, '--out', model], { encoding: 'utf8' });
  if (init.status !== 0) fail(`init-model failed: ${init.stderr}`);
  // Long enough records that every batch is about 8 × 128 tokens.
  const sentence = 'The quick brown fox jumps over the lazy dog while the cat watches from the warm windowsill. ';
  const records = Array.from({ length: 64 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${sentence.repeat(3)}` }, { role: 'assistant', content: `Answer ${i}: ${sentence.repeat(3)}` }] }));
  writeFileSync(join(work, 'data.jsonl'), records.join('\n') + '\n');
  const run = join(work, 'run');
  const args = ['train', '--model', model, '--data', join(work, 'data.jsonl'), '--out', run, '--method', 'lora', '--rank', '8', '--target-modules', 'q_proj,v_proj', '--batch-size', '8', '--max-seq-len', '128', '--steps', String(steps), '--save-every', '0', '--device', 'cuda'];
  process.stdout.write(`gpu-check: training ${steps} LoRA steps on the ${size} model with --device cuda…\n`);
  const train = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (train.status !== 0) fail(`training on CUDA failed (exit ${train.status}):\n${train.stderr.trim().split('\n').slice(-6).join('\n')}`);
  const events = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
  if (!String(info.resolved?.device ?? '').startsWith('device: cuda')) fail(`the run did not report the CUDA device (${info.resolved?.device})`);
  pass(`CUDA provider loaded (${info.resolved.device})`);
  const stepEvents = events.filter((event) => event.type === 'step');
  // The first steps include CUDA kernel selection and memory arena growth: report the steady state.
  const steady = stepEvents.slice(Math.min(3, stepEvents.length - 1)).map((event) => event.tokensPerSecond).sort((a, b) => a - b);
  const median = steady[Math.floor(steady.length / 2)];
  pass(`${stepEvents.length} LoRA steps ran on the GPU; loss ${stepEvents[0].loss.toFixed(3)} → ${stepEvents.at(-1).loss.toFixed(3)}`);
  process.stdout.write(`${JSON.stringify({ device: 'cuda', model: size, batch: 8, maxSeqLen: 128, rank: 8, targets: ['q_proj', 'v_proj'], loraTokensPerSecond: median })}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
