#!/usr/bin/env node
// The `finetune` command: the bundled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
// `finetune lint` runs the lint command's own bundle, which loads faster than the whole CLI.
require(process.argv[2] === 'lint' ? '../dist/lint.cjs' : '../dist/cli.js');
