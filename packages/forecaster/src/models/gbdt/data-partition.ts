/**
 * Which training rows sit in which leaf: one index array in which every leaf owns a contiguous range
 * `[begin, begin + count)`, split in place when its leaf splits (LightGBM's `DataPartition`). The split
 * is stable, so each range stays in ascending row order and histogram building reads rows in memory order.
 */
export class DataPartition {
  /** Row indices, grouped by leaf. */
  readonly indices: Int32Array;
  /** First position of each leaf's rows in `indices`. */
  readonly begin: Int32Array;
  /** Rows of each leaf. */
  readonly count: Int32Array;
  readonly #scratch: Int32Array;

  /** `indices` (one slot per row) may live in the histogram kernel's memory, which reads it directly. */
  constructor(indices: Int32Array, maxLeaves: number) {
    this.indices = indices;
    this.#scratch = new Int32Array(indices.length);
    this.begin = new Int32Array(maxLeaves);
    this.count = new Int32Array(maxLeaves);
  }

  /** Puts rows `rows[0..m)` (ascending), or rows 0..m−1 when `rows` is undefined, into leaf 0. */
  reset(m: number, rows?: Int32Array): void {
    if (rows === undefined) for (let i = 0; i < m; i++) this.indices[i] = i;
    else this.indices.set(rows.subarray(0, m));
    this.begin[0] = 0;
    this.count[0] = m;
  }

  /**
   * Splits `leaf` on a feature given as its column of bins (`column[row]`): rows with bin ≤
   * `thresholdBin` (or missing, bin 0, when `defaultLeft`) stay in `leaf`, the others move to `newLeaf`.
   * Returns the left count.
   */
  split(
    leaf: number,
    newLeaf: number,
    column: Uint8Array,
    thresholdBin: number,
    defaultLeft: boolean,
  ): number {
    const idx = this.indices;
    const scratch = this.#scratch;
    const begin = this.begin[leaf]!;
    const end = begin + this.count[leaf]!;
    let l = begin;
    let r = 0;
    for (let k = begin; k < end; k++) {
      const row = idx[k]!;
      const b = column[row]!;
      if (b === 0 ? defaultLeft : b <= thresholdBin) idx[l++] = row;
      else scratch[r++] = row;
    }
    idx.set(scratch.subarray(0, r), l);
    this.count[leaf] = l - begin;
    this.begin[newLeaf] = l;
    this.count[newLeaf] = r;
    return l - begin;
  }
}
