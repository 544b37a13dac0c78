import type { ColumnPair } from '../methods.js';
import type { DriftSummary } from '../schemas.js';
import { histogramCounts } from '../stats/binning.js';
import { alignCategoricalCounts } from '../stats/categorical.js';
import { alignNumericCounts, unionDistinct } from '../stats/sample.js';
import { COLORS, card, formatScore, page, table, td } from './html.js';
import { barChart, histogramChart } from './svg.js';

/** At most this many distribution charts in one report (columns are sorted by drift, so the worst are kept). */
export const MAX_DISTRIBUTION_CHARTS = 60;
const HIST_BINS = 30;
const MAX_CATEGORIES = 15;

/** How far past its threshold a column is (positive = drifted side), to sort the table by drift. */
function severity(c: DriftSummary['columns'][number]): number {
  const ratio = c.score_type === 'p_value' ? c.threshold / c.score : c.score / c.threshold;
  return Number.isNaN(ratio) ? Number.NEGATIVE_INFINITY : Math.log(ratio);
}

function distributionChart(column: string, pair: ColumnPair): string {
  if (
    pair.kind === 'numeric' &&
    unionDistinct(pair.reference, pair.current, MAX_CATEGORIES) <= MAX_CATEGORIES
  ) {
    // Few distinct numbers read better as bars per value than as a histogram of mostly empty bins.
    const { keys, a, b } = alignNumericCounts(pair.reference, pair.current);
    return barChart({
      title: column,
      yLabel: 'share',
      categories: Array.from(keys, (k) => formatScore(k)),
      series: [
        { name: 'reference', color: COLORS.reference, values: a.map((v) => v / pair.reference.n) },
        { name: 'current', color: COLORS.current, values: b.map((v) => v / pair.current.n) },
      ],
    });
  }
  if (pair.kind === 'numeric') {
    const r = pair.reference.values;
    const c = pair.current.values;
    const lo = Math.min(r[0]!, c[0]!);
    const hi = Math.max(r[r.length - 1]!, c[c.length - 1]!);
    const bins = lo === hi ? 1 : HIST_BINS;
    const edges = new Float64Array(bins + 1);
    for (let i = 0; i <= bins; i++) edges[i] = lo === hi ? lo - 0.5 + i : lo + ((hi - lo) * i) / bins;
    const share = (s: typeof pair.reference) => histogramCounts(s, edges).map((v) => v / s.n);
    return histogramChart({
      title: column,
      edges,
      yLabel: 'share',
      series: [
        { name: 'reference', color: COLORS.reference, shares: share(pair.reference) },
        { name: 'current', color: COLORS.current, shares: share(pair.current) },
      ],
    });
  }
  const aligned = alignCategoricalCounts(pair.reference, pair.current);
  const order = aligned.keys
    .map((k, i) => ({ k, i, total: aligned.a[i]! / pair.reference.n + aligned.b[i]! / pair.current.n }))
    .sort((x, y) => y.total - x.total)
    .slice(0, MAX_CATEGORIES);
  return barChart({
    title: column,
    yLabel: 'share',
    categories: order.map((o) => o.k),
    series: [
      {
        name: 'reference',
        color: COLORS.reference,
        values: Float64Array.from(order, (o) => aligned.a[o.i]! / pair.reference.n),
      },
      {
        name: 'current',
        color: COLORS.current,
        values: Float64Array.from(order, (o) => aligned.b[o.i]! / pair.current.n),
      },
    ],
  });
}

/** Context shown in a drift report's header. */
export interface DriftReportMeta {
  title?: string;
  /** Rows of the reference and current data. */
  referenceRows: number;
  currentRows: number;
}

/**
 * The data drift report: summary cards, the score table sorted by drift, and reference vs current
 * distributions per column (histograms for numbers, bars for categories).
 */
export function renderDriftReport(
  summary: DriftSummary,
  pairs: ReadonlyMap<string, ColumnPair>,
  meta: DriftReportMeta,
): string {
  const sorted = [...summary.columns].sort(
    (a, b) => Number(b.drift_detected) - Number(a.drift_detected) || severity(b) - severity(a),
  );
  const cards = [
    card(
      'dataset drift',
      summary.drift_detected ? 'DETECTED' : 'not detected',
      summary.drift_detected ? 'alert' : 'good',
    ),
    card('drifted columns', `${summary.n_drifted} / ${summary.total}`, summary.n_drifted > 0 ? 'alert' : ''),
    card('drift share', `${formatScore(summary.dataset_drift_score)} (≥ ${summary.drift_share} = drift)`),
    card('reference rows', String(meta.referenceRows)),
    card('current rows', String(meta.currentRows)),
  ].join('');
  const rows = sorted.map((c) => ({
    cls: c.drift_detected ? 'drift' : '',
    cells: [
      td(c.column),
      td(c.kind),
      td(`${c.method} (${c.method_label})${c.approximate ? ' ≈' : ''}`),
      td(c.score, true),
      td(`${c.score_type === 'p_value' ? (c.method === 'ks' ? '≤' : '<') : '≥'} ${c.threshold}`),
      `<td><span class="badge ${c.drift_detected ? 'drift' : 'ok'}">${c.drift_detected ? 'drift' : 'no drift'}</span></td>`,
      td(c.n_reference, true),
      td(c.n_current, true),
    ],
  }));
  const charts = sorted
    .slice(0, MAX_DISTRIBUTION_CHARTS)
    .map((c) => {
      const pair = pairs.get(c.column);
      return pair ? `<div class="panel">${distributionChart(c.column, pair)}</div>` : '';
    })
    .join('\n');
  const more =
    sorted.length > MAX_DISTRIBUTION_CHARTS
      ? `<p class="note">Showing the ${MAX_DISTRIBUTION_CHARTS} most drifted of ${sorted.length} columns.</p>`
      : '';
  const body = `
<section><div class="cards">${cards}</div></section>
<h2>Scores, most drifted first</h2>
${table(['column', 'type', 'test', 'score', 'drift when', 'verdict', 'reference n', 'current n'], rows)}
<p class="note">Tests and thresholds as Evidently 0.7 chooses them; p-value tests drift below the threshold, distances at or above it.${summary.columns.some((c) => c.approximate) ? ' ≈: reference kept as a quantile sketch, score approximate.' : ''}</p>
<h2>Reference vs current distributions</h2>
<div class="charts">
${charts}
</div>${more}`;
  return page(
    meta.title ?? 'Data drift report',
    `${summary.timestamp} · ${summary.total} columns checked`,
    body,
  );
}
