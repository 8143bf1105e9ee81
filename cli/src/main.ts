// The `finetune` command line's entry: finds the subcommand (command-table.ts), runs it and turns its outcome into
// the exit code: the command's own, 2 for bad usage, 1 for a UserError (bad input), 70 for anything else (a bug).
import { UserError } from '../../contracts/src/user-error';
import { findCommand, usage } from './command-table';

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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Expected failures (bad input) throw UserError with a located message; anything else is a bug: show the stack.
    const isUser = error instanceof UserError;
    console.error(`finetune: ${isUser ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = isUser ? 1 : 70;
  },
);
