import type { DataPipelineConfig } from './config.js';
import { conformalQuantile } from './conformal.js';
import { ConfigInvalidError } from './errors.js';

/** What interval maths needs from a scoring pass (see `Scored` in forecaster.ts). */
interface ScoredOutputs {
  batch: { n: number };
  raw: Record<string, Float32Array>;
  unscale: Float64Array;
}

/** Validate a miscoverage level: α in (0, 1). */
export function checkAlpha(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) {
    throw new ConfigInvalidError(`alpha ${alpha} is not in (0, 1)`, [
      { path: 'alpha', message: 'a miscoverage level in (0, 1), e.g. 0.1 for 90 % intervals' },
    ]);
  }
  return alpha;
}

/**
 * Lower and upper bounds in original units for each α: ŷ ∓ q̂(α) per cell, with q̂ in the series' scaled
 * units mapped back through its scale. Flat `[n, horizon, targets]` each.
 */
export function intervalBounds(
  scored: ScoredOutputs,
  label: string,
  calibration: Record<string, Float32Array>,
  cfg: DataPipelineConfig,
  alphas: readonly number[],
): { lower: Float64Array; upper: Float64Array }[] {
  const sorted = calibration[label];
  if (sorted === undefined) throw new ConfigInvalidError(`no calibration for model ${label}`);
  const raw = scored.raw[label]!;
  const T = cfg.targets.length;
  const cells = cfg.forecastHorizon * T;
  const windows = sorted.length / cells;
  return alphas.map((alpha) => {
    const q = Float64Array.from({ length: cells }, (_, c) => conformalQuantile(sorted, windows, c, alpha));
    const lower = new Float64Array(raw.length);
    const upper = new Float64Array(raw.length);
    for (let r = 0; r < scored.batch.n; r++) {
      for (let c = 0; c < cells; c++) {
        const i = r * cells + c;
        const u = (r * T + (c % T)) * 2;
        const center = scored.unscale[u]!;
        const scale = scored.unscale[u + 1]!;
        lower[i] = (raw[i]! - q[c]!) * scale + center;
        upper[i] = (raw[i]! + q[c]!) * scale + center;
      }
    }
    return { lower, upper };
  });
}

/** Quantiles `[n, horizon, targets, levels]` from nested conformal intervals (levels sorted ascending). */
export function quantilesFromIntervals(
  scored: ScoredOutputs,
  label: string,
  calibration: Record<string, Float32Array>,
  cfg: DataPipelineConfig,
  levels: readonly number[],
): Float64Array {
  const K = levels.length;
  // τ < 0.5 is the lower bound of the central interval with coverage 1 − 2τ (α = 2τ); τ > 0.5 the upper
  // bound with coverage 2τ − 1 (α = 2 − 2τ); τ = 0.5 the point forecast (a zero-width interval).
  const bounds = intervalBounds(
    scored,
    label,
    calibration,
    cfg,
    levels.map((tau) => (tau === 0.5 ? 0.999999 : tau < 0.5 ? 2 * tau : 2 - 2 * tau)),
  );
  const size = scored.raw[label]!.length;
  const out = new Float64Array(size * K);
  levels.forEach((tau, k) => {
    const { lower, upper } = bounds[k]!;
    for (let i = 0; i < size; i++)
      out[i * K + k] = tau === 0.5 ? (lower[i]! + upper[i]!) / 2 : tau < 0.5 ? lower[i]! : upper[i]!;
  });
  return out;
}

/** Actuals in each window's scaled units (what conformal scores are measured in). */
export function scaledActuals(
  actual: Float64Array,
  unscale: Float64Array,
  cfg: DataPipelineConfig,
): Float64Array {
  const T = cfg.targets.length;
  const cells = cfg.forecastHorizon * T;
  const out = new Float64Array(actual.length);
  for (let i = 0; i < actual.length; i++) {
    const u = (Math.floor(i / cells) * T + (i % T)) * 2;
    out[i] = (actual[i]! - unscale[u]!) / unscale[u + 1]!;
  }
  return out;
}
