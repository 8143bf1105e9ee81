// Byte-level BPE training (GPT-2 style): text is split by the GPT-2 pre-tokenizer pattern, each piece becomes its
// UTF-8 bytes written as printable characters (bytes_to_unicode), and the most frequent adjacent pair is merged
// until the vocabulary is full or no pair occurs twice. Ties break on the pair's text, so training is deterministic.

/** GPT-2's pre-tokenizer pattern, the one the ByteLevel pre-tokenizer applies with use_regex. */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the others to code points from 256 up. */
export function byteToUnicodeTable(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  for (const b of printable) table[b] = String.fromCodePoint(b);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + extra++);
  }
  return table;
}

export interface TrainedBpe {
  /** Token text (byte-level characters) → id; ids 0–255 are the single bytes in byte order. */
  vocab: Map<string, number>;
  /** Merges in rank order, as "left right". */
  merges: string[];
}

interface Word {
  symbols: string[];
  count: number;
}

export function trainByteLevelBpe(corpus: readonly string[], maxVocab: number): TrainedBpe {
  const table = byteToUnicodeTable();
  const encoder = new TextEncoder();
  const wordCounts = new Map<string, number>();
  for (const text of corpus) {
    for (const match of text.matchAll(GPT2_PATTERN)) {
      const piece = Array.from(encoder.encode(match[0]), (b) => table[b]).join('');
      wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
    }
  }
  const words: Word[] = [...wordCounts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([w, count]) => ({ symbols: Array.from(w), count }));
  const vocab = new Map<string, number>(table.map((symbol, byte) => [symbol, byte]));
  const merges: string[] = [];
  const pairCounts = countPairs(words);
  while (vocab.size < maxVocab) {
    const best = bestPair(pairCounts);
    if (!best) break;
    const [left, right] = best.split(' ');
    const merged = left + right;
    merges.push(best);
    if (!vocab.has(merged)) vocab.set(merged, vocab.size);
    for (const word of words) applyMerge(word, left, right, merged, pairCounts);
  }
  return { vocab, merges };
}

function countPairs(words: Word[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words) {
    for (let i = 0; i + 1 < word.symbols.length; i++) addPair(counts, `${word.symbols[i]} ${word.symbols[i + 1]}`, word.count);
  }
  return counts;
}

function addPair(counts: Map<string, number>, pair: string, delta: number): void {
  const next = (counts.get(pair) ?? 0) + delta;
  if (next > 0) counts.set(pair, next);
  else counts.delete(pair);
}

function bestPair(counts: Map<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [pair, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && pair < best)) {
      best = pair;
      bestCount = count;
    }
  }
  return best;
}

/** Replaces left+right by merged in one word, keeping the pair counts up to date. */
function applyMerge(word: Word, left: string, right: string, merged: string, counts: Map<string, number>): void {
  const s = word.symbols;
  let i = 0;
  while (i + 1 < s.length) {
    if (s[i] !== left || s[i + 1] !== right) {
      i++;
      continue;
    }
    if (i > 0) {
      addPair(counts, `${s[i - 1]} ${left}`, -word.count);
      addPair(counts, `${s[i - 1]} ${merged}`, word.count);
    }
    if (i + 2 < s.length) {
      addPair(counts, `${right} ${s[i + 2]}`, -word.count);
      addPair(counts, `${merged} ${s[i + 2]}`, word.count);
    }
    addPair(counts, `${left} ${right}`, -word.count);
    s.splice(i, 2, merged);
    i++;
  }
}
