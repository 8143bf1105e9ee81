// Child of on-demand-modules.test.ts: lints the file given (with its nearest config, as `finetune lint` does) and
// prints which of the packages loaded on demand were loaded.
import { lintFile, settingsForFile } from '../../datasets/src/index';

async function main(): Promise<void> {
  const file = process.argv[2];
  const { settings } = settingsForFile(file);
  let findings = 0;
  for await (const finding of lintFile(file, settings)) findings += finding.rule ? 1 : 0;
  const loaded = (name: string) => Object.keys(require.cache).some((path) => path.includes(`/node_modules/${name}/`));
  console.log(JSON.stringify({ findings, zod: loaded('zod'), tokenizers: loaded('@huggingface/tokenizers'), jinja: loaded('@huggingface/jinja') }));
}

void main();
