import type { EvaluationReport, MetricValues, RawPrediction } from '@twiga/forecaster';
import type { MetricInput } from '../client/batch.js';
import { safeKey } from './forecaster-metadata.js';

/**
 * Metric rows of an evaluation report. Names (model and target labels cleaned by {@link safeKey}):
 * - `<model>.<metric>`: over all windows, steps and targets (step 0)
 * - `<model>.<target>.<metric>`: per target (step 0)
 * - `<model>.<target>.<metric>.by_step`: per target at horizon step h, logged with MLflow `step` = h (1…H)
 * - `<model>.interval.<name>`: interval metrics when the report has them (step 0)
 * With a `prefix` every key starts with `<prefix>.`.
 */
export function evaluationMetrics(
  report: EvaluationReport,
  timestamp: number,
  prefix?: string,
): MetricInput[] {
  const rows: MetricInput[] = [];
  const p = prefix === undefined ? '' : `${safeKey(prefix)}.`;
  const push = (key: string, value: number, step = 0) =>
    rows.push({ key: `${p}${key}`, value, step, timestamp });
  for (const [model, m] of Object.entries(report.models)) {
    const mk = safeKey(model);
    pushValues(m.overall, (metric, v) => push(`${mk}.${metric}`, v));
    report.targets.forEach((target, t) => {
      const tk = `${mk}.${safeKey(target)}`;
      const perTarget = m.perTarget[t];
      if (perTarget) pushValues(perTarget, (metric, v) => push(`${tk}.${metric}`, v));
      (m.perStep[t] ?? []).forEach((values, h) => {
        pushValues(values, (metric, v) => push(`${tk}.${metric}.by_step`, v, h + 1));
      });
    });
    const interval = report.intervals?.models[model] as Record<string, unknown> | undefined;
    for (const [name, v] of Object.entries(interval ?? {}))
      if (typeof v === 'number') push(`${mk}.interval.${safeKey(name)}`, v);
  }
  return rows;
}

/**
 * Metric rows of backtest folds in the parent run: `<model>.<metric>.by_fold` with MLflow `step` = fold
 * index (0…K−1), so the UI plots each metric across folds.
 */
export function foldMetrics(folds: readonly EvaluationReport[], timestamp: number): MetricInput[] {
  const rows: MetricInput[] = [];
  folds.forEach((report, k) => {
    for (const [model, m] of Object.entries(report.models))
      pushValues(m.overall, (metric, value) =>
        rows.push({ key: `${safeKey(model)}.${metric}.by_fold`, value, step: k, timestamp }),
      );
  });
  return rows;
}

/**
 * The metrics table as CSV: one row per model × scope, scope `overall`, `target` or `step`, with the
 * target and horizon step where they apply, then one column per point metric.
 */
export function metricsTableCsv(report: EvaluationReport): string {
  const names = metricNames(report);
  const lines = [['model', 'scope', 'target', 'step', ...names].join(',')];
  const row = (cells: (string | number)[], values: MetricValues) =>
    lines.push([...cells.map(csvCell), ...names.map((n) => num(values[n as keyof MetricValues]))].join(','));
  for (const [model, m] of Object.entries(report.models)) {
    row([model, 'overall', '', ''], m.overall);
    report.targets.forEach((target, t) => {
      const perTarget = m.perTarget[t];
      if (perTarget) row([model, 'target', target, ''], perTarget);
      (m.perStep[t] ?? []).forEach((values, h) => {
        row([model, 'step', target, h + 1], values);
      });
    });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Predictions as CSV, one row per model × window × step × target: `model, series_id, window, step,
 * timestamp, target, forecast` (plus `lower, upper` when any prediction has an interval).
 */
export function predictionsCsv(predictions: readonly RawPrediction[]): string {
  const intervals = predictions.some((p) => p.lower !== undefined && p.upper !== undefined);
  const header = ['model', 'series_id', 'window', 'step', 'timestamp', 'target', 'forecast'];
  if (intervals) header.push('lower', 'upper');
  const lines = [header.join(',')];
  for (const p of predictions) {
    const [n, H, T] = p.shape;
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < H; h++) {
        const ts = new Date(p.timestamps[i * H + h]!).toISOString();
        for (let t = 0; t < T; t++) {
          const o = (i * H + h) * T + t;
          const cells = [
            csvCell(p.model),
            csvCell(p.seriesIds[i] ?? ''),
            i,
            h + 1,
            ts,
            csvCell(p.targets[t]!),
            num(p.loc[o]!),
          ];
          if (intervals) cells.push(num(p.lower?.[o] ?? Number.NaN), num(p.upper?.[o] ?? Number.NaN));
          lines.push(cells.join(','));
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function metricNames(report: EvaluationReport): string[] {
  const first = Object.values(report.models)[0];
  return first ? Object.keys(first.overall) : [];
}

function pushValues(values: MetricValues, push: (metric: string, value: number) => void): void {
  for (const [metric, v] of Object.entries(values)) push(safeKey(metric), v);
}

function num(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
