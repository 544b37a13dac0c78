import type { EvaluationReport } from '@twiga/forecaster';

/** A plain-text table with right-aligned numeric columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Metrics of every model against seasonal naive, one row per model (overall over steps and targets). */
export function metricsTable(report: EvaluationReport): string {
  const naive = report.models['seasonal-naive']?.overall.mae;
  const intervals = report.intervals;
  const rows = Object.entries(report.models).map(([name, m]) => {
    const o = m.overall;
    const iv = intervals?.models[name];
    return [
      name,
      fmt(o.mae),
      fmt(o.rmse),
      fmt(o.wmape * 100, 2),
      fmt(o.smape * 100, 2),
      fmt(o.mase, 3),
      fmt(o.corr, 3),
      naive === undefined ? '-' : fmt(o.mae / naive, 3),
      ...(intervals ? [iv ? fmt(iv.coverage * 100, 1) : '-', iv ? fmt(iv.meanWidth) : '-'] : []),
    ];
  });
  const level = intervals ? `${Math.round((1 - intervals.alpha) * 100)}` : '';
  const header = ['model', 'MAE', 'RMSE', 'WMAPE%', 'SMAPE%', 'MASE', 'CORR', 'MAE/naive'];
  return table(intervals ? [...header, `cover${level}%`, `width${level}`] : header, rows);
}

function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}
