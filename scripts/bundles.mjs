// The esbuild options of every Node bundle, in one place: scripts/build.mjs builds them into dist/; the bench's build
// (scripts/build-bench.mjs) and the CLI tests (test/cli/cli-bundle.ts) reuse them, so what those run is built exactly
// as what users run.
import { join } from 'node:path';

/** [entry, file name under dist/, packages left to Node's require (native binaries, the editor's API)] */
export const NODE_BUNDLES = [
  ['extension/src/extension.ts', 'extension.js', ['vscode', 'onnxruntime-node']],
  ['language-server/src/server.ts', 'server.js', ['onnxruntime-node']],
  ['cli/src/main.ts', 'cli.js', ['onnxruntime-node']],
  // `finetune lint` alone (bin/finetune.js picks it): start-up is part of every lint's time. `.cjs`, which the VSIX's
  // allowlist (`dist/**/*.js`) does not take: the extension runs dist/cli.js, never this
  ['cli/src/lint-main.ts', 'lint.cjs', ['onnxruntime-node']],
  ['engine/src/worker/main.ts', 'worker.js', ['onnxruntime-node']],
  ['datasets/src/parallel/lint-worker.ts', 'lint-worker.js', ['onnxruntime-node']],
];

/** Source maps for development; minified without them for the packaged extension. */
export function commonOptions(production = false) {
  return { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
}

export function nodeBundleOptions(entry, outfile, external, production = false) {
  return { ...commonOptions(production), entryPoints: [entry], outfile, platform: 'node', format: 'cjs', target: 'node20', external };
}

/** The NODE_BUNDLES entry that dist/`name` is built from (say 'cli.js'), built into `outfile` instead; `root` is the repository's. */
export function distBundleOptions(name, outfile, root = '.') {
  const bundle = NODE_BUNDLES.find(([, file]) => file === name);
  if (!bundle) throw new Error(`no bundle dist/${name}`);
  const [entry, , external] = bundle;
  return nodeBundleOptions(join(root, entry), outfile, external);
}
