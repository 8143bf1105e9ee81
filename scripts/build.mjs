// Bundles every entry point that exists: extension, language server, CLI, engine worker, webviews.
import { build } from 'esbuild';
import { existsSync, readdirSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { commonOptions, NODE_BUNDLES, nodeBundleOptions } from './bundles.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = commonOptions(production);

const jobs = [];
for (const [entry, file, external] of NODE_BUNDLES) {
  if (existsSync(entry)) jobs.push(nodeBundleOptions(entry, join('dist', file), external, production));
}
// Each webviews/src/<panel>/main.ts becomes dist/webviews/<panel>.js (+ .css when it imports CSS).
if (existsSync('webviews/src')) {
  for (const panel of readdirSync('webviews/src')) {
    const entry = join('webviews/src', panel, 'main.ts');
    if (!existsSync(entry)) continue;
    jobs.push({ ...common, entryPoints: [entry], outfile: `dist/webviews/${panel}.js`, platform: 'browser', format: 'iife', target: 'es2022' });
  }
}
// the packaged build starts from an empty dist/, so a bundle renamed or dropped since cannot ship stale in a VSIX
if (production) rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await Promise.all(jobs.map((options) => build(options)));
if (!watch) console.log(`built ${jobs.length} bundles into dist/`);
