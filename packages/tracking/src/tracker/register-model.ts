import type { MlflowClient } from '../client/mlflow-client.js';
import type { ModelVersion } from '../client/schemas.js';
import { TrackingNotFoundError } from '../errors.js';

/** Tag on a model version: when `logModel` was called (epoch ms), to order replays against live logs. */
export const LOGGED_AT_TAG = 'twiga.logged_at';

/** What {@link registerModelVersion} registers. */
export interface ModelRegistration {
  registeredModelName: string;
  /** Artifact path of the checkpoint files inside the run. */
  artifactPath: string;
  alias?: string | undefined;
  loggedAt: number;
  checkpointVersion?: number | undefined;
}

/** Outcome of {@link registerModelVersion}. */
export interface RegisteredVersion {
  version: ModelVersion;
  /** False when a replay found the alias already on a model logged later (it is left there). */
  aliasSet: boolean;
}

/**
 * Register the run's checkpoint artifacts as a model version (idempotent: keyed by local run id and
 * artifact path), wait until READY, and set the alias. A live log always moves the alias; a replay
 * (`sync`) moves it only when its model was logged after the one the alias points at, so replaying an old
 * spooled run never demotes a newer champion.
 */
export async function registerModelVersion(
  client: MlflowClient,
  run: { localRunId: string; remoteRunId: string; artifactUri: string },
  model: ModelRegistration,
  mode: 'live' | 'replay',
): Promise<RegisteredVersion> {
  const { registry } = client;
  await registry.getOrCreateRegisteredModel(model.registeredModelName);
  const tags: Record<string, string> = { [LOGGED_AT_TAG]: String(model.loggedAt) };
  if (model.checkpointVersion !== undefined)
    tags['twiga.checkpoint_version'] = String(model.checkpointVersion);
  const created = await registry.createModelVersion({
    name: model.registeredModelName,
    source: `${run.artifactUri.replace(/\/+$/, '')}/${model.artifactPath}`,
    runId: run.remoteRunId,
    tags,
    idempotencyKey: `${run.localRunId}/${model.artifactPath}`,
  });
  const version =
    created.status === 'READY'
      ? created
      : await registry.waitUntilReady(model.registeredModelName, created.version);
  if (model.alias === undefined) return { version, aliasSet: false };
  if (mode === 'replay') {
    const current = await registry
      .getModelVersionByAlias(model.registeredModelName, model.alias)
      .catch((err) => {
        if (err instanceof TrackingNotFoundError) return undefined;
        throw err;
      });
    if (current && current.version !== version.version && loggedAt(current) > model.loggedAt)
      return { version, aliasSet: false };
  }
  await registry.setAlias(model.registeredModelName, model.alias, version.version);
  return { version, aliasSet: true };
}

function loggedAt(mv: ModelVersion): number {
  const tag = mv.tags.find((t) => t.key === LOGGED_AT_TAG)?.value;
  const n = tag === undefined ? Number.NaN : Number(tag);
  return Number.isFinite(n) ? n : (mv.creation_timestamp ?? 0);
}
