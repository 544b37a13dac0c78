import { type Logger, loadSettings } from '@twiga/core';
import {
  CheckpointCorruptError,
  CheckpointStore,
  type LoadedCheckpoint,
  type TwigaForecaster,
  type VersionMeta,
} from '@twiga/forecaster';
import {
  fetchModelVersion,
  isModelUri,
  MlflowClient,
  type ModelUri,
  parseModelUri,
  TrackingInvalidError,
  type TrackingSettings,
  trackingConfig,
} from '@twiga/tracking';
import { ModelNotLoadedError } from './errors.js';
import { PredictPool } from './predict-pool/pool.js';

/** A model as served: the forecaster and the checkpoint it came from. */
export interface ServedModel {
  readonly forecaster: TwigaForecaster;
  readonly meta: VersionMeta;
  /** Extra checkpoint files (e.g. `reference_profile.json` for drift checks), checksum-verified. */
  readonly extras: Readonly<Record<string, Uint8Array>>;
  readonly loadedAt: Date;
  /** The registry version served, when `checkpointDir` is a `models:/` URI. */
  readonly registry?: { readonly name: string; readonly alias?: string; readonly version: string };
  /** Worker threads holding copies of this model, for large requests (`workers` > 0). */
  readonly pool?: PredictPool;
}

/** Release what a served model holds: its ONNX session and its worker threads. */
async function release(model: ServedModel): Promise<void> {
  await Promise.all([model.forecaster.close(), model.pool?.close()]);
}

/** Options of {@link ModelLoader}. */
export interface ModelLoaderOptions {
  /**
   * Checkpoint directory (`TWIGA_MODEL_CHECKPOINT_DIR`), or a registered model, `models:/<name>@<alias>`
   * (or `models:/<name>/<version>`): each load resolves the alias through MLflow's registry, downloads that
   * version's checkpoint into the model cache (once) and loads it with its checksums verified.
   */
  checkpointDir: string;
  /** MLflow settings for `models:/` sources. @default read once from the environment and `.env` */
  settings?: TrackingSettings;
  /** MLflow client for `models:/` sources. @default one made from `settings` */
  mlflow?: MlflowClient;
  /** Download cache for `models:/` sources. @default `TWIGA_MLFLOW_MODEL_CACHE_DIR`, else `<tmpdir>/twiga-model-cache` */
  modelCacheDir?: string;
  logger?: Logger;
  /** ONNX Runtime intra-op threads of each loaded model (`TWIGA_SERVE_ONNX_THREADS`). @default 1 */
  onnxThreads?: number;
  /** Worker threads started beside each loaded model for large requests (`TWIGA_SERVE_WORKERS`). @default 0 */
  workers?: number;
  /** Told of every load and failed reload, e.g. to update Prometheus metrics. */
  onEvent?: (event: LoaderEvent) => void;
}

/** What the loader reports to {@link ModelLoaderOptions.onEvent}. */
export type LoaderEvent =
  | { type: 'loaded'; version: number; seconds: number; models: readonly string[] }
  | { type: 'reload-failed'; code: string };

/** Result of {@link ModelLoader.reload}. */
export interface ReloadResult {
  previous: VersionMeta | undefined;
  current: ServedModel;
}

interface Slot {
  model: ServedModel;
  /** Requests currently using this model; its ONNX session is released when it is retired and this is 0. */
  inFlight: number;
  retired: boolean;
}

/**
 * Holds the served model. Loads once (concurrent first requests share one load); `reload()` builds the
 * new model completely, then swaps it in with one assignment, so a request sees the old model or the new,
 * never a mix; a failed reload leaves the old model serving. The old ONNX session is released only after
 * the last request using it finishes.
 */
export class ModelLoader {
  private slot: Slot | undefined;
  private loading: Promise<Slot> | undefined;
  private reloading: Promise<ReloadResult> = Promise.resolve(undefined as unknown as ReloadResult);
  private readonly store: CheckpointStore | undefined;
  private readonly modelUri: ModelUri | undefined;
  private mlflow: { client: MlflowClient; cacheDir: string } | undefined;
  private readonly listeners = new Set<(event: LoaderEvent) => void>();
  private onnxObserver: ((rows: number, calls: number) => void) | undefined;

