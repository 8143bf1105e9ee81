// `finetune score`: the log-probability of each token of a text given the ones before it, under a model and
// optionally a PEFT adapter. The text is tokenized as is (no chat template), with BOS if the tokenizer adds one.
import { scoreTokens } from '../../../engine/src/generate/score';
import { RUNTIME_HELP } from '../../../engine/src/runtime/cli-options';
import { describeDevice } from '../../../engine/src/runtime/devices';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { MODEL_FLAGS, openModel } from '../model-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune score --model DIR [--adapter DIR] --text STR [--json]

Prints the log-probability of each token given the tokens before it (the first has none).
  --model DIR       Hugging Face model folder (config.json, safetensors, tokenizer.json)
  --adapter DIR     PEFT adapter folder (LoRA, merged into the weights; or prompt, P- or prefix tuning)
  --text STR        the text to score
  --json            one JSON object: {"tokens": [ids], "logprobs": [null, …]}
${RUNTIME_HELP}`;

export const command: Command = {
  summary: 'log-probability of each token of a text',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        ...MODEL_FLAGS,
        text: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (!values.model) throw new UserError('--model DIR is required', 'bad-flag');
    if (values.text === undefined) throw new UserError('--text STR is required', 'bad-flag');
    const { folder, adapter, device, runtime } = openModel(values.model, values.adapter, values);
    const tokenizer = folder.tokenizer!;
    const ids = tokenizer.encode(values.text, { addSpecialTokens: true });
    if (ids.length === 0) throw new UserError('--text tokenizes to no tokens', 'bad-flag');
    const result = await scoreTokens(folder, ids, { adapter, device, runtime });
    console.error(describeDevice(result.device));
    if (values.json) {
      console.log(JSON.stringify({ tokens: result.tokens, logprobs: result.logprobs }));
      return 0;
    }
    let total = 0;
    for (const [index, id] of result.tokens.entries()) {
      const logprob = result.logprobs[index];
      if (logprob !== null) total += logprob;
      const shown = JSON.stringify(tokenizer.decode([id]));
      console.log(`${String(index).padStart(5)}  ${String(id).padStart(7)}  ${logprob === null ? '      —' : logprob.toFixed(4).padStart(9)}  ${shown}`);
    }
    const scored = result.tokens.length - 1;
    if (scored > 0) console.log(`total ${total.toFixed(4)} over ${scored} tokens, perplexity ${Math.exp(-total / scored).toFixed(3)}`);
    return 0;
  },
};
