import { z } from 'zod';
import { DataPipelineConfigSchema } from './config.js';
import { CalibrationSchema } from './conformal.js';
import { ModelSpecSchema } from './models/model-spec.js';

/** A model as trained: its spec with the label resolved. */
export const NamedModelSchema = z.intersection(ModelSpecSchema, z.object({ label: z.string().min(1) }));
/** A model spec with its resolved label. */
export type NamedModel = z.output<typeof NamedModelSchema>;

/** The last rows of each training series, kept so a client may send only its newest rows. */
export const SeriesTailSchema = z.object({
  id: z.string(),
  timestamps: z.array(z.number()),
  columns: z.record(z.string(), z.array(z.number())),
});
export type SeriesTail = z.output<typeof SeriesTailSchema>;

/**
 * Everything a fitted forecaster needs besides its ONNX graph: `pipeline.json` in a checkpoint.
 * It is data only (validated on load, never executed).
 */
export const PipelineStateSchema = z
  .object({
    formatVersion: z.literal(1),
    config: DataPipelineConfigSchema,
    models: z.array(NamedModelSchema).min(1),
    featureNames: z.array(z.string()),
    /** Scaling per series id ('' for single-series data), per column. */
    scalers: z.record(
      z.string(),
      z.record(z.string(), z.object({ center: z.number(), scale: z.number().positive() })),
    ),
    periodMs: z.number().positive(),
    seasonLength: z.number().int().positive(),
    /** Validation MAE per model (overall, original units); null when no validation data was given. */
    validationMae: z.record(z.string(), z.number().nullable()),
    tails: z.array(SeriesTailSchema),
    trainedAt: z.string(),
    trainWindows: z.number().int().nonnegative(),
    /** Conformal calibration, or null when the forecaster was fitted without held-out data. */
    calibration: CalibrationSchema.nullable(),
    /** Labels of the quantile pair calibrated by CQR, or null. */
    cqr: z.object({ lower: z.string(), upper: z.string() }).nullable(),
  })
  .strict();
/** Parsed `pipeline.json`. */
export type PipelineState = z.output<typeof PipelineStateSchema>;
