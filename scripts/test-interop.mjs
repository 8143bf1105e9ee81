// `npm run test:interop`: the round trips with other engines' real code (test/interop/*.interop.ts), which need
// Python with torch, transformers, peft, trl, accelerate and datasets: FINETUNE_HF_PYTHON, default
// /opt/hfvenv/bin/python. Without them it says `skipped: …` and exits 0, so CI passes on a machine without the
// wheels; `npm test` never needs Python.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const python = process.env.FINETUNE_HF_PYTHON ?? '/opt/hfvenv/bin/python';
const modules = ['torch', 'transformers', 'peft', 'trl', 'accelerate', 'datasets'];

function skip(reason) {
  console.log(`skipped: ${reason} (set FINETUNE_HF_PYTHON to a Python with ${modules.join(', ')})`);
  process.exit(0);
}

if (!existsSync(python)) skip(`no Python at ${python}`);
const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}; print(trl.__version__)`], { encoding: 'utf8' });
if (probe.status !== 0) skip(`${python} lacks ${modules.join('/')}: ${probe.stderr.trim().split('\n').at(-1)}`);
if (!existsSync(join(python, '..', 'trl'))) skip(`no trl command beside ${python}`);
console.log(`interop: ${python} (trl ${probe.stdout.trim()})`);

// The tests run the built `finetune` command, as a user does.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const filters = process.argv.slice(2);
const files = readdirSync('test/interop').filter((name) => name.endsWith('.interop.ts')).map((name) => join('test', 'interop', name)).filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env: { ...process.env, FINETUNE_HF_PYTHON: python } });
process.exit(result.status ?? 1);
