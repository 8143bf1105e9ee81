// `finetune download REPO_ID`: a base model from the Hugging Face Hub (or a mirror) into a folder, resumable and
// verified, refusing pickle weights; ends by loading the folder to say whether this engine can train it.
import { basename } from 'node:path';
import { downloadModel } from '../../../engine/src/download/download-model';
import { DEFAULT_HUB_ENDPOINT, DownloadError } from '../../../engine/src/download/hub-client';
import { formatBytes, formatProgress, type DownloadProgress } from '../../../engine/src/download/progress';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune download REPO_ID [--out DIR] [--revision REV] [--endpoint URL] [--token TOKEN]

Downloads config, tokenizer and safetensors weights of a Hub model repository (pickle weights are refused).
An interrupted download resumes when run again with the same --out.
  --out DIR          destination folder (default: models/<name>)
  --revision REV     branch, tag or commit (default: main)
  --endpoint URL     Hub or mirror (default: $HF_ENDPOINT, else ${DEFAULT_HUB_ENDPOINT})
  --token TOKEN      for gated or private models (default: $HF_TOKEN)
  --force            download into a folder that holds something else
  --progress MODE    bar (terminal) | lines | json (JSON lines on stderr: progress, log, error with its code) | none
  --json             print the result as JSON on stdout`;

export type ProgressMode = 'bar' | 'lines' | 'json' | 'none';

export const command: Command = {
  summary: 'download a base model (config, tokenizer, safetensors) from the Hugging Face Hub',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        revision: { type: 'string', default: 'main' },
        endpoint: { type: 'string' },
        token: { type: 'string' },
        force: { type: 'boolean', default: false },
        progress: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values, positionals } = flags;
    if (positionals.length !== 1) throw new UserError(`expected one repository id (owner/name), got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 'bad-flag');
    const repo = positionals[0];
    const mode = (values.progress ?? (process.stderr.isTTY ? 'bar' : 'lines')) as ProgressMode;
    if (!['bar', 'lines', 'json', 'none'].includes(mode)) throw new UserError(`--progress: expected bar, lines, json or none, got '${mode}'`, 'bad-flag');
    const out = values.out ?? `models/${basename(repo)}`;
    const endpoint = values.endpoint ?? (process.env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT);
    const token = values.token ?? (process.env.HF_TOKEN || undefined);

    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const printer = progressPrinter(mode);
    try {
      const result = await downloadModel({
        repo, out, revision: values.revision, endpoint, token, force: values.force, signal: controller.signal,
        onProgress: printer.update,
        log: (line) => printer.line(line),
      });
      printer.end();
      if (values.json) console.log(JSON.stringify(result));
      else {
        const millions = (result.parameters / 1e6).toFixed(result.parameters < 1e7 ? 2 : 0);
        console.log(`downloaded ${repo}@${result.commit.slice(0, 12)} to ${result.out} (${formatBytes(result.bytesReceived)} received, ${result.skipped.length} files already there)`);
        console.log(`supported: ${result.architecture} (model_type ${result.modelType}, ${millions}M parameters); use it with --model ${result.out}`);
      }
      return 0;
    } catch (error) {
      printer.end();
      // Programs reading --progress json learn the failure's code (e.g. gated: ask for a token) without parsing English.
      if (mode === 'json' && error instanceof DownloadError) process.stderr.write(JSON.stringify({ type: 'error', code: error.code, message: error.message }) + '\n');
      if (error instanceof DownloadError && error.code === 'cancelled') {
        console.error('finetune: download cancelled; run the same command again to resume');
        return 130;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/** Progress on stderr: a redrawn line on a terminal, a line every few seconds in a log, or JSON for programs. */
function progressPrinter(mode: ProgressMode): { update: (progress: DownloadProgress) => void; line: (text: string) => void; end: () => void } {
  let drawn = false;
  let lastLine = 0;
  const clear = () => {
    if (drawn) process.stderr.write('\r\x1b[K');
    drawn = false;
  };
  return {
    update(progress) {
      if (mode === 'json') process.stderr.write(JSON.stringify({ type: 'progress', ...progress }) + '\n');
      else if (mode === 'bar') {
        process.stderr.write(`\r\x1b[K${formatProgress(progress)}`);
        drawn = true;
      } else if (mode === 'lines' && (performance.now() - lastLine > 3000 || progress.done === progress.total)) {
        lastLine = performance.now();
        process.stderr.write(formatProgress(progress) + '\n');
      }
    },
    line(text) {
      clear();
      if (mode === 'json') process.stderr.write(JSON.stringify({ type: 'log', message: text }) + '\n');
      else if (mode !== 'none') process.stderr.write(text + '\n');
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
