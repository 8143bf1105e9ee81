// Token-by-token generation over a KV-cache graph. One graph serves prefill and decode: its past keys/values have a
// symbolic length that is 0 for the prompt (measured no slower than a separate no-cache prefill graph; see README).
// Each step feeds the previous step's present keys/values back as the past.
import type * as ort from 'onnxruntime-node';
import { tensor } from '../graph';
import type { PeftAdapter } from '../adapters/peft';
import type { ModelFolder } from '../io/model-folder';
import { nonFiniteOutputError } from '../io/non-finite';
import { buildInferenceGraph } from '../models/from-folder';
import { NAMES } from '../models/types';
import { openGraphSession } from '../runtime/graph-session';
import { outcomeOf, type ConcreteDevice, type DeviceName, type DeviceOutcome } from '../runtime/devices';
import type { RuntimeOptions } from '../runtime/session-options';
import { Sampler, type SamplingOptions } from './sampling';
import { IncrementalDecoder, StopStringFilter, type DecodeFunction } from './text-stream';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens?: number;
  /** Seeds the sampler; the same seed, prompt and options give the same tokens. */
  seed?: number;
  /** Text that ends generation; it is not included in the output. */
  stopStrings?: string[];
  /** Token ids that end generation (EOS, end-of-turn); not included in the output. */
  stopTokenIds?: number[];
  signal?: AbortSignal;
}

export type FinishReason = 'stop-token' | 'stop-string' | 'max-new-tokens' | 'cancelled';

export interface GenerationSummary {
  tokens: number[];
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  /** Milliseconds for the prompt pass, and for the decode steps after it. */
  prefillMs: number;
  decodeMs: number;
}

export interface GeneratorOptions {
  adapter?: PeftAdapter;
  device?: DeviceName;
  runtime?: RuntimeOptions;
}

/** Logits of the last position for `ids` appended to the cache; returns the row and the grown cache. */
type Step = (ids: number[], past: ort.Tensor[] | undefined, totalLength: number) => Promise<{ logits: Float32Array; present: ort.Tensor[] }>;

export class Generator {
  private constructor(
    private readonly folder: ModelFolder,
    private readonly session: ort.InferenceSession,
    readonly outcome: DeviceOutcome,
    private readonly adapter: PeftAdapter | undefined,
  ) {}

  get device(): ConcreteDevice {
    return this.outcome.device;
  }

  static async create(folder: ModelFolder, options: GeneratorOptions = {}): Promise<Generator> {
    const { graph } = buildInferenceGraph(folder, { output: { kind: 'last-logits' }, kvCache: true, positionIds: 'input', adapter: options.adapter, name: 'decode' });
    const opened = await openGraphSession(graph, { device: options.device, runtime: options.runtime });
    return new Generator(folder, opened.session, outcomeOf(opened), options.adapter);
  }

  /** LongRoPE's original length, where its factors switch; undefined for every other RoPE. */
  private longropeSwitch(): number | undefined {
    const scaling = this.folder.config.ropeScaling;
    return scaling.type === 'longrope' ? scaling.originalMaxPositionEmbeddings : undefined;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private readonly step: Step = async (ids, past, totalLength) => {
    const { numLayers, numKvHeads, headDim } = this.folder.config;
    const pastLength = totalLength - ids.length;
    const feeds: Record<string, ort.Tensor> = {
      [NAMES.inputIds]: tensor('int64', [1, ids.length], ids),
      [NAMES.attentionMask]: tensor('int64', [1, totalLength], new BigInt64Array(totalLength).fill(1n)),
      [NAMES.positionIds]: tensor('int64', [1, ids.length], ids.map((_, i) => pastLength + i)),
    };
    for (let layer = 0; layer < numLayers; layer++) {
      const empty = () => tensor('float32', [1, numKvHeads, 0, headDim], new Float32Array(0));
      feeds[NAMES.pastKey(layer)] = past ? past[2 * layer] : empty();
      feeds[NAMES.pastValue(layer)] = past ? past[2 * layer + 1] : empty();
    }
    const out = await this.session.run(feeds);
    const present: ort.Tensor[] = [];
    for (let layer = 0; layer < numLayers; layer++) present.push(out[NAMES.presentKey(layer)], out[NAMES.presentValue(layer)]);
    return { logits: out[NAMES.logits].data as Float32Array, present };
  };

  /**
   * Streams the continuation of `promptIds` as text deltas; the generator's return value is the summary. Ends at a
   * stop token, a stop string, max new tokens, or when `signal` aborts (finishReason 'cancelled', no exception).
   */
  async *generate(promptIds: readonly number[], decode: DecodeFunction, options: GenerateOptions = {}): AsyncGenerator<string, GenerationSummary> {
    if (promptIds.length === 0) throw new RangeError('the prompt has no tokens');
    const maxNewTokens = options.maxNewTokens ?? 128;
    const sampler = new Sampler(options, options.seed);
    const stopIds = new Set(options.stopTokenIds ?? []);
    const decoder = new IncrementalDecoder(decode);
    const filter = new StopStringFilter(options.stopStrings ?? []);
    const sequence = [...promptIds];
    const generated: number[] = [];
    let text = '';
    let finishReason: FinishReason = 'max-new-tokens';
    let prefillMs = 0;
    let decodeMs = 0;
    let past: ort.Tensor[] | undefined;
    let pending: number[] = [...promptIds];
    const switchAt = this.longropeSwitch();

    while (generated.length < maxNewTokens) {
      if (options.signal?.aborted) {
        finishReason = 'cancelled';
        break;
      }
      // Phi-3 longrope: the factors switch once the sequence passes the original length, and keys cached with the
      // short ones would stay short-rotated; the whole sequence is encoded again with the long ones (once), so every
      // step equals a full recomputation (what transformers' Phi-3 generate means to do: it drops the cache there)
      if (past && switchAt !== undefined && sequence.length > switchAt && sequence.length - pending.length <= switchAt) {
        past = undefined;
        pending = [...sequence];
      }
      const started = performance.now();
      const { logits, present } = await this.step(pending, past, sequence.length);
      const elapsed = performance.now() - started;
      if (past === undefined) prefillMs = elapsed;
      else decodeMs += elapsed;
      past = present;
      // NaN logits sample token 0 forever: name the weight or config value behind them instead of printing junk.
      if (!logits.every(Number.isFinite)) throw nonFiniteOutputError(this.folder, this.adapter, 'the next-token distribution');
      const next = sampler.next(logits, sequence);
      if (stopIds.has(next)) {
        finishReason = 'stop-token';
        break;
      }
      sequence.push(next);
      generated.push(next);
      pending = [next];
      const delta = filter.push(decoder.push(next));
      if (delta.text) {
        text += delta.text;
        yield delta.text;
      }
      if (delta.stoppedBy !== undefined) {
        finishReason = 'stop-string';
        break;
      }
    }
    if (finishReason !== 'stop-string') {
      const rest = filter.push(decoder.flush());
      const tail = rest.stoppedBy !== undefined ? rest.text : rest.text + filter.flush();
      if (rest.stoppedBy !== undefined) finishReason = 'stop-string';
      if (tail) {
        text += tail;
        yield tail;
      }
    }
    return { tokens: generated, text, finishReason, promptTokens: promptIds.length, prefillMs, decodeMs };
  }
}