  constructor(private readonly options: ModelLoaderOptions) {
    // A bad models:/ URI is a configuration error: it fails here, at start, not on the first request.
    this.modelUri = isModelUri(options.checkpointDir) ? parseModelUri(options.checkpointDir) : undefined;
    this.store = this.modelUri === undefined ? new CheckpointStore(options.checkpointDir) : undefined;
  }

  /** The served model if one is loaded, without triggering a load. */
  get current(): ServedModel | undefined {
    return this.slot?.model;
  }

  /** Load the model if none is loaded yet; `MODEL_NOT_LOADED` (with the cause) when that fails. */
  async ensureLoaded(): Promise<ServedModel> {
    return (await this.acquireSlot()).model;
  }

  /** Run `fn` with the current model, keeping it alive (not released by a reload) until `fn` settles. */
  async use<T>(fn: (model: ServedModel) => Promise<T>): Promise<T> {
    const slot = await this.acquireSlot();
    slot.inFlight++;
    try {
      return await fn(slot.model);
    } finally {
      slot.inFlight--;
      if (slot.retired && slot.inFlight === 0) void release(slot.model);
    }
  }

  /**
   * Load the checkpoint the manifest names now (for `models:/<name>@<alias>`: the version the alias points
   * at now) and swap it in. Reloads run one after another.
   */
  reload(): Promise<ReloadResult> {
    const next = this.reloading
      .catch(() => undefined)
      .then(() => this.doReload())
      .catch((err: unknown) => {
        this.emit({ type: 'reload-failed', code: (err as { code?: string }).code ?? 'INTERNAL' });
        throw err;
      });
    this.reloading = next;
    return next;
  }

