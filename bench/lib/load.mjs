/** One load measurement with autocannon: a warm-up run that is thrown away, then the measured run. */
import autocannon from 'autocannon';

/** Options of {@link measure}. */
export const LOAD_DEFAULTS = Object.freeze({
  /** Seconds of the measured run. @default 10 */
  duration: 10,
  /** Seconds of the discarded warm-up run before it (JIT, connection set-up, caches). @default 2 */
  warmup: 2,
  /** Seconds after which one request counts as a timeout. @default 10 */
  timeout: 10,
});

/**
 * POST `body` (or each of `bodies` in turn) to `url` from `connections` concurrent connections (one request in flight on each) for
 * `warmup` then `duration` seconds, and summarise the measured run: mean req/s over its seconds, p50/p99
 * latency of 2xx answers (ms, autocannon's 1 ms resolution), non-2xx answers, errors and timeouts.
 */
export async function measure({ url, body, bodies, connections, duration, warmup, timeout }) {
  const options = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    pipelining: 1,
    timeout,
  };
  // `bodies`: send these in turn instead of one body, so concurrent requests carry different rows (one
  // repeated body would flatter any batching: identical rows take identical, cache-warm tree paths).
  if (bodies?.length) {
    let next = 0;
    options.requests = [
      { setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) },
    ];
  }
  if (warmup > 0) await autocannon({ ...options, duration: warmup });
  const result = await autocannon({ ...options, duration });
  return {
    connections,
    reqPerSec: result.requests.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    // autocannon counts a timeout as an error too; report the two apart.
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
    ),
  };
}
