import { describe, expect, it } from 'vitest';
import type { DataPipelineConfigInput } from '../config.js';
import { DataInvalidError } from '../errors.js';
import { frameFor, HOUR_MS, iso, pipelineConfig, seriesFor, T0, thrown } from '../test-utils.js';
import { toSeries } from './series.js';

const BASE: DataPipelineConfigInput = {
  dateColumn: 'ts',
  targets: ['y'],
  period: '1h',
  lookbackWindowSize: 2,
  forecastHorizon: 1,
  scaling: 'none',
  historicalFeatures: ['x'],
};

const cfgWith = (extra: Partial<DataPipelineConfigInput> = {}) => pipelineConfig({ ...BASE, ...extra });

/** Records at the given hours after T0 with target `y` and covariate `x` (x defaults to 10·hour). */
function records(
  hours: readonly number[],
  ys: readonly unknown[],
  xs?: readonly unknown[],
): Record<string, unknown>[] {
  return hours.map((h, i) => ({ ts: iso(T0 + h * HOUR_MS), y: ys[i], x: xs ? xs[i] : 10 * h }));
}

/** Asserts `fn` throws DATA_INVALID with exactly these details (1-based data row, column, series). */
function expectDataInvalid(
  fn: () => unknown,
  details: { row?: number; column?: string; series?: string },
): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(DataInvalidError);
  expect((err as DataInvalidError).code).toBe('DATA_INVALID');
  expect((err as DataInvalidError).details).toEqual(details);
}

/** Asserts `actual` equals `expected` element-wise within 1e-12. */
function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `index ${i}`).toBeLessThanOrEqual(1e-12);
  }
}

describe('toSeries: validation errors name the 1-based row and the column', () => {
  const cfg = cfgWith();

  it('accepts a regular series and keeps the source rows', () => {
    const [s] = seriesFor(cfg, records([0, 1, 2, 3], [1, 2, 3, 4]));
    expect(s!.id).toBe('');
    expect(s!.length).toBe(4);
    expect(Array.from(s!.timestamps)).toEqual([0, 1, 2, 3].map((h) => T0 + h * HOUR_MS));
    expect(Array.from(s!.columns.y!)).toEqual([1, 2, 3, 4]);
    expect(Array.from(s!.columns.x!)).toEqual([0, 10, 20, 30]);
    expect(Array.from(s!.sourceRows)).toEqual([1, 2, 3, 4]);
  });

  it('duplicate timestamp: the second of the pair', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 1, 2], [1, 2, 3, 4])), { row: 3, column: 'ts' });
  });

  it('out-of-order timestamp: the row earlier than the one before it', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 1, 3], [1, 2, 3, 4, 5])), {
      row: 4,
      column: 'ts',
    });
  });

  it('gap: the row after the missing steps', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 5, 6], [1, 2, 3, 4, 5])), {
      row: 4,
      column: 'ts',
    });
  });

  it('off-grid timestamp: shorter than a period and longer than a period', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 1.5, 2.5], [1, 2, 3, 4])), {
      row: 3,
      column: 'ts',
    });
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 3.25], [1, 2, 3, 4])), { row: 4, column: 'ts' });
  });

  it('off-grid stays an error when gaps are interpolated', () => {
    const interp = cfgWith({ fill: { gaps: 'interpolate' } });
    expectDataInvalid(() => seriesFor(interp, records([0, 1, 3.5], [1, 2, 3])), { row: 3, column: 'ts' });
  });

  it('unparsable and missing timestamps', () => {
    const recs = records([0, 1, 2], [1, 2, 3]);
    recs[1]!.ts = '2024-01-01 01:00 tomorrow';
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 2, column: 'ts' });
    recs[1]!.ts = '';
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 2, column: 'ts' });
  });

  it('non-numeric value: the first offending row of the column', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 3], [1, 2, 'abc', 'def'])), {
      row: 3,
      column: 'y',
    });
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 3], [1, 2, 3, 4], [0, '1,5', 2, 3])), {
      row: 2,
      column: 'x',
    });
  });

  it('missing target (empty, null or absent) in train mode', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 3], [1, 2, '', 4])), { row: 3, column: 'y' });
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 3], [1, null, 3, 4])), { row: 2, column: 'y' });
    // Targets are optional fields of a record (the horizon rows of a request), so an absent one is missing.
    const recs = records([0, 1, 2, 3], [1, 2, 3, 4]);
    delete recs[3]!.y;
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 4, column: 'y' });
  });

  it('missing covariate value', () => {
    expectDataInvalid(() => seriesFor(cfg, records([0, 1, 2, 3], [1, 2, 3, 4], [0, 1, 'NA', 3])), {
      row: 3,
      column: 'x',
    });
  });

  it('a record without a required covariate field', () => {
    const recs = records([0, 1, 2], [1, 2, 3]);
    delete recs[2]!.x;
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 3, column: 'x' });
  });

  it('a column the frame does not have', () => {
    const frame = frameFor(cfg, records([0, 1, 2], [1, 2, 3]));
    const withZ = cfgWith({ historicalFeatures: ['x', 'z'] });
    expectDataInvalid(() => toSeries(frame, withZ, 'train'), { column: 'z' });
  });
});

