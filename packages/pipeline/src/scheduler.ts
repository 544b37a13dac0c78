import type { Logger } from '@twiga/core';
import { Cron } from 'croner';
import { PipelineScheduleInvalidError } from './errors.js';

/** What a schedule runs. */
export type JobKind = 'train' | 'retrain';

/** One cron schedule of one model. */
export interface ScheduleEntry {
  /** Model (and lock) name: at most one run per model at a time, whatever its kind. */
  model: string;
  kind: JobKind;
  /** Cron expression: 5 fields, or 6 with seconds first. */
  cron: string;
  /** IANA time zone the expression is read in. @default 'UTC' */
  timezone?: string | undefined;
}

/** Options of {@link InProcessScheduler}. */
export interface InProcessSchedulerOptions {
  schedules: readonly ScheduleEntry[];
  /** Runs one due job; its signal fires on {@link InProcessScheduler.stop} with `abort: true`. */
  run: (entry: ScheduleEntry, signal: AbortSignal) => Promise<unknown>;
  logger?: Logger | undefined;
  /** Told when a job finishes (error undefined on success); for tests and metrics. */
  onSettled?: (entry: ScheduleEntry, error: unknown) => void;
}

/** Whether a trigger started a run or was skipped because the model was busy. */
export type TriggerOutcome = 'started' | 'skipped';

/**
 * The embedded scheduler: croner fires each schedule in its time zone, and at most one run per model is in
 * flight — a trigger that finds its model busy is skipped and logged, never queued (the next trigger sees
 * fresh data anyway). `stop()` stops the clocks and waits for the running jobs, for a graceful SIGTERM.
 */
export class InProcessScheduler {
  private readonly crons: Cron[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private stopped = false;

  constructor(private readonly options: InProcessSchedulerOptions) {
    for (const [i, entry] of options.schedules.entries()) validateEntry(entry, `schedules.${i}`);
  }

  /** Start every schedule's clock. */
  start(): void {
    for (const entry of this.options.schedules) {
      this.crons.push(
        new Cron(entry.cron, { timezone: entry.timezone ?? 'UTC' }, () => {
          this.trigger(entry);
        }),
      );
    }
    this.options.logger?.info({ schedules: this.describe() }, 'scheduler started');
  }

  /** Each schedule with its next run time (ISO, or null when it never fires again). */
  describe(): { model: string; kind: JobKind; cron: string; timezone: string; next: string | null }[] {
    return this.options.schedules.map((e) => ({
      model: e.model,
      kind: e.kind,
      cron: e.cron,
      timezone: e.timezone ?? 'UTC',
      next:
        new Cron(e.cron, { timezone: e.timezone ?? 'UTC', paused: true }).nextRun()?.toISOString() ?? null,
    }));
  }

  /** Models with a run in flight. */
  get busy(): string[] {
    return [...this.running.keys()];
  }

  /** Run `entry` now unless its model is busy (then skip and log) or the scheduler is stopping. */
  trigger(entry: ScheduleEntry): TriggerOutcome {
    const log = this.options.logger;
    if (this.stopped || this.running.has(entry.model)) {
      log?.warn(
        { model: entry.model, kind: entry.kind, reason: this.stopped ? 'stopping' : 'busy' },
        'trigger skipped: a run of this model is still in progress',
      );
      return 'skipped';
    }
    const t0 = performance.now();
    log?.info({ model: entry.model, kind: entry.kind }, 'scheduled run started');
    const done = this.options.run(entry, this.controller.signal).then(
      () => {
        log?.info(
          { model: entry.model, kind: entry.kind, ms: Math.round(performance.now() - t0) },
          'scheduled run finished',
        );
        this.options.onSettled?.(entry, undefined);
      },
      (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        log?.error(
          {
            model: entry.model,
            kind: entry.kind,
            code: typeof code === 'string' ? code : null,
            err: String(err),
          },
          'scheduled run failed',
        );
        this.options.onSettled?.(entry, err ?? new Error('failed'));
      },
    );
    const tracked = done.finally(() => this.running.delete(entry.model));
    this.running.set(entry.model, tracked);
    return 'started';
  }

  /** Stop every clock, then wait for runs in flight (or abort them with `abort: true`). */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const c of this.crons) c.stop();
    if (options.abort) this.controller.abort(new Error('scheduler stopping'));
    await Promise.all(this.running.values());
  }
}

/** Check a cron expression and time zone; `PIPELINE_SCHEDULE_INVALID` names the path. */
export function validateEntry(entry: ScheduleEntry, path: string): void {
  try {
    new Cron(entry.cron, { timezone: entry.timezone ?? 'UTC', paused: true }).nextRun();
    new Intl.DateTimeFormat('en', { timeZone: entry.timezone ?? 'UTC' });
  } catch (err) {
    throw new PipelineScheduleInvalidError(
      `invalid schedule ${entry.kind} of ${entry.model}: ${(err as Error).message}`,
      [{ path, message: `cron ${JSON.stringify(entry.cron)} in ${entry.timezone ?? 'UTC'}` }],
      err,
    );
  }
}
