/**
 * Quantile binning, fitted once per feature: every float32 feature value becomes a one-byte bin, bin 0
 * holding missing values (NaN). Trees are grown on bins and exported with each bin's float32 upper
 * bound as threshold, so training and ONNX Runtime route every float32 input the same way.
 */
import { ConfigInvalidError } from '../../errors.js';
import { findBinBounds } from './bin-bounds.js';
import { RadixScratch, sortFloat32 } from './radix-sort.js';
import { type Random, sampleSorted, seededRandom } from './random.js';

/** Rows sampled per feature to find bin bounds (LightGBM's `bin_construct_sample_cnt`). */
export const BIN_SAMPLE_ROWS = 200_000;

/**
 * Bins of every feature. Bins of all features share one global numbering: feature f owns global bins
 * `binOffset[f] .. binOffset[f + 1] − 1`, its bin 0 (missing) first. Histograms use the same numbering.
 */
export interface BinMapper {
  readonly nFeatures: number;
  /** [nFeatures + 1]: first global bin of each feature, then the total number of bins. */
  readonly binOffset: Int32Array;
  /**
   * [total bins]: float32 upper bound of each value bin (`x <= bound` ⇔ the value is in this bin or a
   * lower one); NaN for the missing bins; +Infinity for each feature's last bin.
   */
  readonly upperBound: Float32Array;
}

/** Binned features, row-major, one byte per value; the training input of the booster. */
export interface BinnedMatrix {
  readonly n: number;
  readonly p: number;
  /**
   * Bytes per row: p rounded up to a multiple of 4, so histogram building reads four bins per 32-bit
   * load (a quarter faster in V8); the padding bytes are 0.
   */
  readonly stride: number;
  /** [n, stride], starting at a 4-byte aligned offset. */
  readonly bins: Uint8Array;
  readonly mapper: BinMapper;
}

/** Options of {@link fitBinMapper}. */
export interface BinningOptions {
  /** Most value bins per feature (≤ 255). */
  maxBin: number;
  /** Seed of the row sample (used when there are more than BIN_SAMPLE_ROWS rows). */
  seed: number;
}

/** Row stride of a binned matrix with p features. */
export function binStride(p: number): number {
  return (p + 3) & ~3;
}

/** Rows whose values set the bin bounds: all rows, or a seeded sample of BIN_SAMPLE_ROWS of them. */
export function binSampleRows(n: number, seed: number): Int32Array | undefined {
  if (n <= BIN_SAMPLE_ROWS) return undefined;
  const rows = new Int32Array(BIN_SAMPLE_ROWS);
  const rand: Random = seededRandom(seed ^ 0x5bd1e995);
  sampleSorted(rand, n, BIN_SAMPLE_ROWS, rows);
  return rows;
}

/** Value-bin upper bounds of features `from..to−1` (see {@link findBinBounds}). */
export function fitFeatureBounds(
  features: Float32Array,
  n: number,
  p: number,
  from: number,
  to: number,
  options: BinningOptions,
): Float32Array[] {
  checkShape(features, n, p);
  const sample = binSampleRows(n, options.seed);
  const m = sample === undefined ? n : sample.length;
  const values = new Float32Array(m);
  const scratch = new RadixScratch(m);
  const out: Float32Array[] = [];
  for (let f = from; f < to; f++) {
    let count = 0;
    for (let i = 0; i < m; i++) {
      const v = features[(sample === undefined ? i : sample[i]!) * p + f]!;
      if (!Number.isNaN(v)) values[count++] = v;
    }
    sortFloat32(values, count, scratch);
    out.push(findBinBounds(values, count, options.maxBin));
  }
  return out;
}

