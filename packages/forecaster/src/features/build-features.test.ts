import { describe, expect, it } from 'vitest';
import {
  type DataPipelineConfig,
  type DataPipelineConfigInput,
  futureRowsNeeded,
  historyRowsNeeded,
} from '../config.js';
import type { SeriesData } from '../data/frame.js';
import { HOUR_MS, iso, pipelineConfig, seriesFor, T0 } from '../test-utils.js';
import { latestAnchor, trainingAnchors } from './anchors.js';
import { buildFeatures, buildTargets, type FeatureContext } from './build-features.js';
import { calendarPhase, writeCalendarPair } from './calendar.js';
import { featureLayout } from './layout.js';
import { fitScaler } from './scaler.js';

const TOL = 1e-12;

// lookback 3, horizon 2, lags [2, 4], rolling window 2, hour + dayofweek, one covariate of each kind.
const INPUT: DataPipelineConfigInput = {
  dateColumn: 'ts',
  targets: ['y'],
  period: '1h',
  lookbackWindowSize: 3,
  forecastHorizon: 2,
  lags: [2, 4],
  rollingWindows: [2],
  calendarFeatures: ['hour', 'dayofweek'],
  historicalFeatures: ['hist'],
  exogenousFeatures: ['exo'],
  futureCovariates: ['fut'],
};

// 8 hourly rows from 2024-01-01T00:00Z (a Monday), i = 0..7:
//   y    = (i+1)²  = 1, 4, 9, 16, 25, 36, 49, 64
//   hist = 100 + i = 100 … 107
//   exo  = i / 2   = 0, 0.5, … 3.5
//   fut  = i mod 2 = 0, 1, 0, 1, …
const RECORDS = Array.from({ length: 8 }, (_, i) => ({
  ts: iso(T0 + i * HOUR_MS),
  y: (i + 1) ** 2,
  hist: 100 + i,
  exo: i / 2,
  fut: i % 2,
}));

const NAMES = [
  'y[t-0]',
  'y[t-1]',
  'y[t-2]',
  'y_lag2[t+1]',
  'y_lag2[t+2]',
  'y_lag4[t+1]',
  'y_lag4[t+2]',
  'y_roll2_mean',
  'y_roll2_std',
  'hour_sin',
  'hour_cos',
  'dayofweek_sin',
  'dayofweek_cos',
  'hist[t-0]',
  'hist[t-1]',
  'hist[t-2]',
  'exo[t+0]',
  'exo[t+1]',
  'exo[t+2]',
  'fut[t+1]',
  'fut[t+2]',
];

function context(cfg: DataPipelineConfig, series: readonly SeriesData[]): FeatureContext {
  const scaler = fitScaler(series, ['y', 'hist', 'exo', 'fut'], cfg.scaling);
  return { config: cfg, layout: featureLayout(cfg), scalers: { '': scaler }, periodMs: HOUR_MS };
}

function expectRow(actual: ArrayLike<number>, expected: readonly number[], tol = TOL): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => {
    expect(
      Math.abs(actual[i]! - v),
      `feature ${i} (${NAMES[i]}): got ${actual[i]}, want ${v}`,
    ).toBeLessThanOrEqual(tol);
  });
}

describe('featureLayout', () => {
  it('names every feature in row order and records block offsets', () => {
    const layout = featureLayout(pipelineConfig(INPUT));
    expect(layout.width).toBe(21);
    expect(layout.names).toEqual(NAMES);
    expect(layout.lookback).toEqual([0]);
    // lag 2 block starts after the 3 lookback features, lag 4 after lag 2's min(H, 2) = 2 features.
    expect(layout.lags).toEqual([[3, 5]]);
  });

  it('repeats the per-target blocks for each target, a lag longer than H contributing H features', () => {
    const layout = featureLayout(
      pipelineConfig({
        dateColumn: 'ts',
        targets: ['a', 'b'],
        period: '1h',
        lookbackWindowSize: 2,
        forecastHorizon: 3,
        lags: [1, 5],
      }),
    );
    expect(layout.names).toEqual([
      'a[t-0]',
      'a[t-1]',
      'a_lag1[t+1]',
      'a_lag5[t+1]',
      'a_lag5[t+2]',
      'a_lag5[t+3]',
      'b[t-0]',
      'b[t-1]',
      'b_lag1[t+1]',
      'b_lag5[t+1]',
      'b_lag5[t+2]',
      'b_lag5[t+3]',
    ]);
    expect(layout.lookback).toEqual([0, 6]);
    expect(layout.lags).toEqual([
      [2, 3],
      [8, 9],
    ]);
  });
});

