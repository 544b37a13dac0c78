import type { Logger } from '@twiga/core';
import type { MlflowClient } from '../client/mlflow-client.js';
import type { Run } from '../client/schemas.js';
import { TrackingInvalidError, TrackingNotFoundError } from '../errors.js';
import { decodeValue, type LocalRun } from '../local-store/schema.js';
import type { LocalRunStore } from '../local-store/store.js';
import { registerModelVersion } from '../tracker/register-model.js';

/** Options of {@link syncRuns}. */
export interface SyncOptions {
  client: MlflowClient;
  store: LocalRunStore;
  /** Also replay runs still RUNNING (e.g. left so by a crash); they stay unsynced. @default false */
  includeRunning?: boolean;
  /** Only these runs (ids or unique prefixes). @default every run */
  runIds?: string[];
  logger?: Logger | undefined;
}

/** What {@link syncRuns} did with one run. */
export interface SyncResult {
  runId: string;
  runName: string;
  outcome: 'synced' | 'already-synced' | 'running' | 'failed';
  remoteRunId?: string;
  metrics: number;
  artifacts: number;
  /** `<name>/<version>` of each model version registered or found. */
  models: string[];
  /** `code: message` when the outcome is `failed`. */
  error?: string;
}

/**
 * Replay local runs to MLflow, oldest first (parents before children). Idempotent: a run already synced to
 * this server is skipped; otherwise the remote run is found by its `twiga.run_uuid` tag (or created), and
 * params, tags, metrics (with their logged timestamps, which MLflow stores once), inputs, spooled
 * artifacts (PUT, same bytes), model versions (keyed by run and path) and the final status are sent again.
 * A run that fails is reported and left for the next sync; the others go on.
 */
export async function syncRuns(options: SyncOptions): Promise<SyncResult[]> {
  const { store } = options;
  const wanted = options.runIds
    ? new Set(await Promise.all(options.runIds.map((id) => store.resolveId(id))))
    : undefined;
  const results: SyncResult[] = [];
  for (const run of await store.list()) {
    if (wanted && !wanted.has(run.runId)) continue;
    results.push(await syncOne(run, options));
  }
  return results;
}

async function syncOne(run: LocalRun, options: SyncOptions): Promise<SyncResult> {
  const { client, store } = options;
  const uri = client.trackingUri;
  const base = { runId: run.runId, runName: run.runName, metrics: 0, artifacts: 0, models: [] as string[] };
  const known = run.remotes[uri];
  if (known?.syncedAt !== undefined) return { ...base, outcome: 'already-synced', remoteRunId: known.runId };
  if (run.status === 'RUNNING' && !options.includeRunning) return { ...base, outcome: 'running' };
  try {
    const experimentId = (await client.getOrCreateExperiment(run.experimentName)).experiment_id;
    const tags = { ...run.tags };
    if (run.parentRunId !== undefined) {
      const parent = await store.read(run.parentRunId);
      const parentRemote = parent.remotes[uri]?.runId;
      if (parentRemote === undefined)
        throw new TrackingInvalidError(`parent run ${run.parentRunId} is not on ${uri}; sync it first`);
      tags['mlflow.parentRunId'] = parentRemote;
    }
    const remote = await findOrCreate(client, run, experimentId, known?.runId, tags);
    run.remotes[uri] = { experimentId, runId: remote.info.run_id };
    await store.write(run);
    const remoteRunId = remote.info.run_id;
    await client.logBatch(remoteRunId, {
      params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      metrics: run.metrics.map((m) => ({ ...m, value: decodeValue(m.value) })),
    });
    await client.logInputs(
      remoteRunId,
      run.inputs.map((i) => ({
        dataset: {
          name: i.name,
          digest: i.digest,
          source_type: i.sourceType,
          source: i.source,
          ...(i.schema === undefined ? {} : { schema: i.schema }),
          ...(i.profile === undefined ? {} : { profile: i.profile }),
        },
        ...(i.context === undefined ? {} : { context: i.context }),
      })),
    );
    let artifacts = 0;
    for (const a of run.artifacts.filter((x) => x.local)) {
      await client.artifacts.upload(
        remote.info.artifact_uri,
        a.path,
        await store.readArtifact(run.runId, a.path),
      );
      artifacts++;
    }
    const models: string[] = [];
    for (const model of run.models) {
      const registered = await registerModelVersion(
        client,
        { localRunId: run.runId, remoteRunId, artifactUri: remote.info.artifact_uri },
        model,
        'replay',
      );
      model.version = registered.version.version;
      models.push(`${model.registeredModelName}/${model.version}`);
      if (model.alias !== undefined && !registered.aliasSet)
        options.logger?.warn(
          { run: run.runId, model: model.registeredModelName, alias: model.alias },
          'alias left on a model logged later than this replayed one',
        );
    }
    if (run.status !== 'RUNNING') {
      await client.updateRun(remoteRunId, {
        status: run.status,
        ...(run.endTime === undefined ? {} : { endTime: run.endTime }),
      });
      run.remotes[uri] = { experimentId, runId: remoteRunId, syncedAt: new Date().toISOString() };
    }
    await store.write(run);
    return { ...base, outcome: 'synced', remoteRunId, metrics: run.metrics.length, artifacts, models };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const error = `${typeof code === 'string' ? code : 'ERROR'}: ${(err as Error).message ?? String(err)}`;
    const state = run.remotes[uri];
    if (state) {
      state.error = error;
      await store.write(run).catch(() => undefined);
    }
    options.logger?.warn({ run: run.runId, error }, 'sync of a run failed; it stays pending');
    return { ...base, outcome: 'failed', error };
  }
}

async function findOrCreate(
  client: MlflowClient,
  run: LocalRun,
  experimentId: string,
  knownRunId: string | undefined,
  tags: Record<string, string>,
): Promise<Run> {
  if (knownRunId !== undefined) {
    try {
      return await client.getRun(knownRunId);
    } catch (err) {
      if (!(err instanceof TrackingNotFoundError)) throw err;
    }
  }
  return client.createRun({
    experimentId,
    runName: run.runName,
    startTime: run.startTime,
    tags,
    idempotencyKey: run.runId,
  });
}
