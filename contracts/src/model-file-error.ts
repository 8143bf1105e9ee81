// Located errors for model files. Each carries a stable `code` and the file (and tensor or key) it is about, so
// tests and callers match on fields rather than on English wording. They are UserErrors: the CLI prints no stack.
import { UserError } from './user-error';

export type ModelFileErrorCode =
  | 'missing-file'
  | 'not-a-file'
  | 'unreadable'
  | 'pickle-weights'
  | 'bad-json'
  | 'bad-config'
  | 'unsupported-architecture'
  | 'unsupported-feature'
  | 'bad-header'
  | 'bad-dtype'
  | 'bad-offsets'
  | 'overlapping-tensors'
  | 'truncated'
  | 'missing-tensor'
  | 'wrong-shape'
  | 'bad-index'
  | 'bad-tokenizer'
  | 'bad-chat-template';

export class ModelFileError extends UserError<ModelFileErrorCode> {
  readonly file: string;
  readonly tensor?: string;
  readonly key?: string;

  constructor(code: ModelFileErrorCode, file: string, message: string, where: { tensor?: string; key?: string } = {}) {
    const location = where.tensor ? `${file}: tensor '${where.tensor}'` : where.key ? `${file}: key '${where.key}'` : file;
    super(`${location}: ${message}`, code);
    this.file = file;
    this.tensor = where.tensor;
    this.key = where.key;
  }
}
