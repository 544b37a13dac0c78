import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@twiga/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeValue,
  frameDigest,
  type LocalRun,
  LocalRunStore,
  MlflowClient,
  RUN_UUID_TAG,
  syncRuns,
  TrackingNotFoundError,
  TwigaTracker,
  type UploadProgress,
} from '../src/index.js';
import { type Trained, trainSmall } from './fixtures.js';
import { type MlflowServer, SKIP_MLFLOW, startMlflowServer } from './mlflow-server.js';

/** Retries fast enough for a test, but still several tries. */
const FAST = { maxTries: 3, backoffMs: 20, jitterMs: 10 };

/** Every value MLflow holds for every metric key the local record has, checked row by row. */
async function expectMetricsOnServer(
  client: MlflowClient,
  remoteRunId: string,
  record: LocalRun,
): Promise<number> {
  const byKey = new Map<string, { step: number; value: number; timestamp: number }[]>();
  for (const m of record.metrics) {
    const rows = byKey.get(m.key) ?? [];
    rows.push({ step: m.step, value: decodeValue(m.value), timestamp: m.timestamp });
    byKey.set(m.key, rows);
  }
  let total = 0;
  for (const [key, expected] of byKey) {
    const history = await client.getMetricHistory(remoteRunId, key);
    const sortedExpected = [...expected].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    // Exactly once each: same length, same steps, same values (NaN stays NaN).
    expect(
      history.map((h) => h.step),
      key,
    ).toEqual(sortedExpected.map((e) => e.step));
    history.forEach((h, i) => {
      const want = sortedExpected[i]!.value;
      if (Number.isNaN(want)) expect(h.value, key).toBeNaN();
      else expect(h.value, key).toBeCloseTo(want, 9);
      expect(h.timestamp).toBe(sortedExpected[i]!.timestamp);
    });
    total += history.length;
  }
  return total;
}

