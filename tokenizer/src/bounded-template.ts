// Renders a chat template with a budget of time, output size and list length, because a template is code from a
// model folder and @huggingface/jinja has no limits of its own: `range(10**9)` builds a billion-element array (V8 aborts
// the process with "invalid size error", which no try/catch sees) and `range(10**7)` loops for minutes.
//
// What bounds the work, and why each is needed:
// - A bounded `range`: it is the one builtin that creates a list from a number alone; every other list a template
//   sees comes from its inputs, a literal or `+` of two lists, which the checks below cover.
// - A deadline checked on every `Interpreter.evaluate`: every loop, macro call and filter goes through it, so nested
//   loops of small ranges, recursion and doubling strings all stop when the time is up. Between two checks a step
//   does at most one pass over a list or string the other limits bound (a `for` walks its whole list before it runs
//   the body once), so the clock is read on every call rather than every Nth: a sampled clock let nested loops of
//   empty bodies run 20 s past a 1 s budget.
// - A size check on every value `evaluate` returns: a string or list that outgrows the budget fails where it grows
//   instead of when V8 runs out of room. (One step can still build a string up to V8's own limit, ~2^29 characters,
//   which throws a catchable RangeError.)
import { Environment, Interpreter, Template } from '@huggingface/jinja';

export interface RenderBudget {
  /** Milliseconds one render may take. */
  timeMs: number;
  /** Longest string (and so output) one render may build. */
  maxChars: number;
  /** Longest list one render may build, `range` included. */
  maxItems: number;
}

/** Thrown when a render runs out of its budget; the template, not the conversation, is at fault. */
export class RenderBudgetError extends Error {}

type Statement = Parameters<Interpreter['evaluate']>[0];
type RuntimeValue = ReturnType<Interpreter['evaluate']>;

class BoundedInterpreter extends Interpreter {
  constructor(environment: Environment, private readonly budget: RenderBudget, private readonly deadline: number) {
    super(environment);
  }

  override evaluate(statement: Statement, environment: Environment): RuntimeValue {
    if (performance.now() > this.deadline) {
      throw new RenderBudgetError(`rendering took longer than ${this.budget.timeMs} ms`);
    }
    const value = super.evaluate(statement, environment);
    const inner: unknown = value.value;
    if (typeof inner === 'string' && inner.length > this.budget.maxChars) {
      throw new RenderBudgetError(`rendering built a string of more than ${this.budget.maxChars} characters`);
    }
    if (Array.isArray(inner) && inner.length > this.budget.maxItems) {
      throw new RenderBudgetError(`rendering built a list of more than ${this.budget.maxItems} items`);
    }
    return value;
  }
}

/** Python's range(), refusing before it allocates a list longer than the budget allows. */
function boundedRange(maxItems: number) {
  return (start: number, stop?: number, step = 1): number[] => {
    if (stop === undefined) [start, stop] = [0, start];
    if (step === 0) throw new Error('range() step must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (!(count <= maxItems)) throw new RenderBudgetError(`range() of ${count} items is longer than ${maxItems}`);
    const result: number[] = [];
    for (let i = 0; i < count; i++) result.push(start + i * step);
    return result;
  };
}

/** strftime_now as @huggingface/jinja defines it (its globals are not exported): the subset templates use. */
function strftimeNow(format: string): string {
  const date = new Date();
  const pad2 = (n: number) => String(n).padStart(2, '0');
  return format.replace(/%[YmdbBHM%]/g, (token) => {
    switch (token) {
      case '%Y': return String(date.getFullYear());
      case '%m': return pad2(date.getMonth() + 1);
      case '%d': return pad2(date.getDate());
      case '%b': return new Intl.DateTimeFormat(undefined, { month: 'short' }).format(date);
      case '%B': return new Intl.DateTimeFormat(undefined, { month: 'long' }).format(date);
      case '%H': return pad2(date.getHours());
      case '%M': return pad2(date.getMinutes());
      default: return '%';
    }
  });
}

/** Template.render with the same globals, through the bounded interpreter. */
export function renderWithBudget(template: Template, items: Record<string, unknown>, budget: RenderBudget): string {
  const environment = new Environment();
  const globals: Record<string, unknown> = {
    false: false, true: true, none: null, False: false, True: true, None: null,
    raise_exception: (message: unknown) => { throw new Error(String(message)); },
    range: boundedRange(budget.maxItems),
    strftime_now: strftimeNow,
  };
  for (const [name, value] of Object.entries({ ...globals, ...items })) environment.set(name, value);
  const interpreter = new BoundedInterpreter(environment, budget, performance.now() + budget.timeMs);
  const result: unknown = interpreter.run(template.parsed).value;
  return String(result);
}
