/** A categorical sample: how often each category occurs among the non-missing values. */
export interface CategoricalSample {
  readonly counts: ReadonlyMap<string, number>;
  /** Total count: the sum of `counts`. */
  readonly n: number;
}

/** Count categories, skipping missing values (`null`/`undefined`). */
export function categoricalFromValues(values: Iterable<string | null | undefined>): CategoricalSample {
  const counts = new Map<string, number>();
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  return { counts, n };
}

/**
 * Counts of both samples over the union of their categories, sorted (Python's `sorted` order for plain
 * strings): the vectors chi-square, Z, Jensen–Shannon and PSI read. Evidently iterates a set, whose order
 * only changes the last bits of a sum.
 */
export function alignCategoricalCounts(
  a: CategoricalSample,
  b: CategoricalSample,
): { keys: string[]; a: Float64Array; b: Float64Array } {
  const keys = [...new Set([...a.counts.keys(), ...b.counts.keys()])].sort((x, y) =>
    x < y ? -1 : x > y ? 1 : 0,
  );
  const ca = new Float64Array(keys.length);
  const cb = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    ca[i] = a.counts.get(k) ?? 0;
    cb[i] = b.counts.get(k) ?? 0;
  });
  return { keys, a: ca, b: cb };
}
