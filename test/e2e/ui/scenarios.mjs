// The UI scenarios in the order they run against one workbench (the VSIX installed in code-server). A scenario is
// { name, requires?, run({ page, userDataDir, workspace, shoot }) }: `requires` names the contributed command it
// needs (skipped, with the reason, while package.json lacks it); `shoot(name)` saves out/screenshots/e2e/<name>.png.
import { scenario as problems } from './problems.mjs';
import { scenario as hover } from './hover.mjs';
import { scenario as report } from './report.mjs';
import { scenario as training } from './training.mjs';
import { scenario as preference } from './preference.mjs';
import { scenario as preview } from './preview.mjs';

export const SCENARIOS = [problems, hover, report, training, preference, preview];
/** The smoke scenario: the one run against a deliberately broken VSIX, where it must fail. */
export const SMOKE = problems;
