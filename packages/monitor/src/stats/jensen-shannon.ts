/**
 * Jensen–Shannon distance (natural log) between two histograms or count vectors, as scipy's
 * `distance.jensenshannon(p, q)`: both are normalised to sum 1, then sqrt((KL(p‖m) + KL(q‖m)) / 2) with
 * m = (p + q)/2. Evidently's `jensenshannon` passes it the shares per bin or category, without filling
 * empty bins.
 */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  }
  return Math.sqrt(js / 2);
}

/** scipy's `special.rel_entr`: x·log(x/y), 0 when x = 0, +∞ when y = 0 < x. */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}
