// Generation and scoring in the engine worker: previews, base-vs-tuned comparisons and the playground ask for a reply
// (streamed token by token), "Score Dataset with Run" for per-example losses. Models and KV-cache sessions stay loaded
// between requests (building a session costs far more than a reply); one job runs at a time, the rest wait their turn.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationToken, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { readPeftAdapter, type PeftAdapter } from '../adapters/peft';
import { loadScoringFile, readScoringExamples } from '../evaluate/dataset';
import { scorePairs } from '../evaluate/preference';
import { tokenizePairs } from '../train/preference-data';
import { writeLossFile } from '../evaluate/loss-file';
import { scoreExamples, ScoringCancelled } from '../evaluate/per-example';
import { Generator, type GenerateOptions } from '../generate/generator';
import { validateSampling } from '../generate/sampling';
import { loadModelFolder, type ModelFolder } from '../io/model-folder';
import { describeDevice, type DeviceName } from '../runtime/devices';
import {
  evaluateProgressNotification,
  generateDeltaNotification,
  generateRequest,
  generateStartedNotification,
  generationWorkerVariable,
  jobCancelRequest,
  perExampleLossRequest,
  preferenceScoresRequest,
  type GenerateParams,
  type GenerateResult,
  type GenerateStartedParams,
  type ModelTarget,
  type PerExampleLossParams,
  type PerExampleLossResult,
  type PreferenceScoresParams,
  type PreferenceScoresResult,
} from '../../../contracts/src/worker/generation-protocol';
import { UserError } from '../../../contracts/src/user-error';

const invalidParamsCode = -32602;
const requestFailedCode = -32803;
/** Base and one tuned model stay warm: what a side-by-side comparison alternates between. */
const GENERATOR_CAPACITY = 2;

/** A file's identity for caching: a retrained adapter (new mtime) must not be served from the old session. */
function stamp(path: string): string {
  try {
    const stats = statSync(path);
    return `${stats.mtimeMs}:${stats.size}`;
  } catch {
    return 'missing';
  }
}

export class GenerationService {
  private readonly folders = new Map<string, { stamp: string; folder: ModelFolder }>();
  private readonly generators = new Map<string, Promise<Generator>>();
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs jobs one after another: two sessions computing at once would only slow both down. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private folder(dir: string): ModelFolder {
    const current = stamp(join(dir, 'config.json')) + stamp(join(dir, 'model.safetensors')) + stamp(join(dir, 'tokenizer.json'));
    const cached = this.folders.get(dir);
    if (cached?.stamp === current) return cached.folder;
    const folder = loadModelFolder(dir, { requireTokenizer: true });
    this.folders.set(dir, { stamp: current, folder });
    return folder;
  }

  private adapter(dir: string | undefined): PeftAdapter | undefined {
    return dir ? readPeftAdapter(dir) : undefined;
  }

  private async generator(target: ModelTarget, folder: ModelFolder): Promise<Generator> {
    const device: DeviceName = target.device ?? 'auto';
    const key = `${target.model}|${target.adapter ?? ''}|${target.adapter ? stamp(join(target.adapter, 'adapter_model.safetensors')) : ''}|${device}`;
    const cached = this.generators.get(key);
    if (cached) {
      this.generators.delete(key);
      this.generators.set(key, cached);
      return cached;
    }
    const created = Generator.create(folder, { adapter: this.adapter(target.adapter), device });
    this.generators.set(key, created);
    created.catch(() => this.generators.get(key) === created && this.generators.delete(key));
    while (this.generators.size > GENERATOR_CAPACITY) {
      const [oldestKey, oldest] = this.generators.entries().next().value as [string, Promise<Generator>];
      this.generators.delete(oldestKey);
      await oldest.then((generator) => generator.release()).catch(() => undefined);
    }
    return created;
  }

