// Session settings shared by score, generate and training: threads and graph-optimisation level, with defaults
// chosen by measurement (see engine/src/runtime/README.md for the figures).
import type * as ort from 'onnxruntime-node';
import { defaultIntraOpThreads } from './physical-cores';

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface RuntimeOptions {
  /** Threads inside one operator (matrix multiplies); 0: one per physical core (physical-cores.ts). */
  intraOpThreads?: number;
  /** ORT's graph rewrites; `all` adds layout transforms that help the CPU provider most. */
  optimization?: OptimizationLevel;
  /** How ORT holds tensors; unset fields keep ORT's defaults (all on). */
  memory?: MemoryOptions;
}

export interface MemoryOptions {
  /** ORT's CPU arena: freed blocks are kept for reuse (cheap allocation), so its high-water mark stays resident. */
  arena?: boolean;
  /** After the first run of each input shape, one planned block for all intermediates of that shape. */
  pattern?: boolean;
  /** MLAS prepacking of constant MatMul weights: a packed copy per consuming node beside (or instead of) the weight. */
  prepack?: boolean;
}

export const DEFAULT_RUNTIME_OPTIONS: Required<Omit<RuntimeOptions, 'memory'>> = {
  intraOpThreads: 0,
  optimization: 'all',
};

function memorySessionOptions(memory: MemoryOptions = {}): ort.InferenceSession.SessionOptions {
  return {
    ...(memory.arena === undefined ? {} : { enableCpuMemArena: memory.arena }),
    ...(memory.pattern === undefined ? {} : { enableMemPattern: memory.pattern }),
    ...(memory.prepack === false ? { extra: { session: { disable_prepacking: '1' } } } : {}),
  };
}

/** Translates our options into ORT's (`extra` session entries included); the cache key below uses the same values. */
export function sessionOptionsFor(options: RuntimeOptions = {}): ort.InferenceSession.SessionOptions {
  const resolved = { ...DEFAULT_RUNTIME_OPTIONS, ...options };
  const threads = resolved.intraOpThreads > 0 ? resolved.intraOpThreads : defaultIntraOpThreads();
  return {
    graphOptimizationLevel: resolved.optimization,
    // Sequential execution: our graphs are chains of large ops, inter-op parallelism only adds contention.
    executionMode: 'sequential',
    ...memorySessionOptions(resolved.memory),
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
  };
}

export function runtimeOptionsKey(options: RuntimeOptions = {}): string {
  const resolved = { ...DEFAULT_RUNTIME_OPTIONS, ...options };
  const memory = resolved.memory ?? {};
  return `threads=${resolved.intraOpThreads};opt=${resolved.optimization};arena=${memory.arena ?? ''};pattern=${memory.pattern ?? ''};prepack=${memory.prepack ?? ''}`;
}
