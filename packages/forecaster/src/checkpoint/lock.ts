import { open, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a lock may be held before another process may take it over (a crashed writer). */
const STALE_MS = 30_000;

/**
 * Hold an exclusive lock file (created with O_EXCL, so exactly one process wins) while `fn` runs.
 * Used to make "read manifest, write manifest" one step across processes.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_MS) await rm(path, { force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path}`, { cause: err });
      await sleep(wait + Math.random() * wait);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
