// Merges the parts' contributions into package.json's `contributes` and `activationEvents`: part order, then each
// part's declaration order, so the generated manifest reads like the code that owns each entry.
import type { PartContributions } from './types';

export interface ManifestContributions {
  activationEvents: string[];
  contributes: Record<string, unknown>;
  /** capabilities.untrustedWorkspaces.restrictedConfigurations */
  restrictedConfigurations: string[];
}

// The order `contributes` lists its keys in: VS Code ignores it, a stable one keeps package.json's diffs small.
const CONTRIBUTION_KEYS = ['languages', 'jsonValidation', 'commands', 'keybindings', 'menus', 'configuration', 'viewsContainers', 'views', 'viewsWelcome'] as const;
// Keys whose value maps a menu, location or container id to a list (the others are lists).
const GROUPED_KEYS: ReadonlySet<string> = new Set(['menus', 'viewsContainers', 'views']);

type ContributionKey = (typeof CONTRIBUTION_KEYS)[number];

function merged(parts: readonly PartContributions[], key: ContributionKey): unknown[] | Record<string, unknown[]> {
  if (!GROUPED_KEYS.has(key)) return parts.flatMap((part) => [...((part[key] as readonly unknown[] | undefined) ?? [])]);
  const groups: Record<string, unknown[]> = {};
  for (const part of parts) {
    for (const [group, entries] of Object.entries((part[key] as Record<string, readonly unknown[]> | undefined) ?? {})) (groups[group] ??= []).push(...entries);
  }
  return groups;
}

export function manifestContributions(parts: readonly PartContributions[]): ManifestContributions {
  const contributes: Record<string, unknown> = {};
  for (const key of CONTRIBUTION_KEYS) {
    const value = merged(parts, key);
    if (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0) contributes[key] = value;
  }
  const activationEvents = parts.flatMap((part) => [...(part.activationEvents ?? []), ...(part.commands ?? []).map((command) => `onCommand:${command.command}`)]);
  const restrictedConfigurations = parts.flatMap((part) => [...(part.restrictedConfigurations ?? [])]);
  return { activationEvents: [...new Set(activationEvents)], contributes, restrictedConfigurations };
}
