import { describe, expect, it } from 'vitest';
import { computeDataDrift } from './drift.js';
import { MonitorColumnEmptyError, MonitorColumnUnknownError, MonitorMethodInvalidError } from './errors.js';
import { ForecastMonitor } from './monitor.js';
import { buildReferenceProfile, decodeProfile } from './profile.js';

const reference = decodeProfile(
  buildReferenceProfile({
    length: 4,
    numeric: { x: Float64Array.from([1, 2, 3, 4]) },
    categorical: { c: ['a', 'b', 'a', 'b'] },
  }),
);
const current = {
  length: 3,
  numeric: { x: Float64Array.from([Number.NaN, Number.NaN, Number.NaN]) },
  categorical: { c: ['a', 'a', 'b'] },
};

describe('computeDataDrift input errors name the column', () => {
  it.each([
    [{ columns: ['nope'] }, MonitorColumnUnknownError, 'nope'],
    [{ columns: ['x'] }, MonitorColumnEmptyError, 'x'],
    [{ columns: ['c'], method: 'ks' as const }, MonitorMethodInvalidError, 'c'],
  ])('%o', (options, error, column) => {
    try {
      computeDataDrift(reference, current, options);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(error);
      expect((err as { column: string }).column).toBe(column);
    }
  });

  it('a column missing from the current data is unknown there', () => {
    expect(() =>
      computeDataDrift(reference, { length: 0, numeric: {}, categorical: {} }, { columns: ['x'] }),
    ).toThrow(MonitorColumnUnknownError);
  });
});

describe('ForecastMonitor.runPredictionDrift', () => {
  it('compares each target over every window and step', async () => {
    const mk = (shift: number) => {
      const loc = new Float64Array(300 * 4 * 2);
      for (let i = 0; i < loc.length; i++) loc[i] = i % 2 === 0 ? Math.sin(i) : Math.cos(i) + (i % 2) * shift;
      return { shape: [300, 4, 2] as const, loc, targets: ['load', 'price'] };
    };
    const summary = await new ForecastMonitor().runPredictionDrift(mk(1), mk(0));
    expect(summary.columns.map((c) => [c.column, c.method, c.n_current])).toEqual([
      ['load', 'wasserstein', 1200],
      ['price', 'wasserstein', 1200],
    ]);
    expect(summary.feature_drift.load).toBe(0);
    expect(summary.columns[1]!.drift_detected).toBe(true);
    expect(summary.report_path).toBeNull();
  });
});
