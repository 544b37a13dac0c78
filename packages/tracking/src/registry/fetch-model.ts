import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MlflowClient } from '../client/mlflow-client.js';
import { TrackingInvalidError } from '../errors.js';

/** A parsed `models:/<name>@<alias>` or `models:/<name>/<version>` URI. */
export interface ModelUri {
  name: string;
  alias?: string;
  version?: string;
}

/** The manifest a downloaded model version must hold (`MANIFEST_FILE` of @twiga/forecaster). */
const MANIFEST = '_checkpoint_manifest.json';

/** True when `value` is a `models:/` URI. */
export function isModelUri(value: string): boolean {
  return value.startsWith('models:/');
}

/** Parse a `models:/<name>@<alias>` or `models:/<name>/<version>` URI; `TRACKING_INVALID` otherwise. */
export function parseModelUri(value: string): ModelUri {
  const m = /^models:\/+([^@/]+)(?:@([A-Za-z0-9_\-.]+)|\/(\d+))$/.exec(value.trim());
  if (!m)
    throw new TrackingInvalidError(
      `${JSON.stringify(value)} is not a model URI: use models:/<name>@<alias> (e.g. models:/demand@champion) or models:/<name>/<version>`,
      { uri: value },
    );
  const name = decodeURIComponent(m[1]!);
  return m[2] !== undefined ? { name, alias: m[2] } : { name, version: m[3]! };
}

/** Options of {@link fetchModelVersion}. */
export interface FetchModelOptions {
  /** Cache root: versions land in `<cacheDir>/<name>/<version>`. */
  cacheDir: string;
  /** Download again even when the version is cached (e.g. the cached copy failed its checksums). */
  refresh?: boolean;
}

/** A model version on local disk. */
export interface FetchedModel {
  name: string;
  alias?: string;
  version: string;
  /** A checkpoint directory (`_checkpoint_manifest.json` + `vNNNN/`), ready for `CheckpointStore`. */
  dir: string;
  /** False when it was already in the cache. */
  downloaded: boolean;
}

/**
 * Resolve a model URI through the registry (an alias to its current version) and make sure that version's
 * artifacts are in the cache. A download goes to a temp directory renamed into place, so concurrent
 * processes never see a half-written version. Checksums are verified by whoever loads it
 * (`CheckpointStore.load`).
 */
export async function fetchModelVersion(
  client: MlflowClient,
  uri: ModelUri,
  options: FetchModelOptions,
): Promise<FetchedModel> {
  const version =
    uri.alias !== undefined
      ? (await client.registry.getModelVersionByAlias(uri.name, uri.alias)).version
      : uri.version!;
  const parent = join(options.cacheDir, encodeURIComponent(uri.name));
  const dir = join(parent, version);
  const base = { name: uri.name, ...(uri.alias === undefined ? {} : { alias: uri.alias }), version, dir };
  if (options.refresh) await rm(dir, { recursive: true, force: true });
  else if (await exists(join(dir, MANIFEST))) return { ...base, downloaded: false };
  const source = await client.registry.getDownloadUri(uri.name, version);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${version}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await client.artifacts.downloadDir(source, undefined, tmp);
    if (!(await exists(join(tmp, MANIFEST))))
      throw new TrackingInvalidError(
        `model version ${uri.name}/${version} (${source}) holds no ${MANIFEST}: log it with TrackedRun.logModel`,
        { name: uri.name, version, source },
      );
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another process put the same version in place first: use theirs.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { ...base, downloaded: true };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
