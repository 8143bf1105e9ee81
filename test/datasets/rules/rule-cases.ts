// The shape of a RuleTester table (rule-tester.ts runs it, table-coverage.ts checks it covers its rule).
import type { DatasetSettings } from '../../../datasets/src/index';

export interface ExpectedFinding {
  line?: number;
  column: number;
  endColumn?: number;
  /** The message, or a pattern it must match. */
  message?: string | RegExp;
  /** The case's text after applying the finding's first fix, as the editor's quick fix would (lines as in `text`). */
  fixed?: string | string[];
}

export interface InvalidCase {
  text: string | string[];
  errors: ExpectedFinding[];
  settings?: Partial<DatasetSettings>;
}

export interface RuleCases {
  valid: Array<string | string[] | { text: string | string[]; settings?: Partial<DatasetSettings> }>;
  invalid: InvalidCase[];
  settings?: Partial<DatasetSettings>;
}
