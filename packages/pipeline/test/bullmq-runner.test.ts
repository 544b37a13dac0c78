import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqRunner, type JobMeta, type ScheduleEntry } from '../src/index.js';
import { type RedisProcess, redisAvailable, redisRequired, startRedis } from './redis-harness.js';

const title = redisAvailable
  ? 'BullMQ runner on a real Redis'
  : 'BullMQ runner on a real Redis (SKIPPED: redis-server missing; run `bash scripts/ci/redis.sh`)';

describe.skipIf(!redisAvailable && !redisRequired)(title, () => {
  let redis: RedisProcess;
  const runners: BullMqRunner[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop({ force: true }).catch(() => undefined)));
    await redis?.stop();
  });

  const make = (
    queueName: string,
    schedules: ScheduleEntry[],
    run: (e: ScheduleEntry, s: AbortSignal, m: JobMeta) => Promise<unknown>,
    extra: Partial<ConstructorParameters<typeof BullMqRunner>[0]> = {},
  ) => {
    const r = new BullMqRunner({ redisUrl: redis.url, queueName, schedules, run, backoffMs: 100, ...extra });
    runners.push(r);
    return r;
  };

  it('two runner processes, one schedule: each due run executes exactly once', async () => {
    const every = [{ model: 'm', kind: 'retrain' as const, cron: '* * * * * *' }];
    const runs: { worker: string; jobId: string }[] = [];
    const body = (worker: string) => async (_: ScheduleEntry, __: AbortSignal, meta: JobMeta) => {
      runs.push({ worker, jobId: meta.jobId });
      await new Promise((r) => setTimeout(r, 50));
    };
    // Both upsert the same scheduler at start (idempotent) and both work the queue.
    const a = make('once', every, body('a'), { globalConcurrency: 2 });
    const b = make('once', every, body('b'), { globalConcurrency: 2 });
    await a.start();
    await b.start();
    await new Promise((r) => setTimeout(r, 3500));
    await a.stop();
    await b.stop();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const ids = runs.map((r) => r.jobId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('retries a failed job with backoff until it succeeds', async () => {
    let calls = 0;
    const done: JobMeta[] = [];
    const r = make(
      'retry',
      [{ model: 'r', kind: 'train', cron: '0 0 1 1 *' }],
      async (_e, _s, meta) => {
        calls++;
        if (calls === 1) throw new Error('transient');
        done.push(meta);
      },
      { attempts: 3 },
    );
    await r.start();
    // The schedule is yearly: one job queued now, tried twice.
    await r.enqueue({ model: 'r', kind: 'train', cron: '0 0 1 1 *' });
    const end = Date.now() + 5000;
    while (done.length === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    await r.stop();
    expect(calls).toBe(2);
    expect(done[0]?.attempt).toBe(2);
  });

  it('a job whose worker dies mid-run is completed by another worker', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const schedule = [{ model: 's', kind: 'train' as const, cron: '0 0 1 1 *' }];
    const fast = { lockDurationMs: 1000, stalledIntervalMs: 300 };
    const dying = make(
      'stall',
      schedule,
      async (_e, signal) => {
        events.push('a-started');
        // Hangs until the worker is torn down, like a process killed mid-training.
        await new Promise<void>((r) => {
          release = r;
          signal.addEventListener('abort', () => r());
        });
      },
      fast,
    );
    await dying.start();
    await dying.enqueue(schedule[0]!);
    const end = Date.now() + 5000;
    while (!events.includes('a-started') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['a-started']);
    await dying.stop({ force: true });
    release();
    const rescuer = make(
      'stall',
      schedule,
      async (_e, _s, meta) => {
        events.push(`b-done:${meta.jobId}`);
      },
      fast,
    );
    await rescuer.start();
    const end2 = Date.now() + 8000;
    while (!events.some((e) => e.startsWith('b-done')) && Date.now() < end2)
      await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e.startsWith('b-done'))).toHaveLength(1);
  });
});

const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const WORKER = fileURLToPath(new URL('./bull-worker.ts', import.meta.url));

describe.skipIf(!redisAvailable && !redisRequired)(`${title}: separate runner processes`, () => {
  let redis: RedisProcess;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'twiga-bull-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const spawnWorker = async (queue: string, out: string, runMs: number, cron?: string) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        TSX,
        '--conditions',
        'source',
        WORKER,
        redis.url,
        queue,
        out,
        String(runMs),
        ...(cron ? [cron] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TWIGA_LOG_LEVEL: 'silent' } },
    );
    children.push(child);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        if (c.toString().includes('ready')) resolve();
      });
      void exited.then((code) => reject(new Error(`worker exited ${code} before ready`)));
    });
    return { child, exited };
  };
  const lines = async (file: string) =>
    (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

  it('two processes, one scheduler: each due run executes once; SIGTERM exits 0', async () => {
    const out = join(dir, 'once.log');
    const a = await spawnWorker('procs-once', out, 50, '* * * * * *');
    const b = await spawnWorker('procs-once', out, 50, '* * * * * *');
    await new Promise((r) => setTimeout(r, 3500));
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    // Scheduler job ids hold colons (`repeat:<scheduler>:<time>`); the pid is the last field.
    const done = (await lines(out)).flatMap((l) => /^done:(.+):\d+$/.exec(l)?.[1] ?? []);
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(new Set(done).size).toBe(done.length);
  });

  it('a runner killed mid-job (SIGKILL): the job completes on the other runner', async () => {
    const out = join(dir, 'kill.log');
    const producer = new BullMqRunner({
      redisUrl: redis.url,
      queueName: 'procs-kill',
      schedules: [],
      run: async () => {},
    });
    const victim = await spawnWorker('procs-kill', out, 60_000);
    // The producer only enqueues: stop its worker first so it cannot take the job.
    await producer.start();
    await producer.stopWorker();
    const jobId = await producer.enqueue({ model: 'm', kind: 'retrain', cron: '0 0 1 1 *' });
    const end = Date.now() + 8000;
    while (!(await lines(out)).some((l) => l.startsWith(`started:${jobId}:`)) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    victim.child.kill('SIGKILL');
    await victim.exited;
    const rescuer = await spawnWorker('procs-kill', out, 50);
    const end2 = Date.now() + 10_000;
    while (!(await lines(out)).some((l) => l.startsWith(`done:${jobId}:`)) && Date.now() < end2)
      await new Promise((r) => setTimeout(r, 50));
    const log = await lines(out);
    expect(log.filter((l) => l.startsWith(`done:${jobId}:`))).toEqual([`done:${jobId}:${rescuer.child.pid}`]);
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
    await producer.stop();
  });

  it('Redis restarted: the runner reconnects and works again', async () => {
    const out = join(dir, 'restart.log');
    const w = await spawnWorker('procs-restart', out, 10);
    await redis.restart();
    const producer = new BullMqRunner({
      redisUrl: redis.url,
      queueName: 'procs-restart',
      schedules: [],
      run: async () => {},
    });
    await producer.start();
    await producer.stopWorker();
    const jobId = await producer.enqueue({ model: 'm', kind: 'train', cron: '0 0 1 1 *' });
    const end = Date.now() + 10_000;
    while (!(await lines(out)).some((l) => l.startsWith(`done:${jobId}:`)) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    expect((await lines(out)).some((l) => l.startsWith(`done:${jobId}:${w.child.pid}`))).toBe(true);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    await producer.stop();
  });
});
