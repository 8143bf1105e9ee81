// An expected failure caused by the user's input (a bad file, a wrong flag): the CLI prints the message without a
// stack trace. Messages name the file, and the line or key, where there is one.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