/** Joins per-feature bounds (in feature order) into a BinMapper. */
export function assembleBinMapper(bounds: readonly Float32Array[]): BinMapper {
  const p = bounds.length;
  const binOffset = new Int32Array(p + 1);
  for (let f = 0; f < p; f++) binOffset[f + 1] = binOffset[f]! + 1 + bounds[f]!.length;
  const upperBound = new Float32Array(binOffset[p]!);
  for (let f = 0; f < p; f++) {
    upperBound[binOffset[f]!] = Number.NaN;
    upperBound.set(bounds[f]!, binOffset[f]! + 1);
  }
  return { nFeatures: p, binOffset, upperBound };
}

/** Fits the bins of every feature on float32 row-major features [n, p]. */
export function fitBinMapper(
  features: Float32Array,
  n: number,
  p: number,
  options: BinningOptions,
): BinMapper {
  return assembleBinMapper(fitFeatureBounds(features, n, p, 0, p, options));
}

/** Allocates the bin buffer of an [n, p] matrix (shared when workers will read it). */
export function allocateBins(n: number, p: number, shared = false): Uint8Array {
  const bytes = n * binStride(p);
  return new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/**
 * Writes the bins of features `from .. from + bounds.length − 1` of every row into `bins`
 * ([n, binStride(p)]), given those features' value-bin bounds (as {@link fitFeatureBounds} returns them).
 * Workers bin disjoint feature ranges of one shared matrix with it.
 */
export function binFeatureRange(
  bounds: readonly Float32Array[],
  from: number,
  features: Float32Array,
  n: number,
  p: number,
  bins: Uint8Array,
): void {
  checkShape(features, n, p);
  const stride = binStride(p);
  const to = from + bounds.length;
  // Rows outer, features inner: the features are read in memory order.
  for (let r = 0; r < n; r++) {
    const xRow = r * p;
    const bRow = r * stride;
    for (let f = from; f < to; f++) {
      const x = features[xRow + f]!;
      let bin = 0;
      if (!Number.isNaN(x)) {
        // First value bin whose bound is ≥ x; the last bound is +Infinity, so there always is one.
        const ub = bounds[f - from]!;
        let lo = 0;
        let hi = ub.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (x <= ub[mid]!) hi = mid;
          else lo = mid + 1;
        }
        bin = lo + 1;
      }
      bins[bRow + f] = bin;
    }
  }
}

/** Value-bin bounds of every feature of a mapper, as views into it. */
export function mapperBounds(mapper: BinMapper): Float32Array[] {
  const { binOffset, upperBound } = mapper;
  return Array.from({ length: mapper.nFeatures }, (_, f) =>
    upperBound.subarray(binOffset[f]! + 1, binOffset[f + 1]!),
  );
}

/** Bins float32 row-major features [n, p] with a fitted mapper. */
export function binFeatures(
  mapper: BinMapper,
  features: Float32Array,
  n: number,
  options: { shared?: boolean } = {},
): BinnedMatrix {
  const p = mapper.nFeatures;
  const bins = allocateBins(n, p, options.shared ?? false);
  binFeatureRange(mapperBounds(mapper), 0, features, n, p, bins);
  return { n, p, stride: binStride(p), bins, mapper };
}

/** The bins of a matrix column-major, [p, n]: one feature's bins of all rows are contiguous. */
export function columnMajor(m: BinnedMatrix): Uint8Array {
  const { n, p, stride, bins } = m;
  const out = new Uint8Array(n * p);
  for (let r = 0; r < n; r++) {
    const row = r * stride;
    for (let f = 0; f < p; f++) out[f * n + r] = bins[row + f]!;
  }
  return out;
}

/** The rows `from..to−1` of a binned matrix, sharing its memory (no copy). */
export function binnedRows(m: BinnedMatrix, from: number, to: number): BinnedMatrix {
  return { ...m, n: to - from, bins: m.bins.subarray(from * m.stride, to * m.stride) };
}

function checkShape(features: Float32Array, n: number, p: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(p) || p < 1 || features.length !== n * p) {
    throw new ConfigInvalidError(
      `feature matrix has ${features.length} values, expected n*p = ${n}*${p} (n >= 0, p >= 1)`,
    );
  }
}
