// Token ids → text deltas while generating. Byte-level BPE tokens can end in the middle of a UTF-8 character, so a
// decode that ends in U+FFFD is held back until the next token completes it (vLLM's incremental detokenisation:
// decode a short window and emit what the window adds beyond its read offset). Stop strings are matched on the text,
// and text that could still become a stop string is held back so no part of one is ever emitted.

export type DecodeFunction = (ids: readonly number[]) => string;

export interface TextDelta {
  /** New text to show (possibly empty while held back). */
  text: string;
  /** Set when a stop string appeared: the delta ends before it and generation should end. */
  stoppedBy?: string;
}

const REPLACEMENT = '\uFFFD';

export class IncrementalDecoder {
  private readonly ids: number[] = [];
  // Window [prefixOffset, readOffset) was already turned into text; tokens from readOffset on are pending.
  private prefixOffset = 0;
  private readOffset = 0;

  private readonly decode: DecodeFunction;

  constructor(decode: DecodeFunction) {
    // tokenizers.js refuses an empty id list; the empty window decodes to nothing.
    this.decode = (ids) => (ids.length === 0 ? '' : decode(ids));
  }

  /** The text the new token completes (empty while an incomplete character is pending). */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    if (fullText.length > prefixText.length && !fullText.endsWith(REPLACEMENT) && fullText.startsWith(prefixText)) {
      const delta = fullText.slice(prefixText.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return delta;
    }
    return '';
  }

  /** Whatever is still pending at the end (an incomplete character is emitted as decoded, U+FFFD and all). */
  flush(): string {
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return fullText.startsWith(prefixText) ? fullText.slice(prefixText.length) : '';
  }
}

/** Holds back text that might be the start of a stop string; cuts the stream at the first complete one. */
export class StopStringFilter {
  private pending = '';
  private readonly longest: number;

  constructor(private readonly stops: readonly string[]) {
    this.longest = stops.reduce((max, stop) => Math.max(max, stop.length), 0);
  }

  push(text: string): TextDelta {
    this.pending += text;
    if (this.stops.length === 0) return this.take(this.pending.length);
    let earliest = -1;
    let which: string | undefined;
    for (const stop of this.stops) {
      if (stop.length === 0) continue;
      const at = this.pending.indexOf(stop);
      if (at >= 0 && (earliest < 0 || at < earliest)) {
        earliest = at;
        which = stop;
      }
    }
    if (which !== undefined) {
      const delta = this.pending.slice(0, earliest);
      this.pending = '';
      return { text: delta, stoppedBy: which };
    }
    // Keep the longest suffix that is a proper prefix of some stop string.
    let hold = 0;
    for (let length = Math.min(this.longest - 1, this.pending.length); length > 0; length--) {
      const suffix = this.pending.slice(this.pending.length - length);
      if (this.stops.some((stop) => stop.startsWith(suffix))) {
        hold = length;
        break;
      }
    }
    return this.take(this.pending.length - hold);
  }

  /** End of generation without a stop string: release what was held back. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private take(count: number): TextDelta {
    const text = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    return { text };
  }
}
