// Large requests on worker threads: the same answers and errors as inline, a new pool per reloaded model,
// and inline answers when the workers are gone.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createApp, ModelLoader } from '../src/index.js';
import { predictBody, saveCheckpoint, syntheticRecords, tempSettings, useServedApp } from './fixtures.js';

// Bodies of 200 records (~15 kB) go to the worker; the fixture's usual 30-record bodies (~2 kB) stay inline.
const POOLED = { TWIGA_SERVE_WORKERS: 1, TWIGA_SERVE_WORKER_MIN_BYTES: 10_000 };

describe('forecast worker threads', () => {
  const pooled = useServedApp(POOLED);
  const inline = useServedApp({ TWIGA_SERVE_WORKERS: 0 });
  const post = (app: typeof pooled.app, url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

  it('answers a large request on a worker exactly as inline', async () => {
    const body = { ...predictBody(200, 6), ensemble_strategy: 'weighted_mean' };
    const loader = new ModelLoader({ checkpointDir: pooled.env.dir, workers: 1 });
    const direct = await createApp({ settings: pooled.env.settings, loader });
    const served = await post(direct, '/predict', body);
    // It was the worker that answered (a worker failure would fall back inline silently).
    expect((await loader.ensureLoaded()).pool?.stats()).toEqual({ threads: 1, alive: 1, answered: 1 });
    await direct.close();
    const a = await post(pooled.app, '/predict', body);
    expect(a.json()).toEqual({ ...served.json(), forecasts: expect.any(Array) });
    const b = await post(inline.app, '/predict', body);
    expect(a.statusCode).toBe(200);
    const strip = (r: { json(): { forecasts: { inference_time?: number }[] } }) =>
      r.json().forecasts.map(({ inference_time: _, ...f }) => f);
    expect(strip(a)).toEqual(strip(b));
    const ia = await post(pooled.app, '/predict-interval', { ...body, alpha: 0.2 });
    const ib = await post(inline.app, '/predict-interval', { ...body, alpha: 0.2 });
    expect(ia.statusCode).toBe(200);
    expect(strip(ia)).toEqual(strip(ib));
  });

  it('gives the same errors as inline: bad data, bad fields, bad JSON, poisoned keys', async () => {
    const body = predictBody(200, 6);
    const badCell = { records: body.records.map((r, i) => (i === 30 ? { ...r, temp: 'warm' } : r)) };
    const badField = { ...body, records: body.records.map((r, i) => (i === 3 ? { ...r, temp: [1] } : r)) };
    for (const [payload, status] of [
      [badCell, 422],
      [badField, 400],
      [{ ...body, ensemble_strategy: 'max' }, 400],
      [{ ...body, alpha: 0.2 }, 400],
    ] as const) {
      const a = await post(pooled.app, '/predict', payload);
      const b = await post(inline.app, '/predict', payload);
      expect(a.statusCode).toBe(status);
      expect(a.json()).toEqual(b.json());
    }
    const interval = await post(pooled.app, '/predict-interval', { ...body, coverage: 1e-300 });
    expect(interval.json()).toEqual(
      (await post(inline.app, '/predict-interval', { ...body, coverage: 1e-300 })).json(),
    );
    const text = JSON.stringify(body);
    for (const raw of [`${text.slice(0, -1)},}`, `{"__proto__":{"x":1},${text.slice(1)}`]) {
      const a = await pooled.app.inject({
        method: 'POST',
        url: '/predict',
        payload: raw,
        headers: { 'content-type': 'application/json' },
      });
      const b = await inline.app.inject({
        method: 'POST',
        url: '/predict',
        payload: raw,
        headers: { 'content-type': 'application/json' },
      });
      expect([a.statusCode, a.json().error.code]).toEqual([400, 'REQUEST_INVALID']);
      expect([b.statusCode, b.json().error.code]).toEqual([400, 'REQUEST_INVALID']);
    }
  });

  it('keeps the event loop free while a 100 000-record request is worked on', async () => {
    // 99 000 rows of history, then 6 future rows with the target withheld.
    const records = syntheticRecords(99_006).map((r, i) => (i >= 99_000 ? { ...r, load: null } : r));
    const payload = JSON.stringify({ records, prepare_test_data: false });
    // (`pnpm bench:pool` compares the event-loop delay with and without the worker.)
    const run = async (app: typeof pooled.app) => {
      const h = monitorEventLoopDelay({ resolution: 5 });
      const order: string[] = [];
      h.enable();
      const big = app
        .inject({ method: 'POST', url: '/predict', payload, headers: { 'content-type': 'application/json' } })
        .then((r) => {
          order.push('big');
          return r;
        });
      const small = await Promise.all(
        [1, 2, 3].map(() =>
          post(app, '/predict', predictBody()).then((r) => {
            order.push('small');
            return r;
          }),
        ),
      );
      const answer = await big;
      // Let the timer that a blocked loop delayed fire, so its delay is recorded.
      await new Promise((r) => setTimeout(r, 20));
      h.disable();
      expect(answer.statusCode).toBe(200);
      expect(small.every((r) => r.statusCode === 200)).toBe(true);
      return { lagMs: h.max / 1e6, order };
    };
    const pooledRun = await run(pooled.app);
    // On the worker, small requests sent after the large one are answered before it; inline they wait.
    expect(pooledRun.order).toEqual(['small', 'small', 'small', 'big']);
    expect(pooledRun.lagMs).toBeLessThan(100);
  });

  it('starts a new pool for a reloaded model, and answers inline once the workers are gone', async () => {
    const env = await tempSettings(POOLED);
    try {
      await saveCheckpoint(env.dir);
      const loader = new ModelLoader({ checkpointDir: env.dir, workers: 1 });
      const app = await createApp({ settings: env.settings, loader });
      const body = predictBody(200, 6);
      const first = await loader.ensureLoaded();
      expect(first.pool).toBeDefined();
      await saveCheckpoint(env.dir, 420);
      expect((await app.inject({ method: 'POST', url: '/reload' })).json()).toMatchObject({ version: 2 });
      expect(loader.current?.pool).not.toBe(first.pool);
      const answer = await post(app, '/predict', body);
      expect(answer.json()).toMatchObject({ checkpoint_version: 2 });
      // The workers gone (crashed or closed): the same request is answered inline, with the same forecasts.
      await loader.current?.pool?.close();
      const again = await post(app, '/predict', body);
      expect(again.statusCode).toBe(200);
      const points = (r: typeof answer) =>
        r.json().forecasts.map((f: { predictions: unknown }) => f.predictions);
      expect(points(again)).toEqual(points(answer));
      await app.close();
    } finally {
      await env.cleanup();
    }
  });
});
