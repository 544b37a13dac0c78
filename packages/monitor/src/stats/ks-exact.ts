/**
 * Exact two-sided p-values of the two-sample Kolmogorov–Smirnov statistic, as scipy's `ks_2samp`
 * computes them in `method='exact'` (which `'auto'` picks when both samples have at most 10 000 values):
 * `_compute_prob_outside_square` for equal sizes and `_compute_outer_prob_inside_method` (Hodges' lattice
 * paths with Viehmann's recursion for 1 − p) otherwise.
 */

/** Pr(D_{n,n} ≥ h/n): the share of lattice paths that leave the band |x − y| < h. */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/** Pr(D_{m,n} ≥ h / lcm(m, n)) for m ≠ n; g = gcd(m, n). */
export function probOutsideInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's `np.round`: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * scipy's `_attempt_exact_2kssamp` for the two-sided alternative: the exact p-value, or `undefined` when
 * it cannot be computed (scipy then falls back to the asymptotic distribution).
 */
export function exactTwoSided(n1: number, n2: number, d: number): number | undefined {
  const g = gcd(n1, n2);
  const lcm = Math.floor(n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  if (h === 0) return 1;
  const prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
  return prob >= 0 && prob <= 1 ? prob : undefined;
}
