// A uPlot bar histogram of bucketed counts with an optional vertical limit line (the max sequence length).
// Buckets are drawn as categories (x = bucket index) so uneven bucket widths still read as one bar each;
// the limit line sits proportionally inside the bucket that contains it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { themeColor } from './theme';

export interface HistogramInput {
  /** Upper bound of each bucket; the first bucket starts at 0. */
  bucketEdges: number[];
  counts: number[];
  /** Draw a limit line at this value and colour the buckets above it. */
  limit?: number;
  xLabel: string;
  yLabel: string;
}

export interface Histogram {
  /** Fits the chart to its host's current width. */
  resize(): void;
  destroy(): void;
}

const HEIGHT = 220;

/** Where `value` falls on the category axis: bucket i spans [i - 0.5, i + 0.5]. */
export function limitPosition(bucketEdges: number[], value: number): number {
  let lower = 0;
  for (let i = 0; i < bucketEdges.length; i++) {
    const upper = bucketEdges[i];
    if (value <= upper) return i - 0.5 + (upper > lower ? (value - lower) / (upper - lower) : 1);
    lower = upper;
  }
  return bucketEdges.length - 0.5;
}

function bucketLabel(edges: number[], index: number): string {
  const lower = index === 0 ? 0 : edges[index - 1];
  return `${formatCount(lower)}–${formatCount(edges[index])}`;
}

export function formatCount(value: number): string {
  if (!Number.isInteger(value)) return String(+value.toPrecision(3));
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${+(value / 1e3).toFixed(1)}k`;
  return String(value);
}

export function createHistogram(host: HTMLElement, input: HistogramInput): Histogram {
  const { bucketEdges, counts, limit } = input;
  const xs = counts.map((_, i) => i);
  // Two series so buckets past the limit take the error colour; each bucket has a value in exactly one of them.
  const lowerOf = (i: number) => (i === 0 ? 0 : bucketEdges[i - 1]);
  const within = counts.map((c, i) => (limit === undefined || lowerOf(i) < limit ? c : null));
  const over = counts.map((c, i) => (limit !== undefined && lowerOf(i) >= limit ? c : null));
  const foreground = themeColor('--vscode-foreground', '#cccccc');
  const grid = themeColor('--vscode-panel-border', 'rgba(128,128,128,0.35)');
  const bars = uPlot.paths.bars!({ size: [0.85, 64], gap: 1 });
  const barSeries = (label: string, color: string): uPlot.Series => ({
    label,
    fill: color,
    stroke: color,
    width: 0,
    paths: bars,
    points: { show: false },
  });
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: foreground,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: '11px var(--vscode-font-family, sans-serif)',
    labelFont: '11px var(--vscode-font-family, sans-serif)',
  });
  const limitColor = themeColor('--vscode-errorForeground', '#f48771');
  const options: uPlot.Options = {
    width: Math.max(240, host.clientWidth),
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: { time: false, range: () => [-0.5, Math.max(0.5, counts.length - 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
    axes: [
      {
        ...axis(input.xLabel),
        grid: { show: false },
        splits: () => xs,
        values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && i < bucketEdges.length ? bucketLabel(bucketEdges, i) : '')),
        rotate: counts.length > 8 ? -35 : 0,
        size: counts.length > 8 ? 56 : 36,
      },
      { ...axis(input.yLabel), values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? formatCount(v) : '')) },
    ],
    series: [
      {},
      barSeries('within limit', themeColor('--vscode-charts-blue', '#3794ff')),
      barSeries('over limit', limitColor),
    ],
    hooks: {
      draw: [
        (u) => {
          if (limit === undefined) return;
          const x = Math.round(u.valToPos(limitPosition(bucketEdges, limit), 'x', true));
          const { top, height } = u.bbox;
          const context = u.ctx;
          context.save();
          context.strokeStyle = limitColor;
          context.lineWidth = 2 * uPlot.pxRatio;
          context.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
          context.beginPath();
          context.moveTo(x, top);
          context.lineTo(x, top + height);
          context.stroke();
          // Label the line on the side with more room.
          context.setLineDash([]);
          context.fillStyle = limitColor;
          context.font = `${11 * uPlot.pxRatio}px sans-serif`;
          const label = `limit ${formatCount(limit)}`;
          const pad = 4 * uPlot.pxRatio;
          const rightHalf = x > u.bbox.left + u.bbox.width / 2;
          context.textAlign = rightHalf ? 'right' : 'left';
          context.textBaseline = 'top';
          context.fillText(label, rightHalf ? x - pad : x + pad, top + pad);
          context.restore();
        },
      ],
    },
  };
  const plot = new uPlot(options, [xs, within, over], host);
  return {
    resize: () => plot.setSize({ width: Math.max(240, host.clientWidth), height: HEIGHT }),
    destroy: () => plot.destroy(),
  };
}
