import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../errors.js';
import { gaussian, prng, thrown } from '../../test-utils.js';
import { type BinnedMatrix, binFeatures, fitBinMapper } from './binning.js';
import { trainGbdt } from './booster.js';
import { GBDT_DEFAULTS, type GbdtParamsInput, parseGbdtParams } from './params.js';
import { predictGbdt } from './predict.js';
import type { GbdtEnsemble } from './tree.js';
import { TreeBuilder } from './tree-builder.js';

/** n rows of p uniform features; y depends on the first three, plus noise. */
function problem(seed: number, n: number, p: number, noise = 0.3) {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const x = Float32Array.from({ length: n * p }, () => rand() * 2 - 1);
  const y = Float64Array.from({ length: n }, (_, r) => {
    const [a, b, c] = [x[r * p]!, x[r * p + 1]!, x[r * p + 2]!];
    return 2 * a + Math.sin(3 * b) + a * c + noise * normal();
  });
  return { x, y, binned: binFeatures(fitBinMapper(x, n, p, { maxBin: 255, seed: 0 }), x, n) };
}

function predict(model: GbdtEnsemble, x: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  predictGbdt(model, x, n, model.nFeatures, out);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const fit = (
  binned: BinnedMatrix,
  y: Float64Array,
  params: GbdtParamsInput,
  kernel: 'auto' | 'js' = 'auto',
) => trainGbdt(binned, y, parseGbdtParams(params), { kernel });

describe('missing values', () => {
  // x in [0, 1), y = 10 above 0.5 and 0 below; a fifth of the rows have x = NaN and y like one side.
  function data(nanLike: 'high' | 'low') {
    const rand = prng(9);
    const n = 500;
    const x = new Float32Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const missing = i % 5 === 0;
      x[i] = missing ? Number.NaN : rand();
      y[i] = missing ? (nanLike === 'high' ? 10 : 0) : x[i]! > 0.5 ? 10 : 0;
    }
    return { x, y, binned: binFeatures(fitBinMapper(x, n, 1, { maxBin: 255, seed: 0 }), x, n) };
  }
  const stump = { nEstimators: 1, learningRate: 1, numLeaves: 2 };

  it.each([
    ['high', 0],
    ['low', 1],
  ] as const)('NaN rows that behave like %s values learn defaultLeft = %d', (nanLike, defaultLeft) => {
    const { x, y, binned } = data(nanLike);
    const model = fit(binned, y, stump);
    const tree = model.trees[0]!;
    expect(Array.from(tree.defaultLeft)).toEqual([defaultLeft]);
    expect(tree.threshold[0]).toBeGreaterThan(0.49);
    expect(tree.threshold[0]).toBeLessThan(0.51);
    // Both leaves are pure, so a NaN row is predicted as its side: 10 (high) or 0 (low), to 1e-12.
    const pred = predict(model, Float32Array.of(Number.NaN, 0.1, 0.9), 3);
    const expected = [nanLike === 'high' ? 10 : 0, 0, 10];
    expect(maxAbsDiff(pred, expected)).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(predict(model, x, x.length), y)).toBeLessThanOrEqual(1e-12);
  });
});

describe('determinism', () => {
  const sampled = { nEstimators: 40, baggingFraction: 0.7, baggingFreq: 2, featureFraction: 0.6, seed: 42 };

  it('the same seed gives bitwise-identical predictions; another seed does not', () => {
    const { x, y, binned } = problem(1, 600, 8);
    const a = predict(fit(binned, y, sampled), x, 600);
    const b = predict(fit(binned, y, sampled), x, 600);
    const c = predict(fit(binned, y, { ...sampled, seed: 43 }), x, 600);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('the WebAssembly and JavaScript histogram kernels grow identical trees', () => {
    const { y, binned } = problem(2, 700, 13); // 13 features: rows padded to 16 bytes
    const params = { ...sampled, nEstimators: 30 };
    // 'auto' really runs WebAssembly here (Node 20+ on a little-endian host), so the comparison is not vacuous.
    expect(new TreeBuilder(binned, parseGbdtParams(params)).kernel).toBe('wasm');
    expect(new TreeBuilder(binned, parseGbdtParams(params), 'js').kernel).toBe('js');
    expect(fit(binned, y, params, 'auto')).toEqual(fit(binned, y, params, 'js'));
  });
});

describe('boosting', () => {
  it('fits the training data better with more rounds (l2, MSE strictly falling over 4 checkpoints)', () => {
    const { x, y, binned } = problem(3, 800, 5);
    const mse = (rounds: number) => {
      const pred = predict(fit(binned, y, { nEstimators: rounds, learningRate: 0.1 }), x, 800);
      return pred.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / 800;
    };
    const losses = [1, 10, 50, 200].map(mse);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!);
    expect(losses[3]).toBeLessThan(0.3 * 0.3 * 1.5);
  });

  it('early stopping keeps the rounds up to the best validation loss and stops `earlyStoppingRounds` later', () => {
    const { y, binned } = problem(4, 1000, 6, 1.0);
    const losses: number[] = [];
    const model = trainGbdt(
      binned,
      y,
      parseGbdtParams({ nEstimators: 400, learningRate: 0.5, minDataInLeaf: 5, earlyStoppingRounds: 15 }),
      { onRound: (_, loss) => losses.push(loss!) },
    );
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(model.bestIteration).toBe(best);
    expect(model.trees).toHaveLength(best);
    expect(best).toBeLessThan(400);
    expect(losses).toHaveLength(best + 15);
  });

  it('holds out the last validationFraction of rows for early stopping when no validation is given', () => {
    const { y, binned } = problem(5, 1000, 6, 1.0);
    const params = { nEstimators: 300, learningRate: 0.5, earlyStoppingRounds: 10, validationFraction: 0.25 };
    const implicit = fit(binned, y, params);
    const train = { ...binned, n: 750, bins: binned.bins.subarray(0, 750 * binned.stride) };
    const validation = {
      binned: { ...binned, n: 250, bins: binned.bins.subarray(750 * binned.stride) },
      y: y.subarray(750),
    };
    const explicit = trainGbdt(train, y.subarray(0, 750), parseGbdtParams(params), { validation });
    expect(implicit).toEqual(explicit);
  });
});

describe('errors', () => {
  it('a non-finite target → CONFIG_INVALID', () => {
    const { y, binned } = problem(6, 100, 3);
    y[7] = Number.NaN;
    const err = thrown(() => trainGbdt(binned, y, GBDT_DEFAULTS));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect((err as ConfigInvalidError).code).toBe('CONFIG_INVALID');
  });

  it('bad params → CONFIG_INVALID naming each field', () => {
    const err = thrown(() => parseGbdtParams({ numLeaves: 1, objective: 'poisson', maxDepth: 0, extra: 1 }));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    const paths = (err as ConfigInvalidError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['params', 'params.maxDepth', 'params.numLeaves', 'params.objective']);
  });

  it('defaults are LightGBM’s (except learningRate 0.05 and 500 rounds)', () => {
    expect(GBDT_DEFAULTS).toEqual({
      objective: 'l2',
      alpha: 0.5,
      huberDelta: 1,
      numLeaves: 31,
      maxDepth: -1,
      minDataInLeaf: 20,
      minSumHessianInLeaf: 1e-3,
      lambdaL2: 0,
      learningRate: 0.05,
      nEstimators: 500,
      featureFraction: 1,
      baggingFraction: 1,
      baggingFreq: 0,
      validationFraction: 0.1,
      maxBin: 255,
      seed: 0,
    });
  });
});
