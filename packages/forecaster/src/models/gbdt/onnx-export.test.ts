import { describe, expect, it } from 'vitest';
import { ModelInvalidError } from '../../errors.js';
import { decodeModel } from '../../onnx/build-graph.js';
import { OnnxScorer } from '../../onnx/scorer.js';
import { gaussian, prng, thrown } from '../../test-utils.js';
import { scoreLinearHead } from '../linear-head.js';
import { binFeatures, fitBinMapper } from './binning.js';
import { trainGbdt } from './booster.js';
import { buildForecastModel } from './onnx-model.js';
import { parseGbdtParams } from './params.js';
import { predictGbdt } from './predict.js';
import type { GbdtEnsemble } from './tree.js';

const P = 7;

/** Random features with ~10% NaN, and k targets of different shapes (magnitude ~1). */
function data(seed: number, n: number, k: number) {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const x = Float32Array.from({ length: n * P }, () => (rand() < 0.1 ? Number.NaN : normal()));
  const v = (r: number, f: number) => (Number.isNaN(x[r * P + f]!) ? 1 : x[r * P + f]!);
  const y = Array.from({ length: k }, (_, j) =>
    Float64Array.from(
      { length: n },
      (_, r) => Math.tanh(v(r, j) + 0.5 * v(r, j + 1) * v(r, j + 2)) + 0.1 * normal(),
    ),
  );
  return { x, y };
}

function trainAll(seed: number, k: number, nEstimators: number): { x: Float32Array; models: GbdtEnsemble[] } {
  const n = 1500;
  const { x, y } = data(seed, n, k);
  const binned = binFeatures(fitBinMapper(x, n, P, { maxBin: 255, seed: 0 }), x, n);
  const params = parseGbdtParams({ nEstimators, learningRate: 0.1, numLeaves: 15, minDataInLeaf: 10 });
  return { x, models: y.map((t) => trainGbdt(binned, t, params)) };
}

function reference(models: readonly GbdtEnsemble[], x: Float32Array, nRows: number): Float64Array {
  const out = new Float64Array(nRows * models.length);
  models.forEach((m, j) => {
    predictGbdt(m, x, nRows, P, out, models.length, j);
  });
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('GBDT → ONNX (TreeEnsembleRegressor through ONNX Runtime)', () => {
  it('3 targets × 100 trees match predictGbdt within 1e-6 (absolute, outputs ~1), NaN rows included', async () => {
    const { models } = trainAll(21, 3, 100);
    expect(models.every((m) => m.trees.length === 100)).toBe(true);
    const { x } = data(99, 400, 3); // unseen rows, ~10% NaN features
    const bytes = buildForecastModel({ nFeatures: P, gbdt: [{ name: 'gbdt', ensembles: models }] });
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      const out = (await scorer.run(x, 400, P)).gbdt!;
      const ref = reference(models, x, 400);
      expect(Math.max(...ref.map(Math.abs))).toBeGreaterThan(0.5);
      // Both sum the leaves in float64 in the same order and round once to float32: in practice equal.
      expect(maxAbsDiff(out, ref)).toBeLessThanOrEqual(1e-6);
    } finally {
      await scorer.release();
    }
  });

  it('puts a linear head and GBDT outputs side by side in one graph', async () => {
    const { models } = trainAll(22, 2, 20);
    const rand = prng(4);
    const weights = Float32Array.from({ length: P * 2 }, () => rand() - 0.5);
    const bias = Float32Array.of(0.25, -0.5);
    const bytes = buildForecastModel({
      nFeatures: P,
      linear: [{ name: 'linear', weights, bias }],
      gbdt: [
        { name: 'gbdt_a', ensembles: models },
        { name: 'gbdt_b', ensembles: [models[1]!] },
      ],
    });
    const model = decodeModel(bytes);
    expect(model.opsetImport).toEqual([
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      expect(scorer.outputNames).toEqual(['linear', 'gbdt_a', 'gbdt_b']);
      const { x: raw } = data(5, 50, 2);
      const x = raw.map((v) => (Number.isNaN(v) ? 0 : v)); // MatMul would spread NaN
      const out = await scorer.run(x, 50, P);
      expect(maxAbsDiff(out.gbdt_a!, reference(models, x, 50))).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(out.gbdt_b!, reference([models[1]!], x, 50))).toBeLessThanOrEqual(1e-6);
      const lin = new Float64Array(100);
      const head = {
        nFeatures: P,
        nOutputs: 2,
        weights: Float64Array.from(weights),
        bias: Float64Array.from(bias),
      };
      scoreLinearHead(head, x, 50, lin);
      expect(maxAbsDiff(out.linear!, lin)).toBeLessThanOrEqual(1e-5);
    } finally {
      await scorer.release();
    }
  });

  it('an ensemble without trees predicts its base score', async () => {
    const empty: GbdtEnsemble = { trees: [], baseScore: 1.25, bestIteration: 0, nFeatures: P };
    const stump: GbdtEnsemble = {
      trees: [
        {
          splitFeature: Int32Array.of(2),
          threshold: Float32Array.of(0.5),
          defaultLeft: Uint8Array.of(0),
          left: Int32Array.of(~0),
          right: Int32Array.of(~1),
          leafValue: Float64Array.of(-1, 1),
        },
      ],
      baseScore: 0,
      bestIteration: 1,
      nFeatures: P,
    };
    const scorer = await OnnxScorer.fromBytes(
      buildForecastModel({ nFeatures: P, gbdt: [{ name: 'y', ensembles: [empty, stump] }] }),
    );
    try {
      const x = new Float32Array(3 * P);
      x[2] = 0.5; // ≤ 0.5: left
      x[P + 2] = 0.75; // right
      x[2 * P + 2] = Number.NaN; // missing: right (defaultLeft 0)
      expect(Array.from((await scorer.run(x, 3, P)).y!)).toEqual([1.25, -1, 1.25, 1, 1.25, 1]);
    } finally {
      await scorer.release();
    }
  });

  it('rejects a feature-count mismatch and non-finite leaf values with MODEL_INVALID', () => {
    const bad: GbdtEnsemble = { trees: [], baseScore: Number.NaN, bestIteration: 0, nFeatures: P };
    const wrongWidth: GbdtEnsemble = { trees: [], baseScore: 0, bestIteration: 0, nFeatures: P + 1 };
    for (const ensembles of [[bad], [wrongWidth]]) {
      const err = thrown(() => buildForecastModel({ nFeatures: P, gbdt: [{ name: 'y', ensembles }] }));
      expect(err).toBeInstanceOf(ModelInvalidError);
      expect((err as ModelInvalidError).code).toBe('MODEL_INVALID');
    }
  });
});
