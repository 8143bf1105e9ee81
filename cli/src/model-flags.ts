// What every command that runs a model shares (score, generate, eval): the --model/--adapter flags with the
// runtime flags, and opening the model folder, its optional PEFT adapter and the device the user asked for.
import { readPeftAdapter, type PeftAdapter } from '../../engine/src/adapters/peft';
import { loadModelFolder, type ModelFolder } from '../../engine/src/io/model-folder';
import { parseRuntimeFlags, RUNTIME_FLAGS } from '../../engine/src/runtime/cli-options';
import type { DeviceName } from '../../engine/src/runtime/devices';
import type { RuntimeOptions } from '../../engine/src/runtime/session-options';

export const MODEL_FLAGS = {
  model: { type: 'string' },
  adapter: { type: 'string' },
  ...RUNTIME_FLAGS,
} as const;

export interface OpenedModel {
  folder: ModelFolder;
  adapter: PeftAdapter | undefined;
  device: DeviceName;
  runtime: RuntimeOptions;
}

/** Validates the runtime flags first (cheap), then loads the folder and the adapter (each with located errors). */
export function openModel(modelDir: string, adapterDir: string | undefined, runtimeFlags: Parameters<typeof parseRuntimeFlags>[0]): OpenedModel {
  const { device, runtime } = parseRuntimeFlags(runtimeFlags);
  const folder = loadModelFolder(modelDir);
  const adapter = adapterDir ? readPeftAdapter(adapterDir) : undefined;
  return { folder, adapter, device, runtime };
}
