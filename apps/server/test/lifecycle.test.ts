import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from '@twiga/forecaster';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictBody, saveCheckpoint } from '../../../packages/serve/test/fixtures.js';
import { type RunningServer, serverBuilt, startServerProcess } from './server-process.js';

describe.skipIf(!serverBuilt)('server process under load (real process, loopback)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-lifecycle-'));
    await saveCheckpoint(dir, 400, 0.1); // v1
    await saveCheckpoint(dir, 420, 50); // v2, a visibly different model
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // With 2 processes (TWIGA_SERVE_PROCESSES) each /reload swaps both together, under the same load.
  it.each([1, 2])(
    'ten /reloads alternating between two versions under 64 connections, %i process(es): zero non-2xx',
    async (processes) => {
      const server: RunningServer = await startServerProcess({
        TWIGA_MODEL_CHECKPOINT_DIR: dir,
        TWIGA_SERVE_PROCESSES: String(processes),
      });
      const store = new CheckpointStore(dir);
      const body = JSON.stringify(predictBody());
      const load = autocannon({
        url: `${server.url}/predict`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: 64,
        duration: 6,
      });
      const reloads: { status: number; version: number }[] = [];
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 400));
        await store.rollback(i % 2 === 0 ? 1 : 2);
        const res = await fetch(`${server.url}/reload`, { method: 'POST' });
        reloads.push({ status: res.status, version: ((await res.json()) as { version: number }).version });
      }
      const result = await load;
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(reloads.map((r) => r.status)).toEqual(new Array(10).fill(200));
      expect(reloads.map((r) => r.version)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
      expect(result.non2xx).toBe(0);
      expect(result.errors).toBe(0);
      expect(result.requests.total).toBeGreaterThan(500);
      // For the record (the bench reports it properly): p99 latency while reloading.
      console.info(
        `hot reload under load, ${processes} process(es): ${result.requests.total} requests, p99 ${result.latency.p99} ms, 0 non-2xx`,
      );
    },
    60_000,
  );

  it.each([1, 2])(
    'SIGTERM drains in-flight requests and exits 0 within the grace period, %i process(es)',
    async (processes) => {
      const server = await startServerProcess({
        TWIGA_MODEL_CHECKPOINT_DIR: dir,
        TWIGA_SERVE_PROCESSES: String(processes),
      });
      const body = JSON.stringify(predictBody());
      // Ten kept-alive connections, warmed up, so every request below goes to a socket the server accepted.
      const agent = new Agent({ keepAlive: true, maxSockets: 10 });
      const post = () =>
        new Promise<{ status: number; code: string | undefined }>((resolve) => {
          const req = request(
            `${server.url}/predict`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => {
                const parsed = JSON.parse(Buffer.concat(chunks).toString()) as { error?: { code: string } };
                resolve({ status: res.statusCode ?? 0, code: parsed.error?.code });
              });
            },
          );
          // A reset on a NEW socket is the closed listener refusing it (the connection sat in the accept
          // backlog); a reset on a reused socket would be a request cut off — reported as CUT.
          req.on('error', (err: NodeJS.ErrnoException) =>
            resolve({ status: 0, code: err.code === 'ECONNRESET' && req.reusedSocket ? 'CUT' : err.code }),
          );
          req.end(body);
        });
      await Promise.all(Array.from({ length: 10 }, post));
      const requests = Array.from({ length: 300 }, post);
      await Promise.race(requests);
      const started = Date.now();
      server.child.kill('SIGTERM');
      const outcomes = await Promise.all(requests);
      const code = await server.exited;
      expect(code, server.lines.filter((l) => !l.includes('SHUTTING_DOWN')).join('\n')).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      agent.destroy();
      // In flight: completed with 200. Arrived after the signal: 503 SHUTTING_DOWN (and the socket closed), or
      // refused when the agent opened a new socket after the listener closed (ECONNREFUSED, or ECONNRESET
      // on a socket that never carried a request). None is cut off mid-flight.
      const unexpected = outcomes.filter(
        (o) =>
          o.status !== 200 &&
          !(o.status === 503 && o.code === 'SHUTTING_DOWN') &&
          o.code !== 'ECONNREFUSED' &&
          o.code !== 'ECONNRESET',
      );
      expect(unexpected).toEqual([]);
      expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(1);
    },
    30_000,
  );
});
