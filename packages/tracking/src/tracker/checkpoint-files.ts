import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointCorruptError,
  CheckpointNotFoundError,
  CheckpointStore,
  MANIFEST_FILE,
  type VersionMeta,
} from '@twiga/forecaster';

/** Name of a version's own metadata file in a checkpoint (`VERSION_META_FILE` of @twiga/forecaster). */
const VERSION_META_FILE = 'checkpoint.json';

/** One file of a checkpoint, with its path relative to the checkpoint directory. */
export interface CheckpointFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * The files of the version a checkpoint directory's manifest names: the manifest, the version's
 * `checkpoint.json` and every file it lists, each checked against its sha256 first
 * (`CHECKPOINT_CORRUPT` on a mismatch, `CHECKPOINT_NOT_FOUND` without a manifest). Laid out as they are on
 * disk, so a download of them is a checkpoint directory `CheckpointStore` loads (and verifies) as is.
 */
export async function readCheckpointFiles(
  dir: string,
): Promise<{ meta: VersionMeta; files: CheckpointFile[] }> {
  const manifest = await new CheckpointStore(dir).readManifest();
  if (!manifest) throw new CheckpointNotFoundError(dir, `no ${MANIFEST_FILE}: save a checkpoint first`);
  const version = manifest.checkpoint_file;
  const files: CheckpointFile[] = [
    { path: MANIFEST_FILE, bytes: await readFile(join(dir, MANIFEST_FILE)) },
    { path: `${version}/${VERSION_META_FILE}`, bytes: await readFile(join(dir, version, VERSION_META_FILE)) },
  ];
  for (const [name, sha] of Object.entries(manifest.files)) {
    const path = join(dir, version, name);
    const bytes = await readFile(path).catch((err) => {
      throw new CheckpointCorruptError(path, 'is missing', err);
    });
    if (createHash('sha256').update(bytes).digest('hex') !== sha) throw new CheckpointCorruptError(path);
    files.push({ path: `${version}/${name}`, bytes });
  }
  return { meta: manifest, files };
}
