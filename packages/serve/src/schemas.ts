import { ENSEMBLE_STRATEGIES } from '@twiga/forecaster';
import { z } from 'zod';

import { RecordsSchema } from './records.js';

export { RecordSchema, RecordsSchema } from './records.js';

/** `POST /predict` body — the seed's `ForecastRequest`, so Python Twiga clients work unchanged. */
export const ForecastRequestSchema = z
  .object({
    /** Rows in time order; with `prepare_test_data` only the newest rows are needed. */
    records: RecordsSchema,
    /** Add a combined forecast (`model: "ensemble"`) to the per-model ones. */
    ensemble_strategy: z.enum(ENSEMBLE_STRATEGIES).optional(),
    /** Prepend the training tail stored in the checkpoint. @default true */
    prepare_test_data: z.boolean().default(true),
  })
  .strict();
export type ForecastRequest = z.output<typeof ForecastRequestSchema>;

/** One model's forecasts: `predictions[batch][horizon][target]`. */
export const ModelForecastSchema = z.object({
  model: z.string(),
  predictions: z.array(z.array(z.array(z.number()))),
  /** Seconds spent in feature building and ONNX Runtime for this request. */
  inference_time: z.number(),
});

/** `POST /predict` answer — the seed's `ForecastResponse` plus forecast timestamps and series ids. */
export const ForecastResponseSchema = z.object({
  forecasts: z.array(ModelForecastSchema),
  targets: z.array(z.string()),
  forecast_horizon: z.number().int(),
  /** ISO 8601 UTC time of each forecast step, `[batch][horizon]`. */
  timestamps: z.array(z.array(z.string())),
  /** Series of each batch row ('' for single-series data). */
  series_ids: z.array(z.string()),
  checkpoint_version: z.number().int(),
});
export type ForecastResponse = z.output<typeof ForecastResponseSchema>;

const Level = z.number().gt(0).lt(1);

/** `POST /predict-interval` body — the seed's `IntervalRequest`: give `alpha` or `coverage` (default 90 %). */
export const IntervalRequestSchema = z
  .object({
    records: RecordsSchema,
    /** Miscoverage: 0.1 asks for 90 % intervals. */
    alpha: Level.optional(),
    /** Nominal coverage, 1 − alpha. */
    coverage: Level.optional(),
    ensemble_strategy: z.enum(ENSEMBLE_STRATEGIES).optional(),
    /** `split`: conformal band around each model (default); `cqr`: the checkpoint's calibrated quantile pair. */
    method: z.enum(['split', 'cqr']).default('split'),
    prepare_test_data: z.boolean().default(true),
  })
  .strict()
  .refine((body) => body.alpha === undefined || body.coverage === undefined, {
    message: 'give alpha or coverage, not both',
    path: ['coverage'],
  });
export type IntervalRequest = z.output<typeof IntervalRequestSchema>;

/** One model's interval forecasts, each `[batch][horizon][target]`. */
export const ModelIntervalSchema = z.object({
  model: z.string(),
  lower: z.array(z.array(z.array(z.number()))),
  forecast: z.array(z.array(z.array(z.number()))),
  upper: z.array(z.array(z.array(z.number()))),
  /** Nominal coverage of the intervals (1 − alpha). */
  coverage: z.number(),
  inference_time: z.number(),
});

/** `POST /predict-interval` answer — the seed's `IntervalResponse` plus timestamps and series ids. */
export const IntervalResponseSchema = ForecastResponseSchema.omit({ forecasts: true }).extend({
  forecasts: z.array(ModelIntervalSchema),
});
export type IntervalResponse = z.output<typeof IntervalResponseSchema>;

/** The checkpoint a server is serving. */
export const CheckpointInfoSchema = z.object({
  version: z.number().int(),
  saved_at: z.string(),
  model_type: z.string(),
});

/** `GET /health` answer. `degraded` means the server is up but no model is loaded. */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  models: z.array(z.string()),
  forecast_horizon: z.number().int().nullable(),
  targets: z.array(z.string()),
  checkpoint: CheckpointInfoSchema.nullable(),
});
export type HealthResponse = z.output<typeof HealthResponseSchema>;

/** `POST /reload` answer. */
export const ReloadResponseSchema = z.object({
  status: z.literal('reloaded'),
  models: z.array(z.string()),
  previous_version: z.number().int().nullable(),
  version: z.number().int(),
  /** Server processes now serving `version` (`TWIGA_SERVE_PROCESSES`); all swapped together. */
  processes: z.number().int().positive(),
});
export type ReloadResponse = z.output<typeof ReloadResponseSchema>;

/** Every error body: a stable code, a message, and details such as the field path. */
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorResponse = z.output<typeof ErrorResponseSchema>;
