import type { ForecastValues } from '../performance.js';
import type { PerformanceSummary } from '../schemas.js';
import { COLORS, card, formatScore, page, table, td } from './html.js';
import { barChart, lineChart } from './svg.js';

/** At most this many targets get their own forecast and error charts. */
export const MAX_TARGET_CHARTS = 4;

/** Per distinct time (or cell index without timestamps): means over the windows that forecast it. */
interface TimeSeries {
  x: Float64Array;
  actual: Float64Array;
  forecast: Float64Array;
  lower: Float64Array | undefined;
  upper: Float64Array | undefined;
  absError: Float64Array;
}

/** Overlapping windows forecast the same time more than once: average them per time step. */
function seriesFor(actuals: Float64Array, f: ForecastValues, t: number): TimeSeries {
  const [n, H, T] = f.shape;
  const byX = new Map<number, number[]>();
  for (let i = 0; i < n; i++)
    for (let h = 0; h < H; h++) {
      const cell = (i * H + h) * T + t;
      const x = f.timestamps ? f.timestamps[i * H + h]! : i * H + h;
      const acc = byX.get(x) ?? [0, 0, 0, 0, 0, 0, 0];
      const y = actuals[cell]!;
      acc[0]! += 1;
      acc[1]! += f.loc[cell]!;
      if (Number.isFinite(y)) {
        acc[2]! += y;
        acc[5]! += 1;
        acc[6]! += Math.abs(f.loc[cell]! - y);
      }
      acc[3]! += f.lower?.[cell] ?? 0;
      acc[4]! += f.upper?.[cell] ?? 0;
      byX.set(x, acc);
    }
  const xs = [...byX.keys()].sort((a, b) => a - b);
  const get = (k: number, den: number) =>
    Float64Array.from(xs, (x) => {
      const a = byX.get(x)!;
      return a[den]! ? a[k]! / a[den]! : Number.NaN;
    });
  return {
    x: Float64Array.from(xs),
    actual: get(2, 5),
    forecast: get(1, 0),
    lower: f.lower ? get(3, 0) : undefined,
    upper: f.upper ? get(4, 0) : undefined,
    absError: get(6, 5),
  };
}

const fmt = (v: number | null): string => (v === null ? '—' : formatScore(v));

/** Context shown in a performance report's header. */
export interface PerformanceReportMeta {
  title?: string;
}

/**
 * The performance report: metric cards (with the reference period's values and degradation verdicts),
 * forecast vs actual with the interval band, absolute error over time, and MAE by horizon step.
 */
export function renderPerformanceReport(
  summary: PerformanceSummary,
  actuals: Float64Array,
  forecasts: ForecastValues,
  meta: PerformanceReportMeta = {},
): string {
  const m = summary.metrics;
  const ref = summary.reference_metrics;
  const degraded = new Set(summary.degradation.filter((d) => d.degraded).map((d) => d.metric));
  const metricCard = (label: string, key: keyof typeof m, suffix = '') => {
    const v = m[key];
    const r = ref?.[key];
    const text = `${fmt(v)}${suffix}${r === undefined || r === null ? '' : ` (ref ${fmt(r)})`}`;
    return card(label, text, degraded.has(key as never) ? 'alert' : '');
  };
  const cards = [
    card(
      'degradation',
      summary.degradation_detected ? 'DETECTED' : ref ? 'none' : 'no reference',
      summary.degradation_detected ? 'alert' : ref ? 'good' : '',
    ),
    metricCard('MAE', 'mae'),
    metricCard('RMSE', 'rmse'),
    metricCard('ME (bias)', 'me'),
    metricCard('MAPE', 'mape', '%'),
    metricCard('WMAPE', 'wmape'),
    metricCard('sMAPE', 'smape'),
    ...(m.coverage === null
      ? []
      : [metricCard('interval coverage', 'coverage'), metricCard('interval width', 'interval_width')]),
    card('cells', String(m.count)),
  ].join('');
  const xFormat = forecasts.timestamps ? ('time' as const) : ('number' as const);
  const charts: string[] = [];
  summary.targets.slice(0, MAX_TARGET_CHARTS).forEach((name, t) => {
    const s = seriesFor(actuals, forecasts, t);
    const bands =
      s.lower && s.upper
        ? [{ name: 'interval', color: COLORS.current, x: s.x, lower: s.lower, upper: s.upper }]
        : [];
    charts.push(
      lineChart({
        title: `${name}: forecast vs actual`,
        xFormat,
        bands,
        lines: [
          { name: 'actual', color: COLORS.reference, x: s.x, y: s.actual },
          { name: 'forecast', color: COLORS.current, x: s.x, y: s.forecast },
        ],
      }),
      lineChart({
        title: `${name}: absolute error over time`,
        xFormat,
        lines: [{ name: '|forecast − actual|', color: COLORS.drift, x: s.x, y: s.absError }],
      }),
    );
    const steps = summary.mae_by_step[name] ?? [];
    charts.push(
      barChart({
        title: `${name}: MAE by horizon step`,
        categories: steps.map((_, h) => String(h + 1)),
        series: [
          { name: 'MAE', color: COLORS.reference, values: Float64Array.from(steps, (v) => v ?? Number.NaN) },
        ],
      }),
    );
  });
  const degradationTable = summary.degradation.length
    ? `<h2>Against the reference period (degraded when over ${summary.degradation_ratio}× the reference)</h2>
${table(
  ['metric', 'current', 'reference', 'ratio', 'verdict'],
  summary.degradation.map((d) => ({
    cls: d.degraded ? 'drift' : '',
    cells: [
      td(d.metric),
      td(d.current, true),
      td(d.reference, true),
      td(d.ratio, true),
      `<td><span class="badge ${d.degraded ? 'drift' : 'ok'}">${d.degraded ? 'degraded' : 'ok'}</span></td>`,
    ],
  })),
)}`
    : '';
  const perTarget = table(
    ['target', 'MAE', 'RMSE', 'ME', 'MAPE %', 'WMAPE', 'sMAPE', 'coverage'],
    Object.entries(summary.per_target).map(([name, p]) => ({
      cells: [
        td(name),
        td(p.mae, true),
        td(p.rmse, true),
        td(p.me, true),
        td(p.mape, true),
        td(p.wmape, true),
        td(p.smape, true),
        td(p.coverage, true),
      ],
    })),
  );
  const body = `
<section><div class="cards">${cards}</div></section>
${degradationTable}
<h2>Per target</h2>
${perTarget}
<p class="note">MAPE is Evidently's: 100·mean(|ŷ − y| / max(y, ε)), a zero actual counting as 100%; a negative actual inflates it enormously, so read WMAPE and sMAPE (fractions) there.</p>
<h2>Forecast vs actual</h2>
<div class="charts">
${charts.map((c) => `<div class="panel">${c}</div>`).join('\n')}
</div>`;
  return page(
    meta.title ?? 'Forecast performance report',
    `${summary.timestamp} · ${summary.n_windows} windows × ${summary.horizon} steps × ${summary.targets.length} targets`,
    body,
  );
}
