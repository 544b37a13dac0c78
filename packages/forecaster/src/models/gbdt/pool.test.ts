import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../errors.js';
import { gaussian, prng, rejected } from '../../test-utils.js';
import { binFeatures, fitBinMapper } from './binning.js';
import { trainGbdt } from './booster.js';
import { type GbdtParamsInput, parseGbdtParams } from './params.js';
import { trainGbdtMany } from './pool.js';
import { columnOf } from './pool-protocol.js';

const N = 900;
const P = 9;
const K = 3;

/** Features with some NaN, and K targets [N, K] row-major, each driven by other features. */
function problem(seed: number, n = N) {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const x = Float32Array.from({ length: n * P }, () => (rand() < 0.05 ? Number.NaN : normal()));
  const v = (r: number, f: number) => (Number.isNaN(x[r * P + f]!) ? 0 : x[r * P + f]!);
  const y = new Float64Array(n * K);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < K; j++) y[r * K + j] = v(r, j) * v(r, j + 3) + Math.sin(v(r, j + 1)) + 0.2 * normal();
  }
  return { x, y };
}

const PARAMS: GbdtParamsInput = {
  nEstimators: 60,
  learningRate: 0.1,
  numLeaves: 15,
  baggingFraction: 0.8,
  baggingFreq: 1,
  featureFraction: 0.8,
  seed: 7,
};

describe('trainGbdtMany (worker threads)', () => {
  it('3 targets equal three separate trainGbdt calls, on 1 and on 3 threads', async () => {
    const { x, y } = problem(1);
    const params = parseGbdtParams(PARAMS);
    const binned = binFeatures(fitBinMapper(x, N, P, params), x, N);
    const separate = Array.from({ length: K }, (_, j) => trainGbdt(binned, columnOf(y, N, K, j), params));
    const progress: number[] = [];
    const many = await trainGbdtMany(x, N, P, y, K, parseGbdtParams({ ...PARAMS, threads: 3 }), {
      onProgress: (done, total) => progress.push(done * 10 + total),
    });
    expect(many).toEqual(separate);
    expect(progress).toEqual([13, 23, 33]);
    const single = await trainGbdtMany(x, N, P, y, K, parseGbdtParams({ ...PARAMS, threads: 1 }));
    expect(single).toEqual(separate);
  });

  it('one target on 2 threads (both bin, one trains) equals trainGbdt', async () => {
    const { x, y } = problem(6);
    const params = parseGbdtParams({ ...PARAMS, threads: 2 });
    const y0 = columnOf(y, N, K, 0);
    const expected = trainGbdt(binFeatures(fitBinMapper(x, N, P, params), x, N), y0, params);
    expect(await trainGbdtMany(x, N, P, y0, 1, params)).toEqual([expected]);
  });

  it('uses explicit validation rows for early stopping, as trainGbdt does', async () => {
    const { x, y } = problem(2);
    const val = problem(3, 300);
    const params = parseGbdtParams({
      ...PARAMS,
      nEstimators: 300,
      learningRate: 0.3,
      earlyStoppingRounds: 5,
    });
    const mapper = fitBinMapper(x, N, P, params);
    const binned = binFeatures(mapper, x, N);
    const valBinned = binFeatures(mapper, val.x, 300);
    const separate = Array.from({ length: K }, (_, j) =>
      trainGbdt(binned, columnOf(y, N, K, j), params, {
        validation: { binned: valBinned, y: columnOf(val.y, 300, K, j) },
      }),
    );
    expect(separate.some((e) => e.bestIteration < 300)).toBe(true);
    const many = await trainGbdtMany(x, N, P, y, K, params, {
      validation: { features: val.x, n: 300, targets: val.y },
    });
    expect(many).toEqual(separate);
  });

  it('an error inside a worker (a NaN target) rejects with CONFIG_INVALID', async () => {
    const { x, y } = problem(4);
    y[5 * K + 2] = Number.NaN;
    const err = await rejected(trainGbdtMany(x, N, P, y, K, parseGbdtParams({ ...PARAMS, threads: 2 })));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect((err as ConfigInvalidError).code).toBe('CONFIG_INVALID');
  });

  it('rejects mismatched shapes before starting any thread', async () => {
    const { x, y } = problem(5);
    const err = await rejected(trainGbdtMany(x, N, P + 1, y, K, parseGbdtParams(PARAMS)));
    expect(err).toBeInstanceOf(ConfigInvalidError);
  });
});
