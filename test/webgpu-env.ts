// The WebGPU adapter the tests run on: SwiftShader (Debian's chromium, a Vulkan driver on the CPU) unless
// FINETUNE_TEST_WEBGPU=hardware, which `npm run gpu-check` sets to run the same parity tests on a real GPU.
import { guessWebGpuAdapter, useSwiftShader } from '../engine/src/runtime/webgpu-adapter';

export function useTestWebGpu(): { adapter: string } {
  if (process.env.FINETUNE_TEST_WEBGPU === 'hardware') {
    const guess = guessWebGpuAdapter();
    if (guess.kind !== 'hardware') throw new Error(`FINETUNE_TEST_WEBGPU=hardware but no GPU driver is installed (${guess.description})`);
    return { adapter: guess.description };
  }
  useSwiftShader();
  return { adapter: 'Vulkan: SwiftShader (software)' };
}