describe('toSeries: filling', () => {
  it("fill.gaps 'interpolate' inserts linearly interpolated rows for every column", () => {
    const cfg = cfgWith({ fill: { gaps: 'interpolate' } });
    // Hours 2 and 3 are missing. Between hour 1 (y=20, x=3) and hour 4 (y=50, x=9), with weights 1/3 and 2/3:
    //   hour 2: y = 20·(2/3) + 50·(1/3) = 30, x = 3·(2/3) + 9·(1/3) = 5
    //   hour 3: y = 20·(1/3) + 50·(2/3) = 40, x = 3·(1/3) + 9·(2/3) = 7
    const [s] = seriesFor(cfg, records([0, 1, 4, 5], [10, 20, 50, 60], [0, 3, 9, 12]));
    expect(s!.length).toBe(6);
    expect(Array.from(s!.timestamps)).toEqual([0, 1, 2, 3, 4, 5].map((h) => T0 + h * HOUR_MS));
    const y = [10, 20, 30, 40, 50, 60];
    const x = [0, 3, 5, 7, 9, 12];
    expectClose(s!.columns.y!, y);
    expectClose(s!.columns.x!, x);
    // Inserted rows carry source row 0; real rows keep their own.
    expect(Array.from(s!.sourceRows)).toEqual([1, 2, 0, 0, 3, 4]);
  });

  it("fill.gaps 'interpolate' with a one-step gap inserts the midpoint", () => {
    const cfg = cfgWith({ fill: { gaps: 'interpolate' } });
    const [s] = seriesFor(cfg, records([0, 2, 3], [1, 4, 5], [2, 6, 7]));
    expect(Array.from(s!.columns.y!)).toEqual([1, 2.5, 4, 5]);
    expect(Array.from(s!.columns.x!)).toEqual([2, 4, 6, 7]);
  });

  it("fill.missing 'ffill' carries the last value forward (empty and non-numeric cells)", () => {
    const cfg = cfgWith({ fill: { missing: 'ffill' } });
    const [s] = seriesFor(
      cfg,
      records([0, 1, 2, 3, 4, 5], [1, '', 'abc', 4, '', 6], [5, 6, null, null, 9, '']),
    );
    expect(Array.from(s!.columns.y!)).toEqual([1, 1, 1, 4, 4, 6]);
    expect(Array.from(s!.columns.x!)).toEqual([5, 6, 6, 6, 9, 9]);
  });

  it("fill.missing 'interpolate' fills interior runs linearly and trailing runs flat", () => {
    const cfg = cfgWith({ fill: { missing: 'interpolate' } });
    // y: run of 2 between 1 and 4 → 1 + 3·1/3 = 2, 1 + 3·2/3 = 3; trailing run → last value 4.
    // x: run of 1 between 10 and 30 → 20.
    const [s] = seriesFor(cfg, records([0, 1, 2, 3, 4, 5], [1, '', '', 4, '', ''], [10, '', 30, 40, 50, 60]));
    expectClose(s!.columns.y!, [1, 2, 3, 4, 4, 4]);
    expect(Array.from(s!.columns.x!)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('gap interpolation and missing-value filling combine', () => {
    const cfg = cfgWith({ fill: { gaps: 'interpolate', missing: 'interpolate' } });
    // Hour 2 is missing and y at hour 3 is empty: the inserted row interpolates towards NaN, so both
    // hours 2 and 3 are filled from y(1) = 2 towards y(4) = 8: 4 and 6.
    const [s] = seriesFor(cfg, records([0, 1, 3, 4], [0, 2, '', 8]));
    expectClose(s!.columns.y!, [0, 2, 4, 6, 8]);
  });

  it('a missing first value cannot be filled', () => {
    for (const missing of ['ffill', 'interpolate'] as const) {
      expectDataInvalid(() => seriesFor(cfgWith({ fill: { missing } }), records([0, 1, 2], ['', 2, 3])), {
        row: 1,
        column: 'y',
      });
    }
  });
});

describe("toSeries: 'predict' mode", () => {
  // H = 2 and a future covariate f: f must be present up to 2 rows after the last observed target.
  const cfg = cfgWith({ forecastHorizon: 2, historicalFeatures: [], futureCovariates: ['f'] });
  const recs = (ys: unknown[], fs: unknown[]) =>
    ys.map((y, i) => ({ ts: iso(T0 + i * HOUR_MS), y, f: fs[i] }));

  it('allows trailing rows with empty targets (the forecast horizon) and keeps them NaN', () => {
    const [s] = seriesFor(cfg, recs([1, 2, 3, '', null], [0, 1, 2, 3, 4]), 'predict');
    expect(s!.length).toBe(5);
    expect(Array.from(s!.columns.y!.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(s!.columns.y![3]).toBeNaN();
    expect(s!.columns.y![4]).toBeNaN();
    expect(Array.from(s!.columns.f!)).toEqual([0, 1, 2, 3, 4]);
  });

  it('accepts horizon rows whose target field is absent altogether', () => {
    const rs: Record<string, unknown>[] = recs([1, 2, 3, 0, 0], [0, 1, 2, 3, 4]);
    delete rs[3]!.y;
    delete rs[4]!.y;
    const [s] = seriesFor(cfg, rs, 'predict');
    expect(s!.columns.y![3]).toBeNaN();
  });

  it('the same trailing empty targets are an error in train mode', () => {
    expectDataInvalid(() => seriesFor(cfg, recs([1, 2, 3, '', ''], [0, 1, 2, 3, 4]), 'train'), {
      row: 4,
      column: 'y',
    });
  });

  it('an interior empty target is still an error', () => {
    expectDataInvalid(() => seriesFor(cfg, recs([1, '', 3, '', ''], [0, 1, 2, 3, 4]), 'predict'), {
      row: 2,
      column: 'y',
    });
  });

  it('future covariates must be present in the H rows after the last target, not beyond', () => {
    expectDataInvalid(() => seriesFor(cfg, recs([1, 2, 3, '', ''], [0, 1, 2, 3, '']), 'predict'), {
      row: 5,
      column: 'f',
    });
    // A sixth row beyond anchor + H may leave the covariate empty.
    const [s] = seriesFor(cfg, recs([1, 2, 3, '', '', ''], [0, 1, 2, 3, 4, '']), 'predict');
    expect(s!.length).toBe(6);
  });

  it('accepts a request of horizon rows only (the history then comes from the stored training tail)', () => {
    const [s] = seriesFor(cfg, recs(['', ''], [0, 1]), 'predict');
    expect(s!.length).toBe(2);
    expect(Number.isNaN(s!.columns.y![0]!) && Number.isNaN(s!.columns.y![1]!)).toBe(true);
    expect(Array.from(s!.columns.f!)).toEqual([0, 1]);
    expectDataInvalid(() => seriesFor(cfg, recs(['', ''], [0, '']), 'predict'), { row: 2, column: 'f' });
  });
});

describe('toSeries: several series (seriesId)', () => {
  const cfg = cfgWith({ seriesId: 'site', historicalFeatures: [] });

  it('splits interleaved rows by series, in order of first appearance, keeping source rows', () => {
    const recs = [
      { ts: iso(T0), site: 'b', y: 100 },
      { ts: iso(T0), site: 'a', y: 1 },
      { ts: iso(T0 + HOUR_MS), site: 'a', y: 2 },
      { ts: iso(T0 + HOUR_MS), site: 'b', y: 200 },
      { ts: iso(T0 + 2 * HOUR_MS), site: 'b', y: 300 },
      { ts: iso(T0 + 2 * HOUR_MS), site: 'a', y: 3 },
    ];
    const series = seriesFor(cfg, recs);
    expect(series.map((s) => s.id)).toEqual(['b', 'a']);
    const [b, a] = series;
    expect(Array.from(b!.columns.y!)).toEqual([100, 200, 300]);
    expect(Array.from(b!.sourceRows)).toEqual([1, 4, 5]);
    expect(Array.from(a!.columns.y!)).toEqual([1, 2, 3]);
    expect(Array.from(a!.sourceRows)).toEqual([2, 3, 6]);
    expect(Array.from(a!.timestamps)).toEqual(Array.from(b!.timestamps));
  });

  it('numeric series ids become their text', () => {
    const recs = [
      { ts: iso(T0), site: 7, y: 1 },
      { ts: iso(T0 + HOUR_MS), site: 7, y: 2 },
    ];
    expect(seriesFor(cfg, recs).map((s) => s.id)).toEqual(['7']);
  });

  it('an error inside one series names its source row, column and series', () => {
    const recs = [
      { ts: iso(T0), site: 'a', y: 1 },
      { ts: iso(T0), site: 'b', y: 1 },
      { ts: iso(T0 + HOUR_MS), site: 'a', y: 2 },
      { ts: iso(T0 + HOUR_MS), site: 'b', y: 2 },
      { ts: iso(T0 + HOUR_MS), site: 'b', y: 3 },
    ];
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 5, column: 'ts', series: 'b' });
    recs[4] = { ts: iso(T0 + 2 * HOUR_MS), site: 'b', y: Number.NaN };
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 5, column: 'y', series: 'b' });
  });

  it('a row without a series id is DATA_INVALID', () => {
    const recs = [
      { ts: iso(T0), site: 'a', y: 1 },
      { ts: iso(T0 + HOUR_MS), site: '', y: 2 },
    ];
    expectDataInvalid(() => seriesFor(cfg, recs), { row: 2, column: 'site' });
  });
});
