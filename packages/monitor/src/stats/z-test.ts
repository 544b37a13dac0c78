import erfc from '@stdlib/math-base-special-erfc';

/**
 * Evidently's `z` test: the two-proportion Z-test on a two-valued column. `reference` and `current` are
 * counts aligned over the (one or two) distinct values, in sorted order; the proportion tested is the
 * share of values other than the first. When both samples hold one and the same value the p-value is 1.
 * The p-value is `2·(1 − Φ(|z|))`, computed as Evidently does (so it reaches exactly 0 for large |z|).
 */
export function zTest(reference: Float64Array, current: Float64Array): { statistic: number; pvalue: number } {
  let n1 = 0;
  let n2 = 0;
  let refKinds = 0;
  let curKinds = 0;
  for (let i = 0; i < reference.length; i++) {
    n1 += reference[i]!;
    n2 += current[i]!;
    if (reference[i]! > 0) refKinds++;
    if (current[i]! > 0) curKinds++;
  }
  if (refKinds === 1 && curKinds === 1) {
    const same = reference.findIndex((c) => c > 0) === current.findIndex((c) => c > 0);
    if (same) return { statistic: 0, pvalue: 1 };
  }
  const p1 = (n1 - reference[0]!) / n1;
  const p2 = (n2 - current[0]!) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  return { statistic: z, pvalue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Standard normal CDF Φ(x) = erfc(−x/√2)/2. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
