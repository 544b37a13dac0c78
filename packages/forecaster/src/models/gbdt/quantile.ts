/**
 * Quantiles by selection (expected linear time), for base scores and for refitting leaves of the l1 and
 * quantile objectives. The definition is the linear interpolation between order statistics (Hyndman &
 * Fan type 7, numpy's default): position α·(m − 1) in the sorted values.
 */

/** The α-quantile of `values[from..to)`, reordering that range in place; NaN when it is empty. */
export function quantileInPlace(values: Float64Array, from: number, to: number, alpha: number): number {
  const m = to - from;
  if (m <= 0) return Number.NaN;
  const pos = alpha * (m - 1);
  const lo = Math.floor(pos);
  const vLo = select(values, from, to - 1, from + lo);
  if (lo === pos || lo + 1 >= m) return vLo;
  // After selecting, the (lo+1)-th smallest is the minimum of everything right of position lo.
  let vHi = Number.POSITIVE_INFINITY;
  for (let i = from + lo + 1; i < to; i++) if (values[i]! < vHi) vHi = values[i]!;
  return vLo + (pos - lo) * (vHi - vLo);
}

// Hoare-style quickselect with a median-of-three pivot: afterwards values[k] holds the value it would
// hold if [left, right] were sorted, smaller-or-equal values before it and larger-or-equal after.
function select(a: Float64Array, left: number, right: number, k: number): number {
  let l = left;
  let r = right;
  while (r > l) {
    const mid = (l + r) >>> 1;
    if (a[mid]! < a[l]!) swap(a, mid, l);
    if (a[r]! < a[l]!) swap(a, r, l);
    if (a[r]! < a[mid]!) swap(a, r, mid);
    const pivot = a[mid]!;
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