describe('anchors', () => {
  const cfg = pipelineConfig(INPUT);
  const series = seriesFor(cfg, RECORDS);

  it('history = max(lookback, lags, windows) = 4 rows; future covariates need H = 2 rows', () => {
    expect(historyRowsNeeded(cfg)).toBe(4);
    expect(futureRowsNeeded(cfg)).toBe(2);
  });

  it('training anchors run from history − 1 to length − 1 − H', () => {
    expect(Array.from(trainingAnchors(cfg, series[0]!))).toEqual([3, 4, 5]);
    expect(Array.from(trainingAnchors(cfg, series[0]!, 2))).toEqual([3, 5]);
  });

  it('the latest anchor is the last row with a target', () => {
    const req = RECORDS.map((r, i) => (i >= 6 ? { ...r, y: '' } : r));
    expect(latestAnchor(cfg, seriesFor(cfg, req, 'predict')[0]!)).toBe(5);
  });
});

describe("buildFeatures with scaling 'none'", () => {
  const cfg = pipelineConfig({ ...INPUT, scaling: 'none' });
  const series = seriesFor(cfg, RECORDS);
  const ctx = context(cfg, series);

  // Anchor t = 5 (05:00); the first forecast time is 06:00 Monday.
  const ROW_T5 = [
    36, // y[t-0] = y[5] = 6²
    25, // y[t-1] = y[4]
    16, // y[t-2] = y[3]
    25, // lag 2, h=1: y[t+1-2] = y[4]
    36, // lag 2, h=2: y[t+2-2] = y[5]
    9, // lag 4, h=1: y[t+1-4] = y[2]
    16, // lag 4, h=2: y[t+2-4] = y[3]
    30.5, // roll 2 mean: (36 + 25) / 2
    5.5, // roll 2 std (population): sqrt(((36−30.5)² + (25−30.5)²) / 2) = 5.5
    1, // hour sin: phase 6/24 = 0.25 → sin(π/2)
    0, // hour cos: cos(π/2)
    Math.sin((2 * Math.PI * 5) / 28), // dayofweek sin: Monday (1) + 6/24 → phase 1.25/7 = 5/28
    Math.cos((2 * Math.PI * 5) / 28), // dayofweek cos
    105, // hist[t-0] = 100 + 5
    104, // hist[t-1]
    103, // hist[t-2]
    2.5, // exo[t+0] = 5/2
    3, // exo[t+1] = 6/2
    3.5, // exo[t+2] = 7/2
    0, // fut[t+1] = 6 mod 2
    1, // fut[t+2] = 7 mod 2
  ];

  // Anchor t = 3 (03:00); the first forecast time is 04:00 Monday.
  const ROW_T3 = [
    16, // y[3]
    9, // y[2]
    4, // y[1]
    9, // lag 2, h=1: y[2]
    16, // lag 2, h=2: y[3]
    1, // lag 4, h=1: y[0]
    4, // lag 4, h=2: y[1]
    12.5, // roll 2 mean: (16 + 9) / 2
    3.5, // roll 2 std: |16 − 9| / 2
    Math.sqrt(3) / 2, // hour sin: phase 4/24 = 1/6 → sin(π/3)
    0.5, // hour cos: cos(π/3)
    Math.sqrt(3) / 2, // dayofweek sin: (1 + 4/24) / 7 = 1/6 → sin(π/3)
    0.5, // dayofweek cos
    103, // hist[3]
    102, // hist[2]
    101, // hist[1]
    1.5, // exo[3]
    2, // exo[4]
    2.5, // exo[5]
    0, // fut[4]
    1, // fut[5]
  ];

  it('writes the exact feature row of an anchor', () => {
    const out = new Float64Array(21);
    buildFeatures(ctx, series[0]!, [5], out);
    expectRow(out, ROW_T5);
  });

  it('writes several anchors row-major from rowOffset, leaving other rows alone', () => {
    const out = new Float64Array(3 * 21).fill(-7);
    buildFeatures(ctx, series[0]!, Int32Array.of(3, 5), out, 1);
    expectRow(out.subarray(0, 21), new Array(21).fill(-7));
    expectRow(out.subarray(21, 42), ROW_T3);
    expectRow(out.subarray(42, 63), ROW_T5);
  });

  it('a float32 output holds exactly the float32 rounding of the float64 row', () => {
    const out32 = new Float32Array(21);
    const out64 = new Float64Array(21);
    buildFeatures(ctx, series[0]!, [5], out32);
    buildFeatures(ctx, series[0]!, [5], out64);
    expect(Array.from(out32)).toEqual(Array.from(out64, Math.fround));
  });

  it('builds features identically from a predict request whose horizon rows have no target', () => {
    const req = RECORDS.map((r, i) => (i >= 6 ? { ...r, y: '' } : r));
    const s = seriesFor(cfg, req, 'predict')[0]!;
    const out = new Float64Array(21);
    buildFeatures(ctx, s, [latestAnchor(cfg, s)], out);
    expectRow(out, ROW_T5);
  });

  it('buildTargets writes y[t+1..t+H]', () => {
    const out = new Float64Array(4);
    buildTargets(ctx, series[0]!, [3, 5], out);
    expect(Array.from(out)).toEqual([25, 36, 49, 64]);
  });
});

