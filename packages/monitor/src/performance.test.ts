import { describe, expect, it } from 'vitest';
import { MonitorLengthMismatchError } from './errors.js';
import { computePerformance } from './performance.js';

describe('computePerformance', () => {
  // 2 windows × 2 steps × 2 targets; one missing actual.
  const actual = Float64Array.from([10, -2, 12, 0, 8, 4, Number.NaN, 1]);
  const loc = Float64Array.from([11, -1, 10, 1, 8, 2, 5, 1]);
  const lower = loc.map((v) => v - 1.5);
  const upper = loc.map((v) => v + 1.5);
  const forecasts = { shape: [2, 2, 2] as const, loc, lower, upper, targets: ['a', 'b'] };

  it('scores the present cells by hand-checked definitions', () => {
    const r = computePerformance(actual, forecasts);
    // errors ŷ − y: 1, 1, -2, 1, 0, -2, (skipped), 0
    const m = r.metrics;
    expect(m.count).toBe(7);
    expect(m.mae).toBeCloseTo(7 / 7, 14);
    expect(m.rmse).toBeCloseTo(Math.sqrt(11 / 7), 14);
    expect(m.me).toBeCloseTo(-1 / 7, 14);
    expect(m.wmape).toBeCloseTo(7 / 37, 14);
    // sMAPE terms 2|e|/(|y|+|ŷ|): 2/21, 2/3, 4/22, 2/1, 0, 4/6, 0
    expect(m.smape).toBeCloseTo((2 / 21 + 2 / 3 + 4 / 22 + 2 + 4 / 6) / 7, 14);
    // Evidently's MAPE: -2 is divided by ε; 0 counts as 1 (100%).
    expect(m.mape!).toBeGreaterThan(1e15);
    expect(m.coverage).toBeCloseTo(5 / 7, 14);
    expect(m.interval_width).toBe(3);
    expect(r.per_target.a!.count).toBe(3);
    expect(r.per_target.b!.mae).toBeCloseTo((1 + 1 + 2 + 0) / 4, 14);
    expect(r.mae_by_step.a).toEqual([0.5, 2]);
    expect(r.degradation).toEqual([]);
  });

  it('flags degradation beyond the ratio only', () => {
    const reference = { ...computePerformance(actual, forecasts).metrics, mae: 0.8, rmse: 2, wmape: 0.2 };
    const r = computePerformance(actual, forecasts, { reference, degradationRatio: 1.2 });
    expect(r.degradation.map((d) => [d.metric, d.degraded])).toEqual([
      ['mae', true],
      ['rmse', false],
      ['wmape', false],
    ]);
    expect(r.degradation_detected).toBe(true);
  });

  it('names the array whose length does not match the shape', () => {
    expect(() => computePerformance(actual.subarray(1), forecasts)).toThrow(MonitorLengthMismatchError);
    expect(() => computePerformance(actual, { ...forecasts, upper: upper.subarray(2) })).toThrow(
      /forecasts.upper/,
    );
  });
});
