// How a `finetune` process ends (the CLI's entry, and the bench's, which reports the same way): the command's own
// exit code; 1 and one `finetune: …` line for a UserError (bad input); 70 and the stack for anything else (a bug).
import { UserError } from '../../contracts/src/user-error';

export function exitWith(outcome: Promise<number>): void {
  outcome.then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const isUser = error instanceof UserError;
      console.error(`finetune: ${isUser ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = isUser ? 1 : 70;
    },
  );
}
