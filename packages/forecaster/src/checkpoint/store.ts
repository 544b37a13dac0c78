import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@twiga/core';
import { CheckpointCorruptError, CheckpointNotFoundError, ConfigInvalidError } from '../errors.js';
import { TwigaForecaster } from '../forecaster.js';
import { FORECASTER_VERSION } from '../version.js';
import { withLock } from './lock.js';
import {
  CHECKPOINT_FILES,
  type CheckpointManifest,
  MANIFEST_FILE,
  ManifestSchema,
  parseVersionDir,
  VERSION_META_FILE,
  type VersionMeta,
  VersionMetaSchema,
  versionDirName,
} from './manifest.js';

/** Names extra checkpoint files may have: plain file names, never paths. */
const EXTRA_FILE = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

/** Options of {@link CheckpointStore.save}. */
export interface SaveOptions {
  /** Extra files saved in the version directory with checksums, e.g. a monitoring reference profile. */
  extras?: Record<string, Uint8Array>;
}

/** Options of {@link CheckpointStore}. */
export interface CheckpointStoreOptions {
  /** Versions kept on disk after a save (the current one is always kept). @default 5 */
  retention?: number;
}

/** A loaded checkpoint: the fitted forecaster and the metadata it was loaded from. */
export interface LoadedCheckpoint {
  forecaster: TwigaForecaster;
  meta: VersionMeta;
  /** Extra files saved with the version (e.g. `reference_profile.json`), checksum-verified. */
  extras: Record<string, Uint8Array>;
  /** True when no manifest existed and the newest version directory was taken. */
  fromFallback: boolean;
}

/** Options of {@link CheckpointStore.load}. */
export interface LoadOptions {
  /** ONNX Runtime intra-op threads of the loaded model. @default 1 */
  onnxThreads?: number;
  /**
   * Load this version instead of the one the manifest names, e.g. so that several server processes load
   * the very version the first of them found, even if the manifest moves meanwhile.
   */
  version?: number;
}

/**
 * Versioned checkpoints in one directory: `vNNNN/` per save (model.onnx, pipeline.json, checkpoint.json)
 * and `_checkpoint_manifest.json` naming the current one. Writes are atomic; a version number is claimed
 * by `mkdir` (which exactly one writer wins) and the manifest is updated under a lock, so concurrent saves
 * never share a version or tear the manifest, and the manifest never moves backwards.
 */
export class CheckpointStore {
  private readonly retention: number;

  constructor(
    readonly dir: string,
    options: CheckpointStoreOptions = {},
  ) {
    this.retention = options.retention ?? 5;
  }

  /** Save a fitted forecaster as a new version and make it current. */
  async save(forecaster: TwigaForecaster, options: SaveOptions = {}): Promise<VersionMeta> {
    const extras = options.extras ?? {};
    for (const file of Object.keys(extras)) {
      if (
        !EXTRA_FILE.test(file) ||
        (CHECKPOINT_FILES as readonly string[]).includes(file) ||
        file === VERSION_META_FILE
      ) {
        throw new ConfigInvalidError(`extra checkpoint file name ${JSON.stringify(file)} is not allowed`, [
          { path: `extras.${file}`, message: 'lower-case letters, digits, ., _ and -; not a reserved name' },
        ]);
      }
    }
    await mkdir(this.dir, { recursive: true });
    const version = await this.claimVersion();
    const name = versionDirName(version);
    const versionDir = join(this.dir, name);
    const contents: Record<string, Uint8Array> = {
      'model.onnx': forecaster.onnxBytes,
      'pipeline.json': Buffer.from(JSON.stringify(forecaster.state)),
      ...extras,
    };
    const files: Record<string, string> = {};
    for (const [file, data] of Object.entries(contents)) {
      await writeFileAtomic(join(versionDir, file), data);
      files[file] = sha256(data);
    }
    const primary = forecaster.primaryModel;
    const meta: VersionMeta = {
      version,
      checkpoint_file: name,
      model_type: primary.name,
      models: forecaster.models.map((m) => m.label),
      saved_at: new Date().toISOString(),
      files,
      package_version: FORECASTER_VERSION,
    };
    // The metadata file is written last: a version directory without it is an unfinished save.
    await writeFileAtomic(join(versionDir, VERSION_META_FILE), JSON.stringify(meta, null, 2));
    await withLock(join(this.dir, '.manifest.lock'), async () => {
      const current = await this.readManifest();
      if (current === undefined || current.version < version) await this.writeManifest(meta);
      await this.prune();
    });
    return meta;
  }

  /**
   * Load the current version (manifest, or the newest version by mtime when there is none), or
   * `options.version`, verifying checksums.
   */
  async load(options: LoadOptions = {}): Promise<LoadedCheckpoint> {
    if (options.version !== undefined) {
      const meta = await this.existingMeta(options.version);
      return { ...(await this.loadVersion(meta, options)), fromFallback: false };
    }
    const manifest = await this.readManifest();
    if (manifest) return { ...(await this.loadVersion(manifest, options)), fromFallback: false };
    const newest = await this.newestByMtime();
    if (!newest) throw new CheckpointNotFoundError(this.dir);
    return { ...(await this.loadVersion(newest, options)), fromFallback: true };
  }

