/**
 * The buffers a tree is grown in — bins, gradients, row indices, histograms — and the two histogram
 * kernels over them. The WebAssembly kernel can only read its own linear memory, so there every buffer
 * is a view into one WebAssembly.Memory (the bins copied in once per training run); the JavaScript
 * kernel uses plain arrays. Both lay histograms out identically and give identical results.
 */
import type { BinnedMatrix } from './binning.js';
import { buildHistogram, histogramLength, laneOffsets, subtractHistogram } from './histogram.js';
import { wasmHistogramKernel, wasmMemory } from './histogram-wasm.js';

/** Which histogram kernel to use: WebAssembly SIMD when the host supports it, or JavaScript. */
export type HistogramKernelKind = 'auto' | 'js';

/** Buffers and kernels of one tree builder. */
export interface TreeMemory {
  /** The kernel in use. */
  readonly kind: 'wasm' | 'js';
  /** The binned rows, [n, stride]. */
  readonly bins: Uint8Array;
  /** Gradient of every row, written by the booster before each tree. */
  readonly grad: Float64Array;
  /** Row indices of the data partition. */
  readonly indices: Int32Array;
  /** Histogram buffer number `slot`. */
  histogram(slot: number): Float64Array;
  /** Fills histogram `slot` from rows `indices[begin..end)`. */
  build(slot: number, begin: number, end: number): void;
  /** Histogram `parent` −= histogram `child`. */
  subtract(parent: number, child: number): void;
}

const WASM_PAGE = 65_536;
const MAX_WASM_PAGES = 65_536; // 4 GiB, the wasm32 limit

/** Allocates the buffers for growing trees with up to `slots` histograms on `data`. */
export function createTreeMemory(
  data: BinnedMatrix,
  slots: number,
  kind: HistogramKernelKind = 'auto',
): TreeMemory {
  return (kind === 'auto' ? wasmTreeMemory(data, slots) : undefined) ?? jsTreeMemory(data);
}

function jsTreeMemory(data: BinnedMatrix): TreeMemory {
  const length = histogramLength(data.mapper);
  // The 32-bit view needs 4-byte alignment; a matrix sliced at an odd offset is copied once.
  const bins = data.bins.byteOffset % 4 === 0 ? data.bins : data.bins.slice();
  const words = new Uint32Array(bins.buffer, bins.byteOffset, bins.length >> 2);
  const lanes = laneOffsets(data.mapper, data.stride);
  const wordsPerRow = data.stride >> 2;
  const hists: Float64Array[] = [];
  const grad = new Float64Array(data.n);
  const indices = new Int32Array(data.n);
  const histogram = (slot: number): Float64Array => {
    while (hists.length <= slot) hists.push(new Float64Array(length));
    return hists[slot]!;
  };
  return {
    kind: 'js',
    bins,
    grad,
    indices,
    histogram,
    build(slot, begin, end) {
      buildHistogram(histogram(slot), words, wordsPerRow, lanes, grad, indices, begin, end);
    },
    subtract(parent, child) {
      subtractHistogram(histogram(parent), histogram(child));
    },
  };
}

function wasmTreeMemory(data: BinnedMatrix, slots: number): TreeMemory | undefined {
  const { n, stride, mapper } = data;
  const length = histogramLength(mapper);
  let top = 0;
  // 64-byte alignment keeps every region on its own cache lines (and 16-byte aligned for SIMD).
  const region = (bytes: number): number => {
    const at = top;
    top += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const lanesAt = region(stride * 4);
  const binsAt = region(n * stride);
  const gradAt = region(n * 8);
  const indicesAt = region(n * 4);
  const histAt = region(slots * length * 8);
  const pages = Math.ceil(top / WASM_PAGE);
  if (pages > MAX_WASM_PAGES) return undefined;
  const memory = wasmMemory(pages);
  if (memory === undefined) return undefined;
  const kernel = wasmHistogramKernel(memory);
  const buffer = memory.buffer;
  // WebAssembly is little-endian: lane j of a loaded word is byte j of the row, no permutation needed.
  const lanes = new Int32Array(buffer, lanesAt, stride);
  const p = mapper.nFeatures;
  for (let j = 0; j < stride; j++) lanes[j] = 16 * mapper.binOffset[Math.min(j, p)]!;
  const bins = new Uint8Array(buffer, binsAt, n * stride);
  bins.set(data.bins);
  const hists = Array.from(
    { length: slots },
    (_, s) => new Float64Array(buffer, histAt + s * length * 8, length),
  );
  return {
    kind: 'wasm',
    bins,
    grad: new Float64Array(buffer, gradAt, n),
    indices: new Int32Array(buffer, indicesAt, n),
    histogram: (slot) => hists[slot]!,
    build(slot, begin, end) {
      const hist = hists[slot]!;
      hist.fill(0);
      kernel.build(hist.byteOffset, indicesAt, begin, end, gradAt, binsAt, stride, lanesAt);
    },
    subtract(parent, child) {
      kernel.subtract(hists[parent]!.byteOffset, hists[child]!.byteOffset, length * 8);
    },
  };
}
