// The `finetune` command line's entry: finds the subcommand (command-table.ts) and runs it; exit-with.ts turns the
// outcome into the exit code (2 here for bad usage).
import { findCommand, usage } from './command-table';
import { exitWith } from './exit-with';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = findCommand(name);
  if (!load) {
    console.error(`finetune: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

exitWith(main(process.argv.slice(2)));
