/**
 * The best split of a leaf from its histogram: for every feature and threshold bin, the gain of sending
 * missing values left and right, as LightGBM's `FeatureHistogram::FindBestThreshold` does with NaN-aware
 * bins. With unit hessians a side's hessian sum is its row count.
 */

/** Constraints and penalty of a split, from the GBDT params. */
export interface SplitRules {
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly lambdaL2: number;
}

/** The best split found for each leaf, in flat arrays indexed by leaf. */
export class LeafSplits {
  /** Gain over not splitting; −Infinity when the leaf has no valid split. */
  readonly gain: Float64Array;
  readonly feature: Int32Array;
  /** Rows with bin ≤ this (and not missing) go left. */
  readonly thresholdBin: Int32Array;
  /** 1 when missing values (bin 0) go left. */
  readonly defaultLeft: Uint8Array;
  readonly leftGrad: Float64Array;
  readonly leftCount: Float64Array;

  constructor(maxLeaves: number) {
    this.gain = new Float64Array(maxLeaves);
    this.feature = new Int32Array(maxLeaves);
    this.thresholdBin = new Int32Array(maxLeaves);
    this.defaultLeft = new Uint8Array(maxLeaves);
    this.leftGrad = new Float64Array(maxLeaves);
    this.leftCount = new Float64Array(maxLeaves);
  }
}

/** Score of a side with gradient sum g and hessian h: the loss reduction its optimal value brings. */
export function leafScore(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}

/**
 * Finds the best split of `leaf` (gradient sum `sumGrad` over `count` rows) among the features with
 * `featureMask[f] === 1` and stores it in `out`. Ties keep the first candidate in (feature, threshold,
 * missing-left-first) order, so the result never depends on anything but the histogram.
 */
export function findBestSplit(
  hist: Float64Array,
  binOffset: Int32Array,
  featureMask: Uint8Array,
  sumGrad: number,
  count: number,
  rules: SplitRules,
  out: LeafSplits,
  leaf: number,
): void {
  const { minDataInLeaf: minData, minSumHessianInLeaf: minHess, lambdaL2: lambda } = rules;
  // A side must hold minData rows and minHess hessian; with unit hessians both bound the count.
  const minCount = Math.max(minData, minHess);
  const parentScore = leafScore(sumGrad, count, lambda);
  let bestGain = 0;
  let bestFeature = -1;
  let bestBin = 0;
  let bestLeft = 0;
  let bestGrad = 0;
  let bestCount = 0;
  const p = featureMask.length;
  for (let f = 0; f < p; f++) {
    if (featureMask[f] === 0) continue;
    const first = binOffset[f]!;
    const nb = binOffset[f + 1]! - first;
    const gMiss = hist[2 * first]!;
    const cMiss = hist[2 * first + 1]!;
    let gl = 0;
    let cl = 0;
    for (let i = 2 * first + 2, end = 2 * (first + nb); i < end; i += 2) {
      const c = hist[i + 1]!;
      // An empty bin splits the rows exactly as the bin before it: nothing new to evaluate.
      if (c === 0) continue;
      gl += hist[i]!;
      cl += c;
      // The right side only shrinks from here on; once it is too small in both cases, stop.
      if (count - cl < minCount) break;
      // Missing values left (always tried: without missing rows it is the only distinct option).
      const lc = cl + cMiss;
      if (lc >= minCount && count - lc >= minCount) {
        const lg = gl + gMiss;
        const rg = sumGrad - lg;
        const gain = leafScore(lg, lc, lambda) + leafScore(rg, count - lc, lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = (i >> 1) - first;
          bestLeft = 1;
          bestGrad = lg;
          bestCount = lc;
        }
      }
      if (cMiss > 0 && cl >= minCount) {
        const rg = sumGrad - gl;
        const gain = leafScore(gl, cl, lambda) + leafScore(rg, count - cl, lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = (i >> 1) - first;
          bestLeft = 0;
          bestGrad = gl;
          bestCount = cl;
        }
      }
    }
  }
  out.gain[leaf] = bestFeature < 0 ? Number.NEGATIVE_INFINITY : bestGain;
  out.feature[leaf] = bestFeature;
  out.thresholdBin[leaf] = bestBin;
  out.defaultLeft[leaf] = bestLeft;
  out.leftGrad[leaf] = bestGrad;
  out.leftCount[leaf] = bestCount;
}
