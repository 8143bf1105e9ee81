// `npm test`'s pre-step for the browser tests: nothing to do when Chromium and libvulkan1 are there, apt-get when
// running as root, else a failure within a second that names the command to run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { browserTestPlan } from '../../scripts/test-browser/requirements.mjs';

const dir = mkdtempSync(join(tmpdir(), 'test-browser-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('npm test runs the pre-step before anything else', () => {
  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
  assert.match(scripts.test, /^node scripts\/test-browser\/ensure\.mjs && /);
});

test('the plan: nothing, install as root, or fail with the exact command', () => {
  assert.deepEqual(browserTestPlan({ missing: [], isRoot: false, hasAptGet: true, skip: false }), { action: 'ok' });
  assert.deepEqual(browserTestPlan({ missing: ['chromium'], isRoot: false, hasAptGet: true, skip: true }), { action: 'ok' });
  const install = browserTestPlan({ missing: ['chromium', 'libvulkan1'], isRoot: true, hasAptGet: true, skip: false });
  assert.equal(install.action, 'install');
  assert.match(install.action === 'install' ? install.commands.at(-1)! : '', /apt-get .*install -y .*chromium libvulkan1$/);
  const refused = browserTestPlan({ missing: ['libvulkan1'], isRoot: false, hasAptGet: true, skip: false });
  assert.equal(refused.action, 'fail');
  assert.match(refused.action === 'fail' ? refused.message : '', /sudo apt-get install -y --no-install-recommends libvulkan1/);
  const elsewhere = browserTestPlan({ missing: ['chromium'], isRoot: false, hasAptGet: false, skip: false });
  assert.match(elsewhere.action === 'fail' ? elsewhere.message : '', /\/usr\/bin\/chromium/);
});

test('as root with the packages missing, the pre-step installs both with apt-get', { skip: process.getuid?.() !== 0 && 'needs root' }, () => {
  // stand-ins that say nothing is installed and record what apt-get is asked to do
  const log = join(dir, 'apt-get.log');
  writeFileSync(join(dir, 'dpkg-query'), '#!/bin/sh\necho "unknown ok not-installed"\n');
  writeFileSync(join(dir, 'apt-get'), `#!/bin/sh\necho "$@" >> ${log}\n`);
  chmodSync(join(dir, 'dpkg-query'), 0o755);
  chmodSync(join(dir, 'apt-get'), 0o755);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['scripts/test-browser/ensure.mjs'], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  assert.equal(result.status, 0, result.stderr);
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  assert.match(calls[0], /update/);
  assert.match(calls[1], /install -y .*chromium libvulkan1/);
  assert.ok(Date.now() - started < 5000);
});
