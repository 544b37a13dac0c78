import type { DataPipelineConfig } from '../config.js';
import type { SeriesData } from '../data/frame.js';
import { DataInvalidError } from '../errors.js';
import { writeCalendarPair } from './calendar.js';
import type { FeatureLayout } from './layout.js';
import type { ScalerState } from './scaler.js';

/** Everything the feature builder needs, resolved once (per fit or per loaded checkpoint). */
export interface FeatureContext {
  readonly config: DataPipelineConfig;
  readonly layout: FeatureLayout;
  /** Scaling per series id ('' for single-series data): each series is scaled by its own statistics. */
  readonly scalers: Readonly<Record<string, ScalerState>>;
  readonly periodMs: number;
}

/**
 * Write the feature row of each anchor (the index of the last observed step) into `out`, row-major with
 * stride `layout.width`, starting at row `rowOffset`. This single function builds features for training,
 * evaluation and serving, so what a model sees at serving time is by construction what it was trained on.
 * It allocates nothing: callers own `out`.
 */
export function buildFeatures(
  ctx: FeatureContext,
  series: SeriesData,
  anchors: ArrayLike<number>,
  out: Float32Array | Float64Array,
  rowOffset = 0,
): void {
  const { config: cfg, layout } = ctx;
  const scaler = scalerOf(ctx, series);
  const H = cfg.forecastHorizon;
  const L = cfg.lookbackWindowSize;
  const width = layout.width;
  for (let a = 0; a < anchors.length; a++) {
    const t = anchors[a]!;
    let o = (rowOffset + a) * width;
    for (let ti = 0; ti < cfg.targets.length; ti++) {
      const name = cfg.targets[ti]!;
      const y = series.columns[name]!;
      const { center, scale } = scaler[name]!;
      for (let k = 0; k < L; k++) out[o++] = (y[t - k]! - center) / scale;
      for (const lag of cfg.lags) {
        const n = Math.min(H, lag);
        for (let h = 1; h <= n; h++) out[o++] = (y[t + h - lag]! - center) / scale;
      }
      for (const w of cfg.rollingWindows) {
        let sum = 0;
        let sumSq = 0;
        for (let k = 0; k < w; k++) {
          const v = (y[t - k]! - center) / scale;
          sum += v;
          sumSq += v * v;
        }
        const mean = sum / w;
        out[o++] = mean;
        out[o++] = Math.sqrt(Math.max(0, sumSq / w - mean * mean));
      }
    }
    const firstForecast = series.timestamps[t]! + ctx.periodMs;
    for (const f of cfg.calendarFeatures) {
      writeCalendarPair(f, firstForecast, out, o);
      o += 2;
    }
    for (const c of cfg.historicalFeatures) {
      const x = series.columns[c]!;
      const { center, scale } = scaler[c]!;
      for (let k = 0; k < L; k++) out[o++] = (x[t - k]! - center) / scale;
    }
    for (const c of cfg.exogenousFeatures) {
      const x = series.columns[c]!;
      const { center, scale } = scaler[c]!;
      for (let h = 0; h <= H; h++) out[o++] = (x[t + h]! - center) / scale;
    }
    for (const c of cfg.futureCovariates) {
      const x = series.columns[c]!;
      const { center, scale } = scaler[c]!;
      for (let h = 1; h <= H; h++) out[o++] = (x[t + h]! - center) / scale;
    }
  }
}

/**
 * Write the scaled targets y[t+1..t+H] of each anchor into `out`, row-major `[anchor][h][target]`,
 * the layout every model predicts.
 */
export function buildTargets(
  ctx: FeatureContext,
  series: SeriesData,
  anchors: ArrayLike<number>,
  out: Float64Array,
): void {
  const { config: cfg } = ctx;
  const scaler = scalerOf(ctx, series);
  const H = cfg.forecastHorizon;
  const T = cfg.targets.length;
  for (let a = 0; a < anchors.length; a++) {
    const t = anchors[a]!;
    for (let ti = 0; ti < T; ti++) {
      const name = cfg.targets[ti]!;
      const y = series.columns[name]!;
      const { center, scale } = scaler[name]!;
      for (let h = 1; h <= H; h++) out[(a * H + h - 1) * T + ti] = (y[t + h]! - center) / scale;
    }
  }
}

/** The scaling of a series; `DATA_INVALID` for a series the model was not trained on. */
export function scalerOf(ctx: FeatureContext, series: { id: string }): ScalerState {
  const scaler = ctx.scalers[series.id];
  if (scaler === undefined) {
    throw new DataInvalidError(`series ${JSON.stringify(series.id)} was not in the training data`, {
      ...(ctx.config.seriesId === undefined ? {} : { column: ctx.config.seriesId }),
      series: series.id,
    });
  }
  return scaler;
}
