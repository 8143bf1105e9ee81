// A small LRU of onnxruntime sessions. Building a graph and creating a session costs far more than one forward, so
// a long-lived process (the engine worker, the playground) keeps sessions keyed by what they were built from.
import type * as ort from 'onnxruntime-node';
import type { Graph } from '../graph';
import type { DeviceName, DeviceSession } from './devices';
import { openGraphSession } from './graph-session';
import { runtimeOptionsKey, type RuntimeOptions } from './session-options';

export interface SessionRequest {
  /** Identifies the graph: e.g. `${modelDir}|${adapterDir}|decode`. Two requests with one key must build one graph. */
  key: string;
  device: DeviceName;
  runtime?: RuntimeOptions;
  /** Builds the graph; called only on a cache miss. */
  build: () => Graph | Promise<Graph>;
}

export class SessionCache {
  private readonly entries = new Map<string, Promise<DeviceSession>>();

  constructor(private readonly capacity = 4) {}

  async get(request: SessionRequest): Promise<DeviceSession> {
    const key = `${request.key}|${request.device}|${runtimeOptionsKey(request.runtime)}`;
    const cached = this.entries.get(key);
    if (cached) {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const created = (async () => openGraphSession(await request.build(), { device: request.device, runtime: request.runtime }))();
    this.entries.set(key, created);
    // A failed creation must not poison the cache: the next call retries.
    created.catch(() => {
      if (this.entries.get(key) === created) this.entries.delete(key);
    });
    await this.evict();
    return created;
  }

  get size(): number {
    return this.entries.size;
  }

  private async evict(): Promise<void> {
    while (this.entries.size > this.capacity) {
      const oldestKey = this.entries.keys().next().value as string;
      const oldest = this.entries.get(oldestKey);
      this.entries.delete(oldestKey);
      await releaseQuietly(oldest);
    }
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map(releaseQuietly));
  }
}

async function releaseQuietly(entry: Promise<DeviceSession> | undefined): Promise<void> {
  if (!entry) return;
  try {
    const { session } = await entry;
    await (session as ort.InferenceSession).release();
  } catch {
    // Creation failed earlier: nothing to release.
  }
}
