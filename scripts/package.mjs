// Builds the platform-specific VSIX offline with @vscode/vsce: a production build of dist/, then the package with
// onnxruntime-node's native binaries for the one target platform only (the .vscodeignore ships every platform's;
// this narrows that one negation to the target), and a size report.
// Usage: node scripts/package.mjs [--target linux-x64] [--out FILE] [--no-build]
import { createVSIX, listFiles } from '@vscode/vsce';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ONNX_BINARIES = 'node_modules/onnxruntime-node/bin/';
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: `${process.platform}-${process.arch}` },
    out: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const [os, arch] = values.target.split('-');
if (!os || !arch) throw new Error(`--target must look like linux-x64, got ${values.target}`);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outFile = resolve(values.out ?? join(root, 'out', 'vsix', `${manifest.name}-${values.target}-${manifest.version}.vsix`));

for (const required of ['README.md', 'LICENSE', '.vscodeignore']) {
  if (!existsSync(join(root, required))) throw new Error(`packaging needs ${required} at the repository root`);
}

/** The repository's .vscodeignore with the "all of onnxruntime-node's binaries" negation narrowed to the target. */
function targetIgnoreFile() {
  const lines = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  let narrowed = 0;
  const rewritten = lines.map((line) => {
    if (line.trim() !== `!${ONNX_BINARIES}**`) return line;
    narrowed++;
    return `!${ONNX_BINARIES}napi-v*/${os}/${arch}/**`;
  });
  if (narrowed === 0) throw new Error(`.vscodeignore has no line "!${ONNX_BINARIES}**" to narrow to ${values.target}`);
  const folder = mkdtempSync(join(tmpdir(), 'finetune-vsix-'));
  const file = join(folder, 'vscodeignore');
  writeFileSync(file, rewritten.join('\n'));
  return { file, folder };
}

function formatMB(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

if (!values['no-build']) {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const ignore = targetIgnoreFile();
try {
  const files = await listFiles({ cwd: root, ignoreFile: ignore.file });
  const binaries = files.filter((f) => f.startsWith(ONNX_BINARIES));
  if (binaries.length === 0) throw new Error(`no onnxruntime-node binaries for ${values.target} would be packaged`);
  mkdirSync(dirname(outFile), { recursive: true });
  // The README's screenshot links stay relative: vsce can only rewrite them for a GitHub/GitLab repository URL.
  await createVSIX({ cwd: root, packagePath: outFile, target: values.target, ignoreFile: ignore.file, dependencies: true, rewriteRelativeLinks: false });

  // Size report: the VSIX itself and, uncompressed, what dominates it.
  const groups = new Map();
  for (const file of files) {
    const group = file.startsWith(ONNX_BINARIES) ? `onnxruntime-node binaries (${values.target})` : file.startsWith('node_modules/') ? 'other node_modules' : file.split('/')[0];
    groups.set(group, (groups.get(group) ?? 0) + statSync(join(root, file)).size);
  }
  console.log(`packaged ${outFile}`);
  console.log(`  VSIX size: ${formatMB(statSync(outFile).size)} (${files.length} files)`);
  for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${group}: ${formatMB(bytes)} uncompressed`);
} finally {
  rmSync(ignore.folder, { recursive: true, force: true });
}
