// checkReadableFile: the one check every reader of a user's file makes before opening it (issue #14: a FIFO hung the
// reader, a folder or an unreadable file surfaced as a raw EISDIR/EACCES stack trace).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelFileError } from '../../contracts/src/model-file-error';
import { assertModelFile, assertReadableFile, checkReadableFile } from '../../contracts/src/user-file';

const dir = mkdtempSync(join(tmpdir(), 'user-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('regular files pass; missing paths, folders and FIFOs are told apart', () => {
  const file = join(dir, 'data.jsonl');
  writeFileSync(file, '{}\n');
  assert.equal(checkReadableFile(file), null);
  assert.equal(checkReadableFile(join(dir, 'absent'))?.problem, 'missing');
  mkdirSync(join(dir, 'folder'));
  assert.equal(checkReadableFile(join(dir, 'folder'))?.problem, 'folder');
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  assert.deepEqual(checkReadableFile(join(dir, 'pipe')), { problem: 'not-a-file', message: 'is a named pipe (FIFO), not a regular file' });
  assert.equal(checkReadableFile('/dev/null')?.problem, 'not-a-file');
  assert.throws(() => assertReadableFile(join(dir, 'folder'), 'dataset file'), { name: 'UserError', message: `${join(dir, 'folder')}: the dataset file is a folder, not a file` });
  assert.throws(() => assertModelFile(join(dir, 'pipe'), 'config.json'), (error: unknown) => error instanceof ModelFileError && error.code === 'not-a-file' && error.file === join(dir, 'pipe'));
});

// Root reads any file whatever its mode, so the permission case can only be seen as another user.
test('an unreadable file is named as such', { skip: process.getuid?.() === 0 ? 'running as root: permissions do not apply' : false }, () => {
  const file = join(dir, 'secret.jsonl');
  writeFileSync(file, '{}\n');
  chmodSync(file, 0o000);
  assert.equal(checkReadableFile(file)?.problem, 'unreadable');
  assert.throws(() => assertModelFile(file, 'tokenizer.json'), (error: unknown) => error instanceof ModelFileError && error.code === 'unreadable');
});
