/**
 * Metrics of probabilistic forecasts. All arrays are flat `[n, horizon, targets]`; quantiles are
 * `[n, horizon, targets, levels]`. Cells whose actual is NaN are skipped.
 */

/** Interval quality: how often it covers, how wide it is, and the Winkler score that trades both. */
export interface IntervalMetrics {
  /** Prediction-interval coverage probability: share of actuals inside [lower, upper]. */
  coverage: number;
  /** Mean of upper − lower. */
  meanWidth: number;
  /** Mean width divided by the range (max − min) of the actuals (NMPIW). */
  normalizedWidth: number;
  /**
   * Mean Winkler score at miscoverage α: width, plus (2/α)·(lower − y) when y < lower, plus
   * (2/α)·(y − upper) when y > upper. Lower is better.
   */
  winkler: number;
  /** Cells scored. */
  count: number;
}

/** Coverage, width and Winkler score of intervals `[lower, upper]` at miscoverage `alpha`. */
export function intervalMetrics(
  actual: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  alpha: number,
): IntervalMetrics {
  let covered = 0;
  let width = 0;
  let winkler = 0;
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    if (Number.isNaN(y)) continue;
    const lo = lower[i]!;
    const hi = upper[i]!;
    const w = hi - lo;
    count++;
    width += w;
    let score = w;
    if (y < lo) score += (2 / alpha) * (lo - y);
    else if (y > hi) score += (2 / alpha) * (y - hi);
    else covered++;
    winkler += score;
    if (y < min) min = y;
    if (y > max) max = y;
  }
  if (count === 0)
    return {
      coverage: Number.NaN,
      meanWidth: Number.NaN,
      normalizedWidth: Number.NaN,
      winkler: Number.NaN,
      count,
    };
  const range = max - min;
  return {
    coverage: covered / count,
    meanWidth: width / count,
    normalizedWidth: range > 0 ? width / count / range : Number.NaN,
    winkler: winkler / count,
    count,
  };
}

/** Pinball (quantile) loss of forecast q for actual y at level τ: τ·(y − q) if y ≥ q, else (1 − τ)·(q − y). */
export function pinball(y: number, q: number, tau: number): number {
  return y >= q ? tau * (y - q) : (1 - tau) * (q - y);
}

/** Quantile quality: mean pinball loss per level, and CRPS approximated from the quantiles. */
export interface QuantileMetrics {
  /** Mean pinball loss per level, in level order. */
  pinball: number[];
  /**
   * CRPS from quantiles: 2 × the mean over levels of the mean pinball loss, the quadrature of
   * CRPS = 2 ∫₀¹ pinball_τ dτ on the given levels (exact as the levels fill (0, 1) evenly).
   */
  crps: number;
  count: number;
}

/** Pinball loss per level and CRPS for quantile forecasts `[n, horizon, targets, levels]`. */
export function quantileMetrics(
  actual: Float64Array,
  quantiles: Float64Array,
  levels: readonly number[],
): QuantileMetrics {
  const K = levels.length;
  const sums = new Float64Array(K);
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    if (Number.isNaN(y)) continue;
    count++;
    for (let k = 0; k < K; k++) sums[k]! += pinball(y, quantiles[i * K + k]!, levels[k]!);
  }
  const loss = Array.from(sums, (s) => (count === 0 ? Number.NaN : s / count));
  const crps = count === 0 ? Number.NaN : (2 * loss.reduce((a, b) => a + b, 0)) / K;
  return { pinball: loss, crps, count };
}
