// What a fuzz target is, and how one input's outcome is judged. A check runs in a child process (child.ts): it
// returns when the input was handled, throws an OracleMismatch when two paths disagree, and any other throw is judged
// here. Expected errors are the project's UserErrors with a one-line message; anything else is a crash.
import { UserError } from '../contracts/src/user-error';
import type { Random } from './random';

/** JSON-serialisable data a target prepares once per run in the parent (a bundled server, a base model folder). */
export type TargetContext = Record<string, string>;

export interface Target {
  name: string;
  /** Seed inputs, from the repository's examples and test fixtures. */
  seeds(context: TargetContext): Buffer[];
  /** One new input from a seed (several stacked edits). */
  mutate(seed: Buffer, random: Random, seeds: readonly Buffer[]): Buffer;
  /** Runs one input through the code under test; throws on a crash or an oracle mismatch. */
  check(input: Buffer, context: TargetContext): Promise<void>;
  /** The time limit for one input, where the default (10 s) is too short. */
  timeLimitMs?: number;
  /** Done once in the parent before the first input; the returned context reaches every check. */
  prepare?(): Promise<{ context: TargetContext; dispose(): void }>;
  /**
   * A defect another branch is fixing, recognised by its error: the class name, or null. Inputs that hit it are
   * counted and not saved, so this branch neither duplicates that fix nor fails on it.
   */
  knownDefect?(error: unknown): string | null;
  /** The same for failures with no error to look at (a hang, a fatal error): recognised by the input instead. */
  knownDefectOfInput?(input: Buffer): string | null;
}

/** Two paths that must agree did not (chunked vs whole, edited vs fresh). Never an expected error. */
export class OracleMismatch extends Error {
  override name = 'OracleMismatch';
}

export type Verdict =
  | { kind: 'ok'; expectedError?: string }
  | { kind: 'known'; defect: string; detail: string }
  | { kind: 'crash'; detail: string };

/** The first lines of an error with its stack, enough to recognise it in a log. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return `non-Error thrown: ${String(error).slice(0, 500)}`;
  return (error.stack ?? `${error.name}: ${error.message}`).split('\n').slice(0, 8).join('\n').slice(0, 2000);
}

export function judge(target: Target, error: unknown): Verdict {
  const known = target.knownDefect?.(error) ?? null;
  if (known) return { kind: 'known', defect: known, detail: describe(error) };
  if (error instanceof UserError && !error.message.includes('\n') && error.message.length > 0) {
    return { kind: 'ok', expectedError: error.message.slice(0, 200) };
  }
  return { kind: 'crash', detail: describe(error) };
}

/** A crash or hang whose input shows a known defect counts as that defect. */
export function knownByInput<T extends { kind: string }>(target: Target, input: Buffer, outcome: T): T | Verdict {
  if (outcome.kind !== 'crash' && outcome.kind !== 'timeout') return outcome;
  const defect = target.knownDefectOfInput?.(input) ?? null;
  return defect ? { kind: 'known', defect, detail: 'detail' in outcome ? String(outcome.detail) : '' } : outcome;
}
