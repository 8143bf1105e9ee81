// Bundles every entry point that exists: extension, language server, CLI, engine worker, webviews.
import { build } from 'esbuild';
import { existsSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
const nodeEntries = [
  ['extension/src/extension.ts', 'dist/extension.js', ['vscode', 'onnxruntime-node']],
  ['language-server/src/server.ts', 'dist/server.js', ['onnxruntime-node']],
  ['cli/src/main.ts', 'dist/cli.js', ['onnxruntime-node']],
  ['engine/src/worker/main.ts', 'dist/worker.js', ['onnxruntime-node']],
  ['datasets/src/parallel/lint-worker.ts', 'dist/lint-worker.js', ['onnxruntime-node']],
];

const jobs = [];
for (const [entry, outfile, external] of nodeEntries) {
  if (!existsSync(entry)) continue;
  jobs.push({ ...common, entryPoints: [entry], outfile, platform: 'node', format: 'cjs', target: 'node20', external });
}
// Each webviews/src/<panel>/main.ts becomes dist/webviews/<panel>.js (+ .css when it imports CSS).
if (existsSync('webviews/src')) {
  for (const panel of readdirSync('webviews/src')) {
    const entry = join('webviews/src', panel, 'main.ts');
    if (!existsSync(entry)) continue;
    jobs.push({ ...common, entryPoints: [entry], outfile: `dist/webviews/${panel}.js`, platform: 'browser', format: 'iife', target: 'es2022' });
  }
}
mkdirSync('dist', { recursive: true });
await Promise.all(jobs.map((options) => build(options)));
if (!watch) console.log(`built ${jobs.length} bundles into dist/`);
