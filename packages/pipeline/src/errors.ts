import { TwigaError } from '@twiga/core';

/** Every stable error code of @twiga/pipeline. */
export type PipelineErrorCode =
  | 'PIPELINE_TASK_TIMEOUT'
  | 'PIPELINE_RELOAD_FAILED'
  | 'PIPELINE_NO_REFERENCE'
  | 'PIPELINE_SCHEDULE_INVALID'
  | 'PIPELINE_JOB_CRASHED'
  /** A job thread's error without a code of its own, forwarded (`ForwardedError`). */
  | 'PIPELINE_JOB_FAILED';

/** A task attempt ran longer than its `timeoutMs` (its AbortSignal fired). */
export class PipelineTaskTimeoutError extends TwigaError {
  readonly code = 'PIPELINE_TASK_TIMEOUT';
  constructor(
    readonly task: string,
    readonly timeoutMs: number,
  ) {
    super(`task ${task} did not finish within ${timeoutMs} ms`, { details: { task, timeoutMs } });
  }
}

/** A server did not answer `POST /reload` with 200 after every retry. */
export class PipelineReloadFailedError extends TwigaError {
  readonly code = 'PIPELINE_RELOAD_FAILED';
  constructor(
    readonly url: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`POST ${url}/reload failed: ${reason}`, { cause, details: { url, reason } });
  }
}

/** The champion checkpoint has no `reference_profile.json`, so drift cannot be checked (use `force`). */
export class PipelineNoReferenceError extends TwigaError {
  readonly code = 'PIPELINE_NO_REFERENCE';
  constructor(readonly checkpointDir: string) {
    super(
      `the current checkpoint in ${checkpointDir} has no reference_profile.json: retrain with force, or train again`,
      { details: { checkpointDir } },
    );
  }
}

/** A schedules file is unreadable or invalid (bad cron expression, time zone or key). */
export class PipelineScheduleInvalidError extends TwigaError {
  readonly code = 'PIPELINE_SCHEDULE_INVALID';
  constructor(message: string, issues: { path: string; message: string }[] = [], cause?: unknown) {
    super(message, { cause, details: { issues } });
  }
}

/** A job's worker thread died (crash, out of memory, terminated) before answering. */
export class PipelineJobCrashedError extends TwigaError {
  readonly code = 'PIPELINE_JOB_CRASHED';
  constructor(job: string, reason: string, cause?: unknown) {
    super(`job thread ${job} died before finishing: ${reason}`, { cause, details: { job, reason } });
  }
}
