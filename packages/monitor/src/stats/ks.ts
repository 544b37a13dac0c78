import { kolmogorovN } from './kolmogorov.js';
import { exactTwoSided, gcd, roundHalfEven } from './ks-exact.js';
import type { NumericSample } from './sample.js';

/** scipy's `ks_2samp(method='auto')` is exact while both samples have at most this many values. */
export const KS_MAX_EXACT_N = 10_000;

/** Result of {@link ks2Samp}. */
export interface KsResult {
  /** D = sup |F_ref − F_cur|. */
  statistic: number;
  /** Two-sided p-value. */
  pvalue: number;
  /** How the p-value was computed, as scipy would choose. */
  mode: 'exact' | 'asymp';
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test, matching scipy's `ks_2samp(a, b)` (the test Evidently's
 * `ks` runs): D from the two ECDFs at every distinct value; the p-value exact when both samples have at
 * most {@link KS_MAX_EXACT_N} values, else `kstwo.sf(D, round(n1·n2/(n1+n2)))`.
 */
export function ks2Samp(a: NumericSample, b: NumericSample): KsResult {
  const n1 = a.n;
  const n2 = b.n;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2Samp needs two non-empty samples');
  let i = 0;
  let j = 0;
  let c1 = 0;
  let c2 = 0;
  let maxS = Number.NEGATIVE_INFINITY;
  let minS = Number.POSITIVE_INFINITY;
  const av = a.values;
  const bv = b.values;
  while (i < av.length || j < bv.length) {
    const x = i < av.length ? av[i]! : Number.POSITIVE_INFINITY;
    const y = j < bv.length ? bv[j]! : Number.POSITIVE_INFINITY;
    if (x <= y) c1 += a.counts[i++]!;
    if (y <= x) c2 += b.counts[j++]!;
    const diff = c1 / n1 - c2 / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const neg = Math.min(Math.max(-minS, 0), 1);
  return ksPValue(n1, n2, Math.max(neg, maxS));
}

/**
 * The two-sided p-value scipy's `ks_2samp` gives for sample sizes n1, n2 and statistic d: exact when both
 * sizes are at most {@link KS_MAX_EXACT_N} (d is then snapped to the lattice h / lcm(n1, n2), as scipy
 * reports it), else `kstwo.sf(d, round(n1·n2/(n1+n2)))`; also the asymptotic one when the exact sum fails.
 */
export function ksPValue(n1: number, n2: number, d: number): KsResult {
  let pvalue: number | undefined;
  let mode: KsResult['mode'] = 'asymp';
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = exactTwoSided(n1, n2, d);
    // scipy keeps the snapped statistic even when it falls back to the asymptotic p-value.
    const lcm = Math.floor(n1 / gcd(n1, n2)) * n2;
    d = roundHalfEven(d * lcm) / lcm;
    if (exact !== undefined) {
      pvalue = exact;
      mode = 'exact';
    }
  }
  if (pvalue === undefined) {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    pvalue = kolmogorovN(roundHalfEven((m * n) / (m + n)), d, false);
  }
  return { statistic: d, pvalue: Math.min(Math.max(pvalue, 0), 1), mode };
}
