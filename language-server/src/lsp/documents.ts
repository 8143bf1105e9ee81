// The open datasets. Each keeps the LSP text (for rebuilding with new settings and for conversion) and the
// service's DatasetDocument, which receives the same incremental changes and revalidates in milliseconds.
// Settings arrive asynchronously: a document is (re)built once they are known, from the text as it is by then.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ContentChange, DatasetDocument } from '../service/api';
import type { DatasetSettings } from '../service/types';
import { FindingIndex } from './diagnostics';
import type { ResolvedSettings } from './settings';

export type DocumentFactory = (uri: string, text: string, settings: DatasetSettings) => Promise<DatasetDocument>;

interface Built {
  document: DatasetDocument;
  /** The text version the document was created from: later changes must be applied to it, earlier ones not. */
  version: number;
}

export class OpenDataset {
  private built: Promise<Built> | undefined;
  private buildGeneration = 0;
  private losses: ReadonlyMap<number, number> | null = null;
  private index: FindingIndex | undefined;
  resolved: ResolvedSettings | undefined;

  constructor(public text: TextDocument) {}

  get uri(): string {
    return this.text.uri;
  }

  /** (Re)builds the service document with fresh settings, from the text as it is once the settings are known. */
  rebuild(settings: () => Promise<ResolvedSettings>, create: DocumentFactory): Promise<DatasetDocument> {
    const generation = ++this.buildGeneration;
    const building = (async (): Promise<Built> => {
      const resolved = await settings();
      const version = this.text.version;
      const document = await create(this.uri, this.text.getText(), resolved.settings);
      if (generation === this.buildGeneration) {
        this.resolved = resolved;
        this.index = undefined;
      }
      if (this.losses) document.setLosses(this.losses);
      return { document, version };
    })();
    this.built = building;
    return building.then((built) => built.document);
  }

  /** The current service document (waits for a pending build; a rebuild that starts meanwhile wins). */
  async dataset(): Promise<DatasetDocument> {
    let current: Promise<Built> | undefined;
    let built: Built | undefined;
    while (current !== this.built) {
      current = this.built;
      if (!current) throw new Error(`${this.uri} was never built`);
      built = await current;
    }
    return built!.document;
  }

  /** Applies an LSP didChange to the text now, and to the service document unless it was built after it. */
  async applyChanges(changes: ContentChange[], version: number): Promise<void> {
    this.text = TextDocument.update(this.text, changes, version);
    this.index = undefined;
    const pending = this.built;
    if (!pending) return;
    const built = await pending;
    // Changes are applied in arrival order (promise continuations run FIFO); a document created from a text that
    // already contained this change must not see it twice.
    if (version > built.version) {
      built.document.applyChanges(changes);
      built.version = version;
    }
  }

  /** Findings of the current version, indexed by diagnostic key; recomputed only when the text changed. */
  async findings(): Promise<FindingIndex> {
    const document = await this.dataset();
    if (!this.index || this.index.version !== this.text.version) this.index = new FindingIndex(this.text.version, document.findings());
    return this.index;
  }

  async setLosses(losses: ReadonlyMap<number, number> | null): Promise<void> {
    this.losses = losses;
    (await this.dataset()).setLosses(losses);
    this.index = undefined;
  }
}
