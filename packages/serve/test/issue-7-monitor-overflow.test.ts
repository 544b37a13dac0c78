import { CheckpointStore, fromRecords, TwigaForecaster } from '@twiga/forecaster';
import { buildReferenceProfile, serializeReferenceProfile } from '@twiga/monitor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TwigaApp } from '../src/index.js';
import { syntheticRecords, TEST_CONFIG, tempSettings } from './fixtures.js';

/**
 * Issue 7 (fuzzing): the monitoring routes answered 500 for finite but extreme numbers. Performance
 * metrics of ±1e308 overflow to ±Infinity (the response serialiser refuses them), and drift binning
 * of a column spanning −1e308..1e308 divides by an infinite range (a RangeError). Both are now
 * 422 DATA_INVALID.
 */
describe('issue 7: monitoring overflow is a 422, not a 500', () => {
  let app: TwigaApp;
  let env: Awaited<ReturnType<typeof tempSettings>>;

  beforeAll(async () => {
    env = await tempSettings();
    const forecaster = TwigaForecaster.create({ data: TEST_CONFIG.data, models: TEST_CONFIG.models });
    const frame = fromRecords(syntheticRecords(400), forecaster.columnSpec());
    await forecaster.fit(frame);
    await new CheckpointStore(env.dir).save(forecaster, {
      extras: { 'reference_profile.json': serializeReferenceProfile(buildReferenceProfile(frame)) },
    });
    await forecaster.close();
    app = await createApp({ settings: env.settings });
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  it('performance of ±1e308 cubes → 422 DATA_INVALID', async () => {
    const cube = (v: number) => [[[v], [v]]];
    const res = await app.inject({
      method: 'POST',
      url: '/monitor/performance',
      payload: { actuals: cube(1e308), forecasts: { predictions: cube(-1e308) }, report: false },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('DATA_INVALID');
  });

  it('drift of a column spanning −1e308..1e308 → 422 DATA_INVALID naming the column', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ load: i % 2 ? 1e308 : -1e308, temp: 20 + i }));
    const res = await app.inject({
      method: 'POST',
      url: '/monitor/drift',
      payload: { records, columns: ['load', 'temp'], method: 'psi', report: false },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'DATA_INVALID', details: { column: 'load' } });
  });

  it('large but finite metrics still answer', async () => {
    const cube = (v: number) => [[[v], [v]]];
    const res = await app.inject({
      method: 'POST',
      url: '/monitor/performance',
      payload: { actuals: cube(1e100), forecasts: { predictions: cube(1e100 + 1e90) }, report: false },
    });
    expect(res.statusCode).toBe(200);
    // MAE 1e90 within a relative 1e-5 (the error is a difference of two numbers near 1e100).
    expect(Math.abs(res.json().performance.metrics.mae / 1e90 - 1)).toBeLessThan(1e-5);
  });
});
