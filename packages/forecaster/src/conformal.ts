import { z } from 'zod';

/**
 * Split conformal prediction. Calibration keeps, per model and per output cell (horizon step × target),
 * the sorted absolute residuals |y − ŷ| of held-out windows in each series' scaled units. The interval
 * half-width at miscoverage α is the ⌈(n+1)(1−α)⌉-th smallest of the n scores (the finite-sample rank that
 * guarantees coverage ≥ 1−α under exchangeability), mapped back through the series' scale — so one
 * calibration serves series of any size.
 */
export const CalibrationSchema = z
  .object({
    method: z.literal('split'),
    /** Calibration windows per cell. */
    windows: z.number().int().positive(),
    /** Per model label: base64 of a Float32Array `[cells][windows]`, each cell's scores sorted ascending. */
    scores: z.record(z.string(), z.string()),
    /** Conformalized quantile regression: the CQR scores of the configured quantile pair, same layout. */
    cqr: z.string().optional(),
  })
  .strict();
/** Saved calibration state (in `pipeline.json`). */
export type Calibration = z.output<typeof CalibrationSchema>;

/** At most this many calibration windows are kept (evenly strided), which bounds checkpoint size. */
export const MAX_CALIBRATION_WINDOWS = 2000;

/** Which windows of `n` to keep: every `stride`-th, so at most {@link MAX_CALIBRATION_WINDOWS}. */
export function calibrationStride(n: number): number {
  return Math.max(1, Math.ceil(n / MAX_CALIBRATION_WINDOWS));
}

/**
 * Sorted absolute residuals per cell, `[cells][windows]`, from scaled predictions and actuals
 * `[windows, cells]`. Windows with a missing actual in a cell are scored +∞ (conservative).
 */
export function conformalScores(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  windows: number,
  cells: number,
): Float32Array {
  const out = new Float32Array(windows * cells);
  for (let w = 0; w < windows; w++) {
    for (let c = 0; c < cells; c++) {
      const y = actual[w * cells + c]!;
      out[c * windows + w] = Number.isNaN(y)
        ? Number.POSITIVE_INFINITY
        : Math.abs(y - predicted[w * cells + c]!);
    }
  }
  for (let c = 0; c < cells; c++) out.subarray(c * windows, (c + 1) * windows).sort();
  return out;
}

/** The conformal quantile of one cell at miscoverage α: the ⌈(n+1)(1−α)⌉-th smallest score (∞ past n). */
export function conformalQuantile(
  sorted: Float32Array,
  windows: number,
  cell: number,
  alpha: number,
): number {
  const rank = Math.ceil((windows + 1) * (1 - alpha));
  if (rank > windows) return Number.POSITIVE_INFINITY;
  return sorted[cell * windows + Math.max(rank, 1) - 1]!;
}

/** Serialise scores for `pipeline.json`. */
export function encodeScores(scores: Float32Array): string {
  return Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength).toString('base64');
}

/** Read scores back from `pipeline.json`. */
export function decodeScores(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/**
 * CQR conformity scores (Romano et al., 2019) per cell, sorted, `[cells][windows]`: E = max(q_lo − y, y − q_hi)
 * from the lower and upper quantile forecasts. Negative when y lies inside with room to spare, so the
 * calibrated band [q_lo − Q, q_hi + Q] may also shrink. A missing actual scores +∞.
 */
export function cqrScores(
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  actual: ArrayLike<number>,
  windows: number,
  cells: number,
): Float32Array {
  const out = new Float32Array(windows * cells);
  for (let w = 0; w < windows; w++) {
    for (let c = 0; c < cells; c++) {
      const i = w * cells + c;
      const y = actual[i]!;
      out[c * windows + w] = Number.isNaN(y)
        ? Number.POSITIVE_INFINITY
        : Math.max(lower[i]! - y, y - upper[i]!);
    }
  }
  for (let c = 0; c < cells; c++) out.subarray(c * windows, (c + 1) * windows).sort();
  return out;
}
