// The training dashboard webview in headless Chromium, fed a metrics stream recorded from a real tiny LoRA run
// (dashboard-metrics.jsonl: 120 steps, eval every 10):
// the curves grow as events stream in, figures and buttons follow the run's status, failures show the worker's last
// lines, the view state survives hiding, the page loads nothing the CSP blocks, and light, dark and high-contrast
// themes render (screenshots under out/screenshots/ for review).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunEvent } from '../../contracts/src/run/run-events';
import { parseRunEventLine } from '../../contracts/src/run/run-event-check';
import { snapshotOf } from '../../contracts/src/run/run-snapshot';
import type { DashboardRun } from '../../contracts/src/webview/dashboard-messages';
import { buildDashboardPage, chromiumPath, curvePixels, launchChromium, openDashboard, screenshotDir, settle, themeVariables, type ThemeKind } from './dashboard-harness';

const fixture = path.join(import.meta.dirname, 'dashboard-metrics.jsonl');
const recorded: RunEvent[] = fs
  .readFileSync(fixture, 'utf8')
  .split('\n')
  .flatMap((line, index) => parseRunEventLine(line, `${fixture}:${index + 1}`) ?? []);
const live = recorded.filter((event) => event.type !== 'done');
const totalSteps = Math.max(...recorded.map((event) => ('step' in event ? event.step : 0)));

const run: DashboardRun = {
  name: 'tiny-lora',
  runDir: '/workspace/.finetune/runs/tiny-lora',
  status: 'running',
  config: { model: 'models/tiny', data: 'data/train.jsonl', method: 'lora', rank: 8, lr: 0.0002 },
  resolved: { totalSteps, device: 'cpu' },
};
const snapshotAfter = (events: RunEvent[]) => Object.assign(snapshotOf(events), { totalSteps, device: 'cpu', memoryBytes: 512 * 1024 * 1024 });

// A preference (`--objective dpo`) run's stream in the shape contracts/src/run/run-events.ts gives it, read through the
// same checker as metrics.jsonl (dashboard-dpo-metrics.jsonl: 60 LoRA steps from ln 2, eval every 10, TRL's rewards,
// margin and accuracy on every step and eval; recorded from `finetune train --objective dpo --method lora` on init-model's tiny qwen2 with test/fixtures/roundtrip/dpo/preferences.jsonl, --eval-fraction 0.25).
const dpoFixture = path.join(import.meta.dirname, 'dashboard-dpo-metrics.jsonl');
const dpoRecorded: RunEvent[] = fs
  .readFileSync(dpoFixture, 'utf8')
  .split('\n')
  .flatMap((line, index) => parseRunEventLine(line, `${dpoFixture}:${index + 1}`) ?? []);
const dpoLive = dpoRecorded.filter((event) => event.type !== 'done');
const dpoSteps = Math.max(...dpoRecorded.map((event) => ('step' in event ? event.step : 0)));
const dpoRun: DashboardRun = {
  name: 'tiny-dpo',
  runDir: '/workspace/.finetune/runs/tiny-dpo',
  status: 'running',
  config: { model: 'models/tiny', data: 'data/pairs.jsonl', method: 'lora', objective: 'dpo', beta: 0.1, rank: 8 },
  resolved: { totalSteps: dpoSteps, device: 'cpu' },
};
const dpoSnapshotAfter = (events: RunEvent[]) => Object.assign(snapshotOf(events), { totalSteps: dpoSteps, device: 'cpu' });
const figure = (page: Page, key: string) => page.locator(`[data-figure="${key}"]`);

