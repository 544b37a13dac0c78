import { z } from 'zod';
import { parsePeriod } from './data/period.js';

/** Calendar features, each encoded as a sin/cos pair at the first forecast timestamp. */
export const CALENDAR_FEATURES = ['hour', 'dayofweek', 'month', 'dayofyear', 'minute'] as const;
export type CalendarFeature = (typeof CALENDAR_FEATURES)[number];

/** How input columns are scaled before models see them. */
export const SCALERS = ['standard', 'robust', 'none'] as const;

/** What to do with gaps and missing values instead of failing with `DATA_INVALID`. */
export const FillSchema = z
  .object({
    /** Missing timestamps inside a series: `error` or linear `interpolate`. @default error */
    gaps: z.enum(['error', 'interpolate']).default('error'),
    /** Empty or non-numeric values: `error`, `ffill` (last value) or `interpolate`. @default error */
    missing: z.enum(['error', 'ffill', 'interpolate']).default('error'),
  })
  .strict();

/**
 * The data pipeline: which columns mean what and which features models see. One schema validates
 * training configs, checkpoints and CLI files, so an unknown key is always an error that names it.
 */
export const DataPipelineConfigSchema = z
  .object({
    /** Timestamp column (ISO 8601; an offset or `Z` is honoured, naive times are UTC). */
    dateColumn: z.string().min(1),
    /** Columns to forecast (one or more). */
    targets: z.array(z.string().min(1)).min(1),
    /** Column naming the series when the file holds several. */
    seriesId: z.string().min(1).optional(),
    /** Sampling period, e.g. `30min`, `1h`, `1d`. Timestamps must be regular at this period. */
    period: z.string().refine((p) => parsePeriod(p) !== undefined, {
      message: 'a period like 30min, 1h, 15s, 1d or 1w',
    }),
    /** How many past steps of each target the models see. */
    lookbackWindowSize: z.number().int().min(1),
    /** How many future steps are forecast. */
    forecastHorizon: z.number().int().min(1),
    /**
     * Seasonal lags k: for forecast step h the feature y[t+h−k] (only when h ≤ k, i.e. known at forecast
     * time). @default []
     */
    lags: z.array(z.number().int().min(1)).default([]),
    /** Rolling windows w: mean and standard deviation of the last w target values. @default [] */
    rollingWindows: z.array(z.number().int().min(2)).default([]),
    /** Calendar features as sin/cos pairs at the first forecast timestamp. @default [] */
    calendarFeatures: z.array(z.enum(CALENDAR_FEATURES)).default([]),
    /** Covariates known only in the past: their values over the lookback window. @default [] */
    historicalFeatures: z.array(z.string().min(1)).default([]),
    /** Covariates observed now and known ahead (e.g. forecast temperature): the last value and the
     * value at every forecast step. @default [] */
    exogenousFeatures: z.array(z.string().min(1)).default([]),
    /** Covariates known ahead only (e.g. holiday flags): the value at every forecast step. @default [] */
    futureCovariates: z.array(z.string().min(1)).default([]),
    /** Scaling of targets and covariates, fitted on training data. @default standard */
    scaling: z.enum(SCALERS).default('standard'),
    /** Filling instead of failing. @default { gaps: 'error', missing: 'error' } */
    fill: FillSchema.default({ gaps: 'error', missing: 'error' }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, string>();
    const claim = (col: string, role: string, path: (string | number)[]) => {
      const prev = seen.get(col);
      if (prev !== undefined)
        ctx.addIssue({ code: 'custom', path, message: `column ${col} is already used as ${prev}` });
      else seen.set(col, role);
    };
    claim(cfg.dateColumn, 'dateColumn', ['dateColumn']);
    cfg.targets.forEach((c, i) => {
      claim(c, 'a target', ['targets', i]);
    });
    if (cfg.seriesId !== undefined) claim(cfg.seriesId, 'seriesId', ['seriesId']);
    for (const key of ['historicalFeatures', 'exogenousFeatures', 'futureCovariates'] as const) {
      cfg[key].forEach((c, i) => {
        claim(c, key, [key, i]);
      });
    }
  });

/** Input of {@link DataPipelineConfigSchema} (defaults may be left out). */
export type DataPipelineConfigInput = z.input<typeof DataPipelineConfigSchema>;
/** A validated data pipeline config with every default filled in. */
export type DataPipelineConfig = z.output<typeof DataPipelineConfigSchema>;

/** Every covariate column the pipeline reads, in a fixed order. */
export function covariateColumns(cfg: DataPipelineConfig): string[] {
  return [...new Set([...cfg.historicalFeatures, ...cfg.exogenousFeatures, ...cfg.futureCovariates])];
}

/** How many rows after the anchor each window needs: H when future covariates are used, else 0. */
export function futureRowsNeeded(cfg: DataPipelineConfig): number {
  return cfg.exogenousFeatures.length + cfg.futureCovariates.length > 0 ? cfg.forecastHorizon : 0;
}

/** How many rows up to and including the anchor each window needs (lookback, lags, rolling windows). */
export function historyRowsNeeded(cfg: DataPipelineConfig): number {
  return Math.max(cfg.lookbackWindowSize, ...cfg.lags, ...cfg.rollingWindows, 1);
}
