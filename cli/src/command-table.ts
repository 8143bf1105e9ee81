// The `finetune` subcommands by name, each loaded only when it runs (a command's imports cost start-up time).
import type { Command } from './command';

const COMMANDS: Record<string, () => Promise<Command>> = {
  lsp: async () => (await import('./commands/lsp')).command,
  lint: async () => (await import('./commands/lint')).command,
  'init-model': async () => (await import('./commands/init-model')).command,
  train: async () => (await import('./commands/train')).command,
  score: async () => (await import('./commands/score')).command,
  generate: async () => (await import('./commands/generate')).command,
  eval: async () => (await import('./commands/eval')).command,
  export: async () => (await import('./commands/export')).command,
  download: async () => (await import('./commands/download')).command,
  'export-recipe': async () => (await import('./commands/export-recipe')).command,
  'import-run': async () => (await import('./commands/import-run')).command,
};

/** The command called `name`, or undefined for an unknown one (a prototype name such as `constructor` included). */
export function findCommand(name: string): (() => Promise<Command>) | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

export function usage(): string {
  const lines = Object.keys(COMMANDS).sort().map((name) => `  finetune ${name}`);
  return ['usage: finetune <command> [options]', '', 'commands:', ...lines, '', 'Run `finetune <command> --help` for its options.'].join('\n');
}
