import { isTwigaError, type Logger } from '@twiga/core';
import type { ModelLoader, ServedModel } from '@twiga/serve';

/**
 * Load the model when the server starts, so the first request does not pay for it. Without a checkpoint,
 * or with a broken one, the server starts degraded instead of failing, and the log says why.
 */
export async function loadAtStart(loader: ModelLoader, logger: Logger): Promise<ServedModel | undefined> {
  try {
    return await loader.ensureLoaded();
  } catch (err) {
    // The cause says why: no checkpoint yet (CHECKPOINT_NOT_FOUND) or a broken one (CHECKPOINT_CORRUPT).
    const cause = (err as { cause?: unknown }).cause;
    logger.warn(
      { err: isTwigaError(cause) ? cause.toJSON() : isTwigaError(err) ? err.toJSON() : String(err) },
      'no model loaded yet: /health is degraded until POST /reload',
    );
    return undefined;
  }
}
