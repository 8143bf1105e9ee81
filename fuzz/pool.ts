// Runs inputs in a child process (child.ts) with a time limit and a heap cap. One child serves many inputs (starting
// Node with tsx takes a second or two); it is replaced after a crash, a timeout, or RECYCLE_AFTER inputs, so state
// kept by one input cannot pile up for long. `fresh: true` runs one input in a new child: how a failure is confirmed.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildRequest } from './child';
import type { TargetContext, Verdict } from './target';

const RECYCLE_AFTER = 200;
const STDERR_TAIL = 4000;

export interface PoolOptions {
  timeoutMs: number;
  /** --max-old-space-size of the child: an input that needs more is a crash (V8 reports a fatal error). */
  memoryMB: number;
}

export type Outcome = Verdict | { kind: 'timeout'; detail: string };

export class ChildPool {
  private child: ChildProcess | null = null;
  private stderr = '';
  private served = 0;
  /** The children's TMPDIR: what a killed check leaves behind goes when the pool closes. */
  private readonly scratch = mkdtempSync(join(tmpdir(), 'finetune-fuzz-'));

  constructor(private readonly options: PoolOptions) {}

  /** Stops the child and removes the children's temporary files. */
  close(): void {
    this.stop();
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** Runs one input; `timeoutMs` raises the pool's limit for a target that needs more (a server process per input). */
  async run(target: string, input: Buffer, context: TargetContext, fresh = false, timeoutMs = 0): Promise<Outcome> {
    const limit = Math.max(timeoutMs, this.options.timeoutMs);
    if (fresh || this.served >= RECYCLE_AFTER) this.stop();
    const child = this.child ?? this.start();
    this.served++;
    const request: ChildRequest = { target, input: input.toString('base64'), context };
    return new Promise<Outcome>((resolve) => {
      const done = (outcome: Outcome): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (outcome.kind === 'crash' || outcome.kind === 'timeout') this.stop();
        resolve(outcome);
      };
      const onMessage = (verdict: Verdict): void => done(verdict);
      const onExit = (code: number | null, signal: string | null): void => {
        this.child = null;
        done({ kind: 'crash', detail: `the child process died (exit code ${code}, signal ${signal})\n${this.stderr.slice(-STDERR_TAIL)}` });
      };
      const timer = setTimeout(() => done({ kind: 'timeout', detail: `no verdict within ${limit} ms (hang, or far too slow)` }), limit);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(request);
    });
  }

  /** Kills the child and everything it started (its own process group: an LSP server it spawned goes too). */
  stop(): void {
    const child = this.child;
    this.child = null;
    this.served = 0;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  private start(): ChildProcess {
    this.stderr = '';
    const child = fork(join(__dirname, 'child.ts'), [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${this.options.memoryMB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true, // its own process group, killed whole by stop()
      env: { ...process.env, TMPDIR: this.scratch },
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL)));
    this.child = child;
    return child;
  }
}
