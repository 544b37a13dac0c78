import { loadSettings } from '@twiga/core';
import {
  decodeValue,
  type LocalRun,
  LocalRunStore,
  MlflowClient,
  syncRuns,
  TrackingInvalidError,
  trackingConfig,
} from '@twiga/tracking';
import { table } from '../format.js';

/** Options shared by the `twiga runs` commands. */
export interface RunsOptions {
  /** Local run store (`TWIGA_MLFLOW_LOCAL_STORE`). */
  dir?: string;
  json?: boolean;
}

function config(dir: string | undefined) {
  const settings = loadSettings(dir === undefined ? {} : { overrides: { TWIGA_MLFLOW_LOCAL_STORE: dir } });
  return trackingConfig(settings);
}

/** Where a run stands: `local` (never meant for a server), `pending` (to replay), or `synced`. */
export function syncState(run: LocalRun): string {
  const synced = Object.entries(run.remotes).filter(([, r]) => r.syncedAt !== undefined);
  if (synced.length > 0) return 'synced';
  return run.trackingUri === undefined && Object.keys(run.remotes).length === 0 ? 'local' : 'pending';
}

/** `twiga runs list`: every run in the local store, oldest first. */
export async function listRuns(options: RunsOptions, log: (line: string) => void): Promise<void> {
  const store = new LocalRunStore(config(options.dir).localStore);
  const runs = await store.list();
  if (options.json) {
    log(
      JSON.stringify({
        store: store.dir,
        runs: runs.map((r) => ({
          runId: r.runId,
          runName: r.runName,
          parentRunId: r.parentRunId ?? null,
          status: r.status,
          startTime: new Date(r.startTime).toISOString(),
          metrics: r.metrics.length,
          params: Object.keys(r.params).length,
          artifacts: r.artifacts.length,
          sync: syncState(r),
          remotes: r.remotes,
        })),
      }),
    );
    return;
  }
  if (runs.length === 0) {
    log(`no runs in ${store.dir}`);
    return;
  }
  log(
    table(
      ['run', 'name', 'status', 'started', 'params', 'metrics', 'artifacts', 'sync'],
      runs.map((r) => [
        r.parentRunId === undefined ? r.runId.slice(0, 12) : `└ ${r.runId.slice(0, 10)}`,
        r.runName,
        r.status,
        new Date(r.startTime).toISOString().slice(0, 19),
        String(Object.keys(r.params).length),
        String(r.metrics.length),
        String(r.artifacts.length),
        syncState(r),
      ]),
    ),
  );
}

/** `twiga runs show ID`: one run (id or a unique prefix): params, latest metrics, tags, inputs, artifacts, models. */
export async function showRun(id: string, options: RunsOptions, log: (line: string) => void): Promise<void> {
  const store = new LocalRunStore(config(options.dir).localStore);
  const run = await store.read(id);
  if (options.json) {
    log(JSON.stringify(run));
    return;
  }
  const latest = new Map<string, { value: number; step: number; steps: number }>();
  for (const m of run.metrics) {
    const prev = latest.get(m.key);
    const steps = (prev?.steps ?? 0) + 1;
    if (!prev || m.step >= prev.step) latest.set(m.key, { value: decodeValue(m.value), step: m.step, steps });
    else prev.steps = steps;
  }
  log(`run ${run.runId} (${run.runName})`);
  log(`  experiment ${run.experimentName}, status ${run.status}, sync ${syncState(run)}`);
  log(
    `  started ${new Date(run.startTime).toISOString()}${run.endTime ? `, ended ${new Date(run.endTime).toISOString()}` : ''}`,
  );
  if (run.parentRunId) log(`  parent ${run.parentRunId}`);
  for (const [uri, r] of Object.entries(run.remotes))
    log(
      `  on ${uri}: run ${r.runId}${r.syncedAt ? `, synced ${r.syncedAt}` : ', not synced'}${r.error ? ` (last error ${r.error})` : ''}`,
    );
  const section = (title: string, header: string[], rows: string[][]) => {
    if (rows.length === 0) return;
    log(`\n${title}`);
    log(table(header, rows));
  };
  section(
    'params',
    ['key', 'value'],
    Object.entries(run.params).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 77)}...` : v]),
  );
  section(
    'metrics (latest step)',
    ['key', 'value', 'step', 'steps'],
    [...latest].map(([k, v]) => [k, String(v.value), String(v.step), String(v.steps)]),
  );
  section(
    'tags',
    ['key', 'value'],
    Object.entries(run.tags).map(([k, v]) => [k, v]),
  );
  section(
    'inputs',
    ['name', 'digest', 'context', 'source'],
    run.inputs.map((i) => [i.name, i.digest, i.context ?? '', i.source]),
  );
  section(
    'artifacts',
    ['path', 'bytes', 'where'],
    run.artifacts.map((a) => [a.path, String(a.size), a.local ? 'local' : 'server']),
  );
  section(
    'models',
    ['name', 'alias', 'version', 'path'],
    run.models.map((m) => [m.registeredModelName, m.alias ?? '', m.version ?? 'pending', m.artifactPath]),
  );
}

/** Options of {@link syncRunsCommand}. */
export interface SyncCommandOptions extends RunsOptions {
  /** MLflow tracking URI. @default TWIGA_MLFLOW_TRACKING_URI (or MLFLOW_TRACKING_URI) */
  to?: string;
  includeRunning?: boolean;
}

/**
 * `twiga runs sync [--to URI]`: replay runs not yet on that server, idempotently. Returns the exit code: 0
 * when every run is synced (or was), 1 when some failed (they stay pending for the next sync).
 */
export async function syncRunsCommand(
  options: SyncCommandOptions,
  log: (line: string) => void,
): Promise<number> {
  const cfg = config(options.dir);
  const uri = options.to ?? cfg.trackingUri;
  if (uri === undefined)
    throw new TrackingInvalidError(
      'no MLflow server to sync to: pass --to http://host:5000 or set TWIGA_MLFLOW_TRACKING_URI',
    );
  const client = new MlflowClient({
    trackingUri: uri,
    auth: cfg.auth,
    timeoutMs: cfg.timeoutMs,
    retry: { maxTries: cfg.maxTries },
  });
  const store = new LocalRunStore(cfg.localStore);
  const results = await syncRuns({ client, store, includeRunning: options.includeRunning ?? false });
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  const summary = {
    to: client.trackingUri,
    synced: count('synced'),
    alreadySynced: count('already-synced'),
    running: count('running'),
    failed: count('failed'),
  };
  if (options.json) log(JSON.stringify({ ...summary, runs: results }));
  else {
    for (const r of results) {
      if (r.outcome === 'synced')
        log(
          `synced ${r.runId.slice(0, 12)} (${r.runName}) -> ${r.remoteRunId}: ${r.metrics} metrics, ${r.artifacts} artifacts${r.models.length ? `, models ${r.models.join(' ')}` : ''}`,
        );
      else if (r.outcome === 'failed') log(`FAILED ${r.runId.slice(0, 12)} (${r.runName}): ${r.error}`);
      else if (r.outcome === 'running')
        log(`skipped ${r.runId.slice(0, 12)} (${r.runName}): still RUNNING (--include-running to replay it)`);
    }
    log(
      `${summary.synced} synced, ${summary.alreadySynced} already synced, ${summary.running} running, ${summary.failed} failed -> ${summary.to}`,
    );
  }
  return summary.failed > 0 ? 1 : 0;
}
