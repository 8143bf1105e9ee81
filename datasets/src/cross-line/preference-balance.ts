// How the answers of a file's preference pairs compare in length, for the length-bias rule and the report. Ratios
// are kept as a histogram of their log2 (1/32 of an octave per bin, so the median is within about 1%), which an
// open document can add a line to and take one back from without keeping every pair.
import type { SideLengths } from '../line/preference-sides';
import type { PreferenceLengths } from '../../../contracts/src/dataset-types';

const BINS_PER_OCTAVE = 32;
/** Ratios beyond 2^±8 fall in the outermost bins: the median only needs to know they are far out. */
const OCTAVES = 8;
const CENTER = OCTAVES * BINS_PER_OCTAVE;

export class PreferenceBalance {
  private pairs = 0;
  private chosenLonger = 0;
  private chosenChars = 0;
  private rejectedChars = 0;
  private readonly bins = new Int32Array(2 * CENTER + 1);

  count(lengths: SideLengths | null, step: 1 | -1): void {
    // an empty answer has no length to compare (empty-field reports it)
    if (!lengths || lengths.chosen === 0 || lengths.rejected === 0) return;
    this.pairs += step;
    if (lengths.chosen > lengths.rejected) this.chosenLonger += step;
    this.chosenChars += step * lengths.chosen;
    this.rejectedChars += step * lengths.rejected;
    const bin = Math.round(Math.log2(lengths.chosen / lengths.rejected) * BINS_PER_OCTAVE);
    this.bins[CENTER + Math.max(-CENTER, Math.min(CENTER, bin))] += step;
  }

  summary(): PreferenceLengths {
    return { pairs: this.pairs, chosenLonger: this.chosenLonger, chosenChars: this.chosenChars, rejectedChars: this.rejectedChars, medianRatio: this.median() };
  }

  private median(): number | null {
    if (this.pairs === 0) return null;
    // the lower median: the bin holding the pair at rank ceil(pairs / 2)
    const rank = Math.ceil(this.pairs / 2);
    let seen = 0;
    for (let bin = 0; bin < this.bins.length; bin++) {
      seen += this.bins[bin];
      if (seen >= rank) return 2 ** ((bin - CENTER) / BINS_PER_OCTAVE);
    }
    return null;
  }
}
