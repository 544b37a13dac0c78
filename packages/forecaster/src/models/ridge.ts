import { ConfigInvalidError } from '../errors.js';
import type { LinearHead } from './linear-head.js';

/**
 * Ridge regression in closed form for many outputs at once: solve (XᵀX + αI) W = XᵀY with an
 * unpenalised intercept, by Cholesky. One p×p factorisation serves every horizon step and target
 * (the direct multi-horizon strategy: one coefficient vector per step and target).
 *
 * The intercept is handled by centring X and Y, which is exactly equivalent to an unpenalised
 * intercept column and keeps the system well conditioned.
 */
export function fitRidge(
  x: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  k: number,
  alpha: number,
): LinearHead {
  if (n === 0)
    throw new ConfigInvalidError('no training windows: the training data is shorter than history + horizon');
  const xMean = new Float64Array(p);
  const yMean = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < p; f++) xMean[f]! += x[r * p + f]!;
    for (let j = 0; j < k; j++) yMean[j]! += y[r * k + j]!;
  }
  for (let f = 0; f < p; f++) xMean[f]! /= n;
  for (let j = 0; j < k; j++) yMean[j]! /= n;

  // Gram matrix (upper triangle) and cross products of the centred data, one pass over rows.
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p * k);
  const row = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < p; f++) row[f] = x[r * p + f]! - xMean[f]!;
    for (let f = 0; f < p; f++) {
      const v = row[f]!;
      if (v === 0) continue;
      const g = f * p;
      for (let f2 = f; f2 < p; f2++) gram[g + f2]! += v * row[f2]!;
      const c = f * k;
      const yo = r * k;
      for (let j = 0; j < k; j++) xty[c + j]! += v * (y[yo + j]! - yMean[j]!);
    }
  }
  for (let f = 0; f < p; f++) {
    gram[f * p + f]! += alpha;
    for (let f2 = 0; f2 < f; f2++) gram[f * p + f2] = gram[f2 * p + f]!;
  }
  const weights = solveCholesky(gram, xty, p, k);
  const bias = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let b = yMean[j]!;
    for (let f = 0; f < p; f++) b -= xMean[f]! * weights[f * k + j]!;
    bias[j] = b;
  }
  return { nFeatures: p, nOutputs: k, weights, bias };
}

/** Solve A X = B for symmetric positive definite A (p×p) and B (p×k), in place on copies. */
export function solveCholesky(a: Float64Array, b: Float64Array, p: number, k: number): Float64Array {
  const l = a.slice();
  for (let j = 0; j < p; j++) {
    let d = l[j * p + j]!;
    for (let m = 0; m < j; m++) d -= l[j * p + m]! ** 2;
    // Relative to the original diagonal, so the test does not depend on the units of the features.
    if (!(d > 1e-10 * a[j * p + j]!)) {
      throw new ConfigInvalidError(
        'ridge system is singular: raise alpha or remove constant/duplicate features',
        [{ path: 'models.params.alpha', message: 'must be > 0 for collinear features' }],
      );
    }
    const djj = Math.sqrt(d);
    l[j * p + j] = djj;
    for (let i = j + 1; i < p; i++) {
      let s = l[i * p + j]!;
      for (let m = 0; m < j; m++) s -= l[i * p + m]! * l[j * p + m]!;
      l[i * p + j] = s / djj;
    }
  }
  const xOut = b.slice();
  // Forward substitution L z = b, then back substitution Lᵀ x = z, for all k columns together.
  for (let i = 0; i < p; i++) {
    for (let m = 0; m < i; m++) {
      const lim = l[i * p + m]!;
      for (let j = 0; j < k; j++) xOut[i * k + j]! -= lim * xOut[m * k + j]!;
    }
    const lii = l[i * p + i]!;
    for (let j = 0; j < k; j++) xOut[i * k + j]! /= lii;
  }
  for (let i = p - 1; i >= 0; i--) {
    for (let m = i + 1; m < p; m++) {
      const lmi = l[m * p + i]!;
      for (let j = 0; j < k; j++) xOut[i * k + j]! -= lmi * xOut[m * k + j]!;
    }
    const lii = l[i * p + i]!;
    for (let j = 0; j < k; j++) xOut[i * k + j]! /= lii;
  }
  return xOut;
}
