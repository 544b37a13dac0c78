import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { predictBody, saveCheckpoint, tempSettings, useServedApp } from './fixtures.js';

describe('server routes', () => {
  const served = useServedApp();

  it('GET /health is degraded before the first load, ok after', async () => {
    const before = await served.app.inject({ method: 'GET', url: '/health' });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({
      status: 'degraded',
      models: [],
      forecast_horizon: null,
      targets: [],
      checkpoint: null,
    });
    expect(
      (await served.app.inject({ method: 'POST', url: '/predict', payload: predictBody() })).statusCode,
    ).toBe(200);
    const after = (await served.app.inject({ method: 'GET', url: '/health' })).json();
    expect(after).toMatchObject({
      status: 'ok',
      models: ['seasonal-naive', 'linear'],
      forecast_horizon: 6,
      targets: ['load'],
    });
    expect(after.checkpoint).toMatchObject({ version: 1, model_type: 'linear' });
    expect(Number.isNaN(Date.parse(after.checkpoint.saved_at))).toBe(false);
  });

  it('POST /predict answers the seed shape: predictions[batch][horizon][targets] per model', async () => {
    const res = await served.app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.targets).toEqual(['load']);
    expect(body.forecast_horizon).toBe(6);
    expect(body.checkpoint_version).toBe(1);
    expect(body.forecasts.map((f: { model: string }) => f.model)).toEqual(['seasonal-naive', 'linear']);
    for (const f of body.forecasts) {
      expect(f.predictions).toHaveLength(1);
      expect(f.predictions[0]).toHaveLength(6);
      expect(f.predictions[0][0]).toHaveLength(1);
      expect(f.inference_time).toBeGreaterThan(0);
    }
    // Timestamps continue right after the last observed row.
    const last = predictBody().records[23]!.time as string;
    expect(body.timestamps[0][0]).toBe(new Date(Date.parse(last) + 3_600_000).toISOString());
    // Seasonal naive repeats the value 24 h before each step (from the stored training tail and request).
    const req = predictBody(24, 6).records;
    expect(body.forecasts[0].predictions[0][0][0]).toBeCloseTo(req[0]!.load as number, 3);
  });

  it('prepare_test_data lets a client send only the newest rows', async () => {
    // Rows 400..405 continue the 400 training rows; history comes from the checkpoint's tail.
    const short = { records: predictBody(0, 6).records };
    const res = await served.app.inject({ method: 'POST', url: '/predict', payload: short });
    expect(res.statusCode).toBe(200);
    const full = await served.app.inject({ method: 'POST', url: '/predict', payload: predictBody(30, 6) });
    expect(res.json().forecasts[1].predictions).toEqual(full.json().forecasts[1].predictions);
    const noTail = await served.app.inject({
      method: 'POST',
      url: '/predict',
      payload: { ...short, prepare_test_data: false },
    });
    expect(noTail.statusCode).toBe(422);
    expect(noTail.json().error.code).toBe('DATA_INVALID');
  });

  it('adds an ensemble forecast when asked', async () => {
    for (const strategy of ['mean', 'median', 'weighted_mean']) {
      const res = await served.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { ...predictBody(), ensemble_strategy: strategy },
      });
      const forecasts = res.json().forecasts as { model: string; predictions: number[][][] }[];
      expect(forecasts.map((f) => f.model)).toEqual(['seasonal-naive', 'linear', 'ensemble']);
      const [a, b, e] = forecasts.map((f) => f.predictions[0]![2]![0]!);
      if (strategy !== 'weighted_mean') expect(e).toBeCloseTo((a! + b!) / 2, 9);
      else expect(e).toBeGreaterThanOrEqual(Math.min(a!, b!) - 1e-9);
    }
  });

  describe('bad input never gives a 500', () => {
    const cases: [string, unknown, number, string][] = [
      ['empty records', { records: [] }, 400, 'REQUEST_INVALID'],
      ['records not an array', { records: 'x' }, 400, 'REQUEST_INVALID'],
      ['unknown top-level key', { ...predictBody(), extra: 1 }, 400, 'REQUEST_INVALID'],
      [
        'nested object in a cell',
        { records: [{ time: '2024-01-01', load: { a: { b: 1 } }, temp: 1 }] },
        400,
        'REQUEST_INVALID',
      ],
      ['bad ensemble strategy', { ...predictBody(), ensemble_strategy: 'max' }, 400, 'REQUEST_INVALID'],
      ['too few rows', { records: predictBody(5, 6).records, prepare_test_data: false }, 422, 'DATA_INVALID'],
      [
        'missing column',
        { records: predictBody().records.map(({ temp: _t, ...r }) => r) },
        422,
        'DATA_INVALID',
      ],
      [
        'wrong type',
        { records: predictBody().records.map((r, i) => (i === 3 ? { ...r, load: 'lots' } : r)) },
        422,
        'DATA_INVALID',
      ],
      [
        'unparsable timestamp',
        { records: predictBody().records.map((r, i) => (i === 2 ? { ...r, time: 'yesterday' } : r)) },
        422,
        'DATA_INVALID',
      ],
      ['timestamps out of order', { records: predictBody().records.reverse() }, 422, 'DATA_INVALID'],
      [
        'duplicate timestamp',
        { records: [...predictBody().records.slice(0, 10), ...predictBody().records.slice(9)] },
        422,
        'DATA_INVALID',
      ],
      ['no future covariate rows', { records: predictBody(24, 0).records }, 422, 'DATA_INVALID'],
    ];
    it.each(cases)('%s → %s %s', async (_name, payload, status, code) => {
      const res = await served.app.inject({
        method: 'POST',
        url: '/predict',
        payload: payload as Record<string, unknown>,
      });
      expect(res.statusCode).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(typeof res.json().error.message).toBe('string');
    });

    it('names the field path of schema errors', async () => {
      const res = await served.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { records: [{ time: [1] }] },
      });
      expect(res.statusCode).toBe(400);
      const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
      expect(paths.some((p: string) => p.startsWith('body.records.0.time'))).toBe(true);
    });

    it('names row and column of data errors', async () => {
      const records = predictBody().records.map((r, i) => (i === 3 ? { ...r, load: 'lots' } : r));
      const res = await served.app.inject({ method: 'POST', url: '/predict', payload: { records } });
      expect(res.json().error.details).toMatchObject({ row: 4, column: 'load' });
    });

    it('malformed JSON → 400 REQUEST_INVALID', async () => {
      const res = await served.app.inject({
        method: 'POST',
        url: '/predict',
        payload: '{"records": [',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('REQUEST_INVALID');
    });

    it('wrong content type → 415', async () => {
      const res = await served.app.inject({
        method: 'POST',
        url: '/predict',
        payload: 'a,b',
        headers: { 'content-type': 'text/csv' },
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('prototype pollution keys are rejected', async () => {
      const res = await served.app.inject({
        method: 'POST',
        url: '/predict',
        payload: '{"records":[{"__proto__":{"x":1}}]}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
    });

    it('unknown route → 404 ROUTE_NOT_FOUND', async () => {
      const res = await served.app.inject({ method: 'GET', url: '/nope' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    });
  });

  it('POST /reload swaps to the newest version and reports both versions', async () => {
    await saveCheckpoint(served.env.dir, 420, 5);
    const res = await served.app.inject({ method: 'POST', url: '/reload' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'reloaded',
      models: ['seasonal-naive', 'linear'],
      previous_version: 1,
      version: 2,
      processes: 1,
    });
    expect((await served.app.inject({ method: 'GET', url: '/health' })).json().checkpoint.version).toBe(2);
  });

  it('a failed reload keeps the old model serving and answers the error code', async () => {
    const manifest = JSON.parse(
      await (await import('node:fs/promises')).readFile(
        join(served.env.dir, '_checkpoint_manifest.json'),
        'utf8',
      ),
    );
    await writeFile(join(served.env.dir, manifest.checkpoint_file, 'model.onnx'), 'garbage');
    const res = await served.app.inject({ method: 'POST', url: '/reload' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('CHECKPOINT_CORRUPT');
    const predict = await served.app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
    expect(predict.statusCode).toBe(200);
    expect(predict.json().checkpoint_version).toBe(2);
  });
});

describe('server without a checkpoint', () => {
  it('answers 503 MODEL_NOT_LOADED on /predict and degraded health; /reload loads once a checkpoint exists', async () => {
    const env = await tempSettings();
    const app = await createApp({ settings: env.settings });
    try {
      const res = await app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('MODEL_NOT_LOADED');
      const reload = await app.inject({ method: 'POST', url: '/reload' });
      expect(reload.statusCode).toBe(503);
      expect(reload.json().error.code).toBe('CHECKPOINT_NOT_FOUND');
      await saveCheckpoint(env.dir);
      const ok = await app.inject({ method: 'POST', url: '/reload' });
      expect(ok.json()).toMatchObject({ status: 'reloaded', previous_version: null, version: 1 });
    } finally {
      await app.close();
      await env.cleanup();
      await rm(env.dir, { recursive: true, force: true });
    }
  });
});
