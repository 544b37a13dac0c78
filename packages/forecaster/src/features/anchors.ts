import { type DataPipelineConfig, futureRowsNeeded, historyRowsNeeded } from '../config.js';
import type { SeriesData } from '../data/frame.js';
import { DataInvalidError } from '../errors.js';

/** Every anchor of a series with full history and H observed targets after it (training, evaluation). */
export function trainingAnchors(cfg: DataPipelineConfig, series: SeriesData, stride = 1): Int32Array {
  const first = historyRowsNeeded(cfg) - 1;
  const last = series.length - 1 - cfg.forecastHorizon;
  if (last < first) return new Int32Array(0);
  const out = new Int32Array(Math.floor((last - first) / stride) + 1);
  for (let i = 0; i < out.length; i++) out[i] = first + i * stride;
  return out;
}

/**
 * The anchor to forecast from: the last row with observed targets. It needs `historyRowsNeeded` rows up
 * to it and, with future covariates, H rows after it; otherwise `DATA_INVALID` says how many are missing.
 */
export function latestAnchor(cfg: DataPipelineConfig, series: SeriesData): number {
  let anchor = series.length - 1;
  while (anchor >= 0 && cfg.targets.every((t) => Number.isNaN(series.columns[t]![anchor]!))) anchor--;
  const history = historyRowsNeeded(cfg);
  const where = series.id ? { series: series.id } : {};
  if (anchor + 1 < history) {
    throw new DataInvalidError(
      `need ${history} rows of history to forecast, got ${anchor + 1} (lookback ${cfg.lookbackWindowSize}, lags and rolling windows included)`,
      { column: cfg.targets[0]!, ...where },
    );
  }
  const future = futureRowsNeeded(cfg);
  if (series.length - 1 - anchor < future) {
    throw new DataInvalidError(
      `need ${future} future rows after the last observed target carrying ${[...cfg.exogenousFeatures, ...cfg.futureCovariates].join(', ')}, got ${series.length - 1 - anchor}`,
      { column: [...cfg.exogenousFeatures, ...cfg.futureCovariates][0]!, ...where },
    );
  }
  return anchor;
}
