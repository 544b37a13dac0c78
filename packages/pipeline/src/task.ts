import type { Logger } from '@twiga/core';
import { PipelineTaskTimeoutError } from './errors.js';

/** Retry and timeout policy of a task. */
export interface TaskPolicy {
  /** Tries after the first failure. @default 0 */
  retries?: number;
  /** Wait before the first retry, doubled at each further retry. @default 200 */
  backoffMs?: number;
  /** Longest wait between tries. @default 10000 */
  maxBackoffMs?: number;
  /** Share of each wait drawn at random (0 = fixed, 1 = full jitter). @default 0.5 */
  jitter?: number;
  /** Abort an attempt after this long (its signal fires and the attempt rejects); unset = no limit. */
  timeoutMs?: number;
  /** Whether an error is worth another try. @default every error but a caller's abort */
  retryIf?: (err: unknown) => boolean;
}

/** Defaults of {@link TaskPolicy}. */
export const TASK_DEFAULTS = Object.freeze({ retries: 0, backoffMs: 200, maxBackoffMs: 10_000, jitter: 0.5 });

/** Per call: a logger for timings, a caller's signal, and injectable sleep and randomness for tests. */
export interface TaskRunOptions {
  logger?: Logger | undefined;
  /** Cancels the task: the running attempt is aborted and no retry follows. */
  signal?: AbortSignal | undefined;
  /** Overrides the task's policy for this call. */
  policy?: TaskPolicy;
  /** @default setTimeout-based */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** @default Math.random */
  random?: () => number;
}

/** What a task body receives besides its input. */
export interface TaskContext {
  /** Fires on timeout or when the caller aborts: pass it to fetch and other cancellable calls. */
  signal: AbortSignal;
  /** 1 for the first try. */
  attempt: number;
  logger: Logger | undefined;
}

/** A task: a plain async function of its input, retried and timed by {@link task}. */
export type Task<I, R> = ((input: I, options?: TaskRunOptions) => Promise<R>) & {
  readonly taskName: string;
  readonly policy: Readonly<TaskPolicy>;
};

/**
 * Wait before retry `retry` (1 for the first): `backoffMs · 2^(retry−1)`, capped at `maxBackoffMs`, of
 * which the `jitter` share is drawn at random so that many failing callers do not retry in step.
 */
export function backoffDelay(retry: number, policy: TaskPolicy = {}, random: () => number = Math.random) {
  const base = policy.backoffMs ?? TASK_DEFAULTS.backoffMs;
  const cap = policy.maxBackoffMs ?? TASK_DEFAULTS.maxBackoffMs;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? TASK_DEFAULTS.jitter));
  const full = Math.min(cap, base * 2 ** (retry - 1));
  return full * (1 - jitter) + full * jitter * random();
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wrap `fn` as a named task: each attempt gets an AbortSignal that fires after `timeoutMs` (the attempt
 * then rejects with `PIPELINE_TASK_TIMEOUT` even if `fn` ignores the signal), failures are retried with
 * exponential backoff and jitter, and every attempt is logged with its duration. The last error is
 * rethrown unchanged, so callers still see its code.
 */
export function task<I, R>(
  name: string,
  fn: (input: I, ctx: TaskContext) => Promise<R>,
  policy: TaskPolicy = {},
): Task<I, R> {
  const run = async (input: I, options: TaskRunOptions = {}): Promise<R> => {
    const p = { ...policy, ...options.policy };
    const retries = p.retries ?? TASK_DEFAULTS.retries;
    const sleep = options.sleep ?? sleepFor;
    const log = options.logger;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now();
      try {
        const result = await attempt1(name, fn, input, attempt, p.timeoutMs, options);
        log?.info({ task: name, attempt, ms: Math.round(performance.now() - t0) }, `task ${name} succeeded`);
        return result;
      } catch (err) {
        const ms = Math.round(performance.now() - t0);
        const code = (err as { code?: unknown }).code;
        const aborted = options.signal?.aborted === true;
        const retryable = !aborted && attempt <= retries && (p.retryIf?.(err) ?? true);
        log?.[retryable ? 'warn' : 'error'](
          { task: name, attempt, ms, code: typeof code === 'string' ? code : null, err: String(err) },
          retryable ? `task ${name} failed; retrying` : `task ${name} failed`,
        );
        if (!retryable) {
          log?.debug({ task: name, totalMs: Math.round(performance.now() - started) }, 'task gave up');
          throw err;
        }
        await sleep(backoffDelay(attempt, p, options.random), options.signal);
      }
    }
  };
  return Object.assign(run, { taskName: name, policy: Object.freeze({ ...policy }) });
}

async function attempt1<I, R>(
  name: string,
  fn: (input: I, ctx: TaskContext) => Promise<R>,
  input: I,
  attempt: number,
  timeoutMs: number | undefined,
  options: TaskRunOptions,
): Promise<R> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) throw options.signal.reason;
  options.signal?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const guards: Promise<never>[] = [
    new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    }),
  ];
  if (timeoutMs !== undefined) {
    timer = setTimeout(() => controller.abort(new PipelineTaskTimeoutError(name, timeoutMs)), timeoutMs);
  }
  try {
    return await Promise.race([
      fn(input, { signal: controller.signal, attempt, logger: options.logger }),
      ...guards,
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuter);
    // Unblocks the guard so it never rejects unhandled later.
    guards[0]!.catch(() => undefined);
    if (!controller.signal.aborted) controller.abort(new Error(`task ${name} settled`));
  }
}
