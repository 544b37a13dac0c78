import { z } from 'zod';
import { GBDT_DEFAULTS, GbdtParamsSchema } from './gbdt/params.js';

/** Ridge regression, closed form, direct multi-horizon. */
export const LinearParamsSchema = z
  .object({
    /** L2 penalty on scaled features (as scikit-learn's `Ridge(alpha)`). @default 1 */
    alpha: z.number().min(0).default(1),
  })
  .strict();

/** The baseline every metric is compared with. */
export const SeasonalNaiveParamsSchema = z
  .object({
    /** Steps per season. @default one day for sub-daily data, one week for daily data */
    seasonLength: z.number().int().min(1).optional(),
  })
  .strict();

/**
 * One model to train: `name` is the model type, `params` its parameters; `label` (default: the name)
 * tells two models of the same type apart in metrics, responses and the ONNX graph's outputs.
 */
export const ModelSpecSchema = z.discriminatedUnion('name', [
  z
    .object({
      name: z.literal('linear'),
      label: z.string().min(1).optional(),
      params: LinearParamsSchema.default({ alpha: 1 }),
    })
    .strict(),
  z
    .object({
      name: z.literal('seasonal-naive'),
      label: z.string().min(1).optional(),
      params: SeasonalNaiveParamsSchema.default({}),
    })
    .strict(),
  z
    .object({
      name: z.literal('gbdt'),
      label: z.string().min(1).optional(),
      params: GbdtParamsSchema.default(GBDT_DEFAULTS),
    })
    .strict(),
]);

/** Model types this version can train. */
export const MODEL_TYPES = ['linear', 'seasonal-naive', 'gbdt'] as const;
/** A model type name. */
export type ModelType = (typeof MODEL_TYPES)[number];
/** Input of {@link ModelSpecSchema}. */
export type ModelSpecInput = z.input<typeof ModelSpecSchema>;
/** A validated model spec. */
export type ModelSpec = z.output<typeof ModelSpecSchema>;
