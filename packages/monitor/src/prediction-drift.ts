import { MonitorLengthMismatchError } from './errors.js';
import type { ForecastValues } from './performance.js';
import type { ReferenceColumn } from './profile.js';
import { meanStd, sampleFromValues } from './stats/sample.js';
import type { MonitorTable } from './table.js';

/** Target names of predictions (`y0`, `y1`, … when they carry none). */
function targetNames(p: ForecastValues): string[] {
  const T = p.shape[2];
  const names = p.targets ? [...p.targets] : Array.from({ length: T }, (_, t) => `y${t}`);
  if (names.length !== T)
    throw new MonitorLengthMismatchError(`predictions name ${names.length} targets, shape has ${T}`, {
      column: 'targets',
      expected: T,
      actual: names.length,
    });
  const cells = p.shape[0] * p.shape[1] * T;
  if (p.loc.length !== cells)
    throw new MonitorLengthMismatchError(`predictions hold ${p.loc.length} values, shape says ${cells}`, {
      column: 'loc',
      expected: cells,
      actual: p.loc.length,
    });
  return names;
}

/** One column per target: its values over every window and horizon step (`[n, horizon, targets]` flattened). */
export function tableFromPredictions(p: ForecastValues): MonitorTable {
  const names = targetNames(p);
  const T = names.length;
  const rows = p.shape[0] * p.shape[1];
  const numeric: Record<string, Float64Array> = {};
  names.forEach((name, t) => {
    const col = new Float64Array(rows);
    for (let r = 0; r < rows; r++) col[r] = p.loc[r * T + t]!;
    numeric[name] = col;
  });
  return { length: rows, numeric, categorical: {} };
}

/** Reference columns (exact samples) from reference predictions. */
export function referenceFromPredictions(p: ForecastValues): Map<string, ReferenceColumn> {
  const table = tableFromPredictions(p);
  const out = new Map<string, ReferenceColumn>();
  for (const [name, values] of Object.entries(table.numeric)) {
    const sample = sampleFromValues(values);
    out.set(name, { kind: 'numeric', sample, std: meanStd(sample).std, exact: true });
  }
  return out;
}
