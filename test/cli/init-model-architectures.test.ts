// `finetune init-model --arch gemma2 | gemma3_text | phi3` through the built CLI: the folder loads (config in the keys
// transformers writes, the family's chat template and special tokens), a few LoRA steps on it lower the loss,
// `finetune generate --chat` runs base + adapter and stops where the template's turn ends, and `finetune export`
// merges the adapter.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModelFolder } from '../../engine/src/io/model-folder';
import { chatJsonl, FACTS, stepLosses } from '../engine/train/helpers';
import { finetune } from './finetune-cli';

let root: string;
let data: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'finetune-init-arch-'));
  data = join(root, 'data.jsonl');
  writeFileSync(data, chatJsonl(FACTS));
});
after(() => rmSync(root, { recursive: true, force: true }));

const ARCHES = [
  { arch: 'gemma2', targets: 'q_proj,v_proj,gate_proj,down_proj', turn: ['<start_of_turn>user\n', '<end_of_turn>'], model: 'Gemma2ForCausalLM' },
  { arch: 'gemma3_text', targets: 'q_proj,k_proj,o_proj,up_proj', turn: ['<start_of_turn>user\n', '<end_of_turn>'], model: 'Gemma3ForCausalLM' },
  { arch: 'phi3', targets: 'qkv_proj,o_proj,gate_up_proj,down_proj', turn: ['<|user|>\n', '<|end|>'], model: 'Phi3ForCausalLM' },
];

for (const { arch, targets, turn, model } of ARCHES) {
  test(`init-model --arch ${arch}: a LoRA run lowers the loss, generate and export work`, () => {
    const dir = join(root, arch);
    const init = finetune('init-model', '--arch', arch, '--size', 'tiny', '--out', dir, '--seed', '3', '--json');
    assert.equal(init.status, 0, init.stderr);
    assert.equal(JSON.parse(init.stdout).arch, arch);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.model_type, arch);
    assert.deepEqual(config.architectures, [model]);
    const folder = loadModelFolder(dir);
    const tokenizer = folder.tokenizer!;
    const rendered = tokenizer.renderChat([{ role: 'user', content: 'Hi', trained: false }], { addGenerationPrompt: true });
    assert.ok(rendered.includes(`${turn[0]}Hi${turn[1]}`), rendered);
    assert.ok(tokenizer.endOfTurnTokenIds.includes(tokenizer.tokenToId(turn[1])!), 'generation stops at the end of a turn');
    if (arch !== 'phi3') {
      // Gemma's (1 + w) norms start at zero and its tokenizer puts <bos> first.
      assert.ok(folder.weights.readFloat32('model.norm.weight').every((value) => value === 0));
      assert.equal(tokenizer.encode('Hello', { addSpecialTokens: true })[0], tokenizer.bosTokenId);
    }

    const run = join(root, `${arch}-run`);
    const train = finetune('train', '--model', dir, '--data', data, '--out', run, '--steps', '8', '--batch-size', '8', '--lr', '1e-2', '--rank', '4', '--target-modules', targets, '--device', 'cpu', '--threads', '1');
    assert.equal(train.status, 0, train.stderr);
    const losses = stepLosses(run);
    assert.equal(losses.length, 8);
    assert.ok(losses.at(-1)! < losses[0] - 0.05, `loss ${losses[0]} → ${losses.at(-1)}`);

    const generate = finetune('generate', '--model', dir, '--adapter', join(run, 'adapter'), '--chat', '--prompt', 'What is the capital of France?', '--max-new-tokens', '8', '--temperature', '0', '--device', 'cpu', '--json');
    assert.equal(generate.status, 0, generate.stderr);
    const result = JSON.parse(generate.stdout) as { tokens: number[]; finishReason: string };
    assert.ok(result.tokens.length <= 8, generate.stdout);
    assert.ok(['stop-token', 'max-new-tokens'].includes(result.finishReason));

    const exported = finetune('export', '--model', dir, '--adapter', join(run, 'adapter'), '--out', join(root, `${arch}-merged`));
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /modules merged/);
  });
}
