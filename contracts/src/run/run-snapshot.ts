// A run's key figures folded from its events: what the status bar, the Runs view and the dashboard header show.
// Pure and browser-safe (type imports only), so the dashboard webview folds events with the same code.
import type { PreferenceMetrics, RunEvent } from './run-events';
import type { EndStatus } from './run-status';
import { preferenceMetricsOf } from './run-objective';

export interface RunSnapshot {
  step: number;
  totalSteps?: number;
  loss?: number;
  evalLoss?: number;
  bestEvalLoss?: number;
  lr?: number;
  tokens: number;
  tokensPerSecond?: number;
  elapsedMs: number;
  etaMs?: number;
  device?: string;
  /** The device line with why better devices were skipped (shown as a tooltip). */
  deviceDescription?: string;
  memoryBytes?: number;
  /** `--objective dpo`: the last step's rewards, margin and accuracy (absent for sft runs). */
  preference?: PreferenceMetrics;
  /** `--objective dpo`: the last eval's. */
  evalPreference?: PreferenceMetrics;
  ended?: EndStatus;
  errorMessage?: string;
}

export function emptySnapshot(): RunSnapshot {
  return { step: 0, tokens: 0, elapsedMs: 0 };
}

/** Folds one event into the snapshot (mutates and returns it, so a live stream costs nothing per event). */
export function foldEvent(snapshot: RunSnapshot, event: RunEvent): RunSnapshot {
  switch (event.type) {
    case 'step':
      snapshot.step = event.step;
      snapshot.loss = event.loss;
      snapshot.lr = event.lr;
      snapshot.tokens = event.tokens;
      snapshot.tokensPerSecond = event.tokensPerSecond;
      snapshot.elapsedMs = event.elapsedMs;
      snapshot.etaMs = estimateRemainingMs(snapshot);
      snapshot.preference = preferenceMetricsOf(event) ?? snapshot.preference;
      break;
    case 'eval':
      snapshot.evalLoss = event.loss;
      snapshot.evalPreference = preferenceMetricsOf(event) ?? snapshot.evalPreference;
      snapshot.bestEvalLoss = snapshot.bestEvalLoss === undefined ? event.loss : Math.min(snapshot.bestEvalLoss, event.loss);
      break;
    case 'sample':
      break;
    case 'done':
    case 'cancelled':
      snapshot.step = event.step;
      snapshot.ended = event.type;
      snapshot.etaMs = undefined;
      break;
    case 'error':
      snapshot.ended = 'error';
      snapshot.errorMessage = event.message;
      snapshot.etaMs = undefined;
      break;
  }
  return snapshot;
}

export function snapshotOf(events: readonly RunEvent[]): RunSnapshot {
  return events.reduce(foldEvent, emptySnapshot());
}

/** What the trainer resolved at start (run.json `resolved`): the total step count and the device actually used. */
export function applyResolved(snapshot: RunSnapshot, resolved: { totalSteps?: unknown; device?: unknown; adapter?: unknown; deviceDescription?: unknown } | undefined): RunSnapshot {
  if (typeof resolved?.totalSteps === 'number') snapshot.totalSteps = resolved.totalSteps;
  // A GPU device is shown with its adapter ("webgpu (Vulkan: NVIDIA)"): a software one is worth noticing.
  if (typeof resolved?.device === 'string') snapshot.device = typeof resolved.adapter === 'string' ? `${resolved.device} (${resolved.adapter})` : resolved.device;
  if (typeof resolved?.deviceDescription === 'string') snapshot.deviceDescription = resolved.deviceDescription;
  snapshot.etaMs = snapshot.ended ? undefined : estimateRemainingMs(snapshot);
  return snapshot;
}

// Average time per step so far times the steps left; undefined until there is a rate and a known total.
function estimateRemainingMs(snapshot: RunSnapshot): number | undefined {
  if (!snapshot.totalSteps || snapshot.step <= 0 || snapshot.elapsedMs <= 0) return undefined;
  return Math.max(0, ((snapshot.totalSteps - snapshot.step) * snapshot.elapsedMs) / snapshot.step);
}

export function formatLoss(loss: number | undefined): string {
  return loss === undefined ? '–' : loss.toFixed(4);
}
