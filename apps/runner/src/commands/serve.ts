import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Options of {@link startServer}. */
export interface ServeOptions {
  checkpointDir?: string;
  port?: string;
  host?: string;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** `inherit` passes server logs through; `pipe` lets the caller read them. @default inherit */
  stdio?: 'inherit' | 'pipe';
}

/**
 * The server's entry point (apps/server's `twiga-server` bin). The CLI starts the server as its own
 * process rather than importing it, so `listen` lives only in apps/server and signals reach it directly.
 */
export function serverEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@twiga/server/package.json')), 'dist', 'main.js');
}

/** Start the server process with the given options. */
export function startServer(options: ServeOptions): ChildProcess {
  const args = [serverEntry()];
  if (options.checkpointDir !== undefined) args.push('--checkpoint-dir', options.checkpointDir);
  if (options.port !== undefined) args.push('--port', options.port);
  if (options.host !== undefined) args.push('--host', options.host);
  return spawn(process.execPath, args, {
    stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, ...options.env },
  });
}

/** Run the server in the foreground until it exits; forwards SIGINT/SIGTERM; resolves to its exit code. */
export function serve(options: ServeOptions): Promise<number> {
  const child = startServer(options);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
