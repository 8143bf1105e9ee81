// `npm run test:e2e`: the extension tested the way users meet it. Installs or reuses the cached tools (Node 24,
// code-server, Chromium), builds and packages the VSIX, then, each against a fresh code-server on 127.0.0.1:
//  1. the integration suites in the real extension host (trusted and untrusted workspace), from the source folder;
//  2. the VSIX installed into code-server, and the UI scenarios in Chromium, each ending in a checked screenshot
//     (out/screenshots/e2e/);
//  3. a VSIX built without dist/server.js, against which the smoke scenario must fail (the suite proves it can).
// Every process runs in its own process group and is stopped in `finally` and on signals (lib/processes.mjs).
// FINETUNE_E2E_ONLY=integration|ui|broken runs one part; FINETUNE_E2E_VERBOSE=1 echoes the browser console.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, runExtensionTests } from './lib/browser.mjs';
import { installExtension, startCodeServer } from './lib/code-server.mjs';
import { OUT, ROOT, SCREENSHOTS, bundleSuites, packageVsix, setupTools, vsixEntries, vsixWithout } from './lib/project.mjs';
import { DATASET_NAME, DATASET_TEXT } from './ui/dataset.mjs';
import { SCENARIOS, SMOKE } from './ui/scenarios.mjs';
import { openWorkbench } from './ui/workbench.mjs';

const only = process.env.FINETUNE_E2E_ONLY;
const wants = (part) => !only || only.split(',').includes(part);
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const VSIX = join(OUT, `${manifest.name}.vsix`);
const BROKEN_VSIX = join(OUT, `${manifest.name}-without-server.vsix`);
const started = Date.now();
// Screenshots are taken at this size (README-ready).
const VIEWPORT = { width: 1440, height: 900 };
let cache;
let browser;

/** A fresh folder under out/e2e/run/ for one code-server, with a workspace holding `files`. */
function freshRun(name, files = {}) {
  const runDir = join(OUT, 'run', name);
  rmSync(runDir, { recursive: true, force: true });
  const workspace = join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(workspace, file), text);
  return { runDir, workspace, extensionsDir: join(runDir, 'extensions') };
}

