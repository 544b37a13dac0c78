/** A plain-text table with right-aligned numeric columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Metrics of every model against seasonal naive, one row per model (overall over steps and targets), from the
 * flat `{ model: { metric: value } }` of a flow result; interval columns when the 90 % band was scored.
 */
export function metricsTable(metrics: Readonly<Record<string, Readonly<Record<string, number>>>>): string {
  const naive = metrics['seasonal-naive']?.mae;
  const intervals = Object.values(metrics).some((m) => m.coverage90 !== undefined);
  const rows = Object.entries(metrics).map(([name, m]) => [
    name,
    fmt(m.mae),
    fmt(m.rmse),
    fmt(pct(m.wmape), 2),
    fmt(pct(m.smape), 2),
    fmt(m.mase, 3),
    fmt(m.corr, 3),
    naive === undefined || m.mae === undefined ? '-' : fmt(m.mae / naive, 3),
    ...(intervals ? [fmt(pct(m.coverage90), 1), fmt(m.width90)] : []),
  ]);
  const header = ['model', 'MAE', 'RMSE', 'WMAPE%', 'SMAPE%', 'MASE', 'CORR', 'MAE/naive'];
  return table(intervals ? [...header, 'cover90%', 'width90'] : header, rows);
}

function pct(v: number | undefined): number | undefined {
  return v === undefined ? undefined : v * 100;
}

function fmt(v: number | undefined, digits = 1): string {
  if (v === undefined) return '-';
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}