describe("buildFeatures with scaling 'standard'", () => {
  const cfg = pipelineConfig({ ...INPUT, scaling: 'standard' });
  const series = seriesFor(cfg, RECORDS);
  const ctx = context(cfg, series);

  // Population mean and std over all 8 rows:
  //   y:    mean = 204/8 = 25.5;   E[y²] = 8772/8 = 1096.5 → var = 1096.5 − 25.5² = 446.25
  //   hist: mean = 103.5;           var of 0..7 = (8² − 1)/12 = 5.25
  //   exo:  mean = 1.75;            var = 5.25 / 4
  //   fut:  mean = 0.5;             std = 0.5
  const SY = Math.sqrt(446.25);
  const SH = Math.sqrt(5.25);
  const SE = Math.sqrt(5.25) / 2;

  it('fits centre and scale per column', () => {
    expect(ctx.scalers['']!.y!.center).toBeCloseTo(25.5, 12);
    expect(ctx.scalers['']!.y!.scale).toBeCloseTo(SY, 12);
    expect(ctx.scalers['']!.hist!.center).toBeCloseTo(103.5, 12);
    expect(ctx.scalers['']!.hist!.scale).toBeCloseTo(SH, 12);
    expect(ctx.scalers['']!.exo!.center).toBeCloseTo(1.75, 12);
    expect(ctx.scalers['']!.exo!.scale).toBeCloseTo(SE, 12);
    expect(ctx.scalers['']!.fut!.center).toBeCloseTo(0.5, 12);
    expect(ctx.scalers['']!.fut!.scale).toBeCloseTo(0.5, 12);
  });

  it('scales every block except the calendar pairs; rolling stats are of scaled values', () => {
    const out = new Float64Array(21);
    buildFeatures(ctx, series[0]!, [5], out);
    expectRow(out, [
      (36 - 25.5) / SY, // y[5]
      (25 - 25.5) / SY, // y[4]
      (16 - 25.5) / SY, // y[3]
      (25 - 25.5) / SY, // lag 2: y[4]
      (36 - 25.5) / SY, // lag 2: y[5]
      (9 - 25.5) / SY, // lag 4: y[2]
      (16 - 25.5) / SY, // lag 4: y[3]
      (30.5 - 25.5) / SY, // mean of scaled = (raw mean − centre) / scale
      5.5 / SY, // std of scaled = raw std / scale
      1, // calendar features are not scaled
      0,
      Math.sin((2 * Math.PI * 5) / 28),
      Math.cos((2 * Math.PI * 5) / 28),
      (105 - 103.5) / SH, // hist[5]
      (104 - 103.5) / SH, // hist[4]
      (103 - 103.5) / SH, // hist[3]
      (2.5 - 1.75) / SE, // exo[5]
      (3 - 1.75) / SE, // exo[6]
      (3.5 - 1.75) / SE, // exo[7]
      (0 - 0.5) / 0.5, // fut[6]
      (1 - 0.5) / 0.5, // fut[7]
    ]);
  });

  it('buildTargets writes scaled targets', () => {
    const out = new Float64Array(2);
    buildTargets(ctx, series[0]!, [5], out);
    expectRow(out, [(49 - 25.5) / SY, (64 - 25.5) / SY]);
  });
});

