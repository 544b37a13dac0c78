/** HTTP statuses retried, as MLflow's own client does (`_TRANSIENT_FAILURE_RESPONSE_CODES`). */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** How requests are retried; MLflow's client defaults except `maxTries` (the 7 tries in all). */
export interface RetryPolicy {
  /** Tries in all, the first included. @default 7 */
  maxTries: number;
  /** Backoff factor: the n-th retry (n ≥ 2) waits `backoffMs · 2^(n−1)`; the first retry waits only jitter. @default 2000 */
  backoffMs: number;
  /** Up to this much random delay is added to every backoff. @default 1000 */
  jitterMs: number;
  /** No single wait (backoff or `Retry-After`) is longer than this. @default 120000 */
  maxBackoffMs: number;
}

/** Defaults of {@link RetryPolicy}: MLflow's `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR`/`_JITTER`, urllib3's cap. */
export const RETRY_DEFAULTS: Readonly<RetryPolicy> = Object.freeze({
  maxTries: 7,
  backoffMs: 2000,
  jitterMs: 1000,
  maxBackoffMs: 120_000,
});

/**
 * Wait before retry number `retry` (1 = the first retry), as urllib3's `Retry` computes it for MLflow:
 * 0 for the first, `backoff · 2^(retry−1)` after, plus uniform jitter, capped.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = retry <= 1 ? 0 : policy.backoffMs * 2 ** (retry - 1);
  return Math.min(policy.maxBackoffMs, exponential + random() * policy.jitterMs);
}

/**
 * Milliseconds a `Retry-After` header asks to wait (delta-seconds or an HTTP date), or undefined when the
 * header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
