// Runs the bundled `finetune` CLI (dist/cli.js) in a child process on the extension host's own runtime as plain
// Node, so merging weights or downloading gigabytes never blocks the extension host. No vscode imports.
import { spawn } from 'node:child_process';

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr lines that were not consumed as progress. */
  messages: string[];
  cancelled: boolean;
}

export interface CliRun {
  pid: number | undefined;
  done: Promise<CliOutcome>;
  /** SIGTERM: the download CLI stops and keeps its `.part` files; an export leaves its temporary folder. */
  cancel(): void;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Each stderr line; return true when consumed (progress), false to keep it for the error message. */
  onStderrLine?: (line: string) => boolean;
}

export function runCli(cliPath: string, args: string[], options: CliOptions = {}): CliRun {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let cancelled = false;
  let stdout = '';
  let pending = '';
  const messages: string[] = [];
  const takeLine = (line: string) => {
    if (line && !options.onStderrLine?.(line)) messages.push(line);
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(takeLine);
  });
  const done = new Promise<CliOutcome>((resolve) => {
    child.on('error', (error) => {
      messages.push(`could not start ${cliPath}: ${error.message}`);
      resolve({ code: null, signal: null, stdout, messages, cancelled });
    });
    child.on('close', (code, signal) => {
      takeLine(pending);
      resolve({ code, signal, stdout, messages, cancelled });
    });
  });
  return {
    pid: child.pid,
    done,
    cancel() {
      cancelled = true;
      child.kill('SIGTERM');
    },
  };
}

/** The CLI's own error message (its `finetune: ` prefix removed), for a notification. */
export function failureMessage(outcome: CliOutcome): string {
  const text = outcome.messages.map((line) => line.replace(/^finetune: /, '')).join('\n').trim();
  return text || `the finetune CLI exited with ${outcome.signal ?? `code ${outcome.code}`}`;
}
