// Entry of the untrusted-workspace integration suite (bundled to out/e2e/suite/untrusted.js; exports run()).
import { resultsPath, runRegistered } from './harness';
import './untrusted.e2e';

export function run(): Promise<void> {
  return runRegistered('untrusted', resultsPath(__dirname, 'untrusted'));
}
