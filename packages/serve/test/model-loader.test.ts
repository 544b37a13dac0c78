import { afterEach, describe, expect, it } from 'vitest';
import { createApp, ModelLoader } from '../src/index.js';
import { predictBody, saveCheckpoint, tempSettings } from './fixtures.js';

describe('ModelLoader', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('concurrent first requests share one load', async () => {
    const env = await tempSettings();
    cleanups.push(env.cleanup);
    await saveCheckpoint(env.dir);
    const loader = new ModelLoader({ checkpointDir: env.dir });
    const models = await Promise.all(Array.from({ length: 8 }, () => loader.ensureLoaded()));
    expect(new Set(models).size).toBe(1);
    expect(loader.current).toBe(models[0]);
    await loader.close();
  });

  it('requests in flight during reloads all succeed, each on one whole model', async () => {
    const env = await tempSettings();
    cleanups.push(env.cleanup);
    await saveCheckpoint(env.dir, 400, 0.1);
    const app = await createApp({ settings: env.settings });
    cleanups.push(() => app.close());
    const payload = predictBody();
    const first = await app.inject({ method: 'POST', url: '/predict', payload });
    await saveCheckpoint(env.dir, 420, 50);
    const second = await new ModelLoader({ checkpointDir: env.dir }).ensureLoaded();
    const requests = Array.from({ length: 60 }, () =>
      app.inject({ method: 'POST', url: '/predict', payload }),
    );
    const reloads = Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/reload' }));
    const results = await Promise.all([...requests, ...reloads]);
    expect(results.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    // Every answer is exactly version 1's or version 2's forecast, never a mix.
    const v1 = JSON.stringify(first.json().forecasts[1].predictions);
    for (const r of results.slice(0, 60)) {
      const body = r.json();
      if (body.checkpoint_version === 1) expect(JSON.stringify(body.forecasts[1].predictions)).toBe(v1);
      else expect(body.checkpoint_version).toBe(2);
    }
    expect(second.meta.version).toBe(2);
    await second.forecaster.close();
  });

  it('a reload that fails leaves the served model in place', async () => {
    const env = await tempSettings();
    cleanups.push(env.cleanup);
    await saveCheckpoint(env.dir);
    const loader = new ModelLoader({ checkpointDir: env.dir });
    const before = await loader.ensureLoaded();
    const { rm } = await import('node:fs/promises');
    await rm(`${env.dir}/v0001/pipeline.json`);
    await expect(loader.reload()).rejects.toMatchObject({ code: 'CHECKPOINT_CORRUPT' });
    expect(loader.current).toBe(before);
    await loader.close();
  });
});
