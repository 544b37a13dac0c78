import { z } from 'zod';
import { TrackingNotFoundError, TrackingRequestFailedError } from '../errors.js';
import { MlflowArtifacts } from './artifacts.js';
import { type BatchContent, splitBatch, validateBatch } from './batch.js';
import { type HttpRequest, MlflowHttp, type MlflowHttpOptions, readJson, type TryOnce } from './http.js';
import { MlflowRegistry } from './registry.js';
import {
  type Dataset,
  EmptySchema,
  type Experiment,
  ExperimentSchema,
  type Metric,
  MetricSchema,
  type Run,
  RunSchema,
  type RunStatus,
} from './schemas.js';

/** Options of {@link MlflowClient}: the transport's (URI, auth, timeout, retries, logger). */
export type MlflowClientOptions = MlflowHttpOptions;

/** Options of {@link MlflowClient.createRun}. */
export interface CreateRunOptions {
  experimentId: string;
  runName?: string | undefined;
  /** Epoch ms. @default now */
  startTime?: number;
  tags?: Record<string, string>;
  /**
   * A client-made key stored as the tag `twiga.run_uuid`. With it the create is idempotent: before each
   * try the run is searched by this tag, so a retried create never makes a second run.
   */
  idempotencyKey?: string;
}

/** Options of {@link MlflowClient.searchRuns}. */
export interface SearchRunsOptions {
  experimentIds: string[];
  /** MLflow search filter, e.g. ``tags.`twiga.run_uuid` = 'abc'``. */
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

/** A dataset input for {@link MlflowClient.logInputs}; `context` becomes the `mlflow.data.context` tag. */
export interface DatasetInputOptions {
  dataset: Dataset;
  context?: string;
}

/** Tag holding a run's client-made idempotency key. */
export const RUN_UUID_TAG = 'twiga.run_uuid';

const ExperimentAnswer = z.object({ experiment: ExperimentSchema });
const RunAnswer = z.object({ run: RunSchema });
const SearchAnswer = z.object({
  runs: z.array(RunSchema).default([]),
  next_page_token: z.string().optional(),
});
const HistoryAnswer = z.object({
  metrics: z.array(MetricSchema).default([]),
  next_page_token: z.string().optional(),
});

/**
 * A typed client of MLflow 3's REST API: experiments, runs, `log-batch` (split to MLflow's limits),
 * `log-inputs`, tags, metric history; `artifacts` (through the server's proxy) and `registry` (registered
 * models, versions, aliases). Every answer is validated with zod; errors are `TRACKING_*`.
 */
export class MlflowClient {
  readonly http: MlflowHttp;
  /** Artifacts through the tracking server's `mlflow-artifacts` proxy. */
  readonly artifacts: MlflowArtifacts;
  /** The model registry. */
  readonly registry: MlflowRegistry;

  constructor(options: MlflowClientOptions) {
    this.http = new MlflowHttp(options);
    this.artifacts = new MlflowArtifacts(this.http);
    this.registry = new MlflowRegistry(this.http);
  }

  /** The tracking URI (no trailing slash). */
  get trackingUri(): string {
    return this.http.trackingUri;
  }

  /** The experiment called `name`, or undefined. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const answer = await this.http.json(
        { method: 'GET', path: '/api/2.0/mlflow/experiments/get-by-name', query: { experiment_name: name } },
        ExperimentAnswer,
      );
      return answer.experiment;
    } catch (err) {
      if (err instanceof TrackingNotFoundError) return undefined;
      throw err;
    }
  }

  /** Create an experiment and return its id (`TRACKING_REQUEST_FAILED` with `RESOURCE_ALREADY_EXISTS` if taken). */
  async createExperiment(name: string): Promise<string> {
    const answer = await this.http.json(
      { method: 'POST', path: '/api/2.0/mlflow/experiments/create', json: { name } },
      z.object({ experiment_id: z.string() }),
    );
    return answer.experiment_id;
  }

  /** The experiment called `name`, created when missing (a concurrent creator's experiment is reused). */
  async getOrCreateExperiment(name: string): Promise<Experiment> {
    const existing = await this.getExperimentByName(name);
    if (existing) return existing;
    try {
      await this.createExperiment(name);
    } catch (err) {
      // MLflow answers RESOURCE_ALREADY_EXISTS with HTTP 400 (also when our own earlier try succeeded).
      if (!(err instanceof TrackingRequestFailedError && err.mlflowCode === 'RESOURCE_ALREADY_EXISTS'))
        throw err;
    }
    const created = await this.getExperimentByName(name);
    if (!created) throw new TrackingNotFoundError(`experiment ${name}`);
    return created;
  }

