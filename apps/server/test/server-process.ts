import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The built server entry point (`pnpm build`); tests that run it skip when it is missing. */
export const SERVER_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const serverBuilt = existsSync(SERVER_MAIN);

/** A running server process and its base URL. */
export interface RunningServer {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  /** Every line the server wrote (JSON logs), for assertions and failure messages. */
  lines: string[];
}

/** Start `node apps/server/dist/main.js` on a free loopback port and wait until it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env,
      TWIGA_SERVE_HOST: '127.0.0.1',
      TWIGA_SERVE_PORT: '0',
      TWIGA_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const stderr: string[] = [];
    child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'twiga server listening' && entry.address) resolve(entry.address);
      } catch {
        // not JSON
      }
    });
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening: ${stderr.join('')}`)),
    );
  });
  return { child, url, exited, lines };
}
