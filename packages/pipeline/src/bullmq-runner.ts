import type { Logger } from '@twiga/core';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type ScheduleEntry, validateEntry } from './scheduler.js';

/** Defaults of {@link BullMqRunnerOptions}. */
export const BULLMQ_DEFAULTS = Object.freeze({
  queueName: 'twiga-runs',
  concurrency: 1,
  globalConcurrency: 1,
  attempts: 3,
  backoffMs: 5_000,
  lockDurationMs: 60_000,
  stalledIntervalMs: 30_000,
});

/** Which job a run belongs to (for logs and exactly-once checks). */
export interface JobMeta {
  jobId: string;
  /** 1 for the first try. */
  attempt: number;
}

/** Options of {@link BullMqRunner}. */
export interface BullMqRunnerOptions {
  /** `TWIGA_REDIS_URL`. */
  redisUrl: string;
  schedules: readonly ScheduleEntry[];
  /** Runs one job; its signal fires when the worker is closed with `force`. */
  run: (entry: ScheduleEntry, signal: AbortSignal, meta: JobMeta) => Promise<unknown>;
  /** @default 'twiga-runs' */
  queueName?: string;
  /** Jobs this process runs at once. @default 1 */
  concurrency?: number;
  /** Jobs all processes run at once (a queue-wide cap). @default 1 */
  globalConcurrency?: number;
  /** Tries of a failed job. @default 3 */
  attempts?: number;
  /** First retry delay, doubled per retry. @default 5000 */
  backoffMs?: number;
  /** Job lock: a worker that stops renewing it for this long loses the job to another. @default 60000 */
  lockDurationMs?: number;
  /** How often stalled jobs (lost locks) are looked for. @default 30000 */
  stalledIntervalMs?: number;
  logger?: Logger | undefined;
}

/** What a job returned: it ran, or it was skipped because another run of its model held the model lock. */
export type BullJobOutcome = { status: 'done' } | { status: 'skipped'; holder: string };

// Take the model lock when free or already ours (a stalled job retried keeps its id); else return the holder.
const ACQUIRE = `local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'OK' end
return cur`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * The distributed runner: schedules become BullMQ job schedulers (`upsertJobScheduler`, idempotent, so every
 * process may upsert them at start), every process is a worker, a scheduled run is one job executed once,
 * failed jobs retry with exponential backoff, a job whose worker died is picked up by another (stalled-job
 * recovery), a queue-wide concurrency cap bounds simultaneous trainings, and a per-model Redis lock keeps
 * two runs of one model (and so two promotions) from overlapping anywhere.
 */
export class BullMqRunner {
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  private lockClient: Redis | undefined;
  // BullMQ leaves connections it was given open on close(); we own them, so stop() ends them.
  private readonly connections: Redis[] = [];
  private readonly controller = new AbortController();
  private readonly o: Required<Omit<BullMqRunnerOptions, 'logger'>> & { logger: Logger | undefined };

  constructor(options: BullMqRunnerOptions) {
    for (const [i, entry] of options.schedules.entries()) validateEntry(entry, `schedules.${i}`);
    this.o = { ...BULLMQ_DEFAULTS, ...options, logger: options.logger };
  }

  /** Upsert the job schedulers and start working. */
  async start(): Promise<void> {
    const o = this.o;
    // ioredis reconnects by itself (Redis restarts, failovers); errors meanwhile are logged, not thrown.
    const connection = () => {
      const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null }).on('error', (err: Error) =>
        o.logger?.warn({ err: err.message }, 'redis connection error; reconnecting'),
      );
      this.connections.push(redis);
      return redis;
    };
    this.lockClient = connection();
    this.queue = new Queue(o.queueName, { connection: connection() });
    for (const entry of o.schedules) {
      await this.queue.upsertJobScheduler(
        schedulerId(entry),
        { pattern: entry.cron, tz: entry.timezone ?? 'UTC' },
        {
          name: entry.kind,
          data: entry,
          opts: {
            attempts: o.attempts,
            backoff: { type: 'exponential', delay: o.backoffMs },
            removeOnComplete: 1000,
            removeOnFail: 1000,
          },
        },
      );
    }
    await this.queue.setGlobalConcurrency(o.globalConcurrency);
    this.worker = new Worker(o.queueName, (job: Job<ScheduleEntry>) => this.process(job), {
      connection: connection(),
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: 2,
    });
    this.worker.on('failed', (job, err) =>
      o.logger?.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: String(err) }, 'job failed'),
    );
    this.worker.on('error', (err) => o.logger?.error({ err: String(err) }, 'worker error'));
    await this.worker.waitUntilReady();
    o.logger?.info({ queue: o.queueName, schedules: o.schedules.length }, 'bullmq runner started');
  }

  private async process(job: Job<ScheduleEntry>): Promise<BullJobOutcome> {
    const entry = job.data;
    const lockKey = `twiga:lock:${this.o.queueName}:${entry.model}`;
    const jobId = job.id ?? 'unknown';
    const got = (await this.lockClient!.eval(ACQUIRE, 1, lockKey, jobId, this.o.lockDurationMs)) as string;
    if (got !== 'OK') {
      this.o.logger?.warn({ jobId, model: entry.model, holder: got }, 'job skipped: its model is busy');
      return { status: 'skipped', holder: got };
    }
    const renew = setInterval(
      () =>
        void this.lockClient!.eval(RENEW, 1, lockKey, jobId, this.o.lockDurationMs).catch(() => undefined),
      Math.max(100, Math.floor(this.o.lockDurationMs / 2)),
    );
    try {
      await this.o.run(entry, this.controller.signal, { jobId, attempt: job.attemptsMade + 1 });
      return { status: 'done' };
    } finally {
      clearInterval(renew);
      await this.lockClient!.eval(RELEASE, 1, lockKey, jobId).catch(() => undefined);
    }
  }

  /** Queue one run of `entry` now (outside its schedule), with the same retry policy; returns the job id. */
  async enqueue(entry: ScheduleEntry): Promise<string> {
    if (!this.queue) throw new Error('BullMqRunner not started');
    const job = await this.queue.add(entry.kind, entry, {
      attempts: this.o.attempts,
      backoff: { type: 'exponential', delay: this.o.backoffMs },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
    return job.id ?? '';
  }

  /** Stop working jobs (after the current one) but keep the queue: a process that only schedules or enqueues. */
  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  /** The queue (for inspection in tests and tools). */
  get jobs(): Queue {
    if (!this.queue) throw new Error('BullMqRunner not started');
    return this.queue;
  }

  /**
   * Stop: the worker finishes its current job and takes no more (graceful SIGTERM); with `force` the job is
   * abandoned and another worker recovers it once its lock expires.
   */
  async stop(options: { force?: boolean } = {}): Promise<void> {
    if (options.force) this.controller.abort(new Error('runner stopping'));
    await this.worker?.close(options.force ?? false);
    await this.queue?.close();
    for (const redis of this.connections.splice(0)) redis.disconnect();
  }
}

/** The job scheduler id of a schedule: one per model and kind, so upserts from many processes agree. */
export function schedulerId(entry: ScheduleEntry): string {
  return `${entry.model}:${entry.kind}`;
}
