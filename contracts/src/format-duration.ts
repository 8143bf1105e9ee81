// How long something took or has left, for people: one function, in milliseconds, for the CLI, the extension and
// the webviews. Two styles because the places read differently: a ticking `clock` beside progress figures, and
// `units` for a figure in a table, a status bar or a dashboard tile.
export type DurationStyle = 'clock' | 'units';

/** `clock`: `3:05`, `1:02:05`. `units`: `45s`, `3m 05s`, `1h 02m`. Unknown (undefined, negative, not finite): `--:--`. */
export function formatDuration(ms: number | undefined, style: DurationStyle): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '--:--';
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (style === 'clock') return hours > 0 ? `${hours}:${twoDigits(minutes % 60)}:${twoDigits(seconds % 60)}` : `${minutes}:${twoDigits(seconds % 60)}`;
  if (seconds < 60) return `${seconds}s`;
  if (minutes < 60) return `${minutes}m ${twoDigits(seconds % 60)}s`;
  return `${hours}h ${twoDigits(minutes % 60)}m`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
