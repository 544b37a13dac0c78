// Starts a throwaway redis-server on a free port for the BullMQ tests (Debian `redis-server`, see
// scripts/ci/redis.sh). Without it the suites skip, unless TWIGA_REQUIRE_REDIS=1 makes that a failure.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when redis-server can run here. */
export const redisAvailable = has('redis-server');
/** CI sets TWIGA_REQUIRE_REDIS=1: a missing Redis then fails the suite instead of skipping it. */
export const redisRequired = process.env.TWIGA_REQUIRE_REDIS === '1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A running redis-server. */
export interface RedisProcess {
  url: string;
  port: number;
  stop: () => Promise<void>;
  /** Stop and start again on the same port (all data lost, as with `--save ''`). */
  restart: () => Promise<void>;
}

/** Start `redis-server --port P --save '' --appendonly no` and wait until it answers. */
export async function startRedis(): Promise<RedisProcess> {
  if (!redisAvailable) throw new Error('redis-server is not installed: run `bash scripts/ci/redis.sh`');
  const port = await freePort();
  let current = await spawnRedis(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => current.stop(),
    restart: async () => {
      await current.stop();
      current = await spawnRedis(port);
    },
  };
}

async function spawnRedis(port: number): Promise<{ stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error('redis-server exited at start')));
  });
  return {
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
