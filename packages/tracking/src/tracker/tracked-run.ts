import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from '@twiga/core';
import type { EvaluationReport, RawPrediction, TwigaForecaster } from '@twiga/forecaster';
import { joinArtifactPath } from '../client/artifacts.js';
import { type MetricInput, validateBatch, validateKey } from '../client/batch.js';
import type { MlflowClient } from '../client/mlflow-client.js';
import { TrackingInvalidError } from '../errors.js';
import { encodeValue, type LocalRun } from '../local-store/schema.js';
import type { LocalRunStore } from '../local-store/store.js';
import { readCheckpointFiles } from './checkpoint-files.js';
import { evaluationMetrics, foldMetrics, metricsTableCsv, predictionsCsv } from './evaluation.js';
import { type DataDescription, type DatasetInfo, forecasterMetadata } from './forecaster-metadata.js';
import { registerModelVersion } from './register-model.js';

/** A run's live connection to MLflow; `offline` once a call failed (the rest is spooled). */
export interface RemoteSession {
  client: MlflowClient;
  experimentId: string;
  runId: string;
  artifactUri: string;
  offline: boolean;
}

/** Options of {@link TrackedRun.logEvaluation}. */
export interface LogEvaluationOptions {
  /** Forecasts to save as `<artifactDir>/predictions.csv`. */
  predictions?: readonly RawPrediction[];
  /** Backtest fold reports: logged as `<model>.<metric>.by_fold` with step = fold index. */
  folds?: readonly EvaluationReport[];
  /** Prefix of every metric key (e.g. `validation`). */
  prefix?: string;
  /** Artifact folder of the metrics table and predictions. @default 'evaluation' */
  artifactDir?: string;
}

/** Options of {@link TrackedRun.logModel}. */
export interface LogModelOptions {
  /** Register the checkpoint as a version of this registered model. */
  registeredModelName?: string;
  /** Point this alias (e.g. `challenger`, `champion`) at the new version. */
  alias?: string;
  /** Artifact folder of the checkpoint files. @default 'model' */
  artifactPath?: string;
  /** Called after each file is uploaded (or spooled locally), for a progress bar. */
  onProgress?: (progress: UploadProgress) => void;
}

/** How far {@link TrackedRun.logModel} is: files and bytes done of the checkpoint's total. */
export interface UploadProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** What {@link TrackedRun.logModel} did. */
export interface LoggedModel {
  artifactPath: string;
  checkpointVersion: number;
  files: string[];
  registeredModelName?: string;
  /** The registry version, when MLflow was reachable; otherwise `twiga runs sync` registers it. */
  version?: string;
  alias?: string;
  /** True when the alias now points at `version`. */
  aliasSet: boolean;
}

/** What a run needs from its tracker. */
export interface RunContext {
  store: LocalRunStore;
  record: LocalRun;
  remote: RemoteSession | undefined;
  trackingUri: string | undefined;
  logger: Logger | undefined;
  child: <T>(
    parent: TrackedRun,
    options: { runName?: string; tags?: Record<string, string> },
    fn: (run: TrackedRun) => Promise<T>,
  ) => Promise<T>;
}

/**
 * One open run. Everything is written to the local store first (atomically), then sent to MLflow when a
 * server is configured and reachable; when a call fails the run goes offline — it keeps logging to the
 * local store, warns once, and `twiga runs sync` replays it later. Calls are serialised in call order.
 */
