import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TwigaApp } from '../src/index.js';
import { predictBody, saveCheckpoint, tempSettings } from './fixtures.js';

describe('OpenAPI, docs and metrics', () => {
  let app: TwigaApp;
  let env: Awaited<ReturnType<typeof tempSettings>>;

  beforeAll(async () => {
    env = await tempSettings({ TWIGA_SERVE_API_KEY: 'k1' });
    await saveCheckpoint(env.dir);
    app = await createApp({ settings: env.settings });
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  it('GET /openapi.json is OpenAPI 3.1 generated from the route schemas, public', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health',
      '/monitor/drift',
      '/monitor/performance',
      '/predict',
      '/predict-interval',
      '/reload',
      '/reports/{name}',
    ]);
    const body = doc.paths['/predict'].post.requestBody.content['application/json'].schema;
    expect(body.required).toContain('records');
    expect(body.properties.ensemble_strategy.enum).toEqual(['mean', 'median', 'weighted_mean']);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
  });

  it('GET /docs serves Swagger UI with its assets from the server, no CDN', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i);
    const scripts = [...page.body.matchAll(/src="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await app.inject({ method: 'GET', url: `/docs/${src.replace(/^\.\//, '')}` });
      expect(asset.statusCode).toBe(200);
    }
  });

  it('GET /metrics exposes request, prediction and model metrics in Prometheus format', async () => {
    const headers = { 'x-api-key': 'k1' };
    await app.inject({ method: 'POST', url: '/predict', headers, payload: predictBody() });
    await app.inject({ method: 'POST', url: '/predict', headers, payload: { records: [] } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/twiga_http_requests_total\{route="\/predict",method="POST",status="200"\} 1/);
    expect(res.body).toMatch(/twiga_http_requests_total\{route="\/predict",method="POST",status="400"\} 1/);
    expect(res.body).toMatch(/twiga_http_request_duration_seconds_bucket\{le="0.1",route="\/predict"/);
    expect(res.body).toMatch(/twiga_predictions_total\{model="linear"\} 1/);
    expect(res.body).toMatch(/twiga_model_version 1/);
    expect(res.body).toMatch(/twiga_model_load_seconds \d/);
    expect(res.body).toMatch(/nodejs_eventloop_lag_seconds/);
    // One ONNX Runtime run answered the one valid /predict; then eight at once share fewer runs.
    expect(res.body).toMatch(/twiga_onnx_batch_calls_sum 1\n/);
    await Promise.all(
      Array.from({ length: 8 }, () =>
        app.inject({ method: 'POST', url: '/predict', headers, payload: predictBody() }),
      ),
    );
    const batched = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(batched).toMatch(/twiga_onnx_batch_calls_sum 9\n/);
    const runs = Number(/twiga_onnx_batch_calls_count (\d+)/.exec(batched)?.[1]);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(9);
    expect(batched).toMatch(/twiga_onnx_rows_total 9\n/);
    // A failed reload is counted by code; the model version stays.
    await writeFile(join(env.dir, 'v0001', 'model.onnx'), 'x');
    await app.inject({ method: 'POST', url: '/reload', headers });
    const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(after).toMatch(/twiga_model_reload_failures_total\{code="CHECKPOINT_CORRUPT"\} 1/);
    expect(after).toMatch(/twiga_model_version 1/);
  });
});

describe('limits and keys', () => {
  it('several keys are valid at once, keys from a file too, and the file is re-read when it changes', async () => {
    const env = await tempSettings();
    const file = join(env.dir, 'keys.txt');
    await writeFile(file, '# rotated 2026-11\nfile-key-1\n');
    const keyed = await tempSettings({
      TWIGA_SERVE_API_KEY: 'old, new',
      TWIGA_SERVE_API_KEY_FILE: file,
      TWIGA_MODEL_CHECKPOINT_DIR: env.dir,
    });
    const app = await createApp({ settings: keyed.settings });
    const status = async (key: string) =>
      (await app.inject({ method: 'POST', url: '/reload', headers: { 'x-api-key': key } })).statusCode;
    expect(await status('old')).toBe(503); // accepted (no checkpoint yet), not 401
    expect(await status('new')).toBe(503);
    expect(await status('file-key-1')).toBe(503);
    expect(await status('other')).toBe(401);
    await new Promise((r) => setTimeout(r, 1100));
    await writeFile(file, 'file-key-2\n');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await status('file-key-2')).toBe(503);
    expect(await status('file-key-1')).toBe(401);
    await app.close();
    await keyed.cleanup();
    await env.cleanup();
  });

  it('/metrics can sit behind its own key', async () => {
    const env = await tempSettings({ TWIGA_SERVE_API_KEY: 'api', TWIGA_SERVE_METRICS_API_KEY: 'scrape' });
    const app = await createApp({ settings: env.settings });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': 'api' } })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': 'scrape' } })).statusCode,
    ).toBe(200);
    await app.close();
    await env.cleanup();
  });

  it('more records than TWIGA_SERVE_MAX_RECORDS → 413 PAYLOAD_TOO_LARGE', async () => {
    const env = await tempSettings({ TWIGA_SERVE_MAX_RECORDS: 10 });
    const app = await createApp({ settings: env.settings });
    const res = await app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { records: 30, max: 10 } });
    await app.close();
    await env.cleanup();
  });

  it('a body over TWIGA_SERVE_BODY_LIMIT → 413 PAYLOAD_TOO_LARGE', async () => {
    const env = await tempSettings({ TWIGA_SERVE_BODY_LIMIT: 1000 });
    const app = await createApp({ settings: env.settings });
    const res = await app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    await app.close();
    await env.cleanup();
  });

  it('the per-key rate limit answers 429 RATE_LIMITED with Retry-After, per key', async () => {
    const env = await tempSettings({ TWIGA_SERVE_API_KEY: 'a,b', TWIGA_SERVE_RATE_LIMIT: 3 });
    const app = await createApp({ settings: env.settings });
    const hit = (key: string) =>
      app.inject({ method: 'POST', url: '/reload', headers: { 'x-api-key': key } });
    for (let i = 0; i < 3; i++) expect((await hit('a')).statusCode).toBe(503);
    const limited = await hit('a');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await hit('b')).statusCode).toBe(503);
    await app.close();
    await env.cleanup();
  });

  it('under event-loop pressure the server sheds load with 503 OVERLOADED and Retry-After', async () => {
    const env = await tempSettings({ TWIGA_SERVE_MAX_EVENT_LOOP_DELAY_MS: 20 });
    const app = await createApp({ settings: env.settings });
    await app.ready();
    // Block the event loop well past the threshold; the sampler (every 250 ms) reports it on its next tick.
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // busy
    }
    let res = await app.inject({ method: 'GET', url: '/openapi.json' });
    for (let i = 0; i < 30 && res.statusCode !== 503; i++) {
      await new Promise((r) => setTimeout(r, 10));
      res = await app.inject({ method: 'GET', url: '/openapi.json' });
    }
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('OVERLOADED');
    expect(res.headers['retry-after']).toBe('5');
    await app.close();
    await env.cleanup();
  });
});
