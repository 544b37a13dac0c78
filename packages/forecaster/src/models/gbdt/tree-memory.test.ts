import { describe, expect, it } from 'vitest';
import { prng } from '../../test-utils.js';
import { binFeatures, fitBinMapper } from './binning.js';
import { LeafSplits, type SplitRules } from './split-finder.js';
import { createTreeMemory, type TreeMemory } from './tree-memory.js';

/** A binned matrix with a mix of continuous, few-level and often-missing features (p not a multiple of 4). */
function matrix(seed: number, n: number, p: number) {
  const rand = prng(seed);
  const x = Float32Array.from({ length: n * p }, (_, i) => {
    const f = i % p;
    if (f % 3 === 2 && rand() < 0.3) return Number.NaN;
    return f % 3 === 1 ? Math.floor(rand() * 5) : rand();
  });
  return binFeatures(fitBinMapper(x, n, p, { maxBin: 255, seed: 0 }), x, n);
}

function fill(memory: TreeMemory, grad: Float64Array, rows: Int32Array): void {
  memory.grad.set(grad);
  memory.indices.set(rows);
}

describe('WebAssembly kernels against the JavaScript reference', () => {
  const n = 3000;
  const p = 23;
  const data = matrix(1, n, p);
  const wasm = createTreeMemory(data, 3);
  const js = createTreeMemory(data, 3, 'js');

  it('runs WebAssembly here', () => {
    expect(wasm.kind).toBe('wasm');
    expect(js.kind).toBe('js');
  });

  it.each([
    [1, 0, { minDataInLeaf: 20, minSumHessianInLeaf: 1e-3, lambdaL2: 0 }],
    [2, 0.5, { minDataInLeaf: 1, minSumHessianInLeaf: 0, lambdaL2: 3 }],
    [3, 0.2, { minDataInLeaf: 200, minSumHessianInLeaf: 1e-3, lambdaL2: 0.1 }],
  ] as const)(
    'seed %d: identical histograms, subtraction and best split (features dropped with p = %s)',
    (seed, drop, rules: SplitRules) => {
      const rand = prng(seed);
      const grad = Float64Array.from({ length: n }, () => rand() * 2 - 1);
      // Rows of a leaf: a random ascending subset; its first third plays the smaller child.
      const rows = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter(() => rand() < 0.6));
      const child = Math.floor(rows.length / 3);
      const mask = Uint8Array.from({ length: p }, () => (rand() < drop ? 0 : 1));
      for (const m of [wasm, js]) {
        fill(m, grad, rows);
        m.featureMask.set(mask);
        m.build(0, 0, rows.length);
        m.build(1, 0, child);
        m.subtract(0, 1);
      }
      expect(Array.from(wasm.histogram(0))).toEqual(Array.from(js.histogram(0)));
      expect(Array.from(wasm.histogram(1))).toEqual(Array.from(js.histogram(1)));
      let sumGrad = 0;
      for (let k = child; k < rows.length; k++) sumGrad += grad[rows[k]!]!;
      const count = rows.length - child;
      const [a, b] = [new LeafSplits(1), new LeafSplits(1)];
      wasm.bestSplit(0, sumGrad, count, rules, a, 0);
      js.bestSplit(0, sumGrad, count, rules, b, 0);
      expect(a).toEqual(b);
      expect(a.feature[0]).toBeGreaterThanOrEqual(0);
      expect(mask[a.feature[0]!]).toBe(1);
    },
  );

  it('reports no split when no candidate leaves minDataInLeaf rows on both sides', () => {
    const rules = { minDataInLeaf: n, minSumHessianInLeaf: 0, lambdaL2: 0 };
    const splits = new LeafSplits(1);
    wasm.bestSplit(0, 1, n, rules, splits, 0);
    expect(splits.gain[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(splits.feature[0]).toBe(-1);
  });
});
