import { describe, expect, it } from 'vitest';
import { gaussian, prng } from '../../test-utils.js';
import { binFeatures, fitBinMapper } from './binning.js';
import { trainGbdt } from './booster.js';
import { type GbdtParamsInput, parseGbdtParams } from './params.js';
import { predictGbdt } from './predict.js';
import { quantileInPlace } from './quantile.js';
import type { GbdtEnsemble } from './tree.js';

function train(x: Float32Array, y: Float64Array, p: number, params: GbdtParamsInput) {
  const n = y.length;
  const model = trainGbdt(
    binFeatures(fitBinMapper(x, n, p, { maxBin: 255, seed: 0 }), x, n),
    y,
    parseGbdtParams(params),
  );
  return { model, pred: predict(model, x, n, p) };
}

function predict(model: GbdtEnsemble, x: Float32Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n);
  predictGbdt(model, x, n, p, out);
  return out;
}

// Two groups of four rows split by x0 ∈ {0, 1}: y = [1, 2, 3, 10 | 20, 21, 22, 100].
const X8 = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
const Y8 = Float64Array.from([1, 2, 3, 10, 20, 21, 22, 100]);
const STUMP = { nEstimators: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1 };

describe('quantileInPlace', () => {
  it('interpolates between order statistics at α·(m − 1) (numpy default)', () => {
    const q = (values: number[], alpha: number) =>
      quantileInPlace(Float64Array.from(values), 0, values.length, alpha);
    expect(q([3, 1, 2], 0.5)).toBe(2);
    expect(q([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(q([1, 2, 3, 10, 20, 21, 22, 100], 0.9)).toBeCloseTo(22 + 0.3 * 78, 12);
    expect(q([5], 0.9)).toBe(5);
    expect(q([2, 2, 2, 2, 9], 0.25)).toBe(2);
    expect(q([7, 1], 0)).toBe(1);
    expect(q([7, 1], 1)).toBe(7);
  });

  it('agrees with sorting on random data for many α', () => {
    const rand = prng(3);
    for (let trial = 0; trial < 50; trial++) {
      const m = 1 + Math.floor(rand() * 40);
      const values = Float64Array.from({ length: m }, () => Math.floor(rand() * 10));
      const sorted = values.slice().sort();
      const alpha = rand();
      const pos = alpha * (m - 1);
      const lo = Math.floor(pos);
      const expected = sorted[lo]! + (pos - lo) * ((sorted[Math.min(lo + 1, m - 1)] ?? 0) - sorted[lo]!);
      expect(quantileInPlace(values, 0, m, alpha)).toBeCloseTo(expected, 12);
    }
  });
});

describe('objectives', () => {
  // 100 distinct x values (4 rows each) get a bin each, so the steps fall on bin bounds.
  it('l2 recovers a step function (to float32 output precision)', () => {
    const n = 400;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 100) / 100);
    const y = Float64Array.from(x, (v) => (v < 0.37 ? 1 : v < 0.8 ? 4 : -2));
    const { pred } = train(x, y, 1, { nEstimators: 300, learningRate: 0.1 });
    for (let i = 0; i < n; i++) expect(Math.abs(pred[i]! - y[i]!)).toBeLessThanOrEqual(1e-6);
    // Equal to the step exactly after float32 rounding of the output.
    expect(Array.from(pred)).toEqual(Array.from(y));
  });

  // Base = median(y) = (10 + 20)/2 = 15; g = sign(15 − y) = [+,+,+,+,−,−,−,−] so x0 splits the groups.
  // Leaves are refit to the median residual y − 15: left median(−14, −13, −12, −5) = −12.5, right
  // median(5, 6, 7, 85) = 6.5; predictions 2.5 and 21.5 — the medians of each group.
  it('l1 refits leaves to the median of their residuals', () => {
    const { model, pred } = train(X8, Y8, 1, { ...STUMP, objective: 'l1' });
    expect(model.baseScore).toBe(15);
    expect(Array.from(model.trees[0]!.leafValue)).toEqual([-12.5, 6.5]);
    expect(Array.from(pred)).toEqual([2.5, 2.5, 2.5, 2.5, 21.5, 21.5, 21.5, 21.5]);
  });

  // Base = q0.9(y) = 22 + 0.3·78 = 45.4; leaves refit to the 0.9-quantile of y − 45.4 per group:
  // left 3 + 0.7·7 − 45.4 = −37.5 (prediction 7.9), right 22 + 0.7·78 − 45.4 = 31.2 (prediction 76.6).
  it('quantile refits leaves to the α-quantile of their residuals', () => {
    const { model, pred } = train(X8, Y8, 1, { ...STUMP, objective: 'quantile', alpha: 0.9 });
    expect(model.baseScore).toBeCloseTo(45.4, 12);
    const [left, right] = model.trees[0]!.leafValue;
    expect(left).toBeCloseTo(-37.5, 12);
    expect(right).toBeCloseTo(31.2, 12);
    expect(pred[0]).toBeCloseTo(Math.fround(7.9), 6);
    expect(pred[7]).toBeCloseTo(Math.fround(76.6), 5);
  });

  // Group A: 39 zeros and one 40 (mean 1, median 0); group B: forty 10s. Huber (δ = 1) converges to the
  // M-estimate μ with 39·(0 − μ) + 1 = 0, i.e. μ = 1/39: between l1's 0 and l2's 1.
  it('huber lands between l1 and l2 on a group with an outlier', () => {
    const x = Float32Array.from({ length: 80 }, (_, i) => (i < 40 ? 0 : 1));
    const y = Float64Array.from({ length: 80 }, (_, i) => (i < 39 ? 0 : i === 39 ? 40 : 10));
    const params = { nEstimators: 600, learningRate: 0.1, numLeaves: 2 };
    const a = (objective: 'l1' | 'l2' | 'huber') => train(x, y, 1, { ...params, objective }).pred;
    expect(a('l2')[0]).toBeCloseTo(1, 5);
    expect(a('l1')[0]).toBeCloseTo(0, 5);
    expect(a('huber')[0]).toBeCloseTo(1 / 39, 5);
    for (const objective of ['l1', 'l2', 'huber'] as const) expect(a(objective)[79]).toBeCloseTo(10, 5);
  });

  it('quantile α = 0.9 puts 90% ± 2 points of training rows at or below the prediction', () => {
    const n = 2000;
    const rand = prng(11);
    const normal = gaussian(rand);
    const x = Float32Array.from({ length: n }, () => rand());
    const y = Float64Array.from(x, (v) => 3 * v + (0.5 + v) * normal());
    const { pred } = train(x, y, 1, {
      objective: 'quantile',
      alpha: 0.9,
      nEstimators: 200,
      learningRate: 0.1,
    });
    let below = 0;
    for (let i = 0; i < n; i++) if (y[i]! <= pred[i]!) below++;
    expect(Math.abs(below / n - 0.9)).toBeLessThanOrEqual(0.02);
  });
});
