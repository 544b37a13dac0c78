/**
 * The buffers a tree is grown in — bins, gradients, row indices, feature mask, histograms — and the
 * kernels over them: histogram building, histogram subtraction and split search. WebAssembly kernels
 * can only read their own linear memory, so there every buffer is a view into one WebAssembly.Memory
 * (the bins copied in once per trainer); the JavaScript kernels use plain arrays. Both compute the same
 * numbers in the same order, so they grow identical trees.
 */
import type { BinnedMatrix } from './binning.js';
import { buildHistogram, histogramLength, laneOffsets, subtractHistogram } from './histogram.js';
import { findBestSplit, type LeafSplits, leafScore, type SplitRules } from './split-finder.js';
import { SPLIT_OUT } from './split-wasm.js';
import { wasmKernels, wasmMemory } from './wasm-kernels.js';

/** Which kernels to use: WebAssembly SIMD when the host supports it ('auto'), or JavaScript. */
export type GbdtKernel = 'auto' | 'js';

/** Buffers and kernels of one tree builder. */
export interface TreeMemory {
  /** The kernels in use. */
  readonly kind: 'wasm' | 'js';
  /** Gradient of every row, written by the booster before each tree. */
  readonly grad: Float64Array;
  /** Row indices of the data partition. */
  readonly indices: Int32Array;
  /** 1 for each feature the current tree may split on. */
  readonly featureMask: Uint8Array;
  /** Histogram buffer number `slot`. */
  histogram(slot: number): Float64Array;
  /** Fills histogram `slot` from rows `indices[begin..end)`. */
  build(slot: number, begin: number, end: number): void;
  /** Histogram `parent` −= histogram `child`. */
  subtract(parent: number, child: number): void;
  /** Stores in `out[leaf]` the best split of histogram `slot` (see `findBestSplit`). */
  bestSplit(
    slot: number,
    sumGrad: number,
    count: number,
    rules: SplitRules,
    out: LeafSplits,
    leaf: number,
  ): void;
}

const WASM_PAGE = 65_536;
const MAX_WASM_PAGES = 65_536; // 4 GiB, the wasm32 limit

/** Allocates the buffers for growing trees with up to `slots` histograms on `data`. */
export function createTreeMemory(data: BinnedMatrix, slots: number, kind: GbdtKernel = 'auto'): TreeMemory {
  return (kind === 'auto' ? wasmTreeMemory(data, slots) : undefined) ?? jsTreeMemory(data);
}

function jsTreeMemory(data: BinnedMatrix): TreeMemory {
  const { mapper } = data;
  const length = histogramLength(mapper);
  // The 32-bit view needs 4-byte alignment; a matrix sliced at an odd offset is copied once.
  const bins = data.bins.byteOffset % 4 === 0 ? data.bins : data.bins.slice();
  const words = new Uint32Array(bins.buffer, bins.byteOffset, bins.length >> 2);
  const lanes = laneOffsets(mapper, data.stride);
  const wordsPerRow = data.stride >> 2;
  const hists: Float64Array[] = [];
  const grad = new Float64Array(data.n);
  const indices = new Int32Array(data.n);
  const featureMask = new Uint8Array(data.p);
  const histogram = (slot: number): Float64Array => {
    while (hists.length <= slot) hists.push(new Float64Array(length));
    return hists[slot]!;
  };
  return {
    kind: 'js',
    grad,
    indices,
    featureMask,
    histogram,
    build(slot, begin, end) {
      buildHistogram(histogram(slot), words, wordsPerRow, lanes, grad, indices, begin, end);
    },
    subtract(parent, child) {
      subtractHistogram(histogram(parent), histogram(child));
    },
    bestSplit(slot, sumGrad, count, rules, out, leaf) {
      findBestSplit(histogram(slot), mapper.binOffset, featureMask, sumGrad, count, rules, out, leaf);
    },
  };
}

function wasmTreeMemory(data: BinnedMatrix, slots: number): TreeMemory | undefined {
  const { n, p, stride, mapper } = data;
  const length = histogramLength(mapper);
  let top = 0;
  // 64-byte alignment keeps every region on its own cache lines (and 16-byte aligned for SIMD).
  const region = (bytes: number): number => {
    const at = top;
    top += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const lanesAt = region(stride * 4);
  const offsetsAt = region((p + 1) * 4);
  const maskAt = region(p);
  const outAt = region(SPLIT_OUT.bytes);
  const binsAt = region(n * stride);
  const gradAt = region(n * 8);
  const indicesAt = region(n * 4);
  const histAt = region(slots * length * 8);
  const pages = Math.ceil(top / WASM_PAGE);
  if (pages > MAX_WASM_PAGES) return undefined;
  const memory = wasmMemory(pages);
  if (memory === undefined) return undefined;
  const kernels = wasmKernels(memory);
  const buffer = memory.buffer;
  // WebAssembly is little-endian: lane j of a loaded word is byte j of the row, no permutation needed.
  // Each lane holds the byte offset of its feature's bin 0 in a histogram (16 bytes per bin).
  const lanes = new Int32Array(buffer, lanesAt, stride);
  for (let j = 0; j < stride; j++) lanes[j] = 16 * mapper.binOffset[Math.min(j, p)]!;
  new Int32Array(buffer, offsetsAt, p + 1).set(mapper.binOffset);
  new Uint8Array(buffer, binsAt, n * stride).set(data.bins);
  const hists = Array.from(
    { length: slots },
    (_, s) => new Float64Array(buffer, histAt + s * length * 8, length),
  );
  const outF64 = new Float64Array(buffer, outAt, 3);
  const outI32 = new Int32Array(buffer, outAt + SPLIT_OUT.feature, 3);
  return {
    kind: 'wasm',
    grad: new Float64Array(buffer, gradAt, n),
    indices: new Int32Array(buffer, indicesAt, n),
    featureMask: new Uint8Array(buffer, maskAt, p),
    histogram: (slot) => hists[slot]!,
    build(slot, begin, end) {
      const hist = hists[slot]!;
      hist.fill(0);
      kernels.build(hist.byteOffset, indicesAt, begin, end, gradAt, binsAt, stride, lanesAt);
    },
    subtract(parent, child) {
      kernels.subtract(hists[parent]!.byteOffset, hists[child]!.byteOffset, length * 8);
    },
    bestSplit(slot, sumGrad, count, rules, out, leaf) {
      const { minDataInLeaf, minSumHessianInLeaf, lambdaL2 } = rules;
      const minCount = Math.max(minDataInLeaf, minSumHessianInLeaf);
      const parentScore = leafScore(sumGrad, count, lambdaL2);
      kernels.split(
        hists[slot]!.byteOffset,
        offsetsAt,
        maskAt,
        p,
        sumGrad,
        count,
        minCount,
        lambdaL2,
        parentScore,
        outAt,
      );
      const feature = outI32[0]!;
      out.gain[leaf] = feature < 0 ? Number.NEGATIVE_INFINITY : outF64[0]!;
      out.feature[leaf] = feature;
      out.thresholdBin[leaf] = outI32[1]!;
      out.defaultLeft[leaf] = outI32[2]!;
      out.leftGrad[leaf] = outF64[1]!;
      out.leftCount[leaf] = outF64[2]!;
    },
  };
}
