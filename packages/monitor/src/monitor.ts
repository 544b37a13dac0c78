import { computeDataDrift, type DriftOptions } from './drift.js';
import { MonitorNoReferenceError } from './errors.js';
import { computePerformance, type ForecastValues, type PerformanceOptions } from './performance.js';
import { referenceFromPredictions, tableFromPredictions } from './prediction-drift.js';
import {
  buildReferenceProfile,
  decodeProfile,
  type ProfileOptions,
  parseReferenceProfile,
  type ReferenceColumn,
  type ReferenceProfile,
} from './profile.js';
import { renderDriftReport } from './report/drift-report.js';
import { renderPerformanceReport } from './report/performance-report.js';
import { writeReport } from './report/write.js';
import type { DriftSummary, PerformanceSummary } from './schemas.js';
import { asTable, type TableLike } from './table.js';

/** Options of {@link ForecastMonitor}. */
export interface ForecastMonitorOptions {
  /** Where HTML reports are written (`TWIGA_SERVE_REPORT_DIR` on the server); unset writes none. */
  reportDir?: string;
  /** Options for profiles built by {@link ForecastMonitor.setReference} from data. */
  profile?: ProfileOptions;
  /** Clock for timestamps and report names. @default () => new Date() */
  now?: () => Date;
}

/** Whether a run writes its HTML report (when the monitor has a `reportDir`). @default true */
export interface ReportOption {
  report?: boolean;
}

/**
 * Monitoring of a served forecaster, as Python Twiga's `ForecastMonitor` but native: data drift of the
 * inputs against a precomputed reference profile, drift of the predictions, and forecast performance
 * against actuals, each with an optional self-contained HTML report.
 */
export class ForecastMonitor {
  private reference: { profile: ReferenceProfile; columns: Map<string, ReferenceColumn> } | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: ForecastMonitorOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Set the reference: a profile (e.g. a checkpoint's `reference_profile.json`, parsed or not) or the
   * reference data itself, profiled here. Returns the profile in use.
   */
  setReference(reference: TableLike | ReferenceProfile | Uint8Array | string): ReferenceProfile {
    const profile =
      reference instanceof Uint8Array || typeof reference === 'string'
        ? parseReferenceProfile(reference)
        : 'format' in reference
          ? parseReferenceProfile(reference)
          : buildReferenceProfile(reference, { ...this.options.profile, now: this.now });
    this.reference = { profile, columns: decodeProfile(profile) };
    return profile;
  }

  /** The reference profile in use, if any. */
  get referenceProfile(): ReferenceProfile | undefined {
    return this.reference?.profile;
  }

  /** Compare `current` with the reference column by column (see `computeDataDrift`); writes a report. */
  async runDataDrift(current: TableLike, options: DriftOptions & ReportOption = {}): Promise<DriftSummary> {
    if (!this.reference) throw new MonitorNoReferenceError();
    const table = asTable(current);
    const { result, pairs } = computeDataDrift(this.reference.columns, table, options);
    const timestamp = this.now();
    const summary: DriftSummary = { ...result, report_path: null, timestamp: timestamp.toISOString() };
    if (this.options.reportDir !== undefined && options.report !== false) {
      const html = renderDriftReport(summary, pairs, {
        referenceRows: this.reference.profile.rows,
        currentRows: table.length,
      });
      summary.report_path = await writeReport(this.options.reportDir, 'drift', html, timestamp);
    }
    return summary;
  }

  /**
   * Drift of predictions: each target's values over every window and step (`[n, horizon, targets]`
   * flattened per target) compared between current and reference predictions.
   */
  async runPredictionDrift(
    currentPreds: ForecastValues,
    referencePreds: ForecastValues,
    options: DriftOptions & ReportOption = {},
  ): Promise<DriftSummary> {
    const reference = referenceFromPredictions(referencePreds);
    const table = tableFromPredictions(currentPreds);
    const { result, pairs } = computeDataDrift(reference, table, options);
    const timestamp = this.now();
    const summary: DriftSummary = { ...result, report_path: null, timestamp: timestamp.toISOString() };
    if (this.options.reportDir !== undefined && options.report !== false) {
      const html = renderDriftReport(summary, pairs, {
        title: 'Prediction drift report',
        referenceRows: referencePreds.shape[0] * referencePreds.shape[1],
        currentRows: table.length,
      });
      summary.report_path = await writeReport(this.options.reportDir, 'prediction-drift', html, timestamp);
    }
    return summary;
  }

  /** Score forecasts against actuals, compare with a reference period; writes a report. */
  async runPerformance(
    actuals: Float64Array,
    forecasts: ForecastValues,
    options: PerformanceOptions & ReportOption = {},
  ): Promise<PerformanceSummary> {
    const result = computePerformance(actuals, forecasts, options);
    const timestamp = this.now();
    const summary: PerformanceSummary = { ...result, report_path: null, timestamp: timestamp.toISOString() };
    if (this.options.reportDir !== undefined && options.report !== false) {
      const html = renderPerformanceReport(summary, actuals, forecasts);
      summary.report_path = await writeReport(this.options.reportDir, 'performance', html, timestamp);
    }
    return summary;
  }
}
