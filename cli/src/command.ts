// What a `finetune` subcommand is. Each lives in commands/<name>.ts and is listed in command-table.ts; this type has
// a file of its own so that commands and the table both import it and neither imports the other.
export interface Command {
  /** One line: what the command does. */
  summary: string;
  /** Takes the arguments after the command's name and resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
