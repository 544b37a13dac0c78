import { Writable } from 'node:stream';
import { createLogger } from '@twiga/core';
import { describe, expect, it } from 'vitest';
import { InProcessScheduler, type ScheduleEntry } from './scheduler.js';

function capture() {
  const lines: { msg: string; model?: string; reason?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, logger: createLogger({ TWIGA_LOG_LEVEL: 'info' }, { destination: stream }) };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const retrainA: ScheduleEntry = { model: 'a', kind: 'retrain', cron: '0 * * * *' };
const trainA: ScheduleEntry = { model: 'a', kind: 'train', cron: '0 3 * * 0' };
const retrainB: ScheduleEntry = { model: 'b', kind: 'retrain', cron: '0 * * * *' };

describe('InProcessScheduler', () => {
  it('runs one job per model at a time and skips (and logs) overlapping triggers', async () => {
    const gate = deferred();
    const started: string[] = [];
    const { lines, logger } = capture();
    const s = new InProcessScheduler({
      schedules: [retrainA, trainA, retrainB],
      logger,
      run: async (e) => {
        started.push(`${e.model}:${e.kind}`);
        await gate.promise;
      },
    });
    expect(s.trigger(retrainA)).toBe('started');
    expect(s.trigger(retrainA)).toBe('skipped');
    // Training and retraining of one model share its lock; other models run freely.
    expect(s.trigger(trainA)).toBe('skipped');
    expect(s.trigger(retrainB)).toBe('started');
    expect(s.busy.sort()).toEqual(['a', 'b']);
    gate.resolve();
    await s.stop();
    expect(started).toEqual(['a:retrain', 'b:retrain']);
    expect(lines.filter((l) => l.msg.startsWith('trigger skipped'))).toHaveLength(2);
    expect(s.trigger(retrainA)).toBe('skipped');
  });

  it('fires a seconds-level cron and skips the triggers that come while the run is still going', async () => {
    let runs = 0;
    const { lines, logger } = capture();
    const s = new InProcessScheduler({
      schedules: [{ model: 'm', kind: 'retrain', cron: '* * * * * *' }],
      logger,
      run: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 1500));
      },
    });
    s.start();
    await new Promise((r) => setTimeout(r, 3300));
    await s.stop();
    const skipped = lines.filter((l) => l.msg.startsWith('trigger skipped') && l.reason === 'busy').length;
    // Triggers at ~every second over 3.3 s with 1.5 s runs: 2 runs (t≈1, t≈3) and 1 skip (t≈2), ±1 of timing.
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
    expect(skipped).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.msg === 'scheduled run finished')).toHaveLength(runs);
  });

  it('waits for the run in flight on stop', async () => {
    let finished = false;
    const s = new InProcessScheduler({
      schedules: [retrainA],
      run: async () => {
        await new Promise((r) => setTimeout(r, 100));
        finished = true;
      },
    });
    s.trigger(retrainA);
    await s.stop();
    expect(finished).toBe(true);
  });

  it('reads cron expressions in their time zone', () => {
    const s = new InProcessScheduler({
      schedules: [{ model: 'm', kind: 'train', cron: '30 3 * * *', timezone: 'Asia/Tokyo' }],
      run: async () => {},
    });
    // 03:30 in Tokyo (UTC+9, no DST) is 18:30 UTC.
    expect(s.describe()[0]!.next).toMatch(/T18:30:00\.000Z$/);
  });

  it.each([
    ['not a cron', 'UTC'],
    ['0 3 * * *', 'Mars/Olympus'],
  ])('rejects schedule %s in %s with PIPELINE_SCHEDULE_INVALID', (cron, timezone) => {
    expect(
      () =>
        new InProcessScheduler({
          schedules: [{ model: 'm', kind: 'train', cron, timezone }],
          run: async () => {},
        }),
    ).toThrow(expect.objectContaining({ code: 'PIPELINE_SCHEDULE_INVALID' }));
  });
});
