export type { BullJobOutcome, BullMqRunnerOptions, JobMeta } from './bullmq-runner.js';
export { BULLMQ_DEFAULTS, BullMqRunner, schedulerId } from './bullmq-runner.js';
export type { PipelineErrorCode } from './errors.js';
export {
  PipelineJobCrashedError,
  PipelineNoReferenceError,
  PipelineReloadFailedError,
  PipelineScheduleInvalidError,
  PipelineTaskTimeoutError,
} from './errors.js';
export type { FlowRecord } from './flow-record.js';
export { FLOW_RUNS_DIR, FlowRecordSchema, listFlowRecords, writeFlowRecord } from './flow-record.js';
export { JOB_THREAD_ABORT_GRACE_MS, runJobThread, serveJobThread } from './job-thread.js';
export type { PromotionMetric, RetrainingFlowOptions, RetrainingResult } from './retraining-flow.js';
export {
  newestRows,
  PROMOTION_METRICS,
  primaryModel,
  RETRAINING_DEFAULTS,
  RetrainingResultSchema,
  retrainingFlow,
} from './retraining-flow.js';
export type {
  InProcessSchedulerOptions,
  JobKind,
  ScheduleEntry,
  TriggerOutcome,
} from './scheduler.js';
export { InProcessScheduler, validateEntry } from './scheduler.js';
export type { Task, TaskContext, TaskPolicy, TaskRunOptions } from './task.js';
export { backoffDelay, TASK_DEFAULTS, task } from './task.js';
export type {
  DriftCheckInput,
  EvaluateModelInput,
  Evaluation,
  FitForecasterInput,
  FittedForecaster,
  LoadDataInput,
  LogToMlflowInput,
  ModelMetrics,
  ReloadOutcome,
  ReloadServersInput,
  SaveCheckpointInput,
  ServerReload,
} from './tasks.js';
export {
  evaluateModel,
  fitForecaster,
  flatMetrics,
  loadData,
  logToMlflow,
  REFERENCE_PROFILE_FILE,
  reloadServer,
  reloadServers,
  runDriftCheck,
  saveCheckpoint,
} from './tasks.js';
export type { FlowCommonOptions, FlowConfig, TrainingFlowOptions, TrainingResult } from './training-flow.js';
export { FLOW_SPLIT_DEFAULTS, TrainingResultSchema, trainingFlow } from './training-flow.js';
