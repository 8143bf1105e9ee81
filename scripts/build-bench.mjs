// Bundles the bench (bench/main.ts) into out/bench/, outside dist/ so the packaged extension never ships it, with
// the lint worker next to it (lint's worker threads load it from there, as the CLI's from dist/). The bench times
// the shipped dist/cli.js too, which `npm run build` makes.
import { build } from 'esbuild';
import { distBundleOptions, nodeBundleOptions } from './bundles.mjs';

await Promise.all([
  build(nodeBundleOptions('bench/main.ts', 'out/bench/bench.js', ['onnxruntime-node'])),
  build(distBundleOptions('lint-worker.js', 'out/bench/lint-worker.js')),
]);
