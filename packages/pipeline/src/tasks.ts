import {
  CheckpointStore,
  type ColumnSpec,
  type EvaluationReport,
  type FitProgress,
  type ForecasterOptions,
  type Frame,
  readCsv,
  type SplitFrames,
  type SplitOptions,
  splitFrame,
  TwigaForecaster,
  type VersionMeta,
} from '@twiga/forecaster';
import {
  buildReferenceProfile,
  type DriftOptions,
  type DriftSummary,
  ForecastMonitor,
  REFERENCE_PROFILE_FILE,
  serializeReferenceProfile,
} from '@twiga/monitor';
import type { LoggedModel, TrackedRun, UploadProgress } from '@twiga/tracking';
import { PipelineReloadFailedError } from './errors.js';
import { task } from './task.js';

/** Metrics per model: `{ model: { metric: value } }` (point metrics plus 90 % interval columns). */
export type ModelMetrics = Record<string, Record<string, number>>;

/** File name of the reference profile saved with every checkpoint (defined by @twiga/monitor). */
export { REFERENCE_PROFILE_FILE };

/** Input of {@link loadData}: a CSV path, or a frame already in memory (tests, callers with their own I/O). */
export type LoadDataInput = { path: string; spec: ColumnSpec } | { frame: Frame };

/** Read the data a flow runs on. Retried (a network file system may hiccup). */
export const loadData = task(
  'loadData',
  async (input: LoadDataInput): Promise<Frame> =>
    'frame' in input ? input.frame : readCsv(input.path, input.spec),
  { retries: 2, backoffMs: 200 },
);

/** Input of {@link fitForecaster}. */
export interface FitForecasterInput {
  options: ForecasterOptions;
  frame: Frame;
  split: SplitOptions;
  onProgress?: ((p: FitProgress) => void) | undefined;
}

/** A fitted forecaster and the time split it was fitted on. */
export interface FittedForecaster {
  forecaster: TwigaForecaster;
  split: SplitFrames;
}

