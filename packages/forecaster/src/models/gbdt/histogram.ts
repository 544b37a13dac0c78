/**
 * Gradient histograms of a leaf: for every global bin (see BinMapper) the sum of gradients and the row
 * count, interleaved as `[Σg, count]` in one Float64Array so an update touches one cache line. Every
 * objective here has unit hessian (as LightGBM's l2, l1, huber and quantile do), so Σh of a bin is its
 * count and needs no channel of its own — the same shortcut as LightGBM's constant-hessian histograms.
 */
import type { BinMapper } from './binning.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float64 values of one histogram: two per global bin, plus one dummy bin that row padding falls into. */
export function histogramLength(mapper: BinMapper): number {
  return 2 * (mapper.binOffset[mapper.nFeatures]! + 1);
}

/**
 * For each byte lane of a row, in the order a 32-bit load yields them (low byte first on little-endian
 * hosts), the global bin of the lane's feature's bin 0; padding lanes point at the dummy bin.
 */
export function laneOffsets(mapper: BinMapper, stride: number): Int32Array {
  const p = mapper.nFeatures;
  const dummy = mapper.binOffset[p]!;
  const lanes = new Int32Array(stride);
  for (let j = 0; j < stride; j++) {
    const byte = LITTLE_ENDIAN ? j : (j & ~3) + 3 - (j & 3);
    lanes[j] = byte < p ? mapper.binOffset[byte]! : dummy;
  }
  return lanes;
}

/**
 * Accumulates rows `rows[begin..end)` into `hist` (zeroed first): row r adds grad[r] and 1 to the bin of
 * each of its features. Rows are read four bins per 32-bit word; `words` views the bin matrix.
 */
export function buildHistogram(
  hist: Float64Array,
  words: Uint32Array,
  wordsPerRow: number,
  lanes: Int32Array,
  grad: Float64Array,
  rows: Int32Array,
  begin: number,
  end: number,
): void {
  hist.fill(0);
  for (let k = begin; k < end; k++) {
    const r = rows[k]!;
    const g = grad[r]!;
    let w = r * wordsPerRow;
    const wEnd = w + wordsPerRow;
    for (let j = 0; w < wEnd; w++, j += 4) {
      const v = words[w]!;
      let o = (lanes[j]! + (v & 255)) << 1;
      hist[o]! += g;
      hist[o + 1]! += 1;
      o = (lanes[j + 1]! + ((v >>> 8) & 255)) << 1;
      hist[o]! += g;
      hist[o + 1]! += 1;
      o = (lanes[j + 2]! + ((v >>> 16) & 255)) << 1;
      hist[o]! += g;
      hist[o + 1]! += 1;
      o = (lanes[j + 3]! + (v >>> 24)) << 1;
      hist[o]! += g;
      hist[o + 1]! += 1;
    }
  }
}

/** Turns a parent's histogram into its other child's: `parent −= child` (LightGBM's subtraction trick). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i]! -= child[i]!;
}

/**
 * Which histogram buffer holds each leaf's histogram. A tree needs at most one buffer per leaf; buffers
 * are reused by every later tree, so growing trees allocates nothing.
 */
export class HistogramSlots {
  readonly #slot: Int32Array;
  #used = 0;

  constructor(maxLeaves: number) {
    this.#slot = new Int32Array(maxLeaves).fill(-1);
  }

  /** Forgets every leaf's histogram (start of a tree). */
  reset(): void {
    this.#slot.fill(-1);
    this.#used = 0;
  }

  /** The buffer of `leaf` (−1 when it has none). */
  of(leaf: number): number {
    return this.#slot[leaf]!;
  }

  /** Gives `leaf` the next unused buffer and returns its number. */
  take(leaf: number): number {
    this.#slot[leaf] = this.#used++;
    return this.#slot[leaf]!;
  }

  /** Swaps the buffers of two leaves (after the subtraction trick left them in each other's). */
  swap(a: number, b: number): void {
    const s = this.#slot[a]!;
    this.#slot[a] = this.#slot[b]!;
    this.#slot[b] = s;
  }

  /** Drops the histogram of `leaf` (it will not be split again). */
  drop(leaf: number): void {
    this.#slot[leaf] = -1;
  }
}
