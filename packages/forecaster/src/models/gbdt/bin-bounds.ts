/**
 * Where to cut one feature's values into bins: LightGBM's greedy bin finder (`GreedyFindBin` in
 * `bin.cpp`), so bins, and so splits, come out as LightGBM's do on the same data.
 */

/** LightGBM's `min_data_in_bin`: a bin holds at least this many sampled values, rare values merge. */
export const MIN_DATA_IN_BIN = 3;

/**
 * Upper bounds of the value bins of one feature from its sorted, non-missing sample values.
 * Every bound is a float32 strictly between two neighbouring distinct values (or the lower one), so for a
 * float32 input `x <= bound[b]` holds exactly for the values of bins 0..b — the comparison ONNX Runtime
 * makes. The last bound is +Infinity. Returns at least one bound.
 */
export function findBinBounds(
  sorted: Float32Array | Float64Array,
  count: number,
  maxBin: number,
): Float32Array {
  // Distinct values and their counts, in place over the sorted sample's prefix.
  const distinct = new Float64Array(count);
  const counts = new Int32Array(count);
  let nd = 0;
  for (let i = 0; i < count; i++) {
    const v = sorted[i]!;
    if (nd > 0 && distinct[nd - 1] === v) counts[nd - 1]!++;
    else {
      distinct[nd] = v;
      counts[nd++] = 1;
    }
  }
  const cuts = nd <= maxBin ? cutsFewValues(counts, nd) : cutsManyValues(counts, nd, maxBin, count);
  const bounds = new Float32Array(cuts.length + 1);
  for (let b = 0; b < cuts.length; b++)
    bounds[b] = boundBetween(distinct[cuts[b]!]!, distinct[cuts[b]! + 1]!);
  bounds[cuts.length] = Number.POSITIVE_INFINITY;
  return bounds;
}

/** The float32 cut between distinct float32 values lo < hi: their midpoint, unless it rounds up to hi. */
export function boundBetween(lo: number, hi: number): number {
  const mid = Math.fround(lo / 2 + hi / 2);
  return mid >= hi ? lo : mid;
}

// Few distinct values: each gets its own bin, except that values rarer than MIN_DATA_IN_BIN merge with
// the next ones. A cut "after i" separates distinct value i from i + 1.
function cutsFewValues(counts: Int32Array, nd: number): number[] {
  const cuts: number[] = [];
  let inBin = 0;
  for (let i = 0; i < nd - 1; i++) {
    inBin += counts[i]!;
    if (inBin >= MIN_DATA_IN_BIN) {
      cuts.push(i);
      inBin = 0;
    }
  }
  return cuts;
}

// Many distinct values: bins of about equal count, where a value frequent enough to fill a bin alone
// gets one (LightGBM's "big count" values), and the mean bin size is re-estimated as bins are closed.
function cutsManyValues(counts: Int32Array, nd: number, maxBinIn: number, total: number): number[] {
  const maxBin = Math.max(1, Math.min(maxBinIn, Math.floor(total / MIN_DATA_IN_BIN)));
  let meanBinSize = total / maxBin;
  let restBins = maxBin;
  let restSamples = total;
  const big = new Uint8Array(nd);
  for (let i = 0; i < nd; i++) {
    if (counts[i]! >= meanBinSize) {
      big[i] = 1;
      restBins--;
      restSamples -= counts[i]!;
    }
  }
  meanBinSize = restSamples / restBins;
  const cuts: number[] = [];
  let inBin = 0;
  for (let i = 0; i < nd - 1; i++) {
    if (big[i] === 0) restSamples -= counts[i]!;
    inBin += counts[i]!;
    if (
      big[i] === 1 ||
      inBin >= meanBinSize ||
      (big[i + 1] === 1 && inBin >= Math.max(1, meanBinSize * 0.5))
    ) {
      cuts.push(i);
      if (cuts.length >= maxBin - 1) break;
      inBin = 0;
      if (big[i] === 0) {
        restBins--;
        meanBinSize = restSamples / restBins;
      }
    }
  }
  return cuts;
}
