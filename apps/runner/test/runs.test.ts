import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore, fromRecords, TwigaForecaster } from '@twiga/forecaster';
import { MlflowClient, TwigaTracker } from '@twiga/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MlflowServer,
  SKIP_MLFLOW,
  startMlflowServer,
} from '../../../packages/tracking/test/mlflow-server.js';
import { twiga } from './cli-process.js';

/** Run the CLI (in the temp dir) with no MLflow variables but those given. */
function twigaRuns(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/MLFLOW/.test(k)));
  return twiga(args, tmpdir(), { ...base, ...env });
}

describe('twiga runs', () => {
  let dir: string;
  let parentId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-runs-cli-'));
    // A training run with no MLflow server: everything goes to the local store.
    const forecaster = TwigaForecaster.create({
      data: { dateColumn: 't', targets: ['y'], period: '1h', lookbackWindowSize: 24, forecastHorizon: 3 },
    });
    const records = Array.from({ length: 200 }, (_, i) => ({
      t: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
      y: 10 + Math.sin((2 * Math.PI * i) / 24) + (i % 5) / 10,
    }));
    const frame = fromRecords(records, forecaster.columnSpec());
    await forecaster.fit(frame);
    const report = await forecaster.evaluate(frame);
    const checkpoints = join(dir, 'checkpoints');
    await new CheckpointStore(checkpoints).save(forecaster);
    const tracker = new TwigaTracker({ localStore: join(dir, 'store'), experimentName: 'cli-test' });
    parentId = await tracker.run({ runName: 'nightly' }, async (r) => {
      await r.logForecasterMetadata(forecaster, { frame, source: 'memory://records' });
      await r.logEvaluation(report);
      await r.child({ runName: 'fold-0' }, (c) => c.logMetrics({ mae: 0.25 }));
      await r.logModel(checkpoints, { registeredModelName: 'cli-demand', alias: 'challenger' });
      return r.id;
    });
    await forecaster.close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('list and show read the local store; unknown ids and a missing server are exit 2 with a code', async () => {
    const listed = await twigaRuns(['runs', 'list', '--dir', join(dir, 'store'), '--json']);
    expect(listed.code).toBe(0);
    const { runs } = JSON.parse(listed.stdout);
    expect(
      runs.map((r: { runName: string; sync: string; status: string }) => [r.runName, r.status, r.sync]),
    ).toEqual([
      ['nightly', 'FINISHED', 'local'],
      ['fold-0', 'FINISHED', 'local'],
    ]);
    expect(runs[1].parentRunId).toBe(parentId);

    const shown = await twigaRuns(['runs', 'show', parentId.slice(0, 8), '--dir', join(dir, 'store')]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`run ${parentId} (nightly)`);
    expect(shown.stdout).toMatch(/data\.lookbackWindowSize\s+24/);
    expect(shown.stdout).toMatch(/linear\.y\.mae\.by_step\s+\S+\s+3\s+3/); // latest step 3 of 3
    expect(shown.stdout).toMatch(/model\/v0001\/model\.onnx\s+\d+\s+local/);
    expect(shown.stdout).toMatch(/cli-demand\s+challenger\s+pending/);

    const missing = await twigaRuns(['runs', 'show', 'ffffffff', '--dir', join(dir, 'store')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('TRACKING_NOT_FOUND');
    const noServer = await twigaRuns(['runs', 'sync', '--dir', join(dir, 'store')]);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('TRACKING_INVALID');
  });

  describe.skipIf(SKIP_MLFLOW)('sync --to a real MLflow server', () => {
    let server: MlflowServer;
    beforeAll(async () => {
      server = await startMlflowServer();
    });
    afterAll(() => server?.destroy());

    it('replays every run, nested and with its model; a second sync changes nothing', async () => {
      const store = join(dir, 'store');
      const first = await twigaRuns(['runs', 'sync', '--to', server.uri, '--dir', store, '--json']);
      expect(first.code, first.stderr).toBe(0);
      const summary = JSON.parse(first.stdout);
      expect(summary).toMatchObject({ synced: 2, alreadySynced: 0, failed: 0 });
      const client = new MlflowClient({ trackingUri: server.uri });
      const parent = summary.runs.find((r: { runName: string }) => r.runName === 'nightly');
      const child = summary.runs.find((r: { runName: string }) => r.runName === 'fold-0');
      const remoteChild = await client.getRun(child.remoteRunId);
      expect(remoteChild.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value).toBe(
        parent.remoteRunId,
      );
      expect(remoteChild.data.metrics).toEqual([expect.objectContaining({ key: 'mae', value: 0.25 })]);
      expect(
        (await client.getMetricHistory(parent.remoteRunId, 'linear.y.mae.by_step')).map((m) => m.step),
      ).toEqual([1, 2, 3]);
      const version = await client.registry.getModelVersionByAlias('cli-demand', 'challenger');
      expect(version).toMatchObject({ status: 'READY', run_id: parent.remoteRunId });

      const second = await twigaRuns(['runs', 'sync', '--to', server.uri, '--dir', store, '--json']);
      expect(JSON.parse(second.stdout)).toMatchObject({ synced: 0, alreadySynced: 2, failed: 0 });
      const experiment = await client.getExperimentByName('cli-test');
      expect((await client.searchRuns({ experimentIds: [experiment!.experiment_id] })).runs).toHaveLength(2);
      expect(await client.registry.searchModelVersions("name = 'cli-demand'")).toHaveLength(1);
      const listed = await twigaRuns(['runs', 'list', '--dir', store]);
      expect(listed.stdout.match(/ synced$/gm)).toHaveLength(2);
    });
  });
});
