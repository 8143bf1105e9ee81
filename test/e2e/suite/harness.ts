// A minimal test runner for the extension host (mocha is not a dependency): files register tests with `test`, an
// entry module's `run()` executes them in order with a timeout each, logs TAP-like lines (they reach the browser
// console under code-server, stdout under Electron) and writes a JSON results file next to the bundle.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface RegisteredTest {
  name: string;
  body: () => unknown;
  timeoutMs: number;
}

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const registered: RegisteredTest[] = [];

export function test(name: string, body: () => unknown, timeoutMs = 60_000): void {
  registered.push({ name, body, timeoutMs });
}

async function withTimeout(promise: Promise<unknown>, timeoutMs: number, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${name}`)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every registered test; throws (so the workbench reports exit code 1) when any failed. */
export async function runRegistered(suiteName: string, resultsFile: string): Promise<void> {
  const results: TestResult[] = [];
  console.log(`# suite ${suiteName}: ${registered.length} tests`);
  for (const { name, body, timeoutMs } of registered) {
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(body), timeoutMs, name);
      results.push({ name, ok: true, ms: Date.now() - started });
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name, ok: false, ms: Date.now() - started, error: message });
      console.log(`not ok - ${name} (${Date.now() - started} ms)\n${message}`);
    }
  }
  writeFileSync(resultsFile, JSON.stringify({ suite: suiteName, results }, null, 2));
  const failed = results.filter((r) => !r.ok);
  console.log(`# ${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} tests failed: ${failed.map((r) => r.name).join('; ')}`);
}

/** Where an entry bundle writes its results: beside itself, named after the suite. */
export function resultsPath(bundleDir: string, suiteName: string): string {
  return join(bundleDir, `${suiteName}.results.json`);
}
