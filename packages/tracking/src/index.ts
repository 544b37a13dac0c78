export type { MlflowArtifacts } from './client/artifacts.js';
export { artifactRoot, joinArtifactPath } from './client/artifacts.js';
export type { BatchContent, MetricInput } from './client/batch.js';
export { MLFLOW_LIMITS, splitBatch, validateBatch, validateKey } from './client/batch.js';
export type { HttpRequest, MlflowAuth, MlflowHttpOptions, TryOnce } from './client/http.js';
export { MlflowHttp } from './client/http.js';
export type {
  CreateRunOptions,
  DatasetInputOptions,
  MlflowClientOptions,
  SearchRunsOptions,
} from './client/mlflow-client.js';
export { MlflowClient, RUN_UUID_TAG } from './client/mlflow-client.js';
export type { CreateModelVersionOptions, MlflowRegistry, WaitReadyOptions } from './client/registry.js';
export { MODEL_KEY_TAG } from './client/registry.js';
export type { RetryPolicy } from './client/retry.js';
export { backoffDelay, parseRetryAfter, RETRY_DEFAULTS, RETRY_STATUSES } from './client/retry.js';
export type {
  Dataset,
  DatasetInput,
  Experiment,
  FileInfo,
  KeyValue,
  Metric,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
} from './client/schemas.js';
export {
  ExperimentSchema,
  FileInfoSchema,
  MetricSchema,
  ModelVersionSchema,
  RegisteredModelSchema,
  RunSchema,
} from './client/schemas.js';
export type { TrackingConfig, TrackingSettings } from './config.js';
export { trackingConfig } from './config.js';
export type { RequestDescription, TrackingErrorCode } from './errors.js';
export {
  TrackingAuthFailedError,
  TrackingInvalidError,
  TrackingModelNotReadyError,
  TrackingNotFoundError,
  TrackingRequestFailedError,
  TrackingResponseInvalidError,
  TrackingStoreCorruptError,
  TrackingUnreachableError,
} from './errors.js';
export type { LocalMetric, LocalRun, RemoteState } from './local-store/schema.js';
export { decodeValue, LocalRunSchema } from './local-store/schema.js';
export { LocalRunStore } from './local-store/store.js';
export type { FetchedModel, FetchModelOptions, ModelUri } from './registry/fetch-model.js';
export { fetchModelVersion, isModelUri, parseModelUri } from './registry/fetch-model.js';
export type { SyncOptions, SyncResult } from './sync/sync.js';
export { syncRuns } from './sync/sync.js';
export { metricsTableCsv, predictionsCsv } from './tracker/evaluation.js';
export type { DataDescription, DatasetInfo } from './tracker/forecaster-metadata.js';
export { frameDigest } from './tracker/forecaster-metadata.js';
export { LOGGED_AT_TAG } from './tracker/register-model.js';
export type {
  LogEvaluationOptions,
  LoggedModel,
  LogModelOptions,
  TrackedRun,
  UploadProgress,
} from './tracker/tracked-run.js';
export type { RunOptions, TwigaTrackerOptions } from './tracker/tracker.js';
export { TRACKER_DEFAULTS, TwigaTracker } from './tracker/tracker.js';
