// A UserError is printed as one line without a stack: its message stays one line even when it quotes a bad file.
// Its `code` says what kind of input was wrong; the classes that stand for one kind are UserErrors with that code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFileError } from '../../contracts/src/model-file-error';
import { TrainingArgumentsError } from '../../contracts/src/training-arguments';
import { UserError } from '../../contracts/src/user-error';
import { ConfigError } from '../../datasets/src/output/config';
import { DatasetError } from '../../datasets/src/output/parse-examples';

test('line breaks in a UserError message are escaped, so it stays one line', () => {
  assert.equal(new UserError('header is not valid JSON (Unexpected token \'z\', "\n tz\r\nx\u2028"... is not valid JSON)', 'bad-file').message,
    'header is not valid JSON (Unexpected token \'z\', "\\n tz\\r\\nx\\u2028"... is not valid JSON)');
});

test('a message the tool composed as lines (a list of lint errors) keeps them', () => {
  assert.equal(new UserError('train.jsonl has 2 errors:\n  line 1\n  line 2', 'dataset', 'lines').message, 'train.jsonl has 2 errors:\n  line 1\n  line 2');
});

test('each kind of bad input is a UserError with its code', () => {
  const cases: Array<[UserError<string>, string]> = [
    [new TrainingArgumentsError('--lr: expected a number'), 'training-arguments'],
    [new DatasetError('train.jsonl has 1 error', []), 'dataset'],
    [new ConfigError('finetune.config.json: bad'), 'config'],
    [new ModelFileError('missing-tensor', 'model.safetensors', 'no such tensor', { tensor: 'lm_head.weight' }), 'missing-tensor'],
  ];
  for (const [error, code] of cases) {
    assert.ok(error instanceof UserError, error.constructor.name);
    assert.equal(error.code, code);
    assert.equal(error.name, 'UserError', 'the name stays: tools that read it from a log or across processes still see it');
  }
});
