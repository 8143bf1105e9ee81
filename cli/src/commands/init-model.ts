// `finetune init-model`: a randomly initialised model in Hugging Face layout, so tests, the demo and benchmarks
// need no download.
import type { Arch } from '../../../engine/src/io/config';
import { initModel } from '../../../engine/src/init/init-model';
import { INIT_ARCHES, MODEL_SIZES, type ModelSize } from '../../../engine/src/init/model-sizes';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune init-model --size tiny|small|bench --out DIR [--arch ${INIT_ARCHES.join('|')}] [--seed N]
                           [--dtype f32|f16|bf16] [--force] [--json]

Writes config.json (the keys transformers writes for the architecture), model.safetensors, tokenizer.json,
tokenizer_config.json and generation_config.json. The tokenizer is a byte-level BPE trained on a small built-in
English/Chinese corpus; the chat template follows the family: ChatML (<|im_start|>/<|im_end|>) for llama, qwen2,
qwen3 and gpt2, Gemma's <start_of_turn>/<end_of_turn> for gemma2 and gemma3_text, Phi's
<|user|>/<|end|>/<|assistant|> for phi3.
Sizes: tiny (~0.2M parameters, for tests), small (~4M, demo), bench (~26M, benchmarks).
Refuses a non-empty DIR unless --force.`;

export const command: Command = {
  summary: 'write a randomly initialised model folder (Hugging Face layout)',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        arch: { type: 'string', default: 'llama' },
        size: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string', default: '0' },
        dtype: { type: 'string', default: 'f32' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (!INIT_ARCHES.includes(values.arch as Arch)) throw new UserError(`--arch must be one of ${INIT_ARCHES.join(', ')} (got '${values.arch}')`, 'bad-flag');
    if (!values.size || !MODEL_SIZES.includes(values.size as ModelSize)) throw new UserError(`--size must be one of ${MODEL_SIZES.join(', ')}`, 'bad-flag');
    if (!values.out) throw new UserError('--out DIR is required', 'bad-flag');
    const seed = Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UserError(`--seed must be a non-negative integer (got '${values.seed}')`, 'bad-flag');
    const dtype = ({ f32: 'F32', f16: 'F16', bf16: 'BF16' } as const)[values.dtype as 'f32' | 'f16' | 'bf16'];
    if (!dtype) throw new UserError(`--dtype must be f32, f16 or bf16 (got '${values.dtype}')`, 'bad-flag');
    const result = initModel({ arch: values.arch as Arch, size: values.size as ModelSize, out: values.out, seed, dtype, force: values.force });
    if (values.json) {
      console.log(JSON.stringify({ dir: result.dir, arch: result.config.arch, parameters: result.parameters, vocabSize: result.config.vocabSize, files: result.files }));
    } else {
      console.log(`wrote ${values.size} ${result.config.arch} model (${result.parameters.toLocaleString('en-US')} parameters, vocab ${result.config.vocabSize}) to ${result.dir}`);
    }
    return 0;
  },
};
