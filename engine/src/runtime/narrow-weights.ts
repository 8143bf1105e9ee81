// Frozen weights kept in the checkpoint's 16 bits. A bf16/fp16 model's weights reach the graph widened to float32,
// so a session held twice the checkpoint. This pass stores each such weight as it came (or as fp16 for a GPU without
// bf16) and widens it at each use into a transient float32 tensor: the kernels see the same float32 values, so
// training computes exactly what it did, with half the memory for the weights.
//
// Two onnxruntime behaviours shape it. ORT folds Cast(initializer) into a float32 initializer when the session is
// created, so the weight is declared an overridable initializer (also a graph input, never fed), which it does not
// fold. And ORT runs a node as soon as its inputs are ready and merges identical nodes, so each use widens the
// weight through its own Slice whose start is computed from that use's activation (0 × its batch size): the copy is
// made just before its use and freed after it, instead of every layer's float32 copy living from the first step of
// the forward to the backward.
import { liveParts, ops, Value, type Graph, type GraphNode, type Initializer } from '../graph';
import { bfloat16ToFloat32, float32ToFloat16 } from '../io/dtype';

/**
 * A weight read more often stays float32: a chunked LM head reads the (tied) embedding once per chunk forward and
 * backward, and those uses are ready together, so their float32 copies would all exist at once.
 */
const MAX_USES = 3;

/** `stored`: the checkpoint's dtype (CPU); `float16`: bf16 converted to fp16 (WebGPU has no bf16). */
export type NarrowTarget = 'stored' | 'float16';

/** The activation a use of `weight` waits for: the node's first input that is computed, not stored. */
function tieOf(node: GraphNode, weight: Value, stored: ReadonlySet<Value>): Value | undefined {
  return node.inputs.find((input): input is Value => input !== null && input !== weight && !stored.has(input) && input.rank >= 1);
}

/** bf16 → fp16 for a GPU without bf16: rounded to fp16's 11 bits and clamped to its ±65504 (bf16 reaches 3e38). */
export function bfloat16AsFloat16(bits: Uint16Array): Uint16Array {
  const values = bfloat16ToFloat32(bits);
  for (let index = 0; index < values.length; index++) values[index] = Math.min(FLOAT16_MAX, Math.max(-FLOAT16_MAX, values[index]));
  return float32ToFloat16(values);
}

const FLOAT16_MAX = 65504;

function narrowInitializer(initializer: Initializer, target: NarrowTarget): Initializer {
  const { narrow, value } = initializer;
  const source = narrow!;
  const dtype = target === 'float16' ? 'float16' : source.dtype;
  const load = dtype === source.dtype ? source.load : () => bfloat16AsFloat16(source.load());
  return {
    value: new Value(value.graph, value.name, dtype, value.shape),
    byteLength: initializer.byteLength / 2,
    get bytes(): Uint8Array {
      const bits = load();
      return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
    },
  };
}

/** Rewrites `graph` in place; returns the bytes of weights it no longer holds. Weights with a use that has no activation to wait for stay float32. */
export function narrowFrozenWeights(graph: Graph, target: NarrowTarget): number {
  const stored = new Set(graph.initializers.map((initializer) => initializer.value));
  const uses = new Map<Value, GraphNode[]>();
  // Dead nodes (a forward Transpose that shared-weights.ts bypassed) are not uses: serialisation drops them.
  for (const node of liveParts(graph).nodes) {
    for (const input of node.inputs) if (input && stored.has(input)) (uses.get(input) ?? uses.set(input, []).get(input)!).push(node);
  }
  const outputs = new Set(graph.outputs);
  const before = new Map<GraphNode, GraphNode[]>();
  let saved = 0;
  graph.initializers.forEach((initializer, index) => {
    const { value } = initializer;
    const users = uses.get(value) ?? [];
    if (!initializer.narrow || value.dtype !== 'float32' || value.rank < 2 || outputs.has(value) || users.length === 0) return;
    if (users.length > MAX_USES || users.some((node) => !tieOf(node, value, stored))) return;
    const narrowed = narrowInitializer(initializer, target);
    graph.initializers[index] = narrowed;
    graph.inputs.push(narrowed.value);
    saved += initializer.byteLength - narrowed.byteLength;
    for (const node of users) {
      const { result: widened, nodes } = graph.detached(() => {
        const zero = ops.mul(ops.shapeOf(tieOf(node, value, stored)!, 0, 1), graph.int64s([0]));
        const [copy] = graph.node('Slice', [narrowed.value, zero, graph.int64s([Number.MAX_SAFE_INTEGER]), graph.int64s([0])], [{ dtype: narrowed.value.dtype, shape: value.shape }]);
        return ops.cast(copy, 'float32');
      });
      node.inputs = node.inputs.map((input) => (input === value ? widened : input));
      (before.get(node) ?? before.set(node, []).get(node)!).push(...nodes);
    }
  });
  graph.nodes.splice(0, graph.nodes.length, ...graph.nodes.flatMap((node) => [...(before.get(node) ?? []), node]));
  return saved;
}
