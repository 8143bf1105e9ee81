// The device names every part accepts (CLI flags, run configurations, the extension's settings). Kept apart from
// devices.ts so that importing the names does not load onnxruntime's native binding (the extension host needs them).
export const DEVICE_NAMES = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];
export type ConcreteDevice = Exclude<DeviceName, 'auto'>;

export function isDeviceName(value: string): value is DeviceName {
  return (DEVICE_NAMES as readonly string[]).includes(value);
}

/** One line of help: what each name means. */
export const DEVICE_HELP =
  'auto (CUDA, then WebGPU on a GPU, then the CPU) | cpu | cuda | webgpu (bundled: Vulkan, D3D12 or Metal; any adapter, software ones too) | dml | coreml.';
