// An expected failure caused by the user's input (a bad file, a wrong flag): the CLI prints the message without a
// stack trace. Messages name the file, and the line or key, where there is one; `code` says what kind of input was
// wrong, so callers and tests branch on it rather than on English wording.
const ESCAPED_LINE_BREAKS: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export type UserErrorCode =
  /** a command-line flag or argument: missing, unknown or out of range */
  | 'bad-flag'
  /** a file or folder the user named: missing, unreadable, not a folder, or not what the command expects */
  | 'bad-file'
  /** an output folder that already holds something the command would overwrite (--force where offered) */
  | 'output-not-empty'
  /** a dataset's records: lint errors, or nothing trainable or scorable in it */
  | 'dataset'
  /** a finetune.config.json (lint and language-server settings) */
  | 'config'
  /** training arguments: flags, a --config file or their combination */
  | 'training-arguments'
  /** a model's weights or configuration that produce NaN or infinite values */
  | 'non-finite'
  /** a device the user asked for that does not load here */
  | 'device'
  /** a write the machine refused (disk full, quota, read-only or unwritable folder) */
  | 'write-refused'
  /** a combination the tool does not support (say, merging a prompt-tuning adapter into weights) */
  | 'unsupported';

/**
 * Subclasses with finer codes of their own (ModelFileError, DownloadError) pass them as `Code`; a plain UserError
 * takes a UserErrorCode (NoInfer: a misspelt code is a type error, not a new code).
 */
export class UserError<Code extends string = UserErrorCode> extends Error {
  readonly code: Code;

  /** `lines`: the message is a list the tool composed (a dataset's lint errors, one per line), kept as it is. */
  constructor(message: string, code: NoInfer<Code>, layout: 'one-line' | 'lines' = 'one-line') {
    // one line otherwise: a message that quotes a bad file (JSON.parse's excerpt of a header, say) may hold line breaks
    super(layout === 'lines' ? message : message.replace(/[\n\r\u2028\u2029]/g, (lineBreak) => ESCAPED_LINE_BREAKS[lineBreak]));
    this.name = 'UserError';
    this.code = code;
  }
}
