// Builds the report's sections from a DatasetReport with DOM calls (never innerHTML: previews are user data).
import type { DatasetReport, FormatId, Severity } from '../../../contracts/src/dataset-types';
import { createHistogram, formatCount, type Histogram } from './histogram';

export interface ReportActions {
  revealLine(line: number): void;
  refresh(): void;
}

type Child = Node | string | null | undefined | false;

export function el(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return el('section', { id, class: 'card' }, el('h2', {}, title), ...children);
}

function stat(name: string, value: string, tone = ''): HTMLElement {
  return el('div', { class: `stat ${tone}`, 'data-stat': name }, el('div', { class: 'stat-value' }, value), el('div', { class: 'stat-label' }, name));
}

function header(fileName: string, report: DatasetReport, actions: ReportActions): HTMLElement {
  const refresh = el('vscode-button', { secondary: '', id: 'refresh' }, 'Refresh');
  refresh.addEventListener('click', () => actions.refresh());
  const format = report.detectedFormat ?? 'unknown';
  return el(
    'header',
    {},
    el('div', {}, el('h1', {}, fileName), el('div', { class: 'subtitle' }, `Dataset report · format `, el('code', {}, format))),
    refresh,
  );
}

function stats(report: DatasetReport): HTMLElement {
  const { tokens } = report;
  return el(
    'section',
    { id: 'stats', class: 'stats' },
    stat('records', formatCount(report.records)),
    stat('blank lines', formatCount(report.blankLines)),
    stat('errors', formatCount(report.errors), report.errors > 0 ? 'tone-error' : ''),
    stat('warnings', formatCount(report.warnings), report.warnings > 0 ? 'tone-warning' : ''),
    stat(`over ${formatCount(tokens.maxSeqLen)} tokens`, formatCount(tokens.overLimit), tokens.overLimit > 0 ? 'tone-warning' : ''),
  );
}

/** Preference data: the pairs and how their answers compare in length (DPO tends to learn length when chosen is longer). */
function preference(report: DatasetReport): HTMLElement | '' {
  const pairs = report.preference;
  if (!pairs) return '';
  const share = pairs.chosenLonger / pairs.pairs;
  return section(
    'preference',
    'Preference pairs',
    el(
      'div',
      { class: 'stats' },
      stat('pairs', formatCount(pairs.pairs)),
      stat('chosen, mean characters', formatCount(Math.round(pairs.chosenChars / pairs.pairs))),
      stat('rejected, mean characters', formatCount(Math.round(pairs.rejectedChars / pairs.pairs))),
      stat('chosen / rejected length, median', pairs.medianRatio === null ? '—' : `${pairs.medianRatio.toFixed(2)}×`),
      stat('chosen is the longer', `${(share * 100).toFixed(0)}%`, (report.findingsByRule['preference-length-bias']?.count ?? 0) > 0 ? 'tone-warning' : ''),
    ),
  );
}

