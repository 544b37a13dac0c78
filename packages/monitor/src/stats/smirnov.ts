/**
 * Smirnov's one-sided Kolmogorov–Smirnov survival function Pr(D_n+ ≥ x) (scipy's `special.smirnov`),
 * after xsf's `cephes/kolmogorov.h`: the Birnbaum–Tingey sum with the same special cases and term
 * ranges. xsf keeps each term in double-double; here each term is formed in log space in double, which
 * holds about 1e-12 relative — the terms are all positive in the lower sum, so nothing cancels.
 */

const MINLOG = -745.1332191019412; // log(2^-1075), cephes' MINLOG
const EPS = 2 ** -52;
const MAX_COMPUTE_N = 1_000_000;

/** Exact floor(n·x) and remainder n·x − floor(n·x) (Dekker's two-product). */
function modNX(n: number, x: number): { floor: number; alpha: number } {
  const p = n * x;
  const split = (a: number): [number, number] => {
    const c = 134217729 * a; // 2^27 + 1
    const hi = c - (c - a);
    return [hi, a - hi];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const err = nh * xh - p + nh * xl + nl * xh + nl * xl;
  let floor = Math.floor(p);
  let alpha = p - floor + err;
  if (alpha < 0) {
    floor -= 1;
    alpha += 1;
  } else if (alpha >= 1) {
    floor += 1;
    alpha -= 1;
  }
  return { floor, alpha };
}

/** Pr(D_n+ ≥ x), the one-sided KS survival function; NaN outside n > 0, 0 ≤ x ≤ 1. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { floor: nxfl, alpha } = modNX(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return clamp(1 - x * (1 + x) ** (n - 1));
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return clamp((1 - x) ** n);
  if (n > MAX_COMPUTE_N) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return clamp(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }
  const nUpperTerms = n - n1mxceil + 1;
  const useUpper = (nUpperTerms <= 1 && x < 0.5) || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
  if (useUpper) {
    // cdf = x · Σ_{v=n}^{n1mxceil} C(n,v) (x+v/n)^(v−1) (1−x−v/n)^(n−v): a few terms of alternating sign.
    let sum = 0;
    let c = 1;
    for (let j = 0; j < nUpperTerms; j++) {
      const v = n - j;
      sum += c * (x + v / n) ** (v - 1) * ((n - v) / n - x) ** (n - v);
      c *= v / (j + 1);
    }
    return clamp(1 - x * sum);
  }
  // sf = x · Σ_{v=0}^{n1mxfl} C(n,v) (x+v/n)^(v−1) (1−x−v/n)^(n−v)
  const nTerms = n1mxfl + 1;
  const vmid = Math.floor(n / 2);
  let logC = 0;
  let sum = (1 - x) ** n / x;
  for (let v = 1; v < nTerms; v++) {
    logC += Math.log((n - v + 1) / v);
    const a = Math.exp(logC + (v - 1) * Math.log(v / n + x) + (n - v) * Math.log((n - v) / n - x));
    if (Number.isFinite(a)) sum += a;
    if (a !== 0) {
      if (4 * (nTerms - v) * Math.abs(a) < EPS * sum && v !== nTerms - 1) break;
    } else if (v > vmid) break;
  }
  return clamp(x * sum);
}

const clamp = (p: number): number => Math.min(Math.max(p, 0), 1);
