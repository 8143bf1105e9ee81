// The open datasets. Each keeps the client's text as lines (for rebuilding with new settings and for conversion) and
// the service's DatasetDocument, which receives the same incremental changes and revalidates in milliseconds.
// Settings arrive asynchronously: a document is (re)built once they are known, from the text as it is by then.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ContentChange, DatasetDocument } from '../../../datasets/src/api';
import type { DatasetSettings, HoverInfo, Position } from '../../../contracts/src/dataset-types';
import { FindingIndex } from './diagnostics';
import { LineBreakMapping } from './line-breaks';
import { LineText } from './line-text';
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
  /** The line-break mapping of the current text version, null when the client's lines are the service's. */
  private mapping: { version: number; value: LineBreakMapping | null } | undefined;

  constructor(readonly text: LineText) {}

  /** Built once per version, and only for the rare text with a lone '\r' (from the whole text: positions by offset). */
  private lineBreaks(): LineBreakMapping | null {
    if (this.mapping?.version !== this.text.version) {
      const editor = this.text.hasLoneCarriageReturn ? TextDocument.create(this.uri, 'jsonl', this.text.version, this.text.getText()) : null;
      this.mapping = { version: this.text.version, value: editor ? new LineBreakMapping(editor) : null };
    }
    return this.mapping.value;
  }

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
  async applyChanges(received: ContentChange[], version: number): Promise<void> {
    let changes = received.map(wholePositions);
    const mappedBefore = this.text.hasLoneCarriageReturn;
    this.text.update(changes, version);
    // With a lone '\r' on either side of the edit the client's positions are not the service's: hand it the text.
    if (mappedBefore || this.text.hasLoneCarriageReturn) changes = [{ text: this.text.getText() }];
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
    if (!this.index || this.index.version !== this.text.version) {
      const mapping = this.lineBreaks();
      const findings = document.findings();
      this.index = new FindingIndex(this.text.version, mapping ? findings.map((finding) => mapping.findingToEditor(finding)) : findings);
    }
    return this.index;
  }

  /** The hover at a client position, its range in client positions. */
  async hover(position: Position): Promise<HoverInfo | null> {
    const document = await this.dataset();
    const mapping = this.lineBreaks();
    const hover = document.hover(mapping ? mapping.toService(position) : position);
    return hover && mapping ? { ...hover, range: mapping.toEditorRange(hover.range) } : hover;
  }

  async setLosses(losses: ReadonlyMap<number, number> | null): Promise<void> {
    this.losses = losses;
    (await this.dataset()).setLosses(losses);
    this.index = undefined;
  }
}

/**
 * LSP positions are unsigned integers; a client that sends 2.5 or -1 would make TextDocument keep fractional line
 * offsets (every later position drifts) while the service rounds its own way. Both get the same whole numbers.
 */
function wholePositions(change: ContentChange): ContentChange {
  if (!change.range) return change;
  const whole = (value: number) => (Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);
  const position = ({ line, character }: Position): Position => ({ line: whole(line), character: whole(character) });
  return { range: { start: position(change.range.start), end: position(change.range.end) }, text: change.text };
}
