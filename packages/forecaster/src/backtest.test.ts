import { describe, expect, it } from 'vitest';
import { backtest } from './backtest.js';
import { fromRecords } from './data/read-csv.js';
import { HOUR_MS, rejected, syntheticRecords, T0 } from './test-utils.js';

const options = {
  data: { dateColumn: 'ts', targets: ['load'], period: '1h', lookbackWindowSize: 24, forecastHorizon: 6 },
  models: [{ name: 'seasonal-naive' as const }, { name: 'linear' as const, params: { alpha: 1 } }],
};

function frame(n: number) {
  const rows = syntheticRecords({ n, covariate: undefined });
  return fromRecords(rows, { dateColumn: 'ts', numericColumns: ['load'] });
}

describe('backtest', () => {
  it('expanding folds never train on a row at or after their test window (nor in the gap)', async () => {
    const folds: number[] = [];
    const result = await backtest(
      options,
      frame(1000),
      { trainSize: 400, testSize: 100, gap: 10 },
      { onFold: (d) => folds.push(d) },
    );
    // Folds start at 400, 500, ... while a whole test window (410+100k .. 509+100k) fits in 1000 rows.
    expect(result.folds).toHaveLength(5);
    expect(folds).toEqual([1, 2, 3, 4, 5]);
    for (const [k, fold] of result.folds.entries()) {
      expect(fold.train.start).toBe(T0);
      expect(fold.train.end).toBe(T0 + (399 + 100 * k) * HOUR_MS);
      expect(fold.test.start).toBe(T0 + (410 + 100 * k) * HOUR_MS);
      expect(fold.test.end).toBe(T0 + (509 + 100 * k) * HOUR_MS);
      // No training row, and no training window's target, reaches into the gap or the test window.
      expect(fold.train.end).toBeLessThan(fold.test.start - 10 * HOUR_MS);
      // Every test window forecasts 6 steps inside [test.start, test.end]: 100 − 6 + 1 windows.
      expect(fold.test.windows).toBe(95);
      // Expanding: each fold has 100 more training windows than the last.
      expect(fold.train.windows).toBe(400 - 24 - 6 + 1 + 100 * k);
    }
    expect(result.summary['seasonal-naive']!.mase.mean).toBeCloseTo(1, 5);
    expect(result.summary.linear!.mae.mean).toBeLessThan(result.summary['seasonal-naive']!.mae.mean);
    expect(result.summary.linear!.mae.std).toBeGreaterThanOrEqual(0);
  });

  it('rolling folds slide a fixed training window; stride and maxFolds are honoured', async () => {
    const result = await backtest(options, frame(1000), {
      mode: 'rolling',
      trainSize: 300,
      testSize: 50,
      stride: 120,
      maxFolds: 3,
    });
    expect(result.folds.map((f) => (f.train.start - T0) / HOUR_MS)).toEqual([0, 120, 240]);
    expect(result.folds.map((f) => (f.train.end - f.train.start) / HOUR_MS)).toEqual([299, 299, 299]);
    expect(result.folds.map((f) => (f.test.start - T0) / HOUR_MS)).toEqual([300, 420, 540]);
  });

  it('with validationSize, folds are calibrated and report interval coverage', async () => {
    const result = await backtest(
      options,
      frame(1000),
      { trainSize: 500, testSize: 200, validationSize: 100, maxFolds: 1 },
      { alpha: 0.1 },
    );
    const fold = result.folds[0]!;
    expect(fold.train.end).toBe(T0 + 399 * HOUR_MS);
    expect(fold.report.intervals!.models.linear!.coverage).toBeGreaterThan(0.75);
  });

  it('data too short for one fold, or bad folds, is CONFIG_INVALID', async () => {
    expect(await rejected(backtest(options, frame(200), { trainSize: 150, testSize: 100 }))).toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(await rejected(backtest(options, frame(200), { trainSize: 0, testSize: 10 }))).toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
