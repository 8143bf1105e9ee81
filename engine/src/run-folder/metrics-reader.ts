// Reads metrics.jsonl, from the start or incrementally while the run appends to it. Only whole lines count: an
// unfinished last line (a write in progress, or one a crash cut) waits for its newline, so a reader never acts on
// half an event. Lines that are not events are collected as located reasons, not thrown.
import { closeSync, openSync, readSync } from 'node:fs';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { checkRunEventLine } from '../../../contracts/src/run/run-event-check';
import type { RunEvent } from '../../../contracts/src/run/run-events';

export class MetricsReader {
  private offset = 0;
  private pending = '';
  private lineNumber = 0;
  /** `file:line: why` for each line that was not an event. */
  readonly errors: string[] = [];

  constructor(private readonly file: string) {}

  /** The events appended since the last call (all of them on the first); none while the file does not exist. */
  read(): RunEvent[] {
    const text = this.pending + this.readNewText();
    const lines = text.split('\n');
    this.pending = lines.pop() ?? ''; // an unfinished last line waits for its newline
    const events: RunEvent[] = [];
    for (const line of lines) {
      this.lineNumber++;
      const check = checkRunEventLine(line, `${this.file}:${this.lineNumber}`);
      if (check.kind === 'event') events.push(check.event);
      else if (check.kind === 'invalid') this.errors.push(check.reason);
    }
    return events;
  }

  private readNewText(): string {
    let handle: number;
    try {
      handle = openSync(this.file, 'r');
    } catch {
      return ''; // not written yet
    }
    const chunks: Buffer[] = [];
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const count = readSync(handle, buffer, 0, buffer.length, this.offset);
        if (count === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, count)));
        this.offset += count;
      }
    } finally {
      closeSync(handle);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** Every whole, valid event of the run folder at `runDir`. */
export function readAllEvents(runDir: string): RunEvent[] {
  return new MetricsReader(runFolderPath(runDir, 'metrics')).read();
}
