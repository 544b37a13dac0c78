import { describe, expect, it } from 'vitest';
import { predictBody, useServedApp } from './fixtures.js';

describe('POST /predict-interval', () => {
  const served = useServedApp();

  it('answers the seed IntervalResponse: lower ≤ forecast ≤ upper per model, with the nominal coverage', async () => {
    const res = await served.app.inject({
      method: 'POST',
      url: '/predict-interval',
      payload: { ...predictBody(), alpha: 0.2 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.forecast_horizon).toBe(6);
    for (const f of body.forecasts) {
      expect(f.coverage).toBeCloseTo(0.8, 12);
      for (let h = 0; h < 6; h++) {
        expect(f.lower[0][h][0]).toBeLessThan(f.forecast[0][h][0]);
        expect(f.upper[0][h][0]).toBeGreaterThan(f.forecast[0][h][0]);
      }
    }
    // The forecast equals /predict's.
    const point = (
      await served.app.inject({ method: 'POST', url: '/predict', payload: predictBody() })
    ).json();
    expect(body.forecasts[1].forecast).toEqual(point.forecasts[1].predictions);
  });

  it('coverage is 1 − alpha: 95 % intervals are wider than 80 %', async () => {
    const wide = (
      await served.app.inject({
        method: 'POST',
        url: '/predict-interval',
        payload: { ...predictBody(), coverage: 0.95 },
      })
    ).json();
    const narrow = (
      await served.app.inject({
        method: 'POST',
        url: '/predict-interval',
        payload: { ...predictBody(), coverage: 0.8 },
      })
    ).json();
    const width = (b: { forecasts: { lower: number[][][]; upper: number[][][] }[] }) =>
      b.forecasts[1]!.upper[0]![0]![0]! - b.forecasts[1]!.lower[0]![0]![0]!;
    expect(width(wide)).toBeGreaterThan(width(narrow));
    expect(wide.forecasts[0].coverage).toBeCloseTo(0.95, 12);
  });

  it('adds an ensemble with combined bounds', async () => {
    const body = (
      await served.app.inject({
        method: 'POST',
        url: '/predict-interval',
        payload: { ...predictBody(), ensemble_strategy: 'mean' },
      })
    ).json();
    const [a, b, e] = body.forecasts;
    expect(e.model).toBe('ensemble');
    expect(e.lower[0][0][0]).toBeCloseTo((a.lower[0][0][0] + b.lower[0][0][0]) / 2, 9);
  });

  it('method cqr without a calibrated quantile pair in the checkpoint → 409 MODEL_NOT_CALIBRATED', async () => {
    const res = await served.app.inject({
      method: 'POST',
      url: '/predict-interval',
      payload: { ...predictBody(), method: 'cqr' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('MODEL_NOT_CALIBRATED');
  });

  it.each([
    ['alpha and coverage together', { alpha: 0.1, coverage: 0.9 }],
    ['alpha out of range', { alpha: 1.5 }],
    ['coverage of 1', { coverage: 1 }],
  ])('%s → 400 REQUEST_INVALID', async (_name, extra) => {
    const res = await served.app.inject({
      method: 'POST',
      url: '/predict-interval',
      payload: { ...predictBody(), ...extra },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('REQUEST_INVALID');
  });
});
