// The WebGPU adapter the tests run on: SwiftShader (Debian's chromium, a Vulkan driver on the CPU) unless
// FINETUNE_TEST_WEBGPU=hardware, which `npm run gpu-check` sets to run the same parity tests on a real GPU.
// `npm test` installs SwiftShader first (scripts/test-browser); with FINETUNE_SKIP_BROWSER_TESTS=1 on a machine
// without it, the WebGPU tests skip themselves, saying why, like the webview tests.
import { findSwiftShader, guessWebGpuAdapter, useSwiftShader } from '../engine/src/runtime/webgpu-adapter';

export interface TestWebGpu {
  adapter: string;
  /** A reason to skip (node:test's `skip` option), or false. */
  skip: string | false;
}

export function useTestWebGpu(): TestWebGpu {
  if (process.env.FINETUNE_TEST_WEBGPU === 'hardware') {
    const guess = guessWebGpuAdapter();
    if (guess.kind !== 'hardware') throw new Error(`FINETUNE_TEST_WEBGPU=hardware but no GPU driver is installed (${guess.description})`);
    return { adapter: guess.description, skip: false };
  }
  if (process.env.FINETUNE_SKIP_BROWSER_TESTS === '1' && !findSwiftShader()) return { adapter: '', skip: 'SwiftShader (Debian chromium) is not installed' };
  useSwiftShader();
  return { adapter: 'Vulkan: SwiftShader (software)', skip: false };
}
