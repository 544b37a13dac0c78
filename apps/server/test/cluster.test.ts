import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from '@twiga/forecaster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { predictBody, saveCheckpoint } from '../../../packages/serve/test/fixtures.js';
import { type RunningServer, serverBuilt, startServerProcess } from './server-process.js';

/** GET on a new connection each time, so node:cluster hands successive requests to successive processes. */
function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

/** The checkpoint versions that `n` fresh-connection /health requests saw (every process is asked). */
async function servedVersions(url: string, n = 12): Promise<Set<number | null>> {
  const seen = new Set<number | null>();
  for (let i = 0; i < n; i++) {
    const res = await getFresh(`${url}/health`);
    seen.add(
      (JSON.parse(res.body) as { checkpoint: { version: number } | null }).checkpoint?.version ?? null,
    );
  }
  return seen;
}

/** Pids of the server processes that said they listen (not the primary). */
function processPids(server: RunningServer): number[] {
  return server.lines
    .map((l) => JSON.parse(l) as { msg?: string; pid: number })
    .filter((e) => e.msg === 'server process listening')
    .map((e) => e.pid);
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!serverBuilt)('TWIGA_SERVE_PROCESSES=2 (real processes sharing one port)', () => {
  let dir: string;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-cluster-'));
    await saveCheckpoint(dir, 400, 0.1); // v1
    await saveCheckpoint(dir, 420, 50); // v2, current
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    server = undefined;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('starts two processes; /reload swaps both together and says so; /metrics adds both up', async () => {
    server = await startServerProcess({ TWIGA_MODEL_CHECKPOINT_DIR: dir, TWIGA_SERVE_PROCESSES: '2' });
    const running = server;
    // Each process logs on its own pipe writes: its line may come after the primary's.
    await until(() => processPids(running).length === 2, 'both processes to log listening');
    expect(await servedVersions(server.url)).toEqual(new Set([2]));

    await new CheckpointStore(dir).rollback(1);
    const reload = await fetch(`${server.url}/reload`, { method: 'POST' });
    expect(reload.status).toBe(200);
    expect(await reload.json()).toMatchObject({ previous_version: 2, version: 1, processes: 2 });
    expect(await servedVersions(server.url)).toEqual(new Set([1]));

    // Each /predict on its own connection: the two processes share them; /metrics counts all of them.
    const body = JSON.stringify(predictBody());
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body,
      });
      expect(res.status).toBe(200);
    }
    // Two reloads at once, on two connections (so, likely, two processes): they run one after the other.
    await new CheckpointStore(dir).rollback(2);
    const both = await Promise.all(
      [0, 1].map(() =>
        fetch(`${server!.url}/reload`, { method: 'POST', headers: { connection: 'close' } }).then(
          async (res) => ({
            status: res.status,
            body: (await res.json()) as { version: number; previous_version: number },
          }),
        ),
      ),
    );
    expect(both.map((r) => [r.status, r.body.version])).toEqual([
      [200, 2],
      [200, 2],
    ]);
    // One after the other: the first swapped 1 → 2, the second 2 → 2, whichever process each reached.
    expect(both.map((r) => r.body.previous_version).sort()).toEqual([1, 2]);
    expect(await servedVersions(server.url)).toEqual(new Set([2]));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/twiga_http_requests_total\{route="\/predict",method="POST",status="200"\} 10\b/);
    expect(metrics).toMatch(/twiga_model_version 2\b/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('a reload that fails leaves every process on its model and answers the code', async () => {
    server = await startServerProcess({ TWIGA_MODEL_CHECKPOINT_DIR: dir, TWIGA_SERVE_PROCESSES: '2' });
    const before = await servedVersions(server.url);
    expect(before.size).toBe(1);
    const store = new CheckpointStore(dir);
    const broken = await saveCheckpoint(dir, 400, 3);
    await writeFile(join(dir, broken.checkpoint_file, 'model.onnx'), 'not a model');
    const reload = await fetch(`${server.url}/reload`, { method: 'POST' });
    expect(reload.status).toBe(500);
    expect(((await reload.json()) as { error: { code: string } }).error.code).toBe('CHECKPOINT_CORRUPT');
    expect(await servedVersions(server.url)).toEqual(before);
    await store.rollback(2);
  }, 60_000);

  it('a killed process is replaced, and the new one serves the pinned model, not a newer manifest', async () => {
    server = await startServerProcess({ TWIGA_MODEL_CHECKPOINT_DIR: dir, TWIGA_SERVE_PROCESSES: '2' });
    const store = new CheckpointStore(dir);
    await store.rollback(1);
    const reload = await fetch(`${server.url}/reload`, { method: 'POST' });
    expect(((await reload.json()) as { version: number }).version).toBe(1);
    // The manifest moves on, but nobody has asked to reload: the cluster keeps serving v1.
    await store.rollback(2);
    const running = server;
    await until(() => processPids(running).length === 2, 'both processes to log listening');
    const [victim] = processPids(server);
    process.kill(victim!, 'SIGKILL');
    await until(() => processPids(running).length === 3, 'a replacement process');
    expect(server.lines.some((l) => l.includes('server process exited: starting another'))).toBe(true);
    expect(await servedVersions(server.url)).toEqual(new Set([1]));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('a port that is taken fails the start with exit 2, without restarting forever', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startServerProcess({
          TWIGA_MODEL_CHECKPOINT_DIR: dir,
          TWIGA_SERVE_PROCESSES: '2',
          TWIGA_SERVE_PORT: String(port),
        }),
      ).rejects.toThrow(/exited \(2\) before listening/);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
