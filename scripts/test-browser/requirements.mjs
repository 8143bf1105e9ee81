// What `npm test`'s browser tests need from the machine, and how to get it. The webview tests drive Debian's
// Chromium (/usr/bin/chromium); WebGPU tests also need the Vulkan loader (libvulkan1). Pure decisions here, so a
// test can check every case; ensure.mjs probes the machine and acts on them.

/** Debian packages the browser tests need. */
export const BROWSER_TEST_PACKAGES = ['chromium', 'libvulkan1'];

/** Set to 1 to run `npm test` without them (the browser tests then skip themselves, saying why). */
export const SKIP_VARIABLE = 'FINETUNE_SKIP_BROWSER_TESTS';

/** The apt-get command lines that install `packages` (the lock timeout waits out another apt run). */
export function installCommands(packages) {
  return [
    'apt-get -o DPkg::Lock::Timeout=900 update -qq',
    `DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends ${packages.join(' ')}`,
  ];
}

/**
 * The step to take: nothing when all is there (or skipped), install when root may run apt-get, else fail with the
 * exact command to run.
 * @param {{ missing: string[], isRoot: boolean, hasAptGet: boolean, skip: boolean }} machine
 * @returns {{ action: 'ok' } | { action: 'install', commands: string[] } | { action: 'fail', message: string }}
 */
export function browserTestPlan({ missing, isRoot, hasAptGet, skip }) {
  if (skip || missing.length === 0) return { action: 'ok' };
  if (hasAptGet && isRoot) return { action: 'install', commands: installCommands(missing) };
  const skipHint = `or set ${SKIP_VARIABLE}=1 to run the other tests without them`;
  if (hasAptGet) {
    const command = `sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
    return { action: 'fail', message: `npm test: the browser tests need ${missing.join(' and ')}; install them with\n  ${command}\n${skipHint}` };
  }
  return { action: 'fail', message: `npm test: the browser tests need Chromium at /usr/bin/chromium (Debian packages: ${missing.join(', ')}); install it, ${skipHint}` };
}
