import gammainc from '@stdlib/math-base-special-gammainc';

/** Result of {@link chiSquareTest}. */
export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  df: number;
}

/**
 * Evidently's `chisquare` test on value counts aligned over the union of categories: expected counts are
 * the reference counts scaled to the current total (`k_norm = n_cur / n_ref`), then scipy's
 * `chisquare(f_obs, f_exp)` — Pearson's statistic with k − 1 degrees of freedom. A category absent from
 * the reference makes the statistic infinite and the p-value 0, as in scipy.
 */
export function chiSquareTest(reference: Float64Array, current: Float64Array): ChiSquareResult {
  let nRef = 0;
  let nCur = 0;
  for (let i = 0; i < reference.length; i++) {
    nRef += reference[i]!;
    nCur += current[i]!;
  }
  const kNorm = nCur / nRef;
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) {
    const expected = reference[i]! * kNorm;
    const diff = current[i]! - expected;
    statistic += (diff * diff) / expected;
  }
  const df = reference.length - 1;
  return { statistic, pvalue: chiSquareSf(statistic, df), df };
}

/** Survival function of the chi-square distribution (scipy's `chi2.sf` = `chdtrc`): Q(df/2, x/2). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || df <= 0) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
