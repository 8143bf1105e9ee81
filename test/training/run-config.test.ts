// The run configuration file: its JSON schema covers the trainer's arguments (test/extension/contributions.test.ts
// keeps the checked-in file generated), the files the training part contributes exist, and configurations are read
// with located errors and relative paths.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { TRAINING_OPTIONS } from '../../contracts/src/training-arguments';
import { trainingContributions } from '../../extension/src/training/contributions';
import { argumentsFromConfiguration, readRunConfiguration, runConfigurationJsonSchema, runConfigurationSchemaPath } from '../../extension/src/training/run-config';

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'run-config-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = path.join(temporary, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('run configuration', () => {
  it('has a JSON schema with every training argument and its help', () => {
    const properties = runConfigurationJsonSchema().properties as Record<string, { description?: string }>;
    for (const key of Object.keys(TRAINING_OPTIONS).filter((key) => key !== 'resume')) {
      assert.ok(properties[key], `schema has ${key}`);
      assert.equal(properties[key].description?.startsWith(TRAINING_OPTIONS[key as keyof typeof TRAINING_OPTIONS].help), true, `${key} has its help text`);
    }
    assert.equal(properties.resume, undefined, 'resuming is an action, not a setting');
    assert.deepEqual((runConfigurationJsonSchema() as { required: string[] }).required.sort(), ['data', 'model']);
  });

  it('contributes its schema and the Runs view icon, files that exist', () => {
    const validation = trainingContributions.jsonValidation as Array<{ url: string }>;
    assert.ok(validation.some((entry) => entry.url === `./${runConfigurationSchemaPath}`));
    assert.ok(fs.existsSync(runConfigurationSchemaPath));
    const containers = trainingContributions.viewsContainers?.activitybar as Array<{ icon: string }>;
    assert.ok(containers.every((container) => fs.existsSync(container.icon)));
  });

  it('reads a configuration with paths relative to its folder', () => {
    const file = write('tiny.finetune.run.json', { $schema: './schema.json', model: 'models/tiny', data: '../data/train.jsonl', method: 'lora', steps: 10 });
    const configuration = readRunConfiguration(file);
    assert.equal(configuration.model, path.join(temporary, 'models', 'tiny'));
    assert.equal(configuration.data, path.resolve(temporary, '..', 'data', 'train.jsonl'));
    assert.equal(configuration.$schema, undefined);
    const args = argumentsFromConfiguration(configuration, '/runs', 'tiny');
    assert.match(args.out, /^\/runs\/tiny-lora-\d{8}-\d{6}$/);
    assert.equal(args.steps, 10);
  });

  it('names the file and the key of a bad value, and refuses unknown keys', () => {
    const bad = write('bad.finetune.run.json', { model: 'm', data: 'd', rank: -2 });
    assert.throws(() => readRunConfiguration(bad), (error: Error) => error.message.includes(bad) && error.message.includes("'rank'"));
    const unknown = write('unknown.finetune.run.json', { model: 'm', data: 'd', learningRate: 1 });
    assert.throws(() => readRunConfiguration(unknown), (error: Error) => error.message.includes('learningRate'));
    const broken = write('broken.finetune.run.json', '{"model": ');
    assert.throws(() => readRunConfiguration(broken), (error: Error) => error.message.startsWith(broken));
  });
});
