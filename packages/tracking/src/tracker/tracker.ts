import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Logger } from '@twiga/core';
import { MlflowClient, type MlflowClientOptions } from '../client/mlflow-client.js';
import { type TrackingSettings, trackingConfig } from '../config.js';
import type { LocalRun } from '../local-store/schema.js';
import { LocalRunStore } from '../local-store/store.js';
import { type RemoteSession, TrackedRun } from './tracked-run.js';

/** Options of {@link TwigaTracker}. */
export interface TwigaTrackerOptions {
  /** MLflow server; unset = the local store only. */
  trackingUri?: string | undefined;
  /** A ready client (wins over `trackingUri`). */
  client?: MlflowClient | undefined;
  /** Auth, timeout, retry policy and logger of the client made from `trackingUri`. */
  clientOptions?: Omit<MlflowClientOptions, 'trackingUri'>;
  /** MLflow experiment of every run. @default 'twiga' */
  experimentName?: string;
  /** Local run store directory. @default './twiga-runs' */
  localStore?: string;
  /** Where outages are warned about. @default none */
  logger?: Logger | undefined;
}

/** Options of {@link TwigaTracker.run}. */
export interface RunOptions {
  runName?: string;
  tags?: Record<string, string>;
}

/** Defaults of {@link TwigaTrackerOptions}. */
export const TRACKER_DEFAULTS = Object.freeze({ experimentName: 'twiga', localStore: './twiga-runs' });

/**
 * Logs training runs to MLflow, or to a local store when no server is configured, and never loses one:
 * every run is journalled in the local store, and a run whose server becomes unreachable goes on there
 * (warned) until `twiga runs sync` replays it.
 */
export class TwigaTracker {
  readonly store: LocalRunStore;
  readonly client: MlflowClient | undefined;
  readonly experimentName: string;
  private readonly logger: Logger | undefined;
  private experimentId: Promise<string> | undefined;

  constructor(options: TwigaTrackerOptions = {}) {
    this.store = new LocalRunStore(options.localStore ?? TRACKER_DEFAULTS.localStore);
    this.experimentName = options.experimentName ?? TRACKER_DEFAULTS.experimentName;
    this.logger = options.logger;
    this.client =
      options.client ??
      (options.trackingUri === undefined
        ? undefined
        : new MlflowClient({
            logger: options.logger,
            ...options.clientOptions,
            trackingUri: options.trackingUri,
          }));
  }

  /** A tracker from settings (`TWIGA_MLFLOW_*`, falling back to `MLFLOW_TRACKING_*` in `env`). */
  static fromSettings(
    settings: TrackingSettings,
    options: { logger?: Logger; env?: Record<string, string | undefined> } = {},
  ): TwigaTracker {
    const cfg = trackingConfig(settings, options.env);
    return new TwigaTracker({
      trackingUri: cfg.trackingUri,
      experimentName: cfg.experimentName,
      localStore: cfg.localStore,
      logger: options.logger,
      clientOptions: { auth: cfg.auth, timeoutMs: cfg.timeoutMs, retry: { maxTries: cfg.maxTries } },
    });
  }

  /** The MLflow server runs go to, or undefined. */
  get trackingUri(): string | undefined {
    return this.client?.trackingUri;
  }

  /**
   * Open a run, call `fn` with it, and end it `FINISHED` — or `FAILED` when `fn` throws (the error is
   * rethrown). Returns what `fn` returns.
   */
  run<T>(options: RunOptions, fn: (run: TrackedRun) => Promise<T>): Promise<T> {
    return this.execute(options, undefined, fn);
  }

  private async execute<T>(
    options: RunOptions,
    parent: TrackedRun | undefined,
    fn: (run: TrackedRun) => Promise<T>,
  ): Promise<T> {
    const run = await this.open(options, parent);
    let result: T;
    try {
      result = await fn(run);
    } catch (err) {
      await run.end('FAILED');
      throw err;
    }
    await run.end('FINISHED');
    return result;
  }

  private async open(options: RunOptions, parent: TrackedRun | undefined): Promise<TrackedRun> {
    const runId = randomUUID().replaceAll('-', '');
    const startTime = Date.now();
    const tags: Record<string, string> = {
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.name': process.argv[1] ?? 'node',
      'mlflow.user': safeUser(),
      ...options.tags,
    };
    const record: LocalRun = {
      formatVersion: 1,
      runId,
      experimentName: this.experimentName,
      runName: options.runName ?? `run-${runId.slice(0, 8)}`,
      ...(this.client === undefined ? {} : { trackingUri: this.client.trackingUri }),
      ...(parent === undefined ? {} : { parentRunId: parent.id }),
      status: 'RUNNING',
      startTime,
      tags,
      params: {},
      metrics: [],
      inputs: [],
      artifacts: [],
      models: [],
      remotes: {},
    };
    await this.store.write(record);
    let remote: RemoteSession | undefined;
    // A child goes live only under a live parent, so the nesting on MLflow is never lost.
    if (this.client && (parent === undefined || !parent.spooling)) {
      try {
        const experimentId = await this.resolveExperiment(this.client);
        const created = await this.client.createRun({
          experimentId,
          runName: record.runName,
          startTime,
          tags:
            parent?.remoteRunId === undefined ? tags : { ...tags, 'mlflow.parentRunId': parent.remoteRunId },
          idempotencyKey: runId,
        });
        remote = {
          client: this.client,
          experimentId,
          runId: created.info.run_id,
          artifactUri: created.info.artifact_uri,
          offline: false,
        };
        record.remotes[this.client.trackingUri] = { experimentId, runId: created.info.run_id };
        await this.store.write(record);
      } catch (err) {
        this.logger?.warn(
          { run: runId, code: (err as { code?: unknown }).code ?? null, store: this.store.dir },
          'MLflow unreachable at run start: logging to the local store; replay it with `twiga runs sync`',
        );
      }
    }
    return new TrackedRun({
      store: this.store,
      record,
      remote,
      trackingUri: this.client?.trackingUri,
      logger: this.logger,
      child: (p, o, f) => this.execute(o, p, f),
    });
  }

  private resolveExperiment(client: MlflowClient): Promise<string> {
    this.experimentId ??= client.getOrCreateExperiment(this.experimentName).then(
      (e) => e.experiment_id,
      (err: unknown) => {
        this.experimentId = undefined;
        throw err;
      },
    );
    return this.experimentId;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