/** Split by time and fit every model on the training part, calibrated on the validation part. No retries: fitting is deterministic. */
export const fitForecaster = task(
  'fitForecaster',
  async (input: FitForecasterInput): Promise<FittedForecaster> => {
    const forecaster = TwigaForecaster.create(input.options);
    const split = splitFrame(input.frame, forecaster.config, input.split);
    await forecaster.fit(split.train, {
      ...(split.validation ? { validation: split.validation } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    return { forecaster, split };
  },
);

/** Input of {@link evaluateModel}. */
export interface EvaluateModelInput {
  forecaster: TwigaForecaster;
  holdout: Frame;
}

/** An evaluation report and its flat metrics. */
export interface Evaluation {
  report: EvaluationReport;
  metrics: ModelMetrics;
}

/** Score every model of a forecaster on a holdout frame (90 % intervals when calibrated). */
export const evaluateModel = task('evaluateModel', async (input: EvaluateModelInput): Promise<Evaluation> => {
  const report = await input.forecaster.evaluate(input.holdout, { alpha: 0.1 });
  return { report, metrics: flatMetrics(report) };
});

/** `{ model: { metric: value } }` of a report: overall point metrics plus `coverage90`, `width90`, `winkler90`. */
export function flatMetrics(report: EvaluationReport): ModelMetrics {
  return Object.fromEntries(
    Object.entries(report.models).map(([name, m]) => {
      const iv = report.intervals?.models[name];
      return [
        name,
        {
          ...m.overall,
          ...(iv ? { coverage90: iv.coverage, width90: iv.meanWidth, winkler90: iv.winkler } : {}),
        },
      ];
    }),
  );
}

/** Input of {@link saveCheckpoint}. */
export interface SaveCheckpointInput {
  forecaster: TwigaForecaster;
  checkpointDir: string;
  /** @default 5 */
  retention?: number;
  /** Rows profiled as the drift reference (the training rows). */
  reference: Frame;
  /** Newest rows, kept as the tail `prepare_test_data` prepends to requests. */
  latest?: Frame;
}

/** Save the forecaster as a new checkpoint version (made current) with its reference profile. */
export const saveCheckpoint = task(
  'saveCheckpoint',
  async (input: SaveCheckpointInput): Promise<VersionMeta> => {
    if (input.latest) input.forecaster.rememberTail(input.latest);
    const store = new CheckpointStore(input.checkpointDir, { retention: input.retention ?? 5 });
    const profile = buildReferenceProfile(input.reference);
    return store.save(input.forecaster, {
      extras: { [REFERENCE_PROFILE_FILE]: serializeReferenceProfile(profile) },
    });
  },
);

/** Input of {@link logToMlflow}. */
export interface LogToMlflowInput {
  run: TrackedRun;
  forecaster: TwigaForecaster;
  /** Training rows and where they came from (dataset input of the run). */
  data: { frame: Frame; source: string };
  report: EvaluationReport;
  /** Upload the current checkpoint of this directory as the run's model; unset = no model. */
  checkpointDir?: string;
  /** Register the model under this name and point `alias` at it. */
  registeredModelName?: string | undefined;
  /** @default 'champion' */
  alias?: string;
  params?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  /** Progress of the checkpoint upload, in files (the step is named with its size), for a progress bar. */
  onProgress?: ((p: FitProgress) => void) | undefined;
}

/**
 * Log a fitted forecaster to the run: metadata, evaluation, and (given `checkpointDir`) the current
 * checkpoint as its model, registered with the `champion` alias when a name is given. The tracker spools to
 * its local store while MLflow is down, so this rarely fails; it is not retried (params cannot be re-logged).
 */
export const logToMlflow = task(
  'logToMlflow',
  async (input: LogToMlflowInput): Promise<LoggedModel | undefined> => {
    const { run } = input;
    await run.logForecasterMetadata(input.forecaster, {
      name: 'training-data',
      source: input.data.source,
      frame: input.data.frame,
    });
    if (input.params) await run.logParams(input.params);
    if (input.tags) await run.setTags(input.tags);
    await run.logEvaluation(input.report);
    if (input.checkpointDir === undefined) return undefined;
    const onProgress = input.onProgress;
    return run.logModel(input.checkpointDir, {
      ...(input.registeredModelName === undefined
        ? {}
        : { registeredModelName: input.registeredModelName, alias: input.alias ?? 'champion' }),
      ...(onProgress
        ? {
            onProgress: (p: UploadProgress) =>
              onProgress({
                model: `uploading checkpoint (${(p.totalBytes / 2 ** 20).toFixed(1)} MiB)`,
                done: p.files,
                total: p.totalFiles,
              }),
          }
        : {}),
    });
  },
);

/** Input of {@link runDriftCheck}. */
export interface DriftCheckInput {
  /** The champion's `reference_profile.json` bytes (or parsed profile text). */
  reference: Uint8Array | string;
  current: Frame;
  options?: DriftOptions;
  /** Where the HTML report goes; unset writes none. */
  reportDir?: string | undefined;
}

/** Compare the current window with the champion's reference profile, column by column. */
export const runDriftCheck = task('runDriftCheck', async (input: DriftCheckInput): Promise<DriftSummary> => {
  const monitor = new ForecastMonitor(input.reportDir === undefined ? {} : { reportDir: input.reportDir });
  monitor.setReference(input.reference);
  // Only the columns the reference knows: the current data may carry extra ones.
  const known = Object.keys(monitor.referenceProfile!.columns);
  const columns = known.filter((c) => c in input.current.columns);
  return monitor.runDataDrift(input.current, { columns, ...input.options });
});

/** Input of {@link reloadServers}. */
export interface ReloadServersInput {
  /** Base URLs of the servers, e.g. `http://10.0.0.5:8000`. */
  urls: readonly string[];
  /** Sent as `X-API-Key` (the servers' `TWIGA_SERVE_API_KEY`). */
  apiKey?: string | undefined;
  /** Per-request timeout. @default 30000 */
  requestTimeoutMs?: number;
}

/** One server's answer to `POST /reload`. */
export interface ServerReload {
  url: string;
  version: number;
  previousVersion: number | null;
}

/** `POST /reload` to one server: 200 with the new version, else `PIPELINE_RELOAD_FAILED`. Retried. */
export const reloadServer = task(
  'reloadServer',
  async (
    input: { url: string; apiKey?: string | undefined; requestTimeoutMs?: number },
    ctx,
  ): Promise<ServerReload> => {
    const url = input.url.replace(/\/+$/, '');
    let res: Response;
    try {
      res = await fetch(`${url}/reload`, {
        method: 'POST',
        headers: input.apiKey === undefined ? {} : { 'x-api-key': input.apiKey },
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(input.requestTimeoutMs ?? 30_000)]),
      });
    } catch (err) {
      throw new PipelineReloadFailedError(url, `unreachable (${(err as Error).message})`, err);
    }
    const text = await res.text();
    if (res.status !== 200)
      throw new PipelineReloadFailedError(url, `HTTP ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { version: number; previous_version: number | null };
    return { url, version: body.version, previousVersion: body.previous_version };
  },
  { retries: 3, backoffMs: 300, timeoutMs: 60_000 },
);

/** Result of {@link reloadServers}: who reloaded, and who failed with which error. */
export interface ReloadOutcome {
  reloaded: ServerReload[];
  failed: { url: string; error: PipelineReloadFailedError | Error }[];
}

/** `POST /reload` to every server in parallel (each retried); never throws, reports failures instead. */
export const reloadServers = task(
  'reloadServers',
  async (input: ReloadServersInput, ctx): Promise<ReloadOutcome> => {
    const settled = await Promise.allSettled(
      input.urls.map((url) =>
        reloadServer(
          {
            url,
            apiKey: input.apiKey,
            ...(input.requestTimeoutMs ? { requestTimeoutMs: input.requestTimeoutMs } : {}),
          },
          { logger: ctx.logger, signal: ctx.signal },
        ),
      ),
    );
    const out: ReloadOutcome = { reloaded: [], failed: [] };
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') out.reloaded.push(s.value);
      else out.failed.push({ url: input.urls[i]!, error: s.reason as Error });
    });
    return out;
  },
);
