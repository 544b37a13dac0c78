// Promotion against a real MLflow server: `@champion` follows a promotion, and a promotion rolled back after
// the alias moved (a server could not reload) moves it back, so registry, manifest and servers agree.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from '@twiga/forecaster';
import { MlflowClient, TwigaTracker } from '@twiga/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MlflowServer, SKIP_MLFLOW, startMlflowServer } from '../../tracking/test/mlflow-server.js';
import { retrainingFlow, trainingFlow } from '../src/index.js';
import { CONFIG, frameOf, HOUR_MS, records, T0 } from './fixtures.js';

const N = 480;
const OLD = frameOf(records('a', N));
const NEW = frameOf(records('b', N, T0 + N * HOUR_MS, 11));

describe.skipIf(SKIP_MLFLOW)('promotion and the @champion alias on a real MLflow server', () => {
  let mlflow: MlflowServer;
  let dir: string;
  let tracker: TwigaTracker;
  let client: MlflowClient;
  const champion = async (name: string) =>
    (await client.registry.getModelVersionByAlias(name, 'champion')).version;

  beforeAll(async () => {
    mlflow = await startMlflowServer();
    dir = await mkdtemp(join(tmpdir(), 'twiga-promotion-'));
    client = new MlflowClient({ trackingUri: mlflow.uri });
    tracker = new TwigaTracker({ client, localStore: join(dir, 'runs') });
  }, 120_000);
  afterAll(async () => {
    await mlflow?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('a promotion moves @champion; a rolled-back one moves it back', async () => {
    const ck = join(dir, 'ck');
    const name = 'promotion-demand';
    await trainingFlow({ data: OLD, config: CONFIG, checkpointDir: ck, tracker, registeredModelName: name });
    expect(await champion(name)).toBe('1');

    // Drift is real and the challenger is better, but the only server cannot reload: everything goes back.
    const err = await retrainingFlow({
      data: NEW,
      checkpointDir: ck,
      tracker,
      registeredModelName: name,
      servers: ['http://127.0.0.1:9'],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PIPELINE_RELOAD_FAILED' });
    expect((await new CheckpointStore(ck).readManifest())?.version).toBe(1);
    // The challenger was registered as version 2, but the alias names version 1 again.
    expect((await client.registry.getModelVersion(name, '2')).version).toBe('2');
    expect(await champion(name)).toBe('1');

    // The same retraining with no server to reload promotes, and the alias follows.
    const promoted = await retrainingFlow({
      data: NEW,
      checkpointDir: ck,
      tracker,
      registeredModelName: name,
    });
    expect(promoted).toMatchObject({ promoted: true, checkpointVersion: 3 });
    expect(await champion(name)).toBe('3');
  });
});
