import { type Logger, loadSettings } from '@twiga/core';
import { CheckpointCorruptError, CheckpointStore, type LoadedCheckpoint } from '@twiga/forecaster';
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

/** Where the served checkpoint comes from; see {@link CheckpointSource}. */
export interface CheckpointSourceOptions {
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
}

/** A version of a registered model, as served. */
export interface RegistryVersion {
  readonly name: string;
  readonly alias?: string;
  readonly version: string;
}

/**
 * Names one exact model: a checkpoint version of the directory, or a version of the registered model. A
 * process that loads "what the manifest names now" returns its pin, so other server processes can load
 * the very same model even if the manifest or alias moves meanwhile.
 */
export type ModelPin = { readonly version: number } | { readonly registryVersion: string };

/**
 * The checkpoints a {@link ModelLoader} serves: a directory, or a registered model in MLflow fetched
 * through the download cache. Holds no model; each `load()` reads one afresh.
 */
export class CheckpointSource {
  private readonly store: CheckpointStore | undefined;
  private readonly modelUri: ModelUri | undefined;
  private mlflow: { client: MlflowClient; cacheDir: string } | undefined;

  /** A bad `models:/` URI throws here (`TRACKING_INVALID`), at start, not on the first load. */
  constructor(private readonly options: CheckpointSourceOptions) {
    this.modelUri = isModelUri(options.checkpointDir) ? parseModelUri(options.checkpointDir) : undefined;
    this.store = this.modelUri === undefined ? new CheckpointStore(options.checkpointDir) : undefined;
  }

  /** The checkpoint to serve (the one `pin` names, else the current one), verified. */
  async load(pin?: ModelPin): Promise<{ checkpoint: LoadedCheckpoint; registry?: RegistryVersion }> {
    const loadOptions =
      this.options.onnxThreads === undefined ? {} : { onnxThreads: this.options.onnxThreads };
    if (this.store) {
      const version = pin !== undefined && 'version' in pin ? { version: pin.version } : {};
      return { checkpoint: await this.store.load({ ...loadOptions, ...version }) };
    }
    // A pinned registry version is fetched by number, not through the alias (which may have moved since).
    const uri: ModelUri =
      pin !== undefined && 'registryVersion' in pin
        ? { name: this.modelUri!.name, version: pin.registryVersion }
        : this.modelUri!;
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
    // A pinned load keeps the alias it serves under.
    const alias = fetched.alias ?? this.modelUri!.alias;
    const registry = {
      name: fetched.name,
      version: fetched.version,
      ...(alias === undefined ? {} : { alias }),
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
