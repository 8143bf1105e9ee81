// formatDuration: the clock style of the CLI's progress lines and downloads, the units style of the Runs view, the
// status bar and the dashboard, both from milliseconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../contracts/src/format-duration';

test('clock: minutes and seconds, hours once there are any', () => {
  assert.equal(formatDuration(0, 'clock'), '0:00');
  assert.equal(formatDuration(65_400, 'clock'), '1:05');
  assert.equal(formatDuration(3_725_000, 'clock'), '1:02:05');
});

test('units: seconds, then minutes and seconds, then hours and minutes', () => {
  assert.equal(formatDuration(44_600, 'units'), '45s');
  assert.equal(formatDuration(185_000, 'units'), '3m 05s');
  assert.equal(formatDuration(3_725_000, 'units'), '1h 02m');
});

test('an unknown duration reads as --:-- in both styles', () => {
  for (const style of ['clock', 'units'] as const) {
    for (const unknown of [undefined, Number.NaN, Number.POSITIVE_INFINITY, -1]) assert.equal(formatDuration(unknown, style), '--:--');
  }
});
