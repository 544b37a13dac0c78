export type { BacktestFold, BacktestFoldsInput, BacktestResult, BacktestSummary } from './backtest.js';
export { BacktestFoldsSchema, backtest } from './backtest.js';
export type { CheckpointManifest, VersionMeta } from './checkpoint/manifest.js';
export { CHECKPOINT_FILES, MANIFEST_FILE, ManifestSchema, VersionMetaSchema } from './checkpoint/manifest.js';
export type {
  CheckpointStoreOptions,
  LoadedCheckpoint,
  LoadOptions,
  SaveOptions,
} from './checkpoint/store.js';
export { CheckpointStore } from './checkpoint/store.js';
export type { CalendarFeature, DataPipelineConfig, DataPipelineConfigInput } from './config.js';
export {
  CALENDAR_FEATURES,
  covariateColumns,
  DataPipelineConfigSchema,
  FillSchema,
  futureRowsNeeded,
  historyRowsNeeded,
  SCALERS,
} from './config.js';
export type { Calibration } from './conformal.js';
export { CalibrationSchema, conformalQuantile, conformalScores } from './conformal.js';
export { MISSING_WORDS, parseNumericCell, parseTimestampCell } from './data/cell.js';
export type { Frame, SeriesData } from './data/frame.js';
export { sliceFrame } from './data/frame.js';
export type { ColumnSpec } from './data/frame-builder.js';
export { defaultSeasonLength, parsePeriod } from './data/period.js';
export { fromRecords, readCsv } from './data/read-csv.js';
export { toSeries } from './data/series.js';
export type { DataLocation, ForecasterErrorCode } from './errors.js';
export {
  CheckpointCorruptError,
  CheckpointNotFoundError,
  ConfigInvalidError,
  DataInvalidError,
  ModelInvalidError,
  ModelNotCalibratedError,
  ModelNotFittedError,
} from './errors.js';
export type { FeatureContext } from './features/build-features.js';
export { buildFeatures, buildTargets } from './features/build-features.js';
export type { FeatureLayout } from './features/layout.js';
export { featureLayout } from './features/layout.js';
export type { FitProgress, FittedModel } from './fit-models.js';
export { TwigaForecaster } from './forecaster.js';
export type {
  EvaluationReport,
  FitOptions,
  ForecasterOptions,
  PredictOptions,
} from './forecaster-options.js';
export { ForecasterOptionsSchema } from './forecaster-options.js';
export type { IntervalMetrics, QuantileMetrics } from './metrics/interval-metrics.js';
export { intervalMetrics, pinball, quantileMetrics } from './metrics/interval-metrics.js';
export type { MetricsReport, MetricValues, PointMetric } from './metrics/point-metrics.js';
export { computePointMetrics, POINT_METRICS } from './metrics/point-metrics.js';
export type { GbdtParams, GbdtParamsInput } from './models/gbdt/params.js';
export { GBDT_DEFAULTS, GbdtParamsSchema } from './models/gbdt/params.js';
export { trainGbdtMany } from './models/gbdt/pool.js';
export { predictGbdt } from './models/gbdt/predict.js';
export type { GbdtEnsemble } from './models/gbdt/tree.js';
export type { ModelSpec, ModelSpecInput, ModelType } from './models/model-spec.js';
export { MODEL_TYPES, ModelSpecSchema } from './models/model-spec.js';
export type { EnsembleStrategy, ForecastKind, RawPrediction } from './prediction.js';
export { combinePredictions, ENSEMBLE_STRATEGIES } from './prediction.js';
export type { SplitFrames, SplitOptions } from './split.js';
export { filterRows, splitFrame } from './split.js';
export type { NamedModel, PipelineState } from './state.js';
export { PipelineStateSchema } from './state.js';
export { FORECASTER_VERSION } from './version.js';
export { zodIssues } from './zod-issues.js';
