import { DataInvalidError } from '../errors.js';

/** Names of the point metrics, in report order. */
export const POINT_METRICS = ['mae', 'rmse', 'wmape', 'smape', 'mase', 'corr'] as const;

/** One point-metric name. */
export type PointMetric = (typeof POINT_METRICS)[number];

/** One value per point metric; NaN where the metric is undefined for the group (see each definition). */
export type MetricValues = Record<PointMetric, number>;

/** Point metrics over all cells, per target, and per target and horizon step. */
export interface MetricsReport {
  /** Over all windows, steps and targets. */
  overall: MetricValues;
  /** Index t: over all windows and steps of target t. */
  perTarget: MetricValues[];
  /** Index [t][h]: over all windows at step h of target t. */
  perStep: MetricValues[][];
}

/** Inputs of {@link computePointMetrics}: flat arrays shaped `[n, horizon, targets]`, row-major. */
export interface PointMetricsInput {
  actual: Float64Array;
  forecast: Float64Array;
  /** Seasonal-naive forecasts for the same windows, same shape; the MASE baseline. */
  naive: Float64Array;
  n: number;
  horizon: number;
  targets: number;
}

// Slots of one group's accumulator. Correlation moments use Welford's online update, which is
// numerically stable and gives an exact 0 co-moment for a constant series.
const COUNT = 0; // cells with a present (non-NaN) actual
const SUM_ABS_ERR = 1; // Σ|y − ŷ|
const SUM_SQ_ERR = 2; // Σ(y − ŷ)²
const SUM_ABS_Y = 3; // Σ|y|
const SUM_SMAPE = 4; // Σ 2|y − ŷ| / (|y| + |ŷ|), 0/0 terms as 0
const SUM_ABS_NAIVE_ERR = 5; // Σ|y − naive|
const MEAN_Y = 6;
const MEAN_F = 7;
const M2_Y = 8; // Σ(y − ȳ)²
const M2_F = 9; // Σ(ŷ − mean ŷ)²
const C_YF = 10; // Σ(y − ȳ)(ŷ − mean ŷ)
const SLOTS = 11;

/**
 * Point metrics of `forecast` against `actual` (index `(i*horizon + h)*targets + t`), all groups in one
 * pass. Cells whose actual is NaN (missing) are skipped by every metric; a NaN forecast or naive value
 * for a present actual propagates NaN. A group with no present cells gets NaN everywhere. Definitions,
 * over the present cells of a group (y actual, ŷ forecast, ỹ seasonal naive, N cells):
 * - `mae`   = (1/N) Σ|y − ŷ|
 * - `rmse`  = sqrt((1/N) Σ(y − ŷ)²)
 * - `wmape` = Σ|y − ŷ| / Σ|y|; NaN when Σ|y| = 0
 * - `smape` = (1/N) Σ 2|y − ŷ| / (|y| + |ŷ|), a term with |y| + |ŷ| = 0 counting as 0; a fraction in [0, 2]
 * - `mase`  = MAE(ŷ) / MAE(ỹ) = Σ|y − ŷ| / Σ|y − ỹ|; NaN when the naive MAE is 0
 * - `corr`  = Σ(y − ȳ)(ŷ − mean ŷ) / sqrt(Σ(y − ȳ)² · Σ(ŷ − mean ŷ)²), Pearson's r; NaN when either
 *   variance is 0 (including N < 2)
 */
