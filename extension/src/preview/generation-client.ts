// The extension's side of the engine worker's generation methods: one long-lived worker process for previews,
// comparisons, the playground and dataset scoring (training runs have their own workers). Started on first use,
// restarted after a crash, stopped on dispose. No vscode imports: tests drive it in plain Node against a real worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
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
  type PerExampleLossParams,
  type PerExampleLossResult,
  type PreferenceScoresParams,
  type PreferenceScoresResult,
} from '../../../contracts/src/worker/generation-protocol';
import { workerTransportVariable } from '../../../contracts/src/worker/protocol';

export interface WorkerLaunch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface GenerateHooks {
  onStarted?: (started: GenerateStartedParams) => void;
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export interface ScoreHooks {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

interface Listener {
  onStarted?: (started: GenerateStartedParams) => void;
  onDelta?: (text: string) => void;
  onProgress?: (done: number, total: number) => void;
}

let nextRequest = 0;

export class GenerationClient {
  private worker: { child: ChildProcess; connection: MessageConnection; exited: Promise<void> } | undefined;
  private readonly listeners = new Map<string, Listener>();
  private disposed = false;

  constructor(
    private readonly launch: WorkerLaunch,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** The worker's pid while it runs (tests and the output channel use it). */
  get pid(): number | undefined {
    return this.worker?.child.pid;
  }

  private connect(): MessageConnection {
    if (this.disposed) throw new Error('the generation worker has been shut down');
    if (this.worker) return this.worker.connection;
    const child = spawn(this.launch.command, this.launch.args, {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...this.launch.env, [workerTransportVariable]: 'ipc', [generationWorkerVariable]: 'generation', ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    child.stdout?.on('data', (chunk: Buffer) => this.log(chunk.toString('utf8').trimEnd()));
    child.stderr?.on('data', (chunk: Buffer) => this.log(chunk.toString('utf8').trimEnd()));
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onNotification(generateStartedNotification, (params) => this.listeners.get(params.requestId)?.onStarted?.(params));
    connection.onNotification(generateDeltaNotification, (params) => this.listeners.get(params.requestId)?.onDelta?.(params.text));
    connection.onNotification(evaluateProgressNotification, (params) => this.listeners.get(params.requestId)?.onProgress?.(params.done, params.total));
    connection.onError(() => {}); // a broken channel shows up as the exit below
    connection.listen();
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        connection.dispose();
        if (this.worker?.child === child) this.worker = undefined;
        if (!this.disposed) this.log(`generation worker exited (${signal ?? `code ${code}`}); it restarts on the next request`);
        resolve();
      }),
    );
    this.worker = { child, connection, exited };
    this.log(`generation worker started (pid ${child.pid})`);
    return connection;
  }

  /** Runs `send` as one job with its own id; an abort asks the worker to stop it (and rejects if it was queued). */
  private async job<T>(listener: Listener, signal: AbortSignal | undefined, send: (connection: MessageConnection, requestId: string) => Promise<T>): Promise<T> {
    const connection = this.connect();
    const requestId = `r${process.pid}-${++nextRequest}`;
    this.listeners.set(requestId, listener);
    const onAbort = () => void connection.sendRequest(jobCancelRequest, { requestId }).catch(() => undefined);
    signal?.addEventListener('abort', onAbort);
    try {
      if (signal?.aborted) onAbort();
      const exited = this.worker!.exited.then(() => {
        throw new Error('the engine worker stopped while working (see the Fine-Tune output for its log)');
      });
      return await Promise.race([send(connection, requestId), exited]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.listeners.delete(requestId);
    }
  }

  /** Generates a reply; deltas stream to hooks.onDelta; an abort ends it early with finishReason 'cancelled'. */
  generate(params: Omit<GenerateParams, 'requestId'>, hooks: GenerateHooks = {}): Promise<GenerateResult> {
    return this.job({ onStarted: hooks.onStarted, onDelta: hooks.onDelta }, hooks.signal, (connection, requestId) => connection.sendRequest(generateRequest, { ...params, requestId }));
  }

  /** Each record's mean token loss; rejects when aborted. */
  perExampleLoss(params: Omit<PerExampleLossParams, 'requestId'>, hooks: ScoreHooks = {}): Promise<PerExampleLossResult> {
    return this.job({ onProgress: hooks.onProgress }, hooks.signal, (connection, requestId) => connection.sendRequest(perExampleLossRequest, { ...params, requestId }));
  }

  /** Both sides' completion log-probs of each preference pair; rejects when aborted. */
  preferenceScores(params: Omit<PreferenceScoresParams, 'requestId'>, hooks: ScoreHooks = {}): Promise<PreferenceScoresResult> {
    return this.job({ onProgress: hooks.onProgress }, hooks.signal, (connection, requestId) => connection.sendRequest(preferenceScoresRequest, { ...params, requestId }));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    if (!worker) return;
    // Closing the channel makes a generation worker exit by itself; the kill is the fallback.
    worker.connection.dispose();
    if (worker.child.connected) worker.child.disconnect();
    const timer = setTimeout(() => worker.child.kill(), 3000);
    await worker.exited;
    clearTimeout(timer);
  }
}
