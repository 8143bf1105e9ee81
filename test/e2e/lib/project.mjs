// The repository-side steps of the suite: where things live, the setup script, the VSIX build, and bundling the
// extension-host tests with esbuild so the extension host can load them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');
export const OUT = join(ROOT, 'out', 'e2e');
export const SCREENSHOTS = join(ROOT, 'out', 'screenshots', 'e2e');

/** Runs a command to completion with inherited output; throws naming the step when it fails. */
export function runStep(step, command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${step} failed (exit ${result.status ?? result.signal})`);
  return { ms: Date.now() - started, stdout: result.stdout };
}

/** Installs (or reuses) the cached tools; returns the cache folder. */
export function setupTools() {
  const result = spawnSync('bash', [join(ROOT, 'test/e2e/setup.sh')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`test/e2e/setup.sh failed (exit ${result.status})`);
  return result.stdout.trim().split('\n').pop();
}

/** `npm run package`'s script: builds dist/ (unless noBuild) and the VSIX at `out`. */
export function packageVsix({ out, noBuild = false }) {
  const args = [join(ROOT, 'scripts/package.mjs'), '--out', out];
  if (noBuild) args.push('--no-build');
  return runStep(`packaging ${out}`, process.execPath, args);
}

/** A copy of `vsix` with `entries` deleted (Debian's zip): a shipped artifact that lacks a file it needs. */
export function vsixWithout(vsix, out, entries) {
  copyFileSync(vsix, out);
  const result = spawnSync('zip', ['-q', '-d', out, ...entries], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`zip -d ${out} ${entries.join(' ')} failed: ${result.stderr}`);
  return out;
}

/** The entries of a VSIX (a zip), through Debian's unzip. */
export function vsixEntries(vsix) {
  const result = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`unzip -Z1 ${vsix} failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/** Bundles each extension-host test entry (test/e2e/suite/<name>.ts) to out/e2e/suite/<name>.js. */
export async function bundleSuites(names) {
  const outdir = join(OUT, 'suite');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: names.map((name) => join(ROOT, 'test/e2e/suite', `${name}.ts`)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return Object.fromEntries(names.map((name) => [name, join(outdir, `${name}.js`)]));
}
