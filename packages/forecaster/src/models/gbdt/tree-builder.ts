/**
 * Grows one regression tree leaf-wise (best-first), as LightGBM's `SerialTreeLearner`: repeatedly split
 * the leaf whose best split gains most, until `numLeaves` leaves or no split gains. Each split builds the
 * histogram of the smaller child from its rows and gets the larger one's by subtraction.
 */
import { type BinnedMatrix, columnMajor } from './binning.js';
import { DataPartition } from './data-partition.js';
import { HistogramSlots } from './histogram.js';
import { LeafSplits, type SplitRules } from './split-finder.js';
import { createTreeMemory, type GbdtKernel, type TreeMemory } from './tree-memory.js';

/** Shape limits and split rules of a tree, from the GBDT params. */
export interface TreeRules extends SplitRules {
  readonly numLeaves: number;
  /** −1: no limit. */
  readonly maxDepth: number;
}

/**
 * A grown tree in bin space, valid until the next `grow`: internal node i sends a row left iff its bin
 * of `splitFeature[i]` is ≤ `thresholdBin[i]`, or is 0 (missing) and `defaultLeft[i]` is 1. Children
 * follow GbdtTree's convention (≥ 0: node, < 0: ~leaf). Leaf sums are of the rows the tree was grown on.
 */
export interface GrownTree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  readonly thresholdBin: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly leafGrad: Float64Array;
  readonly leafCount: Float64Array;
  /** Each leaf's rows: `indices[begin[leaf] .. begin[leaf] + count[leaf])`. */
  readonly partition: DataPartition;
}

/** Grows trees on one binned matrix; owns every buffer a tree needs and reuses them tree after tree. */
export class TreeBuilder {
  readonly #rules: TreeRules;
  readonly #memory: TreeMemory;
  /**
   * Each feature's bins of all rows (a column-major copy): partitioning reads one feature of many rows,
   * which in the row-major matrix would cost a cache miss per row.
   */
  readonly #columns: Uint8Array[];
  readonly #slots: HistogramSlots;
  readonly #splits: LeafSplits;
  readonly #partition: DataPartition;
  readonly #splitFeature: Int32Array;
  readonly #thresholdBin: Int32Array;
  readonly #defaultLeft: Uint8Array;
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #leafGrad: Float64Array;
  readonly #leafCount: Float64Array;
  readonly #leafDepth: Int32Array;
  /** Internal node whose child the leaf is (−1 for the root), and whether it is the left child. */
  readonly #leafParent: Int32Array;
  readonly #leafIsLeft: Uint8Array;

  constructor(data: BinnedMatrix, rules: TreeRules, kernel: GbdtKernel = 'auto') {
    this.#rules = rules;
    const L = rules.numLeaves;
    this.#memory = createTreeMemory(data, L, kernel);
    const columns = columnMajor(data);
    this.#columns = Array.from({ length: data.p }, (_, f) => columns.subarray(f * data.n, (f + 1) * data.n));
    this.#slots = new HistogramSlots(L);
    this.#splits = new LeafSplits(L);
    this.#partition = new DataPartition(this.#memory.indices, L);
    this.#splitFeature = new Int32Array(L - 1);
    this.#thresholdBin = new Int32Array(L - 1);
    this.#defaultLeft = new Uint8Array(L - 1);
    this.#left = new Int32Array(L - 1);
    this.#right = new Int32Array(L - 1);
    this.#leafGrad = new Float64Array(L);
    this.#leafCount = new Float64Array(L);
    this.#leafDepth = new Int32Array(L);
    this.#leafParent = new Int32Array(L);
    this.#leafIsLeft = new Uint8Array(L);
  }

  /** Gradient of every row: the booster writes them here before each `grow`. */
  get grad(): Float64Array {
    return this.#memory.grad;
  }

  /** The histogram kernel in use. */
  get kernel(): 'wasm' | 'js' {
    return this.#memory.kind;
  }

  /**
   * Grows a tree on `m` rows — `rows[0..m)` ascending, or all rows 0..m−1 — with the gradients in
   * `grad`, splitting only on features with `featureMask[f] === 1`.
   */
  grow(m: number, rows: Int32Array | undefined, featureMask: Uint8Array): GrownTree {
    this.#memory.featureMask.set(featureMask);
    const part = this.#partition;
    const splits = this.#splits;
    const grad = this.#memory.grad;
    part.reset(m, rows);
    this.#slots.reset();
    let sum = 0;
    for (let k = 0; k < m; k++) sum += grad[part.indices[k]!]!;
    this.#leafGrad[0] = sum;
    this.#leafCount[0] = m;
    this.#leafDepth[0] = 0;
    this.#leafParent[0] = -1;
    splits.gain[0] = Number.NEGATIVE_INFINITY;
    if (this.#canSplit(0)) {
      this.#memory.build(this.#slots.take(0), 0, m);
      this.#evaluate(0);
    }
    let nLeaves = 1;
    while (nLeaves < this.#rules.numLeaves) {
      let best = -1;
      for (let l = 0; l < nLeaves; l++) {
        if (splits.gain[l]! > 0 && (best < 0 || splits.gain[l]! > splits.gain[best]!)) best = l;
      }
      if (best < 0) break;
      this.#split(best, nLeaves);
      nLeaves++;
    }
    return {
      numLeaves: nLeaves,
      splitFeature: this.#splitFeature,
      thresholdBin: this.#thresholdBin,
      defaultLeft: this.#defaultLeft,
      left: this.#left,
      right: this.#right,
      leafGrad: this.#leafGrad,
      leafCount: this.#leafCount,
      partition: part,
    };
  }

