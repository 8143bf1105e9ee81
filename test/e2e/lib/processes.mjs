// Every process the suite starts runs in its own process group (setsid) and is stopped as a group: code-server's
// extension host, language server and watchers die with it. Groups are also stopped on SIGINT/SIGTERM and at exit,
// so a failing or interrupted run leaves nothing behind.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const liveGroups = new Set();

/** Spawns `command` as the leader of a new process group, its output appended to `logFile`. */
export function spawnGroup(command, args, { env, cwd, logFile }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  liveGroups.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('exit', () => liveGroups.delete(child.pid));
  return { child, pid: child.pid, exited, stop: () => stopGroup(child.pid, exited) };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is already gone
  }
}

/** SIGTERM to the whole group, SIGKILL after a grace period; waits for the leader to exit. */
export async function stopGroup(pid, exited, graceMs = 5000) {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // The leader may exit before its children: make sure none of the group survives.
  signalGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

function killAllNow() {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAllNow();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}
