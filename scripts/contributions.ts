// Writes package.json's `contributes`, `activationEvents` and untrusted-workspace restricted settings from the extension parts' data
// (extension/src/contributions/parts.ts), and the run configuration's JSON schema into schemas/. Everything else in
// package.json stays as it is. test/extension/contributions.test.ts fails while the files differ from what this writes.
// Usage: npm run contributions
import * as fs from 'node:fs';
import { writeFileAtomic } from '../engine/src/io/atomic-write';
import { manifestContributions } from '../extension/src/contributions/manifest';
import { EXTENSION_PARTS } from '../extension/src/contributions/parts';
import { runConfigurationSchemaPath, runConfigurationSchemaText } from '../extension/src/training/run-config';

export const MANIFEST_PATH = 'package.json';

/** The manifest with its generated keys replaced (in place: the keys keep their position). */
export function generatedManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  const { activationEvents, contributes, restrictedConfigurations } = manifestContributions(EXTENSION_PARTS);
  const capabilities = (manifest.capabilities ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const untrustedWorkspaces = { ...capabilities.untrustedWorkspaces, restrictedConfigurations };
  return { ...manifest, activationEvents, contributes, capabilities: { ...capabilities, untrustedWorkspaces } };
}

/** Every file this script writes, with the text it writes there. */
export function generatedFiles(): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, unknown>;
  return {
    [MANIFEST_PATH]: `${JSON.stringify(generatedManifest(manifest), null, 2)}\n`,
    [runConfigurationSchemaPath]: runConfigurationSchemaText(),
  };
}

if (process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1])) {
  const files = generatedFiles();
  // Through a temporary file and a rename: an editor or a watcher never reads half a package.json.
  for (const [file, text] of Object.entries(files)) writeFileAtomic(file, text);
  console.log(`wrote ${Object.keys(files).join(' and ')}`);
}
