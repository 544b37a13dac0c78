import { alignCategoricalCounts, type CategoricalSample } from './categorical.js';
import {
  alignNumericCounts,
  cumulativeCounts,
  lowerBound,
  type NumericSample,
  upperBound,
} from './sample.js';

/** Evidently bins a numeric column (instead of counting values) when the reference has more distinct values. */
export const HISTOGRAM_MIN_DISTINCT = 20;

/** Shares of reference and current per bin or category: what PSI and Jensen–Shannon compare. */
export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
}

/**
 * numpy's `histogram_bin_edges(combined, bins='sturges')`: ⌈range / (range / (log2 N + 1))⌉ equal bins
 * over [min, max] of both samples together (N values), built as `np.linspace` builds them; a zero range
 * becomes [v − 0.5, v + 0.5] with one bin.
 */
export function sturgesEdges(a: NumericSample, b: NumericSample): Float64Array {
  let first = Math.min(a.values[0]!, b.values[0]!);
  let last = Math.max(a.values[a.values.length - 1]!, b.values[b.values.length - 1]!);
  const ptp = last - first;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = ptp / (Math.log2(a.n + b.n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/**
 * Counts per bin as `np.histogram(sample, edges)`: [e_i, e_{i+1}) except the last bin, which is closed.
 * Values outside the edges are not counted.
 */
export function histogramCounts(sample: NumericSample, edges: Float64Array): Float64Array {
  const cum = cumulativeCounts(sample);
  const bins = edges.length - 1;
  const out = new Float64Array(bins);
  let below = cum[lowerBound(sample.values, edges[0]!)]!;
  for (let i = 0; i < bins; i++) {
    const next =
      i === bins - 1
        ? cum[upperBound(sample.values, edges[i + 1]!)]!
        : cum[lowerBound(sample.values, edges[i + 1]!)]!;
    out[i] = next - below;
    below = next;
  }
  return out;
}

/**
 * Evidently's `get_binned_data` (without filling empty bins): a numeric column whose reference has more than
 * {@link HISTOGRAM_MIN_DISTINCT} distinct values is cut into Sturges bins over both samples; anything else
 * is counted per value. Shares are counts divided by each sample's size.
 */
export function binnedShares(
  reference: NumericSample | CategoricalSample,
  current: NumericSample | CategoricalSample,
): BinnedShares {
  let ref: Float64Array;
  let cur: Float64Array;
  if (isNumeric(reference) && isNumeric(current)) {
    if (reference.values.length > HISTOGRAM_MIN_DISTINCT) {
      const edges = sturgesEdges(reference, current);
      ref = histogramCounts(reference, edges);
      cur = histogramCounts(current, edges);
    } else {
      ({ a: ref, b: cur } = alignNumericCounts(reference, current));
    }
  } else if (!isNumeric(reference) && !isNumeric(current)) {
    ({ a: ref, b: cur } = alignCategoricalCounts(reference, current));
  } else {
    throw new TypeError('binnedShares: both samples must be numeric or both categorical');
  }
  return { reference: ref.map((c) => c / reference.n), current: cur.map((c) => c / current.n) };
}

/** True for a {@link NumericSample}. */
export function isNumeric(sample: NumericSample | CategoricalSample): sample is NumericSample {
  return 'values' in sample;
}