  /** The manifest, or undefined when there is none; `CHECKPOINT_CORRUPT` when it does not parse. */
  async readManifest(): Promise<CheckpointManifest | undefined> {
    const path = join(this.dir, MANIFEST_FILE);
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) return undefined;
    return parseJson(path, text, ManifestSchema);
  }

  /** Every complete version on disk, oldest first. */
  async list(): Promise<VersionMeta[]> {
    const out: VersionMeta[] = [];
    for (const n of await this.versionNumbers()) {
      const meta = await this.readMeta(n).catch(() => undefined);
      if (meta) out.push(meta);
    }
    return out;
  }

  /** Make version `n` current again (its files are verified first). */
  async rollback(n: number): Promise<VersionMeta> {
    const meta = await this.existingMeta(n);
    await this.verify(meta);
    await withLock(join(this.dir, '.manifest.lock'), () => this.writeManifest(meta));
    return meta;
  }

  private async loadVersion(
    meta: VersionMeta,
    options: LoadOptions,
  ): Promise<{ forecaster: TwigaForecaster; meta: VersionMeta; extras: Record<string, Uint8Array> }> {
    const data = await this.verify(meta);
    const extras: Record<string, Uint8Array> = {};
    for (const [file, bytes] of Object.entries(data)) {
      if (!(CHECKPOINT_FILES as readonly string[]).includes(file)) extras[file] = bytes;
    }
    const pipelinePath = join(this.dir, meta.checkpoint_file, 'pipeline.json');
    let pipeline: unknown;
    try {
      pipeline = JSON.parse(Buffer.from(data['pipeline.json']!).toString('utf8'));
    } catch (err) {
      throw new CheckpointCorruptError(pipelinePath, 'is not valid JSON', err);
    }
    try {
      const forecaster = await TwigaForecaster.fromState(pipeline, data['model.onnx']!, options);
      return { forecaster, meta, extras };
    } catch (err) {
      throw new CheckpointCorruptError(join(this.dir, meta.checkpoint_file), 'cannot be loaded', err);
    }
  }

  /** Read every file of a version and check it against its sha256. */
  private async verify(meta: VersionMeta): Promise<Record<string, Uint8Array>> {
    const out: Record<string, Uint8Array> = {};
    for (const [file, expected] of Object.entries(meta.files)) {
      const path = join(this.dir, meta.checkpoint_file, file);
      const data = await readFile(path).catch((err) => {
        throw new CheckpointCorruptError(path, 'is missing', err);
      });
      if (sha256(data) !== expected) throw new CheckpointCorruptError(path);
      out[file] = data;
    }
    for (const file of ['model.onnx', 'pipeline.json']) {
      if (!(file in out))
        throw new CheckpointCorruptError(
          join(this.dir, meta.checkpoint_file, file),
          'is not in the manifest',
        );
    }
    return out;
  }

  /** Version `n`'s metadata; `CHECKPOINT_NOT_FOUND` when there is no such version. */
  private async existingMeta(n: number): Promise<VersionMeta> {
    return this.readMeta(n).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new CheckpointNotFoundError(this.dir, `version ${n} does not exist`);
      throw err;
    });
  }

  private async readMeta(n: number): Promise<VersionMeta> {
    const path = join(this.dir, versionDirName(n), VERSION_META_FILE);
    return parseJson(path, await readFile(path, 'utf8'), VersionMetaSchema);
  }

  private async writeManifest(meta: VersionMeta): Promise<void> {
    const manifest: CheckpointManifest = { ...meta, activated_at: new Date().toISOString() };
    await writeFileAtomic(join(this.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  }

  /** Claim the next version number by creating its directory; mkdir fails for every writer but one. */
  private async claimVersion(): Promise<number> {
    const existing = await this.versionNumbers();
    const manifest = await this.readManifest().catch(() => undefined);
    let n = Math.max(0, manifest?.version ?? 0, ...existing) + 1;
    for (;;) {
      try {
        await mkdir(join(this.dir, versionDirName(n)));
        return n;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        n++;
      }
    }
  }

  private async versionNumbers(): Promise<number[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => parseVersionDir(e.name))
      .filter((n): n is number => n !== undefined)
      .sort((a, b) => a - b);
  }

  /** The complete version whose directory was modified last (the seed's no-manifest fallback). */
  private async newestByMtime(): Promise<VersionMeta | undefined> {
    let best: { meta: VersionMeta; mtime: number } | undefined;
    for (const n of await this.versionNumbers()) {
      const meta = await this.readMeta(n).catch(() => undefined);
      if (!meta) continue;
      const { mtimeMs } = await stat(join(this.dir, versionDirName(n), VERSION_META_FILE));
      if (!best || mtimeMs > best.mtime || (mtimeMs === best.mtime && n > best.meta.version))
        best = { meta, mtime: mtimeMs };
    }
    return best?.meta;
  }

  /**
   * Delete the oldest complete versions beyond retention; never the current one, and never a directory
   * without its checkpoint.json (a save still being written by another process). Runs under the lock.
   */
  private async prune(): Promise<void> {
    const current = (await this.readManifest())?.version;
    const complete = (await this.list()).map((meta) => meta.version);
    const excess = complete.length - this.retention;
    if (excess <= 0) return;
    for (const n of complete.slice(0, excess)) {
      if (n !== current) await rm(join(this.dir, versionDirName(n)), { recursive: true, force: true });
    }
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseJson<T>(
  path: string,
  text: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CheckpointCorruptError(path, 'is not valid JSON', err);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CheckpointCorruptError(path, 'does not match its schema');
  return parsed.data;
}
