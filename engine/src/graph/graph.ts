// The graph builder: typed values, ONNX nodes, initializers, de-duplicated constants, and the tape autodiff walks.
// Op helpers (ops/*.ts) call `graph.node`; composite ops group their nodes into one tape entry with `graph.composite`.

import { AttributeType, type OnnxAttributeValue, type OnnxTensor } from '../onnx/schema';
import { byteLength, numbersToBytes, onnxDataType, type DType, type TensorData } from './dtype';
import { elementCount, formatShape, type Dim, type Shape } from './shape';

/** A tensor flowing through the graph. Values are created by the graph, never directly. */
export class Value {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: readonly Dim[],
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.name}: ${this.dtype}${formatShape(this.shape)}`;
  }
}

/** Attribute constructors: ONNX distinguishes ints from floats, JavaScript numbers do not. */
export const attr = {
  int: (value: number | bigint): OnnxAttributeValue => ({ type: AttributeType.INT, value }),
  float: (value: number): OnnxAttributeValue => ({ type: AttributeType.FLOAT, value }),
  string: (value: string): OnnxAttributeValue => ({ type: AttributeType.STRING, value }),
  ints: (value: readonly (number | bigint)[]): OnnxAttributeValue => ({ type: AttributeType.INTS, value: [...value] }),
  floats: (value: readonly number[]): OnnxAttributeValue => ({ type: AttributeType.FLOATS, value: [...value] }),
  tensor: (value: OnnxTensor): OnnxAttributeValue => ({ type: AttributeType.TENSOR, value }),
};

export type Attributes = Record<string, OnnxAttributeValue>;

export interface GraphNode {
  opType: string;
  domain: string;
  name: string;
  inputs: (Value | null)[];
  outputs: Value[];
  attributes: Attributes;
}

/** One differentiable step: a primitive node, or a composite op whose forward expanded into several nodes. */
export interface TapeEntry {
  opType: string;
  inputs: (Value | null)[];
  outputs: Value[];
  attributes: Attributes;
  /** Composite ops: intermediate values their gradient rule reuses, and plain parameters (eps, scale…). */
  saved: Record<string, Value>;
  params: Record<string, unknown>;
}

export interface Initializer {
  value: Value;
  /**
   * Raw little-endian bytes (a view; never copied until serialisation). A lazy initializer reads them anew on each
   * access, so a large model's weights pass through memory one tensor at a time on their way to the session.
   */
  readonly bytes: Uint8Array;
  readonly byteLength: number;
  /** A float32 weight read from 16-bit data (an fp16/bf16 checkpoint): runtime/narrow-weights.ts may hold it so. */
  readonly narrow?: NarrowSource;
}

/** The 16-bit data a float32 initializer was widened from, exactly. */
export interface NarrowSource {
  dtype: 'float16' | 'bfloat16';
  load: () => Uint16Array;
}

export interface GraphOptions {
  name?: string;
  /** ai.onnx opset; 21 is the default (every op helper here uses opset ≥ 18 signatures). */
  opset?: number;
}

export class Graph {
  readonly name: string;
  readonly opset: number;
  readonly nodes: GraphNode[] = [];
  readonly tape: TapeEntry[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers: Initializer[] = [];
  /** Custom domains used by nodes (com.microsoft …) with their versions. */
  readonly domains = new Map<string, number>();
  private readonly names = new Set<string>();
  private readonly constantCache = new Map<string, Value>();
  private compositeDepth = 0;
  private counter = 0;

  constructor(options: GraphOptions = {}) {
    this.name = options.name ?? 'graph';
    this.opset = options.opset ?? 21;
  }

  /** A fresh unique name starting with `base`. */
  uniqueName(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: the name '${name}' is already used`);
    this.names.add(name);
    return name;
  }

  /** A graph input (fed at run time). Symbolic dimensions are strings such as 'batch'. */
  input(name: string, dtype: DType, shape: Shape): Value {
    const value = new Value(this, this.claim(name), dtype, [...shape]);
    this.inputs.push(value);
    return value;
  }

  /** Marks a value as a graph output, renaming it through Identity when `name` differs or it is already taken. */
  output(value: Value, name?: string): Value {
    let out = value;
    const isInput = this.inputs.includes(value) || this.initializers.some((i) => i.value === value);
    if ((name && name !== value.name) || isInput || this.outputs.includes(value)) {
      out = this.node('Identity', [value], [{ dtype: value.dtype, shape: value.shape }], {}, { name: name ?? `${value.name}_out` })[0];
    }
    this.outputs.push(out);
    return out;
  }

  /** A named initializer (a weight) from a typed array; float16/bfloat16 as Uint16Array bits, 4-bit types packed in Uint8Array. */
  initializer(name: string, dtype: DType, shape: readonly number[], data: TensorData): Value {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const expected = byteLength(dtype, elementCount(shape));
    if (bytes.byteLength !== expected) throw new Error(`initializer ${name}: ${bytes.byteLength} bytes for ${dtype}${formatShape(shape)}, expected ${expected}`);
    const value = new Value(this, this.claim(name), dtype, [...shape]);
    this.initializers.push({ value, bytes, byteLength: bytes.byteLength });
    return value;
  }

  /**
   * An initializer whose data `load` produces when the graph is serialised (each time), and which the graph does not
   * keep: frozen weights then exist once in the session instead of also as typed arrays held by the graph.
   */
  lazyInitializer(name: string, dtype: DType, shape: readonly number[], load: () => TensorData, narrow?: NarrowSource): Value {
    const expected = byteLength(dtype, elementCount(shape));
    const value = new Value(this, this.claim(name), dtype, [...shape]);
    this.initializers.push({
      value,
      byteLength: expected,
      ...(narrow ? { narrow } : {}),
      get bytes(): Uint8Array {
        const data = load();
        if (data.byteLength !== expected) throw new Error(`initializer ${name}: ${data.byteLength} bytes for ${dtype}${formatShape(shape)}, expected ${expected}`);
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      },
    });
    return value;
  }

  private nextConstantName(dtype: DType): string {
    let name: string;
    do name = `const_${dtype}_${++this.counter}`;
    while (this.names.has(name));
    return name;
  }

  /** A small constant, shared by every use with the same type, shape and bytes. */
  constant(dtype: DType, shape: readonly number[], values: readonly number[] | Uint8Array): Value {
    const bytes = values instanceof Uint8Array ? values : numbersToBytes(dtype, values);
    const key = `${dtype}|${shape.join(',')}|${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
    const cached = this.constantCache.get(key);
    if (cached) return cached;
    const value = this.initializer(this.nextConstantName(dtype), dtype, shape, bytes.slice());
    this.constantCache.set(key, value);
    return value;
  }

  scalar(value: number, dtype: DType): Value {
    return this.constant(dtype, [], [value]);
  }

  /** A 1-D int64 constant, the usual form of axes and shapes. */
  int64s(values: readonly number[]): Value {
    return this.constant('int64', [values.length], values);
  }

  /** Appends an ONNX node; records it on the tape unless a composite op is being expanded. */
  node(
    opType: string,
    inputs: (Value | null)[],
    outputs: { dtype: DType; shape: Shape }[],
    attributes: Attributes = {},
    options: { domain?: string; name?: string } = {},
  ): Value[] {
    for (const input of inputs) {
      if (input && input.graph !== this) throw new Error(`${opType}: input ${input.name} belongs to another graph`);
    }
    const first = options.name ? this.claim(options.name) : this.uniqueName(opType.toLowerCase());
    const outputValues = outputs.map((spec, i) => new Value(this, i === 0 ? first : this.uniqueName(`${first}_${i}`), spec.dtype, [...spec.shape]));
    const domain = options.domain ?? '';
    if (domain && !this.domains.has(domain)) this.domains.set(domain, 1);
    this.nodes.push({ opType, domain, name: `${first}_node`, inputs, outputs: outputValues, attributes });
    if (this.compositeDepth === 0) this.tape.push({ opType, inputs, outputs: outputValues, attributes, saved: {}, params: {} });
    return outputValues;
  }

  /**
   * Expands a composite op: `expand` emits ordinary nodes (kept off the tape) and returns the outputs plus values
   * its gradient rule reuses; the tape gets one entry of type `opType`, differentiated by that op's own rule.
   */
  composite(
    opType: string,
    inputs: (Value | null)[],
    params: Record<string, unknown>,
    expand: () => { outputs: Value[]; saved?: Record<string, Value> },
  ): Value[] {
    this.compositeDepth++;
    let result: { outputs: Value[]; saved?: Record<string, Value> };
    try {
      result = expand();
    } finally {
      this.compositeDepth--;
    }
    if (this.compositeDepth === 0) this.tape.push({ opType, inputs, outputs: result.outputs, attributes: {}, saved: result.saved ?? {}, params });
    return result.outputs;
  }

  /**
   * Runs `build` and takes the nodes it appended back out of the graph (and off the tape), for rewrite passes that
   * place them elsewhere: passes run after autodiff, so their nodes are not steps of the forward.
   */
  detached<T>(build: () => T): { result: T; nodes: GraphNode[] } {
    const nodeCount = this.nodes.length;
    const tapeLength = this.tape.length;
    const result = build();
    this.tape.length = tapeLength;
    return { result, nodes: this.nodes.splice(nodeCount) };
  }

  /** Declares a custom operator domain (e.g. com.microsoft) at a version. */
  useDomain(domain: string, version: number): void {
    this.domains.set(domain, version);
  }

  /** The ONNX element type of a value (for writers). */
  static elementType(value: Value): number {
    return onnxDataType[value.dtype];
  }
}
