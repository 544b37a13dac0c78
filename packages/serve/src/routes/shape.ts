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

const DAY_MS = 86_400_000;
// Years 0000-9999: the range where toISOString has the fixed `YYYY-MM-DDT` prefix.
const MIN_ISO_MS = -62_167_219_200_000;
const MAX_ISO_MS = 253_402_300_799_999;
let cachedDay = Number.NaN;
let cachedPrefix = '';

const pad2 = (v: number) => (v < 10 ? `0${v}` : String(v));

/**
 * `new Date(ms).toISOString()`, with the date part formatted once per day: forecast steps of an answer share
 * their days, and 48 full formats were ~4 % of a request. A test checks it against toISOString.
 */
export function isoUtc(ms: number): string {
  if (!(ms >= MIN_ISO_MS && ms <= MAX_ISO_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rem = ms - day * DAY_MS;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const m = Math.floor(rem / 60_000);
  rem -= m * 60_000;
  const sec = Math.floor(rem / 1000);
  const milli = rem - sec * 1000;
  const fraction = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : String(milli);
  return `${cachedPrefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${fraction}Z`;
}

/** ISO 8601 UTC time of every forecast step, `[n][horizon]`. */
export function toTimestamps(p: RawPrediction): string[][] {
  const [n, H] = p.shape;
  const out: string[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: string[] = new Array(H);
    for (let h = 0; h < H; h++) row[h] = isoUtc(p.timestamps[i * H + h]!);
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
