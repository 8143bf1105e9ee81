// Starts training runs in engine worker processes (never in the extension host) and keeps one handle per run.
// The worker is detached with its output going to the run's worker.log, so it outlives a window reload; the new
// window re-attaches through the run directory. No vscode imports: tests drive this class in plain Node.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import {
  trainCancelRequest,
  trainEventNotification,
  trainInfoNotification,
  trainStartedNotification,
  trainStartRequest,
  workerResourcesNotification,
  workerTransportVariable,
} from '../../../contracts/src/worker/protocol';
import type { TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import { Emitter, type Disposable } from './emitter';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { isTerminal } from '../../../contracts/src/run/run-events';
import { listRunDirectories } from '../../../engine/src/run-folder/list-runs';
import { readAllEvents } from '../../../engine/src/run-folder/metrics-reader';
import { statusFromFiles } from '../../../engine/src/run-folder/run-state';
import { clearCancelRequest, readWorkerRecord, requestCancel, writeWorkerRecord, type WorkerRecord } from '../../../engine/src/run-folder/worker-files';
import { attachToRunDirectory, RunHandle } from './run-handle';

/** How to start a worker: in VS Code, the extension host's own executable run as Node plus dist/worker.js. */
export interface WorkerLaunch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface RunManagerOptions {
  launch: WorkerLaunch;
  /** How often a re-attached run's files are polled. */
  pollIntervalMs?: number;
}

export class RunManager implements Disposable {
  private readonly handles = new Map<string, RunHandle>();
  private readonly changeEmitter = new Emitter<RunHandle>();
  /** Fires when a run starts, is attached, or ends (the Runs view and status bar refresh on it). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly infoEmitter = new Emitter<{ runDir: string; message: string }>();
  /** The trainer's notes (device, data counts, output folders) for the output channel. */
  readonly onInfo = this.infoEmitter.event;

  constructor(private readonly options: RunManagerOptions) {}

  /** The handle of a run this manager knows, if any. */
  get(runDir: string): RunHandle | undefined {
    return this.handles.get(path.resolve(runDir));
  }

  running(): RunHandle[] {
    return [...this.handles.values()].filter((handle) => handle.status === 'running');
  }

  /**
   * Starts (or with resume, continues) the run whose directory is `arguments.out`, in a new worker process.
   * Resolves once the worker has accepted the arguments; rejects with the worker's message when it refuses them.
   */
  async start(args: TrainingArgumentsInput): Promise<RunHandle> {
    const runDir = path.resolve(args.out);
    const previous = this.handles.get(runDir);
    if (previous?.status === 'running') throw new Error(`${runDir}: a run is already going in this directory`);
    const worker = readWorkerRecord(runDir);
    if (worker && statusFromFiles(readAllEvents(runDir), worker).status === 'running') {
      throw new Error(`${runDir}: a run is already going in this directory (worker ${worker.pid})`);
    }
    const resume = args.resume ?? false;
    if (!resume && fs.existsSync(runFolderPath(runDir, 'info'))) {
      throw new Error(`${runDir} already holds a run: resume it or choose another folder`);
    }
    fs.mkdirSync(runDir, { recursive: true });
    clearCancelRequest(runDir);
    // A resumed run's dashboard shows its whole history: what was written before this worker starts.
    const history = resume ? readAllEvents(runDir) : [];

    const log = fs.openSync(runFolderPath(runDir, 'workerLog'), resume ? 'a' : 'w');
    const { command, args: launchArgs, env } = this.options.launch;
    const child = spawn(command, launchArgs, {
      detached: true,
      stdio: ['ignore', log, log, 'ipc'],
      env: { ...process.env, ...env, [workerTransportVariable]: 'ipc', ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    fs.closeSync(log);
    if (child.pid === undefined) {
      throw new Error(`could not start the engine worker (${command} ${launchArgs.join(' ')})`);
    }
    const record: WorkerRecord = { pid: child.pid, startedAt: new Date().toISOString(), resume };
    writeWorkerRecord(runDir, record);

    const handle = new RunHandle(runDir, history);
    if (resume) handle.resumedFromHistory();
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    let exited = false;
    connection.onNotification(trainEventNotification, (params) => handle.pushEvent(params.event));
    connection.onNotification(workerResourcesNotification, (params) => handle.setMemory(params.rssBytes));
    connection.onNotification(trainStartedNotification, (params) => handle.started(params));
    connection.onNotification(trainInfoNotification, (params) => this.infoEmitter.fire(params));
    connection.onError(() => {}); // a broken channel shows up as the process exit below
    connection.listen();
    child.on('exit', (code, signal) => {
      exited = true;
      connection.dispose();
      // Notifications sent just before exit are delivered before 'exit'; anything missing is read from the file.
      if (!handle.end) this.catchUpFromFile(handle);
      handle.workerExited(code, signal);
    });
    handle.cancelRequester = async () => {
      requestCancel(runDir); // works even when the channel is gone
      if (!exited) await connection.sendRequest(trainCancelRequest, { runDir }).catch(() => undefined);
    };
    handle.detacher = () => {
      if (!exited) {
        connection.dispose();
        if (child.connected) child.disconnect();
        child.unref();
      }
    };
    try {
      await connection.sendRequest(trainStartRequest, { arguments: { ...args, out: runDir } });
    } catch (error) {
      // Refused (bad arguments): closing the channel ends the idle worker; wait so nothing is left running.
      connection.dispose();
      if (child.connected) child.disconnect();
      await new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
      handle.dispose();
      throw new Error((error as Error).message);
    }
    this.track(handle); // only an accepted run is announced (status bar, Runs view, dashboards)
    return handle;
  }

  /** Follows a run found on disk (after a window reload): running ones live, finished ones as they ended. */
  attach(runDir: string): RunHandle {
    const resolved = path.resolve(runDir);
    const known = this.handles.get(resolved);
    if (known) return known;
    const handle = attachToRunDirectory(resolved, this.options.pollIntervalMs);
    this.track(handle);
    return handle;
  }

  /** Attaches to every run under root whose worker is still going; returns them. */
  reattachRunning(root: string): RunHandle[] {
    return listRunDirectories(root)
      .filter((dir) => readWorkerRecord(dir) !== undefined)
      .map((dir) => this.attach(dir))
      .filter((handle) => handle.status === 'running');
  }

  /** Forgets a finished run (before its directory is deleted). */
  forget(runDir: string): void {
    const handle = this.handles.get(path.resolve(runDir));
    if (handle?.status === 'running') throw new Error(`${runDir}: stop the run before deleting it`);
    handle?.dispose();
    this.handles.delete(path.resolve(runDir));
  }

  private track(handle: RunHandle): void {
    this.handles.get(handle.runDir)?.dispose();
    this.handles.set(handle.runDir, handle);
    this.changeEmitter.fire(handle);
    handle.onEnd(() => this.changeEmitter.fire(handle));
  }

  private catchUpFromFile(handle: RunHandle): void {
    const onDisk = readAllEvents(handle.runDir);
    const last = onDisk[onDisk.length - 1];
    if (last && last.type !== handle.events[handle.events.length - 1]?.type && isTerminal(last)) {
      handle.pushEvent(last);
    }
  }

  /** Detaches from every run; the runs themselves continue in their workers. */
  dispose(): void {
    for (const handle of this.handles.values()) handle.dispose();
    this.handles.clear();
    this.changeEmitter.dispose();
    this.infoEmitter.dispose();
  }
}