export class TrackedRun {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: RunContext) {}

  /** Local run id (32 hex), also the run's `twiga.run_uuid` tag on MLflow. */
  get id(): string {
    return this.ctx.record.runId;
  }

  /** The MLflow run id, when the run reached a server. */
  get remoteRunId(): string | undefined {
    return this.ctx.remote?.runId;
  }

  /** True when nothing more goes to MLflow live (no server, or it failed): the local store holds the rest. */
  get spooling(): boolean {
    return this.ctx.remote === undefined || this.ctx.remote.offline;
  }

  /** A copy of the run's local record. */
  get record(): LocalRun {
    return structuredClone(this.ctx.record);
  }

  /** Log params; a key already logged with another value is `TRACKING_INVALID` (MLflow refuses it too). */
  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    const rows = Object.entries(params).map(([key, v]) => ({ key, value: String(v) }));
    validateBatch({ metrics: [], params: rows, tags: [] });
    for (const { key, value } of rows) {
      const old = this.ctx.record.params[key];
      if (old !== undefined && old !== value)
        throw new TrackingInvalidError(
          `param ${key} was logged as ${JSON.stringify(old)}; params cannot change`,
          { key },
        );
    }
    return this.serial(async () => {
      for (const { key, value } of rows) this.ctx.record.params[key] = value;
      await this.save();
      await this.remoteCall('log params', (s) => s.client.logBatch(s.runId, { params: rows }));
    });
  }

  /** Log metrics at one step (default 0) and timestamp (default now). */
  logMetrics(
    metrics: Record<string, number>,
    options: { step?: number; timestamp?: number } = {},
  ): Promise<void> {
    const timestamp = options.timestamp ?? Date.now();
    return this.logMetricRows(
      Object.entries(metrics).map(([key, value]) => ({ key, value, step: options.step ?? 0, timestamp })),
    );
  }

  /** Log metric rows (key, value, step, timestamp): the general form of {@link logMetrics}. */
  async logMetricRows(rows: readonly MetricInput[]): Promise<void> {
    validateBatch({ metrics: [...rows], params: [], tags: [] });
    return this.serial(async () => {
      for (const r of rows)
        this.ctx.record.metrics.push({
          key: r.key,
          value: encodeValue(r.value),
          step: r.step,
          timestamp: r.timestamp,
        });
      await this.save();
      await this.remoteCall('log metrics', (s) => s.client.logBatch(s.runId, { metrics: [...rows] }));
    });
  }

  /** Set tags (a tag set again is overwritten). */
  async setTags(tags: Record<string, string>): Promise<void> {
    const rows = Object.entries(tags).map(([key, value]) => ({ key, value }));
    validateBatch({ metrics: [], params: [], tags: rows });
    return this.serial(async () => {
      Object.assign(this.ctx.record.tags, tags);
      await this.save();
      await this.remoteCall('set tags', (s) => s.client.logBatch(s.runId, { tags: rows }));
    });
  }

  /** Log a dataset input (name, digest, source; MLflow keeps one per dataset and context). */
  logInput(input: DatasetInfo): Promise<void> {
    return this.serial(async () => {
      const same = (i: DatasetInfo) =>
        i.name === input.name && i.digest === input.digest && i.context === input.context;
      if (!this.ctx.record.inputs.some(same)) this.ctx.record.inputs.push(input);
      await this.save();
      await this.remoteCall('log inputs', (s) =>
        s.client.logInputs(s.runId, [
          {
            dataset: {
              name: input.name,
              digest: input.digest,
              source_type: input.sourceType,
              source: input.source,
              ...(input.schema === undefined ? {} : { schema: input.schema }),
              ...(input.profile === undefined ? {} : { profile: input.profile }),
            },
            ...(input.context === undefined ? {} : { context: input.context }),
          },
        ]),
      );
    });
  }

  /** Save bytes (or UTF-8 text) as artifact `path` of the run. */
  async logArtifact(path: string, data: Uint8Array | string): Promise<void> {
    const clean = joinArtifactPath(path);
    if (clean === '') throw new TrackingInvalidError('an artifact needs a path');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.serial(async () => {
      const uploaded = await this.remoteCall(`upload ${clean}`, (s) =>
        s.client.artifacts.upload(s.artifactUri, clean, bytes),
      );
      if (!uploaded) await this.ctx.store.writeArtifact(this.id, clean, bytes);
      const entry = {
        path: clean,
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        local: !uploaded,
      };
      const artifacts = this.ctx.record.artifacts.filter((a) => a.path !== clean);
      artifacts.push(entry);
      this.ctx.record.artifacts = artifacts;
      await this.save();
    });
  }

  /** Save a file as an artifact (under `artifactDir`, keeping its name). */
  async logArtifactFile(file: string, artifactDir?: string): Promise<void> {
    await this.logArtifact(joinArtifactPath(artifactDir, basename(file)), await readFile(file));
  }

  /** Run `fn` in a nested run (e.g. one backtest fold), ended FINISHED or FAILED like the parent. */
  child<T>(
    options: { runName?: string; tags?: Record<string, string> },
    fn: (run: TrackedRun) => Promise<T>,
  ): Promise<T> {
    return this.ctx.child(this, options, fn);
  }

  /**
   * Log what describes a forecaster: its config flattened to `data.*` params, models as `model.<label>.*`,
   * `model_type`, `n_features`, the feature list (artifact `features.json`) and, given `data`, the training
   * data's digest and source as a dataset input.
   */
  async logForecasterMetadata(forecaster: TwigaForecaster, data?: DataDescription): Promise<void> {
    const meta = forecasterMetadata(forecaster, data);
    await this.logParams(meta.params);
    await this.setTags(meta.tags);
    await this.logArtifact('features.json', `${JSON.stringify(meta.featureNames, null, 1)}\n`);
    if (meta.dataset) await this.logInput(meta.dataset);
  }

  /**
   * Log an evaluation: metrics per model, target and horizon step (step = horizon step), optional fold
   * metrics, the metrics table (`evaluation/metrics.csv`) and optional predictions (`evaluation/predictions.csv`).
   */
  async logEvaluation(report: EvaluationReport, options: LogEvaluationOptions = {}): Promise<void> {
    const now = Date.now();
    const dir = options.artifactDir ?? 'evaluation';
    await this.logMetricRows([
      ...evaluationMetrics(report, now, options.prefix),
      ...(options.folds ? foldMetrics(options.folds, now) : []),
    ]);
    await this.logArtifact(`${dir}/metrics.csv`, metricsTableCsv(report));
    if (options.predictions)
      await this.logArtifact(`${dir}/predictions.csv`, predictionsCsv(options.predictions));
  }

  /**
   * Upload the current checkpoint version of `checkpointDir` (manifest, `checkpoint.json`, every file,
   * checksums verified first) under `artifactPath`, then optionally register it as a model version and set
   * an alias. While MLflow is unreachable the files are kept in the local store and `sync` registers them.
   */
  async logModel(checkpointDir: string, options: LogModelOptions = {}): Promise<LoggedModel> {
    const artifactPath = joinArtifactPath(options.artifactPath ?? 'model');
    if (options.alias !== undefined) validateKey('tag', options.alias);
    const { meta, files } = await readCheckpointFiles(checkpointDir);
    const totalBytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
    let bytes = 0;
    for (const [i, f] of files.entries()) {
      await this.logArtifact(`${artifactPath}/${f.path}`, f.bytes);
      bytes += f.bytes.byteLength;
      options.onProgress?.({ files: i + 1, totalFiles: files.length, bytes, totalBytes });
    }
    const out: LoggedModel = {
      artifactPath,
      checkpointVersion: meta.version,
      files: files.map((f) => f.path),
      aliasSet: false,
      ...(options.alias === undefined ? {} : { alias: options.alias }),
    };
    const name = options.registeredModelName;
    if (name === undefined) return out;
    out.registeredModelName = name;
    await this.serial(async () => {
      const entry: LocalRun['models'][number] = {
        registeredModelName: name,
        artifactPath,
        loggedAt: Date.now(),
        checkpointVersion: meta.version,
        ...(options.alias === undefined ? {} : { alias: options.alias }),
      };
      this.ctx.record.models.push(entry);
      await this.save();
      await this.remoteCall(`register ${name}`, async (s) => {
        const registered = await registerModelVersion(
          s.client,
          { localRunId: this.id, remoteRunId: s.runId, artifactUri: s.artifactUri },
          entry,
          'live',
        );
        entry.version = registered.version.version;
        out.version = registered.version.version;
        out.aliasSet = registered.aliasSet;
      });
      await this.save();
    });
    return out;
  }

  /** @internal End the run: status and end time, locally then on MLflow; marks it synced when all went live. */
  end(status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    return this.serial(async () => {
      const record = this.ctx.record;
      record.status = status;
      record.endTime = Date.now();
      await this.save();
      const ok = await this.remoteCall('end run', (s) =>
        s.client.updateRun(s.runId, { status, endTime: record.endTime! }),
      );
      const uri = this.ctx.trackingUri;
      if (ok && uri !== undefined && record.remotes[uri]) {
        record.remotes[uri]!.syncedAt = new Date().toISOString();
        await this.save();
      }
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private save(): Promise<void> {
    return this.ctx.store.write(this.ctx.record);
  }

  /** Run a call against MLflow if the run is live; on failure go offline (warn once) and return false. */
  private async remoteCall(what: string, fn: (s: RemoteSession) => Promise<unknown>): Promise<boolean> {
    const s = this.ctx.remote;
    if (!s || s.offline) return false;
    try {
      await fn(s);
      return true;
    } catch (err) {
      s.offline = true;
      const code = (err as { code?: unknown }).code;
      const message = `${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message ?? String(err)}`;
      const uri = this.ctx.trackingUri;
      if (uri !== undefined && this.ctx.record.remotes[uri]) this.ctx.record.remotes[uri]!.error = message;
      await this.save();
      this.ctx.logger?.warn(
        {
          run: this.id,
          remoteRunId: s.runId,
          failed: what,
          code: typeof code === 'string' ? code : null,
          store: this.ctx.store.dir,
        },
        'MLflow call failed: the run goes on in the local store; replay it with `twiga runs sync`',
      );
      return false;
    }
  }
}
