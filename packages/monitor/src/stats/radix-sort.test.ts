import { describe, expect, it } from 'vitest';
import { sortFloat64 } from './radix-sort.js';

describe('sortFloat64', () => {
  it('sorts like Float64Array.prototype.sort, signs, zeros, ties and extremes included', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const special = [0, -0, 1e-310, -1e-310, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5, 0.5];
    for (const n of [10, 5000, 70_000]) {
      const data = Float64Array.from({ length: n }, (_, i) =>
        i < special.length ? special[i]! : (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6),
      );
      const expected = data.slice().sort();
      const got = sortFloat64(data.slice());
      expect(Array.from(got).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        Array.from(expected).map((v) => (Object.is(v, -0) ? '-0' : v)),
      );
    }
  });

  it('keeps values whose high bits are all equal in order (skipped passes)', () => {
    const data = Float64Array.from({ length: 4096 }, (_, i) => 1 + ((i * 7919) % 4096) * 2 ** -52);
    expect(Array.from(sortFloat64(data.slice()))).toEqual(Array.from(data.slice().sort()));
  });
});
