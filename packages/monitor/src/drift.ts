import {
  MonitorColumnEmptyError,
  MonitorColumnTypeError,
  MonitorColumnUnknownError,
  MonitorMethodInvalidError,
} from './errors.js';
import { type ColumnKind, type ColumnPair, type DriftMethod, METHOD_SPECS, runMethod } from './methods.js';
import type { ReferenceColumn } from './profile.js';
import { defaultMethod, FEW_VALUES_MAX } from './select-test.js';
import { type CategoricalSample, categoricalFromValues } from './stats/categorical.js';
import { sampleFromValues, unionDistinct } from './stats/sample.js';
import type { MonitorTable } from './table.js';

/** Method and threshold for one column, overriding the run-wide ones. */
export interface ColumnDriftOptions {
  method?: DriftMethod;
  threshold?: number;
}

/** Options of a data drift check. */
export interface DriftOptions {
  /** Columns to check. @default every column of the reference profile */
  columns?: readonly string[];
  /** Test for every column. @default Evidently's choice per column (see `defaultMethod`) */
  method?: DriftMethod;
  /** Threshold for every column. @default the method's Evidently default */
  threshold?: number;
  /** Per-column method and threshold; wins over `method` and `threshold`. */
  perColumn?: Readonly<Record<string, ColumnDriftOptions>>;
  /** Dataset drift when at least this share of the columns drifted. @default 0.5 */
  driftShare?: number;
}

/** Defaults of {@link DriftOptions}. */
export const DRIFT_DEFAULTS = Object.freeze({ driftShare: 0.5 });

/** The verdict on one column. */
export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  method: DriftMethod;
  /** Evidently's name for the score, e.g. `K-S p_value`. */
  method_label: string;
  /** Whether `score` is a p-value (drift below the threshold) or a distance (drift at or above it). */
  score_type: 'p_value' | 'distance';
  threshold: number;
  score: number;
  drift_detected: boolean;
  /** Non-missing values in the reference and the current data. */
  n_reference: number;
  n_current: number;
  /** True when the reference column is a quantile sketch, so KS and Wasserstein are approximations. */
  approximate: boolean;
}

/** Outcome of a drift check over several columns. */
export interface DriftResult {
  /** Dataset drift: `dataset_drift_score ≥ drift_share`. */
  drift_detected: boolean;
  /** Share of the checked columns that drifted. */
  dataset_drift_score: number;
  n_drifted: number;
  total: number;
  drift_share: number;
  /** Drift score of each column, in check order. */
  feature_drift: Record<string, number>;
  columns: ColumnDrift[];
}

/** A finished check with the samples it compared (for reports). */
export interface DriftComputation {
  result: DriftResult;
  pairs: Map<string, ColumnPair>;
}

/**
 * Check every requested column of `current` against the reference with Evidently 0.7's rules: missing
 * values (NaN, ±Infinity, null) are dropped first; the test is the one asked for, else Evidently's
 * default for the column's kind, non-missing reference rows and distinct values.
 */
export function computeDataDrift(
  reference: ReadonlyMap<string, ReferenceColumn>,
  current: MonitorTable,
  options: DriftOptions = {},
): DriftComputation {
  const columns = options.columns ?? [...reference.keys()];
  const driftShare = options.driftShare ?? DRIFT_DEFAULTS.driftShare;
  const pairs = new Map<string, ColumnPair>();
  const results: ColumnDrift[] = [];
  for (const column of columns) {
    const ref = reference.get(column);
    if (ref === undefined) throw new MonitorColumnUnknownError(column, 'reference', [...reference.keys()]);
    const pair = makePair(column, ref, current);
    const nRef = pair.reference.n;
    const nCur = pair.current.n;
    if (nRef === 0) throw new MonitorColumnEmptyError(column, 'reference');
    if (nCur === 0) throw new MonitorColumnEmptyError(column, 'current');
    const own = options.perColumn?.[column];
    const chosen = own?.method ?? options.method;
    if (chosen !== undefined && !METHOD_SPECS[chosen].kinds.includes(pair.kind))
      throw new MonitorMethodInvalidError(column, chosen, pair.kind);
    const method = chosen ?? defaultMethod(pair.kind, nRef, distinctValues(pair));
    const spec = METHOD_SPECS[method];
    const threshold = own?.threshold ?? options.threshold ?? spec.threshold;
    const score = runMethod(method, pair);
    pairs.set(column, pair);
    results.push({
      column,
      kind: pair.kind,
      method,
      method_label: spec.label,
      score_type: spec.score,
      threshold,
      score,
      drift_detected: spec.drifted(score, threshold),
      n_reference: nRef,
      n_current: nCur,
      approximate: ref.kind === 'numeric' && !ref.exact,
    });
  }
  const nDrifted = results.filter((r) => r.drift_detected).length;
  const share = results.length === 0 ? 0 : nDrifted / results.length;
  return {
    result: {
      drift_detected: results.length > 0 && share >= driftShare,
      dataset_drift_score: share,
      n_drifted: nDrifted,
      total: results.length,
      drift_share: driftShare,
      feature_drift: Object.fromEntries(results.map((r) => [r.column, r.score])),
      columns: results,
    },
    pairs,
  };
}

/** Distinct values of both samples together; for numbers only counted far enough to pick a test. */
function distinctValues(pair: ColumnPair): number {
  if (pair.kind === 'numeric') return unionDistinct(pair.reference, pair.current, FEW_VALUES_MAX);
  return new Set([...pair.reference.counts.keys(), ...pair.current.counts.keys()]).size;
}

/** The current column as a sample of the reference column's kind. */
function makePair(column: string, ref: ReferenceColumn, current: MonitorTable): ColumnPair {
  const numbers = current.numeric[column];
  const texts = current.categorical[column];
  if (numbers === undefined && texts === undefined)
    throw new MonitorColumnUnknownError(column, 'current', [
      ...Object.keys(current.numeric),
      ...Object.keys(current.categorical),
    ]);
  if (ref.kind === 'numeric') {
    if (numbers === undefined) {
      const row = texts!.findIndex((t) => t !== null);
      throw new MonitorColumnTypeError(column, row + 1, String(texts![row] ?? ''));
    }
    return {
      kind: 'numeric',
      reference: ref.sample,
      referenceStd: ref.std,
      current: sampleFromValues(numbers),
    };
  }
  const sample: CategoricalSample =
    texts !== undefined
      ? categoricalFromValues(texts)
      : categoricalFromValues(Array.from(numbers!, (v) => (Number.isFinite(v) ? String(v) : null)));
  return { kind: 'categorical', reference: ref.sample, current: sample };
}
