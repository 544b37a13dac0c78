import type { DataPipelineConfig } from '../config.js';

/** Where each block of features starts in a feature row; computed once from the config. */
export interface FeatureLayout {
  /** Total features per row. */
  readonly width: number;
  /** Feature names, `width` long, in row order (saved in the checkpoint). */
  readonly names: readonly string[];
  /** Offset of target `t`'s lookback block: feature `offset + k` is y[anchor − k]. */
  readonly lookback: readonly number[];
  /** For target t and lag index j: offset of the block; feature `offset + h − 1` is y[anchor + h − lag]. */
  readonly lags: readonly (readonly number[])[];
}

/**
 * Feature order (the same at training and serving, which is why it is computed in one place):
 * per target — lookback y[t−k] for k = 0..L−1, then each lag k's values y[t+h−k] for h = 1..min(H, k),
 * then each rolling window's mean and std; then calendar sin/cos pairs at the first forecast time;
 * historical covariates over the lookback; exogenous covariates at t and t+1..t+H; future covariates at
 * t+1..t+H.
 */
export function featureLayout(cfg: DataPipelineConfig): FeatureLayout {
  const names: string[] = [];
  const lookback: number[] = [];
  const lags: number[][] = [];
  const H = cfg.forecastHorizon;
  for (const target of cfg.targets) {
    lookback.push(names.length);
    for (let k = 0; k < cfg.lookbackWindowSize; k++) names.push(`${target}[t-${k}]`);
    const lagOffsets: number[] = [];
    for (const lag of cfg.lags) {
      lagOffsets.push(names.length);
      for (let h = 1; h <= Math.min(H, lag); h++) names.push(`${target}_lag${lag}[t+${h}]`);
    }
    lags.push(lagOffsets);
    for (const w of cfg.rollingWindows) names.push(`${target}_roll${w}_mean`, `${target}_roll${w}_std`);
  }
  for (const f of cfg.calendarFeatures) names.push(`${f}_sin`, `${f}_cos`);
  for (const c of cfg.historicalFeatures) {
    for (let k = 0; k < cfg.lookbackWindowSize; k++) names.push(`${c}[t-${k}]`);
  }
  for (const c of cfg.exogenousFeatures) for (let h = 0; h <= H; h++) names.push(`${c}[t+${h}]`);
  for (const c of cfg.futureCovariates) for (let h = 1; h <= H; h++) names.push(`${c}[t+${h}]`);
  return { width: names.length, names, lookback, lags };
}
