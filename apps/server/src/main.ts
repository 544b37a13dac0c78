#!/usr/bin/env node
/**
 * The Twiga server: settings, then one server process (serve-process.ts), or with TWIGA_SERVE_PROCESSES > 1
 * a primary (cluster/primary.ts) forking that many. The only entry point in the repo that listens.
 * Usage: twiga-server [--checkpoint-dir DIR] [--port N] [--host HOST] [--processes N|auto]
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  createLogger,
  isTwigaError,
  loadSettings,
  type SettingsInput,
  type TwigaSettings,
} from '@twiga/core';
import { ClusterMember } from './cluster/member.js';
import { runPrimary } from './cluster/primary.js';
import { SHUTDOWN_GRACE_MS, serveProcess } from './serve-process.js';

const HELP = `Usage: twiga-server [options]

Serve the current checkpoint over HTTP (/health, /predict, /reload).

Options:
  --checkpoint-dir DIR  checkpoint directory (TWIGA_MODEL_CHECKPOINT_DIR, default ./checkpoints)
  --port N              port (TWIGA_SERVE_PORT, default 8000; 0 picks a free one)
  --host HOST           interface (TWIGA_SERVE_HOST, default 127.0.0.1)
  --processes N         server processes sharing the port, or auto for one per CPU
                        (TWIGA_SERVE_PROCESSES, default 1)
  -h, --help            show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'checkpoint-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      processes: { type: 'string' },
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
  if (values.processes !== undefined) overrides.TWIGA_SERVE_PROCESSES = values.processes;
  const settings = loadSettings({ overrides });
  const logger = createLogger(settings, { name: 'twiga-server' });
  const processes = serverProcesses(settings);
  if (processes > 1 && cluster.isPrimary)
    runPrimary({ processes, logger, shutdownGraceMs: SHUTDOWN_GRACE_MS });
  else {
    const member = processes > 1 && cluster.isWorker ? new ClusterMember(logger) : undefined;
    await serveProcess({ settings, logger, ...(member ? { member } : {}) });
  }
}

/** `TWIGA_SERVE_PROCESSES`, with `auto` as one process per CPU. */
function serverProcesses(settings: TwigaSettings): number {
  const setting = settings.TWIGA_SERVE_PROCESSES;
  return setting === 'auto' ? availableParallelism() : setting;
}

main().catch((err: unknown) => {
  // Start-up errors (bad settings, port in use) are printed as one JSON line, not a stack trace.
  const body = isTwigaError(err) ? err.toJSON() : { code: 'STARTUP_FAILED', message: (err as Error).message };
  process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  process.exit(2);
});
