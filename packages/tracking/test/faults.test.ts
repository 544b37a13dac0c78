import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@twiga/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClient, type MlflowClientOptions } from '../src/index.js';

/**
 * Faults a real MLflow server cannot be made to show — 429 with Retry-After, 503 bursts, slow answers, reset
 * connections, lost create answers — from a fake MLflow on 127.0.0.1.
 */

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

type Handler = (req: Seen, res: ServerResponse, n: number) => void;

let server: Server;
let uri: string;
let handler: Handler;
let seen: Seen[];

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const RUN = {
  info: {
    run_id: 'r1',
    experiment_id: '1',
    status: 'RUNNING',
    artifact_uri: 'mlflow-artifacts:/1/r1/artifacts',
  },
  data: {},
};

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    logger: createLogger({ TWIGA_LOG_LEVEL: 'warn' }, { destination: stream }),
    retries: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.msg === 'MLflow request failed; retrying'),
  };
}

function client(options: Partial<MlflowClientOptions> = {}): MlflowClient {
  return new MlflowClient({
    trackingUri: uri,
    retry: { backoffMs: 10, jitterMs: 5 },
    timeoutMs: 2000,
    ...options,
  });
}

describe('MLflow client against faults (fake server)', () => {
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const s = {
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          body,
        };
        seen.push(s);
        handler(s, res, seen.length);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen = [];
  });

  it('honours Retry-After on 429 and logs the retry', async () => {
    handler = (_req, res, n) =>
      n === 1
        ? json(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED' }, { 'retry-after': '1' })
        : json(res, 200, { run: RUN });
    const { logger, retries } = capture();
    const started = performance.now();
    const run = await client({ logger }).getRun('r1');
    const elapsed = performance.now() - started;
    expect(run.info.run_id).toBe('r1');
    expect(seen).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(990); // 1 s asked for, although the backoff alone is ~10 ms
    expect(retries()).toEqual([
      expect.objectContaining({
        status: 429,
        try: 1,
        maxTries: 7,
        waitMs: 1000,
        path: '/api/2.0/mlflow/runs/get',
      }),
    ]);
  });

  it('rides out a burst of 503s with exponential backoff, one log line per retry', async () => {
    handler = (_req, res, n) =>
      n <= 4 ? json(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE' }) : json(res, 200, { run: RUN });
    const { logger, retries } = capture();
    await client({ logger }).getRun('r1');
    expect(seen).toHaveLength(5);
    const waits = retries().map((l) => l.waitMs as number);
    expect(retries().map((l) => l.try)).toEqual([1, 2, 3, 4]);
    // 0 then backoff·2^(n−1): 20, 40, 80 ms (+ ≤ 5 ms jitter).
    expect(waits[0]).toBeLessThanOrEqual(5);
    [20, 40, 80].forEach((base, i) => {
      expect(waits[i + 1]).toBeGreaterThanOrEqual(base);
      expect(waits[i + 1]).toBeLessThanOrEqual(base + 5);
    });
  });

  it('gives up after 7 tries with TRACKING_REQUEST_FAILED', async () => {
    handler = (_req, res) => json(res, 502, { message: 'bad gateway' });
    await expect(client().getRun('r1')).rejects.toMatchObject({
      code: 'TRACKING_REQUEST_FAILED',
      status: 502,
      details: expect.objectContaining({ tries: 7 }),
    });
    expect(seen).toHaveLength(7);
  });

  it('times out slow answers, retries them, and reports TRACKING_UNREACHABLE when every try is slow', async () => {
    handler = (_req, res, n) => {
      if (n === 1) setTimeout(() => json(res, 200, { run: RUN }), 600);
      else json(res, 200, { run: RUN });
    };
    expect((await client({ timeoutMs: 200 }).getRun('r1')).info.run_id).toBe('r1');
    expect(seen).toHaveLength(2);
    seen = [];
    handler = (_req, res) => setTimeout(() => json(res, 200, { run: RUN }), 600);
    await expect(
      client({ timeoutMs: 150, retry: { maxTries: 3, backoffMs: 10, jitterMs: 0 } }).getRun('r1'),
    ).rejects.toMatchObject({
      code: 'TRACKING_UNREACHABLE',
      tries: 3,
    });
    expect(seen).toHaveLength(3);
  });

  it('retries a reset connection', async () => {
    handler = (_req, res, n) => (n === 1 ? res.socket?.destroy() : json(res, 200, { run: RUN }));
    expect((await client().getRun('r1')).info.run_id).toBe('r1');
    expect(seen).toHaveLength(2);
  });

  it('does not retry client errors; maps 401 and 404', async () => {
    handler = (_req, res) => json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'no' });
    await expect(client().getRun('r1')).rejects.toMatchObject({
      code: 'TRACKING_REQUEST_FAILED',
      mlflowCode: 'INVALID_PARAMETER_VALUE',
    });
    expect(seen).toHaveLength(1);
    handler = (_req, res) => json(res, 401, { error_code: 'UNAUTHENTICATED' });
    await expect(client().getRun('r1')).rejects.toMatchObject({ code: 'TRACKING_AUTH_FAILED' });
    handler = (_req, res) => json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(client().getRun('r1')).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND' });
    expect(seen).toHaveLength(3);
  });

  it('rejects an answer that does not match the schema with TRACKING_RESPONSE_INVALID', async () => {
    handler = (_req, res) => json(res, 200, { run: { info: { run_id: 7 } } });
    await expect(client().getRun('r1')).rejects.toMatchObject({ code: 'TRACKING_RESPONSE_INVALID' });
  });

  it('sends basic auth or a bearer token', async () => {
    handler = (_req, res) => json(res, 200, { run: RUN });
    await client({ auth: { username: 'ana', password: 's3cret' } }).getRun('r1');
    await client({ auth: { token: 'tok-1' } }).getRun('r1');
    expect(seen.map((s) => s.authorization)).toEqual([
      `Basic ${Buffer.from('ana:s3cret').toString('base64')}`,
      'Bearer tok-1',
    ]);
  });

  it('never creates a second run when the answer to a create is lost', async () => {
    let created = false;
    handler = (req, res) => {
      if (req.url.startsWith('/api/2.0/mlflow/runs/search'))
        return json(res, 200, created ? { runs: [RUN] } : {});
      created = true; // the server made the run ...
      json(res, 503, {}); // ... but the client never hears so
    };
    const run = await client().createRun({ experimentId: '1', idempotencyKey: 'f'.repeat(32) });
    expect(run.info.run_id).toBe('r1');
    expect(seen.filter((s) => s.url === '/api/2.0/mlflow/runs/create')).toHaveLength(1);
    expect(JSON.parse(seen.find((s) => s.url === '/api/2.0/mlflow/runs/create')!.body).tags).toContainEqual({
      key: 'twiga.run_uuid',
      value: 'f'.repeat(32),
    });
  });

  it('splits log-batch to MLflow limits and sends NaN/Infinity as MLflow strings', async () => {
    handler = (_req, res) => json(res, 200, {});
    const metrics = Array.from({ length: 2100 }, (_, i) => ({
      key: 'm',
      value: i === 0 ? Number.NaN : i === 1 ? Number.POSITIVE_INFINITY : i,
      step: i,
      timestamp: 1,
    }));
    const params = Array.from({ length: 230 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) }));
    await client().logBatch('r1', { metrics, params, tags: [{ key: 't', value: 'v' }] });
    const bodies = seen.map(
      (s) => JSON.parse(s.body) as { metrics: unknown[]; params: unknown[]; tags: unknown[] },
    );
    for (const [i, s] of seen.entries()) {
      const b = bodies[i]!;
      expect(Buffer.byteLength(s.body)).toBeLessThanOrEqual(1_000_000);
      expect(b.metrics.length).toBeLessThanOrEqual(1000);
      expect(b.params.length).toBeLessThanOrEqual(100);
      expect(b.metrics.length + b.params.length + b.tags.length).toBeLessThanOrEqual(1000);
    }
    expect(bodies.flatMap((b) => b.metrics)).toHaveLength(2100);
    expect(bodies.flatMap((b) => b.params)).toHaveLength(230);
    expect(bodies.flatMap((b) => b.metrics).slice(0, 2)).toEqual([
      { key: 'm', value: 'NaN', step: 0, timestamp: 1 },
      { key: 'm', value: 'Infinity', step: 1, timestamp: 1 },
    ]);
    await expect(
      client().logBatch('r1', { params: [{ key: 'k'.repeat(251), value: '1' }] }),
    ).rejects.toMatchObject({
      code: 'TRACKING_INVALID',
    });
    await expect(
      client().logBatch('r1', { params: [{ key: 'big', value: 'x'.repeat(6001) }] }),
    ).rejects.toMatchObject({
      code: 'TRACKING_INVALID',
    });
  });
});
