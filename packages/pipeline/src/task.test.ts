import { describe, expect, it } from 'vitest';
import { PipelineTaskTimeoutError } from './errors.js';
import { backoffDelay, task } from './task.js';

/** A sleep that records the waits instead of waiting. */
function fakeSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

class Flaky extends Error {
  readonly code = 'FLAKY';
}

describe('task', () => {
  it('retries with exponential backoff and jitter, then returns the result', async () => {
    let calls = 0;
    const t = task(
      'flaky',
      async (n: number) => {
        calls++;
        if (calls < 3) throw new Flaky('not yet');
        return n * 2;
      },
      { retries: 3, backoffMs: 100, jitter: 0.5 },
    );
    const { waits, sleep } = fakeSleep();
    await expect(t(21, { sleep, random: () => 0.5 })).resolves.toBe(42);
    expect(calls).toBe(3);
    // 100·2^(k−1) of which half is fixed and half scaled by random() = 0.5.
    expect(waits).toEqual([75, 150]);
  });

  it('rethrows the last error unchanged after the last retry', async () => {
    let calls = 0;
    const err = new Flaky('always');
    const t = task(
      'broken',
      async () => {
        calls++;
        throw err;
      },
      { retries: 2 },
    );
    const { waits, sleep } = fakeSleep();
    await expect(t(undefined, { sleep })).rejects.toBe(err);
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('does not retry errors retryIf rejects', async () => {
    let calls = 0;
    const t = task(
      'fatal',
      async () => {
        calls++;
        throw new Flaky('fatal');
      },
      { retries: 5, retryIf: () => false },
    );
    await expect(t(undefined, fakeSleep())).rejects.toMatchObject({ code: 'FLAKY' });
    expect(calls).toBe(1);
  });

  it('times an attempt out through its AbortSignal, even when the body ignores it', async () => {
    let seen: AbortSignal | undefined;
    const t = task(
      'slow',
      (_: undefined, ctx) => {
        seen = ctx.signal;
        return new Promise<never>(() => {});
      },
      { timeoutMs: 50 },
    );
    const t0 = performance.now();
    const err = await t(undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineTaskTimeoutError);
    expect((err as PipelineTaskTimeoutError).code).toBe('PIPELINE_TASK_TIMEOUT');
    expect(seen?.aborted).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('retries a timed-out attempt and succeeds when a later one is fast', async () => {
    let calls = 0;
    const t = task(
      'sometimes-slow',
      async () => {
        calls++;
        if (calls === 1) await new Promise((r) => setTimeout(r, 500));
        return 'ok';
      },
      { timeoutMs: 30, retries: 1 },
    );
    await expect(t(undefined, fakeSleep())).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  it('stops retrying when the caller aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const t = task(
      'cancelled',
      async () => {
        calls++;
        controller.abort(new Error('stop'));
        throw new Flaky('x');
      },
      { retries: 5 },
    );
    await expect(t(undefined, { signal: controller.signal, ...fakeSleep() })).rejects.toMatchObject({
      code: 'FLAKY',
    });
    expect(calls).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('doubles per retry up to the cap and draws the jitter share at random', () => {
    const p = { backoffMs: 100, maxBackoffMs: 1000, jitter: 1 };
    expect([1, 2, 3, 4, 5, 6].map((k) => backoffDelay(k, p, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(3, p, () => 0)).toBe(0);
    expect(backoffDelay(3, { ...p, jitter: 0 }, () => 0)).toBe(400);
  });
});
