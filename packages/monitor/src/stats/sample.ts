import { sortFloat64 } from './radix-sort.js';

/**
 * A numeric sample as its sorted distinct values and how often each occurs: the one shape every numeric
 * test reads. It is what a reference profile stores, so a drift check never needs the reference rows, and
 * it makes ECDF merges (KS, Wasserstein) and histograms a walk over two sorted arrays.
 */
export interface NumericSample {
  /** Distinct finite values, ascending. */
  readonly values: Float64Array;
  /** Occurrences of each value (same length as `values`). */
  readonly counts: Float64Array;
  /** Total count: the sum of `counts`. */
  readonly n: number;
}

/**
 * Build a {@link NumericSample} from raw values, dropping NaN and ±Infinity as Evidently does (it
 * replaces infinities with NaN, then drops NaN). Copies once into a typed array and sorts it there.
 */
export function sampleFromValues(data: ArrayLike<number>): NumericSample {
  const finite = new Float64Array(data.length);
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v === 0) finite[m++] = v; // false for NaN and ±Infinity
  }
  const sorted = sortFloat64(finite.subarray(0, m));
  return compressSorted(sorted);
}

/** Collapse an ascending array into distinct values and counts. */
export function compressSorted(sorted: Float64Array): NumericSample {
  const m = sorted.length;
  let distinct = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const values = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  let k = -1;
  for (let i = 0; i < m; i++) {
    const v = sorted[i]!;
    if (k < 0 || v !== values[k]) {
      k++;
      // -0 and 0 are one value (pandas' nunique agrees); keep the first seen.
      values[k] = v;
    }
    counts[k]!++;
  }
  return { values, counts, n: m };
}

/** Number of distinct values in the union of two samples, counting only up to `cap` (then returns `cap + 1`). */
export function unionDistinct(a: NumericSample, b: NumericSample, cap = Number.POSITIVE_INFINITY): number {
  let i = 0;
  let j = 0;
  let u = 0;
  const av = a.values;
  const bv = b.values;
  while (i < av.length || j < bv.length) {
    const x = i < av.length ? av[i]! : Number.POSITIVE_INFINITY;
    const y = j < bv.length ? bv[j]! : Number.POSITIVE_INFINITY;
    if (x <= y) i++;
    if (y <= x) j++;
    if (++u > cap) return cap + 1;
  }
  return u;
}

/**
 * Counts of both samples over the union of their distinct values (ascending): the value-count vectors
 * Evidently's chi-square, Z, Jensen–Shannon and PSI read for few-valued columns.
 */
export function alignNumericCounts(
  a: NumericSample,
  b: NumericSample,
): { keys: Float64Array; a: Float64Array; b: Float64Array } {
  const u = unionDistinct(a, b);
  const keys = new Float64Array(u);
  const ca = new Float64Array(u);
  const cb = new Float64Array(u);
  let i = 0;
  let j = 0;
  for (let k = 0; k < u; k++) {
    const x = i < a.values.length ? a.values[i]! : Number.POSITIVE_INFINITY;
    const y = j < b.values.length ? b.values[j]! : Number.POSITIVE_INFINITY;
    keys[k] = Math.min(x, y);
    if (x <= y) ca[k] = a.counts[i++]!;
    if (y <= x) cb[k] = b.counts[j++]!;
  }
  return { keys, a: ca, b: cb };
}

/** Population mean and standard deviation (numpy's `np.std`, ddof = 0) of a sample. */
export function meanStd(sample: NumericSample): { mean: number; std: number } {
  const { values, counts, n } = sample;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * counts[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    ss += d * d * counts[i]!;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

/** Cumulative counts: `cum[i]` = number of values strictly below `values[i]`; `cum[len]` = n. */
export function cumulativeCounts(sample: NumericSample): Float64Array {
  const cum = new Float64Array(sample.values.length + 1);
  for (let i = 0; i < sample.values.length; i++) cum[i + 1] = cum[i]! + sample.counts[i]!;
  return cum;
}

/** First index whose value is ≥ x (`side='left'`). */
export function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x (`side='right'`). */
export function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
