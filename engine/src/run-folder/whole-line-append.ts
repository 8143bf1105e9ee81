// Appending one line to metrics.jsonl so that the file only ever holds whole lines: the line goes out in one write,
// and a short or failed write (the disk filled up mid-line) is truncated back to where the line started. Readers
// (the dashboard, --resume) then never meet a torn last line, and the next append starts on a line of its own.
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export function appendWholeLine(path: string, line: string): void {
  const bytes = Buffer.from(line, 'utf8');
  const fd = openSync(path, 'a');
  try {
    const start = fstatSync(fd).size;
    try {
      let written = writeSync(fd, bytes);
      // A short write leaves room to try the rest once more: it fails with the reason (ENOSPC) or completes the line.
      while (written < bytes.length) {
        const more = writeSync(fd, bytes, written);
        if (more === 0) throw Object.assign(new Error(`${path}: write made no progress`), { code: 'ENOSPC' });
        written += more;
      }
    } catch (error) {
      try {
        ftruncateSync(fd, start);
      } catch {
        // Not a regular file (e.g. /dev/full): there is nothing to take back.
      }
      throw error;
    }
  } finally {
    closeSync(fd);
  }
}
