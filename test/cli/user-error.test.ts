// A UserError is printed as one line without a stack: its message stays one line even when it quotes a bad file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../contracts/src/user-error';

test('line breaks in a UserError message are escaped, so it stays one line', () => {
  assert.equal(new UserError('header is not valid JSON (Unexpected token \'z\', "\n tz\r\nx\u2028"... is not valid JSON)').message,
    'header is not valid JSON (Unexpected token \'z\', "\\n tz\\r\\nx\\u2028"... is not valid JSON)');
});
