import { describe, expect, it } from 'vitest';
import { buildLinearModel } from './build-graph.js';
import { OnnxScorer } from './scorer.js';

const P = 11;
const K = 6;

function rows(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * P);
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(seed * 7.1 + i * 1.3) * 3;
  return out;
}

async function scorers() {
  const weights = rows(K, 99).subarray(0, P * K);
  const bytes = buildLinearModel({
    nFeatures: P,
    outputs: [
      { name: 'a', weights: Float32Array.from(weights), bias: new Float32Array(K).fill(0.5) },
      { name: 'b', weights: Float32Array.from(weights.subarray(0, P)), bias: new Float32Array([1]) },
    ],
    docString: 'micro-batching test',
  });
  return {
    on: await OnnxScorer.fromBytes(bytes),
    off: await OnnxScorer.fromBytes(bytes, { coalesce: false }),
  };
}

describe('OnnxScorer micro-batching', () => {
  it('scores concurrent small calls in one ONNX Runtime call, each getting its own rows', async () => {
    const { on, off } = await scorers();
    const runs: number[] = [];
    on.observe((_rows, calls) => runs.push(calls));
    try {
      const inputs = Array.from({ length: 20 }, (_, i) => rows(1 + (i % 3), i));
      const joined = await Promise.all(inputs.map((x) => on.run(x, x.length / P, P)));
      expect(runs).toEqual([20]);
      for (const [i, x] of inputs.entries()) {
        const alone = await off.run(x, x.length / P, P);
        for (const name of ['a', 'b']) {
          expect(joined[i]![name]!.length).toBe(alone[name]!.length);
          for (let j = 0; j < alone[name]!.length; j++)
            expect(joined[i]![name]![j]).toBeCloseTo(alone[name]![j]!, 5);
        }
      }
      // A call with more rows than COALESCE_MAX_ROWS runs alone.
      const big = rows(40, 1);
      runs.length = 0;
      await Promise.all([on.run(big, 40, P), on.run(rows(1, 2), 1, P)]);
      expect(runs).toEqual([1, 1]);
    } finally {
      await on.release();
      await off.release();
    }
  });

  it('rejects every queued call with MODEL_INVALID when the session is released first', async () => {
    const { on, off } = await scorers();
    await off.release();
    const calls = [on.run(rows(1, 1), 1, P), on.run(rows(1, 2), 1, P)];
    await on.release();
    for (const c of calls) await expect(c).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });
});

describe('OnnxScorer threads', () => {
  it('scores the same with two intra-op threads as with one', async () => {
    const bytes = buildLinearModel({
      nFeatures: P,
      outputs: [{ name: 'a', weights: rows(K, 5).subarray(0, P * K), bias: new Float32Array(K) }],
      docString: 'threads test',
    });
    const two = await OnnxScorer.fromBytes(bytes, { threads: 2 });
    const one = await OnnxScorer.fromBytes(bytes, { threads: 1 });
    try {
      const x = rows(64, 3);
      const [a, b] = [await two.run(x, 64, P), await one.run(x, 64, P)];
      for (let j = 0; j < a.a!.length; j++) expect(a.a![j]).toBeCloseTo(b.a![j]!, 5);
    } finally {
      await Promise.all([two.release(), one.release()]);
    }
  });
});
