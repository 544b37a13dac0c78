/**
 * Worker threads for large forecast requests. Parsing 100 000 records, building their frame and features
 * takes hundreds of milliseconds of CPU; done on the event loop it would stall every other request (and trip
 * the load shedder). Bodies of at least `TWIGA_SERVE_WORKER_MIN_BYTES` go, unparsed, to a worker that holds
 * its own copy of the served model; small ones stay inline, where a thread hop would cost more than it saves.
 * A pool belongs to one loaded model and is closed with it, so a reload never mixes versions.
 */
import type { Worker } from 'node:worker_threads';
import { ForwardedError, type Logger, spawnWorker } from '@twiga/core';
import type { RawPrediction, TwigaForecaster } from '@twiga/forecaster';
import type { PoolInit, PoolJob, PoolMessage } from './protocol.js';

/**
 * The pool cannot take a job (closed, or its workers died): the caller answers inline instead. Internal:
 * never reaches a client.
 */
export class PoolUnavailableError extends Error {
  override readonly name = 'PoolUnavailableError';
}

/** A worker's answer: the body's other fields and the forecasts. */
export interface PoolAnswer {
  fields: Record<string, unknown>;
  predictions: RawPrediction[];
}

interface Pending {
  resolve(answer: PoolAnswer): void;
  reject(err: unknown): void;
}

/** One worker: its jobs in flight, answered in any order by id. */
class PoolThread {
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  private dead: Error | undefined;
  /** Set before a deliberate terminate, so its exit is not logged as a failure. */
  stopping = false;

  constructor(
    readonly worker: Worker,
    logger: Logger | undefined,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: PoolMessage) => {
        if (msg.type === 'ready') return resolve();
        const job = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.type === 'done') job?.resolve({ fields: msg.fields, predictions: msg.predictions });
        else job?.reject(new ForwardedError(msg.error, 'INTERNAL'));
      });
      const fail = (err: Error) => {
        this.dead ??= err;
        reject(err);
        if (!this.stopping) logger?.error({ err: err.message }, 'forecast worker thread failed');
        for (const job of this.pending.values()) job.reject(new PoolUnavailableError(err.message));
        this.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`forecast worker thread exited with code ${code}`)));
    });
    // A failed start is reported to the first job, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  run(job: PoolJob): Promise<PoolAnswer> {
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      this.ready.then(
        () => this.worker.postMessage(job),
        (err: unknown) => {
          this.pending.delete(job.id);
          reject(new PoolUnavailableError(String(err)));
        },
      );
    });
  }
}

/** Options of {@link PredictPool.start}. */
export interface PredictPoolOptions {
  /** Worker threads. */
  size: number;
  logger?: Logger | undefined;
}

/** A fixed set of forecast worker threads over one served model. */
export class PredictPool {
  private nextId = 1;
  private closed = false;
  private answered = 0;

  private constructor(private readonly threads: PoolThread[]) {}

  /** Start `size` workers, each loading `forecaster`'s state and ONNX graph; resolves when all are ready. */
  static async start(forecaster: TwigaForecaster, options: PredictPoolOptions): Promise<PredictPool> {
    const init: PoolInit = { state: forecaster.state, onnx: forecaster.onnxBytes };
    const threads = Array.from(
      { length: options.size },
      () => new PoolThread(spawnWorker(import.meta.url, 'worker', { workerData: init }), options.logger),
    );
    const pool = new PredictPool(threads);
    try {
      await Promise.all(threads.map((t) => t.ready));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Parse, validate and forecast `job` on the least busy live worker. */
  run(job: Omit<PoolJob, 'id'>): Promise<PoolAnswer> {
    if (this.closed) return Promise.reject(new PoolUnavailableError('the worker pool is closed'));
    let best: PoolThread | undefined;
    for (const t of this.threads)
      if (t.alive && (best === undefined || t.pending.size < best.pending.size)) best = t;
    if (best === undefined)
      return Promise.reject(new PoolUnavailableError('every forecast worker thread has failed'));
    return best.run({ ...job, id: this.nextId++ }).finally(() => {
      this.answered++;
    });
  }

  /** Threads started, threads alive, and jobs answered (forecasts or errors) so far. */
  stats(): { threads: number; alive: number; answered: number } {
    return {
      threads: this.threads.length,
      alive: this.threads.filter((t) => t.alive).length,
      answered: this.answered,
    };
  }

  /** Stop every worker (jobs still running are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.threads) t.stopping = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
