import { type DataPipelineConfig, historyRowsNeeded } from './config.js';
import type { Frame } from './data/frame.js';
import { parsePeriod } from './data/period.js';

/** Fractions of the time range held out at the end, in time order: train | validation | test. */
export interface SplitOptions {
  /** @default 0.2 */
  testFraction?: number;
  /** @default 0 */
  validationFraction?: number;
}

/** Train, validation and test frames; validation and test carry the history their first window needs. */
export interface SplitFrames {
  train: Frame;
  validation?: Frame;
  test: Frame;
}

/**
 * Split by time (never shuffled): the last `testFraction` of the time range is test, the
 * `validationFraction` before it validation. Held-out frames start `history` rows before their cut so
 * that their first window forecasts the first held-out step — no target of a held-out window is ever in
 * the training frame's window targets.
 */
export function splitFrame(frame: Frame, cfg: DataPipelineConfig, options: SplitOptions = {}): SplitFrames {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of frame.timestamps) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min;
  const testCut = max - span * testFraction;
  const valCut = testCut - span * validationFraction;
  const context = (historyRowsNeeded(cfg) - 1) * parsePeriod(cfg.period)!;
  const train = filterRows(frame, (t) => t < valCut);
  const test = filterRows(frame, (t) => t >= testCut - context);
  return validationFraction > 0
    ? { train, validation: filterRows(frame, (t) => t >= valCut - context && t < testCut), test }
    : { train, test };
}

/** Keep the rows whose timestamp passes `keep` (a copy; order preserved). */
export function filterRows(frame: Frame, keep: (timestamp: number) => boolean): Frame {
  const idx: number[] = [];
  for (let i = 0; i < frame.length; i++) if (keep(frame.timestamps[i]!)) idx.push(i);
  const take = <A extends Float64Array | Int32Array>(src: A, make: (n: number) => A): A => {
    const out = make(idx.length);
    idx.forEach((i, j) => {
      out[j] = src[i]!;
    });
    return out;
  };
  const columns: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(frame.columns))
    columns[name] = take(col, (n) => new Float64Array(n));
  return {
    length: idx.length,
    timestamps: take(frame.timestamps, (n) => new Float64Array(n)),
    columns,
    sourceRows: Int32Array.from(idx, (i) => frame.sourceRows?.[i] ?? i + 1),
    ...(frame.invalidCells ? { invalidCells: frame.invalidCells } : {}),
    ...(frame.seriesCodes && frame.seriesNames
      ? { seriesCodes: take(frame.seriesCodes, (n) => new Int32Array(n)), seriesNames: frame.seriesNames }
      : {}),
  };
}
