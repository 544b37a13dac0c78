import { z } from 'zod';
import { DRIFT_METHODS } from './methods.js';
import { DEGRADATION_METRICS } from './performance.js';

/** The verdict on one column: test, threshold, score and whether it drifted. */
export const ColumnDriftSchema = z.object({
  column: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  method: z.enum(DRIFT_METHODS),
  /** Evidently's name of the score, e.g. `K-S p_value`. */
  method_label: z.string(),
  /** `p_value`: drift below the threshold; `distance`: drift at or above it. */
  score_type: z.enum(['p_value', 'distance']),
  threshold: z.number(),
  score: z.number(),
  drift_detected: z.boolean(),
  n_reference: z.number().int(),
  n_current: z.number().int(),
  /** The reference column is a quantile sketch (very many distinct values): KS/Wasserstein are approximate. */
  approximate: z.boolean(),
});

/**
 * The seed's `DriftSummary` (`drift_detected`, `dataset_drift_score`, `n_drifted`, `total`,
 * `feature_drift`, `report_path`, `timestamp`) plus the drift share used and each column's verdict.
 */
export const DriftSummarySchema = z.object({
  /** Dataset drift: the share of drifted columns reached `drift_share`. */
  drift_detected: z.boolean(),
  /** Share of checked columns that drifted. */
  dataset_drift_score: z.number(),
  n_drifted: z.number().int(),
  total: z.number().int(),
  drift_share: z.number(),
  /** Score per column (p-value or distance, see `columns[].score_type`). */
  feature_drift: z.record(z.string(), z.number()),
  columns: z.array(ColumnDriftSchema),
  /** The HTML report written for this run, or null when none was written. */
  report_path: z.string().nullable(),
  /** ISO 8601 UTC time of the run. */
  timestamp: z.string(),
});
/** The seed's `DriftSummary` with per-column verdicts. */
export type DriftSummary = z.output<typeof DriftSummarySchema>;

/** Accuracy metrics over a set of cells; null where a metric is undefined. */
export const PerformanceMetricsSchema = z.object({
  count: z.number().int(),
  mae: z.number().nullable(),
  rmse: z.number().nullable(),
  me: z.number().nullable(),
  mape: z.number().nullable(),
  wmape: z.number().nullable(),
  smape: z.number().nullable(),
  coverage: z.number().nullable(),
  interval_width: z.number().nullable(),
});

/** One metric compared with the reference period. */
export const DegradationCheckSchema = z.object({
  metric: z.enum(DEGRADATION_METRICS),
  current: z.number().nullable(),
  reference: z.number().nullable(),
  ratio: z.number().nullable(),
  degraded: z.boolean(),
});

/** A performance run: metrics overall, per target and per step, the reference comparison, the report. */
export const PerformanceSummarySchema = z.object({
  metrics: PerformanceMetricsSchema,
  per_target: z.record(z.string(), PerformanceMetricsSchema),
  mae_by_step: z.record(z.string(), z.array(z.number().nullable())),
  reference_metrics: PerformanceMetricsSchema.nullable(),
  degradation_ratio: z.number(),
  degradation: z.array(DegradationCheckSchema),
  degradation_detected: z.boolean(),
  n_windows: z.number().int(),
  horizon: z.number().int(),
  targets: z.array(z.string()),
  report_path: z.string().nullable(),
  timestamp: z.string(),
});
/** A performance run's outcome. */
export type PerformanceSummary = z.output<typeof PerformanceSummarySchema>;

/**
 * The seed's `MonitorResponse`: what `POST /monitor/drift` and `POST /monitor/performance` answer.
 * `alert` is true on dataset drift or on performance degradation, for a quick check; the details are in
 * `drift` or `performance` (the other is null).
 */
export const MonitorResponseSchema = z.object({
  status: z.literal('ok'),
  monitor_type: z.enum(['data_drift', 'performance']),
  alert: z.boolean(),
  drift: DriftSummarySchema.nullable(),
  performance: PerformanceSummarySchema.nullable(),
  report_path: z.string().nullable(),
  /** Where the server serves the report (`GET /reports/:name`), or null. */
  report_url: z.string().nullable(),
  timestamp: z.string(),
  checkpoint_version: z.number().int(),
});
/** The seed's `MonitorResponse`. */
export type MonitorResponse = z.output<typeof MonitorResponseSchema>;