export function computePointMetrics(input: PointMetricsInput): MetricsReport {
  const { actual, forecast, naive, n, horizon, targets } = input;
  for (const [name, v] of [
    ['n', n],
    ['horizon', horizon],
    ['targets', targets],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new DataInvalidError(`point metrics: ${name} must be a non-negative integer, got ${v}`);
  }
  const cells = n * horizon * targets;
  for (const [name, arr] of [
    ['actual', actual],
    ['forecast', forecast],
    ['naive', naive],
  ] as const) {
    if (arr.length !== cells) {
      throw new DataInvalidError(
        `point metrics: ${name} has ${arr.length} values, expected n*horizon*targets = ${n}*${horizon}*${targets} = ${cells}`,
      );
    }
  }

  // Groups: 0 = overall, 1 + t = target t, 1 + targets + t*horizon + h = target t at step h.
  const stepBase = 1 + targets;
  const acc = new Float64Array((stepBase + targets * horizon) * SLOTS);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < horizon; h++) {
      const row = (i * horizon + h) * targets;
      for (let t = 0; t < targets; t++) {
        const y = actual[row + t]!;
        if (Number.isNaN(y)) continue;
        const f = forecast[row + t]!;
        const absErr = Math.abs(y - f);
        const denom = Math.abs(y) + Math.abs(f);
        const smape = denom === 0 ? 0 : (2 * absErr) / denom;
        const absNaiveErr = Math.abs(y - naive[row + t]!);
        accumulate(acc, 0, y, f, absErr, smape, absNaiveErr);
        accumulate(acc, (1 + t) * SLOTS, y, f, absErr, smape, absNaiveErr);
        accumulate(acc, (stepBase + t * horizon + h) * SLOTS, y, f, absErr, smape, absNaiveErr);
      }
    }
  }

  const perTarget: MetricValues[] = [];
  const perStep: MetricValues[][] = [];
  for (let t = 0; t < targets; t++) {
    perTarget.push(finish(acc, (1 + t) * SLOTS));
    const steps: MetricValues[] = [];
    for (let h = 0; h < horizon; h++) steps.push(finish(acc, (stepBase + t * horizon + h) * SLOTS));
    perStep.push(steps);
  }
  return { overall: finish(acc, 0), perTarget, perStep };
}

/** Adds one present cell to the group whose accumulator starts at `o`. */
function accumulate(
  acc: Float64Array,
  o: number,
  y: number,
  f: number,
  absErr: number,
  smape: number,
  absNaiveErr: number,
): void {
  const count = acc[o + COUNT]! + 1;
  acc[o + COUNT] = count;
  acc[o + SUM_ABS_ERR]! += absErr;
  acc[o + SUM_SQ_ERR]! += absErr * absErr;
  acc[o + SUM_ABS_Y]! += Math.abs(y);
  acc[o + SUM_SMAPE]! += smape;
  acc[o + SUM_ABS_NAIVE_ERR]! += absNaiveErr;
  const dy = y - acc[o + MEAN_Y]!;
  const df = f - acc[o + MEAN_F]!;
  const meanY = acc[o + MEAN_Y]! + dy / count;
  const meanF = acc[o + MEAN_F]! + df / count;
  acc[o + MEAN_Y] = meanY;
  acc[o + MEAN_F] = meanF;
  acc[o + M2_Y]! += dy * (y - meanY);
  acc[o + M2_F]! += df * (f - meanF);
  acc[o + C_YF]! += dy * (f - meanF);
}

/** Turns the sums of the group at `o` into metric values. */
function finish(acc: Float64Array, o: number): MetricValues {
  const count = acc[o + COUNT]!;
  if (count === 0) return { mae: NaN, rmse: NaN, wmape: NaN, smape: NaN, mase: NaN, corr: NaN };
  const sumAbsErr = acc[o + SUM_ABS_ERR]!;
  const sumAbsY = acc[o + SUM_ABS_Y]!;
  const sumAbsNaiveErr = acc[o + SUM_ABS_NAIVE_ERR]!;
  const m2Y = acc[o + M2_Y]!;
  const m2F = acc[o + M2_F]!;
  return {
    mae: sumAbsErr / count,
    rmse: Math.sqrt(acc[o + SUM_SQ_ERR]! / count),
    wmape: sumAbsY === 0 ? NaN : sumAbsErr / sumAbsY,
    smape: acc[o + SUM_SMAPE]! / count,
    mase: sumAbsNaiveErr === 0 ? NaN : sumAbsErr / sumAbsNaiveErr,
    corr: m2Y === 0 || m2F === 0 ? NaN : Math.max(-1, Math.min(1, acc[o + C_YF]! / Math.sqrt(m2Y * m2F))),
  };
}
