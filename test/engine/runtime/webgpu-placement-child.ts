// Child of webgpu-kernels.test.ts: one LoRA step of a tiny Llama on WebGPU with onnxruntime's verbose log on, which
// lists on stderr the nodes each provider got ("Node(s) placed on [CPUExecutionProvider]"). ORT's log is native
// output, so only a separate process can read it.
import * as ort from 'onnxruntime-node';
import { train } from '../../../engine/src/train/loop';
import { createFixture } from '../train/helpers';

async function main(): Promise<void> {
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (model: Uint8Array | string, options?: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;
  // Verbose logging of every session this process opens (the training step's); nothing else changes.
  Object.assign(ort.InferenceSession, {
    create: (model: Uint8Array | string, options: ort.InferenceSession.SessionOptions = {}) => create(model, { ...options, logSeverityLevel: 0, logVerbosityLevel: 0 }),
  });
  const fixture = createFixture();
  try {
    const result = await train(fixture.args({ out: 'placement', steps: 1, device: 'webgpu', batchSize: 2 }));
    process.stdout.write(`${result.status}\n`);
  } finally {
    fixture.cleanup();
  }
}

void main();
