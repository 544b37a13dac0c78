#!/usr/bin/env node
/**
 * The Twiga server process: settings → app → listen. The only place in the repo that calls `listen`.
 * Usage: twiga-server [--checkpoint-dir DIR] [--port N] [--host HOST]
 */
import { parseArgs } from 'node:util';
import { createLogger, isTwigaError, loadSettings, type SettingsInput } from '@twiga/core';
import { createApp, ModelLoader } from '@twiga/serve';

const HELP = `Usage: twiga-server [options]

Serve the current checkpoint over HTTP (/health, /predict, /reload).

Options:
  --checkpoint-dir DIR  checkpoint directory (TWIGA_MODEL_CHECKPOINT_DIR, default ./checkpoints)
  --port N              port (TWIGA_SERVE_PORT, default 8000; 0 picks a free one)
  --host HOST           interface (TWIGA_SERVE_HOST, default 127.0.0.1)
  -h, --help            show this help
`;

/** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;
/** After SIGTERM, idle sockets are closed once no request has arrived for this long. */
const QUIET_MS = 300;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'checkpoint-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const overrides: SettingsInput = {};
  if (values['checkpoint-dir'] !== undefined) overrides.TWIGA_MODEL_CHECKPOINT_DIR = values['checkpoint-dir'];
  if (values.port !== undefined) overrides.TWIGA_SERVE_PORT = values.port;
  if (values.host !== undefined) overrides.TWIGA_SERVE_HOST = values.host;
  const settings = loadSettings({ overrides });
  const logger = createLogger(settings, { name: 'twiga-server' });
  const loader = new ModelLoader({ checkpointDir: settings.TWIGA_MODEL_CHECKPOINT_DIR, logger, settings });
  const app = await createApp({ settings, loader, logger });
  // Load eagerly so the first request does not pay for it; without a checkpoint the server starts degraded.
  await loader.ensureLoaded().catch((err: unknown) => {
    // The cause says why: no checkpoint yet (CHECKPOINT_NOT_FOUND) or a broken one (CHECKPOINT_CORRUPT).
    const cause = (err as { cause?: unknown }).cause;
    logger.warn(
      { err: isTwigaError(cause) ? cause.toJSON() : isTwigaError(err) ? err.toJSON() : String(err) },
      'no model loaded yet: /health is degraded until POST /reload',
    );
  });
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
  logger.info({ address }, 'twiga server listening');

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
}

main().catch((err: unknown) => {
  // Start-up errors (bad settings, port in use) are printed as one JSON line, not a stack trace.
  const body = isTwigaError(err) ? err.toJSON() : { code: 'STARTUP_FAILED', message: (err as Error).message };
  process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  process.exit(2);
});
