// `npm run gpu-check [-- --device webgpu|cuda|all] [--sizes small,bench] [--steps N] [--software]`: does training run
// on this machine's GPU, and is it exact? For each GPU device that can run here (WebGPU on a hardware adapter, CUDA
// when its provider libraries are installed):
//   1. WebGPU: the parity tests (every gradient rule, AdamW, a LoRA curve: CPU vs WebGPU) on the real adapter;
//   2. LoRA steps on each model size with `--device <gpu>` (no CPU fallback) and on the CPU: tokens/s, peak RSS and,
//      where nvidia-smi answers, the GPU memory in use at the peak.
// Prints one JSON line per measurement and exits 0 only when every check passes; each failure says what to do.
// `--software` rehearses the WebGPU part on SwiftShader (no GPU needed, slow).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'all' },
    sizes: { type: 'string', default: 'small,bench' },
    steps: { type: 'string', default: '12' },
    software: { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
let failures = 0;

function fail(message) {
  failures++;
  process.stderr.write(`gpu-check: FAILED: ${message}\n`);
}

function pass(message) {
  process.stdout.write(`gpu-check: ok: ${message}\n`);
}

/** onnxruntime-node ships the CUDA provider separately (package.json `allowScripts` skips its download to keep installs offline). */
function cudaInstalled() {
  const require = createRequire(import.meta.url);
  const binDir = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(binDir) && readdirSync(binDir).some((name) => /onnxruntime_providers_cuda\.(so|dll)$/.test(name));
}

/** GPU memory in use (MiB) right now, or undefined without nvidia-smi. */
function gpuMemoryMiB() {
  const result = spawnSync('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return result.stdout.trim().split('\n').map(Number).reduce((a, b) => a + b, 0);
}

/** Runs the CLI, sampling GPU memory every 200 ms; resolves to { status, stderr, peakGpuMiB }. */
function runSampled(args, env) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const baseline = gpuMemoryMiB();
    let peak = baseline;
    const timer = setInterval(() => {
      const now = gpuMemoryMiB();
      if (now !== undefined) peak = Math.max(peak ?? 0, now);
    }, 200);
    child.on('close', (status) => {
      clearInterval(timer);
      done({ status, stderr, peakGpuMiB: peak === undefined ? undefined : peak - (baseline ?? 0) });
    });
  });
}

const devices = values.device === 'all' ? ['webgpu', ...(cudaInstalled() ? ['cuda'] : [])] : values.device.split(',');
if (!existsSync(cli)) fail('dist/cli.js is missing: run `npm run build` first');
const env = { ...process.env };
if (values.software) {
  const manifest = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'].find(existsSync);
  if (!manifest) fail('--software needs SwiftShader: apt-get install -y chromium libvulkan1');
  env.VK_ICD_FILENAMES = manifest;
  env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'finetune-xdg-'));
} else {
  env.FINETUNE_TEST_WEBGPU = 'hardware';
}

if (devices.includes('webgpu') && failures === 0) {
  process.stdout.write(`gpu-check: WebGPU parity tests (${values.software ? 'SwiftShader' : 'the hardware adapter'})…\n`);
  const tests = spawnSync(process.execPath, [join(root, 'scripts', 'run-tests.mjs'), 'webgpu-parity', 'webgpu-kernels', 'narrow-weights', 'train/webgpu'], { env, cwd: root, encoding: 'utf8' });
  const summary = (tests.stdout + tests.stderr).split('\n').filter((line) => /^ℹ (pass|fail)|✖/.test(line));
  if (tests.status === 0) pass(`WebGPU equals the CPU (${summary.join(', ')})`);
  else fail(`WebGPU parity tests failed:\n${summary.join('\n')}\n${tests.stderr.trim().split('\n').slice(-8).join('\n')}`);
}
if (devices.includes('cuda') && !cudaInstalled()) {
  fail(
    'onnxruntime\'s CUDA provider is not installed.\n' +
      '  Install it with: (cd node_modules/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js)\n' +
      '  It needs CUDA 12 and cuDNN 9 libraries on the library path (LD_LIBRARY_PATH on Linux).',
  );
}

const work = mkdtempSync(join(tmpdir(), 'finetune-gpu-check-'));
try {
  // Records long enough that every batch is about 8 × 128 tokens.
  const sentence = 'The quick brown fox jumps over the lazy dog while the cat watches from the warm windowsill. ';
  const records = Array.from({ length: 64 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${sentence}` }, { role: 'assistant', content: `Answer ${i}: ${sentence.repeat(2)}` }] }));
  writeFileSync(join(work, 'data.jsonl'), records.join('\n') + '\n');
  for (const size of values.sizes.split(',')) {
    const model = join(work, `model-${size}`);
    // bf16, as most checkpoints ship: the GPU runs hold the frozen weights as fp16 where the adapter has shader-f16.
    const init = spawnSync(process.execPath, [cli, 'init-model', '--arch', 'qwen2', '--size', size, '--dtype', 'bf16', '--out', model], { encoding: 'utf8' });
    if (init.status !== 0) {
      fail(`init-model --size ${size} failed: ${init.stderr.trim()}`);
      continue;
    }
    const gpus = devices.filter((name) => name !== 'cpu' && (name !== 'cuda' || cudaInstalled()));
    // Each GPU twice: 16-bit frozen weights (the default) against float32 ones, on the same device.
    const runs = [['cpu', 'auto'], ...gpus.flatMap((device) => [[device, 'auto'], [device, 'float32']])];
    for (const [device, frozenWeights] of runs) {
      const run = join(work, `run-${size}-${device}-${frozenWeights}`);
      const args = ['train', '--model', model, '--data', join(work, 'data.jsonl'), '--out', run, '--method', 'lora', '--rank', '8', '--target-modules', 'q_proj,v_proj', '--batch-size', '8', '--max-seq-len', '128', '--steps', String(steps), '--save-every', '0', '--device', device, '--frozen-weights', frozenWeights];
      const result = await runSampled(args, env);
      if (result.status !== 0) {
        fail(`training on ${device} (${size}) failed (exit ${result.status}):\n${result.stderr.trim().split('\n').slice(-6).join('\n')}`);
        continue;
      }
      const events = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
      const stepEvents = events.filter((event) => event.type === 'step');
      // The first steps include kernel selection and memory growth: report the steady state.
      const steady = stepEvents.slice(Math.min(3, stepEvents.length - 1)).map((event) => event.tokensPerSecond).sort((a, b) => a - b);
      pass(`${size} on ${info.resolved.deviceDescription}: loss ${stepEvents[0].loss.toFixed(3)} → ${stepEvents.at(-1).loss.toFixed(3)}`);
      process.stdout.write(
        `${JSON.stringify({ size, device, frozenWeights, adapter: info.resolved.adapter ?? null, batch: 8, maxSeqLen: 128, rank: 8, targets: ['q_proj', 'v_proj'], loraTokensPerSecond: steady[Math.floor(steady.length / 2)], gpuMemoryMiB: device === 'cpu' ? null : (result.peakGpuMiB ?? null) })}\n`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
