import type { TwigaForecaster, VersionMeta } from '@twiga/forecaster';
import {
  CheckpointSource,
  type CheckpointSourceOptions,
  type ModelPin,
  type RegistryVersion,
} from './checkpoint-source.js';
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
  readonly registry?: RegistryVersion;
  /** Worker threads holding copies of this model, for large requests (`workers` > 0). */
  readonly pool?: PredictPool;
}

/** Release what a served model holds: its ONNX session and its worker threads. */
async function release(model: ServedModel): Promise<void> {
  await Promise.all([model.forecaster.close(), model.pool?.close()]);
}

/** Options of {@link ModelLoader}: where checkpoints come from ({@link CheckpointSourceOptions}), and more. */
export interface ModelLoaderOptions extends CheckpointSourceOptions {
  /** Worker threads started beside each loaded model for large requests (`TWIGA_SERVE_WORKERS`). @default 0 */
  workers?: number;
  /** Reloads every server process together when this one is one of several. @default this process alone */
  coordinator?: ReloadCoordinator;
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
  /** Server processes now serving `current` (1 without a {@link ReloadCoordinator}). */
  processes?: number;
}

/**
 * Reloads the model in every server process of a group together (apps/server's cluster mode): it calls
 * {@link ModelLoader.prepare} in each (this one included), then `commit()` in each if all succeeded, else
 * `discard()`; it rejects with the failing process's error, and then every process keeps its old model.
 */
export interface ReloadCoordinator {
  reload(): Promise<{ processes: number }>;
}

/** The pin naming a served model: its registry version when it came from the registry, else its checkpoint version. */
export function pinOf(model: ServedModel): ModelPin {
  return model.registry ? { registryVersion: model.registry.version } : { version: model.meta.version };
}

/** A model loaded by {@link ModelLoader.prepare}, not yet served. */
export interface PreparedModel {
  readonly model: ServedModel;
  /** What was loaded, for other processes' `prepare(pin)`. */
  readonly pin: ModelPin;
  /** Serve it: one assignment, so it cannot fail half-way. */
  commit(): ReloadResult;
  /** Release it without serving it. */
  discard(): Promise<void>;
}

interface Slot {
  model: ServedModel;
  /** How long loading it took (reported when it starts serving). */
  loadSeconds: number;
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
  private readonly source: CheckpointSource;
  private readonly listeners = new Set<(event: LoaderEvent) => void>();
  private onnxObserver: ((rows: number, calls: number) => void) | undefined;
  /** The latest commit in this process (the answer of a coordinated reload). */
  private lastSwap: ReloadResult | undefined;

  constructor(private readonly options: ModelLoaderOptions) {
    // A bad models:/ URI is a configuration error: it fails here, at start, not on the first request.
    this.source = new CheckpointSource(options);
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

  private emitLoaded(slot: Slot): void {
    const { meta } = slot.model;
    this.emit({ type: 'loaded', version: meta.version, seconds: slot.loadSeconds, models: meta.models });
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

  /**
   * Load a model completely without serving it: the one `pin` names, or what the manifest (alias) names
   * now. The first half of a reload that several server processes make together: each prepares, and only
   * when all have succeeded does each `commit()`; otherwise each `discard()`s and keeps its old model.
   * Callers (a {@link ReloadCoordinator}) run one prepare/commit round at a time.
   */
  async prepare(pin?: ModelPin): Promise<PreparedModel> {
    const fresh = await this.loadSlot(pin);
    let settled = false;
    const model = fresh.model;
    return {
      model,
      pin: pinOf(model),
      commit: () => {
        if (settled) throw new Error('prepared model already committed or discarded');
        settled = true;
        return this.swapIn(fresh);
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await release(model);
      },
    };
  }

  private async doReload(): Promise<ReloadResult> {
    const coordinator = this.options.coordinator;
    if (!coordinator) return { ...(await this.prepare()).commit(), processes: 1 };
    // The coordinator prepares and commits in every server process, this one included, and answers only
    // after the commits: this process's last swap is that round's, even when another process's reload ran
    // just before it (reading the served model before waiting would report a stale previous version).
    const { processes } = await coordinator.reload();
    const swap = this.lastSwap;
    if (!swap) throw new ModelNotLoadedError(new Error('no model after a coordinated reload'));
    return { ...swap, processes };
  }

  private swapIn(fresh: Slot): ReloadResult {
    const old = this.slot;
    this.slot = fresh;
    if (old) {
      old.retired = true;
      if (old.inFlight === 0) void release(old.model);
    }
    this.emitLoaded(fresh);
    if (old)
      this.options.logger?.info(
        { previous: old.model.meta.version, version: fresh.model.meta.version },
        'model reloaded',
      );
    this.lastSwap = { previous: old?.model.meta, current: fresh.model };
    return this.lastSwap;
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
      if (!this.slot) {
        this.slot = slot;
        this.emitLoaded(slot);
      }
      return this.slot;
    } catch (err) {
      throw new ModelNotLoadedError(err);
    }
  }

  private async loadSlot(pin?: ModelPin): Promise<Slot> {
    const started = performance.now();
    const { checkpoint, registry } = await this.source.load(pin);
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
    return {
      model: {
        forecaster,
        meta,
        extras,
        loadedAt: new Date(),
        ...(registry ? { registry } : {}),
        ...(pool ? { pool } : {}),
      },
      loadSeconds: seconds,
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
}
