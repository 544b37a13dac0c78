/**
 * Population Stability Index between two vectors of shares per bin, as Evidently's `psi`:
 * Σ (r − c)·ln(r / c), after {@link fillEmptyShares} has replaced empty bins.
 */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array): number {
  const r = fillEmptyShares(reference);
  const c = fillEmptyShares(current);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return psi;
}

/**
 * Evidently's `feel_zeroes`: each empty bin gets the smallest non-empty share divided by 10^6 when that
 * share is at most 0.0001, else 0.0001. Returns a copy.
 */
export function fillEmptyShares(shares: Float64Array): Float64Array {
  let min = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s !== 0 && s < min) min = s;
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}