describe('training dashboard webview', { skip: fs.existsSync(chromiumPath) ? false : `${chromiumPath} is not installed` }, () => {
  let browser: Browser;
  let page: { dir: string; url: string };

  before(async () => {
    page = await buildDashboardPage();
    browser = await launchChromium();
    fs.mkdirSync(screenshotDir, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    if (page) fs.rmSync(page.dir, { recursive: true, force: true });
  });

  it('says ready, then draws a curve that grows as events stream in', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    assert.deepEqual(await dashboard.posted(), [{ type: 'ready' }]);
    const firstPart = live.slice(0, 20);
    await dashboard.send({ type: 'init', run, events: firstPart, snapshot: snapshotAfter(firstPart) });
    await settle(dashboard.page);
    const trainColour = themeVariables('dark')['--vscode-charts-blue'];
    const before = await curvePixels(dashboard.page, 'Loss', trainColour);
    // Stream the rest in small batches, as the host forwards worker notifications.
    for (let index = 20; index < live.length; index += 10) {
      const batch = live.slice(index, index + 10);
      await dashboard.send({ type: 'events', events: batch, snapshot: snapshotAfter(live.slice(0, index + 10)) });
    }
    await settle(dashboard.page);
    const afterStreaming = await curvePixels(dashboard.page, 'Loss', trainColour);
    // The step axis fits the steps so far: the first 20 of 120 steps already span the chart, and so do all of them.
    assert.ok(before.count > 0 && before.right > 0.85, `the first steps span the chart (${JSON.stringify(before)})`);
    assert.ok(afterStreaming.right > 0.85, `the curve reached the end (${JSON.stringify(afterStreaming)})`);
    const stepFigure = await dashboard.page.textContent('[data-figure="step"] dd');
    assert.equal(stepFigure, `${totalSteps} / ${totalSteps}`);
    // Samples at eval steps (the recorded trainer writes none yet): shown newest first, as text.
    const samples: RunEvent[] = [
      { type: 'sample', step: 10, prompt: 'What is the capital of France?', completion: '<b>Paris</b> Paris' },
      { type: 'sample', step: 20, prompt: 'What do bees make?', completion: 'Honey.' },
    ];
    await dashboard.send({ type: 'events', events: samples, snapshot: snapshotAfter(live) });
    assert.equal(await dashboard.page.locator('#samples .sample').count(), 2);
    assert.equal(await dashboard.page.textContent('#samples .sample h4'), 'Step 20');
    assert.equal(await dashboard.page.locator('#samples .sample b').count(), 0, 'sample text is never parsed as HTML');
    const progress = await dashboard.page.evaluate(() => {
      const bar = document.getElementById('progress') as HTMLElement & { value?: number; max: number };
      return { value: bar.value, max: bar.max };
    });
    assert.deepEqual(progress, { value: totalSteps, max: totalSteps });
    assert.deepEqual(await dashboard.cspViolations(), []);
    assert.deepEqual(dashboard.errors, []);
    await dashboard.page.close();
  });

  it('fits the step axis to the steps so far in a long run; the whole run is one click away and remembered', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    const plannedSteps = 100_000;
    const firstSteps: RunEvent[] = Array.from({ length: 200 }, (_, index) => ({
      type: 'step', step: index + 1, loss: 3 * Math.exp(-index / 60) + 0.5 + 0.05 * Math.sin(index), lr: 1e-4, tokens: 0, tokensPerSecond: 900, elapsedMs: index * 10,
    }));
    await dashboard.send({ type: 'init', run: { ...run, resolved: { totalSteps: plannedSteps } }, events: firstSteps, snapshot: { ...snapshotOf(firstSteps), totalSteps: plannedSteps } });
    await settle(dashboard.page);
    const blue = themeVariables('dark')['--vscode-charts-blue'];
    const fitted = await curvePixels(dashboard.page, 'Loss', blue);
    // (the canvas holds the y axis too: the plot starts some 7% from its left edge)
    assert.ok(fitted.right - fitted.left > 0.8 && fitted.count > 300, `200 of 100,000 steps span the chart (${JSON.stringify(fitted)})`);
    await dashboard.page.screenshot({ path: path.join(screenshotDir, 'dashboard-long-run-fitted.png'), fullPage: true });

    await dashboard.page.click('#step-axis');
    await settle(dashboard.page);
    const whole = await curvePixels(dashboard.page, 'Loss', blue);
    assert.ok(whole.count > 0 && whole.right - whole.left < 0.02, `the whole run makes them a sliver (${JSON.stringify(whole)})`);
    assert.equal(await dashboard.page.getAttribute('#step-axis', 'aria-pressed'), 'true');
    await dashboard.page.screenshot({ path: path.join(screenshotDir, 'dashboard-long-run-whole.png'), fullPage: true });
    const state = await dashboard.savedState();
    assert.equal(state?.wholeRun, true);

    await dashboard.page.click('#step-axis');
    await settle(dashboard.page);
    assert.ok((await curvePixels(dashboard.page, 'Loss', blue)).right > 0.9, 'and back');
    await dashboard.page.close();

    const shownAgain = await openDashboard(browser, page.url, 'dark', state);
    assert.equal(await shownAgain.page.getAttribute('#step-axis', 'aria-pressed'), 'true', 'the choice survives hiding');
    assert.deepEqual(shownAgain.errors, []);
    await shownAgain.page.close();
  });

  it('posts typed actions from its buttons and disables the ones that do not apply', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    await dashboard.send({ type: 'init', run, events: live.slice(0, 30), snapshot: snapshotAfter(live.slice(0, 30)) });
    assert.equal(await dashboard.page.locator('#resume').getAttribute('disabled'), '');
    await dashboard.page.click('#stop');
    await dashboard.page.click('#open-folder');
    await dashboard.send({ type: 'status', status: 'cancelled', snapshot: snapshotAfter(live.slice(0, 30)) });
    await dashboard.page.click('#resume');
    await dashboard.page.click('#stop', { force: true }); // disabled now: posts nothing
    assert.deepEqual(await dashboard.posted(), [{ type: 'ready' }, { type: 'stop' }, { type: 'openFolder' }, { type: 'resume' }]);
    assert.equal(await dashboard.page.getAttribute('#run-status', 'data-status'), 'cancelled');
    await dashboard.page.close();
  });

  it('shows a crashed run with the worker\'s last output lines', async () => {
    const dashboard = await openDashboard(browser, page.url, 'light');
    const events = live.slice(0, 50);
    await dashboard.send({ type: 'init', run, events, snapshot: snapshotAfter(events) });
    const logTail = ['step 42 ok', 'Error: onnxruntime: out of memory', '    at Session.run'];
    await dashboard.send({ type: 'status', status: 'error', snapshot: snapshotAfter(events), failure: { message: 'The engine worker exited with code 1.', logTail } });
    assert.equal(await dashboard.page.isVisible('#failure'), true);
    assert.equal(await dashboard.page.textContent('#failure-log'), logTail.join('\n'));
    assert.equal(await dashboard.page.locator('#resume').getAttribute('disabled'), null);
    await dashboard.page.screenshot({ path: path.join(screenshotDir, 'dashboard-failed-light.png'), fullPage: true });
    await dashboard.page.close();
  });

  it('keeps its view state for VS Code and restores it when shown again', async () => {
    const first = await openDashboard(browser, page.url, 'dark');
    await first.send({ type: 'init', run, events: live.slice(0, 10), snapshot: snapshotAfter(live.slice(0, 10)) });
    await first.page.click('#config-section >> text=Configuration');
    const state = await first.savedState();
    assert.equal(state?.runDir, run.runDir);
    assert.equal(state?.configOpen, true);
    await first.page.close();
    const shownAgain = await openDashboard(browser, page.url, 'dark', state);
    assert.equal(await shownAgain.page.evaluate(() => (document.getElementById('config-section') as HTMLElement & { open: boolean }).open), true);
    assert.deepEqual(await shownAgain.posted(), [{ type: 'ready' }]);
    await shownAgain.page.close();
  });

  it('overlays another run\'s loss curves for comparison, and removes them', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    await dashboard.send({ type: 'init', run, events: live, snapshot: snapshotAfter(live) });
    const other = live.filter((event) => event.type === 'step' || event.type === 'eval').map((event) => ('loss' in event ? { ...event, loss: event.loss + 0.1 } : event));
    await dashboard.send({ type: 'compare', name: 'other-run', events: other.slice(0, 60) });
    await settle(dashboard.page);
    const red = themeVariables('dark')['--vscode-charts-red'];
    const overlay = await curvePixels(dashboard.page, 'Loss', red);
    assert.ok(overlay.count > 50 && overlay.right < 0.6, `the other run's first half is drawn (${JSON.stringify(overlay)})`);
    assert.match((await dashboard.page.textContent('section[aria-label="Loss"] .u-legend')) ?? '', /other-run train/);
    await dashboard.send({ type: 'compare' });
    await settle(dashboard.page);
    assert.equal((await curvePixels(dashboard.page, 'Loss', red)).count, 0);
    assert.deepEqual(dashboard.errors, []);
    await dashboard.page.close();
  });

  it('draws thousands of points in one message without errors', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    const many: RunEvent[] = Array.from({ length: 5000 }, (_, index) => ({
      type: 'step', step: index + 1, loss: 3 * Math.exp(-index / 800) + 0.5 + 0.1 * Math.sin(index), lr: 1e-4, tokens: 0, tokensPerSecond: 900 + (index % 50), elapsedMs: index * 10,
    }));
    await dashboard.send({ type: 'init', run: { ...run, resolved: { totalSteps: 5000 } }, events: many, snapshot: { ...snapshotOf(many), totalSteps: 5000 } });
    await settle(dashboard.page);
    assert.ok((await curvePixels(dashboard.page, 'Loss', themeVariables('dark')['--vscode-charts-blue'])).count > 500);
    assert.equal(await dashboard.page.textContent('[data-figure="step"] dd'), '5000 / 5000');
    assert.deepEqual(dashboard.errors, []);
    await dashboard.page.close();
  });

  it('an sft run has no Preference chart and no reward figures', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    await dashboard.send({ type: 'init', run: { ...run, config: { ...run.config, objective: 'sft' } }, events: live, snapshot: snapshotAfter(live) });
    await settle(dashboard.page);
    const charts = await dashboard.page.locator('section.chart').evaluateAll((sections) => sections.map((section) => section.getAttribute('aria-label')));
    assert.deepEqual(charts, ['Loss', 'Learning rate', 'Tokens/s']);
    assert.equal(await dashboard.page.textContent('section[aria-label="Loss"] h3'), 'Loss');
    assert.equal(await figure(dashboard.page, 'loss').locator('dt').textContent(), 'Loss');
    assert.equal(await figure(dashboard.page, 'eval-loss').locator('dt').textContent(), 'Eval loss');
    for (const key of ['rewards-chosen', 'rewards-rejected', 'accuracy']) assert.equal(await figure(dashboard.page, key).count(), 0, key);
    assert.deepEqual(dashboard.errors, []);
    await dashboard.page.close();
  });

  it('a dpo run gets a Preference chart (margin and accuracy, train and eval) and its rewards among the figures', async () => {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    // Before the first step: no preference data yet, so no chart; the loss is already named for what it is.
    await dashboard.send({ type: 'init', run: dpoRun, events: [], snapshot: dpoSnapshotAfter([]) });
    await settle(dashboard.page);
    assert.equal(await dashboard.page.locator('section[aria-label="Preference"]').count(), 0);
    assert.equal(await figure(dashboard.page, 'loss').locator('dt').textContent(), 'DPO loss');
    assert.equal(await dashboard.page.textContent('section[aria-label="Loss"] h3'), 'Loss (DPO)');

    // Streamed as the host forwards them: the chart appears with the first step that carries preference metrics.
    for (let index = 0; index < dpoLive.length; index += 8) {
      const batch = dpoLive.slice(index, index + 8);
      await dashboard.send({ type: 'events', events: batch, snapshot: dpoSnapshotAfter(dpoLive.slice(0, index + 8)) });
    }
    await settle(dashboard.page);
    const charts = await dashboard.page.locator('section.chart').evaluateAll((sections) => sections.map((section) => section.getAttribute('aria-label')));
    assert.deepEqual(charts, ['Loss', 'Preference', 'Learning rate', 'Tokens/s']);
    const colours = themeVariables('dark');
    const margin = await curvePixels(dashboard.page, 'Preference', colours['--vscode-charts-green']);
    const accuracy = await curvePixels(dashboard.page, 'Preference', colours['--vscode-charts-purple']);
    const evalPoints = await curvePixels(dashboard.page, 'Preference', colours['--vscode-charts-orange']);
    assert.ok(margin.count > 100 && margin.right - margin.left > 0.7, `the margin curve spans the run (${JSON.stringify(margin)})`);
    assert.ok(accuracy.count > 100 && accuracy.right - accuracy.left > 0.7, `the accuracy curve spans the run (${JSON.stringify(accuracy)})`);
    assert.ok(evalPoints.count > 20, `eval margins are drawn (${JSON.stringify(evalPoints)})`);
    const legend = (await dashboard.page.textContent('section[aria-label="Preference"] .u-legend')) ?? '';
    for (const label of ['margin', 'accuracy', 'eval margin', 'eval accuracy']) assert.match(legend, new RegExp(label));

    // The figures: the last step's rewards and accuracy (dashboard-dpo-metrics.jsonl's step 60).
    const last = dpoLive.filter((event) => event.type === 'step').at(-1)!;
    assert.equal(last.type, 'step');
    if (last.type !== 'step') return;
    assert.equal(await figure(dashboard.page, 'rewards-chosen').locator('dd').textContent(), last.rewardsChosen!.toFixed(3));
    assert.equal(await figure(dashboard.page, 'rewards-rejected').locator('dd').textContent(), last.rewardsRejected!.toFixed(3));
    assert.equal(await figure(dashboard.page, 'accuracy').locator('dd').textContent(), `${(last.accuracy! * 100).toFixed(0)}%`);
    assert.equal(await figure(dashboard.page, 'loss').locator('dd').textContent(), last.loss.toFixed(4));
    assert.equal(await figure(dashboard.page, 'eval-loss').locator('dt').textContent(), 'Eval DPO loss');
    await dashboard.page.screenshot({ path: path.join(screenshotDir, 'dashboard-dpo-dark.png'), fullPage: true });

    // Shown again after being hidden: one init with the whole history draws the chart at once.
    await dashboard.send({ type: 'init', run: { ...dpoRun, status: 'done' }, events: dpoRecorded, snapshot: dpoSnapshotAfter(dpoRecorded) });
    await settle(dashboard.page);
    assert.ok((await curvePixels(dashboard.page, 'Preference', colours['--vscode-charts-green'])).count > 100);
    // …and a different (sft) run's init in the same page removes it again.
    await dashboard.send({ type: 'init', run, events: live, snapshot: snapshotAfter(live) });
    await settle(dashboard.page);
    assert.equal(await dashboard.page.locator('section[aria-label="Preference"]').count(), 0);
    assert.equal(await figure(dashboard.page, 'rewards-chosen').count(), 0);
    assert.equal(await dashboard.page.textContent('section[aria-label="Loss"] h3'), 'Loss');
    assert.deepEqual(await dashboard.cspViolations(), []);
    assert.deepEqual(dashboard.errors, []);
    await dashboard.page.close();
  });

  it('draws the Preference chart from step metrics alone when a run has no eval set', async () => {
    const dashboard = await openDashboard(browser, page.url, 'light');
    const stepsOnly = dpoLive.filter((event) => event.type === 'step');
    await dashboard.send({ type: 'init', run: { ...dpoRun, config: { ...dpoRun.config, objective: undefined } }, events: stepsOnly, snapshot: dpoSnapshotAfter(stepsOnly) });
    await settle(dashboard.page);
    const colours = themeVariables('light');
    assert.ok((await curvePixels(dashboard.page, 'Preference', colours['--vscode-charts-green'])).count > 100);
    assert.equal((await curvePixels(dashboard.page, 'Preference', colours['--vscode-charts-orange'])).count, 0, 'no eval points');
    // The step events say it is preference tuning even where the configuration does not.
    assert.equal(await figure(dashboard.page, 'loss').locator('dt').textContent(), 'DPO loss');
    assert.equal(await dashboard.page.textContent('section[aria-label="Loss"] h3'), 'Loss (DPO)');
    await dashboard.page.screenshot({ path: path.join(screenshotDir, 'dashboard-dpo-light.png'), fullPage: true });
    assert.deepEqual(dashboard.errors, []);
    await dashboard.page.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeKind[]) {
    it(`follows the ${theme} theme`, async () => {
      const dashboard = await openDashboard(browser, page.url, theme);
      await dashboard.send({ type: 'init', run: { ...run, status: 'done' }, events: recorded, snapshot: snapshotAfter(recorded) });
      await dashboard.send({ type: 'status', status: 'done', snapshot: snapshotAfter(recorded) });
      await settle(dashboard.page);
      const colours = themeVariables(theme);
      const background = await dashboard.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, hexToRgb(colours['--vscode-editor-background']));
      assert.ok((await curvePixels(dashboard.page, 'Loss', colours['--vscode-charts-blue'])).count > 100, 'train curve in the theme colour');
      assert.ok((await curvePixels(dashboard.page, 'Loss', colours['--vscode-charts-orange'])).count > 10, 'eval points in the theme colour');
      const file = path.join(screenshotDir, `dashboard-${theme}.png`);
      await dashboard.page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10_000);
      assert.deepEqual(await dashboard.cspViolations(), []);
      assert.deepEqual(dashboard.errors, []);
      await dashboard.page.close();
    });
  }
});

function hexToRgb(hex: string): string {
  const [red, green, blue] = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
  return `rgb(${red}, ${green}, ${blue})`;
}