  /** Create a run; idempotent when `idempotencyKey` is given (see {@link CreateRunOptions}). */
  async createRun(options: CreateRunOptions): Promise<Run> {
    const tags = { ...options.tags };
    if (options.idempotencyKey !== undefined) tags[RUN_UUID_TAG] = options.idempotencyKey;
    const request: HttpRequest = {
      method: 'POST',
      path: '/api/2.0/mlflow/runs/create',
      json: {
        experiment_id: options.experimentId,
        ...(options.runName === undefined ? {} : { run_name: options.runName }),
        start_time: options.startTime ?? Date.now(),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      },
    };
    if (options.idempotencyKey === undefined) return (await this.http.json(request, RunAnswer)).run;
    const key = options.idempotencyKey;
    return this.http.retrying(async (once) => {
      const found = await this.findRunOnce(once, options.experimentId, key);
      if (found) return found;
      return (await once(request, (res) => readJson(res, request, RunAnswer))).run;
    });
  }

  /** The run tagged with idempotency key `key` in the experiment, or undefined. */
  async findRunByKey(experimentId: string, key: string): Promise<Run | undefined> {
    return this.http.retrying((once) => this.findRunOnce(once, experimentId, key));
  }

  /** Set a run's status and/or end time (epoch ms) and/or name. */
  async updateRun(
    runId: string,
    update: { status?: RunStatus; endTime?: number; runName?: string },
  ): Promise<void> {
    await this.http.json(
      {
        method: 'POST',
        path: '/api/2.0/mlflow/runs/update',
        json: {
          run_id: runId,
          ...(update.status === undefined ? {} : { status: update.status }),
          ...(update.endTime === undefined ? {} : { end_time: update.endTime }),
          ...(update.runName === undefined ? {} : { run_name: update.runName }),
        },
      },
      EmptySchema.passthrough(),
    );
  }

  /** A run with its latest metrics, params, tags and inputs; `TRACKING_NOT_FOUND` when it does not exist. */
  async getRun(runId: string): Promise<Run> {
    return (
      await this.http.json(
        { method: 'GET', path: '/api/2.0/mlflow/runs/get', query: { run_id: runId } },
        RunAnswer,
      )
    ).run;
  }

  /** One page of runs matching a filter. */
  async searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken: string | undefined }> {
    const answer = await this.http.json(
      { method: 'POST', path: '/api/2.0/mlflow/runs/search', json: searchBody(options) },
      SearchAnswer,
    );
    return { runs: answer.runs, nextPageToken: answer.next_page_token || undefined };
  }

  /** Log metrics, params and tags, split into as many `log-batch` requests as MLflow's limits need. */
  async logBatch(runId: string, content: Partial<BatchContent>): Promise<void> {
    const full: BatchContent = {
      metrics: content.metrics ?? [],
      params: content.params ?? [],
      tags: content.tags ?? [],
    };
    validateBatch(full);
    for (const part of splitBatch(full)) {
      await this.http.json(
        { method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', json: { run_id: runId, ...part } },
        EmptySchema,
      );
    }
  }

  /** Set one tag on a run. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.logBatch(runId, { tags: [{ key, value }] });
  }

  /** Log dataset inputs (MLflow keeps one row per dataset and context, so a repeat changes nothing). */
  async logInputs(runId: string, inputs: DatasetInputOptions[]): Promise<void> {
    if (inputs.length === 0) return;
    await this.http.json(
      {
        method: 'POST',
        path: '/api/2.0/mlflow/runs/log-inputs',
        json: {
          run_id: runId,
          datasets: inputs.map((i) => ({
            dataset: i.dataset,
            tags: i.context === undefined ? [] : [{ key: 'mlflow.data.context', value: i.context }],
          })),
        },
      },
      EmptySchema,
    );
  }

  /** Every value of one metric, all pages, sorted by step then timestamp. */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const out: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.http.json(
        {
          method: 'GET',
          path: '/api/2.0/mlflow/metrics/get-history',
          query: { run_id: runId, metric_key: key, max_results: 25000, page_token: pageToken },
        },
        HistoryAnswer,
      );
      out.push(...answer.metrics);
      pageToken = answer.next_page_token || undefined;
    } while (pageToken !== undefined);
    return out.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  private async findRunOnce(once: TryOnce, experimentId: string, key: string): Promise<Run | undefined> {
    const request: HttpRequest = {
      method: 'POST',
      path: '/api/2.0/mlflow/runs/search',
      json: searchBody({
        experimentIds: [experimentId],
        filter: `tags.\`${RUN_UUID_TAG}\` = '${key.replaceAll("'", '')}'`,
        maxResults: 1,
      }),
    };
    const answer = await once(request, (res) => readJson(res, request, SearchAnswer));
    return answer.runs[0];
  }
}

function searchBody(options: SearchRunsOptions): Record<string, unknown> {
  return {
    experiment_ids: options.experimentIds,
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    max_results: options.maxResults ?? 1000,
    ...(options.orderBy === undefined ? {} : { order_by: options.orderBy }),
    ...(options.pageToken === undefined ? {} : { page_token: options.pageToken }),
    run_view_type: 'ACTIVE_ONLY',
  };
}
