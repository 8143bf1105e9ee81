// Turns a Graph into ONNX bytes: prunes nodes the outputs do not need, writes value infos with symbolic sizes,
// and places large initializers in a side file (external data) so models over protobuf's 2 GB limit still load.

import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { encodeModel } from '../onnx/encode';
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from '../onnx/schema';
import { onnxDataType } from './dtype';
import type { Graph, GraphNode, Initializer, Value } from './graph';

/** Protobuf messages cannot exceed 2 GiB; leave headroom for the graph itself. */
const INLINE_LIMIT_BYTES = 1.8 * 1024 ** 3;
const IR_VERSION = 10;

export interface SerializeOptions {
  producerName?: string;
  metadata?: Record<string, string>;
}

export interface WriteModelOptions extends SerializeOptions {
  /** 'auto' (default): external data only when the initializers would not fit inline. */
  externalData?: 'auto' | 'always' | 'never';
  /** Initializers of at least this many bytes go to the side file when external data is used (default 1 KiB). */
  externalThresholdBytes?: number;
}

function valueInfo(value: Value): OnnxValueInfo {
  return { name: value.name, elemType: onnxDataType[value.dtype], shape: [...value.shape] };
}

/** Nodes and initializers reachable backwards from the outputs, in the original (topological) order. */
export function liveParts(graph: Graph): { nodes: GraphNode[]; initializers: Initializer[] } {
  const producer = new Map<Value, GraphNode>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);
  const needed = new Set<Value>(graph.outputs);
  const liveNodes = new Set<GraphNode>();
  const stack = [...graph.outputs];
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!);
    if (!node || liveNodes.has(node)) continue;
    liveNodes.add(node);
    for (const input of node.inputs) {
      if (input && !needed.has(input)) {
        needed.add(input);
        stack.push(input);
      }
    }
  }
  return { nodes: graph.nodes.filter((n) => liveNodes.has(n)), initializers: graph.initializers.filter((i) => needed.has(i.value)) };
}

function onnxNode(node: GraphNode): OnnxNode {
  const inputs = node.inputs.map((v) => v?.name ?? '');
  while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
  return { opType: node.opType, domain: node.domain, name: node.name, inputs, outputs: node.outputs.map((v) => v.name), attributes: node.attributes };
}

function buildModel(graph: Graph, initializers: OnnxTensor[], nodes: GraphNode[], options: SerializeOptions): OnnxModel {
  const onnxGraph: OnnxGraph = {
    name: graph.name,
    nodes: nodes.map(onnxNode),
    initializers,
    inputs: graph.inputs.map(valueInfo),
    outputs: graph.outputs.map(valueInfo),
  };
  const opsets = [{ domain: '', version: graph.opset }, ...[...graph.domains].map(([domain, version]) => ({ domain, version }))];
  return { irVersion: IR_VERSION, opsets, producerName: options.producerName ?? 'finetune-studio', graph: onnxGraph, metadata: options.metadata };
}

function checkOutputs(graph: Graph): void {
  if (graph.outputs.length === 0) throw new Error(`graph ${graph.name} has no outputs`);
}

/** The whole model as one buffer; throws when the initializers are too large to inline (use writeModel). */
export function serializeModel(graph: Graph, options: SerializeOptions = {}): Uint8Array {
  checkOutputs(graph);
  const { nodes, initializers } = liveParts(graph);
  const total = initializers.reduce((sum, i) => sum + i.byteLength, 0);
  if (total > INLINE_LIMIT_BYTES) throw new Error(`graph ${graph.name}: ${total} bytes of initializers exceed the 2 GB protobuf limit; write it with writeModel (external data)`);
  const tensors = initializers.map((i) => ({ name: i.value.name, dataType: onnxDataType[i.value.dtype], dims: i.value.shape as number[], rawData: i.bytes }));
  return encodeModel(buildModel(graph, tensors, nodes, options));
}

/**
 * Writes `modelPath` and, when external data is used, `<modelPath>.data` beside it (tensors at 64-byte aligned
 * offsets). Returns the side file's path or undefined. Files are written to temporaries and renamed into place.
 */
export function writeModel(graph: Graph, modelPath: string, options: WriteModelOptions = {}): { dataPath?: string } {
  checkOutputs(graph);
  const { nodes, initializers } = liveParts(graph);
  const total = initializers.reduce((sum, i) => sum + i.byteLength, 0);
  const mode = options.externalData ?? 'auto';
  const external = mode === 'always' || (mode === 'auto' && total > INLINE_LIMIT_BYTES);
  if (!external && total > INLINE_LIMIT_BYTES) throw new Error(`graph ${graph.name}: ${total} bytes of initializers need external data`);
  const threshold = options.externalThresholdBytes ?? 1024;
  const dataPath = `${modelPath}.data`;
  const tensors: OnnxTensor[] = [];
  let dataFile: number | undefined;
  let offset = 0;
  try {
    for (const init of initializers) {
      const base = { name: init.value.name, dataType: onnxDataType[init.value.dtype], dims: init.value.shape as number[] };
      if (!external || init.byteLength < threshold) {
        tensors.push({ ...base, rawData: init.bytes });
        continue;
      }
      dataFile ??= openSync(`${dataPath}.tmp`, 'w');
      const aligned = Math.ceil(offset / 64) * 64;
      if (aligned > offset) writeSync(dataFile, new Uint8Array(aligned - offset));
      writeSync(dataFile, init.bytes); // read once: a lazy initializer's data is dropped after this write
      tensors.push({ ...base, external: { location: basename(dataPath), offset: aligned, length: init.byteLength } });
      offset = aligned + init.byteLength;
    }
  } finally {
    if (dataFile !== undefined) closeSync(dataFile);
  }
  if (dataFile !== undefined) renameSync(`${dataPath}.tmp`, dataPath);
  const bytes = encodeModel(buildModel(graph, tensors, nodes, options));
  const modelFile = openSync(`${modelPath}.tmp`, 'w');
  try {
    writeSync(modelFile, bytes);
  } finally {
    closeSync(modelFile);
  }
  renameSync(`${modelPath}.tmp`, modelPath);
  return { dataPath: dataFile === undefined ? undefined : dataPath };
}
