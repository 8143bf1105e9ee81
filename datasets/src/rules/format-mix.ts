// format-mix: the file as a whole mixes several formats (the records that deviate get mixed-format each); shown on
// line 1 with the counts.
import { FORMAT_ORDER } from '../line/formats';
import type { RuleMeta } from './meta';
import type { DatasetView } from './rule';

export const meta: RuleMeta = {
  id: 'format-mix',
  defaultSeverity: 'info',
  scope: 'dataset',
  description: 'The file mixes several dataset formats; the finding on line 1 lists how many records use each.',
};

export function judge({ formats }: DatasetView): string | null {
  // ties in the formats' own order, not the order counts were first made (an open document's history would show)
  const used = FORMAT_ORDER.flatMap((format) => ((formats[format] ?? 0) > 0 ? [[format, formats[format]!] as const] : [])).sort((a, b) => b[1] - a[1]);
  if (used.length < 2) return null;
  return `the file mixes ${used.length} formats: ${used.map(([format, count]) => `${count} ${format}`).join(', ')}`;
}
