// Download progress: bytes done of the total, the rate over the last few seconds, and the time left. The numbers
// come from one tracker; the CLI prints them as a redrawn line on a terminal, as plain lines in a log, or as JSON
// lines for the extension (which turns them into its progress notification).
import { formatDuration } from '../../../contracts/src/format-duration';

export interface DownloadProgress {
  file: string;
  done: number;
  total: number;
  /** Bytes per second over the recent window; 0 before there is a sample. */
  rate: number;
  /** Seconds left at that rate; undefined while unknown. */
  etaSeconds: number | undefined;
}

const WINDOW_MS = 5000;

export class ProgressTracker {
  private done = 0;
  private file = '';
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(private total: number, private readonly now: () => number = () => performance.now()) {}

  setTotal(total: number): void {
    this.total = total;
  }

  setFile(file: string): void {
    this.file = file;
  }

  /** Bytes landed (negative when a restarted file discards what it had). */
  add(count: number, countsTowardsRate = true): void {
    this.done += count;
    const at = this.now();
    if (!countsTowardsRate) {
      for (const sample of this.samples) sample.done += count; // resumed bytes are not speed
    }
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && at - this.samples[1].at > WINDOW_MS) this.samples.shift();
  }

  snapshot(): DownloadProgress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = first && last ? (last.at - first.at) / 1000 : 0;
    const rate = seconds > 0.2 ? Math.max(0, (last.done - first.done) / seconds) : 0;
    const left = Math.max(0, this.total - this.done);
    return { file: this.file, done: this.done, total: this.total, rate, etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined };
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** `412.3 MB / 988.0 MB  41.7%  23.4 MB/s  ETA 0:25  model.safetensors` */
export function formatProgress(progress: DownloadProgress): string {
  const percent = progress.total > 0 ? ((100 * progress.done) / progress.total).toFixed(1) : '0.0';
  return `${formatBytes(progress.done)} / ${formatBytes(progress.total)}  ${percent}%  ${formatBytes(progress.rate)}/s  ETA ${formatDuration(progress.etaSeconds === undefined ? undefined : progress.etaSeconds * 1000, 'clock')}  ${progress.file}`;
}
