/**
 * Trains one GBDT per target column in parallel on worker threads, so the event loop stays free and the
 * cores stay busy: features are binned once (each worker fits and bins a share of the features into one
 * shared matrix), then workers take targets from a queue. Every target is trained exactly as
 * `trainGbdt` would train it alone, so the result does not depend on the number of threads.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '@twiga/core';
import { ConfigInvalidError, ModelInvalidError } from '../../errors.js';
import { allocateBins, assembleBinMapper } from './binning.js';
import type { GbdtParams } from './params.js';
import { errorFromPayload, type PoolRequest, type PoolResponse, type WorkerInit } from './pool-protocol.js';
import type { GbdtEnsemble } from './tree.js';
import type { GbdtKernel } from './tree-memory.js';

/** Held-out rows for early stopping: float32 features [n, p] and targets [n, k], both row-major. */
export interface GbdtManyValidation {
  readonly features: Float32Array;
  readonly n: number;
  readonly targets: Float64Array;
}

/** Options of {@link trainGbdtMany}. */
export interface TrainGbdtManyOptions {
  /** Validation rows for early stopping (else, with `earlyStoppingRounds`, each target holds out its tail). */
  validation?: GbdtManyValidation;
  /** Called on the calling thread after each target is trained. */
  onProgress?(done: number, total: number): void;
  /** Kernels (see `trainGbdt`). @default 'auto' */
  kernel?: GbdtKernel;
}

/**
 * Trains one ensemble per column of `targets` ([n, k] row-major) on float32 `features` ([n, p]
 * row-major), on `params.threads` worker threads (default: every core), and returns them in column order.
 */
export async function trainGbdtMany(
  features: Float32Array,
  n: number,
  p: number,
  targets: Float64Array,
  k: number,
  params: GbdtParams,
  options: TrainGbdtManyOptions = {},
): Promise<GbdtEnsemble[]> {
  checkShapes(features, n, p, targets, k, options.validation);
  const threads = Math.max(1, params.threads ?? availableParallelism());
  const val = options.validation;
  const init: WorkerInit = {
    features: shared(features),
    n,
    p,
    bins: allocateBins(n, p, true),
    targets: shared(targets),
    k,
    params,
    kernel: options.kernel ?? 'auto',
    ...(val === undefined
      ? {}
      : {
          validation: {
            features: shared(val.features),
            n: val.n,
            bins: allocateBins(val.n, p, true),
            targets: shared(val.targets),
          },
        }),
  };
  const workers = Array.from({ length: Math.min(threads, p) }, () => new PoolWorker(init));
  try {
    // Phase 1: each worker fits and bins a contiguous share of the features.
    const shares = workers.length;
    const parts = await Promise.all(
      workers.map((worker, i) =>
        worker.call({
          type: 'bin',
          from: Math.floor((p * i) / shares),
          to: Math.floor((p * (i + 1)) / shares),
        }),
      ),
    );
    const mapper = assembleBinMapper(parts.flatMap((r) => (r.type === 'bounds' ? r.bounds : [])));
    // Fewer targets than threads: the extra workers have nothing more to do.
    await Promise.all(workers.splice(k).map((worker) => worker.terminate()));
    // Phase 2: workers take targets from a shared queue until it is empty.
    const results: GbdtEnsemble[] = new Array(k);
    let next = 0;
    let done = 0;
    await Promise.all(
      workers.map(async (w) => {
        while (next < k) {
          const target = next++;
          const res = await w.call({ type: 'train', target, mapper });
          if (res.type !== 'trained') throw new ModelInvalidError(`gbdt worker answered ${res.type}`);
          results[res.target] = res.ensemble;
          options.onProgress?.(++done, k);
        }
      }),
    );
    return results;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One worker thread with at most one request in flight; any failure rejects that request. */
class PoolWorker {
  readonly #worker: Worker;
  #pending: { resolve(r: PoolResponse): void; reject(e: unknown): void } | undefined;
  #failure: unknown;

  constructor(init: WorkerInit) {
    this.#worker = spawn(init);
    this.#worker.on('message', (msg: PoolResponse) => {
      if (msg.type === 'error') this.#fail(errorFromPayload(msg.error));
      else this.#settle()?.resolve(msg);
    });
    this.#worker.on('error', (err) => {
      this.#fail(new ModelInvalidError(`gbdt worker thread crashed: ${err.message}`, err));
    });
    this.#worker.on('exit', (code) => {
      this.#fail(new ModelInvalidError(`gbdt worker thread exited (code ${code}) before finishing`));
    });
  }

  call(request: PoolRequest): Promise<PoolResponse> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage(request);
    });
  }

  async terminate(): Promise<void> {
    this.#failure ??= new ModelInvalidError('gbdt worker thread was stopped');
    await this.#worker.terminate();
  }

  #settle() {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }

  #fail(err: unknown): void {
    this.#failure ??= err;
    this.#settle()?.reject(err);
  }
}

// The worker module sits beside this file (worker.js built, worker.ts from sources).
function spawn(init: WorkerInit): Worker {
  try {
    return spawnWorker(import.meta.url, 'worker', { workerData: init });
  } catch (err) {
    throw new ModelInvalidError(`cannot start a gbdt worker thread: ${(err as Error).message}`, err);
  }
}

function shared<T extends Float32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

function checkShapes(
  features: Float32Array,
  n: number,
  p: number,
  targets: Float64Array,
  k: number,
  val: GbdtManyValidation | undefined,
): void {
  const bad = (what: string) => new ConfigInvalidError(`trainGbdtMany: ${what}`);
  if (
    !Number.isSafeInteger(n) ||
    n < 1 ||
    !Number.isSafeInteger(p) ||
    p < 1 ||
    !Number.isSafeInteger(k) ||
    k < 1
  ) {
    throw bad(`n, p and k must be positive integers, got ${n}, ${p}, ${k}`);
  }
  if (features.length !== n * p) throw bad(`features has ${features.length} values, expected ${n}*${p}`);
  if (targets.length !== n * k) throw bad(`targets has ${targets.length} values, expected ${n}*${k}`);
  if (val !== undefined && (val.features.length !== val.n * p || val.targets.length !== val.n * k)) {
    throw bad(
      `validation has ${val.features.length} features and ${val.targets.length} targets for ${val.n} rows`,
    );
  }
}
