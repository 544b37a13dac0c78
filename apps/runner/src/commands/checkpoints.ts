import { loadSettings } from '@twiga/core';
import { CheckpointStore } from '@twiga/forecaster';
import { table } from '../format.js';

function store(checkpointDir: string | undefined): CheckpointStore {
  const settings = loadSettings(
    checkpointDir === undefined ? {} : { overrides: { TWIGA_MODEL_CHECKPOINT_DIR: checkpointDir } },
  );
  return new CheckpointStore(settings.TWIGA_MODEL_CHECKPOINT_DIR);
}

/** `twiga checkpoints list`: every version on disk, the current one marked. */
export async function listCheckpoints(
  checkpointDir: string | undefined,
  log: (line: string) => void,
  json = false,
): Promise<void> {
  const s = store(checkpointDir);
  const [versions, manifest] = await Promise.all([s.list(), s.readManifest()]);
  if (json) {
    log(JSON.stringify({ current: manifest?.version ?? null, versions }));
    return;
  }
  if (versions.length === 0) {
    log(`no checkpoints in ${s.dir}`);
    return;
  }
  log(
    table(
      ['', 'version', 'saved_at', 'model_type', 'models'],
      versions.map((v) => [
        v.version === manifest?.version ? '*' : '',
        String(v.version),
        v.saved_at,
        v.model_type,
        v.models.join(','),
      ]),
    ),
  );
}

/** `twiga checkpoints rollback --to N`: make version N current (servers pick it up on /reload). */
export async function rollbackCheckpoint(
  checkpointDir: string | undefined,
  to: number,
  log: (line: string) => void,
): Promise<void> {
  const meta = await store(checkpointDir).rollback(to);
  log(
    `version ${meta.version} (${meta.checkpoint_file}, saved ${meta.saved_at}) is current; POST /reload to serve it`,
  );
}
