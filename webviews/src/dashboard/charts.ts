// The dashboard's live curves, drawn with uPlot (canvas; smooth at tens of thousands of points). Series live in plain
// growable arrays; a redraw is scheduled at most once per animation frame however fast events arrive. Colours come
// from VS Code's theme variables, re-read when the theme changes.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import { formatAccuracy, formatReward } from '../../../contracts/src/run/run-objective';
import type { Objective } from '../../../contracts/src/training-arguments';

interface ThemeColours {
  foreground: string;
  compare: string;
  grid: string;
  train: string;
  eval: string;
  lr: string;
  throughput: string;
  margin: string;
  accuracy: string;
  evalAccuracy: string;
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
    margin: cssVariable('--vscode-charts-green', '#89d185'),
    accuracy: cssVariable('--vscode-charts-purple', '#b180d7'),
    evalAccuracy: cssVariable('--vscode-charts-yellow', '#cca700'),
  };
}

/** Step-indexed series, appended in order; eval points are aligned on the step axis with gaps elsewhere. */
export class RunSeries {
  steps: number[] = [];
  trainLoss: number[] = [];
  evalLoss: (number | null)[] = [];
  lr: number[] = [];
  tokensPerSecond: (number | null)[] = [];
  /** Preference tuning (dpo): rewards margin and accuracy of train steps and of evals, null where a step has none. */
  margin: (number | null)[] = [];
  accuracy: (number | null)[] = [];
  evalMargin: (number | null)[] = [];
  evalAccuracy: (number | null)[] = [];
  /** Whether any event carried preference metrics: the Preference chart is shown only then. */
  hasPreference = false;
  private readonly indexByStep = new Map<number, number>();

  add(event: RunEvent): boolean {
    if (event.type === 'step') {
      const index = this.indexFor(event.step);
      this.trainLoss[index] = event.loss;
      this.lr[index] = event.lr;
      this.tokensPerSecond[index] = Number.isFinite(event.tokensPerSecond) ? event.tokensPerSecond : null;
      this.addPreference(index, event.margin, event.accuracy, this.margin, this.accuracy);
      return true;
    }
    if (event.type === 'eval') {
      const index = this.indexFor(event.step);
      this.evalLoss[index] = event.loss;
      this.addPreference(index, event.margin, event.accuracy, this.evalMargin, this.evalAccuracy);
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
    this.margin.push(null);
    this.accuracy.push(null);
    this.evalMargin.push(null);
    this.evalAccuracy.push(null);
    this.indexByStep.set(step, index);
    return index;
  }

  private addPreference(index: number, margin: number | undefined, accuracy: number | undefined, margins: (number | null)[], accuracies: (number | null)[]): void {
    if (typeof margin === 'number' && Number.isFinite(margin)) margins[index] = margin;
    if (typeof accuracy === 'number' && Number.isFinite(accuracy)) accuracies[index] = accuracy;
    if (margins[index] !== null || accuracies[index] !== null) this.hasPreference = true;
  }
}

interface ChartSpec {
  /** The section's aria-label; also its heading unless `heading` says otherwise. */
  title: string;
  heading?: (objective: Objective) => string;
  /** Shown only while this holds (default: always). */
  shown?: (series: RunSeries) => boolean;
  /** Extra y scales (by name) beyond the default 'y', each with its axis on the right. */
  rightScales?: { scale: string; range: uPlot.Scale['range']; values?: uPlot.Axis['values'] }[];
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
    heading: (objective) => (objective === 'dpo' ? 'Loss (DPO)' : 'Loss'),
    data: (series) => [series.steps, nanToNull(series.trainLoss), series.evalLoss],
  },
  {
    // Preference tuning: the reward margin (chosen − rejected, left axis) and the reward accuracy (share of pairs whose
    // chosen answer wins, 0–1 on the right axis), train as lines, eval as points.
    title: 'Preference',
    shown: (series) => series.hasPreference,
    rightScales: [{ scale: 'accuracy', range: [0, 1], values: (_plot, values) => values.map((value) => `${Math.round(value * 100)}%`) }],
    series: (colours) => [
      { label: 'step' },
      { label: 'margin', stroke: colours.margin, width: 1.5, spanGaps: true, points: { show: false }, value: (_plot, value) => (value == null ? '–' : formatReward(value)) },
      { label: 'accuracy', scale: 'accuracy', stroke: colours.accuracy, width: 1.5, dash: [5, 3], spanGaps: true, points: { show: false }, value: (_plot, value) => (value == null ? '–' : formatAccuracy(value)) },
      { label: 'eval margin', stroke: colours.eval, width: 2, spanGaps: true, points: { show: true, size: 6, fill: colours.eval }, value: (_plot, value) => (value == null ? '–' : formatReward(value)) },
      {
        label: 'eval accuracy', scale: 'accuracy', stroke: colours.evalAccuracy, width: 2, spanGaps: true, points: { show: true, size: 6, fill: colours.evalAccuracy },
        value: (_plot, value) => (value == null ? '–' : formatAccuracy(value)),
      },
    ],
    data: (series) => [series.steps, series.margin, series.accuracy, series.evalMargin, series.evalAccuracy],
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
  /** The charts drawn now, in order (the loss chart first): those whose `shown` holds for the series. */
  private specs: ChartSpec[] = [];
  private objective: Objective = 'sft';
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
      // A chart appears when its data first does (the Preference chart at a dpo run's first step).
      if (this.shownSpecs().length !== this.specs.length) this.build();
      else this.plots.forEach((plot, index) => plot.setData(this.dataOf(index)));
    });
  }

  /** What the run's loss is (run.json's objective): the loss chart is headed "Loss (DPO)" for dpo runs. */
  setObjective(objective: Objective): void {
    if (objective === this.objective) return;
    this.objective = objective;
    this.build();
  }

  private shownSpecs(): ChartSpec[] {
    return chartSpecs.filter((spec) => !spec.shown || spec.shown(this.series));
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
    if (this.shownSpecs().length !== this.specs.length) this.build();
    else this.scheduleRedraw();
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
    this.specs = this.shownSpecs();
    this.plots = this.specs.map((spec, index) => {
      const holder = document.createElement('section');
      holder.className = 'chart';
      holder.setAttribute('aria-label', spec.title);
      const heading = document.createElement('h3');
      heading.textContent = spec.heading?.(this.objective) ?? spec.title;
      const rightScales = spec.rightScales ?? [];
      holder.append(heading);
      this.container.append(holder);
      const options: uPlot.Options = {
        width: this.chartWidth(),
        height: 180,
        scales: {
          x: { time: false, range: (_plot, min, max) => this.stepRange(min, max) },
          ...Object.fromEntries(rightScales.map(({ scale, range }) => [scale, { range }])),
        },
        axes: [
          { ...axis },
          { ...axis, size: 64, ...(spec.axisValues ? { values: spec.axisValues } : {}) },
          ...rightScales.map(({ scale, values }): uPlot.Axis => ({ ...axis, scale, side: 1, size: 48, grid: { show: false }, ...(values ? { values } : {}) })),
        ],
        series: this.seriesOf(index, colours),
        cursor: { drag: { x: true, y: false } },
        legend: { live: true },
      };
      return new uPlot(options, this.dataOf(index), holder);
    });
  }

  private dataOf(index: number): uPlot.AlignedData {
    if (index === 0 && this.comparison) return lossWithComparison(this.series, this.comparison.series);
    return this.specs[index].data(this.series);
  }

  private seriesOf(index: number, colours: ThemeColours): uPlot.Series[] {
    const series = this.specs[index].series(colours);
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
