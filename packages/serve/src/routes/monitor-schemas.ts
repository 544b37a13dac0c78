// Request bodies of the monitoring routes: zod schemas that validate them and document them in OpenAPI.
import { DRIFT_METHODS } from '@twiga/monitor';
import { z } from 'zod';
import { RecordsSchema } from '../schemas.js';

/** A dataset named by reference: a plain `.csv` file name inside the dataset directory. */
export const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}\.csv$/;

const Method = z.enum(DRIFT_METHODS);
const Threshold = z.number().positive().finite();

/** `POST /monitor/drift` body: the current data (records, or a dataset by name) and test options. */
export const DriftRequestSchema = z
  .object({
    /** Current rows, keyed by column. */
    records: RecordsSchema.optional(),
    /** Or a CSV file name in the server's dataset directory (`<TWIGA_SERVE_REPORT_DIR>/datasets`). */
    dataset: z.string().max(204).optional(),
    /** Columns to check. @default every column of the reference profile */
    columns: z.array(z.string().max(256)).min(1).optional(),
    /** Test for every column (Evidently's names). @default Evidently's choice per column */
    method: Method.optional(),
    /** Threshold for every column. @default the method's */
    threshold: Threshold.optional(),
    /** Per-column method and threshold. */
    per_column: z
      .record(
        z.string().max(256),
        z.object({ method: Method.optional(), threshold: Threshold.optional() }).strict(),
      )
      .optional(),
    /** Dataset drift when at least this share of columns drifted. @default 0.5 */
    drift_share: z.number().gt(0).max(1).optional(),
    /** Write an HTML report. @default true */
    report: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.records === undefined) !== (b.dataset === undefined), {
    message: 'send exactly one of records or dataset',
    path: ['records'],
  });
export type DriftRequest = z.output<typeof DriftRequestSchema>;

const Cell = z.number().nullable();
/** `[n][horizon][targets]`, as `POST /predict` answers `predictions`; null = missing. */
const Cube = z.array(z.array(z.array(Cell)));
/** Forecasts as `POST /predict` returns one model's: predictions, optional interval and timestamps. */
export const ForecastsSchema = z
  .object({
    predictions: Cube,
    lower: Cube.optional(),
    upper: Cube.optional(),
    /** ISO 8601 time of each step, `[n][horizon]`. */
    timestamps: z.array(z.array(z.string())).optional(),
  })
  .strict();
const PairSchema = z.object({ actuals: Cube, forecasts: ForecastsSchema }).strict();

/** Which record fields hold a target's actual, forecast and interval. */
export const RecordTargetSchema = z
  .object({
    actual: z.string(),
    forecast: z.string(),
    lower: z.string().optional(),
    upper: z.string().optional(),
  })
  .strict();

/** `POST /monitor/performance` body: actuals and forecasts as cubes, or records carrying both. */
export const PerformanceRequestSchema = z
  .object({
    actuals: Cube.optional(),
    forecasts: ForecastsSchema.optional(),
    /** Or one row per time step carrying actual and forecast fields (see `record_targets`). */
    records: RecordsSchema.optional(),
    /**
     * Fields of each target in `records`. @default per served target T: actual `T`, forecast `T_forecast`,
     * interval `T_lower`/`T_upper` when present
     */
    record_targets: z.array(RecordTargetSchema).min(1).optional(),
    /** Field of `records` holding the time. @default the training config's date column */
    timestamp_column: z.string().optional(),
    /** Names of the targets (last axis of the cubes). @default the served model's targets */
    targets: z.array(z.string()).min(1).optional(),
    /** A reference period to compare with. */
    reference: PairSchema.optional(),
    /** Degraded when a metric exceeds the reference's by this factor. @default 1.2 */
    degradation_ratio: z.number().gt(1).optional(),
    report: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.records === undefined) !== (b.actuals === undefined && b.forecasts === undefined), {
    message: 'send actuals and forecasts, or records',
    path: ['records'],
  })
  .refine((b) => b.records !== undefined || (b.actuals !== undefined && b.forecasts !== undefined), {
    message: 'actuals and forecasts go together',
    path: ['forecasts'],
  });
export type PerformanceRequest = z.output<typeof PerformanceRequestSchema>;
