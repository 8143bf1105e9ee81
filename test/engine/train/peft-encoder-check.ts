// Shared by the prompt-encoder and prefix-encoder tests: from PEFT's initial encoder weights (a fixture folder's
// encoder.safetensors), our graph's encoder output, loss on the fixture's batch and gradient of every encoder tensor,
// next to PEFT's (gradients.safetensors: one per tensor, and `output`).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gradients } from '../../../engine/src/autodiff';
import { createSession, Graph, tensor, type Value } from '../../../engine/src/graph';
import type { ModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { initializerParameters } from '../../../engine/src/models/parameters';
import { buildCausalLM } from '../../../engine/src/models/registry';
import { NAMES, type CausalLMOptions } from '../../../engine/src/models/types';
import { runEncoder } from '../../../engine/src/train/methods/encoder-graph';
import { trainableTensor } from '../../../engine/src/train/methods/types';

export interface FixtureBatch {
  inputIds: number[][];
  attentionMask: number[][];
  labels: number[][];
}

export function readAllTensors(file: string): Map<string, { shape: number[]; data: Float32Array }> {
  const header = readSafetensorsHeader(file);
  return new Map([...header.tensors].map(([name, info]) => [name, { shape: [...info.shape], data: readTensorFloat32(info) }]));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index])), 0);
}

/**
 * `encoder` builds the encoder's output from tensors by PEFT name; `hooks` turns that output into the model's hook
 * (virtual tokens or prefix). Returns our loss, the output's largest difference, the worst gradient difference
 * relative to the largest entry of PEFT's gradient of that tensor, and PEFT's tensor shapes.
 */
export async function compareWithPeft(
  folder: ModelFolder,
  fixture: string,
  batch: FixtureBatch,
  encoder: (weight: (name: string) => Value) => Value,
  hooks: (output: Value) => Partial<CausalLMOptions>,
): Promise<{ loss: number; output: number; gradients: number; shapes: [string, number[]][] }> {
  const weights = readAllTensors(join(fixture, 'encoder.safetensors'));
  const peft = readAllTensors(join(fixture, 'gradients.safetensors'));
  const tensors = [...weights].map(([name, { shape, data }]) => trainableTensor(name, shape, data));
  const output = await runEncoder(tensors, '', encoder);

  const graph = new Graph({ name: 'encoder_gradients' });
  const inputs = new Map<string, Value>(tensors.map((t) => [t.name, graph.input(t.name, 'float32', t.shape)]));
  const lm = buildCausalLM(graph, folder.config, { parameter: initializerParameters(graph, folder.weights), ...hooks(encoder((name) => inputs.get(name)!)), output: { kind: 'loss', ignoreIndex: -100 } });
  const grads = gradients(graph, lm.outputs.loss!, [...inputs.values()]);
  [...inputs.keys()].forEach((name, index) => graph.output(grads[index], `grad.${name}`));
  const session = await createSession(graph, { intraOpThreads: 1 });
  const dims = [batch.inputIds.length, batch.inputIds[0].length];
  const out = await session.run({
    [NAMES.inputIds]: tensor('int64', dims, batch.inputIds.flat()),
    [NAMES.attentionMask]: tensor('int64', dims, batch.attentionMask.flat()),
    [NAMES.labels]: tensor('int64', dims, batch.labels.flat()),
    ...Object.fromEntries(tensors.map((t) => [t.name, tensor('float32', t.shape, t.value)])),
  });
  await session.release();
  let worst = 0;
  for (const name of inputs.keys()) {
    const theirs = peft.get(name)!.data;
    worst = Math.max(worst, maxDifference(out[`grad.${name}`].data as Float32Array, theirs) / Math.max(...theirs.map(Math.abs)));
  }
  return { loss: (out.loss.data as Float32Array)[0], output: maxDifference(output, peft.get('output')!.data), gradients: worst, shapes: [...weights].map(([name, { shape }]): [string, number[]] => [name, shape]) };
}
