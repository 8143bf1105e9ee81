// The shape of what one part of the extension contributes to package.json. Each part exports one of these as
// plain data (no vscode imports, so scripts/contributions.ts can load it in Node); manifest.ts merges them.

export interface CommandContribution {
  command: string;
  title: string;
  category: string;
  icon?: string;
  enablement?: string;
}

export interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

/** One setting's JSON schema as VS Code reads it (type, default, scope, description, enum, bounds…). */
export type SettingSchema = Record<string, unknown>;

/** One titled group of the Settings editor. */
export interface SettingsSection {
  title: string;
  properties: Record<string, SettingSchema>;
}

export interface PartContributions {
  /** Activation events besides `onCommand:<id>`, which every command gets from the generator. */
  activationEvents?: readonly string[];
  commands?: readonly CommandContribution[];
  /** Menu id (`commandPalette`, `editor/title`…) → entries. */
  menus?: Readonly<Record<string, readonly MenuEntry[]>>;
  configuration?: readonly SettingsSection[];
  languages?: readonly unknown[];
  jsonValidation?: readonly unknown[];
  /** Container location (`activitybar`) → containers. */
  viewsContainers?: Readonly<Record<string, readonly unknown[]>>;
  /** Container id → views. */
  views?: Readonly<Record<string, readonly unknown[]>>;
  viewsWelcome?: readonly unknown[];
  keybindings?: readonly unknown[];
  /** Settings (full ids) VS Code marks as restricted in an untrusted workspace (package.json's capabilities). */
  restrictedConfigurations?: readonly string[];
}
