/**
 * The booster's only source of randomness: a seeded generator, so a seed fixes every draw (bin sample,
 * bags, feature subsets) and training is reproducible on any machine and thread count.
 */

/** A uniform generator on [0, 1) (mulberry32: 32-bit state, fast, good enough for sampling). */
export type Random = () => number;

/** A seeded uniform generator on [0, 1). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draw exactly `k` of `0..n-1` without replacement into `out[0..k)`, ascending (Knuth's selection
 * sampling). Ascending order keeps the rows of a bag in memory order, which histogram building relies on
 * for cache-friendly reads.
 */
export function sampleSorted(rand: Random, n: number, k: number, out: Int32Array): void {
  let needed = k;
  let w = 0;
  for (let i = 0; i < n && needed > 0; i++) {
    if (rand() * (n - i) < needed) {
      out[w++] = i;
      needed--;
    }
  }
}
