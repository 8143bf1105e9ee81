// `finetune train`: a thin shell over train() (engine/src/train/loop.ts). Options come from the one training-arguments
// table (flags > --config file > defaults); progress goes to stderr (a bar on a TTY, lines otherwise); Ctrl-C ends
// the run after the current step with a `cancelled` event and a checkpoint to --resume from.
import { argumentsFromFlags, resolveTrainingArguments, trainingHelp } from '../../../contracts/src/training-arguments';
import { DeviceError } from '../../../engine/src/runtime/devices';
import { readConfigFile } from '../../../engine/src/train/config-file';
import { train } from '../../../engine/src/train/loop';
import { ProgressBar } from '../../../engine/src/train/progress';
import type { Command } from '../command';
import { UserError } from '../../../contracts/src/user-error';

export const command: Command = {
  summary: 'fine-tune a model (full or LoRA) on a JSONL dataset',
  async run(argv: string[]): Promise<number> {
    const { layer, configPath, help } = argumentsFromFlags(argv);
    if (help) {
      console.log(trainingHelp());
      return 0;
    }
    const fromFile = configPath ? readConfigFile(configPath) : {};
    const args = resolveTrainingArguments([fromFile, layer], configPath ? `${configPath} + command line` : 'command line');

    const controller = new AbortController();
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130); // a second Ctrl-C does not wait for the step
      process.stderr.write('\nstopping after this step (Ctrl-C again to quit at once)…\n');
      controller.abort();
    };
    process.on('SIGINT', onInterrupt);
    let bar: ProgressBar | null = null;
    const pending: string[] = [];
    try {
      const result = await train(args, {
        signal: controller.signal,
        onStart: ({ totalSteps }) => {
          bar = new ProgressBar({ write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY, columns: process.stderr.columns }, totalSteps);
          for (const line of pending.splice(0)) bar.info(line);
        },
        onInfo: (message) => (bar ? bar.info(message) : pending.push(message)),
        onEvent: (event) => bar?.event(event),
      });
      for (const line of pending) process.stderr.write(`${line}\n`);
      return result.status === 'done' ? 0 : result.status === 'cancelled' ? 130 : 1;
    } catch (error) {
      // A device the user named that does not load is theirs to fix (drivers, --device): a message, no stack.
      if (error instanceof DeviceError) throw new UserError(error.message, 'device');
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  },
};