function captureLogger(): {
  logger: ReturnType<typeof createLogger>;
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    logger: createLogger({ TWIGA_LOG_LEVEL: 'warn' }, { destination: stream }),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe.skipIf(SKIP_MLFLOW)('tracking against a real MLflow server', () => {
  let server: MlflowServer;
  let client: MlflowClient;
  let trained: Trained;
  let storeDir: string;

  beforeAll(async () => {
    [server, trained, storeDir] = await Promise.all([
      startMlflowServer(),
      trainSmall(),
      mkdtemp(join(tmpdir(), 'twiga-runs-')),
    ]);
    client = new MlflowClient({ trackingUri: server.uri, retry: FAST, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await server?.destroy();
    await trained?.forecaster.close();
    if (trained) await rm(trained.checkpointDir, { recursive: true, force: true });
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  it('logs a training run that reads back whole: params, every metric step, tags, input, artifacts, model + alias', async () => {
    const tracker = new TwigaTracker({
      trackingUri: server.uri,
      experimentName: 'twiga-test',
      localStore: join(storeDir, 'live'),
      clientOptions: { retry: FAST },
    });
    const { forecaster, frame, report, predictions, checkpointDir } = trained;
    let childIds: string[] = [];
    const { run, logged } = await tracker.run(
      { runName: 'fit-1', tags: { team: 'forecasting' } },
      async (run) => {
        await run.logForecasterMetadata(forecaster, {
          frame,
          source: 'synthetic://hourly',
          name: 'hourly-demand',
        });
        await run.logEvaluation(report, { predictions, folds: [report, report] });
        childIds = await Promise.all(
          [0, 1].map((k) =>
            run.child({ runName: `fold-${k}` }, async (child) => {
              await child.logEvaluation(report);
              return child.remoteRunId!;
            }),
          ),
        );
        const uploads: UploadProgress[] = [];
        const logged = await run.logModel(checkpointDir, {
          registeredModelName: 'demand',
          alias: 'champion',
          onProgress: (p) => uploads.push(p),
        });
        // One report per uploaded file, the last one complete.
        expect(uploads.map((u) => u.files)).toEqual(logged.files.map((_, i) => i + 1));
        expect(uploads.at(-1)!.bytes).toBe(uploads.at(-1)!.totalBytes);
        return { run, logged };
      },
    );
    expect(run.spooling).toBe(false);
    const record = run.record;
    expect(record.status).toBe('FINISHED');
    expect(record.remotes[server.uri]?.syncedAt).toBeDefined();
    const remoteId = run.remoteRunId!;

    const remote = await client.getRun(remoteId);
    expect(remote.info.status).toBe('FINISHED');
    expect(remote.info.run_name).toBe('fit-1');
    // Params: every one, exactly as logged (config flattened, models, feature count).
    const params = Object.fromEntries(remote.data.params.map((p) => [p.key, p.value]));
    expect(params).toEqual(record.params);
    expect(params).toMatchObject({
      'data.lookbackWindowSize': '24',
      'data.forecastHorizon': '6',
      'data.lags': '[24]',
      'model.linear.type': 'linear',
      'model.linear.alpha': '0.1',
      model_type: 'linear',
      n_features: String(
        JSON.parse(await readFile(join(checkpointDir, 'v0001', 'pipeline.json'), 'utf8')).featureNames.length,
      ),
    });
    // Tags.
    const tags = Object.fromEntries(remote.data.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      team: 'forecasting',
      [RUN_UUID_TAG]: record.runId,
      'mlflow.runName': 'fit-1',
    });
    // Dataset input: name, digest of the data, source.
    expect(remote.inputs.dataset_inputs).toHaveLength(1);
    expect(remote.inputs.dataset_inputs[0]!.dataset).toMatchObject({
      name: 'hourly-demand',
      digest: frameDigest(frame),
      source: JSON.stringify({ uri: 'synthetic://hourly' }),
    });
    // Every metric at every step, once: 2 models × (6 overall + 6 per target + 6 × 6 horizon steps) + folds.
    const rows = await expectMetricsOnServer(client, remoteId, record);
    expect(rows).toBe(2 * (6 + 6 + 36) + 2 * 2 * 6);
    expect((await client.getMetricHistory(remoteId, 'linear.load.mae.by_step')).map((m) => m.step)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    // Artifacts: byte-identical after download (the checkpoint files against the files on disk).
    const files = await client.artifacts.listFiles(remote.info.artifact_uri);
    expect(files.map((f) => f.path).sort()).toEqual(record.artifacts.map((a) => a.path).sort());
    for (const name of [
      '_checkpoint_manifest.json',
      'v0001/model.onnx',
      'v0001/pipeline.json',
      'v0001/checkpoint.json',
    ]) {
      const downloaded = await client.artifacts.download(remote.info.artifact_uri, `model/${name}`);
      expect(Buffer.compare(Buffer.from(downloaded), await readFile(join(checkpointDir, name))), name).toBe(
        0,
      );
    }
    const csv = Buffer.from(
      await client.artifacts.download(remote.info.artifact_uri, 'evaluation/predictions.csv'),
    ).toString();
    expect(csv.trim().split('\n')).toHaveLength(1 + 2 * 6);
    // Registry: version READY, from this run, the alias on it.
    const version = await client.registry.getModelVersionByAlias('demand', 'champion');
    expect(version).toMatchObject({ status: 'READY', run_id: remoteId, version: logged.version });
    expect(version.source).toBe(`${remote.info.artifact_uri}/model`);
    expect(logged.aliasSet).toBe(true);
    // Nested fold runs under the parent.
    for (const id of childIds) {
      const child = await client.getRun(id);
      expect(child.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value).toBe(remoteId);
      expect(child.info.status).toBe('FINISHED');
    }
  });

  it('ends a run FAILED when its callback throws, and rethrows', async () => {
    const tracker = new TwigaTracker({
      trackingUri: server.uri,
      experimentName: 'twiga-test',
      localStore: join(storeDir, 'live'),
    });
    let remoteId: string | undefined;
    const boom = new Error('training diverged');
    await expect(
      tracker.run({ runName: 'bad' }, async (run) => {
        remoteId = run.remoteRunId;
        await run.logMetrics({ loss: 1.5 }, { step: 0 });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await client.getRun(remoteId!)).info.status).toBe('FAILED');
  });

  it('splits a large log-batch to MLflow limits; creates are idempotent; unknown things are TRACKING_NOT_FOUND', async () => {
    const experiment = await client.getOrCreateExperiment('twiga-batch');
    expect((await client.getOrCreateExperiment('twiga-batch')).experiment_id).toBe(experiment.experiment_id);
    const first = await client.createRun({
      experimentId: experiment.experiment_id,
      idempotencyKey: 'a'.repeat(32),
    });
    const again = await client.createRun({
      experimentId: experiment.experiment_id,
      idempotencyKey: 'a'.repeat(32),
    });
    expect(again.info.run_id).toBe(first.info.run_id);
    const runId = first.info.run_id;
    const metrics = Array.from({ length: 2500 }, (_, i) => ({
      key: 'curve',
      value: i / 7,
      step: i,
      timestamp: 1_700_000_000_000,
    }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(5000) }));
    const tags = Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, value: String(i) }));
    await client.logBatch(runId, { metrics, params, tags });
    await client.logBatch(runId, { metrics }); // a retried batch: MLflow stores each identical row once
    expect(await client.getMetricHistory(runId, 'curve')).toHaveLength(2500);
    const run = await client.getRun(runId);
    expect(run.data.params).toHaveLength(250);
    expect(run.data.tags.filter((t) => /^t\d+$/.test(t.key))).toHaveLength(150);
    await expect(client.getRun('0'.repeat(32))).rejects.toBeInstanceOf(TrackingNotFoundError);
    await expect(client.registry.getModelVersionByAlias('demand', 'nope')).rejects.toMatchObject({
      code: 'TRACKING_NOT_FOUND',
    });
    await expect(client.registry.getModelVersionByAlias('no-such-model', 'x')).rejects.toMatchObject({
      code: 'TRACKING_NOT_FOUND',
    });
  });

  it('survives an outage mid-run: spools, warns, and sync replays every metric exactly once; a second sync changes nothing', async () => {
    const localStore = join(storeDir, 'outage');
    const { logger, lines } = captureLogger();
    const tracker = new TwigaTracker({
      trackingUri: server.uri,
      experimentName: 'twiga-outage',
      localStore,
      logger,
      clientOptions: { retry: { maxTries: 2, backoffMs: 20, jitterMs: 10 }, timeoutMs: 5000 },
    });
    const { forecaster, frame, report, checkpointDir } = trained;
    const run = await tracker.run({ runName: 'outage' }, async (run) => {
      await run.logForecasterMetadata(forecaster, { frame, source: 'synthetic://hourly' });
      for (let epoch = 0; epoch < 5; epoch++)
        await run.logMetrics({ loss: 1 / (epoch + 1) }, { step: epoch });
      await server.stop(); // the server goes away in the middle of training
      for (let epoch = 5; epoch < 10; epoch++)
        await run.logMetrics({ loss: 1 / (epoch + 1) }, { step: epoch });
      await run.logEvaluation(report);
      await run.logModel(checkpointDir, { registeredModelName: 'demand-outage', alias: 'challenger' });
      return run;
    });
    expect(run.spooling).toBe(true);
    const spooled = run.record;
    expect(spooled.status).toBe('FINISHED');
    expect(spooled.remotes[server.uri]?.syncedAt).toBeUndefined();
    expect(spooled.artifacts.filter((a) => a.local).map((a) => a.path)).toContain('model/v0001/model.onnx');
    expect(lines().filter((l) => l.level === 40 && String(l.msg).includes('twiga runs sync'))).toHaveLength(
      1,
    );

    await server.start(); // same port, same sqlite db and artifacts
    const store = new LocalRunStore(localStore);
    const first = await syncRuns({ client, store });
    expect(first.map((r) => r.outcome)).toEqual(['synced']);
    const remoteId = first[0]!.remoteRunId!;
    expect(remoteId).toBe(run.remoteRunId); // the run created before the outage, not a second one
    const record = await store.read(run.id);
    expect(record.remotes[server.uri]?.syncedAt).toBeDefined();
    const rows = await expectMetricsOnServer(client, remoteId, record);
    expect((await client.getMetricHistory(remoteId, 'loss')).map((m) => m.step)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const remote = await client.getRun(remoteId);
    expect(remote.info.status).toBe('FINISHED');
    expect(remote.info.end_time).toBe(record.endTime);
    expect(Object.fromEntries(remote.data.params.map((p) => [p.key, p.value]))).toEqual(record.params);
    const model = await client.artifacts.download(remote.info.artifact_uri, 'model/v0001/model.onnx');
    expect(Buffer.compare(Buffer.from(model), await readFile(join(checkpointDir, 'v0001/model.onnx')))).toBe(
      0,
    );
    const alias = await client.registry.getModelVersionByAlias('demand-outage', 'challenger');
    expect(alias).toMatchObject({ status: 'READY', run_id: remoteId });

    // A second sync changes nothing.
    const snapshot = async () => ({
      runs: (await client.searchRuns({ experimentIds: [remote.info.experiment_id] })).runs.length,
      versions: (await client.registry.searchModelVersions("name = 'demand-outage'")).length,
      rows: await expectMetricsOnServer(client, remoteId, record),
    });
    const before = await snapshot();
    expect(before).toEqual({ runs: 1, versions: 1, rows });
    const second = await syncRuns({ client, store });
    expect(second.map((r) => r.outcome)).toEqual(['already-synced']);
    expect(await snapshot()).toEqual(before);
    // Even a full replay (as after a crash before the run was marked synced) adds nothing.
    const forgotten = await store.read(run.id);
    delete forgotten.remotes[server.uri]!.syncedAt;
    await store.write(forgotten);
    expect((await syncRuns({ client, store })).map((r) => r.outcome)).toEqual(['synced']);
    expect(await snapshot()).toEqual(before);
  });
});
