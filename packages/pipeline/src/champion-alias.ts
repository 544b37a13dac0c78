/**
 * The `@champion` alias across a promotion: read where it points before the challenger moves it, and move it
 * back if the promotion is rolled back, so MLflow, the manifest and the servers agree on the old model.
 */
import type { Logger } from '@twiga/core';
import type { TwigaTracker } from '@twiga/tracking';

/** Where an alias pointed before a promotion: a version, `null` (no alias yet), or unknown (MLflow down). */
export type AliasBefore = { known: true; version: string | null } | { known: false };

/** Where `name@alias` points now; unknown when there is no MLflow or it cannot be asked. */
export async function readAlias(
  tracker: TwigaTracker,
  name: string | undefined,
  alias: string,
): Promise<AliasBefore> {
  if (name === undefined || tracker.client === undefined) return { known: false };
  try {
    return {
      known: true,
      version: (await tracker.client.registry.getModelVersionByAlias(name, alias)).version,
    };
  } catch (err) {
    if ((err as { code?: unknown }).code === 'TRACKING_NOT_FOUND') return { known: true, version: null };
    return { known: false };
  }
}

/**
 * Point `name@alias` back where it was (or remove it when there was none). Never throws: a rollback must not
 * hide the error that caused it; a failure is logged with the command that fixes it by hand.
 */
export async function restoreAlias(
  tracker: TwigaTracker,
  name: string,
  alias: string,
  before: AliasBefore,
  logger: Logger | undefined,
): Promise<boolean> {
  const client = tracker.client;
  if (client === undefined || !before.known) {
    logger?.error({ name, alias }, 'cannot move the alias back: where it pointed before is unknown');
    return false;
  }
  try {
    if (before.version === null) await client.registry.deleteAlias(name, alias);
    else await client.registry.setAlias(name, alias, before.version);
    logger?.warn({ name, alias, version: before.version }, 'alias moved back to the champion');
    return true;
  } catch (err) {
    logger?.error(
      { name, alias, version: before.version, err: String(err) },
      'could not move the alias back; set it by hand in MLflow',
    );
    return false;
  }
}
