// The dashboard's live curves, drawn with uPlot (canvas; smooth at tens of thousands of points). Series live in plain
// growable arrays; a redraw is scheduled at most once per animation frame however fast events arrive. Colours come
// from VS Code's theme variables, re-read when the theme changes.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunEvent } from '../../../contracts/src/run/run-events';

interface ThemeColours {
  foreground: string;
  compare: string;
  grid: string;
  train: string;
  eval: string;
  lr: string;
  throughput: string;
}

function cssVariable(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function themeColours(): ThemeColours {
  return {
    foreground: cssVariable('--vscode-foreground', '#cccccc'),
    grid: cssVariable('--vscode-editorWidget-border', cssVariable('--vscode-panel-border', '#80808040')),
    train: cssVariable('--vscode-charts-blue', '#3794ff'),
    eval: cssVariable('--vscode-charts-orange', '#d18616'),
    lr: cssVariable('--vscode-charts-purple', '#b180d7'),
    throughput: cssVariable('--vscode-charts-green', '#89d185'),
    compare: cssVariable('--vscode-charts-red', '#f14c4c'),
  };
}

/** Step-indexed series, appended in order; eval points are aligned on the step axis with gaps elsewhere. */
export class RunSeries {
  steps: number[] = [];
  trainLoss: number[] = [];
  evalLoss: (number | null)[] = [];
  lr: number[] = [];
  tokensPerSecond: (number | null)[] = [];
  private readonly indexByStep = new Map<number, number>();

  add(event: RunEvent): boolean {
    if (event.type === 'step') {
      const index = this.indexFor(event.step);
      this.trainLoss[index] = event.loss;
      this.lr[index] = event.lr;
      this.tokensPerSecond[index] = Number.isFinite(event.tokensPerSecond) ? event.tokensPerSecond : null;
      return true;
    }
    if (event.type === 'eval') {
      this.evalLoss[this.indexFor(event.step)] = event.loss;
      return true;
    }
    return false;
  }

  // Steps arrive in increasing order; an eval at a step not logged (logEvery > 1) gets its own slot.
  private indexFor(step: number): number {
    const known = this.indexByStep.get(step);
    if (known !== undefined) return known;
    const index = this.steps.length;
    this.steps.push(step);
    this.trainLoss.push(NaN);
    this.evalLoss.push(null);
    this.lr.push(NaN);
    this.tokensPerSecond.push(null);
    this.indexByStep.set(step, index);
    return index;
  }
}

interface ChartSpec {
  title: string;
  series: (colours: ThemeColours) => uPlot.Series[];
  data: (series: RunSeries) => uPlot.AlignedData;
  /** Tick labels of the y axis, where the default would round small values to 0. */
  axisValues?: (plot: uPlot, values: number[]) => string[];
}

const nanToNull = (values: number[]): (number | null)[] => values.map((value) => (Number.isNaN(value) ? null : value));

const chartSpecs: ChartSpec[] = [
  {
    title: 'Loss',
    series: (colours) => [
      { label: 'step' },
      { label: 'train', stroke: colours.train, width: 1.5, spanGaps: true, points: { show: false } },
      { label: 'eval', stroke: colours.eval, width: 2, spanGaps: true, points: { show: true, size: 6, fill: colours.eval } },
    ],
    data: (series) => [series.steps, nanToNull(series.trainLoss), series.evalLoss],
  },
  {
    title: 'Learning rate',
    series: (colours) => [{ label: 'step' }, { label: 'lr', stroke: colours.lr, width: 1.5, spanGaps: true, value: (_plot, value) => (value == null ? '–' : value.toExponential(2)) }],
    axisValues: (_plot, values) => values.map((value) => (value === 0 ? '0' : value.toExponential(1))),
    data: (series) => [series.steps, nanToNull(series.lr)],
  },
  {
    title: 'Tokens/s',
    series: (colours) => [{ label: 'step' }, { label: 'tokens/s', stroke: colours.throughput, width: 1.5, spanGaps: true }],
    data: (series) => [series.steps, series.tokensPerSecond],
  },
];

/** The loss chart's data with another run's curves: both runs' steps merged on one sorted axis. */
function lossWithComparison(series: RunSeries, other: RunSeries): uPlot.AlignedData {
  const steps = [...new Set([...series.steps, ...other.steps])].sort((a, b) => a - b);
  const lookup = (source: RunSeries, values: (number | null)[]) => {
    const byStep = new Map(source.steps.map((step, index) => [step, values[index]]));
    return steps.map((step) => {
      const value = byStep.get(step);
      return value === undefined || Number.isNaN(value) ? null : value;
    });
  };
  return [steps, lookup(series, series.trainLoss), lookup(series, series.evalLoss), lookup(other, other.trainLoss), lookup(other, other.evalLoss)];
}

export class Charts {
  private plots: uPlot[] = [];
  private comparison: { name: string; series: RunSeries } | undefined;
  private frame = 0;
  private totalSteps = 0;
  private wholeRun = false;

  constructor(
    private readonly container: HTMLElement,
    private series: RunSeries,
  ) {
    this.build();
    new ResizeObserver(() => this.resize()).observe(container);
  }

  /** Redraws on the next animation frame (many events in one frame cost one redraw). */
  scheduleRedraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plots.forEach((plot, index) => plot.setData(this.dataOf(index)));
    });
  }

  /** The planned total, which the step axis spans when the whole run is asked for. */
  setTotalSteps(totalSteps: number | undefined): void {
    if ((totalSteps ?? 0) === this.totalSteps) return;
    this.totalSteps = totalSteps ?? 0;
    if (this.wholeRun) this.scheduleRedraw();
  }

  /**
   * The step axis fits the steps drawn so far by default: spanning the planned total left the first 200 steps of a
   * 100,000-step run a sliver at the left edge, and the progress bar and ETA already say how far the run is. The
   * whole run stays one click away.
   */
  showWholeRun(wholeRun: boolean): void {
    if (wholeRun === this.wholeRun) return;
    this.wholeRun = wholeRun;
    this.scheduleRedraw();
  }

  private stepRange(min: number | null, max: number | null): uPlot.Range.MinMax {
    if (this.wholeRun) return [Math.min(min ?? 1, 1), Math.max(max ?? 0, this.totalSteps, 2)];
    if (min === null || max === null) return [0, 1];
    return [min, max > min ? max : min + 1];
  }

  /** Overlays another run's loss curves on the loss chart (dashed), or removes them. */
  compareWith(comparison: { name: string; series: RunSeries } | undefined): void {
    this.comparison = comparison;
    this.build();
  }

  /** Draws another run's series (a fresh `init` after the page was shown again). */
  replaceSeries(series: RunSeries): void {
    this.series = series;
    this.scheduleRedraw();
  }

  /** Rebuilds with the current theme's colours (called when VS Code switches theme). */
  rebuild(): void {
    this.build();
  }

  private build(): void {
    for (const plot of this.plots) plot.destroy();
    this.container.replaceChildren();
    const colours = themeColours();
    const axis: uPlot.Axis = { stroke: colours.foreground, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 } };
    this.plots = chartSpecs.map((spec, index) => {
      const holder = document.createElement('section');
      holder.className = 'chart';
      holder.setAttribute('aria-label', spec.title);
      const heading = document.createElement('h3');
      heading.textContent = spec.title;
      holder.append(heading);
      this.container.append(holder);
      const options: uPlot.Options = {
        width: this.chartWidth(),
        height: 180,
        scales: { x: { time: false, range: (_plot, min, max) => this.stepRange(min, max) } },
        axes: [{ ...axis }, { ...axis, size: 64, ...(spec.axisValues ? { values: spec.axisValues } : {}) }],
        series: this.seriesOf(index, colours),
        cursor: { drag: { x: true, y: false } },
        legend: { live: true },
      };
      return new uPlot(options, this.dataOf(index), holder);
    });
  }

  private dataOf(index: number): uPlot.AlignedData {
    if (index === 0 && this.comparison) return lossWithComparison(this.series, this.comparison.series);
    return chartSpecs[index].data(this.series);
  }

  private seriesOf(index: number, colours: ThemeColours): uPlot.Series[] {
    const series = chartSpecs[index].series(colours);
    if (index !== 0 || !this.comparison) return series;
    const name = this.comparison.name;
    return [
      ...series,
      { label: `${name} train`, stroke: colours.compare, width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false } },
      { label: `${name} eval`, stroke: colours.compare, width: 2, spanGaps: true, points: { show: true, size: 6, fill: colours.compare } },
    ];
  }

  private chartWidth(): number {
    return Math.max(240, this.container.clientWidth || 600);
  }

  private resize(): void {
    const width = this.chartWidth();
    for (const plot of this.plots) if (plot.width !== width) plot.setSize({ width, height: 180 });
  }
}
