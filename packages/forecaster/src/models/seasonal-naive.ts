import type { DataPipelineConfig } from '../config.js';
import { ConfigInvalidError } from '../errors.js';
import type { FeatureLayout } from '../features/layout.js';
import type { LinearHead } from './linear-head.js';

/**
 * Seasonal naive: the forecast for step h is the value one season earlier, y[t + h' − s] with
 * h' = ((h − 1) mod s) + 1. Every value it needs is already a feature (lookback or seasonal lag), so it
 * is a linear head whose weights select those features — the same ONNX graph as any linear model.
 */
export function seasonalNaiveHead(
  cfg: DataPipelineConfig,
  layout: FeatureLayout,
  seasonLength: number,
): LinearHead {
  const H = cfg.forecastHorizon;
  const T = cfg.targets.length;
  const p = layout.width;
  const k = H * T;
  const weights = new Float64Array(p * k);
  for (let ti = 0; ti < T; ti++) {
    for (let h = 1; h <= H; h++) {
      const hs = ((h - 1) % seasonLength) + 1;
      const back = seasonLength - hs; // y[t − back]
      let feature: number | undefined;
      if (back < cfg.lookbackWindowSize) feature = layout.lookback[ti]! + back;
      else {
        const j = cfg.lags.indexOf(seasonLength);
        if (j >= 0 && hs <= Math.min(H, seasonLength)) feature = layout.lags[ti]![j]! + hs - 1;
      }
      if (feature === undefined) {
        throw new ConfigInvalidError(
          `seasonal-naive with season ${seasonLength} needs lookbackWindowSize ≥ ${seasonLength} or lag ${seasonLength}`,
          [
            {
              path: 'data.lookbackWindowSize',
              message: `at least ${seasonLength}, or add ${seasonLength} to lags`,
            },
          ],
        );
      }
      weights[feature * k + (h - 1) * T + ti] = 1;
    }
  }
  return { nFeatures: p, nOutputs: k, weights, bias: new Float64Array(k) };
}
