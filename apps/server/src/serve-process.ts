/**
 * One server process: model loader → app → listen, and graceful shutdown on SIGTERM/SIGINT. Runs alone, or
 * as one of the cluster's processes (`member`), which then loads the model the cluster serves and reaches
 * the others for `/reload` and `/metrics`.
 */
import type { Logger, TwigaSettings } from '@twiga/core';
import { createApp, ModelLoader } from '@twiga/serve';
import type { ClusterMember } from './cluster/member.js';
import { loadAtStart } from './load-at-start.js';

/** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** After SIGTERM, idle sockets are closed once no request has arrived for this long. */
const QUIET_MS = 300;

/** Options of {@link serveProcess}. */
export interface ServeProcessOptions {
  settings: TwigaSettings;
  logger: Logger;
  /** Set when this process is one of several sharing the port. */
  member?: ClusterMember;
}

/** Load, listen, and serve until a signal; the process exits from the shutdown handler. */
export async function serveProcess({ settings, logger, member }: ServeProcessOptions): Promise<void> {
  const loader = new ModelLoader({
    checkpointDir: settings.TWIGA_MODEL_CHECKPOINT_DIR,
    logger,
    settings,
    workers: settings.TWIGA_SERVE_WORKERS,
    onnxThreads: settings.TWIGA_SERVE_ONNX_THREADS,
    ...(member ? { coordinator: member } : {}),
  });
  const app = await createApp({
    settings,
    loader,
    logger,
    ...(member ? { gatherMetrics: member.gatherMetrics } : {}),
  });
  // A cluster process loads the model the cluster serves before it joins.
  if (member) await member.join(loader, app);
  else await loadAtStart(loader, logger);
  // Requests being handled now; shutdown waits for them, then drops idle kept-alive sockets.
  let inFlight = 0;
  let lastRequestAt = 0;
  app.addHook('onRequest', async () => {
    inFlight++;
    lastRequestAt = Date.now();
  });
  app.addHook('onResponse', async () => {
    inFlight--;
  });
  const address = await app.listen({ host: settings.TWIGA_SERVE_HOST, port: settings.TWIGA_SERVE_PORT });
  // With several processes the primary says 'twiga server listening' once all of them listen.
  if (member) {
    logger.info({ address }, 'server process listening');
    await member.listening(address);
  } else logger.info({ address }, 'twiga server listening');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      logger.warn('shutdown grace period over: exiting with requests still open');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    // Sockets that keep sending get 503 SHUTTING_DOWN with `Connection: close`. Once nothing is in flight
    // and no request has come for a quiet period, the idle kept-alive sockets are closed, so the process
    // neither waits on clients (Fastify keeps sockets 72 s) nor cuts a request a client just sent.
    const reaper = setInterval(() => {
      if (inFlight <= 0 && Date.now() - lastRequestAt > QUIET_MS) app.server.closeAllConnections();
    }, 50);
    reaper.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A cluster process whose primary is gone (killed) has nobody to coordinate with: it drains and exits.
  if (member) process.on('disconnect', () => shutdown('primary gone'));
}
