// The body of one scheduled run on its own worker thread (see `runJobThread` in @twiga/pipeline): builds its
// own settings, logger and tracker from the same environment, then runs the training or retraining flow.
import { createLogger, loadSettings } from '@twiga/core';
import { type ScheduleEntry, serveJobThread } from '@twiga/pipeline';
import { TwigaTracker } from '@twiga/tracking';
import { jobRunner, type Schedules } from './commands/runner.js';

/** What the main thread sends: the parsed schedules file and the entry that is due. */
export interface JobThreadData {
  schedules: Schedules;
  entry: ScheduleEntry;
}

serveJobThread<JobThreadData, void>(async ({ schedules, entry }, signal) => {
  const settings = loadSettings();
  const logger = createLogger(settings, { name: 'twiga-runner' });
  const tracker = TwigaTracker.fromSettings(settings, { logger });
  await jobRunner(schedules, settings, logger, tracker)(entry, signal);
});
