// Issue #14 item 7, on a real full disk: a tiny tmpfs (mounted when running as root, else skipped) and /dev/full.
// metrics.jsonl only ever holds whole lines; a run that meets a full disk records its final status and the first
// error (or says it could not), keeps its last good checkpoint, and fails with one located line.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { latestCheckpoint } from '../../../engine/src/train/checkpoint';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import { RunFolder } from '../../../engine/src/run-folder/run-folder';
import { createFixture, type Fixture } from './helpers';

let fixture: Fixture;
const mounts: string[] = [];
before(() => {
  fixture = createFixture();
});
after(() => {
  for (const mount of mounts) {
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true });
  }
  fixture.cleanup();
});

/** A fresh tmpfs of `kib` KiB, or null where mounting is not allowed (not root, no CAP_SYS_ADMIN). */
function tinyDisk(kib: number): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'finetune-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true });
    return null;
  }
  mounts.push(dir);
  return dir;
}

/** Takes every free byte of the file system holding `dir`. */
function fillUp(dir: string): void {
  const fd = openSync(join(dir, `filler-${statSync(dir).ino}-${Date.now()}`), 'w');
  try {
    for (const size of [65536, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x46);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
      }
    }
  } finally {
    closeSync(fd);
  }
}

function metricLines(run: RunFolder): string[] {
  return readFileSync(run.metrics, 'utf8').split('\n').filter((line) => line !== '');
}

/** Pads metrics.jsonl with one whole event line to the end of its last 4 KiB page, so the next append needs a new page. */
function padToPage(run: RunFolder): void {
  const size = statSync(run.metrics).size;
  const base = JSON.stringify({ type: 'sample', step: 0, prompt: '', completion: '' } satisfies RunEvent).length + 1;
  let room = 4096 - (size % 4096);
  if (room < base) room += 4096;
  run.append({ type: 'sample', step: 0, prompt: '', completion: 'x'.repeat(room - base) });
  assert.equal(statSync(run.metrics).size % 4096, 0);
}

const diskFull = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof Error, String(error));
  assert.equal(error.name, 'UserError', error.stack);
  assert.match(error.message, pattern);
  assert.doesNotMatch(error.message, /\n/, 'one line');
  return true;
};

test('/dev/full: an append that cannot be written is a located UserError', () => {
  const dir = mkdtempSync(join(fixture.dir, 'dev-full-'));
  const run = new RunFolder(dir);
  symlinkSync('/dev/full', run.metrics);
  assert.throws(() => run.append({ type: 'step', step: 1, loss: 1, lr: 1, tokens: 1, tokensPerSecond: 1, elapsedMs: 1 }), diskFull(/metrics\.jsonl: no space left on the device \(ENOSPC\) while appending the step event$/));
});

test('a full disk mid-line leaves metrics.jsonl with whole lines only', (t) => {
  const disk = tinyDisk(256);
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root)');
  const run = new RunFolder(join(disk, 'run'));
  run.prepareFresh();
  run.append({ type: 'step', step: 1, loss: 2, lr: 1e-3, tokens: 10, tokensPerSecond: 100, elapsedMs: 5 });
  const before = readFileSync(run.metrics, 'utf8');
  fillUp(disk);
  // Longer than what is left of the file's last page: the first part of it would fit, the rest not.
  assert.throws(() => run.append({ type: 'sample', step: 1, prompt: 'p', completion: 'y'.repeat(10_000) }), diskFull(/ENOSPC\) while appending the sample event/));
  const after = readFileSync(run.metrics, 'utf8');
  assert.ok(after === before, `the torn line was taken back (${after.length} bytes, ${before.length} before)`);
});

test('disk full while logging a step: the first error is the one reported, run.json says error, the checkpoint stays', async (t) => {
  const disk = tinyDisk(4096);
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root)');
  const args = { ...fixture.args({ out: 'unused', steps: 12, saveEvery: 2 }), out: join(disk, 'run') };
  const run = new RunFolder(args.out);
  const onEvent = (event: RunEvent) => {
    if (event.type !== 'step' || event.step !== 5) return;
    padToPage(run); // so the step-6 line needs a page the full disk cannot give
    fillUp(disk);
  };
  await assert.rejects(train(args, { onEvent }), diskFull(/metrics\.jsonl: no space left on the device \(ENOSPC\) while appending the step event \(this error could not be recorded in metrics\.jsonl\)$/));
  const info = run.readRunInfo();
  assert.equal(info.status, 'error', 'recorded in place, though the disk is full');
  assert.match(info.message ?? '', /ENOSPC\) while appending the step event/);
  const lines = metricLines(run);
  for (const line of lines) JSON.parse(line);
  assert.equal((JSON.parse(lines.at(-1)!) as RunEvent).type, 'sample', 'nothing after the padding: no torn step-6 line');
  assert.equal(latestCheckpoint(run), join(run.checkpoints, 'step-000004'));
});

test('disk full while writing a checkpoint: the previous one is kept, no temporary stays, one line', async (t) => {
  const disk = tinyDisk(4096);
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root)');
  const args = { ...fixture.args({ out: 'unused', steps: 12, saveEvery: 3 }), out: join(disk, 'run') };
  const run = new RunFolder(args.out);
  const onEvent = (event: RunEvent) => {
    if (event.type !== 'step' || event.step !== 4) return;
    // A fresh page for metrics.jsonl with room for the step-5 and step-6 lines; then nothing is left for checkpoint 6.
    padToPage(run);
    run.append({ type: 'sample', step: 4, prompt: '', completion: '' });
    fillUp(disk);
  };
  await assert.rejects(train(args, { onEvent }), diskFull(/checkpoints: no space left on the device \(ENOSPC\) while writing the checkpoint of step 6; checkpoints\/step-000003 is kept: free some space, then run again with --resume$/));
  assert.equal(latestCheckpoint(run), join(run.checkpoints, 'step-000003'));
  assert.deepEqual(readdirSync(run.checkpoints).filter((name) => name.includes('.tmp-')), [], 'the half-written checkpoint is gone');
  const info = run.readRunInfo();
  assert.equal(info.status, 'error');
  assert.match(info.message ?? '', /while writing the checkpoint of step 6/);
  const events = metricLines(run).map((line) => JSON.parse(line) as RunEvent);
  assert.deepEqual(events.slice(-3).map((event) => `${event.type} ${event.type === 'error' ? '' : event.step}`), ['step 5', 'step 6', 'error ']);
});
