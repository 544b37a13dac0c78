import { describe, expect, it } from 'vitest';
import {
  buildReferenceProfile,
  computeDataDrift,
  computePerformance,
  DRIFT_METHODS,
  type DriftMethod,
  type DriftOptions,
  decodeProfile,
  kolmogorovN,
  ksPValue,
  METHOD_SPECS,
  parseReferenceProfile,
  serializeReferenceProfile,
  smirnovSf,
} from '../src/index.js';
import { close, type FixtureColumn, f64, fixtureTable, readFixture } from './fixtures.js';

interface DriftFixture {
  meta: Record<string, string>;
  datasets: Record<
    string,
    { reference: Record<string, FixtureColumn>; current: Record<string, FixtureColumn> }
  >;
  cases: {
    name: string;
    dataset: string;
    options: {
      method?: DriftMethod;
      threshold?: number;
      drift_share?: number;
      per_column_method?: Record<string, DriftMethod>;
      per_column_threshold?: Record<string, number>;
    };
    numeric: string[];
    categorical: string[];
    columns: {
      column: string;
      method_label: string;
      threshold: number;
      score: number;
      drift_detected: boolean;
    }[];
    n_drifted: number;
    share: number;
    dataset_drift: boolean;
  }[];
}

/** Evidently reports a default test by its display name and a named one by its name. */
function methodOf(label: string): DriftMethod {
  const byName = DRIFT_METHODS.find((m) => m === label);
  const byLabel = DRIFT_METHODS.find((m) => METHOD_SPECS[m].label === label);
  const method = byName ?? byLabel;
  if (method === undefined) throw new Error(`unknown Evidently method label ${label}`);
  return method;
}

function driftOptions(c: DriftFixture['cases'][number]): DriftOptions {
  const perColumn: Record<string, { method?: DriftMethod; threshold?: number }> = {};
  for (const [col, method] of Object.entries(c.options.per_column_method ?? {})) perColumn[col] = { method };
  for (const [col, threshold] of Object.entries(c.options.per_column_threshold ?? {}))
    perColumn[col] = { ...perColumn[col], threshold };
  return {
    columns: c.columns.map((col) => col.column),
    ...(c.options.method === undefined ? {} : { method: c.options.method }),
    ...(c.options.threshold === undefined ? {} : { threshold: c.options.threshold }),
    ...(c.options.drift_share === undefined ? {} : { driftShare: c.options.drift_share }),
    perColumn,
  };
}

const drift = readFixture<DriftFixture>('evidently-drift.json');

describe(`data drift agrees with Evidently ${drift.meta.evidently} (scipy ${drift.meta.scipy})`, () => {
  it.each(drift.cases.map((c) => [c.name, c] as const))(
    '%s: every score within 1e-6, every verdict exact',
    (_, c) => {
      const data = drift.datasets[c.dataset]!;
      // Through the JSON profile, as the server reads it from a checkpoint.
      const profile = parseReferenceProfile(
        serializeReferenceProfile(buildReferenceProfile(fixtureTable(data.reference))),
      );
      const { result } = computeDataDrift(
        decodeProfile(profile),
        fixtureTable(data.current),
        driftOptions(c),
      );
      expect(result.columns.map((r) => r.column)).toEqual(c.columns.map((e) => e.column));
      for (const [i, expected] of c.columns.entries()) {
        const got = result.columns[i]!;
        const where = `${c.name}/${expected.column}`;
        expect(got.method, where).toBe(methodOf(expected.method_label));
        expect(got.threshold, where).toBe(expected.threshold);
        expect(
          close(got.score, expected.score),
          `${where}: ${got.score} vs Evidently ${expected.score}`,
        ).toBe(true);
        expect(got.drift_detected, where).toBe(expected.drift_detected);
      }
      expect(result.n_drifted).toBe(c.n_drifted);
      expect(close(result.dataset_drift_score, c.share)).toBe(true);
      expect(result.drift_detected).toBe(c.dataset_drift);
    },
  );

  it('covers every default test and every named one', () => {
    const seen = new Set(drift.cases.flatMap((c) => c.columns.map((col) => methodOf(col.method_label))));
    expect([...seen].sort()).toEqual([...DRIFT_METHODS].sort());
  });
});

interface KsFixture {
  ks_2samp: { n1: number; n2: number; d: number; statistic: number; pvalue: number }[];
  kstwo: { n: number; x: number; sf: number; cdf: number; smirnov: number }[];
}
const ks = readFixture<KsFixture>('scipy-ks.json');

describe('Kolmogorov–Smirnov distributions agree with scipy', () => {
  it.each(ks.ks_2samp.map((r) => [r.n1, r.n2, r.d, r] as const))(
    'ks_2samp p-value, n1=%i n2=%i D=%f',
    (_n1, _n2, _d, r) => {
      const got = ksPValue(r.n1, r.n2, r.d);
      expect(close(got.statistic, r.statistic, 1e-12)).toBe(true);
      expect(close(got.pvalue, r.pvalue), `${got.pvalue} vs scipy ${r.pvalue}`).toBe(true);
    },
  );

  it('kstwo.sf, kstwo.cdf and smirnov over every branch', () => {
    const bad: string[] = [];
    for (const r of ks.kstwo) {
      const sf = kolmogorovN(r.n, r.x, false);
      const cdf = kolmogorovN(r.n, r.x, true);
      const sm = smirnovSf(r.n, r.x);
      if (!close(sf, r.sf)) bad.push(`sf(${r.x}, ${r.n}) = ${sf} vs ${r.sf}`);
      if (!close(cdf, r.cdf)) bad.push(`cdf(${r.x}, ${r.n}) = ${cdf} vs ${r.cdf}`);
      if (!close(sm, r.smirnov)) bad.push(`smirnov(${r.n}, ${r.x}) = ${sm} vs ${r.smirnov}`);
    }
    expect(bad).toEqual([]);
  });
});

interface PerfFixture {
  cases: Record<string, { actual: string; forecast: string; evidently: Record<string, number> }>;
}
const perf = readFixture<PerfFixture>('evidently-performance.json');

describe('performance metrics agree with Evidently', () => {
  it.each(Object.entries(perf.cases))('%s: MAE, RMSE, ME, MAPE', (_, c) => {
    const actual = f64(c.actual);
    const loc = f64(c.forecast);
    const { metrics } = computePerformance(actual, { shape: [actual.length, 1, 1], loc });
    const e = c.evidently;
    expect(close(metrics.mae!, e.MAE!)).toBe(true);
    expect(close(metrics.rmse!, e.RMSE!)).toBe(true);
    expect(close(metrics.me!, e.MeanError!)).toBe(true);
    expect(close(metrics.mape!, e.MAPE!), `${metrics.mape} vs ${e.MAPE}`).toBe(true);
  });
});
