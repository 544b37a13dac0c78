// Shared fixtures of the pipeline integration tests: small synthetic data whose relation flips, so drift
// is real and a challenger fitted on the new data beats the champion clearly.

import type { Frame } from '@twiga/forecaster';
import { fromRecords } from '@twiga/forecaster';
import { prng } from '../../forecaster/src/test-utils.js';
import type { FlowConfig } from '../src/index.js';

export const HOUR_MS = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** Hourly: y depends on a known-ahead covariate x, so a model fitted on the old relation fails on the new. */
export const CONFIG: FlowConfig = {
  data: {
    dateColumn: 'ts',
    targets: ['y'],
    period: '1h',
    lookbackWindowSize: 24,
    forecastHorizon: 6,
    exogenousFeatures: ['x'],
  },
  models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 0.1 } }],
  split: { testFraction: 0.2, validationFraction: 0.1 },
};

/** Records `{ ts, y, x }`: regime `a` is y = 50 + 20x, regime `b` is y = 80 − 20x with x shifted up. */
export function records(regime: 'a' | 'b', n: number, start = T0, seed = 7): Record<string, unknown>[] {
  const rand = prng(seed);
  const q = (v: number) => Math.round(v * 256) / 256;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const x = regime === 'a' ? rand() : 0.5 + rand();
    const season = 5 * Math.sin((2 * Math.PI * i) / 24);
    const y = (regime === 'a' ? 50 + 20 * x : 80 - 20 * x) + season + 0.3 * (rand() - 0.5);
    out.push({ ts: new Date(start + i * HOUR_MS).toISOString(), y: q(y), x: q(x) });
  }
  return out;
}

/** Records → a frame with the fixture config's columns. */
export function frameOf(rows: readonly Record<string, unknown>[]): Frame {
  return fromRecords(rows, { dateColumn: 'ts', numericColumns: ['y', 'x'], optionalColumns: ['y'] });
}
