// The engine worker: a Node process that runs one training run for the extension (or any JSON-RPC client), so heavy
// work never blocks the extension host. Protocol in contracts/src/worker/protocol.ts. The run survives its client: when the IPC channel
// closes (window reload) training goes on, events still land in metrics.jsonl, and a `cancel.request` file in the run
// directory (or SIGTERM/SIGINT) stops it cleanly at the next step with a checkpoint.
import { resolve } from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError } from 'vscode-jsonrpc/node';
import { resolveTrainingArguments } from '../../../contracts/src/training-arguments';
import { isCancelRequested } from '../run-folder/worker-files';
import { train } from '../train/loop';
import { registerGeneration } from './generation';
import {
  trainCancelRequest,
  trainEventNotification,
  trainInfoNotification,
  trainStartedNotification,
  trainStartRequest,
  workerResourcesNotification,
  workerTransportVariable,
} from '../../../contracts/src/worker/protocol';

const cancelPollMs = 250;
const resourcesEveryMs = 2000;
const invalidParamsCode = -32602;

function fail(message: string): never {
  console.error(`finetune worker: ${message}`);
  process.exit(2);
}

if (process.env[workerTransportVariable] !== 'ipc' || typeof process.send !== 'function') {
  fail(`start me with an IPC channel and ${workerTransportVariable}=ipc (the extension's run manager does)`);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
let connected = true;
let current: { runDir: string; controller: AbortController } | undefined;

connection.onClose(() => (connected = false));
connection.onError(() => (connected = false));
// A worker without a run has nothing to do once its client is gone (a refused start, a closed window).
process.on('disconnect', () => {
  connected = false;
  if (!current) process.exit(0);
});

// Notifications are best effort: a client that went away must not stop the run.
async function notify(send: () => Promise<void>): Promise<void> {
  if (!connected) return;
  try {
    await send();
  } catch {
    connected = false;
  }
}

connection.onRequest(trainStartRequest, async (params) => {
  if (current) throw new ResponseError(invalidParamsCode, `a run is already going in this worker (${current.runDir})`);
  let args;
  try {
    args = resolveTrainingArguments([params.arguments as Record<string, unknown>], 'run configuration');
  } catch (error) {
    throw new ResponseError(invalidParamsCode, (error as Error).message); // the client then closes the channel
  }
  const runDir = resolve(args.out);
  const controller = new AbortController();
  current = { runDir, controller };
  void runTraining({ ...args, out: runDir }, controller);
  return { runDir, pid: process.pid };
});

connection.onRequest(trainCancelRequest, (params) => {
  if (current && resolve(params.runDir) === current.runDir) current.controller.abort();
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => current?.controller.abort());

async function runTraining(args: Parameters<typeof train>[0], controller: AbortController): Promise<void> {
  const runDir = args.out;
  const cancelPoll = setInterval(() => isCancelRequested(runDir) && controller.abort(), cancelPollMs);
  const resources = setInterval(() => {
    const memory = process.memoryUsage();
    void notify(() => connection.sendNotification(workerResourcesNotification, { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }));
  }, resourcesEveryMs);
  const pending: Promise<void>[] = [];
  let exitCode = 0;
  try {
    await train(args, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'error') exitCode = 1;
        pending.push(notify(() => connection.sendNotification(trainEventNotification, { runDir, event })));
      },
      onInfo: (message) => {
        console.log(message); // worker.log keeps the notes of a run whose window went away
        pending.push(notify(() => connection.sendNotification(trainInfoNotification, { runDir, message })));
      },
      onStart: (started) => {
        pending.push(notify(() => connection.sendNotification(trainStartedNotification, { runDir, ...started })));
      },
    });
  } catch (error) {
    // The trainer has already written an `error` event where it could; the stack goes to worker.log for the report.
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    exitCode = 1;
  } finally {
    clearInterval(cancelPoll);
    clearInterval(resources);
  }
  await Promise.all(pending);
  connection.dispose();
  process.exit(exitCode);
}

registerGeneration(connection); // generate/…, evaluate/… requests (./generation-protocol.ts)
connection.listen();
