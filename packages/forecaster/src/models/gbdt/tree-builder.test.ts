import { describe, expect, it } from 'vitest';
import { binFeatures, fitBinMapper } from './binning.js';
import { trainGbdt } from './booster.js';
import { type GbdtParamsInput, parseGbdtParams } from './params.js';
import { predictGbdt } from './predict.js';

// Eight rows, two features. x0 takes 0, 1, 2 (3, 3, 2 rows) and x1 takes 5, 7 (4 rows each), so with
// LightGBM's three-rows-per-bin rule every distinct value is its own bin:
//   x0: bin 1 = {0} (bound 0.5), bin 2 = {1} (bound 1.5), bin 3 = {2} (+Inf);  x1: bin 1 = {5} (6), bin 2 = {7}.
const X = Float32Array.from([0, 5, 0, 5, 0, 7, 1, 5, 1, 7, 1, 7, 2, 5, 2, 7]);
const Y = Float64Array.from([0, 0, 0, 10, 20, 20, 10, 20]);
const N = 8;
const P = 2;

function fit(params: GbdtParamsInput) {
  const mapper = fitBinMapper(X, N, P, { maxBin: 255, seed: 0 });
  return trainGbdt(binFeatures(mapper, X, N), Y, parseGbdtParams(params));
}

const ONE_TREE = { nEstimators: 1, learningRate: 1, minDataInLeaf: 1, minSumHessianInLeaf: 0, lambdaL2: 0 };

describe('tree growth (l2), checked by hand', () => {
  // Base score = mean(y) = 80/8 = 10; gradients g = 10 − y = [10, 10, 10, 0, −10, −10, 0, −10], G = 0.
  // Root (parent score G²/H = 0), gain = G_L²/H_L + G_R²/H_R:
  //   x0 ≤ 0.5: L = rows 0–2 (G 30, H 3) → 300, R = rows 3–7 (G −30, H 5) → 180: gain 480  ← best
  //   x0 ≤ 1.5: L = rows 0–5 (G 10, H 6) → 16.7, R = rows 6–7 (G −10, H 2) → 50: gain 66.7
  //   x1 ≤ 6:   L = rows 0,1,3,6 (G 20, H 4) → 100, R = rows 2,4,5,7 (G −20, H 4) → 100: gain 200
  // Leaf 0 (rows 0–2, all g = 10) has no split with positive gain (every split scores 300 − 300 = 0).
  // Leaf 1 (rows 3–7, G −30, H 5, parent score 180):
  //   x1 ≤ 6:   L = rows 3,6 (G 0, H 2) → 0, R = rows 4,5,7 (G −30, H 3) → 300: gain 120  ← best
  //   x0 ≤ 1.5: L = rows 3–5 (G −20, H 3) → 133.3, R = rows 6,7 (G −10, H 2) → 50: gain 3.3
  // Leaf values −G/H: leaf 0 = −30/3 = −10, leaf 1 = −0/2 = 0, leaf 2 = 30/3 = 10.
  it('numLeaves 3, λ 0, learning rate 1: exact splits, thresholds and leaf values', () => {
    const model = fit({ ...ONE_TREE, numLeaves: 3 });
    expect(model.baseScore).toBe(10);
    expect(model.trees).toHaveLength(1);
    const tree = model.trees[0]!;
    expect(Array.from(tree.splitFeature)).toEqual([0, 1]);
    expect(Array.from(tree.threshold)).toEqual([0.5, 6]);
    // No missing values in training: missing goes left (the first direction tried, as in LightGBM).
    expect(Array.from(tree.defaultLeft)).toEqual([1, 1]);
    expect(Array.from(tree.left)).toEqual([~0, ~1]);
    expect(Array.from(tree.right)).toEqual([1, ~2]);
    expect(Array.from(tree.leafValue, (v) => v + 0)).toEqual([-10, 0, 10]);
    // Every row lands on its target exactly.
    const out = new Float64Array(N);
    predictGbdt(model, X, N, P, out);
    expect(Array.from(out)).toEqual(Array.from(Y));
  });

  // λ = 1: root gains 30²/4 + 30²/6 = 375 (x0 ≤ 0.5) vs 20²/5 + 20²/5 = 160 (x1 ≤ 6); leaf 1 (G −30, H 5):
  // x1 ≤ 6 gains 0/3 + 30²/4 − 30²/6 = 75. Values −G/(H+1): −30/4 = −7.5, 0/3 = 0, 30/4 = 7.5.
  it('λ = 1 shrinks leaf values to −G/(H + λ)', () => {
    const tree = fit({ ...ONE_TREE, numLeaves: 3, lambdaL2: 1 }).trees[0]!;
    expect(Array.from(tree.splitFeature)).toEqual([0, 1]);
    expect(Array.from(tree.leafValue, (v) => v + 0)).toEqual([-7.5, 0, 7.5]);
  });

  it('maxDepth 1 stops at the root split: a stump with −30/3 and 30/5', () => {
    const tree = fit({ ...ONE_TREE, numLeaves: 3, maxDepth: 1 }).trees[0]!;
    expect(Array.from(tree.splitFeature)).toEqual([0]);
    expect(Array.from(tree.leafValue)).toEqual([-10, 6]);
  });

  it('learning rate scales leaf values: 0.1 × (−10, 0, 10)', () => {
    const tree = fit({ ...ONE_TREE, numLeaves: 3, learningRate: 0.1 }).trees[0]!;
    expect(Array.from(tree.leafValue, (v) => v + 0)).toEqual([-10 * 0.1, 0, 10 * 0.1]);
  });

  // Leaves need 4 rows: the root split x0 ≤ 0.5 (3 rows left) is out; x0 ≤ 1.5 (6 | 2) too; x1 ≤ 6 (4 | 4)
  // remains, gain 200, and its children (4 rows) cannot split again.
  it('minDataInLeaf 4 rules out the smaller splits', () => {
    const tree = fit({ ...ONE_TREE, numLeaves: 3, minDataInLeaf: 4 }).trees[0]!;
    expect(Array.from(tree.splitFeature)).toEqual([1]);
    expect(Array.from(tree.threshold)).toEqual([6]);
    expect(Array.from(tree.leafValue)).toEqual([-5, 5]);
  });

  it('stops boosting when no split gains (a perfect fit leaves zero gradients)', () => {
    const model = fit({ ...ONE_TREE, numLeaves: 3, nEstimators: 10 });
    expect(model.trees).toHaveLength(1);
    expect(model.bestIteration).toBe(1);
  });
});