function formatMix(report: DatasetReport): HTMLElement {
  const entries = (Object.entries(report.formats) as Array<[FormatId, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const rows = entries.map(([format, count]) => {
    const share = total > 0 ? count / total : 0;
    const bar = el('div', { class: 'bar-fill' });
    bar.style.width = `${(share * 100).toFixed(1)}%`; // CSSOM, not a style attribute: allowed by the CSP
    return el(
      'div',
      { class: 'mix-row', 'data-format': format },
      el('code', { class: 'mix-name' }, format),
      el('div', { class: `bar${format === report.detectedFormat ? '' : ' bar-minor'}` }, bar),
      el('span', { class: 'mix-count' }, `${formatCount(count)} · ${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`),
    );
  });
  return section('format-mix', 'Format mix', rows.length ? el('div', { class: 'mix' }, ...rows) : el('p', { class: 'empty' }, 'No records.'));
}

function table(columns: string[], rows: HTMLElement[], id: string): HTMLElement {
  const headerRow = el('vscode-table-header', { slot: 'header' }, ...columns.map((c) => el('vscode-table-header-cell', {}, c)));
  return el('vscode-table', { id, zebra: '', 'bordered-rows': '', columns: JSON.stringify(columns.map(() => 'auto')) }, headerRow, el('vscode-table-body', { slot: 'body' }, ...rows));
}

function findings(report: DatasetReport): HTMLElement {
  const entries = Object.entries(report.findingsByRule).sort(
    ([ruleA, a], [ruleB, b]) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count || ruleA.localeCompare(ruleB),
  );
  if (entries.length === 0) return section('findings', 'Findings per rule', el('p', { class: 'empty' }, 'No findings.'));
  const rows = entries.map(([rule, { severity, count }]) =>
    el(
      'vscode-table-row',
      { 'data-rule': rule },
      el('vscode-table-cell', {}, el('code', {}, rule)),
      el('vscode-table-cell', {}, el('span', { class: `severity severity-${severity}` }, severity)),
      el('vscode-table-cell', { class: 'numeric' }, formatCount(count)),
    ),
  );
  return section('findings', 'Findings per rule', table(['Rule', 'Severity', 'Count'], rows, 'findings-table'));
}

function duplicates(report: DatasetReport, actions: ReportActions): HTMLElement {
  if (report.topDuplicates.length === 0) return section('duplicates', 'Top duplicates', el('p', { class: 'empty' }, 'No duplicates.'));
  const groups = report.topDuplicates.map((group) => {
    const links = group.lines.slice(0, 12).map((line) => {
      const link = el('a', { href: '#', class: 'duplicate-line', 'data-line': String(line), title: `Reveal line ${line + 1}` }, `line ${line + 1}`);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        actions.revealLine(line);
      });
      return link;
    });
    const more = group.lines.length > links.length ? el('span', { class: 'more' }, `+${group.lines.length - links.length} more`) : null;
    return el(
      'li',
      { class: 'duplicate' },
      el('div', { class: 'duplicate-head' }, el('vscode-badge', { variant: 'counter' }, `${group.lines.length}×`), el('span', { class: 'preview' }, group.preview)),
      el('div', { class: 'duplicate-lines' }, ...links, more),
    );
  });
  return section('duplicates', 'Top duplicates', el('ul', { class: 'duplicates' }, ...groups));
}

/** Renders the whole report into `root`, returning the charts so the caller can resize and destroy them. */
export function renderReport(root: HTMLElement, fileName: string, report: DatasetReport, actions: ReportActions): Histogram[] {
  const tokenHost = el('div', { class: 'chart', id: 'token-chart' });
  const { tokens } = report;
  const tokenCaption = el(
    'p',
    { class: 'caption' },
    `Rendered example length against the limit of ${formatCount(tokens.maxSeqLen)} tokens`,
    tokens.estimated ? ' (estimated: no base model tokenizer configured).' : '.',
  );
  const lossHost = report.losses ? el('div', { class: 'chart', id: 'loss-chart' }) : null;
  root.replaceChildren(
    header(fileName, report, actions),
    stats(report),
    el('div', { class: 'columns' }, formatMix(report), findings(report)),
    preference(report),
    section('token-histogram', 'Token length', tokenCaption, tokenHost),
    report.losses
      ? section('loss-histogram', 'Per-example loss', el('p', { class: 'caption' }, `Median ${report.losses.median.toFixed(3)}; far right are likely mislabeled.`), lossHost)
      : '',
    duplicates(report, actions),
  );
  const charts = [createHistogram(tokenHost, { bucketEdges: tokens.bucketEdges, counts: tokens.counts, limit: tokens.maxSeqLen, xLabel: 'tokens', yLabel: 'examples' })];
  if (report.losses && lossHost) {
    charts.push(createHistogram(lossHost, { bucketEdges: report.losses.bucketEdges, counts: report.losses.counts, xLabel: 'loss', yLabel: 'examples' }));
  }
  return charts;
}
