import { describe, expect, it } from 'vitest';
import { MonitorProfileInvalidError } from './errors.js';
import {
  buildReferenceProfile,
  decodeProfile,
  parseReferenceProfile,
  serializeReferenceProfile,
} from './profile.js';

const table = {
  length: 6,
  numeric: { x: Float64Array.from([3, 1, Number.NaN, 2, 1, 0.1 + 0.2]) },
  categorical: { c: ['b', 'a', null, 'b', 'b', 'a'] },
};

describe('reference profiles', () => {
  it('keep every distinct value with its count, bit-exact through JSON', () => {
    const profile = parseReferenceProfile(serializeReferenceProfile(buildReferenceProfile(table)));
    const x = profile.columns.x!;
    expect(x).toMatchObject({
      kind: 'numeric',
      count: 5,
      missing: 1,
      distinct: 4,
      exact: true,
      min: 0.30000000000000004,
      max: 3,
    });
    const decoded = decodeProfile(profile).get('x')!;
    if (decoded.kind !== 'numeric') throw new Error('numeric expected');
    expect(Array.from(decoded.sample.values)).toEqual([0.30000000000000004, 1, 2, 3]);
    expect(Array.from(decoded.sample.counts)).toEqual([1, 2, 1, 1]);
    // Population std of [3, 1, 2, 1, 0.3…]: numpy's np.std.
    const mean = (3 + 1 + 2 + 1 + 0.30000000000000004) / 5;
    const std = Math.sqrt([3, 1, 2, 1, 0.30000000000000004].reduce((s, v) => s + (v - mean) ** 2, 0) / 5);
    expect(decoded.std).toBeCloseTo(std, 15);
    expect(profile.columns.c).toEqual({
      kind: 'categorical',
      count: 5,
      missing: 1,
      distinct: 2,
      categories: [
        ['b', 3],
        ['a', 2],
      ],
    });
  });

  it('keep a quantile sketch past maxDistinct, weights still summing to the count', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const profile = buildReferenceProfile(
      { length: 1000, numeric: { v: values }, categorical: {} },
      { maxDistinct: 10 },
    );
    const col = decodeProfile(profile).get('v')!;
    if (col.kind !== 'numeric') throw new Error('numeric expected');
    expect(col.exact).toBe(false);
    expect(col.sample.values.length).toBe(10);
    expect(Array.from(col.sample.values)).toEqual([50, 150, 250, 350, 450, 550, 650, 750, 850, 950]);
    expect(col.sample.counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('reject foreign or truncated JSON with MONITOR_PROFILE_INVALID', () => {
    for (const bad of [
      '{"hello":1}',
      '{not json',
      JSON.stringify({ ...buildReferenceProfile(table), version: 2 }),
    ]) {
      expect(() => parseReferenceProfile(bad)).toThrow(MonitorProfileInvalidError);
    }
  });
});