  /** Be told of loads and failed reloads (e.g. metrics); returns the unsubscribe function. */
  subscribe(listener: (event: LoaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Be told of every ONNX Runtime call of the served model, and of every model loaded later (metrics). */
  observeOnnx(observer: (rows: number, calls: number) => void): void {
    this.onnxObserver = observer;
    this.slot?.model.forecaster.observeOnnx(observer);
  }

  private emit(event: LoaderEvent): void {
    this.options.onEvent?.(event);
    for (const listener of this.listeners) listener(event);
  }

  /** Release the served model (server shutdown). */
  async close(): Promise<void> {
    const slot = this.slot;
    this.slot = undefined;
    if (slot) {
      slot.retired = true;
      if (slot.inFlight === 0) await release(slot.model);
    }
  }

  private async doReload(): Promise<ReloadResult> {
    const fresh = await this.loadSlot();
    const old = this.slot;
    this.slot = fresh;
    if (old) {
      old.retired = true;
      if (old.inFlight === 0) await release(old.model);
    }
    this.options.logger?.info(
      { previous: old?.model.meta.version ?? null, version: fresh.model.meta.version },
      'model reloaded',
    );
    return { previous: old?.model.meta, current: fresh.model };
  }

  private async acquireSlot(): Promise<Slot> {
    if (this.slot) return this.slot;
    // Concurrent first requests share one load; a failed load is retried by the next request.
    this.loading ??= this.loadSlot().finally(() => {
      this.loading = undefined;
    });
    try {
      const slot = await this.loading;
      if (this.slot && this.slot !== slot) void release(slot.model); // a reload won the race
      this.slot ??= slot;
      return this.slot;
    } catch (err) {
      throw new ModelNotLoadedError(err);
    }
  }

  private async loadSlot(): Promise<Slot> {
    const started = performance.now();
    const { checkpoint, registry } = await this.loadCheckpoint();
    const { forecaster, meta, fromFallback, extras } = checkpoint;
    forecaster.observeOnnx(this.onnxObserver);
    if (fromFallback)
      this.options.logger?.warn(
        { version: meta.version },
        'no checkpoint manifest: loaded the newest version',
      );
    const pool = await this.startPool(forecaster);
    const seconds = (performance.now() - started) / 1000;
    this.options.logger?.info(
      {
        version: meta.version,
        models: meta.models,
        ms: Math.round(seconds * 1000),
        ...(registry ? { registry } : {}),
        workers: pool ? this.options.workers : 0,
      },
      'model loaded',
    );
    this.emit({ type: 'loaded', version: meta.version, seconds, models: meta.models });
    return {
      model: {
        forecaster,
        meta,
        extras,
        loadedAt: new Date(),
        ...(registry ? { registry } : {}),
        ...(pool ? { pool } : {}),
      },
      inFlight: 0,
      retired: false,
    };
  }

  /** Worker threads for this model; a pool that cannot start is logged and the model served inline. */
  private async startPool(forecaster: TwigaForecaster): Promise<PredictPool | undefined> {
    const size = this.options.workers ?? 0;
    if (size <= 0) return undefined;
    try {
      return await PredictPool.start(forecaster, { size, logger: this.options.logger });
    } catch (err) {
      this.options.logger?.warn(
        { err: String(err) },
        'forecast worker threads did not start: large requests are answered inline',
      );
      return undefined;
    }
  }

  /** The checkpoint to serve: from the directory, or from the registry through the download cache. */
  private async loadCheckpoint(): Promise<{
    checkpoint: LoadedCheckpoint;
    registry?: ServedModel['registry'];
  }> {
    const loadOptions =
      this.options.onnxThreads === undefined ? {} : { onnxThreads: this.options.onnxThreads };
    if (this.store) return { checkpoint: await this.store.load(loadOptions) };
    const uri = this.modelUri!;
    const { client, cacheDir } = this.registryClient();
    let fetched = await fetchModelVersion(client, uri, { cacheDir });
    let checkpoint: LoadedCheckpoint;
    try {
      checkpoint = await new CheckpointStore(fetched.dir).load(loadOptions);
    } catch (err) {
      // A cached copy that fails its checksums (disk trouble, a killed copy) is downloaded once more.
      if (!(err instanceof CheckpointCorruptError) || fetched.downloaded) throw err;
      this.options.logger?.warn(
        { dir: fetched.dir, code: err.code },
        'cached model version is corrupt: downloading it again',
      );
      fetched = await fetchModelVersion(client, uri, { cacheDir, refresh: true });
      checkpoint = await new CheckpointStore(fetched.dir).load(loadOptions);
    }
    const registry = {
      name: fetched.name,
      version: fetched.version,
      ...(fetched.alias === undefined ? {} : { alias: fetched.alias }),
    };
    if (fetched.downloaded)
      this.options.logger?.info({ ...registry, dir: fetched.dir }, 'model version downloaded');
    return { checkpoint, registry };
  }

  private registryClient(): { client: MlflowClient; cacheDir: string } {
    if (this.mlflow) return this.mlflow;
    if (this.options.mlflow && this.options.modelCacheDir !== undefined) {
      this.mlflow = { client: this.options.mlflow, cacheDir: this.options.modelCacheDir };
      return this.mlflow;
    }
    const cfg = trackingConfig(this.options.settings ?? loadSettings());
    const cacheDir = this.options.modelCacheDir ?? cfg.modelCacheDir;
    if (this.options.mlflow) {
      this.mlflow = { client: this.options.mlflow, cacheDir };
      return this.mlflow;
    }
    if (cfg.trackingUri === undefined)
      throw new TrackingInvalidError(
        `${this.options.checkpointDir} needs an MLflow server: set TWIGA_MLFLOW_TRACKING_URI (or MLFLOW_TRACKING_URI)`,
      );
    const client = new MlflowClient({
      trackingUri: cfg.trackingUri,
      auth: cfg.auth,
      timeoutMs: cfg.timeoutMs,
      retry: { maxTries: cfg.maxTries },
      logger: this.options.logger,
    });
    this.mlflow = { client, cacheDir };
    return this.mlflow;
  }
}
