// Session settings shared by score, generate and training: threads and graph-optimisation level, with defaults
// chosen by measurement (see engine/src/runtime/README.md for the figures).
import type * as ort from 'onnxruntime-node';
import os from 'node:os';

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface RuntimeOptions {
  /** Threads inside one operator (matrix multiplies); 0 lets ORT pick (one per physical core). */
  intraOpThreads?: number;
  /** ORT's graph rewrites; `all` adds layout transforms that help the CPU provider most. */
  optimization?: OptimizationLevel;
}

export const DEFAULT_RUNTIME_OPTIONS: Required<RuntimeOptions> = {
  intraOpThreads: 0,
  optimization: 'all',
};

/** Translates our options into ORT's; the cache key below uses the same resolved values. */
export function sessionOptionsFor(options: RuntimeOptions = {}): ort.InferenceSession.SessionOptions {
  const resolved = { ...DEFAULT_RUNTIME_OPTIONS, ...options };
  const threads = resolved.intraOpThreads > 0 ? resolved.intraOpThreads : undefined;
  return {
    graphOptimizationLevel: resolved.optimization,
    // Sequential execution: our graphs are chains of large ops, inter-op parallelism only adds contention.
    executionMode: 'sequential',
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
  };
}

export function runtimeOptionsKey(options: RuntimeOptions = {}): string {
  const resolved = { ...DEFAULT_RUNTIME_OPTIONS, ...options };
  return `threads=${resolved.intraOpThreads};opt=${resolved.optimization}`;
}

/** Logical cores, for messages and benches. */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}
