// Terminal progress for `finetune train`: a redrawn bar on a TTY (step, loss, tok/s, ETA), plain lines otherwise
// (logs, CI, the extension's output channel), so the same events read well in both.
import { formatDuration } from '../../../contracts/src/format-duration';
import type { PreferenceMetrics, RunEvent } from '../../../contracts/src/run/run-events';

/** dpo: `  margin 0.412  acc 75%` after the loss (TRL's rewards/margins and rewards/accuracies); '' otherwise. */
function preferenceFigures(event: PreferenceMetrics): string {
  if (event.margin === undefined || event.accuracy === undefined) return '';
  return `  margin ${event.margin.toFixed(3)}  acc ${Math.round(event.accuracy * 100)}%`;
}

export interface ProgressWriter {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  private barShown = false;
  private startStep: number | null = null;
  private startMs = 0;

  constructor(
    private readonly out: ProgressWriter,
    private readonly totalSteps: number,
  ) {}

  private clearBar(): void {
    if (this.barShown) this.out.write('\r\x1b[2K');
    this.barShown = false;
  }

  /** A note printed above the bar. */
  info(message: string): void {
    this.clearBar();
    this.out.write(`${message}\n`);
  }

  event(event: RunEvent): void {
    switch (event.type) {
      case 'step': {
        if (this.startStep === null) {
          this.startStep = event.step - 1;
          this.startMs = event.elapsedMs;
        }
        const done = event.step - this.startStep;
        const msPerStep = (event.elapsedMs - this.startMs) / Math.max(1, done);
        const eta = formatDuration(msPerStep * (this.totalSteps - event.step), 'clock');
        const figures = `step ${event.step}/${this.totalSteps}  loss ${event.loss.toFixed(4)}${preferenceFigures(event)}  lr ${event.lr.toExponential(2)}  ${event.tokensPerSecond} tok/s  ETA ${eta}`;
        if (this.out.isTTY) {
          const width = Math.max(10, Math.min(30, (this.out.columns ?? 100) - figures.length - 4));
          const filled = Math.round((width * event.step) / this.totalSteps);
          this.out.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures}`);
          this.barShown = true;
        } else {
          this.out.write(`${figures}\n`);
        }
        return;
      }
      case 'eval':
        return this.info(`eval  step ${event.step}  loss ${event.loss.toFixed(4)}${preferenceFigures(event)}  (${event.tokens} tokens)`);
      case 'sample':
        return this.info(`sample at step ${event.step}: ${JSON.stringify(event.prompt)} → ${JSON.stringify(event.completion)}`);
      case 'done':
        return this.info(`done: ${event.step} steps in ${formatDuration(event.elapsedMs, 'clock')}${event.loss !== undefined ? `, last loss ${event.loss.toFixed(4)}` : ''}${event.evalLoss !== undefined ? `, eval loss ${event.evalLoss.toFixed(4)}` : ''}`);
      case 'error':
        return this.info(`error at step ${event.step}: ${event.message}${event.checkpoint ? ` (last good checkpoint: ${event.checkpoint})` : ''}`);
      case 'cancelled':
        return this.info(`cancelled at step ${event.step}${event.checkpoint ? `; resume from ${event.checkpoint} with --resume` : ''}`);
    }
  }
}
