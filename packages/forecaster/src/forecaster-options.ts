/**
 * What a forecaster is made from and answers with: its options (validated by {@link ForecasterOptionsSchema}),
 * fit and predict options, and the evaluation report.
 */
import { z } from 'zod';
import { type DataPipelineConfigInput, DataPipelineConfigSchema } from './config.js';
import type { Frame } from './data/frame.js';
import type { FitProgress } from './fit-models.js';
import type { IntervalMetrics } from './metrics/interval-metrics.js';
import type { MetricsReport } from './metrics/point-metrics.js';
import { type ModelSpecInput, ModelSpecSchema } from './models/model-spec.js';

/** Options of {@link TwigaForecaster.create}: the data pipeline and the models to train. */
export const ForecasterOptionsSchema = z
  .object({
    data: DataPipelineConfigSchema,
    models: z
      .array(ModelSpecSchema)
      .min(1)
      .default([
        { name: 'seasonal-naive', params: {} },
        { name: 'linear', params: { alpha: 1 } },
      ]),
    /**
     * Conformalized quantile regression: the labels of two quantile models (e.g. `gbdt` with objective
     * `quantile` at α/2 and 1 − α/2) whose band `predictInterval(…, { method: 'cqr' })` calibrates.
     */
    cqr: z
      .object({ lower: z.string().min(1), upper: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();
/** Input of {@link TwigaForecaster.create}. */
export interface ForecasterOptions {
  data: DataPipelineConfigInput;
  models?: ModelSpecInput[];
  /** Conformalized quantile regression on two quantile models, by label. */
  cqr?: { lower: string; upper: string } | undefined;
}

/** Options of {@link TwigaForecaster.fit}. */
export interface FitOptions {
  /**
   * Held-out frame (with history context) after the training data: it calibrates the conformal intervals,
   * weighs the `weighted_mean` ensemble, and stops GBDT early when `earlyStoppingRounds` is set.
   */
  validation?: Frame;
  /** Progress of long fits (GBDT: one step per horizon step × target ensemble). */
  onProgress?: (progress: FitProgress) => void;
}

/** Metrics per model on a frame: overall, per target and per horizon step. */
export interface EvaluationReport {
  readonly windows: number;
  readonly targets: readonly string[];
  readonly horizon: number;
  readonly models: Readonly<Record<string, MetricsReport>>;
  /** Interval metrics per model at miscoverage `alpha`, when the forecaster is calibrated. */
  readonly intervals?: { readonly alpha: number; readonly models: Readonly<Record<string, IntervalMetrics>> };
}

/** Options of {@link TwigaForecaster.predict}. */
export interface PredictOptions {
  /** Prepend the training tail stored at fit time, so a client may send only its newest rows. @default true */
  prepareTestData?: boolean;
}
