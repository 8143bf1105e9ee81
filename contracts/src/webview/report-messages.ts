// Messages between the dataset report panel's host (extension/src/report) and its webview, typed by `type`.
// Both sides import this file, so a renamed field breaks the build instead of the panel.
import type { DatasetReport } from '../dataset-types';

export type HostToWebview =
  | { type: 'loading'; fileName: string }
  | { type: 'report'; fileName: string; report: DatasetReport }
  | { type: 'error'; fileName: string; message: string };

export type WebviewToHost =
  /** The webview's script ran and listens: send the report. */
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Reveal a 0-based line of the dataset in its editor. */
  | { type: 'revealLine'; line: number };

/** What the webview keeps through `vscode.setState`, so a hidden and re-shown panel paints at once. */
export interface ReportViewState {
  fileName: string;
  report: DatasetReport | null;
}
