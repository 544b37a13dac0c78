import { z } from 'zod';
import { TrackingModelNotReadyError, TrackingNotFoundError, TrackingRequestFailedError } from '../errors.js';
import { type HttpRequest, type MlflowHttp, readJson } from './http.js';
import { sleep } from './retry.js';
import {
  EmptySchema,
  type ModelVersion,
  ModelVersionSchema,
  type RegisteredModel,
  RegisteredModelSchema,
} from './schemas.js';

/** Tag holding a model version's client-made idempotency key. */
export const MODEL_KEY_TAG = 'twiga.model_key';

/** Options of {@link MlflowRegistry.createModelVersion}. */
export interface CreateModelVersionOptions {
  name: string;
  /** Artifact URI of the model files, e.g. `<run artifact_uri>/model`. */
  source: string;
  runId?: string;
  tags?: Record<string, string>;
  description?: string;
  /**
   * A client-made key stored as the tag `twiga.model_key`. With it the create is idempotent: before each
   * try the versions of `runId` are searched for it, so a retry or a repeated sync never adds a version.
   */
  idempotencyKey?: string;
}

/** Options of {@link MlflowRegistry.waitUntilReady}. */
export interface WaitReadyOptions {
  /** @default 300000 */
  timeoutMs?: number;
  /** @default 500 */
  intervalMs?: number;
}

const RegisteredAnswer = z.object({ registered_model: RegisteredModelSchema });
const VersionAnswer = z.object({ model_version: ModelVersionSchema });
const VersionSearchAnswer = z.object({
  model_versions: z.array(ModelVersionSchema).default([]),
  next_page_token: z.string().optional(),
});

/** MLflow's model registry: registered models, model versions (polled until READY) and aliases. */
export class MlflowRegistry {
  constructor(private readonly http: MlflowHttp) {}

  /** A registered model with its aliases; `TRACKING_NOT_FOUND` when it does not exist. */
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (
      await this.http.json(
        { method: 'GET', path: '/api/2.0/mlflow/registered-models/get', query: { name } },
        RegisteredAnswer,
      )
    ).registered_model;
  }

  /** The registered model `name`, created when missing (`RESOURCE_ALREADY_EXISTS` from a race is fine). */
  async getOrCreateRegisteredModel(name: string): Promise<RegisteredModel> {
    try {
      return await this.getRegisteredModel(name);
    } catch (err) {
      if (!(err instanceof TrackingNotFoundError)) throw err;
    }
    try {
      await this.http.json(
        { method: 'POST', path: '/api/2.0/mlflow/registered-models/create', json: { name } },
        RegisteredAnswer,
      );
    } catch (err) {
      if (!(err instanceof TrackingRequestFailedError && err.mlflowCode === 'RESOURCE_ALREADY_EXISTS'))
        throw err;
    }
    return this.getRegisteredModel(name);
  }

  /** Register a model version from artifacts; idempotent with `idempotencyKey` (see its option). */
  async createModelVersion(options: CreateModelVersionOptions): Promise<ModelVersion> {
    const tags = { ...options.tags };
    if (options.idempotencyKey !== undefined) tags[MODEL_KEY_TAG] = options.idempotencyKey;
    const request: HttpRequest = {
      method: 'POST',
      path: '/api/2.0/mlflow/model-versions/create',
      json: {
        name: options.name,
        source: options.source,
        ...(options.runId === undefined ? {} : { run_id: options.runId }),
        ...(options.description === undefined ? {} : { description: options.description }),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      },
    };
    const key = options.idempotencyKey;
    const runId = options.runId;
    if (key === undefined || runId === undefined)
      return (await this.http.json(request, VersionAnswer)).model_version;
    return this.http.retrying(async (once) => {
      const search: HttpRequest = {
        method: 'GET',
        path: '/api/2.0/mlflow/model-versions/search',
        query: { filter: `name = '${esc(options.name)}' and run_id = '${esc(runId)}'`, max_results: 1000 },
      };
      const found = await once(search, (res) => readJson(res, search, VersionSearchAnswer));
      const existing = found.model_versions.find((v) =>
        v.tags.some((t) => t.key === MODEL_KEY_TAG && t.value === key),
      );
      if (existing) return existing;
      return (await once(request, (res) => readJson(res, request, VersionAnswer))).model_version;
    });
  }

  /** One model version; `TRACKING_NOT_FOUND` when it does not exist. */
  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return (
      await this.http.json(
        { method: 'GET', path: '/api/2.0/mlflow/model-versions/get', query: { name, version } },
        VersionAnswer,
      )
    ).model_version;
  }

  /** Model versions matching an MLflow filter (all pages). */
  async searchModelVersions(filter: string): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.http.json(
        {
          method: 'GET',
          path: '/api/2.0/mlflow/model-versions/search',
          query: { filter, max_results: 1000, page_token: pageToken },
        },
        VersionSearchAnswer,
      );
      out.push(...answer.model_versions);
      pageToken = answer.next_page_token || undefined;
    } while (pageToken !== undefined);
    return out;
  }

  /** Poll a version until it is READY; `TRACKING_MODEL_NOT_READY` when it fails or the time runs out. */
  async waitUntilReady(name: string, version: string, options: WaitReadyOptions = {}): Promise<ModelVersion> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    for (;;) {
      const mv = await this.getModelVersion(name, version);
      if (mv.status === 'READY') return mv;
      if (mv.status === 'FAILED_REGISTRATION' || Date.now() >= deadline)
        throw new TrackingModelNotReadyError(name, version, mv.status);
      await sleep(options.intervalMs ?? 500);
    }
  }

  /** Point `alias` (e.g. `champion`) at `version` (moving it if it pointed elsewhere). */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.json(
      { method: 'POST', path: '/api/2.0/mlflow/registered-models/alias', json: { name, alias, version } },
      EmptySchema,
    );
  }

  /** Remove an alias. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.http.json(
      { method: 'DELETE', path: '/api/2.0/mlflow/registered-models/alias', query: { name, alias } },
      EmptySchema,
    );
  }

  /** The version `alias` points at; `TRACKING_NOT_FOUND` when the model or the alias does not exist. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    try {
      return (
        await this.http.json(
          { method: 'GET', path: '/api/2.0/mlflow/registered-models/alias', query: { name, alias } },
          VersionAnswer,
        )
      ).model_version;
    } catch (err) {
      // MLflow answers an unknown alias with 400 INVALID_PARAMETER_VALUE, not 404.
      if (err instanceof TrackingRequestFailedError && err.mlflowCode === 'INVALID_PARAMETER_VALUE')
        throw new TrackingNotFoundError(`alias ${name}@${alias}`, err);
      if (err instanceof TrackingNotFoundError)
        throw new TrackingNotFoundError(`alias ${name}@${alias}`, err);
      throw err;
    }
  }

  /** Where a version's files are (resolves `models:/` and `runs:/` sources to an artifact URI). */
  async getDownloadUri(name: string, version: string): Promise<string> {
    return (
      await this.http.json(
        { method: 'GET', path: '/api/2.0/mlflow/model-versions/get-download-uri', query: { name, version } },
        z.object({ artifact_uri: z.string() }),
      )
    ).artifact_uri;
  }
}

function esc(value: string): string {
  return value.replaceAll("'", "\\'");
}
