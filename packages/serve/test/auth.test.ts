import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, safeEqual, type TwigaApp } from '../src/index.js';
import { predictBody, saveCheckpoint, tempSettings } from './fixtures.js';

describe('API key auth', () => {
  let app: TwigaApp;
  let env: Awaited<ReturnType<typeof tempSettings>>;

  beforeAll(async () => {
    env = await tempSettings({ TWIGA_SERVE_API_KEY: 'key-123' });
    await saveCheckpoint(env.dir);
    app = await createApp({ settings: env.settings });
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  it('leaves /health public', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it.each([
    ['no key', undefined],
    ['wrong key', 'key-124'],
    ['prefix of the key', 'key-12'],
    ['empty key', ''],
  ])('rejects %s with 401 UNAUTHORIZED on /predict and /reload', async (_name, key) => {
    const headers = key === undefined ? {} : { 'x-api-key': key };
    for (const url of ['/predict', '/reload']) {
      const res = await app.inject({ method: 'POST', url, headers, payload: predictBody() });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('accepts the right key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'x-api-key': 'key-123' },
      payload: predictBody(),
    });
    expect(res.statusCode).toBe(200);
  });

  it('compares keys by content only', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