  generate(params: GenerateParams, hooks: { onStarted?: (started: GenerateStartedParams) => void; onDelta?: (text: string) => void; signal?: AbortSignal } = {}): Promise<GenerateResult> {
    return this.exclusive(async () => {
      if (!Array.isArray(params.turns) || params.turns.length === 0) throw new RangeError('turns must hold at least one turn');
      const folder = this.folder(params.model);
      const tokenizer = folder.tokenizer!;
      const options = generationOptions(params, folder);
      const turns = params.turns.map((turn) => ({ role: turn.role, content: turn.content, trained: false }));
      const promptIds = tokenizer.encode(tokenizer.renderChat(turns, { addGenerationPrompt: true }));
      if (promptIds.length === 0) throw new RangeError('the conversation renders to no tokens');
      const generator = await this.generator(params, folder);
      const deviceDescription = describeDevice(generator.outcome);
      hooks.onStarted?.({ requestId: params.requestId, device: generator.device, deviceDescription, promptTokens: promptIds.length });
      const stopTokenIds = [...new Set([...tokenizer.endOfTurnTokenIds, ...folder.generationConfig.eosTokenIds])];
      const decode = (ids: readonly number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
      const stream = generator.generate(promptIds, decode, { ...options, stopTokenIds, signal: hooks.signal });
      let next = await stream.next();
      while (!next.done) {
        hooks.onDelta?.(next.value);
        next = await stream.next();
      }
      const summary = next.value;
      const tokensPerSecond = summary.tokens.length > 1 && summary.decodeMs > 0 ? ((summary.tokens.length - 1) * 1000) / summary.decodeMs : 0;
      return {
        requestId: params.requestId,
        text: summary.text,
        finishReason: summary.finishReason,
        promptTokens: summary.promptTokens,
        generatedTokens: summary.tokens.length,
        device: generator.device,
        deviceDescription,
        prefillMs: summary.prefillMs,
        tokensPerSecond,
      };
    });
  }

  perExampleLoss(params: PerExampleLossParams, hooks: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<PerExampleLossResult> {
    return this.exclusive(async () => {
      const folder = this.folder(params.model);
      const data = await loadScoringFile(params.data, folder.tokenizer!, params.maxSeqLen ?? 512);
      const result = await scoreExamples(folder, data.examples, {
        adapter: this.adapter(params.adapter),
        device: params.device ?? 'auto',
        batchSize: params.batchSize,
        signal: hooks.signal,
        onProgress: hooks.onProgress,
      });
      if (params.out) writeLossFile(params.out, result.losses);
      return {
        requestId: params.requestId,
        losses: result.losses.filter((entry) => Number.isFinite(entry.loss)).map((entry) => [entry.line, entry.loss]),
        meanLoss: result.meanLoss,
        perplexity: result.perplexity,
        records: data.records,
        truncated: data.truncated,
        unparsed: data.unparsed,
        device: result.device.device,
        deviceDescription: describeDevice(result.device),
        out: params.out ?? null,
      };
    });
  }

  preferenceScores(params: PreferenceScoresParams, hooks: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<PreferenceScoresResult> {
    return this.exclusive(async () => {
      const folder = this.folder(params.model);
      const maxSeqLen = params.maxSeqLen ?? 512;
      const { examples } = await readScoringExamples(params.data, maxSeqLen);
      const wanted = params.lines ? new Set(params.lines) : undefined;
      const chosen = examples.filter((example) => example.preference && (!wanted || wanted.has(example.line)));
      const pairs = tokenizePairs(chosen, folder.tokenizer!, maxSeqLen, params.data).pairs;
      const result = await scorePairs(folder, pairs, { adapter: this.adapter(params.adapter), device: params.device ?? 'auto', batchSize: params.batchSize, signal: hooks.signal, onProgress: hooks.onProgress });
      return { requestId: params.requestId, pairs: result.scores, device: result.device.device, deviceDescription: describeDevice(result.device) };
    });
  }

  async dispose(): Promise<void> {
    const all = [...this.generators.values()];
    this.generators.clear();
    await Promise.all(all.map((entry) => entry.then((generator) => generator.release()).catch(() => undefined)));
  }
}

/** Request settings first, then generation_config.json, then greedy with 128 new tokens (as `finetune generate`). */
export function generationOptions(params: GenerateParams, folder: ModelFolder): GenerateOptions {
  const settings = params.settings ?? {};
  const config = folder.generationConfig;
  const sampling = settings.temperature !== undefined ? settings.temperature > 0 : config.doSample === true;
  const options: GenerateOptions = {
    temperature: sampling ? (settings.temperature ?? config.temperature ?? 1) : 0,
    topK: settings.topK ?? config.topK ?? 50,
    topP: settings.topP ?? config.topP ?? 1,
    repetitionPenalty: settings.repetitionPenalty ?? config.repetitionPenalty ?? 1,
    maxNewTokens: settings.maxNewTokens ?? config.maxNewTokens ?? 128,
    seed: settings.seed,
    stopStrings: (settings.stop ?? []).filter((stop) => stop.length > 0),
  };
  const problem = validateSampling(options) ?? (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens! < 1 ? `max new tokens must be a positive integer, got ${options.maxNewTokens}` : undefined);
  if (problem) throw new RangeError(problem);
  return options;
}

function asResponseError(error: unknown): ResponseError<void> {
  if (error instanceof ResponseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const badInput = error instanceof RangeError || error instanceof UserError;
  return new ResponseError(badInput ? invalidParamsCode : requestFailedCode, message);
}

/** Wires the service to a worker connection; call before `connection.listen()`. */
export function registerGeneration(connection: MessageConnection): GenerationService {
  const service = new GenerationService();
  const jobs = new Map<string, AbortController>();
  const track = (requestId: string, token: CancellationToken): AbortController => {
    if (typeof requestId !== 'string' || requestId === '') throw new ResponseError(invalidParamsCode, 'requestId must be a non-empty string');
    if (jobs.has(requestId)) throw new ResponseError(invalidParamsCode, `request ${requestId} is already running`);
    const controller = new AbortController();
    jobs.set(requestId, controller);
    token.onCancellationRequested(() => controller.abort());
    return controller;
  };
  // Notifications are best effort: a client that went away must not fail the job.
  const quietly = (sent: Promise<void>) => void sent.catch(() => undefined);

  connection.onRequest(generateRequest, async (params, token) => {
    const controller = track(params.requestId, token);
    try {
      return await service.generate(params, {
        signal: controller.signal,
        onStarted: (started) => quietly(connection.sendNotification(generateStartedNotification, started)),
        onDelta: (text) => quietly(connection.sendNotification(generateDeltaNotification, { requestId: params.requestId, text })),
      });
    } catch (error) {
      throw asResponseError(error);
    } finally {
      jobs.delete(params.requestId);
    }
  });

  /** A scoring job: `evaluate/progress` notifications as batches finish; a cancelled one rejects. */
  const scoring = <P extends { requestId: string }, R>(run: (params: P, hooks: { signal: AbortSignal; onProgress: (done: number, total: number) => void }) => Promise<R>) => async (params: P, token: CancellationToken): Promise<R> => {
    const controller = track(params.requestId, token);
    try {
      return await run(params, {
        signal: controller.signal,
        onProgress: (done, total) => quietly(connection.sendNotification(evaluateProgressNotification, { requestId: params.requestId, done, total })),
      });
    } catch (error) {
      throw error instanceof ScoringCancelled ? new ResponseError(requestFailedCode, error.message) : asResponseError(error);
    } finally {
      jobs.delete(params.requestId);
    }
  };
  connection.onRequest(perExampleLossRequest, scoring((params: PerExampleLossParams, hooks) => service.perExampleLoss(params, hooks)));
  connection.onRequest(preferenceScoresRequest, scoring((params: PreferenceScoresParams, hooks) => service.preferenceScores(params, hooks)));

  connection.onRequest(jobCancelRequest, (params) => {
    const job = jobs.get(params.requestId);
    job?.abort();
    return job !== undefined;
  });

  // A worker started only for generation has nothing to finish once its client is gone.
  if (process.env[generationWorkerVariable] === 'generation') {
    process.on('disconnect', () => void service.dispose().finally(() => process.exit(0)));
  }
  return service;
}
