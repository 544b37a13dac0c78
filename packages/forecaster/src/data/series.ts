import type { DataPipelineConfig } from '../config.js';
import { covariateColumns, futureRowsNeeded } from '../config.js';
import { DataInvalidError } from '../errors.js';
import type { Frame, SeriesData } from './frame.js';
import { parsePeriod } from './period.js';

/**
 * `train`: every target and covariate must be present on every row.
 * `predict`: trailing rows may leave targets empty — they are the forecast horizon, carrying future covariates.
 */
export type SeriesMode = 'train' | 'predict';

/**
 * Split a frame into series and check each: timestamps strictly increasing and regular at the period,
 * numbers where numbers belong. Gaps and missing values fail with `DATA_INVALID` (row and column named)
 * unless `config.fill` says to fill them.
 */
export function toSeries(frame: Frame, cfg: DataPipelineConfig, mode: SeriesMode): SeriesData[] {
  const period = parsePeriod(cfg.period)!;
  const columns = [...cfg.targets, ...covariateColumns(cfg)];
  for (const name of columns) {
    if (frame.columns[name] === undefined)
      throw new DataInvalidError(`column ${name} is missing`, { column: name });
    const bad = frame.invalidCells?.[name];
    if (bad && cfg.fill.missing === 'error') {
      throw new DataInvalidError(`value ${JSON.stringify(bad.value)} is not a number`, {
        row: bad.row,
        column: name,
      });
    }
  }
  const groups = groupRows(frame);
  return groups.map(([id, rows]) => {
    const series = regularize(frame, rows, id, period, cfg, columns);
    checkMissing(series, cfg, mode);
    return series;
  });
}

function groupRows(frame: Frame): [string, Int32Array][] {
  if (!frame.seriesCodes || !frame.seriesNames) {
    const all = new Int32Array(frame.length);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return [['', all]];
  }
  const counts = new Int32Array(frame.seriesNames.length);
  for (const c of frame.seriesCodes) counts[c]!++;
  const groups = frame.seriesNames.map((_, c) => new Int32Array(counts[c]!));
  const fill = new Int32Array(groups.length);
  frame.seriesCodes.forEach((c, i) => {
    groups[c]![fill[c]!++] = i;
  });
  return frame.seriesNames.map((name, c) => [name, groups[c]!]);
}

/** Check order and regularity; insert interpolated rows into gaps when allowed. */
function regularize(
  frame: Frame,
  rows: Int32Array,
  id: string,
  period: number,
  cfg: DataPipelineConfig,
  columns: string[],
): SeriesData {
  const src = (i: number) => frame.sourceRows?.[i] ?? i + 1;
  const where = (i: number) => ({ row: src(i), column: cfg.dateColumn, ...(id ? { series: id } : {}) });
  let length = rows.length;
  for (let k = 1; k < rows.length; k++) {
    const prev = frame.timestamps[rows[k - 1]!]!;
    const cur = frame.timestamps[rows[k]!]!;
    const step = cur - prev;
    if (step === 0) throw new DataInvalidError(`duplicate timestamp ${iso(cur)}`, where(rows[k]!));
    if (step < 0)
      throw new DataInvalidError(`timestamp ${iso(cur)} is earlier than the row before`, where(rows[k]!));
    if (step % period !== 0) {
      throw new DataInvalidError(`timestamp ${iso(cur)} is off the ${cfg.period} grid`, where(rows[k]!));
    }
    if (step > period) {
      if (cfg.fill.gaps === 'error') {
        throw new DataInvalidError(
          `gap: ${step / period - 1} missing step(s) before ${iso(cur)}`,
          where(rows[k]!),
        );
      }
      length += step / period - 1;
    }
  }
  const timestamps = new Float64Array(length);
  const sourceRows = new Int32Array(length);
  const out: Record<string, Float64Array> = {};
  for (const name of columns) out[name] = new Float64Array(length);
  let j = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (k > 0) {
      const prevRow = rows[k - 1]!;
      const missingSteps = (frame.timestamps[r]! - frame.timestamps[prevRow]!) / period - 1;
      for (let g = 1; g <= missingSteps; g++) {
        const w = g / (missingSteps + 1);
        timestamps[j] = frame.timestamps[prevRow]! + g * period;
        for (const name of columns) {
          const col = frame.columns[name]!;
          out[name]![j] = col[prevRow]! * (1 - w) + col[r]! * w;
        }
        j++;
      }
    }
    timestamps[j] = frame.timestamps[r]!;
    sourceRows[j] = src(r);
    for (const name of columns) out[name]![j] = frame.columns[name]![r]!;
    j++;
  }
  return { id, length, timestamps, columns: out, sourceRows };
}

/** Missing values: error (naming row and column) or fill; in predict mode trailing target rows may be empty. */
function checkMissing(series: SeriesData, cfg: DataPipelineConfig, mode: SeriesMode): void {
  let end = series.length;
  if (mode === 'predict') {
    // The horizon rows: trailing rows whose targets are all empty.
    // All rows may be horizon rows: the history then comes from the checkpoint's stored tail.
    while (end > 0 && cfg.targets.every((t) => Number.isNaN(series.columns[t]![end - 1]!))) end--;
  }
  const covariates = covariateColumns(cfg);
  const futureNeeded = futureRowsNeeded(cfg);
  for (const [name, limit] of [
    ...cfg.targets.map((t) => [t, end] as const),
    ...covariates.map((c) => [c, Math.min(series.length, end + futureNeeded)] as const),
  ]) {
    const col = series.columns[name]!;
    for (let i = 0; i < limit; i++) {
      if (!Number.isNaN(col[i]!)) continue;
      if (cfg.fill.missing === 'error' || i === 0) {
        const row = series.sourceRows[i]!;
        throw new DataInvalidError(
          i === 0 && cfg.fill.missing !== 'error'
            ? 'first value is missing and cannot be filled'
            : 'missing value',
          {
            column: name,
            ...(row > 0 ? { row } : {}),
            ...(series.id ? { series: series.id } : {}),
          },
        );
      }
      fillAt(col, i, limit, cfg.fill.missing);
    }
  }
}

function fillAt(col: Float64Array, i: number, limit: number, how: 'ffill' | 'interpolate'): void {
  let next = i;
  while (next < limit && Number.isNaN(col[next]!)) next++;
  const before = col[i - 1]!;
  const after = next < limit ? col[next]! : before;
  for (let k = i; k < next; k++) {
    col[k] = how === 'ffill' ? before : before + ((after - before) * (k - i + 1)) / (next - i + 1);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
