import {
  combinePredictions,
  DataInvalidError,
  type EnsembleStrategy,
  type RawPrediction,
  type TwigaForecaster,
} from '@twiga/forecaster';
import { PayloadTooLargeError, RequestInvalidError } from '../errors.js';

/** A flat `[n, horizon, targets]` array of a prediction as nested arrays, as the seed's clients read them. */
export function toNested(p: RawPrediction, values: Float64Array): number[][][] {
  const [n, H, T] = p.shape;
  const out: number[][][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const steps: number[][] = new Array(H);
    for (let h = 0; h < H; h++) {
      const o = (i * H + h) * T;
      // Plain loops: Array.from over a subarray per step was ~5 % of a request.
      const cell: number[] = new Array(T);
      for (let t = 0; t < T; t++) cell[t] = values[o + t]!;
      steps[h] = cell;
    }
    out[i] = steps;
  }
  return out;
}

/** ISO 8601 UTC time of every forecast step, `[n][horizon]`. */
export function toTimestamps(p: RawPrediction): string[][] {
  const [n, H] = p.shape;
  const out: string[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: string[] = new Array(H);
    for (let h = 0; h < H; h++) row[h] = new Date(p.timestamps[i * H + h]!).toISOString();
    out[i] = row;
  }
  return out;
}

/**
 * The combined forecast `model: "ensemble"`. `weighted_mean` weighs each model by its inverse validation
 * MAE (equal weights when it was fitted without validation). Interval bounds, when present, are combined
 * with the same weights.
 */
export function ensembleOf(
  forecaster: TwigaForecaster,
  predictions: readonly RawPrediction[],
  strategy: EnsembleStrategy,
): RawPrediction {
  const mae = forecaster.state.validationMae;
  const weights = predictions.map((p) => {
    const v = mae[p.model];
    return v === null || v === undefined || v <= 0 ? 1 : 1 / v;
  });
  const point = combinePredictions(predictions, strategy, weights);
  if (predictions.some((p) => p.lower === undefined || p.upper === undefined))
    return { ...point, model: 'ensemble' };
  const bound = (key: 'lower' | 'upper') =>
    combinePredictions(
      predictions.map((p) => ({ ...p, loc: p[key]! })),
      strategy,
      weights,
    ).loc;
  return { ...point, kind: 'interval', model: 'ensemble', lower: bound('lower'), upper: bound('upper') };
}

/** Refuse requests with more records than `TWIGA_SERVE_MAX_RECORDS` (413), before any parsing work. */
export function checkRecordCount(count: number, max: number): void {
  if (count > max)
    throw new PayloadTooLargeError(`${count} records is more than the ${max} allowed per request`, {
      records: count,
      max,
    });
}

/**
 * JSON has no NaN or ±Infinity, so a non-finite forecast cannot be answered (the response schema refuses
 * it). Finite but extreme inputs (e.g. ±1e308) overflow the features or the model: that is the request's
 * fault, 422, not a 500.
 */
export function checkFiniteForecasts(predictions: readonly RawPrediction[]): void {
  for (const p of predictions) {
    if (!p.loc.every(Number.isFinite))
      throw new DataInvalidError(
        `the ${p.model} forecast is not finite: the records hold values too large in magnitude`,
      );
  }
}

/**
 * Split-conformal bounds are infinite when alpha is below 1 / (n + 1) for the n calibration windows: no
 * finite interval reaches that coverage. Refuse such an alpha (400 on the field the client sent).
 */
export function checkFiniteBounds(
  predictions: readonly RawPrediction[],
  alpha: number,
  field: 'alpha' | 'coverage',
): void {
  for (const p of predictions) {
    if (!p.lower!.every(Number.isFinite) || !p.upper!.every(Number.isFinite)) {
      const message = `alpha ${alpha} is too small for the checkpoint's calibration: the ${p.model} interval would be unbounded`;
      throw new RequestInvalidError(message, [{ path: `body.${field}`, message }]);
    }
  }
}

/**
 * The first path in a JSON-bound value holding NaN or ±Infinity, or undefined. Monitoring metrics of
 * finite but extreme inputs (errors past 1e154 square to Infinity) would otherwise fail serialisation.
 */
export function nonFinitePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '.';
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = nonFinitePath(child, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The fields every forecast answer shares (the seed's `ForecastResponse` besides `forecasts`). */
export function forecastEnvelope(predictions: readonly RawPrediction[], checkpointVersion: number) {
  const first = predictions[0]!;
  return {
    targets: [...first.targets],
    forecast_horizon: first.shape[1],
    timestamps: toTimestamps(first),
    series_ids: [...first.seriesIds],
    checkpoint_version: checkpointVersion,
  };
}
