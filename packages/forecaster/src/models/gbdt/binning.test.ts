import { describe, expect, it } from 'vitest';
import { prng } from '../../test-utils.js';
import { boundBetween, findBinBounds } from './bin-bounds.js';
import { binFeatures, binStride, fitBinMapper } from './binning.js';
import { RadixScratch, sortFloat32 } from './radix-sort.js';

function bounds(values: number[], maxBin = 255): number[] {
  const sorted = Float64Array.from(values, Math.fround).sort();
  return Array.from(findBinBounds(sorted, sorted.length, maxBin));
}

describe('findBinBounds', () => {
  it('gives each distinct value with at least 3 rows its own bin, cut at float32 midpoints', () => {
    expect(bounds([1, 1, 1, 2, 2, 2, 4, 4, 4])).toEqual([1.5, 3, Number.POSITIVE_INFINITY]);
  });

  it('merges values rarer than 3 rows into the next bin (LightGBM min_data_in_bin)', () => {
    // 1 (1 row) + 2 (2 rows) reach 3 rows only at 2: one cut, between 2 and 5.
    expect(bounds([1, 2, 2, 5, 5, 5])).toEqual([3.5, Number.POSITIVE_INFINITY]);
  });

  it('a constant feature has one value bin', () => {
    expect(bounds([7, 7, 7, 7])).toEqual([Number.POSITIVE_INFINITY]);
  });

  it('many distinct values: at most maxBin bins of about equal counts', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const b = bounds(values, 10);
    expect(b).toHaveLength(10);
    // 100 values per bin: bounds halfway between 99 and 100, 199 and 200, …
    expect(b.slice(0, 9)).toEqual([99.5, 199.5, 299.5, 399.5, 499.5, 599.5, 699.5, 799.5, 899.5]);
  });

  it('a value frequent enough to fill a bin gets one of its own', () => {
    const values = [...Array.from({ length: 100 }, (_, i) => i), ...Array(300).fill(50)];
    const b = bounds(values, 4);
    const binOf = (x: number) => b.findIndex((u) => x <= u);
    expect(binOf(50)).not.toBe(binOf(49));
    expect(binOf(50)).not.toBe(binOf(51));
  });

  it('boundBetween stays strictly below the upper value when the midpoint rounds up to it', () => {
    const lo = 1;
    const hi = Math.fround(1 + 2 ** -23); // the next float32 after 1: the midpoint rounds to one of them
    const t = boundBetween(lo, hi);
    expect(t).toBeGreaterThanOrEqual(lo);
    expect(t).toBeLessThan(hi);
    expect(boundBetween(1, 2)).toBe(1.5);
  });
});

describe('sortFloat32', () => {
  it('sorts like a comparison sort: negatives, ±0, infinities, repeats, tiny and huge values', () => {
    const rand = prng(8);
    const special = [
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e-40,
      -1e-40,
      3.4e38,
      -3.4e38,
    ];
    for (const m of [0, 1, 7, 1000]) {
      const values = Float32Array.from({ length: m }, (_, i) =>
        i < special.length ? special[i]! : (rand() - 0.5) * 10 ** Math.floor(rand() * 8),
      );
      const expected = Array.from(values).sort((a, b) => a - b || (Object.is(a, -0) ? -1 : 1));
      sortFloat32(values, m, new RadixScratch(m));
      expect(Array.from(values)).toEqual(expected);
    }
  });
});

describe('BinMapper and binFeatures', () => {
  it('x <= upperBound[b] holds exactly for the values of bins ≤ b (float32 inputs), NaN is bin 0', () => {
    const rand = prng(5);
    const n = 5000;
    const p = 3;
    const x = new Float32Array(n * p);
    for (let r = 0; r < n; r++) {
      x[r * p] = rand() * 100 - 50; // continuous
      x[r * p + 1] = Math.floor(rand() * 7); // 7 levels
      x[r * p + 2] = rand() < 0.1 ? Number.NaN : rand() < 0.5 ? 0 : rand(); // missing + a heavy zero
    }
    const mapper = fitBinMapper(x, n, p, { maxBin: 63, seed: 0 });
    const binned = binFeatures(mapper, x, n);
    expect(binned.stride).toBe(4);
    const { binOffset, upperBound } = mapper;
    expect(binOffset[2]! - binOffset[1]!).toBe(1 + 7);
    for (let f = 0; f < p; f++) {
      const nb = binOffset[f + 1]! - binOffset[f]!;
      expect(nb).toBeLessThanOrEqual(64);
      expect(Number.isNaN(upperBound[binOffset[f]!]!)).toBe(true);
      expect(upperBound[binOffset[f + 1]! - 1]).toBe(Number.POSITIVE_INFINITY);
      let wrong = 0;
      for (let r = 0; r < n; r++) {
        const v = x[r * p + f]!;
        const bin = binned.bins[r * binned.stride + f]!;
        if (Number.isNaN(v)) wrong += bin === 0 ? 0 : 1;
        else for (let b = 1; b < nb; b++) if (v <= upperBound[binOffset[f]! + b]! !== bin <= b) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });

  it('pads rows to a multiple of 4 bytes with zeros', () => {
    const x = Float32Array.from({ length: 10 * 5 }, (_, i) => i % 7);
    const binned = binFeatures(fitBinMapper(x, 10, 5, { maxBin: 255, seed: 0 }), x, 10);
    expect(binStride(5)).toBe(8);
    for (let r = 0; r < 10; r++)
      expect(Array.from(binned.bins.subarray(r * 8 + 5, r * 8 + 8))).toEqual([0, 0, 0]);
  });
});
