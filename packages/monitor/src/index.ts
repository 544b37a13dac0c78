export type {
  ColumnDrift,
  ColumnDriftOptions,
  DriftComputation,
  DriftOptions,
  DriftResult,
} from './drift.js';
export { computeDataDrift, DRIFT_DEFAULTS } from './drift.js';
export type { MonitorErrorCode } from './errors.js';
export {
  MonitorColumnEmptyError,
  MonitorColumnTypeError,
  MonitorColumnUnknownError,
  MonitorDatasetNotFoundError,
  MonitorLengthMismatchError,
  MonitorMethodInvalidError,
  MonitorNoReferenceError,
  MonitorProfileInvalidError,
  MonitorReportNotFoundError,
} from './errors.js';
export type { ColumnKind, ColumnPair, DriftMethod, MethodSpec } from './methods.js';
export { DRIFT_METHODS, METHOD_SPECS, runMethod } from './methods.js';
export type { ForecastMonitorOptions, ReportOption } from './monitor.js';
export { ForecastMonitor } from './monitor.js';
export type {
  DegradationCheck,
  DegradationMetric,
  ForecastValues,
  PerformanceMetrics,
  PerformanceOptions,
  PerformanceResult,
} from './performance.js';
export { computePerformance, DEGRADATION_METRICS, PERFORMANCE_DEFAULTS } from './performance.js';
export { referenceFromPredictions, tableFromPredictions } from './prediction-drift.js';
export type { ColumnProfile, ProfileOptions, ReferenceColumn, ReferenceProfile } from './profile.js';
export {
  buildReferenceProfile,
  decodeProfile,
  PROFILE_DEFAULTS,
  PROFILE_FORMAT,
  parseReferenceProfile,
  profileKinds,
  REFERENCE_PROFILE_FILE,
  ReferenceProfileSchema,
  serializeReferenceProfile,
} from './profile.js';
export type { ReadTableCsvOptions } from './read-csv.js';
export { readTableCsv } from './read-csv.js';
export type { DriftReportMeta } from './report/drift-report.js';
export { renderDriftReport } from './report/drift-report.js';
export type { PerformanceReportMeta } from './report/performance-report.js';
export { renderPerformanceReport } from './report/performance-report.js';
export { REPORT_NAME, reportName, writeReport } from './report/write.js';
export type { DriftSummary, MonitorResponse, PerformanceSummary } from './schemas.js';
export {
  ColumnDriftSchema,
  DegradationCheckSchema,
  DriftSummarySchema,
  MonitorResponseSchema,
  PerformanceMetricsSchema,
  PerformanceSummarySchema,
} from './schemas.js';
export { defaultMethod, FEW_VALUES_MAX, SMALL_REFERENCE_MAX_ROWS } from './select-test.js';
export type { CategoricalSample } from './stats/categorical.js';
export { categoricalFromValues } from './stats/categorical.js';
export type { ChiSquareResult } from './stats/chi-square.js';
export { chiSquareSf, chiSquareTest } from './stats/chi-square.js';
export { jensenShannonDistance } from './stats/jensen-shannon.js';
export { kolmogorovN } from './stats/kolmogorov.js';
export type { KsResult } from './stats/ks.js';
export { KS_MAX_EXACT_N, ks2Samp, ksPValue } from './stats/ks.js';
export { populationStabilityIndex } from './stats/psi.js';
export type { NumericSample } from './stats/sample.js';
export { sampleFromValues } from './stats/sample.js';
export { smirnovSf } from './stats/smirnov.js';
export { wassersteinDistance, wassersteinNormed } from './stats/wasserstein.js';
export { zTest } from './stats/z-test.js';
export type { MonitorTable, TableFromRecordsOptions, TableLike } from './table.js';
export { asTable, tableFromRecords } from './table.js';
