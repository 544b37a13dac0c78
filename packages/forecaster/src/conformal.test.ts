import { describe, expect, it } from 'vitest';
import { conformalQuantile, conformalScores, decodeScores, encodeScores } from './conformal.js';

describe('split conformal', () => {
  it('sorts absolute residuals per cell', () => {
    // 3 windows × 2 cells; residuals cell 0: 1, −3, 2 → |.| sorted 1, 2, 3; cell 1: 0.5, 0, −4 → 0, 0.5, 4
    const predicted = [0, 0, 0, 0, 0, 0];
    const actual = [1, 0.5, -3, 0, 2, -4];
    expect(Array.from(conformalScores(predicted, actual, 3, 2))).toEqual([1, 2, 3, 0, 0.5, 4]);
  });

  it('uses the finite-sample rank ⌈(n+1)(1−α)⌉', () => {
    // n = 9 scores 1..9: α = 0.1 → rank ⌈10 · 0.9⌉ = 9 → 9; α = 0.2 → rank 8 → 8; α = 0.5 → rank 5 → 5
    const scores = conformalScores(new Array(9).fill(0), [1, 2, 3, 4, 5, 6, 7, 8, 9], 9, 1);
    expect(conformalQuantile(scores, 9, 0, 0.1)).toBe(9);
    expect(conformalQuantile(scores, 9, 0, 0.2)).toBe(8);
    expect(conformalQuantile(scores, 9, 0, 0.5)).toBe(5);
    // α = 0.05 needs rank ⌈9.5⌉ = 10 > n: the interval is unbounded.
    expect(conformalQuantile(scores, 9, 0, 0.05)).toBe(Number.POSITIVE_INFINITY);
  });

  it('scores a missing actual as +∞ (never narrows the interval)', () => {
    const scores = conformalScores([0, 0], [Number.NaN, 1], 2, 1);
    expect(Array.from(scores)).toEqual([1, Number.POSITIVE_INFINITY]);
  });

  it('round-trips through base64', () => {
    const scores = Float32Array.of(0.25, 1.5, 3, Number.POSITIVE_INFINITY);
    expect(Array.from(decodeScores(encodeScores(scores)))).toEqual(Array.from(scores));
  });
});
