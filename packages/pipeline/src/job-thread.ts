/**
 * Run one job body on its own worker thread, so a long CPU-bound training never blocks the event loop of the
 * process that holds the job: BullMQ keeps renewing the job lock, the model lock keeps its heartbeat and
 * SIGTERM is still heard. The body lives in a module of its own (BullMQ's "sandboxed processor" idea, but
 * our model lock and retry policy stay on the main thread).
 *
 * Main thread: `runJobThread(import.meta.url, 'job-worker', data, signal)`.
 * Worker module (`job-worker.ts` beside the caller): `serveJobThread(async (data, signal) => …)`.
 */

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ForwardedError, type SerializedError, serializeError, spawnWorker } from '@twiga/core';
import { PipelineJobCrashedError } from './errors.js';

/** What the worker posts back once. */
type JobThreadMessage = { type: 'done'; result: unknown } | { type: 'failed'; error: SerializedError };

/** How long an aborted job may take to stop by itself before its thread is terminated. */
export const JOB_THREAD_ABORT_GRACE_MS = 10_000;

/**
 * Start `<name>.js|.ts` beside `callerUrl` on a worker thread with `data` (structured-cloned) and resolve with
 * what its body returned. Rejects with the body's own error (a `ForwardedError`, code kept), or `PIPELINE_JOB_CRASHED` when the
 * thread dies without an answer. When `signal` fires the body's signal fires too; a body that ignores it is
 * terminated after {@link JOB_THREAD_ABORT_GRACE_MS}.
 */
export function runJobThread<T = unknown>(
  callerUrl: string,
  name: string,
  data: unknown,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = spawnWorker(callerUrl, name, { workerData: data });
    let answered = false;
    let kill: NodeJS.Timeout | undefined;
    const onAbort = () => {
      const reason: unknown = signal?.reason;
      worker.postMessage({
        type: 'abort',
        reason: reason instanceof Error ? reason.message : String(reason ?? 'aborted'),
      });
      kill = setTimeout(() => void worker.terminate(), JOB_THREAD_ABORT_GRACE_MS);
      kill.unref();
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: JobThreadMessage) => {
      answered = true;
      if (msg.type === 'done') resolve(msg.result as T);
      else reject(new ForwardedError(msg.error, 'PIPELINE_JOB_FAILED'));
    });
    worker.on('error', (err) => {
      answered = true;
      reject(new PipelineJobCrashedError(name, err.message, err));
    });
    worker.on('exit', (code) => {
      clearTimeout(kill);
      signal?.removeEventListener('abort', onAbort);
      if (!answered) reject(new PipelineJobCrashedError(name, `thread exited with code ${code}`));
    });
  });
}

/** In a job-thread module: run `body` with the thread's data and post its result or error back once. */
export function serveJobThread<D, R>(body: (data: D, signal: AbortSignal) => Promise<R>): void {
  if (isMainThread || !parentPort) throw new Error('serveJobThread must run inside a worker thread');
  const port = parentPort;
  const controller = new AbortController();
  port.on('message', (msg: { type?: string; reason?: string }) => {
    if (msg.type === 'abort') controller.abort(new Error(msg.reason ?? 'aborted'));
  });
  body(workerData as D, controller.signal)
    .then(
      (result) => port.postMessage({ type: 'done', result } satisfies JobThreadMessage),
      (err: unknown) =>
        port.postMessage({ type: 'failed', error: serializeError(err) } satisfies JobThreadMessage),
    )
    .finally(() => port.close());
}
