import type { SeriesData } from './data/frame.js';
import { buildFeatures, buildTargets, type FeatureContext } from './features/build-features.js';

/** Feature rows (float32, as ONNX takes them) for a set of windows across series, plus their provenance. */
export interface WindowBatch {
  readonly n: number;
  readonly features: Float32Array;
  /** Series index (into the series array) and anchor row of each window. */
  readonly seriesIndex: Int32Array;
  readonly anchors: Int32Array;
}

/** Build the feature rows of the given anchors of each series into one batch. */
export function buildWindowBatch(
  ctx: FeatureContext,
  series: readonly SeriesData[],
  anchors: readonly Int32Array[],
): WindowBatch {
  let n = 0;
  for (const a of anchors) n += a.length;
  const features = new Float32Array(n * ctx.layout.width);
  const seriesIndex = new Int32Array(n);
  const flatAnchors = new Int32Array(n);
  let row = 0;
  series.forEach((s, si) => {
    const a = anchors[si]!;
    buildFeatures(ctx, s, a, features, row);
    seriesIndex.fill(si, row, row + a.length);
    flatAnchors.set(a, row);
    row += a.length;
  });
  return { n, features, seriesIndex, anchors: flatAnchors };
}

/** Actual target values `[n, horizon, targets]` in original units for a batch (NaN where absent). */
export function batchActuals(
  ctx: FeatureContext,
  series: readonly SeriesData[],
  batch: WindowBatch,
): Float64Array {
  const { forecastHorizon: H, targets } = ctx.config;
  const out = new Float64Array(batch.n * H * targets.length);
  for (let r = 0; r < batch.n; r++) {
    const s = series[batch.seriesIndex[r]!]!;
    const t = batch.anchors[r]!;
    for (let ti = 0; ti < targets.length; ti++) {
      const y = s.columns[targets[ti]!]!;
      for (let h = 1; h <= H; h++)
        out[(r * H + h - 1) * targets.length + ti] = t + h < s.length ? y[t + h]! : Number.NaN;
    }
  }
  return out;
}

/** Scaled training targets `[n, horizon*targets]` (float64) for the windows of a batch. */
export function batchScaledTargets(
  ctx: FeatureContext,
  series: readonly SeriesData[],
  anchors: readonly Int32Array[],
): Float64Array {
  const k = ctx.config.forecastHorizon * ctx.config.targets.length;
  let n = 0;
  for (const a of anchors) n += a.length;
  const out = new Float64Array(n * k);
  let row = 0;
  series.forEach((s, si) => {
    const a = anchors[si]!;
    buildTargets(ctx, s, a, out.subarray(row * k));
    row += a.length;
  });
  return out;
}

/** Epoch ms of every forecast step `[n, horizon]`. */
export function batchTimestamps(
  ctx: FeatureContext,
  series: readonly SeriesData[],
  batch: WindowBatch,
): Float64Array {
  const H = ctx.config.forecastHorizon;
  const out = new Float64Array(batch.n * H);
  for (let r = 0; r < batch.n; r++) {
    const t0 = series[batch.seriesIndex[r]!]!.timestamps[batch.anchors[r]!]!;
    for (let h = 1; h <= H; h++) out[r * H + h - 1] = t0 + h * ctx.periodMs;
  }
  return out;
}

/** Seasonal-naive forecasts `[n, horizon, targets]` read straight from the data (the MASE baseline). */
export function batchSeasonalNaive(
  ctx: FeatureContext,
  series: readonly SeriesData[],
  batch: WindowBatch,
  seasonLength: number,
): Float64Array {
  const { forecastHorizon: H, targets } = ctx.config;
  const out = new Float64Array(batch.n * H * targets.length);
  for (let r = 0; r < batch.n; r++) {
    const s = series[batch.seriesIndex[r]!]!;
    const t = batch.anchors[r]!;
    for (let ti = 0; ti < targets.length; ti++) {
      const y = s.columns[targets[ti]!]!;
      for (let h = 1; h <= H; h++) {
        const hs = ((h - 1) % seasonLength) + 1;
        out[(r * H + h - 1) * targets.length + ti] = y[t + hs - seasonLength]!;
      }
    }
  }
  return out;
}
