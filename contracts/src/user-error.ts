// An expected failure caused by the user's input (a bad file, a wrong flag): the CLI prints the message without a
// stack trace. Messages name the file, and the line or key, where there is one.
const ESCAPED_LINE_BREAKS: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export class UserError extends Error {
  constructor(message: string) {
    // one line, always: a message that quotes a bad file (JSON.parse's excerpt of a header, say) may hold line breaks
    super(message.replace(/[\n\r\u2028\u2029]/g, (lineBreak) => ESCAPED_LINE_BREAKS[lineBreak]));
    this.name = 'UserError';
  }
}
