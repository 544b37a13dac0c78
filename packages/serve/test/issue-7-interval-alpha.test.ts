import { describe, expect, it } from 'vitest';
import { predictBody, useServedApp } from './fixtures.js';

/**
 * Issue 7 (fuzzing): `/predict-interval` answered 500 for levels the schema accepts. A coverage below
 * 2^-53 makes alpha = 1 − coverage exactly 1 (the forecaster's CONFIG_INVALID, a 500), and an alpha below
 * 1/(n+1) for the n calibration windows gives unbounded conformal intervals (±Infinity, which JSON
 * cannot carry). Both are now 400 REQUEST_INVALID naming the field that was sent.
 */
describe('issue 7: interval levels outside what the calibration supports are a 400', () => {
  const served = useServedApp();

  const ask = (level: { alpha: number } | { coverage: number }) =>
    served.app.inject({ method: 'POST', url: '/predict-interval', payload: { ...predictBody(), ...level } });

  it.each([
    ['coverage', 5e-324],
    ['coverage', 0.999999],
    ['alpha', 5e-324],
    ['alpha', 1e-6],
  ] as const)('%s %s → 400 REQUEST_INVALID on body.%s', async (field, value) => {
    const res = await ask(field === 'alpha' ? { alpha: value } : { coverage: value });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('REQUEST_INVALID');
    expect(error.details.issues[0].path).toBe(`body.${field}`);
  });

  it('a level the calibration supports still answers finite bounds around the forecast', async () => {
    const res = await ask({ coverage: 0.8 });
    expect(res.statusCode).toBe(200);
    const [first] = res.json().forecasts as {
      lower: number[][][];
      forecast: number[][][];
      upper: number[][][];
    }[];
    const lower = first!.lower.flat(2);
    const upper = first!.upper.flat(2);
    const point = first!.forecast.flat(2);
    point.forEach((v, i) => {
      expect(lower[i]).toBeLessThanOrEqual(v);
      expect(upper[i]).toBeGreaterThanOrEqual(v);
      expect(Number.isFinite(upper[i]! - lower[i]!)).toBe(true);
    });
  });
});
