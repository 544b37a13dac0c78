/** What a prediction holds: a point forecast, an interval around it, or quantiles. */
export type ForecastKind = 'point' | 'interval' | 'quantile';

/**
 * One model's forecasts for `n` windows. Every array is flat row-major: `loc`, `lower`, `upper` are
 * `[n, horizon, targets]`; `quantiles` is `[n, horizon, targets, levels]`; `timestamps` is `[n, horizon]`
 * (epoch ms of each forecast step).
 */
export interface RawPrediction {
  readonly kind: ForecastKind;
  /** Model name (as in the training config). */
  readonly model: string;
  /** Target column names, in the order of the last axis. */
  readonly targets: readonly string[];
  /** `[n, horizon, targets]`. */
  readonly shape: readonly [number, number, number];
  readonly loc: Float64Array;
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
  readonly quantiles?: Float64Array;
  readonly levels?: readonly number[];
  readonly timestamps: Float64Array;
  /** Series of each window ('' for single-series data). */
  readonly seriesIds: readonly string[];
}

/** How forecasts of several models are combined (the seed's `ensemble_strategy`). */
export const ENSEMBLE_STRATEGIES = ['mean', 'median', 'weighted_mean'] as const;
export type EnsembleStrategy = (typeof ENSEMBLE_STRATEGIES)[number];

/**
 * Combine point predictions of the same windows cell by cell. `weighted_mean` uses `weights` (one per
 * prediction, e.g. inverse validation MAE); they are normalised here.
 */
export function combinePredictions(
  predictions: readonly RawPrediction[],
  strategy: EnsembleStrategy,
  weights?: readonly number[],
): RawPrediction {
  const first = predictions[0];
  if (first === undefined) throw new RangeError('combinePredictions needs at least one prediction');
  const size = first.loc.length;
  const loc = new Float64Array(size);
  const m = predictions.length;
  if (strategy === 'median') {
    const cell = new Float64Array(m);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < m; j++) cell[j] = predictions[j]!.loc[i]!;
      cell.sort();
      loc[i] = m % 2 === 1 ? cell[(m - 1) / 2]! : (cell[m / 2 - 1]! + cell[m / 2]!) / 2;
    }
  } else {
    const w = new Float64Array(m).fill(1 / m);
    if (strategy === 'weighted_mean' && weights !== undefined) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total > 0 && Number.isFinite(total))
        weights.forEach((v, j) => {
          w[j] = v / total;
        });
    }
    for (let j = 0; j < m; j++) {
      const src = predictions[j]!.loc;
      const wj = w[j]!;
      for (let i = 0; i < size; i++) loc[i]! += wj * src[i]!;
    }
  }
  return { ...first, kind: 'point', model: `ensemble:${strategy}`, loc };
}
