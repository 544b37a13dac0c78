import type { DataPipelineConfig } from '../config.js';
import type { SeriesData } from '../data/frame.js';

/** Per-column affine scaling `(x − center) / scale`, fitted on training rows and saved in the checkpoint. */
export interface ColumnScaling {
  center: number;
  scale: number;
}

/** Scaling of every target and covariate column. */
export type ScalerState = Record<string, ColumnScaling>;

/**
 * Fit one scaler per column over all training rows of all series. `standard`: mean and population std;
 * `robust`: median and inter-quartile range; `none`: identity. A constant column gets scale 1 so it
 * never divides by zero.
 */
export function fitScaler(
  series: readonly SeriesData[],
  columns: readonly string[],
  kind: DataPipelineConfig['scaling'],
): ScalerState {
  const state: ScalerState = {};
  for (const name of columns) {
    if (kind === 'none') {
      state[name] = { center: 0, scale: 1 };
      continue;
    }
    let total = 0;
    for (const s of series) total += s.length;
    const values = new Float64Array(total);
    let k = 0;
    for (const s of series) {
      values.set(s.columns[name]!, k);
      k += s.length;
    }
    state[name] = kind === 'standard' ? standard(values) : robust(values);
  }
  return state;
}

function standard(values: Float64Array): ColumnScaling {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += (values[i]! - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  const std = Math.sqrt(ss / Math.max(1, values.length));
  return { center: mean, scale: std > 1e-12 ? std : 1 };
}

function robust(values: Float64Array): ColumnScaling {
  const sorted = values.slice().sort();
  const q = (p: number) => {
    const pos = (sorted.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  const iqr = q(0.75) - q(0.25);
  return { center: q(0.5), scale: iqr > 1e-12 ? iqr : 1 };
}

/** Fit one scaler per series (a global model over many series, each scaled by its own statistics). */
export function fitScalers(
  series: readonly SeriesData[],
  columns: readonly string[],
  kind: DataPipelineConfig['scaling'],
): Record<string, ScalerState> {
  return Object.fromEntries(series.map((s) => [s.id, fitScaler([s], columns, kind)]));
}
