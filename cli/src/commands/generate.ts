// `finetune generate`: streams a continuation of a prompt (or, with --chat, the assistant's reply to it as a user
// turn) to stdout, token by token, through the KV-cache graph. Ctrl-C stops generation and keeps what was written.
import { Generator, type GenerateOptions } from '../../../engine/src/generate/generator';
import { validateSampling } from '../../../engine/src/generate/sampling';
import type { GenerationConfig } from '../../../engine/src/io/model-folder';
import { RUNTIME_HELP } from '../../../engine/src/runtime/cli-options';
import { describeDevice } from '../../../engine/src/runtime/devices';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { MODEL_FLAGS, openModel } from '../model-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune generate --model DIR [--adapter DIR] --prompt STR [options]

  --model DIR               Hugging Face model folder
  --adapter DIR             PEFT adapter folder (LoRA, merged into the weights; or prompt, P- or prefix tuning)
  --prompt STR              the prompt
  --chat                    render the prompt as a user turn through the chat template (with --system STR)
  --max-new-tokens N        default: generation_config.json's, else 128
  --temperature X           0 = greedy; default: greedy unless generation_config.json sets do_sample
  --top-k N --top-p X       sampling filters (defaults 50 and 1, or generation_config.json's)
  --repetition-penalty X    >1 discourages repeats (default 1)
  --seed N                  reproducible sampling
  --stop STR                stop string (repeatable); EOS and end-of-turn tokens always stop
  --json                    print one JSON object at the end instead of streaming
${RUNTIME_HELP}`;

function number(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) throw new UserError(`--${flag} must be ${integer ? 'an integer' : 'a number'} (got '${value}')`, 'bad-flag');
  return parsed;
}

/** Command line first, then generation_config.json, then transformers' defaults; greedy unless sampling is asked for. */
type SamplingFlags = Partial<Record<'temperature' | 'top-k' | 'top-p' | 'repetition-penalty' | 'max-new-tokens' | 'seed', string>>;

function samplingOptions(values: SamplingFlags, config: GenerationConfig): GenerateOptions {
  const temperature = number('temperature', values.temperature, false);
  const sampling = temperature !== undefined ? temperature > 0 : config.doSample === true;
  const options: GenerateOptions = {
    temperature: sampling ? (temperature ?? config.temperature ?? 1) : 0,
    topK: number('top-k', values['top-k'], true) ?? config.topK ?? 50,
    topP: number('top-p', values['top-p'], false) ?? config.topP ?? 1,
    repetitionPenalty: number('repetition-penalty', values['repetition-penalty'], false) ?? config.repetitionPenalty ?? 1,
    maxNewTokens: number('max-new-tokens', values['max-new-tokens'], true) ?? config.maxNewTokens ?? 128,
    seed: number('seed', values.seed, true),
  };
  const problem = validateSampling(options);
  if (problem) throw new UserError(problem, 'bad-flag');
  if (options.maxNewTokens! < 1) throw new UserError(`--max-new-tokens must be at least 1 (got ${options.maxNewTokens})`, 'bad-flag');
  return options;
}

export const command: Command = {
  summary: 'stream a continuation of a prompt (KV-cache decoding)',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        ...MODEL_FLAGS,
        prompt: { type: 'string' },
        chat: { type: 'boolean', default: false },
        system: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        temperature: { type: 'string' },
        'top-k': { type: 'string' },
        'top-p': { type: 'string' },
        'repetition-penalty': { type: 'string' },
        seed: { type: 'string' },
        stop: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (!values.model) throw new UserError('--model DIR is required', 'bad-flag');
    if (values.prompt === undefined) throw new UserError('--prompt STR is required', 'bad-flag');
    if (values.system !== undefined && !values.chat) throw new UserError('--system needs --chat', 'bad-flag');
    const { folder, adapter, device, runtime } = openModel(values.model, values.adapter, values);
    const tokenizer = folder.tokenizer!;
    const options = samplingOptions(values, folder.generationConfig);

    let promptIds: number[];
    if (values.chat) {
      const turns = [...(values.system !== undefined ? [{ role: 'system', content: values.system, trained: false }] : []), { role: 'user', content: values.prompt, trained: false }];
      promptIds = tokenizer.encode(tokenizer.renderChat(turns, { addGenerationPrompt: true }));
    } else {
      promptIds = tokenizer.encode(values.prompt, { addSpecialTokens: true });
    }
    if (promptIds.length === 0) throw new UserError('--prompt tokenizes to no tokens (give some text, or use --chat)', 'bad-flag');

    const generator = await Generator.create(folder, { adapter, device, runtime });
    console.error(describeDevice(generator.outcome));
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    try {
      const stopTokenIds = [...new Set([...tokenizer.endOfTurnTokenIds, ...folder.generationConfig.eosTokenIds])];
      const decode = (ids: readonly number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
      const stream = generator.generate(promptIds, decode, { ...options, stopStrings: values.stop, stopTokenIds, signal: controller.signal });
      let next = await stream.next();
      while (!next.done) {
        if (!values.json) process.stdout.write(next.value);
        next = await stream.next();
      }
      const summary = next.value;
      const tokensPerSecond = summary.tokens.length > 1 && summary.decodeMs > 0 ? ((summary.tokens.length - 1) * 1000) / summary.decodeMs : 0;
      if (values.json) {
        console.log(JSON.stringify({ text: summary.text, tokens: summary.tokens, finishReason: summary.finishReason, promptTokens: summary.promptTokens, device: generator.device, prefillMs: summary.prefillMs, tokensPerSecond }));
      } else {
        process.stdout.write('\n');
        console.error(`${summary.tokens.length} tokens (${summary.finishReason}), prompt ${summary.promptTokens} tokens in ${summary.prefillMs.toFixed(0)} ms, ${tokensPerSecond.toFixed(1)} tokens/s`);
      }
      return 0;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      await generator.release();
    }
  },
};
