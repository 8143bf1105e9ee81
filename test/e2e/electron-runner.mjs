// The same extension-host suites under a downloaded VS Code (Electron), for machines that can reach
// update.code.visualstudio.com (this project's usual machine cannot: there run.mjs uses code-server instead).
// Usage: node test/e2e/electron-runner.mjs [--version stable|1.91.0]
// xvfb-run is needed on a Linux machine without a display.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BASE_SETTINGS } from './lib/code-server.mjs';
import { ROOT, bundleSuites, runStep } from './lib/project.mjs';

const { values } = parseArgs({ options: { version: { type: 'string', default: 'stable' } } });
runStep('build', process.execPath, [join(ROOT, 'scripts/build.mjs')]);
const suites = await bundleSuites(['trusted', 'untrusted']);
const vscodeExecutablePath = await downloadAndUnzipVSCode(values.version);
const scratch = mkdtempSync(join(tmpdir(), 'finetune-electron-e2e-'));

/** A workspace and a user-data folder seeded with the suite's base settings (plus `settings`). */
function prepare(name, settings = {}) {
  const workspace = join(scratch, name, 'workspace');
  const userData = join(scratch, name, 'user-data');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  return { workspace, userData, extensions: join(scratch, name, 'extensions') };
}

let failed = false;
try {
  // Trusted: runTests itself passes --disable-workspace-trust.
  const trusted = prepare('trusted');
  const trustedExit = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suites.trusted,
    launchArgs: [trusted.workspace, `--user-data-dir=${trusted.userData}`, `--extensions-dir=${trusted.extensions}`],
  }).then(() => 0, () => 1);
  failed ||= trustedExit !== 0;

  // Untrusted: launched directly, because runTests always disables workspace trust.
  const untrusted = prepare('untrusted', { 'finetune.baseModel': '/e2e/untrusted/model-folder' });
  const args = [
    untrusted.workspace,
    '--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome', '--skip-release-notes',
    `--extensionDevelopmentPath=${ROOT}`,
    `--extensionTestsPath=${suites.untrusted}`,
    `--user-data-dir=${untrusted.userData}`,
    `--extensions-dir=${untrusted.extensions}`,
  ];
  const untrustedExit = await new Promise((resolve) => {
    const child = spawn(vscodeExecutablePath, args, { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
    child.once('exit', (code) => resolve(code ?? 1));
  });
  failed ||= untrustedExit !== 0;
  console.log(`trusted suite: ${trustedExit === 0 ? 'passed' : 'FAILED'}; untrusted suite: ${untrustedExit === 0 ? 'passed' : 'FAILED'}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