/** Starts code-server for `run`, gives it to `body`, and always stops its process group. */
async function withCodeServer(run, options, body) {
  const server = await startCodeServer({ cache, runDir: run.runDir, extensionsDir: run.extensionsDir, ...options });
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

before(async () => {
  cache = setupTools();
  mkdirSync(OUT, { recursive: true });
  // One production build serves the source-folder tests and the VSIX alike.
  packageVsix({ out: VSIX });
  if (!browser) browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  console.log(`# e2e wall time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
});

describe('extension integration tests in the real extension host', { skip: !wants('integration') }, () => {
  let suites;
  before(async () => {
    suites = await bundleSuites(['trusted', 'untrusted']);
  });

  async function runSuite(t, name, { trust, settings }) {
    const run = freshRun(`integration-${name}`);
    const resultsFile = suites[name].replace(/\.js$/, '.results.json');
    rmSync(resultsFile, { force: true });
    const outcome = await withCodeServer(run, { trust, settings }, (server) =>
      runExtensionTests({ browser, serverUrl: server.url, folder: run.workspace, extensionDevelopmentPath: ROOT, extensionTestsPath: suites[name] }),
    );
    // Each extension-host test becomes a subtest here, so a failure names the test and carries its stack.
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).results : [];
    for (const result of results) {
      await t.test(`${result.name} [${result.ms} ms in the extension host]`, () => {
        if (!result.ok) throw new Error(result.error);
      });
    }
    assert.ok(results.length > 0, `the ${name} suite reported no results (workbench exit: ${outcome.code}); see ${run.runDir}`);
    assert.equal(outcome.code, 0, `the ${name} suite failed in the extension host`);
  }

  test('trusted workspace', (t) => runSuite(t, 'trusted', { trust: true }));
  // A user-level model folder: restricted settings do not cover user values, so the server itself must drop it.
  test('untrusted workspace', (t) => runSuite(t, 'untrusted', { trust: false, settings: { 'finetune.baseModel': '/e2e/untrusted/model-folder' } }));
});

describe('the VSIX, installed into code-server', { skip: !wants('ui') }, () => {
  test('contains the bundles and the target platform binaries only', () => {
    const entries = vsixEntries(VSIX);
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/cli.js', 'extension/dist/lint-worker.js']) {
      assert.ok(entries.includes(needed), `${needed} is in the VSIX`);
    }
    // the `finetune lint` bundle is the command line's alone: the extension runs dist/cli.js
    assert.ok(!entries.some((e) => e.startsWith('extension/dist/lint.')), 'no dist/lint.cjs in the VSIX');
    const bindings = entries.filter((e) => e.endsWith('onnxruntime_binding.node'));
    assert.deepEqual(bindings.map((e) => e.split('/').slice(-3, -1).join('-')), ['linux-x64'], 'only the target platform binding');
    const ours = entries.filter((e) => !e.startsWith('extension/node_modules/'));
    const sources = ours.filter((e) => /\.ts$|\.map$|^extension\/(test|scripts|engine|language-server|extension|webviews)\//.test(e));
    assert.deepEqual(sources, [], 'none of our sources, tests or source maps');
    const modules = new Set(entries.filter((e) => e.startsWith('extension/node_modules/')).map((e) => e.split('/')[2]));
    assert.deepEqual([...modules].sort(), ['onnxruntime-common', 'onnxruntime-node'], 'only onnxruntime ships unbundled');
  });

  test('UI scenarios against the installed VSIX', async (t) => {
    const run = freshRun('ui', { [DATASET_NAME]: DATASET_TEXT });
    installExtension({ cache, runDir: run.runDir, extensionsDir: run.extensionsDir, vsix: VSIX });
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await withCodeServer(run, {}, async (server) => {
      const context = await browser.newContext({ viewport: VIEWPORT });
      try {
        const page = await context.newPage();
        await openWorkbench(page, server.url, run.workspace);
        const shoot = async (name) => {
          const path = join(SCREENSHOTS, `${name}.png`);
          await page.screenshot({ path });
          return path;
        };
        for (const scenario of SCENARIOS) {
          const missing = scenario.requires && !manifest.contributes?.commands?.some((c) => c.command === scenario.requires);
          await t.test(scenario.name, { skip: missing ? `needs the command ${scenario.requires}` : false }, async () => {
            try {
              await scenario.run({ page, userDataDir: server.userDataDir, workspace: run.workspace, shoot });
            } catch (error) {
              await shoot(`FAILED-${scenario.name.replace(/\W+/g, '-')}`).catch(() => {});
              throw error;
            }
          });
        }
      } finally {
        await context.close();
      }
    });
  });
});

describe('a broken VSIX is caught', { skip: !wants('broken') }, () => {
  test('the smoke scenario fails when dist/server.js is missing from the VSIX', async () => {
    vsixWithout(VSIX, BROKEN_VSIX, ['extension/dist/server.js']);
    assert.ok(!vsixEntries(BROKEN_VSIX).includes('extension/dist/server.js'), 'the broken VSIX really lacks the server');
    const run = freshRun('broken', { [DATASET_NAME]: DATASET_TEXT });
    installExtension({ cache, runDir: run.runDir, extensionsDir: run.extensionsDir, vsix: BROKEN_VSIX });
    const failure = await withCodeServer(run, {}, async (server) => {
      const context = await browser.newContext({ viewport: VIEWPORT });
      try {
        const page = await context.newPage();
        await openWorkbench(page, server.url, run.workspace);
        const shoot = (name) => page.screenshot({ path: join(OUT, `broken-${name}.png`) });
        await SMOKE.run({ page, userDataDir: server.userDataDir, workspace: run.workspace, shoot });
        return null;
      } catch (error) {
        return error;
      } finally {
        await context.close();
      }
    });
    assert.ok(failure, 'the smoke scenario passed against a VSIX without its language server');
    // It must fail for the right reason: the extension reported the missing server bundle, not a slow machine.
    assert.match(failure.message, /server\.js/, `the failure names the missing bundle: ${failure.message}`);
    console.log(`# as expected, the smoke scenario failed on the broken VSIX: ${failure.message.split('\n').slice(0, 3).join(' | ')}`);
  });
});
