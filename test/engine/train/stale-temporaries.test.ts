// Issue #14 item 8: a run killed while writing a checkpoint leaves checkpoints/step-N.tmp-PID (a whole checkpoint) and
// nothing ever removed it. Start and resume now remove the temporaries of writers that are gone (or are us), and
// keep those of a writer that still runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { train } from '../../../engine/src/train/loop';
import { processIsAlive } from '../../../engine/src/run-folder/process-alive';
import { createFixture, type Fixture } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

/** The id of a process that has exited (the kernel does not hand it out again this soon in practice). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  assert.ok(pid && !processIsAlive(pid));
  return pid;
}

function plantTemporary(folder: string, name: string): string {
  const path = join(folder, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'trainable.safetensors'), Buffer.alloc(4096));
  return path;
}

test('resume removes step-N.tmp-PID folders of dead writers and of this process, keeps a live writer\'s', async () => {
  const args = fixture.args({ out: 'killed', steps: 2, saveEvery: 1 });
  assert.equal((await train(args)).status, 'done');
  const checkpoints = join(args.out, 'checkpoints');
  const dead = deadPid();
  const orphan = plantTemporary(checkpoints, `step-000003.tmp-${dead}`);
  const orphanOld = plantTemporary(checkpoints, `step-000002.old-${dead}`);
  const ours = plantTemporary(checkpoints, `step-000004.tmp-${process.pid}`);
  writeFileSync(join(args.out, `run.json.tmp-${dead}`), '{"half": ');
  const usersOwn = join(args.out, `notes.old-${dead}`); // --out may hold the user's files: only the run's names go
  writeFileSync(usersOwn, 'mine');
  const live = spawn('sleep', ['60']);
  try {
    const running = plantTemporary(checkpoints, `step-000005.tmp-${live.pid}`);
    const notes: string[] = [];
    const resumed = await train({ ...args, steps: 3, resume: true }, { onInfo: (line) => notes.push(line) });
    assert.equal(resumed.status, 'done');
    for (const path of [orphan, orphanOld, ours, join(args.out, `run.json.tmp-${dead}`)]) assert.equal(existsSync(path), false, path);
    assert.ok(existsSync(running), 'a writer that still runs keeps its folder');
    assert.ok(existsSync(usersOwn), 'a file the run did not write is left alone');
    assert.ok(notes.some((line) => /removed 4 temporaries left by an interrupted run/.test(line)), notes.join('\n'));
  } finally {
    live.kill();
  }
});

test('a fresh start over a run that failed before its first step removes them too', async () => {
  const args = fixture.args({ out: 'failed-early', steps: 1, data: join(fixture.dir, 'absent.jsonl') });
  await assert.rejects(train(args), { name: 'UserError' });
  const orphan = plantTemporary(join(args.out, 'checkpoints'), `step-000001.tmp-${deadPid()}`);
  assert.equal((await train({ ...args, data: fixture.data })).status, 'done');
  assert.equal(existsSync(orphan), false);
});
