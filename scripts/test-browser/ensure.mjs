// `npm test` pre-step: finds or installs what the browser tests need (see requirements.mjs), or fails within a second
// with the command to run, instead of six webview tests failing after minutes on a fresh machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BROWSER_TEST_PACKAGES, SKIP_VARIABLE, browserTestPlan } from './requirements.mjs';

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Packages not installed: dpkg's word where there is dpkg, else whether Chromium is where the tests look. */
function missingPackages() {
  if (!onPath('dpkg-query')) return existsSync('/usr/bin/chromium') ? [] : ['chromium'];
  return BROWSER_TEST_PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return !(result.status === 0 && result.stdout.includes('install ok installed'));
  });
}

const plan = browserTestPlan({
  missing: missingPackages(),
  isRoot: process.getuid?.() === 0,
  hasAptGet: onPath('apt-get'),
  skip: process.env[SKIP_VARIABLE] === '1',
});
if (plan.action === 'fail') {
  console.error(plan.message);
  process.exit(1);
}
if (plan.action === 'install') {
  console.error(`npm test: installing what the browser tests need: ${plan.commands.at(-1)}`);
  try {
    for (const command of plan.commands) execFileSync('sh', ['-c', command], { stdio: 'inherit' });
  } catch {
    console.error(`npm test: the install failed; run it yourself:\n  ${plan.commands.join(' && ')}`);
    process.exit(1);
  }
}
