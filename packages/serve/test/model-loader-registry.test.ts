import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient, TwigaTracker } from '@twiga/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MlflowServer, SKIP_MLFLOW, startMlflowServer } from '../../tracking/test/mlflow-server.js';
import { createApp, ModelLoader } from '../src/index.js';
import { predictBody, saveCheckpoint, tempSettings } from './fixtures.js';

describe('ModelLoader with models:/<name>@<alias>', () => {
  it('needs an MLflow server, and says so with TRACKING_INVALID', async () => {
    const loader = new ModelLoader({
      checkpointDir: 'models:/demand@champion',
      settings: (await tempSettings()).settings,
    });
    await expect(loader.reload()).rejects.toMatchObject({ code: 'TRACKING_INVALID' });
    expect(() => new ModelLoader({ checkpointDir: 'models:/demand' })).toThrow(
      expect.objectContaining({ code: 'TRACKING_INVALID' }),
    );
  });

  describe.skipIf(SKIP_MLFLOW)('against a real MLflow server', () => {
    let server: MlflowServer;
    let client: MlflowClient;
    let work: string;
    const cleanups: (() => Promise<unknown>)[] = [];

    /** Train a checkpoint version into `dir` and log it as a run that points `champion` at it. */
    async function publish(dir: string, alpha: number): Promise<string> {
      await saveCheckpoint(dir, 400, alpha);
      const tracker = new TwigaTracker({
        client,
        experimentName: 'serve-test',
        localStore: join(work, 'runs'),
      });
      const logged = await tracker.run({ runName: `alpha-${alpha}` }, (run) =>
        run.logModel(dir, { registeredModelName: 'demand', alias: 'champion' }),
      );
      return logged.version!;
    }

    beforeAll(async () => {
      [server, work] = await Promise.all([
        startMlflowServer(),
        mkdtemp(join(tmpdir(), 'twiga-serve-registry-')),
      ]);
      client = new MlflowClient({
        trackingUri: server.uri,
        retry: { maxTries: 3, backoffMs: 20, jitterMs: 10 },
      });
    });
    afterAll(async () => {
      for (const c of cleanups.splice(0)) await c();
      await server?.destroy();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('serves the aliased version from the cache, and /reload follows the alias', async () => {
      const trainDir = join(work, 'checkpoints');
      const cacheDir = join(work, 'cache');
      expect(await publish(trainDir, 0.1)).toBe('1');
      const env = await tempSettings();
      cleanups.push(env.cleanup);
      const loader = new ModelLoader({
        checkpointDir: 'models:/demand@champion',
        mlflow: client,
        modelCacheDir: cacheDir,
      });
      const app = await createApp({ settings: env.settings, loader });
      cleanups.push(() => app.close());

      const first = await app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
      expect(first.statusCode).toBe(200);
      expect(first.json().checkpoint_version).toBe(1);
      expect(loader.current?.registry).toEqual({ name: 'demand', alias: 'champion', version: '1' });
      // The downloaded version is byte-identical to what was trained.
      expect(await readFile(join(cacheDir, 'demand', '1', 'v0001', 'model.onnx'))).toEqual(
        await readFile(join(trainDir, 'v0001', 'model.onnx')),
      );

      // A new training is promoted: /reload re-resolves the alias and serves it.
      expect(await publish(trainDir, 50)).toBe('2');
      const reload = await app.inject({ method: 'POST', url: '/reload' });
      expect(reload.statusCode).toBe(200);
      expect(reload.json()).toMatchObject({ previous_version: 1, version: 2 });
      expect(loader.current?.registry?.version).toBe('2');
      const second = await app.inject({ method: 'POST', url: '/predict', payload: predictBody() });
      expect(second.json().checkpoint_version).toBe(2);
      expect(second.json().forecasts[1].predictions).not.toEqual(first.json().forecasts[1].predictions);

      // Moving the alias back (a rollback in the registry) is picked up the same way, from the cache.
      await client.registry.setAlias('demand', 'champion', '1');
      const back = await app.inject({ method: 'POST', url: '/reload' });
      expect(back.json()).toMatchObject({ previous_version: 2, version: 1 });
    });

    it('prepare(pin) loads the pinned registry version even after the alias moved, keeping the alias', async () => {
      // As the cluster does: the first process resolves the alias, the others load that pin.
      const loader = new ModelLoader({
        checkpointDir: 'models:/demand@champion',
        mlflow: client,
        modelCacheDir: join(work, 'cache'),
      });
      const first = await loader.prepare();
      const served = first.model.registry!.version;
      expect(first.pin).toEqual({ registryVersion: served });
      const other = served === '1' ? '2' : '1';
      await client.registry.setAlias('demand', 'champion', other);
      const pinned = await loader.prepare(first.pin);
      expect(pinned.model.registry).toEqual({ name: 'demand', alias: 'champion', version: served });
      expect(pinned.commit().current).toBe(pinned.model);
      expect(loader.current).toBe(pinned.model);
      await first.discard();
      await loader.close();
    });

    it('verifies checksums: a tampered cached copy is downloaded again', async () => {
      const cacheDir = join(work, 'cache');
      const cached = join(cacheDir, 'demand', '1', 'v0001', 'pipeline.json');
      await writeFile(cached, `${await readFile(cached, 'utf8')} `);
      const loader = new ModelLoader({
        checkpointDir: 'models:/demand/1',
        mlflow: client,
        modelCacheDir: cacheDir,
      });
      const model = await loader.ensureLoaded();
      expect(model.meta.version).toBe(1);
      expect(await readFile(cached, 'utf8')).not.toMatch(/ $/);
      await loader.close();
    });

    it('an unknown alias answers 503 TRACKING_NOT_FOUND on /reload and the server stays degraded', async () => {
      const env = await tempSettings();
      cleanups.push(env.cleanup);
      const loader = new ModelLoader({
        checkpointDir: 'models:/demand@nobody',
        mlflow: client,
        modelCacheDir: join(work, 'cache'),
      });
      const app = await createApp({ settings: env.settings, loader });
      cleanups.push(() => app.close());
      const reload = await app.inject({ method: 'POST', url: '/reload' });
      expect(reload.statusCode).toBe(503);
      expect(reload.json().error.code).toBe('TRACKING_NOT_FOUND');
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.json().status).toBe('degraded');
    });
  });
});
