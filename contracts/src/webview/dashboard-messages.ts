// The typed messages between the training dashboard webview and its panel host
// (extension/src/training/dashboard-panel.ts). Every message has a `type`; both sides import these types.
import type { RunEvent } from '../run/run-events';
import type { RunSnapshot } from '../run/run-snapshot';
import type { RunStatus } from '../run/run-status';

export type DashboardRunStatus = RunStatus;

export interface DashboardRun {
  name: string;
  runDir: string;
  status: DashboardRunStatus;
  /** The resolved training arguments (run.json `config`), shown as the run's configuration. */
  config: Record<string, unknown>;
  /** Values the trainer derived at start (run.json `resolved`: total steps, device, data counts…). */
  resolved: Record<string, unknown>;
}

export interface DashboardFailure {
  message: string;
  /** The worker's last output lines when it crashed. */
  logTail: string[];
}

export type HostToDashboard =
  /** The whole state: sent when the webview says it is ready (first load, or shown again after being hidden). */
  | { type: 'init'; run: DashboardRun; events: RunEvent[]; snapshot: RunSnapshot; failure?: DashboardFailure }
  /** Events appended since the last message, with the snapshot after them. */
  | { type: 'events'; events: RunEvent[]; snapshot: RunSnapshot }
  /** A status change (ended, resumed) or new figures that came without an event (memory). */
  | { type: 'status'; status: DashboardRunStatus; snapshot: RunSnapshot; failure?: DashboardFailure }
  /** Another run's loss curves to overlay (its step and eval events), or none to remove them. */
  | { type: 'compare'; name: string; events: RunEvent[] }
  | { type: 'compare'; name?: undefined; events?: undefined };

export type DashboardToHost =
  | { type: 'ready' }
  | { type: 'stop' }
  | { type: 'resume' }
  | { type: 'openFolder' }
  | { type: 'export' };

/** The part of the webview's state that VS Code keeps while the panel is hidden or the window reloads. */
export interface DashboardViewState {
  runDir: string;
  /** Whether the sample and configuration sections were open. */
  samplesOpen: boolean;
  configOpen: boolean;
  /** Whether the charts' step axis spans the planned total instead of the steps so far. */
  wholeRun?: boolean;
}
