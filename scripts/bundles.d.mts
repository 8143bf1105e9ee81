// Types of scripts/bundles.mjs, for the TypeScript that imports it (tests).
import type { BuildOptions } from 'esbuild';

export const NODE_BUNDLES: ReadonlyArray<readonly [entry: string, file: string, external: string[]]>;
export function commonOptions(production?: boolean): BuildOptions;
export function nodeBundleOptions(entry: string, outfile: string, external: string[], production?: boolean): BuildOptions;
export function distBundleOptions(name: string, outfile: string, root?: string): BuildOptions;
