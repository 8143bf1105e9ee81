// Types of requirements.mjs (plain JavaScript: `npm test` runs it before anything is built or type-checked).
export declare const BROWSER_TEST_PACKAGES: string[];
export declare const SKIP_VARIABLE: string;
export declare function installCommands(packages: string[]): string[];
export declare function browserTestPlan(machine: { missing: string[]; isRoot: boolean; hasAptGet: boolean; skip: boolean }):
  | { action: 'ok' }
  | { action: 'install'; commands: string[] }
  | { action: 'fail'; message: string };
