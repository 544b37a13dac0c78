import { describe, expect, it } from 'vitest';
import { intervalMetrics, pinball, quantileMetrics } from './interval-metrics.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('intervalMetrics', () => {
  it('matches a hand-computed example', () => {
    // y:      10    12    15    NaN
    // [lo,hi] [9,11] [8,11] [14,20] —
    // covered: yes  no (12 > 11 by 1)  yes → coverage 2/3
    // widths: 2, 3, 6 → mean 11/3; range of y = 15 − 10 = 5 → normalized 11/15
    // winkler at α = 0.1: 2, 3 + 20·1 = 23, 6 → mean 31/3
    const m = intervalMetrics(f(10, 12, 15, Number.NaN), f(9, 8, 14, 0), f(11, 11, 20, 0), 0.1);
    expect(m.count).toBe(3);
    expect(m.coverage).toBeCloseTo(2 / 3, 12);
    expect(m.meanWidth).toBeCloseTo(11 / 3, 12);
    expect(m.normalizedWidth).toBeCloseTo(11 / 15, 12);
    expect(m.winkler).toBeCloseTo(31 / 3, 12);
  });

  it('penalises misses below the interval too', () => {
    // y = 0 below [1, 2]: width 1 + (2/0.5)·1 = 5
    expect(intervalMetrics(f(0), f(1), f(2), 0.5).winkler).toBeCloseTo(5, 12);
  });

  it('is NaN with no actuals', () => {
    expect(intervalMetrics(f(Number.NaN), f(0), f(1), 0.1).coverage).toBeNaN();
  });
});

describe('quantile metrics', () => {
  it('pinball loss by hand', () => {
    expect(pinball(10, 8, 0.9)).toBeCloseTo(1.8, 12); // under-forecast: 0.9 · 2
    expect(pinball(10, 12, 0.9)).toBeCloseTo(0.2, 12); // over-forecast: 0.1 · 2
    expect(pinball(10, 10, 0.3)).toBe(0);
  });

  it('CRPS from quantiles is twice the mean pinball loss', () => {
    // one cell, y = 10, quantiles at τ = 0.25, 0.5, 0.75: 8, 10, 13
    // pinball: 0.25·2 = 0.5, 0, (1 − 0.75)·3 = 0.75 → mean 1.25/3 → CRPS 2.5/3
    const m = quantileMetrics(f(10), f(8, 10, 13), [0.25, 0.5, 0.75]);
    expect(m.pinball).toEqual([0.5, 0, 0.75]);
    expect(m.crps).toBeCloseTo(2.5 / 3, 12);
  });

  it('CRPS of a point forecast approaches the absolute error as levels become dense', () => {
    // All quantiles equal q: CRPS = |y − q| exactly in the limit; with 99 even levels within 1e-3.
    const levels = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);
    const m = quantileMetrics(f(3), new Float64Array(99).fill(1), levels);
    expect(m.crps).toBeCloseTo(2, 2);
  });
});
