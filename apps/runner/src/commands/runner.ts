import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createLogger, type Logger, loadSettings, type TwigaSettings } from '@twiga/core';
import { zodIssues } from '@twiga/forecaster';
import {
  BullMqRunner,
  InProcessScheduler,
  PipelineScheduleInvalidError,
  PROMOTION_METRICS,
  retrainingFlow,
  runJobThread,
  type ScheduleEntry,
  trainingFlow,
} from '@twiga/pipeline';
import { TwigaTracker } from '@twiga/tracking';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BUNDLED_DATA, loadTrainConfig } from '../train-config.js';
import { firstApiKey } from './retrain.js';

/**
 * A schedules file (YAML or JSON). Paths are relative to the file. Every model has its own checkpoint
 * directory, and at most one run (training or retraining) at a time.
 */
export const SchedulesSchema = z
  .object({
    /** IANA time zone of every cron expression without its own. @default 'UTC' */
    timezone: z.string().default('UTC'),
    /** Servers to reload after a promotion, for every model without its own list. */
    servers: z.array(z.url()).default([]),
    models: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
            /** CSV the model is trained on (re-read at each run). @default the bundled data */
            data: z.string().optional(),
            /** Training config (JSON or YAML). @default the bundled data's config */
            config: z.string().optional(),
            checkpointDir: z.string(),
            /** Cron of full trainings (new version, no comparison). */
            train: z.string().optional(),
            /** Cron of retrainings (drift check, challenger, promotion). */
            retrain: z.string().optional(),
            timezone: z.string().optional(),
            force: z.boolean().default(false),
            metric: z.enum(PROMOTION_METRICS).default('mae'),
            minImprovement: z.number().min(0).lt(1).default(0.01),
            registeredModelName: z.string().optional(),
            servers: z.array(z.url()).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
/** A parsed schedules file. */
export type Schedules = z.output<typeof SchedulesSchema>;
type ModelSchedule = Schedules['models'][number];

/** Read and validate a schedules file; paths come back absolute. `PIPELINE_SCHEDULE_INVALID` names bad keys. */
export async function loadSchedules(path: string): Promise<Schedules> {
  let raw: unknown;
  try {
    const text = await readFile(path, 'utf8');
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new PipelineScheduleInvalidError(
      `cannot read schedules ${path}: ${(err as Error).message}`,
      [],
      err,
    );
  }
  const parsed = SchedulesSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new PipelineScheduleInvalidError(
      `invalid schedules ${path}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const base = dirname(resolve(path));
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  return {
    ...parsed.data,
    models: parsed.data.models.map((m) => ({
      ...m,
      checkpointDir: resolve(base, m.checkpointDir),
      ...(m.data === undefined ? {} : { data: abs(m.data)! }),
      ...(m.config === undefined ? {} : { config: abs(m.config)! }),
    })),
  };
}

/** The cron entries of a schedules file. */
export function scheduleEntries(schedules: Schedules): ScheduleEntry[] {
  return schedules.models.flatMap((m) =>
    (['train', 'retrain'] as const).flatMap((kind) => {
      const cron = m[kind];
      return cron === undefined
        ? []
        : [{ model: m.name, kind, cron, timezone: m.timezone ?? schedules.timezone }];
    }),
  );
}

/** Options of {@link startRunner}. */
export interface StartRunnerOptions {
  logger?: Logger;
  tracker?: TwigaTracker;
  /**
   * Run each job on its own worker thread (`job-worker.ts`), which builds its tracker and logger from the
   * environment; `tracker` is then unused and `logger` serves the scheduler only. @default false
   */
  thread?: boolean;
}

/**
 * The job body on a worker thread: the flow's CPU work (features, fitting) never blocks this event loop, so
 * BullMQ's job lock, the model lock's heartbeat and signals keep being served.
 */
export function threadJobRunner(
  schedules: Schedules,
): (entry: ScheduleEntry, signal: AbortSignal) => Promise<void> {
  return (entry, signal) =>
    runJobThread<void>(import.meta.url, '../job-worker', { schedules, entry }, signal);
}

/** The job body both backends run: a training or retraining flow of one model of the schedules file. */
export function jobRunner(
  schedules: Schedules,
  settings: TwigaSettings,
  logger: Logger,
  tracker: TwigaTracker,
): (entry: ScheduleEntry, signal: AbortSignal) => Promise<void> {
  const byName = new Map(schedules.models.map((m) => [m.name, m]));
  return async (entry, signal) => {
    const m = byName.get(entry.model) as ModelSchedule;
    const common = {
      data: m.data ?? BUNDLED_DATA,
      checkpointDir: m.checkpointDir,
      retention: settings.TWIGA_CHECKPOINT_RETENTION,
      tracker,
      logger: logger.child({ model: m.name, kind: entry.kind }),
      registeredModelName: m.registeredModelName,
      signal,
    };
    if (entry.kind === 'train') {
      const result = await trainingFlow({ ...common, config: await loadTrainConfig(m.config) });
      common.logger.info({ version: result.checkpointVersion, metrics: result.metrics }, 'trained');
      return;
    }
    const result = await retrainingFlow({
      ...common,
      ...(m.config === undefined ? {} : { config: await loadTrainConfig(m.config) }),
      force: m.force,
      metric: m.metric,
      minImprovement: m.minImprovement,
      servers: m.servers ?? schedules.servers,
      apiKey: firstApiKey(settings.TWIGA_SERVE_API_KEY),
    });
    common.logger.info(
      { promoted: result.promoted, reason: result.reason, version: result.checkpointVersion ?? null },
      'retraining finished',
    );
  };
}

/** Start the in-process scheduler of a schedules file; call `stop()` to drain and end it. */
export function startRunner(schedules: Schedules, options: StartRunnerOptions = {}): InProcessScheduler {
  const settings = loadSettings();
  const logger = options.logger ?? createLogger(settings, { name: 'twiga-runner' });
  // On threads each job builds its own tracker; only an inline runner needs one here.
  const run = options.thread
    ? threadJobRunner(schedules)
    : jobRunner(
        schedules,
        settings,
        logger,
        options.tracker ?? TwigaTracker.fromSettings(settings, { logger }),
      );
  const scheduler = new InProcessScheduler({ schedules: scheduleEntries(schedules), run, logger });
  scheduler.start();
  return scheduler;
}

/** A second SIGTERM/SIGINT aborts the run in flight only when it comes this long after the first. */
const SECOND_SIGNAL_AFTER_MS = 1000;

/**
 * `twiga runner --config schedules.yaml`: run the schedules until SIGTERM or SIGINT, then stop taking work,
 * let the run in flight finish, and resolve (exit 0). With `TWIGA_REDIS_URL` the schedules become BullMQ job
 * schedulers and this process one of any number of workers; otherwise croner schedules in-process.
 */
export async function runnerCommand(options: { config: string }): Promise<void> {
  const schedules = await loadSchedules(options.config);
  const settings = loadSettings();
  const logger = createLogger(settings, { name: 'twiga-runner' });
  // `force`: abort the run in flight (its thread stops at the next task; a BullMQ job fails and is retried).
  let stop: (force: boolean) => Promise<void>;
  if (settings.TWIGA_REDIS_URL === undefined) {
    const scheduler = startRunner(schedules, { logger, thread: true });
    stop = (force) => scheduler.stop({ abort: force });
  } else {
    const runner = new BullMqRunner({
      redisUrl: settings.TWIGA_REDIS_URL,
      schedules: scheduleEntries(schedules),
      run: threadJobRunner(schedules),
      globalConcurrency: settings.TWIGA_RUNNER_CONCURRENCY,
      logger,
    });
    await runner.start();
    stop = (force) => runner.stop({ force });
  }
  await new Promise<void>((done) => {
    let first: number | undefined;
    let aborted = false;
    const shutdown = (signal: string) => {
      if (first === undefined) {
        first = Date.now();
        process.stderr.write(`${signal}: finishing the run in flight, then exiting (again to abort it)\n`);
        stop(false).then(done, done);
        return;
      }
      // A process group gets one signal twice (Ctrl-C reaches pnpm and this process; pnpm forwards it again;
      // timeout(1) signals the child and its group): only a signal a second later is a request to abort.
      if (aborted || Date.now() - first < SECOND_SIGNAL_AFTER_MS) return;
      aborted = true;
      process.stderr.write(`${signal}: aborting the run in flight\n`);
      stop(true).then(done, done);
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}
