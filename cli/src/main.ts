// The `finetune` command line: one subcommand per file under ./commands, registered in this table.
// Each command's `run` takes the arguments after its name and resolves to the process exit code.

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  lsp: async () => (await import('./commands/lsp')).command,
  lint: async () => (await import('./commands/lint')).command,
  'init-model': async () => (await import('./commands/init-model')).command,
  train: async () => (await import('./commands/train')).command,
  score: async () => (await import('./commands/score')).command,
  generate: async () => (await import('./commands/generate')).command,
  eval: async () => (await import('./commands/eval')).command,
  bench: async () => (await import('./commands/bench')).command,
  export: async () => (await import('./commands/export')).command,
  download: async () => (await import('./commands/download')).command,
  'export-recipe': async () => (await import('./commands/export-recipe')).command,
  'import-run': async () => (await import('./commands/import-run')).command,
};

function usage(): string {
  const lines = Object.keys(commands).sort().map((name) => `  finetune ${name}`);
  return ['usage: finetune <command> [options]', '', 'commands:', ...lines, '', 'Run `finetune <command> --help` for its options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    console.error(`finetune: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Expected failures (bad input) throw UserError with a located message; anything else is a bug: show the stack.
    const isUser = error instanceof Error && error.name === 'UserError';
    console.error(`finetune: ${isUser ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = isUser ? 1 : 70;
  },
);
