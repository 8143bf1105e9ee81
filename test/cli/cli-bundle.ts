// The `finetune` CLI as users run it, bundled fresh from the sources once per test process with dist/'s options
// (scripts/bundles.mjs), so no test runs a stale dist/cli.js. It goes under the repository's .tmp/, where Node finds
// node_modules (onnxruntime-node stays outside the bundle), laid out as the package is: bin/finetune.js, which runs
// dist/lint.cjs for `finetune lint` and dist/cli.js for the rest, and the lint worker beside them, so lint runs its
// worker threads as it does for users.
import { buildSync } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { distBundleOptions } from '../../scripts/bundles.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
let built: string | undefined;

/** The path of the fresh bin/finetune.js (bundled on the first call, deleted when the test process exits). */
export function cliBundle(): string {
  if (built) return built;
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'cli-'));
  chmodSync(dir, 0o755); // tests also run it as an unprivileged user (finetuneUnprivileged)
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const name of ['cli.js', 'lint.cjs', 'lint-worker.js']) buildSync({ ...distBundleOptions(name, join(dir, 'dist', name), ROOT), sourcemap: false, logLevel: 'error' }); // no maps: nothing reads them
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'finetune.js'), join(dir, 'bin', 'finetune.js'));
  built = join(dir, 'bin', 'finetune.js');
  return built;
}
