/** Below this length the built-in sort is as fast, and allocates less. */
const RADIX_MIN_LENGTH = 2048;

/**
 * Sort finite float64 values ascending (as `Float64Array.prototype.sort`, −0 before +0), in place, by an
 * LSD radix sort on the IEEE-754 bits: four passes of 16-bit digits over keys made order-preserving
 * (flip every bit of negatives, the sign bit of the rest). Several times faster than the comparison sort
 * for the 10⁵–10⁶ values of a drift check; passes whose digit is the same for every value are skipped.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  const loAt = little ? 0 : 1;
  const hiAt = 1 - loAt;
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + hiAt]!;
    const l = words[2 * i + loAt]!;
    const neg = h >>> 31;
    hi[i] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = neg ? ~l >>> 0 : l;
  }
  const counts = new Uint32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    counts[l & 0xffff]!++;
    counts[65536 + (l >>> 16)]!++;
    counts[131072 + (h & 0xffff)]!++;
    counts[196608 + (h >>> 16)]!++;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    const key = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    const first = (key[0]! >>> shift) & 0xffff;
    if (counts[base + first] === n) continue; // every value has this digit: order unchanged
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const d = ((pass < 2 ? lo[i]! : hi[i]!) >>> shift) & 0xffff;
      const at = counts[base + d]!++;
      lo2[at] = lo[i]!;
      hi2[at] = hi[i]!;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i]!;
    const pos = h >>> 31;
    words[2 * i + hiAt] = pos ? h & 0x7fffffff : ~h >>> 0;
    words[2 * i + loAt] = pos ? lo[i]! : ~lo[i]! >>> 0;
  }
  return values;
}