  // Splits `leaf` by its best split; the left child keeps the leaf's index, the right one is `newLeaf`
  // and the new internal node is `newLeaf − 1` (nodes are numbered in split order, as in LightGBM).
  #split(leaf: number, newLeaf: number): void {
    const s = this.#splits;
    const node = newLeaf - 1;
    const feature = s.feature[leaf]!;
    const thresholdBin = s.thresholdBin[leaf]!;
    const defaultLeft = s.defaultLeft[leaf]!;
    this.#splitFeature[node] = feature;
    this.#thresholdBin[node] = thresholdBin;
    this.#defaultLeft[node] = defaultLeft;
    this.#left[node] = ~leaf;
    this.#right[node] = ~newLeaf;
    const parent = this.#leafParent[leaf]!;
    if (parent >= 0) {
      if (this.#leafIsLeft[leaf] === 1) this.#left[parent] = node;
      else this.#right[parent] = node;
    }
    this.#leafParent[leaf] = node;
    this.#leafIsLeft[leaf] = 1;
    this.#leafParent[newLeaf] = node;
    this.#leafIsLeft[newLeaf] = 0;
    const part = this.#partition;
    part.split(leaf, newLeaf, this.#columns[feature]!, thresholdBin, defaultLeft === 1);

    const g = this.#leafGrad[leaf]!;
    const c = this.#leafCount[leaf]!;
    this.#leafGrad[leaf] = s.leftGrad[leaf]!;
    this.#leafCount[leaf] = s.leftCount[leaf]!;
    this.#leafGrad[newLeaf] = g - s.leftGrad[leaf]!;
    this.#leafCount[newLeaf] = c - s.leftCount[leaf]!;
    const depth = this.#leafDepth[leaf]! + 1;
    this.#leafDepth[leaf] = depth;
    this.#leafDepth[newLeaf] = depth;
    s.gain[leaf] = Number.NEGATIVE_INFINITY;
    s.gain[newLeaf] = Number.NEGATIVE_INFINITY;

    const slots = this.#slots;
    const splitLeft = this.#canSplit(leaf);
    const splitRight = this.#canSplit(newLeaf);
    if (!splitLeft && !splitRight) {
      slots.drop(leaf);
      return;
    }
    // Build the smaller child's histogram from its rows; the parent's buffer becomes the larger one's.
    const leftSmaller = this.#leafCount[leaf]! <= this.#leafCount[newLeaf]!;
    const smaller = leftSmaller ? leaf : newLeaf;
    const parentSlot = slots.of(leaf);
    const smallSlot = slots.take(newLeaf);
    const begin = part.begin[smaller]!;
    this.#memory.build(smallSlot, begin, begin + part.count[smaller]!);
    this.#memory.subtract(parentSlot, smallSlot);
    if (leftSmaller) slots.swap(leaf, newLeaf);
    if (splitLeft) this.#evaluate(leaf);
    if (splitRight) this.#evaluate(newLeaf);
  }

  #canSplit(leaf: number): boolean {
    const { minDataInLeaf, minSumHessianInLeaf, maxDepth } = this.#rules;
    const count = this.#leafCount[leaf]!;
    return (
      count >= 2 * Math.max(minDataInLeaf, minSumHessianInLeaf) &&
      (maxDepth < 0 || this.#leafDepth[leaf]! < maxDepth)
    );
  }

  #evaluate(leaf: number): void {
    this.#memory.bestSplit(
      this.#slots.of(leaf),
      this.#leafGrad[leaf]!,
      this.#leafCount[leaf]!,
      this.#rules,
      this.#splits,
      leaf,
    );
  }
}

/** The leaf of a grown tree that row `row` of a binned matrix falls into. */
export function grownLeafOf(tree: GrownTree, bins: Uint8Array, stride: number, row: number): number {
  if (tree.numLeaves === 1) return 0;
  const base = row * stride;
  let node = 0;
  while (node >= 0) {
    const b = bins[base + tree.splitFeature[node]!]!;
    const goLeft = b === 0 ? tree.defaultLeft[node] === 1 : b <= tree.thresholdBin[node]!;
    node = goLeft ? tree.left[node]! : tree.right[node]!;
  }
  return ~node;
}
