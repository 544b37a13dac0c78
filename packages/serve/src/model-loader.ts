import type { Logger } from '@twiga/core';
import { CheckpointStore, type TwigaForecaster, type VersionMeta } from '@twiga/forecaster';
import { ModelNotLoadedError } from './errors.js';

/** A model as served: the forecaster and the checkpoint it came from. */
export interface ServedModel {
  readonly forecaster: TwigaForecaster;
  readonly meta: VersionMeta;
  /** Extra checkpoint files (e.g. `reference_profile.json` for drift checks), checksum-verified. */
  readonly extras: Readonly<Record<string, Uint8Array>>;
  readonly loadedAt: Date;
}

/** Options of {@link ModelLoader}. */
export interface ModelLoaderOptions {
  /** Checkpoint directory (`TWIGA_MODEL_CHECKPOINT_DIR`). */
  checkpointDir: string;
  logger?: Logger;
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
  private readonly store: CheckpointStore;
  private readonly listeners = new Set<(event: LoaderEvent) => void>();

  constructor(private readonly options: ModelLoaderOptions) {
    this.store = new CheckpointStore(options.checkpointDir);
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
      if (slot.retired && slot.inFlight === 0) void slot.model.forecaster.close();
    }
  }

  /** Load the checkpoint the manifest names now and swap it in. Reloads run one after another. */
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
      if (slot.inFlight === 0) await slot.model.forecaster.close();
    }
  }

  private async doReload(): Promise<ReloadResult> {
    const fresh = await this.loadSlot();
    const old = this.slot;
    this.slot = fresh;
    if (old) {
      old.retired = true;
      if (old.inFlight === 0) await old.model.forecaster.close();
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
      if (this.slot && this.slot !== slot) void slot.model.forecaster.close(); // a reload won the race
      this.slot ??= slot;
      return this.slot;
    } catch (err) {
      throw new ModelNotLoadedError(err);
    }
  }

  private async loadSlot(): Promise<Slot> {
    const started = performance.now();
    const { forecaster, meta, fromFallback, extras } = await this.store.load();
    if (fromFallback)
      this.options.logger?.warn(
        { version: meta.version },
        'no checkpoint manifest: loaded the newest version',
      );
    const seconds = (performance.now() - started) / 1000;
    this.options.logger?.info(
      { version: meta.version, models: meta.models, ms: Math.round(seconds * 1000) },
      'model loaded',
    );
    this.emit({ type: 'loaded', version: meta.version, seconds, models: meta.models });
    return { model: { forecaster, meta, extras, loadedAt: new Date() }, inFlight: 0, retired: false };
  }
}
