// Typed messages between the playground webview and its panel host (extension/src/preview/playground-panel.ts), and
// the view state VS Code keeps while the panel is hidden or the window reloads.
export type PlaygroundRole = 'system' | 'user' | 'assistant';

export interface PlaygroundTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface PlaygroundModel {
  id: string;
  label: string;
  description: string;
}

export interface PlaygroundSettings {
  temperature: number;
  topP: number;
  maxNewTokens: number;
  /** Stop strings, one per entry. */
  stop: string[];
}

export interface PlaygroundViewState {
  modelId?: string;
  system: string;
  turns: PlaygroundTurn[];
  settings: PlaygroundSettings;
  draft: string;
}

export const DEFAULT_PLAYGROUND_SETTINGS: PlaygroundSettings = { temperature: 0.7, topP: 0.95, maxNewTokens: 256, stop: [] };

export type HostToPlayground =
  | { type: 'models'; models: PlaygroundModel[]; selected?: string }
  | { type: 'started'; id: string; deviceDescription: string }
  | { type: 'delta'; id: string; text: string }
  | { type: 'done'; id: string; finishReason: string; generatedTokens: number; tokensPerSecond: number; device: string }
  | { type: 'failed'; id: string; message: string }
  /** The exchange was appended to a dataset (1-based line). */
  | { type: 'copied'; file: string; line: number }
  | { type: 'copyFailed'; message: string };

export type PlaygroundToHost =
  | { type: 'ready' }
  | { type: 'send'; id: string; modelId: string; system: string; turns: PlaygroundTurn[]; settings: PlaygroundSettings }
  | { type: 'stop'; id: string }
  | { type: 'copyToDataset'; system: string; turns: PlaygroundTurn[] }
  | { type: 'selectModel'; modelId: string };
