// Every command's flags: node:util's parseArgs, strict, plus the -h/--help they all have, which prints the command's
// help text instead of running it.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../../contracts/src/user-error';

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

interface CommandFlags {
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
}

type StrictConfig<C extends CommandFlags> = { args: string[]; strict: true; allowPositionals: C['allowPositionals']; options: C['options'] & typeof HELP_OPTION };

/** The parsed flags, or null when --help was given and `help` has been printed (the command then exits 0). */
export function parseCommandFlags<const C extends CommandFlags>(argv: string[], help: string, flags: C): ReturnType<typeof parseArgs<StrictConfig<C>>> | null {
  let parsed: ReturnType<typeof parseArgs<StrictConfig<C>>>;
  try {
    parsed = parseArgs<StrictConfig<C>>({ args: argv, strict: true, allowPositionals: flags.allowPositionals, options: { ...flags.options, ...HELP_OPTION } });
  } catch (error) {
    // an unknown or malformed flag is the user's to fix: one line and exit 2, not a stack
    if (String((error as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS')) throw new UserError((error as Error).message, 'bad-flag');
    throw error;
  }
  // (inside the generic body TypeScript cannot resolve the values' keys; HELP_OPTION guarantees this one)
  if ((parsed.values as { help: boolean }).help) {
    console.log(help);
    return null;
  }
  return parsed;
}
