// The entry of dist/lint.cjs, the `finetune lint` command on its own: bin/finetune.js runs it for `finetune lint …`
// (the same command line as dist/cli.js), so a lint reads and compiles none of the other commands' code. The full
// CLI bundle is twice the size, and its loading was ~40 ms of every lint's start-up (2026-12-06, 2-core machine).
import { command } from './commands/lint';
import { exitWith } from './exit-with';

const [name, ...rest] = process.argv.slice(2);
if (name === 'lint') exitWith(command.run(rest));
else {
  console.error(`finetune: this bundle only lints: run it as \`finetune lint FILE…\` (got '${name ?? ''}')`);
  process.exitCode = 2;
}