describe('fitScaler', () => {
  it("'robust' uses median and inter-quartile range; a constant column gets scale 1", () => {
    const cfg = pipelineConfig({
      dateColumn: 'ts',
      targets: ['y'],
      period: '1h',
      lookbackWindowSize: 1,
      forecastHorizon: 1,
      historicalFeatures: ['c'],
    });
    // y = 1..9 → median 5, Q1 = 3, Q3 = 7 → IQR 4 (linear interpolation at (n−1)p).
    const recs = Array.from({ length: 9 }, (_, i) => ({ ts: iso(T0 + i * HOUR_MS), y: i + 1, c: 3 }));
    const scaler = fitScaler(seriesFor(cfg, recs), ['y', 'c'], 'robust');
    expect(scaler.y).toEqual({ center: 5, scale: 4 });
    expect(scaler.c).toEqual({ center: 3, scale: 1 });
    expect(fitScaler(seriesFor(cfg, recs), ['c'], 'standard').c).toEqual({ center: 3, scale: 1 });
  });

  // Typed-array sort is numeric (a plain Array sort would put 100 before 2); pin that.
  it("'robust' orders values numerically (negative and multi-digit values)", () => {
    const cfg = pipelineConfig({
      dateColumn: 'ts',
      targets: ['y'],
      period: '1h',
      lookbackWindowSize: 1,
      forecastHorizon: 1,
    });
    const ys = [10, -2, 9, 100, 3];
    const recs = ys.map((y, i) => ({ ts: iso(T0 + i * HOUR_MS), y }));
    // sorted: −2, 3, 9, 10, 100 → median 9, Q1 = 3, Q3 = 10 → IQR 7
    expect(fitScaler(seriesFor(cfg, recs), ['y'], 'robust').y).toEqual({ center: 9, scale: 7 });
  });
});

describe('calendar features (UTC)', () => {
  const at = (s: string) => Date.parse(s);

  it('hour at 06:00Z: phase 0.25 → sin 1, cos 0', () => {
    const ms = at('2024-01-01T06:00:00Z');
    expect(calendarPhase('hour', ms)).toBe(0.25);
    const out = new Float64Array(3).fill(9);
    writeCalendarPair('hour', ms, out, 1);
    expect(out[0]).toBe(9);
    expect(Math.abs(out[1]! - 1)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(out[2]!)).toBeLessThanOrEqual(TOL);
  });

  it('hour includes minutes; 18:00 is phase 0.75 → sin −1', () => {
    expect(calendarPhase('hour', at('2024-01-01T06:30:00Z'))).toBeCloseTo(6.5 / 24, 15);
    const out = new Float64Array(2);
    writeCalendarPair('hour', at('2024-01-01T18:00:00Z'), out, 0);
    expect(Math.abs(out[0]! + 1)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(out[1]!)).toBeLessThanOrEqual(TOL);
  });

  it('dayofweek counts from Sunday 00:00 and includes the time of day', () => {
    expect(calendarPhase('dayofweek', at('2024-01-07T00:00:00Z'))).toBe(0); // a Sunday
    expect(calendarPhase('dayofweek', at('2024-01-01T12:00:00Z'))).toBeCloseTo(1.5 / 7, 15); // Monday noon
  });

  it('month, dayofyear and minute phases', () => {
    expect(calendarPhase('month', at('2024-04-15T10:00:00Z'))).toBe(0.25);
    expect(calendarPhase('dayofyear', at('2024-01-01T00:00:00Z'))).toBe(0);
    // 2024-07-01 is day 183 of the leap year: 182 days after 1 January.
    expect(calendarPhase('dayofyear', at('2024-07-01T00:00:00Z'))).toBeCloseTo(182 / 365.25, 15);
    expect(calendarPhase('minute', at('2024-01-01T06:15:30Z'))).toBeCloseTo(15.5 / 60, 15);
  });

  it('does not depend on an offset in the input: 17:00+11:00 is 06:00Z', () => {
    expect(calendarPhase('hour', at('2024-01-01T17:00:00+11:00'))).toBe(0.25);
  });
});
