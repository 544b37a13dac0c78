import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, RETRY_DEFAULTS } from './retry.js';

describe('retry policy', () => {
  it("waits as MLflow's client does: 0, then 2·2^(n−1) s, plus up to 1 s of jitter, at most 120 s", () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, RETRY_DEFAULTS, none))).toEqual([
      0, 4000, 8000, 16_000, 32_000, 64_000,
    ]);
    expect(backoffDelay(2, RETRY_DEFAULTS, () => 0.5)).toBe(4500);
    expect(backoffDelay(9, RETRY_DEFAULTS, none)).toBe(120_000);
    expect(RETRY_DEFAULTS.maxTries).toBe(7);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
