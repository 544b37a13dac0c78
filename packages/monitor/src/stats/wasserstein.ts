import type { NumericSample } from './sample.js';

/**
 * First Wasserstein distance between two empirical distributions, as scipy's `wasserstein_distance(u, v)`:
 * the integral of |F_u − F_v| over the merged sorted values. One walk over both sorted samples.
 */
export function wassersteinDistance(u: NumericSample, v: NumericSample): number {
  if (u.n === 0 || v.n === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let cu = 0;
  let cv = 0;
  let total = 0;
  let prev = Number.NaN;
  const uv = u.values;
  const vv = v.values;
  while (i < uv.length || j < vv.length) {
    const x = i < uv.length ? uv[i]! : Number.POSITIVE_INFINITY;
    const y = j < vv.length ? vv[j]! : Number.POSITIVE_INFINITY;
    const at = Math.min(x, y);
    // |F_u − F_v| is constant on [prev, at): add it times the width.
    if (!Number.isNaN(prev)) total += Math.abs(cu / u.n - cv / v.n) * (at - prev);
    if (x <= y) cu += u.counts[i++]!;
    if (y <= x) cv += v.counts[j++]!;
    prev = at;
  }
  return total;
}

/** Floor of the normalising standard deviation, as Evidently's `wasserstein` test has it. */
export const WASSERSTEIN_STD_FLOOR = 0.001;

/**
 * Evidently's `wasserstein` drift score: the Wasserstein distance divided by the reference's population
 * standard deviation (`np.std`), floored at 0.001 so a constant reference does not divide by zero.
 */
export function wassersteinNormed(
  reference: NumericSample,
  current: NumericSample,
  referenceStd: number,
): number {
  return wassersteinDistance(reference, current) / Math.max(referenceStd, WASSERSTEIN_STD_FLOOR);
}
