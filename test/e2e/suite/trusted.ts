// Entry of the trusted-workspace integration suite (bundled to out/e2e/suite/trusted.js; exports run()).
import { resultsPath, runRegistered } from './harness';
import './activation.e2e';
import './diagnostics.e2e';
import './quick-fix.e2e';
import './settings.e2e';
import './commands.e2e';
import './preview.e2e';
import './export.e2e';

export function run(): Promise<void> {
  return runRegistered('trusted', resultsPath(__dirname, 'trusted'));
}
